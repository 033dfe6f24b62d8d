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
			return refuse(ErrFilter, fmt.Sprintf("more than %d values for %s", maxFilterVals, name), fmt.Sprintf("meer dan %d waarden voor %s", maxFilterVals, name))
		}
		for _, s := range vals {
			if len(s) > maxFilterValSz || !utf8.ValidString(s) {
				return refuse(ErrFilter, "a value of "+name+" is too long or not UTF-8", "ongeldige waarde voor "+name)
			}
		}
	}
	for _, y := range []*int{f.FromYear, f.ToYear} {
		if y != nil && (*y < 0 || *y > 9999) {
			return refuse(ErrFilter, "a year out of 0..9999", "een jaar ligt tussen 0 en 9999")
		}
	}
	if f.FromYear != nil && f.ToYear != nil && *f.FromYear > *f.ToYear {
		return refuse(ErrFilter, "fromYear after toYear", "fromYear ligt na toYear")
	}
	return nil
}
