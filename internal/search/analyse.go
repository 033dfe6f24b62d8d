package search

import (
	"strings"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// Query analysis: the words of the query analysed as the index analyses
// text, and the clauses over them.

// qword is one word of the user's query, analysed as the index analyses text.
type qword struct {
	raw   string   // lower-cased, folded
	whole string   // the stemmed word; "" for a stop word
	parts []qpart  // compound parts (top level), all required
	lemma string   // stemmed dictionary form of an inflected word, or ""
	terms []string // every term above, for highlighting
	// typo: the index does not know the word as written (expandWords);
	// only then does it match words one edit away. A word the index knows
	// is no typo, and matching its neighbours as well costs a pass over all
	// of them for nothing.
	typo bool
	// near are the stems of the indexed words the word starts (for longer
	// words) and, for a typo, of those one edit away, with their boosts:
	// matched in the body, where they score by their frequency.
	near []nearTerm
	// corrections are the first words one edit away of a typo, as
	// written, also those of its own stem (opvoedingsondersteunig:
	// opvoedingsondersteuning).
	corrections []string
	// alts are other ways the texts may say the word (variants.go).
	alts []qalt
	// langTerms are the terms of its alternatives in the other languages,
	// per language (languages.go), for highlighting.
	langTerms map[string][]string
}

// compoundParts are the parts of the compound w (top level), each with its
// own parts; nil if w is none (caller checks ix.dc).
func (ix *Index) compoundParts(w string) []qpart {
	var parts []qpart
	for _, p := range ix.dc.TopSplit(w) {
		if dutch.IsStopWord(p.Word) {
			continue
		}
		qp := qpart{word: p.Word, stem: dutch.Stem(p.Word)}
		for _, sp := range ix.dc.TopSplit(p.Word) {
			if !dutch.IsStopWord(sp.Word) {
				qp.subs = append(qp.subs, dutch.Stem(sp.Word))
			}
		}
		parts = append(parts, qp)
	}
	return parts
}

// setParts makes parts the word's compound parts.
func (w *qword) setParts(parts []qpart) {
	w.parts = parts
	for _, qp := range parts {
		w.terms = append(w.terms, qp.stem)
		w.terms = append(w.terms, qp.subs...)
	}
}

// qpart is a compound part: its stem, or all of its own parts, or (for a
// compound the texts do not hold) another way to say it (variants.go).
type qpart struct {
	word string
	stem string
	subs []string
	alts []qalt // one term each
	// starts are the stems of indexed words the part starts, matched in
	// a relaxed search (energiearmoede: energieleverancier).
	starts []string
}

// analyzeQuery reads the query (querysyntax.go) and analyses its words as
// the index analyses text: the words wanted (for highlighting and
// expansion), the clauses over them, and what excludes.
func (ix *Index) analyzeQuery(q string) (words []qword, clauses []qclause, exclude []qoption) {
	pq := parseQuery(q)
	seen := make(map[string]int)
	// word adds the word w (once) and returns its index, -1 for a stop word
	// or past maxQueryWords.
	word := func(w string) int {
		if i, ok := seen[w]; ok {
			return i
		}
		if isQueryStopWord(w) || len(words) >= maxQueryWords {
			return -1
		}
		seen[w] = len(words)
		words = append(words, ix.analyzeWord(w))
		return len(words) - 1
	}
	rawWords := func(text string) []string {
		var out []string
		for _, t := range ix.raw.Analyze([]byte(text)) {
			out = append(out, string(t.Term))
		}
		return out
	}
	inClause := make(map[int]bool)
	for _, parts := range pq.clauses {
		if len(parts) == 1 && !parts[0].phrase {
			// Plain words: a clause each.
			for _, w := range rawWords(parts[0].text) {
				if i := word(w); i >= 0 && !inClause[i] {
					inClause[i] = true
					clauses = append(clauses, qclause{opts: []qoption{{word: i}}})
				}
			}
			continue
		}
		var c qclause
		for _, part := range parts {
			ws := rawWords(part.text)
			var idx []int
			for _, w := range ws {
				if i := word(w); i >= 0 {
					idx = append(idx, i)
				}
			}
			switch {
			case len(idx) == 0:
			case len(ws) == 1:
				c.opts = append(c.opts, qoption{word: idx[0]})
			default:
				c.opts = append(c.opts, qoption{word: -1, phrase: strings.Join(ws, " ")})
			}
		}
		if len(c.opts) > 0 {
			clauses = append(clauses, c)
		}
	}
	for _, part := range pq.exclude {
		ws := rawWords(part.text)
		switch {
		case len(ws) == 1 && !isQueryStopWord(ws[0]):
			exclude = append(exclude, qoption{word: -1, phrase: ws[0]})
		case len(ws) > 1:
			exclude = append(exclude, qoption{word: -1, phrase: strings.Join(ws, " ")})
		}
	}
	return words, clauses, exclude
}

// qclause is a clause of the query: any of its options will do.
type qclause struct{ opts []qoption }

// qoption is a word of the query (an index into request.words) or, with
// word -1, a phrase (its raw words).
type qoption struct {
	word   int
	phrase string
}

// analyzeWord analyses one raw (lower-cased, folded) query word.
func (ix *Index) analyzeWord(w string) qword {
	qw := qword{raw: w, whole: dutch.Stem(w)}
	qw.terms = append(qw.terms, qw.whole)
	for _, a := range ix.foreignTerms(w, qw.whole) {
		qw.addLangAlt(a)
	}
	if ix.dc != nil {
		qw.setParts(ix.compoundParts(w))
		if l := ix.dc.Lemma(w); l != "" && dutch.Stem(l) != qw.whole {
			qw.lemma = dutch.Stem(l)
			qw.terms = append(qw.terms, qw.lemma)
		}
	}
	return qw
}
