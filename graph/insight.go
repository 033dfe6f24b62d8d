package graph

import (
	"context"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph/model"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// Helpers of the research fields (successFactors, coverage, regionReport, …),
// answered by the bank's research use cases. The answers are the analytical
// view's value types (insight.Group, insight.Coverage, …), bound as GraphQL
// models in gqlgen.yml; graph names them and calls nothing of insight.

// aggregationCost is the cost of one aggregation over every practice.
const aggregationCost = 50

var factorKinds = map[model.FactorKind]insight.Kind{
	model.FactorKindSuccessFactor: insight.SuccessFactors,
	model.FactorKindPitfall:       insight.Pitfalls,
	model.FactorKindBottleneck:    insight.Bottlenecks,
}

func (r *Resolver) factors(kind insight.Kind, filter *model.PracticeFilter, first *int) ([]insight.Group, error) {
	n, err := bank.PageSize(first)
	if err != nil {
		return nil, err
	}
	return r.Bank.Factors(insight.FactorQuery{Kind: kind, Filter: filterOf(filter), First: n})
}

func (r *Resolver) factorTerms(kind model.FactorKind, filter *model.PracticeFilter, first *int) ([]insight.Term, error) {
	n, err := bank.PageSize(first)
	if err != nil {
		return nil, err
	}
	return r.Bank.FactorTerms(insight.FactorQuery{Kind: factorKinds[kind], Filter: filterOf(filter), First: n})
}

func (r *Resolver) distinctive(kind model.FactorKind, filter *model.PracticeFilter, minSupport, first *int) ([]insight.Group, error) {
	n, err := bank.PageSize(first)
	if err != nil {
		return nil, err
	}
	q := insight.DistinctiveQuery{Kind: factorKinds[kind], Filter: filterOf(filter), First: n}
	if minSupport != nil {
		if *minSupport < 1 {
			return nil, refusal.New(bank.ErrInvalid, "minSupport below 1", "minSupport moet minstens 1 zijn")
		}
		q.MinSupport = *minSupport
	}
	return r.Bank.Distinctive(q)
}

func (r *Resolver) coverage(rows, cols model.Dimension, filter *model.PracticeFilter) (*insight.Coverage, error) {
	c, err := r.Bank.Coverage(insight.Dimension(rows), insight.Dimension(cols), filterOf(filter))
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (r *Resolver) regionReport(region string, year int) (*insight.Report, error) {
	rep, err := r.Bank.RegionReport(region, year)
	if err != nil {
		return nil, err
	}
	return &rep, nil
}

func (r *Resolver) actionPracticeCount(action string, region *string) (int, error) {
	return r.Bank.ActionPracticeCount(action, deref(region))
}

// practicesOf pages through a fixed list of practice ids (a factor group's)
// with offset cursors.
func (r *Resolver) practicesOf(ctx context.Context, ids []string, first *int, after *string) (*model.PracticeConnection, error) {
	n, err := bank.PageSize(first)
	if err != nil {
		return nil, err
	}
	start, err := offsetAfter(after)
	if err != nil {
		return nil, err
	}
	page := pageOf(ids, start, n)
	ps, err := r.Bank.Practices(ctx, page)
	if err != nil {
		return nil, err
	}
	conn := &model.PracticeConnection{Total: len(ids), Edges: []model.PracticeConnectionEdge{}, PageInfo: &model.PageInfo{}}
	for i := range ps {
		if ps[i].ID == "" {
			continue
		}
		cursor := offsetCursor(start + i)
		conn.Edges = append(conn.Edges, model.PracticeConnectionEdge{Node: &ps[i], Cursor: cursor})
		conn.PageInfo.EndCursor = &cursor
	}
	conn.PageInfo.HasNextPage = start+len(page) < len(ids)
	return conn, nil
}

// setInsightComplexity prices the research fields: each runs over every
// practice, and a factor group's practices are a page.
func setInsightComplexity(c *ComplexityRoot) {
	list := func(child int, first *int) int { return aggregationCost + pageCost(child, first, bank.DefaultFirst) }
	c.Query.SuccessFactors = func(child int, _ *model.PracticeFilter, first *int) int { return list(child, first) }
	c.Query.Pitfalls = func(child int, _ *model.PracticeFilter, first *int) int { return list(child, first) }
	c.Query.Bottlenecks = func(child int, _ *model.PracticeFilter, first *int) int { return list(child, first) }
	c.Query.FactorTerms = func(child int, _ model.FactorKind, _ *model.PracticeFilter, first *int) int {
		return list(child, first)
	}
	c.Query.DistinctiveFactors = func(child int, _ model.FactorKind, _ *model.PracticeFilter, _ *int, first *int) int {
		return list(child, first)
	}
	c.Query.Coverage = func(child int, _, _ model.Dimension, _ *model.PracticeFilter) int { return aggregationCost + child }
	c.Query.RegionReport = func(child int, _ string, _ int) int { return aggregationCost + child }
	c.FactorGroup.Practices = func(child int, first *int, _ *string) int {
		return 1 + pageCost(child, first, bank.DefaultFirst)
	}
}
