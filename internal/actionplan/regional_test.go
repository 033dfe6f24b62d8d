package actionplan_test

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

func TestValidRegionalActionID(t *testing.T) {
	long := "a"
	for len(long) < actionplan.MaxRegionalSlugLen {
		long += "b"
	}
	for _, tt := range []struct {
		region, id string
		want       bool
	}{
		{"limburg", "limburg:leerplatform", true},
		{"oost-vlaanderen", "oost-vlaanderen:praktijksafari-2022", true},
		{"limburg", "limburg:a", true},
		{"limburg", "limburg:" + long, true},
		{"limburg", "limburg:" + long + "c", false},
		{"limburg", "antwerpen:leerplatform", false},
		{"limburg", "limburg:", false},
		{"limburg", "limburg:Leerplatform", false},
		{"limburg", "limburg:leer_platform", false},
		{"limburg", "limburg:leer--platform", false},
		{"limburg", "limburg:-leerplatform", false},
		{"limburg", "limburg:leerplatform-", false},
		{"limburg", "limburg:leer platform", false},
		{"limburg", "limburg:wereld:dag", false},
		{"limburg", "limburg-leerplatform", false},
		{"limburg", "leerplatform", false},
		{"", ":leerplatform", false},
		{"Limburg", "Limburg:leerplatform", false},
	} {
		if got := actionplan.ValidRegionalActionID(tt.region, tt.id); got != tt.want {
			t.Errorf("ValidRegionalActionID(%q, %q) = %v, want %v", tt.region, tt.id, got, tt.want)
		}
	}
}

func regional(region, slug, challenge string) actionplan.Action {
	return actionplan.Action{
		ID:          region + ":" + slug,
		ChallengeID: challenge,
		Title:       "Regionale actie " + slug,
		Region:      region,
	}
}

func TestWithRegional(t *testing.T) {
	base := actionplan.Default()
	before, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}

	leer := regional("limburg", "leerplatform", "vermaatschappelijking")
	leer.Initiatives = []actionplan.Initiative{{ID: "limburg:leerplatform.1", Text: "Permanent leerplatform"}}
	safari := regional("oost-vlaanderen", "praktijksafari", "onderbescherming")
	invalid := []actionplan.Action{
		regional("gent", "buurtwerk", "vermaatschappelijking"),              // unknown region
		regional("limburg", "Buurtwerk", "vermaatschappelijking"),           // bad slug
		regional("limburg", "buurtwerk", "klimaat"),                         // unknown challenge
		regional("limburg", "leerplatform", "digitalisering"),               // duplicate id
		{ID: "digitalisering-4", ChallengeID: "digitalisering", Title: "x"}, // not regional
		func() actionplan.Action { a := regional("antwerpen", "x", "diversiteit"); a.Number = 2; return a }(),
		func() actionplan.Action { a := regional("antwerpen", "y", "diversiteit"); a.Title = ""; return a }(),
		func() actionplan.Action {
			a := regional("antwerpen", "z", "diversiteit")
			a.Initiatives = []actionplan.Initiative{{ID: "antwerpen:z.2", Text: "x"}}
			return a
		}(),
	}
	q := base.WithRegional(append([]actionplan.Action{leer, safari}, invalid...))

	if got, want := len(q.Actions()), 19; got != want {
		t.Errorf("WithRegional: %d actions, want %d", got, want)
	}
	for _, a := range invalid {
		if err := q.ValidateRegional(a); !errors.Is(err, actionplan.ErrInvalid) {
			t.Errorf("ValidateRegional(%q) = %v, want ErrInvalid", a.ID, err)
		}
	}
	if err := base.ValidateRegional(leer); err != nil {
		t.Errorf("ValidateRegional(%q) = %v", leer.ID, err)
	}
	if err := q.ValidateRegional(leer); err == nil {
		t.Errorf("ValidateRegional accepted %q twice", leer.ID)
	}

	a, ok := q.Action("limburg:leerplatform")
	if !ok || a.Region != "limburg" || a.ChallengeID != "vermaatschappelijking" || !a.Regional() {
		t.Errorf("Action(limburg:leerplatform) = %+v, %v", a, ok)
	}
	if in, ok := q.Initiative("limburg:leerplatform.1"); !ok || in.Text != "Permanent leerplatform" {
		t.Errorf("Initiative(limburg:leerplatform.1) = %+v, %v", in, ok)
	}
	c, _ := q.Challenge("onderbescherming")
	if last := c.Actions[len(c.Actions)-1]; last.ID != "oost-vlaanderen:praktijksafari" {
		t.Errorf("last action of onderbescherming = %q, want the regional one", last.ID)
	}
	if a, ok := q.Action("digitalisering-3"); !ok || a.Title == "" {
		t.Error("the plan's own actions are lost")
	}
	if got := len(q.Initiatives()); got != 77 {
		t.Errorf("WithRegional: %d initiatives, want 77", got)
	}

	// The shared default is untouched.
	after, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Error("WithRegional changed the plan it was called on")
	}
	if _, ok := base.Action("limburg:leerplatform"); ok {
		t.Error("the base plan finds the regional action")
	}
	if got := len(actionplan.Default().Actions()); got != 17 {
		t.Errorf("Default() has %d actions after WithRegional, want 17", got)
	}

	// Copies share no slice they could append to.
	q1 := base.WithRegional([]actionplan.Action{regional("antwerpen", "een", "innovatie")})
	q2 := base.WithRegional([]actionplan.Action{regional("brussel", "twee", "innovatie")})
	q3 := q1.WithRegional([]actionplan.Action{regional("antwerpen", "drie", "innovatie")})
	for _, tt := range []struct {
		p    *actionplan.Plan
		want []string
	}{
		{q1, []string{"innovatie-1", "antwerpen:een"}},
		{q2, []string{"innovatie-1", "brussel:twee"}},
		{q3, []string{"innovatie-1", "antwerpen:een", "antwerpen:drie"}},
	} {
		c, _ := tt.p.Challenge("innovatie")
		var got []string
		for _, a := range c.Actions {
			got = append(got, a.ID)
		}
		if len(got) != len(tt.want) || got[len(got)-1] != tt.want[len(tt.want)-1] {
			t.Errorf("innovatie actions = %q, want %q", got, tt.want)
		}
	}
	if _, ok := q2.Action("antwerpen:een"); ok {
		t.Error("a sibling copy finds another copy's regional action")
	}
}

func TestLookups(t *testing.T) {
	p := actionplan.Default()
	if k, ok := p.Krachtlijn("VERBINDEND"); !ok || k.Name != "Verbindend werken" {
		t.Errorf("Krachtlijn(VERBINDEND) = %+v, %v", k, ok)
	}
	if c, ok := p.Challenge("draagvlak"); !ok || c.Section != "4.10" || c.Kind != actionplan.KindThema {
		t.Errorf("Challenge(draagvlak) = %+v, %v", c, ok)
	}
	if a, ok := p.Action("onderbescherming-2"); !ok || a.Number != 2 || a.ChallengeID != "onderbescherming" || a.Regional() {
		t.Errorf("Action(onderbescherming-2) = %+v, %v", a, ok)
	}
	if r, ok := p.Region("oost-vlaanderen"); !ok || r.Name != "Oost-Vlaanderen" {
		t.Errorf("Region(oost-vlaanderen) = %+v, %v", r, ok)
	}
	if f, ok := p.Function("SOCIAAL_POLITIEK"); !ok || f.Name != "Sociaal-politieke functie" {
		t.Errorf("Function(SOCIAAL_POLITIEK) = %+v, %v", f, ok)
	}
	if d, ok := p.ImpactDomain("OPLEIDING"); !ok || d.Name != "Opleiding" {
		t.Errorf("ImpactDomain(OPLEIDING) = %+v, %v", d, ok)
	}
	if _, ok := p.Initiative("innovatie-1.1"); ok {
		t.Error("Initiative(innovatie-1.1) found; 4.11 Actie 1 has no initiatives")
	}
	for _, miss := range []func() bool{
		func() bool { _, ok := p.Krachtlijn("nabijheid"); return ok },
		func() bool { _, ok := p.Challenge("Digitalisering"); return ok },
		func() bool { _, ok := p.Action("digitalisering-4"); return ok },
		func() bool { _, ok := p.Action(""); return ok },
		func() bool { _, ok := p.Initiative("digitalisering-3.5"); return ok },
		func() bool { _, ok := p.Region("gent"); return ok },
		func() bool { _, ok := p.Function("WAARBORGFUNCTIE"); return ok },
		func() bool { _, ok := p.ImpactDomain("ONDERWIJS"); return ok },
	} {
		if miss() {
			t.Error("lookup of an unknown key succeeded")
		}
	}
}

// TestUnindexedPlan covers a Plan built by hand rather than loaded.
func TestUnindexedPlan(t *testing.T) {
	p := &actionplan.Plan{Challenges: []actionplan.Challenge{{
		ID: "x", Actions: []actionplan.Action{{ID: "x-1", Initiatives: []actionplan.Initiative{{ID: "x-1.1"}}}},
	}}}
	if _, ok := p.Initiative("x-1.1"); !ok {
		t.Error("Initiative(x-1.1) not found in a hand-built plan")
	}
}

func TestConcurrentReads(t *testing.T) {
	p := actionplan.Default()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, a := range p.Actions() {
				if got, ok := p.Action(a.ID); !ok || got.ID != a.ID {
					t.Errorf("Action(%q) = %v, %v", a.ID, got, ok)
				}
			}
			_ = p.WithRegional([]actionplan.Action{regional("limburg", "x", "innovatie")})
		})
	}
	wg.Wait()
}
