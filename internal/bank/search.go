package bank

import (
	"context"
	"errors"
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// The search's value types, as the bank's callers name them.
type (
	SearchRequest = search.Request
	Filter        = search.Filter
	Sort          = search.Sort
	FacetCount    = search.FacetCount
	Suggestion    = search.Suggestion
)

// The orders of search results.
const (
	SortRelevance = search.SortRelevance
	SortNewest    = search.SortNewest
	SortTitle     = search.SortTitle
)

// QueryParts is how a search reads q (the words it wants, with their
// alternatives, and the words it excludes), for showing a query back.
func QueryParts(q string) search.QueryParts { return search.Parts(q) }

// errNoIndex answers a search of a bank built without an index.
var errNoIndex = errors.New("no search index")

// SearchResult is a page of search hits with their practices read from the
// store (the truth), in the same order.
type SearchResult struct {
	search.Result
	Practices []practice.Practice
}

// Search runs a search and reads the practices of its hits. A hit whose
// practice is no longer live in the store (the index lags behind) is left out.
// A filter value the plan does not know is refused (a *filter.Error), as
// the research fields and the exports refuse it.
func (b *Bank) Search(ctx context.Context, req SearchRequest) (SearchResult, error) {
	if b.index == nil {
		return SearchResult{}, errNoIndex
	}
	if err := req.Filter.Validate(b.Plan()); err != nil {
		return SearchResult{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	res, err := b.index.Search(ctx, req)
	if err != nil {
		return SearchResult{}, invalidIf(err)
	}
	ps, err := b.practicesOf(ctx, res.Hits)
	if err != nil {
		return SearchResult{}, err
	}
	hits := res.Hits[:0]
	out := SearchResult{Practices: make([]practice.Practice, 0, len(ps))}
	for i, p := range ps {
		if p.ID != "" && p.Live() {
			hits = append(hits, res.Hits[i])
			out.Practices = append(out.Practices, p)
		}
	}
	res.Hits = hits
	out.Result = res
	return out, nil
}

// Similar returns the live practices most like the given one. For a real
// practice the demo inventory's are left out (they are not counted: see
// practice.Practice.Counted); the index is asked for more until first are
// found or it has no more.
func (b *Bank) Similar(ctx context.Context, id string, first int) ([]practice.Practice, error) {
	if b.index == nil {
		return nil, errNoIndex
	}
	if first < 1 || first > search.MaxFirst {
		return nil, refusal.New(ErrInvalid, "first not in 1-%d", "first moet tussen 1 en %d liggen", search.MaxFirst)
	}
	keep := practice.Practice.Live
	if self, ok, err := b.Practice(ctx, id); err != nil {
		return nil, err
	} else if ok && !self.Demo {
		keep = practice.Practice.Counted
	}
	for ask := first; ; ask = min(2*ask, search.MaxFirst) {
		hits, err := b.index.Similar(ctx, id, ask)
		if err != nil {
			return nil, invalidIf(err)
		}
		ps, err := b.practicesOf(ctx, hits)
		if err != nil {
			return nil, err
		}
		out := ps[:0]
		for _, p := range ps {
			if p.ID != "" && keep(p) {
				out = append(out, p)
			}
		}
		if len(out) >= first || len(hits) < ask || ask >= search.MaxFirst {
			return out[:min(len(out), first)], nil
		}
	}
}

// Suggest completes a prefix typed in a search box.
func (b *Bank) Suggest(ctx context.Context, prefix string, first int) ([]Suggestion, error) {
	if b.index == nil {
		return nil, errNoIndex
	}
	s, err := b.index.Suggest(ctx, prefix, first)
	return s, invalidIf(err)
}

func (b *Bank) practicesOf(ctx context.Context, hits []search.Hit) ([]practice.Practice, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return b.store.Practices(ctx, ids)
}

// invalidIf marks the index's input errors as the bank's, and a practice
// the index does not know as not found.
func invalidIf(err error) error {
	switch {
	case err == nil:
	case errors.Is(err, search.ErrInvalid):
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	case errors.Is(err, search.ErrNotFound):
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	return err
}
