package actionplan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrInvalid is wrapped by every error Load and ValidateRegional return for
// data that does not form a valid plan.
var ErrInvalid = errors.New("actionplan: invalid plan")

// MaxRegionalSlugLen is the longest slug a regional action id may carry.
const MaxRegionalSlugLen = 64

// Load reads a plan in the JSON shape of actionplan.json, rejects unknown
// fields, validates it whole and indexes it for lookup. Every problem found is
// reported in the one returned error, which wraps ErrInvalid.
//
// Validation: codes and ids are unique and of their required form (codes
// UPPER_SNAKE, challenge and region ids lower-case words joined by hyphens,
// plan actions "<challenge>-<n>", regional actions "<region>:<slug>" of a known
// region, initiatives "<action>.<n>" numbered 1, 2, ... in order, spearheads
// "<period>-<n>" numbered per period); every action belongs to the challenge
// it is listed under; names, titles and texts are present and trimmed.
// An action listed without a challenge id gets that of its challenge.
func Load(r io.Reader) (*Plan, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: decode: %w", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: unexpected data after the plan", ErrInvalid)
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	p.idx = buildIndex(&p)
	return &p, nil
}

// problems collects validation errors with the path they concern.
type problems []error

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n%w", ErrInvalid, errors.Join(ps...))
}

// text checks a required, trimmed text field.
func (ps *problems) text(path, s string) {
	switch {
	case s == "":
		ps.add(path, "required")
	case strings.TrimSpace(s) != s:
		ps.add(path, "leading or trailing white space")
	}
}

// optText checks an optional, trimmed text field.
func (ps *problems) optText(path, s string) {
	if s != "" {
		ps.text(path, s)
	}
}

// unique records key under path and reports a duplicate.
func (ps *problems) unique(seen map[string]string, path, key string) {
	if first, dup := seen[key]; dup {
		ps.add(path, "duplicate %q (first at %s)", key, first)
		return
	}
	seen[key] = path
}

func (p *Plan) validate() error {
	var ps problems
	if len(p.Krachtlijnen) == 0 {
		ps.add("krachtlijnen", "required")
	}
	if len(p.Challenges) == 0 {
		ps.add("challenges", "required")
	}
	if len(p.Regions) == 0 {
		ps.add("regions", "required")
	}

	seen := map[string]string{}
	for i, k := range p.Krachtlijnen {
		path := fmt.Sprintf("krachtlijnen[%d]", i)
		ps.code(path+".code", k.Code)
		ps.unique(seen, path+".code", k.Code)
		ps.text(path+".name", k.Name)
		ps.text(path+".description", k.Description)
	}

	regions := map[string]string{}
	for i, r := range p.Regions {
		path := fmt.Sprintf("regions[%d]", i)
		if !isSlug(r.ID, false) {
			ps.add(path+".id", "%q is not a region id (lower-case words joined by hyphens)", r.ID)
		}
		ps.unique(regions, path+".id", r.ID)
		ps.text(path+".name", r.Name)
	}

	seen = map[string]string{}
	for i, f := range p.Functions {
		path := fmt.Sprintf("functions[%d]", i)
		ps.code(path+".code", f.Code)
		ps.unique(seen, path+".code", f.Code)
		ps.text(path+".name", f.Name)
		ps.text(path+".description", f.Description)
		ps.optText(path+".planText", f.PlanText)
	}

	seen = map[string]string{}
	for i, d := range p.ImpactDomains {
		path := fmt.Sprintf("impactDomains[%d]", i)
		ps.code(path+".code", d.Code)
		ps.unique(seen, path+".code", d.Code)
		ps.text(path+".name", d.Name)
		ps.text(path+".description", d.Description)
		for j, s := range d.Impacts {
			ps.text(fmt.Sprintf("%s.impacts[%d]", path, j), s)
		}
	}

	seen = map[string]string{}
	perPeriod := map[string]int{}
	for i, s := range p.Spearheads {
		path := fmt.Sprintf("spearheads[%d]", i)
		if !isPeriod(s.Period) {
			ps.add(path+".period", "%q is not a period like 2020-2022", s.Period)
		}
		perPeriod[s.Period]++
		if want := s.Period + "-" + strconv.Itoa(perPeriod[s.Period]); s.ID != want {
			ps.add(path+".id", "%q, want %q", s.ID, want)
		}
		ps.unique(seen, path+".id", s.ID)
		ps.text(path+".name", s.Name)
		ps.optText(path+".source", s.Source)
	}

	challenges := map[string]string{}
	actions := map[string]string{}
	for i := range p.Challenges {
		c := &p.Challenges[i]
		path := fmt.Sprintf("challenges[%d]", i)
		if !isSlug(c.ID, false) {
			ps.add(path+".id", "%q is not a challenge id (lower-case words joined by hyphens)", c.ID)
		}
		ps.unique(challenges, path+".id", c.ID)
		if !isSection(c.Section) {
			ps.add(path+".section", "%q is not a section number like 4.2", c.Section)
		}
		ps.text(path+".name", c.Name)
		ps.text(path+".title", c.Title)
		if c.Kind != KindUitdaging && c.Kind != KindThema {
			ps.add(path+".kind", "%q, want %s or %s", c.Kind, KindUitdaging, KindThema)
		}
		for j := range c.Actions {
			a := &c.Actions[j]
			if a.ChallengeID == "" {
				a.ChallengeID = c.ID
			}
			ps.action(fmt.Sprintf("%s.actions[%d]", path, j), *a, c.ID, regions, actions)
		}
	}
	return ps.err()
}

// action validates one action listed under challenge cid; regions holds the
// known region ids and actions the action ids seen so far (updated).
func (ps *problems) action(path string, a Action, cid string, regions, actions map[string]string) {
	if a.ChallengeID != cid {
		ps.add(path+".challenge", "%q, but the action is listed under %q", a.ChallengeID, cid)
	}
	if a.Regional() {
		if _, ok := regions[a.Region]; !ok {
			ps.add(path+".region", "unknown region %q", a.Region)
		}
		if !ValidRegionalActionID(a.Region, a.ID) {
			ps.add(path+".id", "%q is not a regional action id %q", a.ID, a.Region+":<slug>")
		}
		if a.Number != 0 {
			ps.add(path+".number", "%d, want 0 for a regional action", a.Number)
		}
	} else {
		if a.Number < 1 {
			ps.add(path+".number", "%d, want 1 or more", a.Number)
		}
		if want := cid + "-" + strconv.Itoa(a.Number); a.ID != want {
			ps.add(path+".id", "%q, want %q", a.ID, want)
		}
	}
	ps.unique(actions, path+".id", a.ID)
	ps.text(path+".title", a.Title)
	ps.optText(path+".description", a.Description)
	for k, in := range a.Initiatives {
		ipath := fmt.Sprintf("%s.initiatives[%d]", path, k)
		if want := a.ID + "." + strconv.Itoa(k+1); in.ID != want {
			ps.add(ipath+".id", "%q, want %q", in.ID, want)
		}
		ps.text(ipath+".text", in.Text)
	}
}

// code checks an UPPER_SNAKE code such as SOCIAAL_POLITIEK.
func (ps *problems) code(path, s string) {
	ok := s != "" && s[0] != '_' && s[len(s)-1] != '_' && !strings.Contains(s, "__")
	for _, r := range s {
		if (r < 'A' || r > 'Z') && r != '_' {
			ok = false
		}
	}
	if !ok {
		ps.add(path, "%q is not a code (upper-case letters and underscores)", s)
	}
}

// isSlug reports whether s is words joined by single hyphens, each word of
// lower-case ASCII letters (and digits, if digits is set).
func isSlug(s string, digits bool) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 'a' && b <= 'z', b == '-':
		case digits && b >= '0' && b <= '9':
		default:
			return false
		}
	}
	return true
}

// isSection reports whether s is a section number such as "4" or "4.11".
func isSection(s string) bool {
	for part := range strings.SplitSeq(s, ".") {
		if !isNumber(part) {
			return false
		}
	}
	return true
}

// isPeriod reports whether s is two years joined by a hyphen, e.g. "2020-2022".
func isPeriod(s string) bool {
	from, to, ok := strings.Cut(s, "-")
	return ok && len(from) == 4 && len(to) == 4 && isNumber(from) && isNumber(to) && from <= to
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidRegionalActionID reports whether id is of the form "<region>:<slug>"
// required of a regional platform's own actions: the region id, a colon, and a
// slug of lower-case letters and digits in words joined by single hyphens, at
// most MaxRegionalSlugLen bytes long. It checks the form only, not whether the
// region exists (see Plan.Region).
func ValidRegionalActionID(region, id string) bool {
	slug, ok := strings.CutPrefix(id, region+":")
	return ok && isSlug(region, false) && len(slug) <= MaxRegionalSlugLen && isSlug(slug, true)
}
