package search

import (
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// compiledFilter is a Filter against the doc table's interned values.
type compiledFilter struct {
	active  [numDims]bool
	allowed [numDims][]bool // per interned value (dimensions but years)
	mask    [numDims]uint64 // the allowed values < 64
	from    int
	to      int
}

// compile translates f (caller holds t.mu).
func (t *docTable) compile(f Filter) compiledFilter {
	var c compiledFilter
	for d := range filter.Lists {
		vals := *filter.Lists[d].Values(&f)
		if len(vals) == 0 {
			continue
		}
		c.active[d] = true
		c.allowed[d] = make([]bool, len(t.names[d]))
		for _, s := range vals {
			if id, ok := t.ids[d][s]; ok {
				c.allowed[d][id] = true
				if id < 64 {
					c.mask[d] |= 1 << id
				}
			}
		}
	}
	if f.FromYear != nil || f.ToYear != nil {
		c.active[dimYears] = true
		c.from, c.to = -1<<31, 1<<31-1
		if f.FromYear != nil {
			c.from = *f.FromYear
		}
		if f.ToYear != nil {
			c.to = *f.ToYear
		}
	}
	return c
}

// pass reports whether e satisfies the filter of dimension d.
func (c *compiledFilter) pass(e *docEntry, d int) bool {
	if d == dimYears {
		if e.span {
			return len(e.years) > 0 && e.maxYear >= c.from && e.minYear <= c.to
		}
		for _, y := range e.years {
			if y >= c.from && y <= c.to {
				return true
			}
		}
		return false
	}
	if e.mask[d]&c.mask[d] != 0 {
		return true
	}
	if !e.big[d] {
		return false
	}
	for _, v := range e.vals[d] {
		if int(v) < len(c.allowed[d]) && c.allowed[d][v] {
			return true
		}
	}
	return false
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
		if a.e.sortDate != b.e.sortDate {
			return a.e.sortDate > b.e.sortDate
		}
	case SortTitle:
		if a.e.sortTitle != b.e.sortTitle {
			return a.e.sortTitle < b.e.sortTitle
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

// pass is the state of one search pass over the matches.
type onePass struct {
	v      request
	f      compiledFilter
	facets bool
	total  int
	counts [numDims][]int
	// spans counts the year spans as ranges: +1 at the first year, -1
	// after the last (index year - firstSpanYear).
	spans  []int
	top    topN
	kscore float64
}

// countDim counts e's values of dimension d.
func (p *onePass) countDim(e *docEntry, d int) {
	if d == dimYears && e.yearRange {
		p.countYearRange(e)
		return
	}
	for _, v := range e.vals[d] {
		p.counts[d][v]++
	}
}

// countYearRange counts e's years as a range (e.yearRange).
func (p *onePass) countYearRange(e *docEntry) {
	p.spans[e.minYear-firstSpanYear]++
	p.spans[e.maxYear-firstSpanYear+1]--
}

// yearCounts adds the counted spans to the year counts (caller holds t.mu).
func (p *onePass) yearCounts(t *docTable) {
	n := 0
	for i, c := range p.spans {
		if n += c; n > 0 {
			if id, ok := t.ids[dimYears][yearKey(firstSpanYear+i)]; ok {
				p.counts[dimYears][id] += n
			}
		}
	}
}

func (p *onePass) add(e *docEntry, score float64) {
	failed, fails := -1, 0
	for d := range numDims {
		if p.f.active[d] && !p.f.pass(e, d) {
			failed = d
			if fails++; fails > 1 {
				return
			}
		}
	}
	if fails == 1 {
		if p.facets {
			p.countDim(e, failed)
		}
		return
	}
	p.total++
	if p.facets {
		for _, x := range e.flat {
			p.counts[x>>24][x&(1<<24-1)]++
		}
		if e.yearRange {
			p.countYearRange(e)
		}
	}
	m := match{e: e, score: score}
	if p.v.after != nil && !afterCursor(p.v.sort, m, p.v.after, p.kscore) {
		return
	}
	p.top.offer(m)
}

// anyMatch tells whether a document that passes the filter matches text;
// it stops at the first (a suggestion needs no count, no facets, no page).
func (ix *Index) anyMatch(ctx context.Context, rd index.IndexReader, filter Filter, text query.Query) (bool, error) {
	t := ix.table
	t.mu.RLock()
	defer t.mu.RUnlock()
	f := t.compile(filter)
	found := false
	err := ix.textMatches(ctx, rd, t, text, func(e *docEntry, _ float64) bool {
		for d := range numDims {
			if f.active[d] && !f.pass(e, d) {
				return true
			}
		}
		found = true
		return false
	})
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	return found, nil
}

// search is one pass over the matches of text (nil: every document): the
// text matches from rd, everything else from the doc table (caller holds
// ix.mu).
func (ix *Index) search(ctx context.Context, rd index.IndexReader, v request, text query.Query) (Result, error) {
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
	p := &onePass{v: v, f: t.compile(v.Filter), facets: !v.NoFacets, top: topN{s: v.sort, n: v.Offset + v.first + 1}}
	if windowed {
		p.top.n = rescoreWindow + v.Offset + v.first + 1
		p.v.after = nil
	}
	if p.facets {
		for d := range numDims {
			p.counts[d] = make([]int, len(t.names[d]))
		}
		p.spans = make([]int, lastSpanYear-firstSpanYear+2)
	}
	if v.after != nil && v.sort == SortRelevance {
		p.kscore = parseScore(v.after[0])
	}
	if text == nil {
		for _, e := range t.list {
			p.add(e, 1)
		}
	} else if err := ix.textMatches(ctx, rd, t, text, func(e *docEntry, score float64) bool { p.add(e, score); return true }); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}

	out := Result{Total: p.total}
	ms := p.top.ms
	sortMatches(v.sort, ms)
	if windowed {
		var err error
		if ms, err = ix.rescore(ctx, rd, phrase, ms, v); err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
	}
	ms = ms[min(v.Offset, len(ms)):]
	if len(ms) > v.first {
		ms = ms[:v.first]
		out.HasNextPage = true
	}
	hl := ix.newHighlighter(v.words)
	for _, m := range ms {
		hit := Hit{ID: m.e.id, Score: m.score, Cursor: encodeCursor(v.sort, sortKey(v.sort, m), m.e.id)}
		if text != nil {
			fields, err := storedFields(rd, m.e.id)
			if err != nil {
				return Result{}, fmt.Errorf("search: %w", err)
			}
			hit.Highlights = hl.highlight(fields)
		}
		out.Hits = append(out.Hits, hit)
	}
	if n := len(out.Hits); n > 0 {
		out.EndCursor = out.Hits[n-1].Cursor
	}
	if p.facets {
		p.yearCounts(t)
		for d := range dimSpecs {
			if dimSpecs[d].facet != nil { // a filter field that is no facet has none
				*dimSpecs[d].facet(&out.Facets) = facetCounts(d, p.counts[d], t.names[d])
			}
		}
	}
	return out, nil
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

// textMatches calls fn with the table entry and score of every document
// matching q in rd (caller holds t.mu). It runs q's searcher itself
// (Query.Searcher and SearchContext are exported by Bleve's search package,
// below bleve.Index.Search): the pass needs every match and its score
// unsorted, as they come, and counts filters and facets from the doc table;
// Bleve's collector would sort, keep a top n and read facets from doc values
// for every match, which the one pass exists to avoid.
func (ix *Index) textMatches(ctx context.Context, rd index.IndexReader, t *docTable, q query.Query, fn func(e *docEntry, score float64) (more bool)) error {
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
		e, err := res.entry(rd, t, dm.IndexInternalID)
		if err != nil {
			return err
		}
		if e != nil && !fn(e, dm.Score) {
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
// entries, so that a document's external id is read from the index and
// looked up in the table once per snapshot rather than once per match.
//
// It relies on scorch's internal ids being 8-byte big-endian document
// numbers within the snapshot, and uses the number as a slot: Bleve's
// public API only offers IndexReader.ExternalID, a lookup per match (the
// resolver does it once per document and snapshot). An id of another
// length (another index type) falls back to ExternalID every time.
type resolver struct {
	snap    index.IndexReader // the snapshot the internal ids belong to
	version uint64            // the doc table version the entries belong to
	slots   []atomic.Pointer[docEntry]
}

// noEntry marks a slot whose document is not in the table.
var noEntry = &docEntry{}

// resolver returns the resolver for snapshot rd and table t (caller holds t.mu).
func (ix *Index) resolver(rd index.IndexReader, t *docTable) *resolver {
	if r := ix.ids.Load(); r != nil && r.snap == rd && r.version == t.version {
		return r
	}
	n, _ := rd.DocCount()
	r := &resolver{snap: rd, version: t.version, slots: make([]atomic.Pointer[docEntry], 2*n+1024)}
	ix.ids.Store(r)
	return r
}

// entry is the table entry of internal id iid, nil if the table has none.
func (r *resolver) entry(rd index.IndexReader, t *docTable, iid index.IndexInternalID) (*docEntry, error) {
	var slot *atomic.Pointer[docEntry]
	if len(iid) == 8 {
		if n := binary.BigEndian.Uint64(iid); n < uint64(len(r.slots)) {
			slot = &r.slots[n]
			if e := slot.Load(); e != nil {
				if e == noEntry {
					return nil, nil
				}
				return e, nil
			}
		}
	}
	id, err := rd.ExternalID(iid)
	if err != nil {
		return nil, err
	}
	e := t.docs[id]
	if slot != nil {
		if e == nil {
			slot.Store(noEntry)
		} else {
			slot.Store(e)
		}
	}
	return e, nil
}
