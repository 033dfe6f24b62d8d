package actionplan_test

import (
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

func TestFindLabels(t *testing.T) {
	plan := actionplan.Default().WithRegional([]actionplan.Action{{
		ID: "limburg:buurtwerk", ChallengeID: "digitalisering", Region: "limburg", Title: "Buurtwerk digitaal",
	}})
	id := func(v string, ok bool) string {
		if !ok {
			return ""
		}
		return v
	}
	krachtlijn := func(s string) string { k, ok := plan.FindKrachtlijn(s); return id(k.Code, ok) }
	challenge := func(s string) string {
		c, ok := plan.FindChallenge(s)
		if !ok {
			return ""
		}
		return c.ID
	}
	action := func(s string) string {
		a, ok := plan.FindAction(s)
		if !ok {
			return ""
		}
		return a.ID
	}
	region := func(s string) string { r, ok := plan.FindRegion(s); return id(r.ID, ok) }
	function := func(s string) string { f, ok := plan.FindFunction(s); return id(f.Code, ok) }
	domain := func(s string) string { d, ok := plan.FindImpactDomain(s); return id(d.Code, ok) }

	for _, tt := range []struct {
		find        func(string) string
		label, want string
	}{
		{krachtlijn, "VERBINDEND", "VERBINDEND"},
		{krachtlijn, "verbindend", "VERBINDEND"},
		{krachtlijn, "Verbindend werken", "VERBINDEND"},
		{krachtlijn, "  verbindend   WERKEN ", "VERBINDEND"},
		{krachtlijn, "Nabijheid", "NABIJHEID"},
		{krachtlijn, "Verbindend samenwerken", ""},
		{challenge, "digitalisering", "digitalisering"},
		{challenge, "Digitalisering", "digitalisering"},
		{challenge, "4.2 Digitalisering", "digitalisering"},
		{challenge, "4.2. digitalisering", "digitalisering"},
		{challenge, "4.2", "digitalisering"},
		{challenge, "4.10 Draagvlak voor Sterk Sociaal Werk", "draagvlak"},
		{challenge, "4.6 Samenwerken in multi…", "samenwerking"},
		{challenge, "Werken in/met vertrouwen", "vertrouwen"},
		{challenge, "4.2 Diversiteit", ""},
		{challenge, "4.12", ""},
		{action, "digitalisering-1", "digitalisering-1"},
		{action, "DIGITALISERING-1", "digitalisering-1"},
		{action, "4.2 Actie 1", "digitalisering-1"},
		{action, "4.2 actie 3", "digitalisering-3"},
		{action, "4.2 Actie 1: We zetten concrete…", "digitalisering-1"},
		{action, "4.2 Actie 1: iets anders", ""},
		{action, "4.2 Actie 9", ""},
		{action, "limburg:buurtwerk", "limburg:buurtwerk"},
		{action, "Buurtwerk digitaal", "limburg:buurtwerk"},
		{action, "Regionale actie (Limburg): Buurtwerk digitaal", "limburg:buurtwerk"},
		{action, "Regionale actie (Antwerpen): Buurtwerk digitaal", ""},
		{region, "limburg", "limburg"},
		{region, "Oost-Vlaanderen", "oost-vlaanderen"},
		{region, "oost vlaanderen", "oost-vlaanderen"},
		{region, "Gent", ""},
		{function, "Waarborgfunctie", "WAARBORG"},
		{function, "sociaal_politiek", "SOCIAAL_POLITIEK"},
		{domain, "Beleid", "BELEID"},
		{domain, "opleiding", "OPLEIDING"},
	} {
		if got := tt.find(tt.label); got != tt.want {
			t.Errorf("find %q = %q, want %q", tt.label, got, tt.want)
		}
	}
}

// Every label the template offers resolves to what it labels.
func TestLabelsResolve(t *testing.T) {
	plan := actionplan.Default().WithRegional([]actionplan.Action{{
		ID: "limburg:buurtwerk", ChallengeID: "digitalisering", Region: "limburg", Title: "Buurtwerk digitaal in de wijk en daarbuiten, met veel woorden in de titel",
	}})
	for i := range plan.Challenges {
		c := &plan.Challenges[i]
		if got, ok := plan.FindChallenge(actionplan.ChallengeLabel(c)); !ok || got.ID != c.ID {
			t.Errorf("challenge label %q does not resolve to %s", actionplan.ChallengeLabel(c), c.ID)
		}
		for j := range c.Actions {
			a := &c.Actions[j]
			for _, n := range []int{0, 40} {
				l := plan.ActionLabel(a, n)
				if got, ok := plan.FindAction(l); !ok || got.ID != a.ID {
					t.Errorf("action label %q does not resolve to %s", l, a.ID)
				}
			}
		}
	}
	if l := plan.ActionLabel(&plan.Challenges[1].Actions[0], 0); l[:14] != "4.2 Actie 1: W" {
		t.Errorf("action label = %q", l)
	}
}
