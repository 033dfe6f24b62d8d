package search

// The search as it was before the doc table: the filters, facets and sort
// run in Bleve (one request for the page plus one size-0 request per
// filtered facet). Tests compare the one-pass search against it.

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/sync/errgroup"
)

func sortOrder(s Sort) []string {
	switch s {
	case SortNewest:
		return []string{"-" + fSortDate, "_id"}
	case SortTitle:
		return []string{fSortTitle, "_id"}
	default:
		return []string{"-_score", "_id"}
	}
}

// facetDim is one facet with the filter on its field.
type facetDim struct {
	name, field string
	size        int
	filter      query.Query // nil when the request does not filter on it
}

func anyOf(field string, vals []string) query.Query {
	if len(vals) == 0 {
		return nil
	}
	var qs []query.Query
	for _, v := range vals {
		qs = append(qs, term(field, v, 1))
	}
	return query.NewDisjunctionQuery(qs)
}

func yearRange(from, to *int) query.Query {
	if from == nil && to == nil {
		return nil
	}
	lo, hi := "", ""
	if from != nil {
		lo = yearKey(*from)
	}
	if to != nil {
		hi = yearKey(*to)
	}
	incl := true
	q := query.NewTermRangeInclusiveQuery(lo, hi, &incl, &incl)
	q.SetField(fYearKeys)
	return q
}

func dims(f Filter) []facetDim {
	return []facetDim{
		{"krachtlijnen", fKrachtlijnen, 10, anyOf(fKrachtlijnen, f.Krachtlijnen)},
		{"challenges", fChallenges, 30, anyOf(fChallenges, f.Challenges)},
		{"actions", fActions, 200, anyOf(fActions, f.Actions)},
		{"regions", fRegion, 20, anyOf(fRegion, f.Regions)},
		{"targetGroups", fTargetGroupsKey, 50, anyOf(fTargetGroupsKey, f.TargetGroups)},
		{"settings", fSettingsKey, 50, anyOf(fSettingsKey, f.Settings)},
		{"years", fYearKeys, 200, yearRange(f.FromYear, f.ToYear)},
	}
}

// compose combines the text query with the filters of every dimension
// except skip (-1: none). Filters do not affect the score.
func compose(text query.Query, ds []facetDim, skip int) query.Query {
	var filters []query.Query
	for i, d := range ds {
		if i != skip && d.filter != nil {
			filters = append(filters, d.filter)
		}
	}
	if text == nil {
		text = query.NewMatchAllQuery()
	}
	if len(filters) == 0 {
		return text
	}
	b := query.NewBooleanQuery([]query.Query{text}, nil, nil)
	if len(filters) == 1 {
		b.AddFilter(filters[0])
	} else {
		b.AddFilter(query.NewConjunctionQuery(filters))
	}
	return b
}

// Search runs a search: one request for the page and the facets without a
// selection, plus one size-0 request per facet with a selection (that
// facet's counts ignore its own filter), run concurrently.
func (ix *Index) searchRef(ctx context.Context, r Request) (Result, error) {
	v, err := ix.validate(r)
	if err != nil {
		return Result{}, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return Result{}, errClosed
	}
	v.words, v.clauses, v.exclude = ix.analyzeQuery(v.Query)
	if err := withReader(ix.bl, func(rd index.IndexReader) error { return ix.expand(rd, &v) }); err != nil {
		return Result{}, err
	}
	strict := ix.textQuery(v, false)
	res, err := ix.searchBleve(ctx, v, strict)
	if err == nil && v.relaxable() && res.Total < relaxBelow {
		var relaxed Result
		if relaxed, err = ix.searchBleve(ctx, v, ix.textQuery(v, true)); err == nil && relaxed.Total > res.Total {
			res = relaxed
			res.Partial = true
		}
	}
	if err != nil {
		return Result{}, err
	}
	if q := ix.didYouMean(v.words); v.Query != "" && q != "" {
		s := v
		s.words, s.clauses, s.exclude = ix.analyzeQuery(q)
		s.Query, s.NoFacets, s.after = q, true, nil
		if other := ix.textQuery(s, false); other != nil {
			if strict != nil {
				other = query.NewBooleanQuery([]query.Query{other}, nil, []query.Query{strict})
			}
			r, err := ix.searchBleve(ctx, s, other)
			if err != nil {
				return Result{}, err
			}
			if r.Total > 0 {
				res.DidYouMean = q
			}
		}
	}
	return res, nil
}

func (ix *Index) searchBleve(ctx context.Context, v request, text query.Query) (Result, error) {
	ds := dims(v.Filter)

	main := bleve.NewSearchRequestOptions(compose(text, ds, -1), v.first+1, 0, false)
	main.SortBy(sortOrder(v.sort))
	if v.after != nil {
		main.SearchAfter = v.after
	}
	if text != nil {
		main.Fields = highlightFields
	}
	for _, d := range ds {
		if d.filter == nil && !v.NoFacets {
			main.AddFacet(d.name, bleve.NewFacetRequest(d.field, d.size))
		}
	}

	var (
		mainRes  *bleve.SearchResult
		facetRes = make([]*bleve.SearchResult, len(ds))
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		mainRes, err = ix.bl.SearchInContext(gctx, main)
		return err
	})
	for i, d := range ds {
		if d.filter == nil || v.NoFacets {
			continue
		}
		g.Go(func() error {
			req := bleve.NewSearchRequestOptions(compose(text, ds, i), 0, 0, false)
			req.Score = "none"
			req.AddFacet(d.name, bleve.NewFacetRequest(d.field, d.size))
			res, err := ix.bl.SearchInContext(gctx, req)
			facetRes[i] = res
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}

	out := Result{Total: int(mainRes.Total)}
	hits := mainRes.Hits
	if len(hits) > v.first {
		hits = hits[:v.first]
		out.HasNextPage = true
	}
	hl := ix.newHighlighter(v.words)
	for _, h := range hits {
		key := ""
		if v.sort == SortRelevance {
			key = strconv.FormatFloat(h.Score, 'g', -1, 64)
		} else if len(h.Sort) > 0 {
			key = h.Sort[0]
		}
		hit := Hit{ID: h.ID, Score: h.Score, Cursor: encodeCursor(v.sort, key, h.ID)}
		if text != nil {
			hit.Highlights = hl.highlight(storedValues(h.Fields))
		}
		out.Hits = append(out.Hits, hit)
	}
	if n := len(out.Hits); n > 0 {
		out.EndCursor = out.Hits[n-1].Cursor
	}
	counts := func(i int) []FacetCount {
		res := mainRes
		if facetRes[i] != nil {
			res = facetRes[i]
		}
		fr, ok := res.Facets[ds[i].name]
		if !ok || fr.Terms == nil {
			return []FacetCount{}
		}
		out := make([]FacetCount, 0, fr.Terms.Len())
		for _, t := range fr.Terms.Terms() {
			out = append(out, FacetCount{Value: t.Term, Count: t.Count})
		}
		if ds[i].name == "years" {
			sort.Slice(out, func(a, b int) bool { return out[a].Value < out[b].Value })
		} else {
			sort.SliceStable(out, func(a, b int) bool {
				if out[a].Count != out[b].Count {
					return out[a].Count > out[b].Count
				}
				return out[a].Value < out[b].Value
			})
		}
		return out
	}
	if !v.NoFacets {
		out.Facets = Facets{
			Krachtlijnen: counts(0), Challenges: counts(1), Actions: counts(2), Regions: counts(3),
			TargetGroups: counts(4), Settings: counts(5), Years: counts(6),
		}
	}
	return out, nil
}
