package insight

import (
	"fmt"
	"sync"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// Filters are filter.Filter: OR within a field, AND across fields;
// fromYear/toYear select the practices with any year in the range. Every
// entry point checks a filter with validFilter, so that a value the plan
// does not know is refused here as in the search and the exports.

// validFilter is f's first problem (a *filter.Error that is also
// ErrInvalid), nil if it has none.
func validFilter(plan *actionplan.Plan, f filter.Filter) error {
	if err := f.Validate(plan); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}

// compiled is a filter turned into sets of interned ids for one view.
type compiled struct {
	sets     [numDims][]bool // nil: no selection on that dimension
	none     bool            // a selection that no record can match
	f        filter.Filter   // for its years
	hasYears bool
}

func (v *view) compile(f filter.Filter) compiled {
	var c compiled
	for dim := range filter.Lists {
		vals := *filter.Lists[dim].Values(&f)
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
	c.f = f
	c.hasYears = f.FromYear != nil || f.ToYear != nil
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
		return r.hasYears && c.f.InYears(r.fromYear, r.toYear)
	}
	return true
}

// selectRecs returns the records that pass f, in the view's order (the
// caller holds the read lock and must not keep or change the slice; it
// may be the view's own). done gives a buffer back for reuse.
func (v *view) selectRecs(f filter.Filter) (recs []*record, done func()) {
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
