package bank

import (
	"context"
	"errors"
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// SearchResult is a page of search hits with their practices read from the
// store (the truth), in the same order.
type SearchResult struct {
	search.Result
	Practices []practice.Practice
}

// Search runs a search and reads the practices of its hits. A hit whose
// practice is no longer live in the store (the index lags behind) is left out.
func (b *Bank) Search(ctx context.Context, req search.Request) (SearchResult, error) {
	if b.index == nil {
		return SearchResult{}, errors.New("geen zoekindex")
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

// Similar returns the live practices most like the given one.
func (b *Bank) Similar(ctx context.Context, id string, first int) ([]practice.Practice, error) {
	if b.index == nil {
		return nil, errors.New("geen zoekindex")
	}
	hits, err := b.index.Similar(ctx, id, first)
	if err != nil {
		return nil, invalidIf(err)
	}
	ps, err := b.practicesOf(ctx, hits)
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.ID != "" && p.Live() {
			out = append(out, p)
		}
	}
	return out, nil
}

// Suggest completes a prefix typed in a search box.
func (b *Bank) Suggest(ctx context.Context, prefix string, first int) ([]search.Suggestion, error) {
	if b.index == nil {
		return nil, errors.New("geen zoekindex")
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

// invalidIf marks the index's input errors as the bank's.
func invalidIf(err error) error {
	if err != nil && errors.Is(err, search.ErrInvalid) {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return err
}

// ErrTooMany is returned by MatchingIDs when more than the limit match.
var ErrTooMany = errors.New("te veel resultaten")

// MatchingIDs returns the ids of the practices the search finds for query
// and filter (every page of it), without reading them: for an export of what
// a search shows. More than limit matches is ErrTooMany, found from the
// first page's total before any further page is read.
func (b *Bank) MatchingIDs(ctx context.Context, query string, f search.Filter, limit int) (map[string]bool, error) {
	if b.index == nil {
		return nil, errors.New("geen zoekindex")
	}
	ids := map[string]bool{}
	req := search.Request{Query: query, Filter: f, Sort: search.SortNewest, First: search.MaxFirst, NoFacets: true}
	for pages := 0; ; pages++ {
		res, err := b.index.Search(ctx, req)
		if err != nil {
			return nil, invalidIf(err)
		}
		if res.Total > limit || pages > limit/search.MaxFirst+1 {
			return nil, fmt.Errorf("%w: %d praktijken passen, hoogstens %d kunnen samen uitgevoerd worden", ErrTooMany, res.Total, limit)
		}
		for _, h := range res.Hits {
			ids[h.ID] = true
		}
		if !res.HasNextPage || res.EndCursor == "" || len(res.Hits) == 0 {
			return ids, nil
		}
		req.After = res.EndCursor
	}
}
