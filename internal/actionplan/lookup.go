package actionplan

// index maps ids and codes to positions in a Plan's slices. It is built once
// and never changed, so lookups need no locking.
type index struct {
	krachtlijnen  map[string]int
	challenges    map[string]int
	actions       map[string]actionPos
	initiatives   map[string]initiativePos
	regions       map[string]int
	functions     map[string]int
	impactDomains map[string]int
	nInitiatives  int
}

type actionPos struct{ c, a int }

type initiativePos struct{ c, a, i int }

// buildIndex indexes p. For duplicate keys (possible only in a Plan built by
// hand, as Load rejects them) the first occurrence wins.
func buildIndex(p *Plan) *index {
	x := &index{
		krachtlijnen:  positions(p.Krachtlijnen, func(k Krachtlijn) string { return k.Code }),
		challenges:    positions(p.Challenges, func(c Challenge) string { return c.ID }),
		regions:       positions(p.Regions, func(r Region) string { return r.ID }),
		functions:     positions(p.Functions, func(f Function) string { return f.Code }),
		impactDomains: positions(p.ImpactDomains, func(d ImpactDomain) string { return d.Code }),
		actions:       map[string]actionPos{},
		initiatives:   map[string]initiativePos{},
	}
	for c := range p.Challenges {
		for a, act := range p.Challenges[c].Actions {
			if _, dup := x.actions[act.ID]; !dup {
				x.actions[act.ID] = actionPos{c, a}
			}
			for i, in := range act.Initiatives {
				if _, dup := x.initiatives[in.ID]; !dup {
					x.initiatives[in.ID] = initiativePos{c, a, i}
				}
				x.nInitiatives++
			}
		}
	}
	return x
}

func positions[T any](items []T, key func(T) string) map[string]int {
	m := make(map[string]int, len(items))
	for i, it := range items {
		if _, dup := m[key(it)]; !dup {
			m[key(it)] = i
		}
	}
	return m
}

// index returns the plan's index. A Plan built by hand rather than by Load
// has none; it is then indexed afresh on every call (correct, but not O(1)),
// and never cached, so that concurrent readers do not race.
func (p *Plan) index() *index {
	if p.idx != nil {
		return p.idx
	}
	return buildIndex(p)
}

// Krachtlijn returns the krachtlijn with the given code, e.g. "NABIJHEID".
func (p *Plan) Krachtlijn(code string) (Krachtlijn, bool) {
	i, ok := p.index().krachtlijnen[code]
	if !ok {
		return Krachtlijn{}, false
	}
	return p.Krachtlijnen[i], true
}

// Challenge returns the challenge with the given id, e.g. "digitalisering".
// The result points into the plan and must not be modified.
func (p *Plan) Challenge(id string) (*Challenge, bool) {
	i, ok := p.index().challenges[id]
	if !ok {
		return nil, false
	}
	return &p.Challenges[i], true
}

// Action returns the action with the given id: one of the plan's, e.g.
// "digitalisering-3", or a regional one, e.g. "limburg:leerplatform".
// The result points into the plan and must not be modified.
func (p *Plan) Action(id string) (*Action, bool) {
	pos, ok := p.index().actions[id]
	if !ok {
		return nil, false
	}
	return &p.Challenges[pos.c].Actions[pos.a], true
}

// Initiative returns the initiative with the given id, e.g.
// "digitalisering-3.2". The result points into the plan and must not be
// modified.
func (p *Plan) Initiative(id string) (*Initiative, bool) {
	pos, ok := p.index().initiatives[id]
	if !ok {
		return nil, false
	}
	return &p.Challenges[pos.c].Actions[pos.a].Initiatives[pos.i], true
}

// Region returns the regional platform with the given id, e.g. "limburg".
func (p *Plan) Region(id string) (Region, bool) {
	i, ok := p.index().regions[id]
	if !ok {
		return Region{}, false
	}
	return p.Regions[i], true
}

// Function returns the function with the given code, e.g. "WAARBORG".
func (p *Plan) Function(code string) (Function, bool) {
	i, ok := p.index().functions[code]
	if !ok {
		return Function{}, false
	}
	return p.Functions[i], true
}

// ImpactDomain returns the impact domain with the given code, e.g. "BELEID".
func (p *Plan) ImpactDomain(code string) (ImpactDomain, bool) {
	i, ok := p.index().impactDomains[code]
	if !ok {
		return ImpactDomain{}, false
	}
	return p.ImpactDomains[i], true
}

// Actions returns all actions in plan order: challenge by challenge, each
// challenge's own actions first, then any regional ones in the order added.
// The slice is the caller's; the actions' Initiatives are shared and must not
// be modified.
func (p *Plan) Actions() []Action {
	var n int
	for _, c := range p.Challenges {
		n += len(c.Actions)
	}
	out := make([]Action, 0, n)
	for _, c := range p.Challenges {
		out = append(out, c.Actions...)
	}
	return out
}

// Initiatives returns all initiatives in plan order. The slice is the
// caller's.
func (p *Plan) Initiatives() []Initiative {
	out := make([]Initiative, 0, p.index().nInitiatives)
	for _, c := range p.Challenges {
		for _, a := range c.Actions {
			out = append(out, a.Initiatives...)
		}
	}
	return out
}
