package insight

import (
	"strconv"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// Dimension is an axis of a coverage matrix.
type Dimension string

const (
	DimKrachtlijn Dimension = "KRACHTLIJN"
	DimChallenge  Dimension = "CHALLENGE"
	DimAction     Dimension = "ACTION"
	DimRegion     Dimension = "REGION"
	DimYear       Dimension = "YEAR"
)

// maxYearSpan bounds the YEAR axis.
const maxYearSpan = 200

// Label is one row or column of a coverage matrix: the id or code the
// filter takes (for YEAR the year) and its name in the plan.
type Label struct {
	ID    string
	Label string
}

// Coverage counts practices per pair of values of two dimensions. Every
// known value has its row or column, so a zero cell is a gap.
type Coverage struct {
	Rows    []Label
	Columns []Label
	// Counts[i][j] is the number of practices with row value i and column
	// value j; a practice counts once per cell, even with several values.
	Counts       [][]int
	RowTotals    []int // practices with the row value
	ColumnTotals []int // practices with the column value
	Total        int   // practices that pass the filter
}

// axis maps a record to its positions on one dimension.
type axis struct {
	labels []Label
	byID   []int32 // interned id -> position, -1 when the plan does not know it
	dim    int     // interned dimension, or -1 for YEAR
	lo     int     // YEAR: the first year
}

func (a *axis) positions(r *record, buf []int32) []int32 {
	buf = buf[:0]
	if a.dim < 0 {
		if !r.hasYears {
			return buf
		}
		from, to := max(r.fromYear, a.lo), min(r.toYear, a.lo+len(a.labels)-1)
		for y := from; y <= to; y++ {
			buf = append(buf, int32(y-a.lo))
		}
		return buf
	}
	for _, id := range r.vals[a.dim] {
		if int(id) < len(a.byID) && a.byID[id] >= 0 {
			buf = append(buf, a.byID[id])
		}
	}
	return buf
}

// Coverage counts the practices that pass the filter per (row value,
// column value). Labels come from the plan: krachtlijn and region names,
// "4.2 Digitalisering" for a challenge, "digitalisering-3 We gaan na …" for
// an action (regional actions included), and for YEAR every year from the
// filter's range, or else from the first to the last year of the selected
// practices. rows and cols may be the same dimension.
func (in *Insight) Coverage(rows, cols Dimension, f filter.Filter) (Coverage, error) {
	plan := in.plan()
	if err := validFilter(plan, f); err != nil {
		return Coverage{}, err
	}
	in.mu.RLock()
	defer in.mu.RUnlock()
	v := in.v
	recs, done := v.selectRecs(f)
	defer done()
	ra, err := v.axis(plan, rows, recs, f)
	if err != nil {
		return Coverage{}, err
	}
	ca, err := v.axis(plan, cols, recs, f)
	if err != nil {
		return Coverage{}, err
	}
	nr, nc := len(ra.labels), len(ca.labels)
	flat := make([]int, nr*nc)
	cov := Coverage{Rows: ra.labels, Columns: ca.labels, Counts: make([][]int, nr),
		RowTotals: make([]int, nr), ColumnTotals: make([]int, nc), Total: len(recs)}
	var rbuf, cbuf []int32
	for _, r := range recs {
		rbuf = ra.positions(r, rbuf)
		cbuf = ca.positions(r, cbuf)
		for _, i := range rbuf {
			cov.RowTotals[i]++
			row := flat[int(i)*nc : int(i)*nc+nc]
			for _, j := range cbuf {
				row[j]++
			}
		}
		for _, j := range cbuf {
			cov.ColumnTotals[j]++
		}
	}
	for i := range cov.Counts {
		cov.Counts[i] = flat[i*nc : i*nc+nc : i*nc+nc]
	}
	return cov, nil
}

func (v *view) axis(plan *actionplan.Plan, d Dimension, recs []*record, f filter.Filter) (*axis, error) {
	a := &axis{dim: -1}
	add := func(dim int, id, label string) {
		a.labels = append(a.labels, Label{ID: id, Label: label})
		if x, ok := v.dims[dim].lookup(id); ok {
			a.byID[x] = int32(len(a.labels) - 1)
		}
	}
	prepare := func(dim int) {
		a.dim = dim
		a.byID = make([]int32, len(v.dims[dim].names))
		for i := range a.byID {
			a.byID[i] = -1
		}
	}
	switch d {
	case DimKrachtlijn:
		prepare(filter.ListKrachtlijnen)
		for _, k := range plan.Krachtlijnen {
			add(filter.ListKrachtlijnen, k.Code, k.Name)
		}
	case DimChallenge:
		prepare(filter.ListChallenges)
		for _, c := range plan.Challenges {
			add(filter.ListChallenges, c.ID, c.Section+" "+c.Name)
		}
	case DimAction:
		prepare(filter.ListActions)
		for _, act := range plan.Actions() {
			add(filter.ListActions, act.ID, actionLabel(act))
		}
	case DimRegion:
		prepare(filter.ListRegions)
		for _, r := range plan.Regions {
			add(filter.ListRegions, r.ID, r.Name)
		}
	case DimYear:
		lo, hi, ok := yearRange(recs, f)
		if ok {
			a.lo = lo
			for y := lo; y <= hi; y++ {
				s := strconv.Itoa(y)
				a.labels = append(a.labels, Label{ID: s, Label: s})
			}
		}
	default:
		return nil, refusal.New(ErrInvalid, "unknown dimension %q", "onbekende dimensie %q (KRACHTLIJN, CHALLENGE, ACTION, REGION of YEAR)", d)
	}
	if a.labels == nil {
		a.labels = []Label{}
	}
	return a, nil
}

// actionLabel is an action's id and title: "digitalisering-3 We gaan na …".
func actionLabel(a actionplan.Action) string { return a.ID + " " + a.Title }

// yearRange is the filter's range where it has bounds, else the first and
// last year of the records.
func yearRange(recs []*record, f filter.Filter) (lo, hi int, ok bool) {
	lo, hi = filter.MaxYear+1, filter.MinYear-1
	for _, r := range recs {
		if r.hasYears {
			lo, hi = min(lo, r.fromYear), max(hi, r.toYear)
		}
	}
	if f.FromYear != nil {
		lo = *f.FromYear
	}
	if f.ToYear != nil {
		hi = *f.ToYear
	}
	if lo > hi {
		return 0, 0, false
	}
	if hi-lo >= maxYearSpan {
		hi = lo + maxYearSpan - 1
	}
	return lo, hi, true
}

// ActionCount is the number of live practices that support an action, in
// one region when region is not "".
func (in *Insight) ActionCount(action, region string) (int, error) {
	plan := in.plan()
	if region != "" {
		if _, ok := plan.Region(region); !ok {
			return 0, refusal.New(ErrInvalid, "unknown region %q", "Onbekende regio: „%s”.", region)
		}
	}
	in.mu.RLock()
	defer in.mu.RUnlock()
	v := in.v
	a, ok := v.dims[filter.ListActions].lookup(action)
	if !ok {
		return 0, nil
	}
	c := v.actions[a]
	if c == nil {
		return 0, nil
	}
	if region == "" {
		return int(c[numRegionSlots-1]), nil
	}
	r, ok := v.dims[filter.ListRegions].lookup(region)
	if !ok || r >= numRegionSlots-1 {
		return 0, nil
	}
	return int(c[r]), nil
}
