package graph

import (
	"github.com/sterk-sociaal-werk/praktijkenbank/graph/model"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
)

// Search-backed fields cost more than store reads: a search with facets runs
// several index queries.
const searchCost = 50

// planActions is about how many actions actionPlan.actions lists: the
// plan's 17 and a few regional ones. A field under it runs once per action.
const planActions = 20

// pageCost is the cost of a list field: its children once per item asked.
func pageCost(child int, first *int, dflt int) int {
	n := dflt
	if first != nil && *first > 0 {
		n = min(*first, bank.MaxFirst)
	}
	return n * max(child, 1)
}

// SetComplexity gives list fields a cost that grows with the page they ask
// for, so that the complexity limit bounds the work a query can cause.
func SetComplexity(c *ComplexityRoot) {
	setInsightComplexity(c)
	c.Query.SearchPractices = func(child int, _ *string, _ *model.PracticeFilter, _ *model.PracticeSort, first *int, _ *string, _ *bool) int {
		return searchCost + pageCost(child, first, bank.DefaultFirst)
	}
	c.Action.Practices = func(child int, first *int, _ *string, _ *model.PracticeFilter) int {
		return searchCost + pageCost(child, first, bank.DefaultFirst)
	}
	c.Query.SimilarPractices = func(child int, _ string, first *int) int {
		return searchCost + pageCost(child, first, 5)
	}
	c.Practice.Similar = func(child int, first *int) int {
		return searchCost + pageCost(child, first, 5)
	}
	c.Query.Suggest = func(child int, _ string, first *int) int {
		return searchCost + pageCost(child, first, 8)
	}
	c.Query.Inventories = func(child int, _ *string, first *int, _ *string) int {
		return 1 + pageCost(child, first, bank.DefaultFirst)
	}
	c.Inventory.Practices = func(child int, first *int, _ *string) int {
		return 1 + pageCost(child, first, bank.DefaultFirst)
	}
	c.Practice.History = func(child int, first *int, _ *int) int {
		return 1 + pageCost(child, first, bank.MaxFirst)
	}
	// A count per action and region: cheap once, not 1,800 times per action
	// under aliases (an unknown region is an error with a hint each time).
	c.ActionPlan.Actions = func(child int) int { return 1 + planActions*child }
	c.Action.PracticeCount = func(_ int, _ *string) int { return 5 }
}
