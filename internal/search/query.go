package search

import (
	"fmt"
	"unicode/utf8"
)

// Filter selects practices: OR within a field, AND across fields.
type Filter struct {
	Krachtlijnen, Challenges, Actions, Regions, TargetGroups, Settings []string
	FromYear, ToYear                                                   *int // any year of the practice in range
}

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

// validateFilter checks the sizes of f's values and its years.
func validateFilter(f Filter) error {
	for name, vals := range map[string][]string{"krachtlijnen": f.Krachtlijnen, "challenges": f.Challenges, "actions": f.Actions,
		"regions": f.Regions, "targetGroups": f.TargetGroups, "settings": f.Settings} {
		if len(vals) > maxFilterVals {
			return fmt.Errorf("%w: more than %d values for %s", ErrFilter, maxFilterVals, name)
		}
		for _, s := range vals {
			if len(s) > maxFilterValSz || !utf8.ValidString(s) {
				return fmt.Errorf("%w: a value of %s is too long or not UTF-8", ErrFilter, name)
			}
		}
	}
	for _, y := range []*int{f.FromYear, f.ToYear} {
		if y != nil && (*y < 0 || *y > 9999) {
			return fmt.Errorf("%w: a year must be 0 to 9999", ErrFilter)
		}
	}
	if f.FromYear != nil && f.ToYear != nil && *f.FromYear > *f.ToYear {
		return fmt.Errorf("%w: fromYear is after toYear", ErrFilter)
	}
	return nil
}
