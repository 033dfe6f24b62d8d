package search

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"
	lev "github.com/blevesearch/vellum/levenshtein"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// vocabulary holds every word of the indexed practices as written (the raw
// analyzer's terms: lower-cased, folded), each with the number of indexed
// practices that use it. Prefix and typo matching and did-you-mean look
// words up in it; the index itself only holds their stems.
//
// It is derived from the index, like the doc table: built alongside a
// rebuild, read from the stored fields when an index is opened, and changed
// by every batch written. Keeping it beside the index rather than as an
// indexed field saves a fifth of the indexing.
//
// The words live in a finite state transducer (sorted, compact, searchable
// by prefix and by edit distance) plus a short sorted list of the words
// added since it was built; the counts say which words are still used.
type vocabulary struct {
	mu     sync.RWMutex
	counts map[string]int32
	fst    *vellum.FST // the words when it was built; nil when there were none
	inFST  int         // how many words the fst holds
	dead   int         // words of the fst no longer used
	fresh  []string    // sorted: used words the fst does not hold
}

// newVocabulary returns the vocabulary of counts (words with a count of 0
// or less are left out); it takes counts over.
func newVocabulary(counts map[string]int32) (*vocabulary, error) {
	maps.DeleteFunc(counts, func(_ string, n int32) bool { return n <= 0 })
	v := &vocabulary{counts: counts}
	if err := v.compact(); err != nil {
		return nil, err
	}
	return v, nil
}

// compact rebuilds the fst from the words in use (caller holds mu or owns
// v); on an error v is as it was.
func (v *vocabulary) compact() error {
	words := make([]string, 0, len(v.counts))
	for w := range v.counts {
		words = append(words, w)
	}
	slices.Sort(words)
	var fst *vellum.FST
	if len(words) > 0 {
		var buf bytes.Buffer
		b, err := vellum.New(&buf, nil)
		if err != nil {
			return err
		}
		for _, w := range words {
			if err := b.Insert([]byte(w), 0); err != nil {
				return err
			}
		}
		if err := b.Close(); err != nil {
			return err
		}
		if fst, err = vellum.Load(buf.Bytes()); err != nil {
			return err
		}
	}
	v.fst, v.inFST, v.dead, v.fresh = fst, len(words), 0, nil
	return nil
}

// change adds delta to the counts. Words newly in use join the fresh list;
// when that list or the unused words of the fst grow past an eighth of the
// fst, the fst is rebuilt.
func (v *vocabulary) change(delta map[string]int32) error {
	if len(delta) == 0 {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	var added []string
	for w, d := range delta {
		if d == 0 {
			continue
		}
		before := v.counts[w]
		after := max(before+d, 0)
		if after == 0 {
			delete(v.counts, w)
		} else {
			v.counts[w] = after
		}
		switch {
		case before == 0 && after > 0:
			if v.holds(w) {
				v.dead--
			} else {
				added = append(added, w)
			}
		case before > 0 && after == 0:
			if v.holds(w) {
				v.dead++
			} else if i, ok := slices.BinarySearch(v.fresh, w); ok {
				v.fresh = slices.Delete(v.fresh, i, i+1)
			}
		}
	}
	if len(added) > 0 {
		v.fresh = append(v.fresh, added...)
		slices.Sort(v.fresh)
	}
	if limit := max(1024, v.inFST/8); len(v.fresh) > limit || v.dead > limit {
		// On an error the words are all still found (from fresh).
		return v.compact()
	}
	return nil
}

// holds reports whether the fst has w (caller holds mu).
func (v *vocabulary) holds(w string) bool {
	if v.fst == nil {
		return false
	}
	ok, err := v.fst.Contains([]byte(w))
	return err == nil && ok
}

// count is the number of indexed practices that use w.
func (v *vocabulary) count(w string) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return int(v.counts[w])
}

// size is the number of words in use.
func (v *vocabulary) size() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.counts)
}

// withPrefix calls fn, in sorted order, with the words in use that start
// with prefix (the prefix itself included) and their counts, until fn
// returns false. fn must not call v.
func (v *vocabulary) withPrefix(prefix string, fn func(word string, count int) bool) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var it *vellum.FSTIterator
	if v.fst != nil {
		var err error
		it, err = v.fst.Iterator([]byte(prefix), prefixEnd(prefix))
		if err != nil && !errors.Is(err, vellum.ErrIteratorDone) {
			return err
		}
	}
	i, _ := slices.BinarySearch(v.fresh, prefix)
	j := i
	for j < len(v.fresh) && strings.HasPrefix(v.fresh[j], prefix) {
		j++
	}
	return v.merge(it, v.fresh[i:j], fn)
}

// endingWith returns the words in use that end with suffix and are at
// least dutch.MinPartLen letters longer: the most used max of them, by count
// then word. It reads every word, so it is for words the texts do not hold
// (variants.go).
func (v *vocabulary) endingWith(suffix string, max int) []string {
	type wc struct {
		w string
		n int32
	}
	var found []wc
	v.mu.RLock()
	for w, n := range v.counts {
		if n > 0 && len(w) >= len(suffix)+dutch.MinPartLen && strings.HasSuffix(w, suffix) {
			found = append(found, wc{w, n})
		}
	}
	v.mu.RUnlock()
	slices.SortFunc(found, func(a, b wc) int {
		if a.n != b.n {
			return int(b.n - a.n)
		}
		return strings.Compare(a.w, b.w)
	})
	out := make([]string, 0, min(max, len(found)))
	for _, f := range found[:min(max, len(found))] {
		out = append(out, f.w)
	}
	return out
}

// near calls fn, in sorted order, with the words in use within d edits of
// word (a transposition counts as one edit, as in Bleve's fuzzy search)
// and their counts, until fn returns false. d is 1 or 2. fn must not call v.
func (v *vocabulary) near(word string, d int, fn func(word string, count int) bool) error {
	dfa, err := levenshteinDFA(word, d)
	if err != nil {
		return err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var it *vellum.FSTIterator
	if v.fst != nil {
		it, err = v.fst.Search(dfa, nil, nil)
		if err != nil && !errors.Is(err, vellum.ErrIteratorDone) {
			return err
		}
	}
	var fresh []string
	for _, w := range v.fresh {
		if accepts(dfa, w) {
			fresh = append(fresh, w)
		}
	}
	return v.merge(it, fresh, fn)
}

// merge calls fn with the used words of it (nil when empty) and fresh,
// both sorted, in sorted order, until fn returns false (caller holds mu).
func (v *vocabulary) merge(it *vellum.FSTIterator, fresh []string, fn func(word string, count int) bool) error {
	if it != nil {
		defer it.Close()
	}
	for it != nil || len(fresh) > 0 {
		var w string
		if it != nil {
			if k, _ := it.Current(); len(fresh) == 0 || string(k) < fresh[0] {
				w = string(k)
				if err := it.Next(); errors.Is(err, vellum.ErrIteratorDone) {
					it = nil
				} else if err != nil {
					return err
				}
			}
		}
		if w == "" {
			w, fresh = fresh[0], fresh[1:]
		}
		if n := v.counts[w]; n > 0 && !fn(w, int(n)) {
			return nil
		}
	}
	return nil
}

// prefixEnd is the first key after every key that starts with p; nil when
// there is none.
func prefixEnd(p string) []byte {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return b[:i+1]
		}
	}
	return nil
}

// levenshteinBuilders make the edit-distance automata (costly to make, so
// made once), with transpositions as one edit.
var levenshteinBuilders = sync.OnceValues(func() ([2]*lev.LevenshteinAutomatonBuilder, error) {
	var out [2]*lev.LevenshteinAutomatonBuilder
	for i := range out {
		b, err := lev.NewLevenshteinAutomatonBuilder(uint8(i+1), true)
		if err != nil {
			return out, err
		}
		out[i] = b
	}
	return out, nil
})

func levenshteinDFA(word string, d int) (*lev.DFA, error) {
	if d < 1 || d > 2 {
		return nil, errors.New("search: edit distance must be 1 or 2")
	}
	bs, err := levenshteinBuilders()
	if err != nil {
		return nil, err
	}
	return bs[d-1].BuildDfa(word, uint8(d))
}

// accepts runs the automaton over w.
func accepts(a vellum.Automaton, w string) bool {
	s := a.Start()
	for i := 0; i < len(w); i++ {
		if !a.CanMatch(s) {
			return false
		}
		s = a.Accept(s, w[i])
	}
	return a.IsMatch(s)
}

// wordCounter counts the words of documents as the raw analyzer finds them
// (the pb_words tokenizer, lower-casing, folding), each once per document,
// without building token streams: it runs over every text of every
// practice when a vocabulary is made.
type wordCounter struct {
	counts map[string]*wordCount
	doc    uint32 // documents counted; marks the words the current one has had
	text   []byte
	buf    []byte
}

type wordCount struct {
	n      int32  // documents that use the word
	own    int32  // documents whose own texts use it (wordCounter.add)
	doc    uint32 // the last document that counted in n
	ownDoc uint32 // the last document that counted in own
}

func newWordCounter() *wordCounter {
	return &wordCounter{counts: make(map[string]*wordCount)}
}

// add counts the words of one document's texts delta times; the words of
// texts[:own] also count as the document's own (the corpus dictionary
// counts only the practice's own texts).
func (c *wordCounter) add(texts []string, own int, delta int32) {
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
func (c *wordCounter) term(start, end int, format bool) []byte {
	c.buf = append(c.buf[:0], c.text[start:end]...)
	return dutch.RawTerm(c.buf, format)
}

// result returns the counts of the words counted.
func (c *wordCounter) result() map[string]int32 {
	out := make(map[string]int32, len(c.counts))
	for w, e := range c.counts {
		if e.n != 0 {
			out[w] = e.n
		}
	}
	return out
}

// merge adds the counts of o to c.
func (c *wordCounter) merge(o *wordCounter) {
	for w, e := range o.counts {
		if mine := c.counts[w]; mine != nil {
			mine.n += e.n
			mine.own += e.own
		} else {
			c.counts[w] = &wordCount{n: e.n, own: e.own}
		}
	}
}

// readVocabulary counts the words of every document of r from its stored
// fields, with batchWriters goroutines.
func readVocabulary(r index.IndexReader, plan *actionplan.Plan) (*vocabulary, error) {
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	var ids []string
	for {
		iid, err := all.Next()
		if err != nil {
			all.Close()
			return nil, err
		}
		if iid == nil {
			break
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			all.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := all.Close(); err != nil {
		return nil, err
	}
	var g errgroup.Group
	var counters [batchWriters]*wordCounter
	for i := range counters {
		wc := newWordCounter()
		counters[i] = wc
		part := ids[i*len(ids)/batchWriters : (i+1)*len(ids)/batchWriters]
		g.Go(func() error {
			for _, id := range part {
				sd, err := r.Document(id)
				if err != nil {
					return err
				}
				if sd != nil {
					d := storedDoc(sd)
					wc.add(d.texts(plan), 0, 1)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, wc := range counters[1:] {
		counters[0].merge(wc)
	}
	return newVocabulary(counters[0].result())
}

// storedDoc reads back what the index stores of a document: its seq and the
// fields doc.texts uses.
func storedDoc(sd index.Document) doc {
	var d doc
	one := map[string]*string{fTitle: &d.Title, fSummary: &d.Summary, fDescription: &d.Description, fRegion: &d.Region, fSeq: &d.Seq}
	many := map[string]*[]string{
		fSuccessFactors: &d.SuccessFactors, fPitfalls: &d.Pitfalls, fBottlenecks: &d.Bottlenecks,
		fTargetGroups: &d.TargetGroups, fSettings: &d.Settings, fOrganisations: &d.Organisations,
		fMunicipalities: &d.Municipalities, fKrachtlijnen: &d.Krachtlijnen, fChallenges: &d.Challenges,
	}
	sd.VisitFields(func(f index.Field) {
		if v, ok := one[f.Name()]; ok {
			*v = string(f.Value())
		} else if vs, ok := many[f.Name()]; ok {
			*vs = append(*vs, string(f.Value()))
		}
	})
	return d
}

// The vocabulary file. Counting the words of every stored document takes
// seconds at 100,000 practices, so Close writes the vocabulary beside the
// index files, and Open reads it back when it is the one of the index as
// it is: Close stores the file's random token in the index after writing
// the file, and Open removes that token before anything can write to the
// index. An index closed without Close (a crash) has no valid file and
// counts its words again.
const (
	vocabFileName   = "vocabulary"
	vocabFileHeader = "praktijkenbank-vocabulary 1 "
)

// openVocabulary returns the vocabulary of bl, the index in ix.dir: from
// the vocabulary file when it is valid, else counted from the documents.
func (ix *Index) openVocabulary(bl bleve.Index) (*vocabulary, error) {
	token, err := bl.GetInternal(keyVocabulary)
	if err != nil {
		return nil, fmt.Errorf("read vocabulary token: %w", err)
	}
	path := filepath.Join(ix.dir, vocabFileName)
	var vocab *vocabulary
	if len(token) > 0 {
		if err := bl.DeleteInternal(keyVocabulary); err != nil {
			return nil, fmt.Errorf("clear vocabulary token: %w", err)
		}
		vocab, err = loadVocabularyFile(path, string(token))
		if err != nil {
			ix.log.Warn("search vocabulary file unusable; counting the words again", "path", path, "err", err)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove vocabulary file: %w", err)
	}
	if vocab != nil {
		return vocab, nil
	}
	start := time.Now()
	err = withReader(bl, func(r index.IndexReader) error {
		vocab, err = readVocabulary(r, ix.plan)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read vocabulary: %w", err)
	}
	if vocab.size() > 0 {
		ix.log.Info("search vocabulary counted from the index", "words", vocab.size(), "duration", time.Since(start))
	}
	return vocab, nil
}

// saveVocabulary writes the vocabulary file of the index in use and
// stores its token in the index (caller holds writeMu and mu).
func (ix *Index) saveVocabulary() error {
	var t [16]byte
	if _, err := rand.Read(t[:]); err != nil {
		return err
	}
	token := hex.EncodeToString(t[:])
	path := filepath.Join(ix.dir, vocabFileName)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	w := bufio.NewWriter(f)
	w.WriteString(vocabFileHeader + token + "\n")
	ix.vocab.mu.RLock()
	for word, n := range ix.vocab.counts {
		w.WriteString(strconv.Itoa(int(n)))
		w.WriteByte('\t')
		w.WriteString(word)
		w.WriteByte('\n')
	}
	ix.vocab.mu.RUnlock()
	err = w.Flush()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return err
	}
	return ix.bl.SetInternal(keyVocabulary, []byte(token))
}

// loadVocabularyFile reads a vocabulary file written with token.
func loadVocabularyFile(path, token string) (*vocabulary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	if !sc.Scan() {
		return nil, errors.New("empty file")
	}
	if sc.Text() != vocabFileHeader+token {
		return nil, errors.New("not the index's vocabulary")
	}
	counts := make(map[string]int32)
	for line := 2; sc.Scan(); line++ {
		n, word, ok := strings.Cut(sc.Text(), "\t")
		c, err := strconv.ParseInt(n, 10, 32)
		if !ok || err != nil || c <= 0 || word == "" {
			return nil, fmt.Errorf("line %d: not a count and a word", line)
		}
		counts[word] = int32(c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return newVocabulary(counts)
}
