package web

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

// fieldLabels are the Dutch names of the v1 fields, for the version history.
var fieldLabels = map[string]string{
	"title": "titel", "summary": "samenvatting", "description": "beschrijving",
	"organisations": "organisaties", "municipalities": "gemeenten", "krachtlijnen": "krachtlijnen",
	"challenges": "uitdagingen", "actions": "acties", "targetGroups": "doelgroepen",
	"settings": "settings", "successFactors": "succesfactoren", "pitfalls": "valkuilen",
	"bottlenecks": "knelpunten", "functions": "functies", "impactDomains": "impactdomeinen",
	"startYear": "startjaar", "endYear": "eindjaar", "links": "links", "contact": "contact",
	"language": "taal",
}

func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	return f
}

var languageNames = map[string]string{"nl": "Nederlands", "fr": "Frans", "en": "Engels"}

// labeler names the ids and codes of the action plan in Dutch.
type labeler struct{ plan *actionplan.Plan }

func (l labeler) krachtlijn(code string) string {
	if k, ok := l.plan.Krachtlijn(code); ok {
		return k.Name
	}
	return code
}

func (l labeler) challenge(id string) string {
	if c, ok := l.plan.Challenge(id); ok {
		return c.Section + " " + c.Name
	}
	return id
}

// action is an action's short label: "4.2 Actie 3: <title, shortened>".
func (l labeler) action(id string) string {
	a, ok := l.plan.Action(id)
	if !ok {
		return id
	}
	return actionPrefix(l.plan, a) + shorten(capitalize(a.Title), 70)
}

// actionPrefix is "4.2 Actie 3: ", or "Regionale actie (Limburg): ".
func actionPrefix(p *actionplan.Plan, a *actionplan.Action) string {
	if a.Regional() {
		r, _ := p.Region(a.Region)
		return fmt.Sprintf("Regionale actie (%s): ", r.Name)
	}
	c, _ := p.Challenge(a.ChallengeID)
	if c == nil {
		return fmt.Sprintf("Actie %d: ", a.Number)
	}
	return fmt.Sprintf("%s Actie %d: ", c.Section, a.Number)
}

func (l labeler) region(id string) string {
	if r, ok := l.plan.Region(id); ok {
		return r.Name
	}
	return id
}

func (l labeler) function(code string) string {
	if f, ok := l.plan.Function(code); ok {
		return f.Name
	}
	return code
}

func (l labeler) impactDomain(code string) string {
	if d, ok := l.plan.ImpactDomain(code); ok {
		return d.Name
	}
	return code
}

// shorten cuts s at a word boundary to at most n characters, with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// capitalize upper-cases the first letter (some action titles in the plan
// start in lower case).
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}
