package bank

import (
	"context"
	"errors"
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// ErrTooMany is returned by SelectExport when a text query finds more
// practices than an export may hold.
var ErrTooMany = errors.New("too many results")

// ExportSelection is what an export holds, settled before anything of it is
// written: the filter, and with a text query the practices the search finds.
type ExportSelection struct {
	Filter search.Filter
	IDs    map[string]bool // nil without a text query: every practice that passes the filter
}

// SelectExport settles what an export of query and f holds. Without a text
// query that is the filter alone. With one the search gives the ids first
// (every page of it, without reading the practices); more than limit
// matches is ErrTooMany, found from the first page's total before any
// further page is read.
func (b *Bank) SelectExport(ctx context.Context, query string, f search.Filter, limit int) (ExportSelection, error) {
	sel := ExportSelection{Filter: f}
	if query == "" {
		return sel, nil
	}
	if b.index == nil {
		return sel, errNoIndex
	}
	sel.IDs = map[string]bool{}
	req := search.Request{Query: query, Filter: f, Sort: search.SortNewest, First: search.MaxFirst, NoFacets: true}
	for pages := 0; ; pages++ {
		res, err := b.index.Search(ctx, req)
		if err != nil {
			return ExportSelection{}, invalidIf(err)
		}
		if res.Total > limit || pages > limit/search.MaxFirst+1 {
			return ExportSelection{}, fmt.Errorf("%w: %d practices match, an export holds at most %d", ErrTooMany, res.Total, limit)
		}
		for _, h := range res.Hits {
			sel.IDs[h.ID] = true
		}
		if !res.HasNextPage || res.EndCursor == "" || len(res.Hits) == 0 {
			return sel, nil
		}
		req.After = res.EndCursor
	}
}

// ScanExport calls fn with every live practice of sel in the store's order,
// read from the store (the truth) one by one and never held together. An
// export is a list, so each practice's contact is as the contact policy
// (ContactOf) gives it to who: e-mail and phone only for the admin and the
// practice's own regional platform.
func (b *Bank) ScanExport(ctx context.Context, sel ExportSelection, who *auth.Principal, fn func(practice.Practice) error) error {
	return b.store.ScanPractices(ctx, func(p practice.Practice) error {
		if !p.Live() || !sel.Filter.Matches(&p) || (sel.IDs != nil && !sel.IDs[p.ID]) {
			return nil
		}
		p.Contact = ContactOf(who, &p, false)
		return fn(p)
	})
}
