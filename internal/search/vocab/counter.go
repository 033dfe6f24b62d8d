package vocab

import (
	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// Counter counts the words of documents as the raw analyzer finds them
// (the pb_words tokenizer, lower-casing, folding), each once per document,
// without building token streams: it runs over every text of every
// practice when a vocabulary is made.
type Counter struct {
	counts map[string]*wordCount
	doc    uint32 // documents counted; marks the words the current one has had
	text   []byte
	buf    []byte
}

type wordCount struct {
	n      int32  // documents that use the word
	own    int32  // documents whose own texts use it (Counter.Add)
	doc    uint32 // the last document that counted in n
	ownDoc uint32 // the last document that counted in own
}

// NewCounter returns an empty counter.
func NewCounter() *Counter {
	return &Counter{counts: make(map[string]*wordCount)}
}

// Add counts the words of one document's texts delta times; the words of
// texts[:own] also count as the document's own (the corpus dictionary
// counts only the practice's own texts).
func (c *Counter) Add(texts []string, own int, delta int32) {
	c.doc++
	for i, t := range texts {
		c.text = append(c.text[:0], t...)
		dutch.ScanWords(c.text, func(start, end int, _ analysis.TokenType, format bool) {
			term := c.term(start, end, format)
			e := c.counts[string(term)]
			if e == nil {
				e = &wordCount{}
				c.counts[string(term)] = e
			}
			if e.doc != c.doc {
				e.doc = c.doc
				e.n += delta
			}
			if i < own && e.ownDoc != c.doc {
				e.ownDoc = c.doc
				e.own += delta
			}
		})
	}
}

// term is the raw analyzer's term of the word c.text[start:end]. It may
// point into c.buf.
func (c *Counter) term(start, end int, format bool) []byte {
	c.buf = append(c.buf[:0], c.text[start:end]...)
	return dutch.RawTerm(c.buf, format)
}

// Result returns the counts of the words counted.
func (c *Counter) Result() map[string]int32 {
	out := make(map[string]int32, len(c.counts))
	for w, e := range c.counts {
		if e.n != 0 {
			out[w] = e.n
		}
	}
	return out
}

// Merge adds the counts of o to c.
func (c *Counter) Merge(o *Counter) {
	for w, e := range o.counts {
		if mine := c.counts[w]; mine != nil {
			mine.n += e.n
			mine.own += e.own
		} else {
			c.counts[w] = &wordCount{n: e.n, own: e.own}
		}
	}
}

// Each calls fn with every word counted, the documents that use it and
// those whose own texts do.
func (c *Counter) Each(fn func(word string, n, own int32)) {
	for w, e := range c.counts {
		fn(w, e.n, e.own)
	}
}
