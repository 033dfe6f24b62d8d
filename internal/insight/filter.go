package insight

import (
	"fmt"
	"strings"
	"sync"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// Filters are search.Filter, with the search's semantics: OR within a
// field, AND across fields; fromYear/toYear select the practices with any
// year in the range.

// Limits of a filter, as search has them.
const (
	maxFilterValues = 50
	minYear         = 1970
	maxYear         = 2100
)

// FilterError is a filter value that is not allowed: an unknown region,
// krachtlijn, challenge or action, or a year out of range. It wraps
// ErrInvalid; Code is stable, Message is Dutch.
type FilterError struct {
	Field   string // the filter field: regions, krachtlijnen, ...
	Value   string
	Code    string // UNKNOWN_REGION, UNKNOWN_KRACHTLIJN, UNKNOWN_CHALLENGE, UNKNOWN_ACTION, INVALID_YEAR, TOO_MANY_VALUES
	Message string
}

func (e *FilterError) Error() string { return e.Message }
func (e *FilterError) Unwrap() error { return ErrInvalid }

// ValidateFilter checks every value of f against the plan (with its
// regional actions). Free-text fields (targetGroups, settings) are only
// checked for their number.
func ValidateFilter(plan *actionplan.Plan, f search.Filter) error {
	type field struct {
		name, code, what string
		vals             []string
		known            func(string) bool
	}
	fields := []field{
		{"regions", "UNKNOWN_REGION", "regio", f.Regions, func(s string) bool { _, ok := plan.Region(s); return ok }},
		{"krachtlijnen", "UNKNOWN_KRACHTLIJN", "krachtlijn", f.Krachtlijnen, func(s string) bool { _, ok := plan.Krachtlijn(s); return ok }},
		{"challenges", "UNKNOWN_CHALLENGE", "uitdaging", f.Challenges, func(s string) bool { _, ok := plan.Challenge(s); return ok }},
		{"actions", "UNKNOWN_ACTION", "actie", f.Actions, func(s string) bool { _, ok := plan.Action(s); return ok }},
		{"targetGroups", "", "", f.TargetGroups, nil},
		{"settings", "", "", f.Settings, nil},
	}
	for _, fl := range fields {
		if len(fl.vals) > maxFilterValues {
			return &FilterError{Field: fl.name, Code: "TOO_MANY_VALUES",
				Message: fmt.Sprintf("Te veel waarden voor %s: hoogstens %d.", fl.name, maxFilterValues)}
		}
		if fl.known == nil {
			continue
		}
		for _, v := range fl.vals {
			if !fl.known(v) {
				return &FilterError{Field: fl.name, Value: v, Code: fl.code,
					Message: fmt.Sprintf("Onbekende %s %q in %s.%s", fl.what, v, fl.name, hint(plan, fl.name))}
			}
		}
	}
	for _, y := range []struct {
		name string
		v    *int
	}{{"fromYear", f.FromYear}, {"toYear", f.ToYear}} {
		if y.v != nil && (*y.v < minYear || *y.v > maxYear) {
			return &FilterError{Field: y.name, Value: fmt.Sprint(*y.v), Code: "INVALID_YEAR",
				Message: fmt.Sprintf("%s moet een jaar tussen %d en %d zijn.", y.name, minYear, maxYear)}
		}
	}
	if f.FromYear != nil && f.ToYear != nil && *f.FromYear > *f.ToYear {
		return &FilterError{Field: "fromYear", Value: fmt.Sprint(*f.FromYear), Code: "INVALID_YEAR",
			Message: "fromYear ligt na toYear."}
	}
	return nil
}

// hint lists the allowed values of the short fields.
func hint(plan *actionplan.Plan, field string) string {
	var ids []string
	switch field {
	case "regions":
		for _, r := range plan.Regions {
			ids = append(ids, r.ID)
		}
	case "krachtlijnen":
		for _, k := range plan.Krachtlijnen {
			ids = append(ids, k.Code)
		}
	case "challenges":
		for _, c := range plan.Challenges {
			ids = append(ids, c.ID)
		}
	default:
		return " De acties staan in het actieplan (actionPlan { actions { id } })."
	}
	return " Mogelijk: " + strings.Join(ids, ", ") + "."
}

// Matches reports whether a practice passes the filter (live or not: the
// caller decides). It is the semantics of the view, for practices read
// from the store (the exports).
func Matches(f search.Filter, p *practice.Practice) bool {
	if !anyIn(f.Regions, []string{p.Region}) || !anyIn(f.Krachtlijnen, p.Krachtlijnen) ||
		!anyIn(f.Challenges, p.Challenges) || !anyIn(f.Actions, p.Actions) ||
		!anyInTrimmed(f.TargetGroups, p.TargetGroups) || !anyInTrimmed(f.Settings, p.Settings) {
		return false
	}
	if f.FromYear == nil && f.ToYear == nil {
		return true
	}
	from, to, ok := yearsOf(p)
	return ok && yearsOverlap(from, to, f.FromYear, f.ToYear)
}

func yearsOverlap(from, to int, lo, hi *int) bool {
	return (lo == nil || to >= *lo) && (hi == nil || from <= *hi)
}

func anyIn(want, have []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		for _, h := range have {
			if w == h {
				return true
			}
		}
	}
	return false
}

func anyInTrimmed(want, have []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		for _, h := range have {
			if w == strings.TrimSpace(h) {
				return true
			}
		}
	}
	return false
}

// compiled is a filter turned into sets of interned ids for one view.
type compiled struct {
	sets     [numDims][]bool // nil: no selection on that dimension
	none     bool            // a selection that no record can match
	lo, hi   *int
	hasYears bool
}

func (v *view) compile(f search.Filter) compiled {
	var c compiled
	for dim, vals := range [numDims][]string{f.Krachtlijnen, f.Challenges, f.Actions, f.Regions, f.TargetGroups, f.Settings} {
		if len(vals) == 0 {
			continue
		}
		set := make([]bool, len(v.dims[dim].names))
		any := false
		for _, s := range vals {
			if id, ok := v.dims[dim].lookup(s); ok {
				set[id] = true
				any = true
			}
		}
		if !any {
			c.none = true
		}
		c.sets[dim] = set
	}
	c.lo, c.hi = f.FromYear, f.ToYear
	c.hasYears = c.lo != nil || c.hi != nil
	return c
}

func (c *compiled) match(r *record) bool {
	if c.none {
		return false
	}
	for dim, set := range c.sets {
		if set == nil {
			continue
		}
		ok := false
		for _, id := range r.vals[dim] {
			if set[id] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if c.hasYears {
		return r.hasYears && yearsOverlap(r.fromYear, r.toYear, c.lo, c.hi)
	}
	return true
}

// selectRecs returns the records that pass f, in the view's order (the
// caller holds the read lock and must not keep or change the slice; it
// may be the view's own). done gives a buffer back for reuse.
func (v *view) selectRecs(f search.Filter) (recs []*record, done func()) {
	c := v.compile(f)
	if c.none {
		return nil, func() {}
	}
	if !c.any() {
		return v.recs, func() {}
	}
	buf := selPool.Get().(*[]*record)
	out := (*buf)[:0]
	for _, r := range v.recs {
		if c.match(r) {
			out = append(out, r)
		}
	}
	return out, func() {
		clear(out)
		*buf = out[:0]
		selPool.Put(buf)
	}
}

var selPool = sync.Pool{New: func() any { return new([]*record) }}

// any reports whether the filter selects at all.
func (c *compiled) any() bool {
	if c.hasYears {
		return true
	}
	for _, s := range c.sets {
		if s != nil {
			return true
		}
	}
	return false
}
