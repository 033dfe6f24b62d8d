// Package vocab is the vocabulary of the search index: every word of the
// indexed practices as written (the raw analysis of package dutch: lower
// case, folded), with the number of practices that use it. The index looks
// up prefixes, typos (words within one or two edits), word endings and
// did-you-mean in it; the index itself holds only the stems. A Counter
// counts the words of documents; a Vocabulary is made from its counts and
// changed by every batch the index writes.
package vocab

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/vellum"
	lev "github.com/blevesearch/vellum/levenshtein"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// Vocabulary holds every word of the indexed practices as written (the raw
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
type Vocabulary struct {
	mu     sync.RWMutex
	counts map[string]int32
	fst    *vellum.FST // the words when it was built; nil when there were none
	inFST  int         // how many words the fst holds
	dead   int         // words of the fst no longer used
	fresh  []string    // sorted: used words the fst does not hold
}

// New returns the vocabulary of counts (words with a count of 0
// or less are left out); it takes counts over.
func New(counts map[string]int32) (*Vocabulary, error) {
	maps.DeleteFunc(counts, func(_ string, n int32) bool { return n <= 0 })
	v := &Vocabulary{counts: counts}
	if err := v.compact(); err != nil {
		return nil, err
	}
	return v, nil
}

// compact rebuilds the fst from the words in use (caller holds mu or owns
// v); on an error v is as it was.
func (v *Vocabulary) compact() error {
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

// Change adds delta to the counts. Words newly in use join the fresh list;
// when that list or the unused words of the fst grow past an eighth of the
// fst, the fst is rebuilt.
func (v *Vocabulary) Change(delta map[string]int32) error {
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
			if v.Holds(w) {
				v.dead--
			} else {
				added = append(added, w)
			}
		case before > 0 && after == 0:
			if v.Holds(w) {
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

// Holds reports whether the fst has w (caller holds mu).
func (v *Vocabulary) Holds(w string) bool {
	if v.fst == nil {
		return false
	}
	ok, err := v.fst.Contains([]byte(w))
	return err == nil && ok
}

// Count is the number of indexed practices that use w.
func (v *Vocabulary) Count(w string) int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return int(v.counts[w])
}

// Size is the number of words in use.
func (v *Vocabulary) Size() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.counts)
}

// WithPrefix calls fn, in sorted order, with the words in use that start
// with prefix (the prefix itself included) and their counts, until fn
// returns false. fn must not call v.
func (v *Vocabulary) WithPrefix(prefix string, fn func(word string, count int) bool) error {
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

// EndingWith returns the words in use that end with suffix and are at
// least dutch.MinPartLen letters longer: the most used max of them, by count
// then word. It reads every word, so it is for words the texts do not hold
// (variants.go).
func (v *Vocabulary) EndingWith(suffix string, max int) []string {
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

// Near calls fn, in sorted order, with the words in use within d edits of
// word (a transposition counts as one edit, as in Bleve's fuzzy search)
// and their counts, until fn returns false. d is 1 or 2. fn must not call v.
func (v *Vocabulary) Near(word string, d int, fn func(word string, count int) bool) error {
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
func (v *Vocabulary) merge(it *vellum.FSTIterator, fresh []string, fn func(word string, count int) bool) error {
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
		return nil, errors.New("vocab: edit distance must be 1 or 2")
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

// Each calls fn with every word and its count, in no order.
func (v *Vocabulary) Each(fn func(word string, count int32)) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	for w, n := range v.counts {
		fn(w, n)
	}
}
