package search

import (
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// compiledFilter is a Filter as doc table rows.
type compiledFilter struct {
	active [numDims]bool
	rows   [numDims]bitset // per active dimension: the rows it lets through
	all    bitset          // the rows every dimension lets through; nil without a filter
}

// compile translates f (caller holds t.mu).
func (t *docTable) compile(f Filter) compiledFilter {
	var c compiledFilter
	for d := range filter.Lists {
		vals := *filter.Lists[d].Values(&f)
		if len(vals) == 0 {
			continue
		}
		c.active[d], c.rows[d] = true, make(bitset, len(t.live))
		for _, s := range vals {
			if id, ok := t.ids[d][s]; ok {
				c.rows[d].or(t.has[d][id])
			}
		}
	}
	if f.FromYear != nil || f.ToYear != nil {
		c.active[dimYears], c.rows[dimYears] = true, make(bitset, len(t.live))
		from, to := -1<<31, 1<<31-1
		if f.FromYear != nil {
			from = *f.FromYear
		}
		if f.ToYear != nil {
			to = *f.ToYear
		}
		for id, y := range t.years {
			if y >= 0 && y >= from && y <= to {
				c.rows[dimYears].or(t.has[dimYears][id])
			}
		}
	}
	for d := range numDims {
		if c.active[d] {
			if c.all == nil {
				c.all = slices.Clone(t.live)
			}
			c.all.and(c.rows[d])
		}
	}
	return c
}

// passes reports whether row passes the filter.
func (c *compiledFilter) passes(row int32) bool {
	return c.all == nil || c.all.has(row)
}

// except is the rows of in that pass every dimension of the filter but d:
// a facet counts the values of its own dimension as if it were not
// filtered (disjunctive facets). It is in itself when no other dimension
// is filtered.
func (c *compiledFilter) except(in bitset, d int) bitset {
	out := in
	cloned := false
	for d2 := range numDims {
		if d2 == d || !c.active[d2] {
			continue
		}
		if !cloned {
			out, cloned = slices.Clone(in), true
		}
		out.and(c.rows[d2])
	}
	return out
}

// match is a document in the result with its score.
type match struct {
	e        *docEntry
	score    float64
	inWindow bool // rescored (rescore.go)
}

// before reports whether a comes before b in sort order s.
func before(s Sort, a, b match) bool {
	switch s {
	case SortNewest:
		c := a.e.dateKey.compare(b.e.dateKey)
		if c == 0 {
			c = strings.Compare(a.e.sortDate, b.e.sortDate)
		}
		if c != 0 {
			return c > 0
		}
	case SortTitle:
		c := a.e.titleKey.compare(b.e.titleKey)
		if c == 0 {
			c = strings.Compare(a.e.sortTitle, b.e.sortTitle)
		}
		if c != 0 {
			return c < 0
		}
	default:
		if a.score != b.score {
			return a.score > b.score
		}
	}
	return a.e.id < b.e.id
}

// sortMatches sorts ms in sort order s.
func sortMatches(s Sort, ms []match) {
	slices.SortFunc(ms, func(a, b match) int {
		if before(s, a, b) {
			return -1
		}
		if before(s, b, a) {
			return 1
		}
		return 0
	})
}

// sortKey is the cursor key of m in sort order s.
func sortKey(s Sort, m match) string {
	switch s {
	case SortNewest:
		return m.e.sortDate
	case SortTitle:
		return m.e.sortTitle
	default:
		k := strconv.FormatFloat(m.score, 'g', -1, 64)
		if m.inWindow {
			k = windowKeyPrefix + k
		}
		return k
	}
}

// afterCursor reports whether m comes strictly after the cursor key k.
func afterCursor(s Sort, m match, k []string, kscore float64) bool {
	var c int
	switch s {
	case SortNewest:
		c = -strings.Compare(m.e.sortDate, k[0])
	case SortTitle:
		c = strings.Compare(m.e.sortTitle, k[0])
	default:
		switch {
		case m.score < kscore:
			c = 1
		case m.score > kscore:
			c = -1
		}
	}
	if c == 0 {
		c = strings.Compare(m.e.id, k[1])
	}
	return c > 0
}

// topN keeps the n best matches: a heap with the worst on top.
type topN struct {
	s  Sort
	n  int
	ms []match
}

func (h *topN) Len() int           { return len(h.ms) }
func (h *topN) Less(i, j int) bool { return before(h.s, h.ms[j], h.ms[i]) }
func (h *topN) Swap(i, j int)      { h.ms[i], h.ms[j] = h.ms[j], h.ms[i] }
func (h *topN) Push(x any)         { h.ms = append(h.ms, x.(match)) }
func (h *topN) Pop() any {
	m := h.ms[len(h.ms)-1]
	h.ms = h.ms[:len(h.ms)-1]
	return m
}

func (h *topN) offer(m match) {
	if len(h.ms) < h.n {
		heap.Push(h, m)
	} else if before(h.s, m, h.ms[0]) {
		h.ms[0] = m
		heap.Fix(h, 0)
	}
}

// onePass is the state of one search pass over the matches.
type onePass struct {
	v    request
	rows []*docEntry // the doc table's
	f    compiledFilter
	// matched are the rows of the text matches, whether they pass the
	// filter or not (the facets count both); nil without facets.
	matched bitset
	total   int
	top     topN
	kscore  float64
}

// add takes a matching row with its score: among the matched, and when it
// passes the filter, in the total and offered to the page.
func (p *onePass) add(row int32, score float64) {
	if p.matched != nil {
		p.matched.set(row)
	}
	if !p.f.passes(row) {
		return
	}
	p.total++
	m := match{e: p.rows[row], score: score}
	if p.v.after != nil && !afterCursor(p.v.sort, m, p.v.after, p.kscore) {
		return
	}
	p.top.offer(m)
}

// countFacets counts the values of every dimension in the matched rows
// that pass the filter of every other dimension (caller holds t.mu).
func (p *onePass) countFacets(t *docTable) [numDims][]int {
	var counts [numDims][]int
	var shared bitset // the rows counted for a dimension without a filter
	var sharedNZ []int32
	for d := range numDims {
		var in bitset
		var nz []int32
		if !p.f.active[d] && shared != nil {
			in, nz = shared, sharedNZ
		} else {
			in = p.f.except(p.matched, d)
			nz = in.nonzero()
			if !p.f.active[d] {
				shared, sharedNZ = in, nz
			}
		}
		counts[d] = make([]int, len(t.names[d]))
		for v, rows := range t.has[d] {
			counts[d][v] = in.countIn(rows, nz)
		}
	}
	return counts
}

// countMatches counts the documents that pass the filter and match text,
// up to upTo: a suggestion asks whether there is one, a search whether
// its strict query finds enough to need no relaxing (neither needs facets
// or a page).
func (ix *Index) countMatches(ctx context.Context, rd index.IndexReader, tw *termwise, filter Filter, text query.Query, upTo int) (int, error) {
	t := ix.table
	t.mu.RLock()
	defer t.mu.RUnlock()
	f := t.compile(filter)
	n := 0
	err := ix.textMatches(ctx, rd, tw, t, text, func(row int32, _ float64) bool {
		if f.passes(row) {
			n++
		}
		return n < upTo
	})
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	return n, nil
}

// search is one pass over the matches of text (nil: every document): the
// text matches from rd, everything else from the doc table (caller holds
// ix.mu).
func (ix *Index) search(ctx context.Context, rd index.IndexReader, tw *termwise, v request, text query.Query) (Result, error) {
	var phrase []phraseSlot
	if text != nil && v.sort == SortRelevance && ix.rescoring && len(v.words) > 1 {
		phrase = ix.phrase(v.Query)
	}
	// Rescoring applies to the first rescoreWindow matches: the pass keeps
	// them and one page beyond, without the cursor. A cursor beyond the
	// window pages on the text score alone.
	windowed := phrase != nil && (v.after == nil || v.inWindow)
	t := ix.table
	t.mu.RLock()
	defer t.mu.RUnlock()
	p := &onePass{v: v, rows: t.rows, f: t.compile(v.Filter), top: topN{s: v.sort, n: v.Offset + v.first + 1}}
	if windowed {
		p.top.n = rescoreWindow + v.Offset + v.first + 1
		p.v.after = nil
	}
	if v.after != nil && v.sort == SortRelevance {
		p.kscore = parseScore(v.after[0])
	}
	if text == nil {
		// Every document matches: the rows the filter lets through are
		// the result, every row is matched for the facets.
		in := t.live
		if p.f.all != nil {
			in = p.f.all
		}
		in.each(func(row int32) bool { p.add(row, 1); return true })
		p.matched = t.live
	} else {
		if !v.NoFacets {
			p.matched = make(bitset, len(t.live))
		}
		if err := ix.textMatches(ctx, rd, tw, t, text, func(row int32, score float64) bool { p.add(row, score); return true }); err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
	}

	out := Result{Total: p.total}
	// The facets are counted while the page is rescored and highlighted.
	var counts [numDims][]int
	counted := make(chan struct{})
	if v.NoFacets {
		close(counted)
	} else {
		go func() {
			defer close(counted)
			counts = p.countFacets(t)
		}()
	}
	defer func() { <-counted }() // the pass holds t.mu until its counting is done
	ms := p.top.ms
	sortMatches(v.sort, ms)
	if windowed {
		var err error
		if ms, err = ix.rescore(ctx, rd, ix.resolver(rd, t), phrase, ms, v); err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
	}
	ms = ms[min(v.Offset, len(ms)):]
	if len(ms) > v.first {
		ms = ms[:v.first]
		out.HasNextPage = true
	}
	for _, m := range ms {
		out.Hits = append(out.Hits, Hit{ID: m.e.id, Score: m.score, Cursor: encodeCursor(v.sort, sortKey(v.sort, m), m.e.id)})
	}
	if text != nil {
		if err := ix.highlightHits(rd, v.words, out.Hits); err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
	}
	if n := len(out.Hits); n > 0 {
		out.EndCursor = out.Hits[n-1].Cursor
	}
	if !v.NoFacets {
		<-counted
		for d := range dimSpecs {
			if dimSpecs[d].facet != nil { // a filter field that is no facet has none
				*dimSpecs[d].facet(&out.Facets) = facetCounts(d, counts[d], t.names[d])
			}
		}
	}
	return out, nil
}

// highlightHits highlights the stored texts of the hits for the query's
// words, on up to GOMAXPROCS goroutines that each take every n-th hit with
// a highlighter of their own (a highlighter keeps the words it analysed).
// A page's ten hits were a quarter of a search's time when highlighted one
// after the other.
func (ix *Index) highlightHits(rd index.IndexReader, words []qword, hits []Hit) error {
	workers := min(runtime.GOMAXPROCS(0), len(hits))
	var g errgroup.Group
	for w := range workers {
		g.Go(func() error {
			hl := ix.newHighlighter(words)
			for i := w; i < len(hits); i += workers {
				fields, err := storedFields(rd, hits[i].ID)
				if err != nil {
					return err
				}
				hits[i].Highlights = hl.highlight(fields)
			}
			return nil
		})
	}
	return g.Wait()
}

// facetCounts are the values of dimension d with a count, as a Bleve terms
// facet returns them: the facet size of them, by count then value; years
// then by value.
func facetCounts(d int, counts []int, names []string) []FacetCount {
	out := []FacetCount{}
	for id, n := range counts {
		if n > 0 {
			out = append(out, FacetCount{Value: names[id], Count: n})
		}
	}
	slices.SortFunc(out, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	if len(out) > dimSpecs[d].size {
		out = out[:dimSpecs[d].size]
	}
	if d == dimYears {
		slices.SortFunc(out, func(a, b FacetCount) int { return strings.Compare(a.Value, b.Value) })
	}
	return out
}

// textMatches calls fn with the table row and score of every document
// matching q in rd (caller holds t.mu): term at a time (termwise.go) with
// the postings tw has read (nil: a termwise of its own), or, for a query
// termwise does not evaluate, on Bleve's searchers. It runs q's searcher itself
// (Query.Searcher and SearchContext are exported by Bleve's search package,
// below bleve.Index.Search): the pass needs every match and its score
// unsorted, as they come, and counts filters and facets from the doc table;
// Bleve's collector would sort, keep a top n and read facets from doc values
// for every match, which the one pass exists to avoid.
func (ix *Index) textMatches(ctx context.Context, rd index.IndexReader, tw *termwise, t *docTable, q query.Query, fn func(row int32, score float64) (more bool)) error {
	if !ix.bleveMatching {
		if tw == nil {
			var err error
			if tw, err = ix.newTermwise(rd); err != nil {
				return err
			}
			defer tw.release()
		}
		err := ix.termwiseMatches(ctx, tw, t, q, fn)
		if !errors.Is(err, errTooManyPostings) && !errors.Is(err, errNotTermwise) {
			return err
		}
	}
	res := ix.resolver(rd, t)
	ctx = context.WithValue(ctx, bsearch.GetScoringModelCallbackKey,
		bsearch.GetScoringModelCallbackFn(func() string { return index.BM25Scoring }))
	s, err := q.Searcher(ctx, rd, ix.bl.Mapping(), bsearch.SearcherOptions{})
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: rd}
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		row, err := res.row(rd, t, dm.IndexInternalID)
		if err != nil {
			return err
		}
		if row >= 0 && !fn(row, dm.Score) {
			return nil
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

// storedFields returns the stored highlight fields of document id, values
// in order, and its language.
func storedFields(rd index.IndexReader, id string) (map[string][]string, error) {
	d, err := rd.Document(id)
	if err != nil || d == nil {
		return nil, err
	}
	out := make(map[string][]string)
	d.VisitFields(func(f index.Field) {
		if _, ok := f.(index.TextField); ok && (slices.Contains(highlightFields, f.Name()) || f.Name() == fLanguage) {
			out[f.Name()] = append(out[f.Name()], string(f.Value()))
		}
	})
	return out, nil
}

// A resolver maps the internal ids of one index snapshot to doc table
// rows, so that a document's external id is read from the index and
// looked up in the table once per snapshot rather than once per match.
//
// It relies on scorch's internal ids being 8-byte big-endian document
// numbers within the snapshot, and uses the number as a slot: Bleve's
// public API only offers IndexReader.ExternalID, a lookup per match (the
// resolver does it once per document and snapshot). An id of another
// length (another index type) falls back to ExternalID every time.
type resolver struct {
	snap    index.IndexReader // the snapshot the internal ids belong to
	version uint64            // the doc table version the rows belong to
	slots   []atomic.Int32    // row+1; 0: not resolved yet; noRow: not in the table
	// internal is the other way: per row, its document number+1 (0: not
	// resolved yet), for the rows of the table version.
	internal []atomic.Uint64
}

// noRow marks a slot whose document is not in the table.
const noRow = -1

// resolver returns the resolver for snapshot rd and table t (caller holds t.mu).
func (ix *Index) resolver(rd index.IndexReader, t *docTable) *resolver {
	if r := ix.ids.Load(); r != nil && r.snap == rd && r.version == t.version {
		return r
	}
	n, _ := rd.DocCount()
	r := &resolver{snap: rd, version: t.version, slots: make([]atomic.Int32, 2*n+1024), internal: make([]atomic.Uint64, len(t.rows))}
	ix.ids.Store(r)
	return r
}

// row is the table row of internal id iid, -1 if the table has none.
func (r *resolver) row(rd index.IndexReader, t *docTable, iid index.IndexInternalID) (int32, error) {
	var slot *atomic.Int32
	if len(iid) == 8 {
		if n := binary.BigEndian.Uint64(iid); n < uint64(len(r.slots)) {
			slot = &r.slots[n]
			if s := slot.Load(); s != 0 {
				if s == noRow {
					return -1, nil
				}
				return s - 1, nil
			}
		}
	}
	id, err := rd.ExternalID(iid)
	if err != nil {
		return -1, err
	}
	e := t.docs[id]
	if e == nil {
		if slot != nil {
			slot.Store(noRow)
		}
		return -1, nil
	}
	if slot != nil {
		slot.Store(e.row + 1)
		if int(e.row) < len(r.internal) {
			r.internal[e.row].Store(binary.BigEndian.Uint64(iid) + 1)
		}
	}
	return e.row, nil
}

// rowOf is row for the document numbered n in the snapshot.
func (r *resolver) rowOf(rd index.IndexReader, t *docTable, n uint64) (int32, error) {
	if n < uint64(len(r.slots)) {
		if s := r.slots[n].Load(); s != 0 {
			if s == noRow {
				return -1, nil
			}
			return s - 1, nil
		}
	}
	return r.row(rd, t, binary.BigEndian.AppendUint64(nil, n))
}

// internalID is the internal id of row, if a match has resolved it; nil
// otherwise.
func (r *resolver) internalID(row int32) index.IndexInternalID {
	if int(row) >= len(r.internal) {
		return nil
	}
	n := r.internal[row].Load()
	if n == 0 {
		return nil
	}
	return binary.BigEndian.AppendUint64(nil, n-1)
}
