package actionplan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

// copyOfDefault returns a deep copy of the default plan's data, not indexed.
func copyOfDefault(t *testing.T) *actionplan.Plan {
	t.Helper()
	b, err := json.Marshal(actionplan.Default())
	if err != nil {
		t.Fatal(err)
	}
	var p actionplan.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func load(t *testing.T, p *actionplan.Plan) (*actionplan.Plan, error) {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return actionplan.Load(bytes.NewReader(b))
}

func TestLoadEmbeddedFile(t *testing.T) {
	f, err := os.Open("actionplan.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := actionplan.Load(f)
	if err != nil {
		t.Fatalf("Load(actionplan.json): %v", err)
	}
	if !reflect.DeepEqual(p, actionplan.Default()) {
		t.Error("Load(actionplan.json) differs from Default()")
	}
}

func TestLoadRoundTrip(t *testing.T) {
	p, err := load(t, actionplan.Default())
	if err != nil {
		t.Fatalf("Load(Marshal(Default())): %v", err)
	}
	if !reflect.DeepEqual(p, actionplan.Default()) {
		t.Error("Load(Marshal(Default())) differs from Default()")
	}
}

func TestLoadFillsChallengeID(t *testing.T) {
	p := copyOfDefault(t)
	p.Challenges[1].Actions[2].ChallengeID = ""
	q, err := load(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := q.Action("digitalisering-3"); a.ChallengeID != "digitalisering" {
		t.Errorf("ChallengeID = %q, want digitalisering", a.ChallengeID)
	}
}

func TestLoadRejectsMalformedJSON(t *testing.T) {
	good, err := os.ReadFile("actionplan.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, input string
	}{
		{"empty", ""},
		{"not JSON", "{"},
		{"array", "[]"},
		{"trailing data", string(good) + "{}"},
		{"unknown field", strings.Replace(string(good), `"krachtlijnen": [`, `"extra": 1, "krachtlijnen": [`, 1)},
		{"unknown nested field", strings.Replace(string(good), `"id": "limburg",`, `"id": "limburg", "chair": "x",`, 1)},
		{"wrong type", strings.Replace(string(good), `"number": 3,`, `"number": "3",`, 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.input == string(good) {
				t.Fatal("test input unchanged")
			}
			_, err := actionplan.Load(strings.NewReader(tt.input))
			if !errors.Is(err, actionplan.ErrInvalid) {
				t.Errorf("Load: %v, want ErrInvalid", err)
			}
		})
	}
}

func TestLoadRejectsInvalidPlans(t *testing.T) {
	for _, tt := range []struct {
		name   string
		mutate func(p *actionplan.Plan)
		want   string // in the error message
	}{
		{"no krachtlijnen", func(p *actionplan.Plan) { p.Krachtlijnen = nil }, "krachtlijnen: required"},
		{"no challenges", func(p *actionplan.Plan) { p.Challenges = nil }, "challenges: required"},
		{"no regions", func(p *actionplan.Plan) { p.Regions = nil }, "regions: required"},
		{"duplicate krachtlijn", func(p *actionplan.Plan) { p.Krachtlijnen[2].Code = "NABIJHEID" },
			`krachtlijnen[2].code: duplicate "NABIJHEID"`},
		{"lower-case code", func(p *actionplan.Plan) { p.Functions[0].Code = "waarborg" }, "functions[0].code"},
		{"empty code", func(p *actionplan.Plan) { p.ImpactDomains[3].Code = "" }, "impactDomains[3].code"},
		{"krachtlijn without description", func(p *actionplan.Plan) { p.Krachtlijnen[4].Description = "" },
			"krachtlijnen[4].description: required"},
		{"untrimmed name", func(p *actionplan.Plan) { p.Regions[1].Name = " Limburg" },
			"regions[1].name: leading or trailing white space"},
		{"duplicate region", func(p *actionplan.Plan) { p.Regions[5].ID = "limburg" }, `regions[5].id: duplicate "limburg"`},
		{"bad region id", func(p *actionplan.Plan) { p.Regions[5].ID = "Brussel" }, "regions[5].id"},
		{"duplicate challenge", func(p *actionplan.Plan) {
			p.Challenges[2].ID = "digitalisering"
			for i := range p.Challenges[2].Actions {
				p.Challenges[2].Actions[i].ChallengeID = ""
			}
		}, `challenges[2].id: duplicate "digitalisering"`},
		{"bad challenge id", func(p *actionplan.Plan) { p.Challenges[0].ID = "4.1" }, "challenges[0].id"},
		{"bad section", func(p *actionplan.Plan) { p.Challenges[0].Section = "4.x" }, "challenges[0].section"},
		{"bad kind", func(p *actionplan.Plan) { p.Challenges[9].Kind = "THEME" }, "challenges[9].kind"},
		{"challenge without title", func(p *actionplan.Plan) { p.Challenges[3].Title = "" }, "challenges[3].title: required"},
		{"action id does not match its number", func(p *actionplan.Plan) { p.Challenges[1].Actions[2].ID = "digitalisering-4" },
			`challenges[1].actions[2].id: "digitalisering-4", want "digitalisering-3"`},
		{"action number zero", func(p *actionplan.Plan) { p.Challenges[1].Actions[0].Number = 0 },
			"challenges[1].actions[0].number"},
		{"duplicate action", func(p *actionplan.Plan) {
			a := &p.Challenges[1].Actions[1]
			a.ID, a.Number, a.Initiatives = "digitalisering-1", 1, nil
		}, `challenges[1].actions[1].id: duplicate "digitalisering-1"`},
		{"action under another challenge", func(p *actionplan.Plan) { p.Challenges[10].Actions[0].ChallengeID = "draagvlak" },
			`challenges[10].actions[0].challenge: "draagvlak", but the action is listed under "innovatie"`},
		{"action of an unknown challenge", func(p *actionplan.Plan) { p.Challenges[10].Actions[0].ChallengeID = "klimaat" },
			"challenges[10].actions[0].challenge"},
		{"action without title", func(p *actionplan.Plan) { p.Challenges[0].Actions[0].Title = "" },
			"challenges[0].actions[0].title: required"},
		{"initiatives out of order", func(p *actionplan.Plan) {
			ins := p.Challenges[1].Actions[2].Initiatives
			ins[1], ins[2] = ins[2], ins[1]
		}, `challenges[1].actions[2].initiatives[1].id: "digitalisering-3.3", want "digitalisering-3.2"`},
		{"initiative of another action", func(p *actionplan.Plan) { p.Challenges[2].Actions[0].Initiatives[0].ID = "diversiteit-2.1" },
			"challenges[2].actions[0].initiatives[0].id"},
		{"empty initiative", func(p *actionplan.Plan) { p.Challenges[3].Actions[0].Initiatives[8].Text = "" },
			"challenges[3].actions[0].initiatives[8].text: required"},
		{"regional action of an unknown region", func(p *actionplan.Plan) {
			p.Challenges[0].Actions = append(p.Challenges[0].Actions, actionplan.Action{
				ID: "gent:buurtwerk", ChallengeID: "vermaatschappelijking", Title: "Buurtwerk", Region: "gent"})
		}, `challenges[0].actions[1].region: unknown region "gent"`},
		{"regional action with a bad id", func(p *actionplan.Plan) {
			p.Challenges[0].Actions = append(p.Challenges[0].Actions, actionplan.Action{
				ID: "limburg-buurtwerk", ChallengeID: "vermaatschappelijking", Title: "Buurtwerk", Region: "limburg"})
		}, "challenges[0].actions[1].id"},
		{"bad spearhead id", func(p *actionplan.Plan) { p.Spearheads[8].ID = "2022-2024-6" },
			`spearheads[8].id: "2022-2024-6", want "2022-2024-5"`},
		{"bad spearhead period", func(p *actionplan.Plan) { p.Spearheads[0].Period = "2022" }, "spearheads[0].period"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := copyOfDefault(t)
			tt.mutate(p)
			_, err := load(t, p)
			if !errors.Is(err, actionplan.ErrInvalid) {
				t.Fatalf("Load: %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load: %v\nwant a problem containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	p := copyOfDefault(t)
	p.Krachtlijnen[0].Name = ""
	p.Regions[0].ID = "x y"
	p.Challenges[5].Actions[1].Initiatives[0].Text = ""
	_, err := load(t, p)
	if err == nil {
		t.Fatal("Load accepted a broken plan")
	}
	for _, want := range []string{"krachtlijnen[0].name", "regions[0].id", "challenges[5].actions[1].initiatives[0].text"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
