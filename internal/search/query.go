package search

import (
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// Filter selects practices: the one practice filter (internal/filter). The
// index checks its bounds, not its values against the plan: a value no
// document has matches nothing.
type Filter = filter.Filter

// Facets count the result per value. Each facet ignores its own selection
// (disjunctive faceting), so choosing one region still shows the others.
type Facets struct {
	Krachtlijnen, Challenges, Actions, Regions, TargetGroups, Settings, Years []FacetCount
}

// FacetCount is a value (the id or code a Filter takes) and its count.
type FacetCount struct {
	Value string
	Count int
}

// validateFilter checks the sizes of f's values and its years (the filter's
// own bounds; the plan is the bank's to check).
func validateFilter(f Filter) error {
	if err := f.Validate(nil); err != nil {
		return fmt.Errorf("%w: %w", ErrFilter, err)
	}
	return nil
}
