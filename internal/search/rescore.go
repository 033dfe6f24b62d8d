package search

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"strconv"

	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/sync/errgroup"
)

// Rescoring. A query of several words scores higher where its words stand
// together as a phrase. Checking phrases costs a pass over the positions of
// every document with all the words, which for common words is most of the
// index; so the phrase raises the score of the rescoreWindow best matches
// by text score only (by half for the body, by half for the title), as
// search engines rescore a window.
//
// The order stays one order, and cursors walk it without gaps or
// duplicates: the window's documents (raised scores) come first, since each
// has a text score at least that of any document outside it,
// then the rest by text score. A cursor taken inside the window is marked
// (windowKeyPrefix) so that the next page recomputes the window; a cursor
// beyond it pages on the text score alone.

const (
	rescoreWindow   = 100
	windowKeyPrefix = "w:"
)

// phraseFields are where a phrase counts, with what it adds to the score
// (as a fraction of the text score).
var phraseFields = []struct {
	name   string
	weight float64
}{{fAll, 0.5}, {fTitle, 0.5}}

// phraseSlot is one position of a phrase: its offset from the first and the
// terms that stand for the word there (its stem and compound parts).
type phraseSlot struct {
	off   uint64
	terms []string
}

// phrase analyses q as the index analyses text; nil when fewer than two
// positions remain (stop words leave their positions as gaps).
func (ix *Index) phrase(q string) []phraseSlot {
	var out []phraseSlot
	var first, last uint64
	for _, t := range ix.text.Analyze([]byte(q)) {
		pos := uint64(t.Position)
		if len(out) == 0 {
			first, last = pos, pos
			out = append(out, phraseSlot{})
		} else if pos != last {
			last = pos
			out = append(out, phraseSlot{off: pos - first})
		}
		if i := len(out) - 1; !slices.Contains(out[i].terms, string(t.Term)) {
			out[i].terms = append(out[i].terms, string(t.Term))
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// rescore takes the matches in text score order (the window and one page
// beyond it), raises the score of each window match that holds the phrase
// in its body or title, and returns the matches that follow v's cursor, in
// the final order. The phrase is checked in the term positions of the
// window's documents only. res (may be nil) knows the internal ids of the
// matches' rows.
func (ix *Index) rescore(ctx context.Context, rd index.IndexReader, res *resolver, slots []phraseSlot, ms []match, v request) ([]match, error) {
	window, rest := ms, []match(nil)
	if len(ms) > rescoreWindow {
		window, rest = ms[:rescoreWindow], ms[rescoreWindow:]
	}
	type wdoc struct {
		i   int
		iid index.IndexInternalID
	}
	docs := make([]wdoc, 0, len(window))
	for i, m := range window {
		var iid index.IndexInternalID
		if res != nil {
			iid = res.internalID(m.e.row)
		}
		if iid == nil {
			var err error
			if iid, err = rd.InternalID(m.e.id); err != nil {
				return nil, err
			}
			iid = slices.Clone(iid)
		}
		if len(iid) > 0 {
			docs = append(docs, wdoc{i, iid})
		}
	}
	slices.SortFunc(docs, func(a, b wdoc) int { return bytes.Compare(a.iid, b.iid) })
	// The positions of each term of the phrase in each window document, per
	// field: each term's postings are walked once, forward through the
	// documents in id order, on their own goroutine (they are independent).
	type termPositions struct {
		field int
		term  string
		pos   [][]uint64 // per docs index; nil: the document lacks the term
	}
	var tps []*termPositions
	for fi := range phraseFields {
		seen := map[string]bool{}
		for _, sl := range slots {
			for _, term := range sl.terms {
				if !seen[term] {
					seen[term] = true
					tps = append(tps, &termPositions{field: fi, term: term, pos: make([][]uint64, len(docs))})
				}
			}
		}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, tp := range tps {
		g.Go(func() error {
			r, err := rd.TermFieldReader(ctx, []byte(tp.term), phraseFields[tp.field].name, false, false, true)
			if err != nil {
				return err
			}
			defer r.Close()
			// Bleve's reader restarts from the first document when asked
			// to advance to one at or before where it stands, so a
			// document before that is known not to hold the term without
			// asking.
			var at index.IndexInternalID // nil: not advanced yet
			var atPos []uint64
			for k, d := range docs {
				if at == nil || bytes.Compare(at, d.iid) < 0 {
					tfd, err := r.Advance(d.iid, nil)
					if err != nil {
						return err
					}
					if tfd == nil {
						return nil // no documents left
					}
					at = append(at[:0], tfd.ID...)
					atPos = nil
					for _, vec := range tfd.Vectors {
						atPos = append(atPos, vec.Pos)
					}
				}
				if bytes.Equal(at, d.iid) {
					tp.pos[k] = atPos
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	bonus := make([]float64, len(window))
	positions := map[string][]uint64{}
	for fi, f := range phraseFields {
		for k, d := range docs {
			clear(positions)
			for _, tp := range tps {
				if tp.field == fi && tp.pos[k] != nil {
					positions[tp.term] = tp.pos[k]
				}
			}
			if holdsPhrase(slots, positions) {
				bonus[d.i] += f.weight
			}
		}
	}
	out := make([]match, 0, len(ms))
	for i, m := range window {
		m.score *= 1 + bonus[i]
		m.inWindow = true
		out = append(out, m)
	}
	sortMatches(SortRelevance, out)
	if v.inWindow {
		kscore := parseScore(v.after[0])
		i := 0
		for i < len(out) && !afterCursor(SortRelevance, out[i], v.after, kscore) {
			i++
		}
		out = out[i:]
	}
	return append(out, rest...), nil
}

// holdsPhrase reports whether the term positions of one field (a single
// value: body and title are) hold the slots in order.
func holdsPhrase(slots []phraseSlot, positions map[string][]uint64) bool {
	has := func(sl phraseSlot, pos uint64) bool {
		for _, term := range sl.terms {
			if slices.Contains(positions[term], pos) {
				return true
			}
		}
		return false
	}
	for _, term := range slots[0].terms {
		for _, start := range positions[term] {
			ok := true
			for _, sl := range slots[1:] {
				if !has(sl, start+sl.off) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// parseScore reads a relevance cursor key (checked by decodeCursor).
func parseScore(k string) float64 {
	f, _ := strconv.ParseFloat(k, 64)
	return f
}
