package graph

import (
	"context"

	"encoding/base64"
	"github.com/99designs/gqlgen/graphql"
	"strconv"
	"strings"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph/model"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func isTrue(b *bool) bool { return b != nil && *b }

func (r *Resolver) region(id string) *actionplan.Region {
	if reg, ok := r.Bank.Plan().Region(id); ok {
		return &reg
	}
	return nil
}

// node resolves a global id. The id spaces do not overlap: practices start
// with "pr_", inventories with "inv_", initiatives contain a dot, regional
// actions a colon, and the plan's ids are distinct words.
func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	plan := r.Bank.Plan()
	switch {
	case strings.HasPrefix(id, "pr_"):
		if p, err := r.loadersFor(ctx).practices.Load(ctx, id); err != nil || p == nil {
			return nil, err
		} else {
			return p, nil
		}
	case strings.HasPrefix(id, "inv_"):
		if inv, err := r.loadersFor(ctx).inventories.Load(ctx, id); err != nil || inv == nil {
			return nil, err
		} else {
			return inv, nil
		}
	}
	if c, ok := plan.Challenge(id); ok {
		return c, nil
	}
	if a, ok := plan.Action(id); ok {
		return a, nil
	}
	if in, ok := plan.Initiative(id); ok {
		return in, nil
	}
	if reg, ok := plan.Region(id); ok {
		return &reg, nil
	}
	for i := range plan.Spearheads {
		if plan.Spearheads[i].ID == id {
			return &plan.Spearheads[i], nil
		}
	}
	return nil, nil
}

// actionOfInitiative is the action id of an initiative id "<action>.<n>".
func actionOfInitiative(id string) string {
	if i := strings.LastIndexByte(id, '.'); i > 0 {
		return id[:i]
	}
	return id
}

// Offset cursors page through fixed lists (an inventory's practices).
const offsetPrefix = "off:"

func offsetCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(offsetPrefix + strconv.Itoa(i)))
}

// offsetAfter returns the index after the cursor (0 without one).
func offsetAfter(after *string) (int, error) {
	if after == nil || *after == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	s, ok := strings.CutPrefix(string(raw), offsetPrefix)
	n, convErr := strconv.Atoi(s)
	if err != nil || !ok || convErr != nil || n < 0 {
		return 0, refusal.New(bank.ErrInvalid, "unreadable cursor", "ongeldige cursor")
	}
	return n + 1, nil
}

func pageOf(ids []string, start, n int) []string {
	if start >= len(ids) {
		return nil
	}
	return ids[start:min(start+n, len(ids))]
}

var outcomeNames = map[practice.Outcome]model.SubmissionOutcome{
	practice.Created:   model.SubmissionOutcomeCreated,
	practice.Updated:   model.SubmissionOutcomeUpdated,
	practice.Unchanged: model.SubmissionOutcomeUnchanged,
}

func submitPayload(res bank.SubmitResult) *model.SubmitInventoryPayload {
	out := &model.SubmitInventoryPayload{
		Inventory: res.Inventory, DryRun: res.DryRun,
		Errors:   make([]model.InventoryError, len(res.Problems)),
		Outcomes: make([]model.PracticeOutcome, len(res.Outcomes)),
		Created:  res.Created, Updated: res.Updated, Unchanged: res.Unchanged,
	}
	for i, p := range res.Problems {
		out.Errors[i] = model.InventoryError{Path: p.Path, Code: p.Code, Message: p.Message}
	}
	for i, o := range res.Outcomes {
		out.Outcomes[i] = model.PracticeOutcome{Ref: o.Ref, ID: o.ID, Outcome: outcomeNames[o.Outcome], Version: o.Version}
	}
	return out
}

// filterOf is the filter of the GraphQL input: the same fields, so a
// conversion (bank and insight check it against the plan).
func filterOf(f *model.PracticeFilter) filter.Filter {
	if f == nil {
		return filter.Filter{}
	}
	return filter.Filter(*f)
}

var sorts = map[model.PracticeSort]bank.Sort{
	model.PracticeSortRelevance: bank.SortRelevance,
	model.PracticeSortNewest:    bank.SortNewest,
	model.PracticeSortTitle:     bank.SortTitle,
}

func (r *Resolver) search(ctx context.Context, query string, f filter.Filter, sort *model.PracticeSort, first *int, after *string) (*model.PracticeSearchResult, error) {
	return r.searchRequest(ctx, bank.SearchRequest{Query: query, Filter: f}, sort, first, after)
}

// searchRequest runs req (query, filter, strictness) with the page and sort
// of the GraphQL arguments.
func (r *Resolver) searchRequest(ctx context.Context, req bank.SearchRequest, sort *model.PracticeSort, first *int, after *string) (*model.PracticeSearchResult, error) {
	req.First, req.After, req.NoFacets = deref(first), deref(after), !selects(ctx, "facets")
	if sort != nil {
		req.Sort = sorts[*sort]
	}
	if first != nil && *first <= 0 {
		return nil, refusal.New(bank.ErrInvalid, "first not in 1-%d", "first moet tussen 1 en %d liggen", bank.MaxFirst)
	}
	res, err := r.Bank.Search(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &model.PracticeSearchResult{
		Total:    res.Total,
		Partial:  res.Partial,
		Edges:    make([]model.PracticeEdge, 0, len(res.Hits)),
		PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage},
		Facets:   &res.Facets,
	}
	if res.EndCursor != "" {
		out.PageInfo.EndCursor = &res.EndCursor
	}
	if res.DidYouMean != "" {
		out.DidYouMean = &res.DidYouMean
	}
	for i, h := range res.Hits {
		hl := make([]model.Highlight, len(h.Highlights))
		for j, x := range h.Highlights {
			hl[j] = model.Highlight{Field: x.Field, Fragments: x.Fragments}
		}
		out.Edges = append(out.Edges, model.PracticeEdge{Node: &res.Practices[i], Cursor: h.Cursor, Score: h.Score, Highlights: hl})
	}
	return out, nil
}

// selects reports whether the current field's selection asks for name, so
// that work for fields nobody asked (facets: several index queries) is skipped.
func selects(ctx context.Context, name string) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

func (r *Resolver) similar(ctx context.Context, id string, first *int) ([]practice.Practice, error) {
	n, err := bank.PageSize(first)
	if err != nil {
		return nil, err
	}
	if first == nil {
		n = 5
	}
	return r.Bank.Similar(ctx, id, n)
}

func (r *Resolver) suggest(ctx context.Context, prefix string, first *int) ([]model.Suggestion, error) {
	n, err := bank.PageSize(first)
	if err != nil {
		return nil, err
	}
	if first == nil {
		n = 8
	}
	sugs, err := r.Bank.Suggest(ctx, prefix, n)
	if err != nil {
		return nil, err
	}
	out := make([]model.Suggestion, len(sugs))
	for i, s := range sugs {
		out[i] = model.Suggestion{Text: s.Text, Kind: strings.ToUpper(s.Kind), Count: s.Count}
	}
	return out, nil
}

func (r *Resolver) history(ctx context.Context, id string, first, afterVersion *int) ([]practice.Change, error) {
	page := bank.HistoryPage{First: bank.MaxFirst, AfterVersion: deref(afterVersion)}
	if first != nil {
		n, err := bank.PageSize(first)
		if err != nil {
			return nil, err
		}
		page.First = n
	}
	all, err := r.loadersFor(ctx).histories.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	cs, _, err := page.Of(all)
	return cs, err
}
