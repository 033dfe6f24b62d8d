package insight

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// ReportTop is how many success factors and pitfalls a report shows.
const ReportTop = 10

// Report is the progress of one regional platform in one year, for the
// stuurgroep.
//
// The practices of the report are the region's live practices that ran in
// the year (their years, as search counts them, include it) or that were
// created or last changed in it.
type Report struct {
	Region actionplan.Region
	Year   int
	// Practices is the number of practices of the report.
	Practices int
	// Created were created in the year; Updated were last changed in the year
	// and created before it (only the last change of a practice is known
	// here, so a practice changed again later counts in the later year).
	Created, Updated int
	// NewPractices and UpdatedPractices list them, by title.
	NewPractices, UpdatedPractices []PracticeRef
	// Challenges and Actions count the practices per challenge and per
	// action in plan order, zeros included; Actions has the plan's actions
	// and the region's own.
	Challenges []ChallengeCount
	Actions    []ActionCount
	// Gaps are the actions of Actions without any practice.
	Gaps []*actionplan.Action
	// SuccessFactors and Pitfalls are the groups with the most practices.
	SuccessFactors, Pitfalls []Group
}

// PracticeRef names a practice in a report.
type PracticeRef struct {
	ID, Ref, Title string
	Version        int
	Created        time.Time
	Updated        time.Time
}

// ChallengeCount is the number of practices of a report for a challenge.
type ChallengeCount struct {
	Challenge *actionplan.Challenge
	Count     int
}

// ActionCount is the number of practices of a report for an action.
type ActionCount struct {
	Action *actionplan.Action
	Count  int
}

// Report computes the progress report of a region for a year. An unknown
// region, or a year outside 1970-2100, is ErrNotFound.
func (in *Insight) Report(region string, year int) (Report, error) {
	plan := in.plan()
	reg, ok := plan.Region(region)
	if !ok {
		return Report{}, refusal.New(ErrNotFound, "unknown region %q", "onbekende regio %q", region)
	}
	if year < practice.MinYear || year > practice.MaxYear {
		return Report{}, refusal.New(ErrNotFound, "no report for the year %d (%d-%d)", "geen rapport voor het jaar %d (%d-%d)", year, practice.MinYear, practice.MaxYear)
	}
	rep := Report{Region: reg, Year: year,
		NewPractices: []PracticeRef{}, UpdatedPractices: []PracticeRef{}, Gaps: []*actionplan.Action{}}

	in.mu.RLock()
	defer in.mu.RUnlock()
	v := in.v
	var recs []*record
	if rid, ok := v.dims[filter.ListRegions].lookup(region); ok {
		for _, r := range v.recs {
			if r.region() != rid {
				continue
			}
			cy, uy := r.created.Year(), r.updated.Year()
			ran := r.hasYears && r.fromYear <= year && year <= r.toYear
			if !ran && cy != year && uy != year {
				continue
			}
			recs = append(recs, r)
			ref := PracticeRef{ID: r.id, Ref: r.ref, Title: r.title, Version: r.version, Created: r.created, Updated: r.updated}
			switch {
			case cy == year:
				rep.NewPractices = append(rep.NewPractices, ref)
			case uy == year && cy < year:
				rep.UpdatedPractices = append(rep.UpdatedPractices, ref)
			}
		}
	}
	byTitle := func(a, b PracticeRef) int {
		return cmp.Or(strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	}
	slices.SortFunc(rep.NewPractices, byTitle)
	slices.SortFunc(rep.UpdatedPractices, byTitle)
	rep.Practices, rep.Created, rep.Updated = len(recs), len(rep.NewPractices), len(rep.UpdatedPractices)

	count := func(dim int) []int32 {
		c := make([]int32, len(v.dims[dim].names))
		for _, r := range recs {
			for _, id := range r.vals[dim] {
				c[id]++
			}
		}
		return c
	}
	of := func(dim int, c []int32, id string) int {
		if x, ok := v.dims[dim].lookup(id); ok {
			return int(c[x])
		}
		return 0
	}
	cc, ac := count(filter.ListChallenges), count(filter.ListActions)
	for i := range plan.Challenges {
		ch := &plan.Challenges[i]
		rep.Challenges = append(rep.Challenges, ChallengeCount{Challenge: ch, Count: of(filter.ListChallenges, cc, ch.ID)})
		for j := range ch.Actions {
			a := &ch.Actions[j]
			if a.Regional() && a.Region != region {
				continue
			}
			n := of(filter.ListActions, ac, a.ID)
			rep.Actions = append(rep.Actions, ActionCount{Action: a, Count: n})
			if n == 0 {
				rep.Gaps = append(rep.Gaps, a)
			}
		}
	}
	sf := v.groupCounts(recs, SuccessFactors)
	rep.SuccessFactors = v.details(recs, SuccessFactors, v.topByCount(sf, ReportTop), sf)
	pf := v.groupCounts(recs, Pitfalls)
	rep.Pitfalls = v.details(recs, Pitfalls, v.topByCount(pf, ReportTop), pf)
	return rep, nil
}
