package actionplan

import (
	"fmt"
	"slices"
)

// ValidateRegional reports whether a could be added to p as a regional
// action: its Region is one of p's regions, its ID is "<region>:<slug>" (see
// ValidRegionalActionID) and not yet taken in p, its ChallengeID names one of
// p's challenges, its Number is 0, it has a title, and its initiatives (if
// any) are numbered "<id>.1", "<id>.2", ... The error wraps ErrInvalid.
func (p *Plan) ValidateRegional(a Action) error {
	var ps problems
	path := fmt.Sprintf("action %q", a.ID)
	if !a.Regional() {
		ps.add(path+".region", "required for a regional action")
		return ps.err()
	}
	if _, ok := p.Challenge(a.ChallengeID); !ok {
		ps.add(path+".challenge", "unknown challenge %q", a.ChallengeID)
	}
	regions := make(map[string]string, len(p.Regions))
	for _, r := range p.Regions {
		regions[r.ID] = "regions"
	}
	actions := make(map[string]string)
	if _, taken := p.Action(a.ID); taken {
		actions[a.ID] = "the plan"
	}
	ps.action(path, a, a.ChallengeID, regions, actions)
	return ps.err()
}

// WithRegional returns a copy of p with the given regional actions appended
// under their challenges, in the order given, so that Action, Actions and
// Initiative find them too. p itself is not changed, and the result shares no
// slice that either could append to. Actions that ValidateRegional rejects
// (including a second action with the same id) are left out; callers that
// must report them call ValidateRegional first.
func (p *Plan) WithRegional(actions []Action) *Plan {
	q := *p
	q.Challenges = slices.Clone(p.Challenges)
	for i := range q.Challenges {
		q.Challenges[i].Actions = slices.Clone(p.Challenges[i].Actions)
	}
	q.idx = buildIndex(&q)
	for _, a := range actions {
		if q.ValidateRegional(a) != nil {
			continue
		}
		a.Initiatives = slices.Clone(a.Initiatives)
		c := q.idx.challenges[a.ChallengeID]
		q.Challenges[c].Actions = append(q.Challenges[c].Actions, a)
		// Keep the index current so that later duplicates are caught.
		pos := actionPos{c, len(q.Challenges[c].Actions) - 1}
		q.idx.actions[a.ID] = pos
		for i, in := range a.Initiatives {
			q.idx.initiatives[in.ID] = initiativePos{pos.c, pos.a, i}
			q.idx.nInitiatives++
		}
	}
	return &q
}
