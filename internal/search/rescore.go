package search

import (
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"slices"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
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
	// The window's documents by their number in the snapshot.
	nums := make([]uint64, 0, len(window))
	at := make([]int, 0, len(window)) // their window index
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
		}
		if len(iid) == 8 {
			nums, at = append(nums, binary.BigEndian.Uint64(iid)), append(at, i)
		}
	}
	snap, ok := rd.(*scorch.IndexSnapshot)
	if !ok {
		return nil, errors.New("search: rescoring needs a scorch index snapshot")
	}
	segs := snapshotSegments(snap, nums)
	// The positions of each term of the phrase in each window document, per
	// field: each term's postings are read for the window's documents
	// only, on a goroutine of its own (they are independent).
	type termPositions struct {
		field int
		term  string
		pos   [][]uint64 // per nums index; nil: the document lacks the term
	}
	var tps []*termPositions
	for fi := range phraseFields {
		seen := map[string]bool{}
		for _, sl := range slots {
			for _, term := range sl.terms {
				if !seen[term] {
					seen[term] = true
					tps = append(tps, &termPositions{field: fi, term: term, pos: make([][]uint64, len(nums))})
				}
			}
		}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, tp := range tps {
		g.Go(func() error {
			return segs.positions(ctx, phraseFields[tp.field].name, tp.term, tp.pos)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	bonus := make([]float64, len(window))
	positions := map[string][]uint64{}
	for fi, f := range phraseFields {
		for k, i := range at {
			clear(positions)
			for _, tp := range tps {
				if tp.field == fi && tp.pos[k] != nil {
					positions[tp.term] = tp.pos[k]
				}
			}
			if holdsPhrase(slots, positions) {
				bonus[i] += f.weight
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

// windowSegments are the segments of a snapshot that hold some of a set of
// documents, with those documents.
type windowSegments []windowSegment

type windowSegment struct {
	seg segment.Segment
	// except is every document of the segment but the set's: a posting
	// list without them decodes only the chunks that hold the set's.
	except *roaring.Bitmap
	docs   map[uint64]int // the set's documents here (numbers in the segment) -> their index in the set
}

// snapshotSegments finds the segments of snap that hold the documents
// numbered nums in the snapshot.
func snapshotSegments(snap *scorch.IndexSnapshot, nums []uint64) windowSegments {
	var out windowSegments
	segs := snap.Segments()
	for i, offset := range segmentOffsets(segs) {
		ss := segs[i]
		count := ss.Segment().Count()
		ws := windowSegment{seg: ss.Segment(), docs: map[uint64]int{}}
		keep := roaring.New()
		for k, n := range nums {
			if n >= offset && n < offset+count {
				ws.docs[n-offset] = k
				keep.Add(uint32(n - offset))
			}
		}
		if len(ws.docs) > 0 {
			ws.except = roaring.Flip(keep, 0, count)
			out = append(out, ws)
		}
	}
	return out
}

// positions puts in pos (per document of the set) the positions of term in
// field in each document of the set; a document without it keeps nil.
func (ws windowSegments) positions(ctx context.Context, field, term string, pos [][]uint64) error {
	for _, w := range ws {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := w.seg.Dictionary(field)
		if err != nil {
			return err
		}
		pl, err := d.PostingsList([]byte(term), w.except, nil)
		if err != nil {
			return err
		}
		it := pl.Iterator(true, false, true, nil)
		for {
			p, err := it.Next()
			if err != nil {
				return err
			}
			if p == nil {
				break
			}
			k, ok := w.docs[p.Number()]
			if !ok {
				continue
			}
			for _, loc := range p.Locations() {
				pos[k] = append(pos[k], loc.Pos())
			}
		}
	}
	return nil
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
