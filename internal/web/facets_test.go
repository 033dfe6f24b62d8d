package web

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// Every list field of the filter is shown on the pages: as a checkbox group
// with its counts and as an active filter with a link that drops it. A
// field without an entry in facetViews still is, under its own label.
func TestEveryFilterFieldIsShown(t *testing.T) {
	plan := actionplan.Default()
	l := labeler{plan}
	var s searchState
	var facets search.Facets
	fv := reflect.ValueOf(&facets).Elem()
	var counted [len(filter.Lists)]int
	for i, fl := range filter.Lists {
		// One value per field, counted once in the result.
		v := plan.Regions[0].ID
		if fl.Known == nil {
			v = "waarde-" + fl.Name
		} else if planned := fl.Planned; planned != nil {
			v = planned(plan)[0]
		}
		*fl.Values(&s.Filter) = []string{v}
		// search.Facets names its fields as the filter does; a field
		// that is no facet shows its chosen values without a count.
		if f := fv.FieldByName(strings.ToUpper(fl.Name[:1]) + fl.Name[1:]); f.IsValid() {
			f.Set(reflect.ValueOf([]search.FacetCount{{Value: v, Count: 3}}))
			counted[i] = 3
		}
	}
	groups := facetGroups(l, plan, s, facets)
	active := activeFilters(l, s)
	if len(groups) != len(filter.Lists) || len(active) != len(filter.Lists) {
		t.Fatalf("%d groups, %d active filters for %d fields", len(groups), len(active), len(filter.Lists))
	}
	for i, fl := range filter.Lists {
		g := groups[i]
		if g.Param != fl.Param || g.Legend == "" || len(g.Options) != 1 || !g.Options[0].Checked || g.Options[0].Count != counted[i] {
			t.Errorf("%s: group %+v", fl.Name, g)
		}
		c := s.clone()
		*c.list(fl.Param) = nil
		if active[i].RemoveURL != c.url() {
			t.Errorf("%s: remove link %s, want %s", fl.Name, active[i].RemoveURL, c.url())
		}
	}

	// Without its entry, a field shows its values as they are.
	saved := facetViews[filter.ListSettings]
	t.Cleanup(func() { facetViews[filter.ListSettings] = saved })
	facetViews[filter.ListSettings] = facetView{}
	if v := viewOf(filter.ListSettings); v.legend != "Setting" || v.label(l, "CAW") != "CAW" || v.counts(facets) != nil {
		t.Errorf("default view: %+v", v)
	}
	if got := activeFilters(l, s); len(got) != len(filter.Lists) || got[filter.ListSettings].Label != "Setting: waarde-settings" {
		t.Errorf("active filter without a view: %+v", got[filter.ListSettings])
	}
}
