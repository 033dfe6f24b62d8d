package actionplan

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Labels: the names people write in a spreadsheet for the plan's codes and
// ids, resolved in one place. A label is matched case-insensitively with its
// spaces collapsed; each Find method accepts the code or id itself, the
// name the site shows, and the forms listed on the method. The Label
// methods write the labels the XLSX template offers, which the Find methods
// resolve again.

// labelKey folds s for matching: lower case, single spaces, trimmed, without
// a trailing period.
func labelKey(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	return strings.TrimSuffix(s, ".")
}

// FindKrachtlijn resolves a krachtlijn's code ("verbindend") or name
// ("Verbindend werken").
func (p *Plan) FindKrachtlijn(label string) (Krachtlijn, bool) {
	key := labelKey(label)
	for _, k := range p.Krachtlijnen {
		if key == labelKey(k.Code) || key == labelKey(k.Name) {
			return k, true
		}
	}
	return Krachtlijn{}, false
}

// sectionPrefix matches a label that starts with a section number: "4.2",
// "4.2.", "4.2 Digitalisering".
var sectionPrefix = regexp.MustCompile(`^(\d+\.\d+)\.?(?:\s+|$)(.*)$`)

// FindChallenge resolves a challenge's id ("digitalisering"), name
// ("Digitalisering"), section ("4.2"), section and name ("4.2
// Digitalisering", also with the name shortened to end in "…"), or full
// heading. A section with another challenge's name is not resolved.
func (p *Plan) FindChallenge(label string) (*Challenge, bool) {
	key := labelKey(label)
	if m := sectionPrefix.FindStringSubmatch(key); m != nil {
		for i := range p.Challenges {
			c := &p.Challenges[i]
			if c.Section == m[1] && (m[2] == "" || sameName(m[2], c.Name)) {
				return c, true
			}
		}
		return nil, false
	}
	for i := range p.Challenges {
		c := &p.Challenges[i]
		if key == c.ID || key == labelKey(c.Name) || (c.Title != "" && key == labelKey(c.Title)) {
			return c, true
		}
	}
	return nil, false
}

// sameName reports whether the folded text key names name: equal, or a
// shortened form of it ending in "…".
func sameName(key, name string) bool {
	name = labelKey(name)
	if key == name {
		return true
	}
	short, ok := strings.CutSuffix(key, "…")
	short = strings.TrimSpace(short)
	return ok && len(short) >= 3 && strings.HasPrefix(name, short)
}

// actionLabel matches "4.2 Actie 1", optionally followed by ":" or "-" and
// (part of) the title: the form the site and the template show.
var actionLabel = regexp.MustCompile(`^(\d+\.\d+)\.?\s*actie\s*(\d+)\s*(?:[:\-–]\s*(.*))?$`)

// regionalLabel matches "Regionale actie (Limburg): <title>".
var regionalLabel = regexp.MustCompile(`^regionale actie\s*\(([^)]*)\)\s*:\s*(.+)$`)

// FindAction resolves an action's id ("digitalisering-1", "limburg:buurtwerk"),
// its label "4.2 Actie 1" (with or without ": <title>" after it, the title
// possibly shortened to end in "…"), or its title; a regional action also
// as "Regionale actie (Limburg): <title>".
func (p *Plan) FindAction(label string) (*Action, bool) {
	key := labelKey(label)
	if a, ok := p.Action(strings.TrimSpace(label)); ok {
		return a, true
	}
	if m := actionLabel.FindStringSubmatch(key); m != nil {
		for ci := range p.Challenges {
			c := &p.Challenges[ci]
			if c.Section != m[1] {
				continue
			}
			for ai := range c.Actions {
				a := &c.Actions[ai]
				if !a.Regional() && fmt.Sprint(a.Number) == m[2] && (m[3] == "" || sameName(m[3], a.Title)) {
					return a, true
				}
			}
		}
		return nil, false
	}
	region, title := "", key
	if m := regionalLabel.FindStringSubmatch(key); m != nil {
		r, ok := p.FindRegion(m[1])
		if !ok {
			return nil, false
		}
		region, title = r.ID, m[2]
	}
	var found *Action
	for ci := range p.Challenges {
		for ai := range p.Challenges[ci].Actions {
			a := &p.Challenges[ci].Actions[ai]
			if strings.EqualFold(a.ID, key) {
				return a, true
			}
			if (region == "" || a.Region == region) && sameName(title, a.Title) {
				if found != nil {
					return nil, false // ambiguous
				}
				found = a
			}
		}
	}
	return found, found != nil
}

// FindRegion resolves a region's id ("oost-vlaanderen") or name
// ("Oost-Vlaanderen", also "Oost Vlaanderen").
func (p *Plan) FindRegion(label string) (Region, bool) {
	key := regionKey(label)
	for _, r := range p.Regions {
		if key == regionKey(r.ID) || key == regionKey(r.Name) {
			return r, true
		}
	}
	return Region{}, false
}

func regionKey(s string) string { return labelKey(strings.ReplaceAll(s, "-", " ")) }

// FindFunction resolves a function's code ("waarborg") or name
// ("Waarborgfunctie").
func (p *Plan) FindFunction(label string) (Function, bool) {
	key := labelKey(label)
	for _, f := range p.Functions {
		if key == labelKey(f.Code) || key == labelKey(f.Name) {
			return f, true
		}
	}
	return Function{}, false
}

// FindImpactDomain resolves an impact domain's code or name ("Beleid").
func (p *Plan) FindImpactDomain(label string) (ImpactDomain, bool) {
	key := labelKey(label)
	for _, d := range p.ImpactDomains {
		if key == labelKey(d.Code) || key == labelKey(d.Name) {
			return d, true
		}
	}
	return ImpactDomain{}, false
}

// ChallengeLabel is the label of a challenge as the site shows it:
// "4.2 Digitalisering".
func ChallengeLabel(c *Challenge) string { return c.Section + " " + c.Name }

// ActionLabel is the label of an action: "4.2 Actie 1: <title>", or
// "Regionale actie (Limburg): <title>", with the title cut at a word
// boundary to at most maxTitle characters and "…" (maxTitle <= 0: whole).
// FindAction resolves it.
func (p *Plan) ActionLabel(a *Action, maxTitle int) string {
	title := a.Title
	if r, n := utf8.DecodeRuneInString(title); n > 0 {
		title = strings.ToUpper(string(r)) + title[n:]
	}
	if maxTitle > 0 && utf8.RuneCountInString(title) > maxTitle {
		cut := string([]rune(title)[:maxTitle])
		if i := strings.LastIndexByte(cut, ' '); i > maxTitle/2 {
			cut = cut[:i]
		}
		title = strings.TrimRight(cut, " ,.;:") + "…"
	}
	if a.Regional() {
		name := a.Region
		if r, ok := p.Region(a.Region); ok {
			name = r.Name
		}
		return fmt.Sprintf("Regionale actie (%s): %s", name, title)
	}
	section := ""
	if c, ok := p.Challenge(a.ChallengeID); ok {
		section = c.Section + " "
	}
	return fmt.Sprintf("%sActie %d: %s", section, a.Number, title)
}
