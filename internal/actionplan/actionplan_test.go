package actionplan_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

// The seed documents the data is transcribed from, relative to this package.
var seedDir = filepath.Join("..", "..", "..", "shared", "seeds")

const (
	planSeed  = "001_3c8ea115e6f77763.txt" // the action plan
	factsSeed = "004_3165a39bc63f406a.txt" // "Wat is Sterk Sociaal Werk?"
)

func TestCounts(t *testing.T) {
	p := actionplan.Default()
	kinds := map[actionplan.ChallengeKind]int{}
	for _, c := range p.Challenges {
		kinds[c.Kind]++
	}
	periods := map[string]int{}
	for _, s := range p.Spearheads {
		periods[s.Period]++
	}
	for _, tt := range []struct {
		name      string
		got, want int
	}{
		{"krachtlijnen", len(p.Krachtlijnen), 5},
		{"challenges", len(p.Challenges), 11},
		{"challenges UITDAGING", kinds[actionplan.KindUitdaging], 8},
		{"challenges THEMA", kinds[actionplan.KindThema], 3},
		{"actions", len(p.Actions()), 17},
		{"initiatives", len(p.Initiatives()), 76},
		{"regions", len(p.Regions), 6},
		{"functions", len(p.Functions), 3},
		{"impact domains", len(p.ImpactDomains), 4},
		{"spearheads", len(p.Spearheads), 9},
		{"spearheads 2020-2022", periods["2020-2022"], 4},
		{"spearheads 2022-2024", periods["2022-2024"], 5},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestIDs(t *testing.T) {
	p := actionplan.Default()
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = id(i)
		}
		return out
	}
	actions := p.Actions()
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"krachtlijnen", ids(len(p.Krachtlijnen), func(i int) string { return p.Krachtlijnen[i].Code }),
			[]string{"NABIJHEID", "POLITISEREND", "PROCESMATIG", "GENERALISTISCH", "VERBINDEND"}},
		{"krachtlijn names", ids(len(p.Krachtlijnen), func(i int) string { return p.Krachtlijnen[i].Name }),
			[]string{"Nabijheid", "Politiserend werken", "Procesmatig werken", "Generalistisch werken", "Verbindend werken"}},
		{"challenges", ids(len(p.Challenges), func(i int) string { return p.Challenges[i].ID }),
			[]string{"vermaatschappelijking", "digitalisering", "diversiteit", "duurzaamheid", "vertrouwen",
				"samenwerking", "hybridisering", "onderbescherming", "krachtlijnen", "draagvlak", "innovatie"}},
		{"sections", ids(len(p.Challenges), func(i int) string { return p.Challenges[i].Section }),
			[]string{"4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11"}},
		{"kinds", ids(len(p.Challenges), func(i int) string { return string(p.Challenges[i].Kind) }),
			[]string{"UITDAGING", "UITDAGING", "UITDAGING", "UITDAGING", "UITDAGING", "UITDAGING", "UITDAGING",
				"UITDAGING", "THEMA", "THEMA", "THEMA"}},
		{"challenge names", ids(len(p.Challenges), func(i int) string { return p.Challenges[i].Name }),
			[]string{"Vermaatschappelijking", "Digitalisering", "Diversiteit", "Duurzaamheid",
				"Werken in/met vertrouwen", "Samenwerken in multidisciplinaire en intersectorale contexten",
				"Hybridisering", "Onderbescherming", "Bekendmaken van de krachtlijnen",
				"Draagvlak voor Sterk Sociaal Werk", "Innovatie"}},
		{"actions", ids(len(actions), func(i int) string { return actions[i].ID }),
			[]string{"vermaatschappelijking-1", "digitalisering-1", "digitalisering-2", "digitalisering-3",
				"diversiteit-1", "diversiteit-2", "duurzaamheid-1", "vertrouwen-1", "samenwerking-1",
				"samenwerking-2", "hybridisering-1", "hybridisering-2", "onderbescherming-1",
				"onderbescherming-2", "krachtlijnen-1", "draagvlak-1", "innovatie-1"}},
		{"regions", ids(len(p.Regions), func(i int) string { return p.Regions[i].ID }),
			[]string{"antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"}},
		{"region names", ids(len(p.Regions), func(i int) string { return p.Regions[i].Name }),
			[]string{"Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen", "Brussel"}},
		{"functions", ids(len(p.Functions), func(i int) string { return p.Functions[i].Code }),
			[]string{"WAARBORG", "LABORATORIUM", "SOCIAAL_POLITIEK"}},
		{"impact domains", ids(len(p.ImpactDomains), func(i int) string { return p.ImpactDomains[i].Code }),
			[]string{"PRAKTIJK", "BELEID", "SAMENLEVING", "OPLEIDING"}},
		{"spearheads", ids(len(p.Spearheads), func(i int) string { return p.Spearheads[i].ID }),
			[]string{"2020-2022-1", "2020-2022-2", "2020-2022-3", "2020-2022-4",
				"2022-2024-1", "2022-2024-2", "2022-2024-3", "2022-2024-4", "2022-2024-5"}},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestInitiativesPerAction(t *testing.T) {
	want := map[string]int{
		"vermaatschappelijking-1": 6,
		"digitalisering-1":        4,
		"digitalisering-2":        3,
		"digitalisering-3":        4,
		"diversiteit-1":           5,
		"diversiteit-2":           3,
		"duurzaamheid-1":          9, // 5 table rows and 4 lines after the table
		"vertrouwen-1":            5,
		"samenwerking-1":          5, // 4 table rows and the sentence under the table
		"samenwerking-2":          3,
		"hybridisering-1":         3,
		"hybridisering-2":         4,
		"onderbescherming-1":      7,
		"onderbescherming-2":      4, // the "Te zetten stappen"
		"krachtlijnen-1":          7,
		"draagvlak-1":             4,
		"innovatie-1":             0,
	}
	p := actionplan.Default()
	var total int
	for _, a := range p.Actions() {
		w, ok := want[a.ID]
		if !ok {
			t.Errorf("unexpected action %q", a.ID)
			continue
		}
		if len(a.Initiatives) != w {
			t.Errorf("%s: %d initiatives, want %d", a.ID, len(a.Initiatives), w)
		}
		total += w
		for i, in := range a.Initiatives {
			if want := a.ID + "." + strconv.Itoa(i+1); in.ID != want {
				t.Errorf("%s initiative %d: id %q, want %q", a.ID, i, in.ID, want)
			}
		}
	}
	if total != 76 {
		t.Errorf("pinned counts add up to %d, want 76 (seed 000)", total)
	}
}

// samples pins texts of the plan, copied by hand from seed 001. They are
// checked against the data always, and against the seed when it is present.
var samples = []struct {
	id   string
	kind string // challenge, action or initiative
	want string
}{
	{"digitalisering", "challenge", "Sterk sociaal werk maakt deel uit van de digitale samenleving"},
	{"vertrouwen", "challenge", "De specifieke rol en positie van de sociaal werker in het omgaan met vertrouwen, met oog voor de regie van de gebruiker, blijft erkend door werkveld, werkers en beleid."},
	{"innovatie", "challenge", "Sociaalwerkpraktijken zetten in op maatschappelijke, technische en methodische innovatie"},
	{"vermaatschappelijking-1", "action", "We zetten in op het versterken van basiswerkingen vanuit de krachtlijnen van Sterk Sociaal Werk."},
	{"digitalisering-2", "action", "We geven impulsen aan nieuwe, digitale praktijken die inzetten op de vijf krachtlijnen"},
	{"duurzaamheid-1", "action", "Rechtvaardige duurzaamheid wordt geïncorporeerd in de kern van het sociaal werk handelen. Transitiepaden hoe het sociaal werk kan bijdragen aan een rechtvaardige en duurzame samenleving worden verkend, opgestart en gedeeld."},
	{"hybridisering-2", "action", "We doen aan visieontwikkeling over de samenwerking tussen burgerinitiatieven, verenigingsleven en het formele sociaalwerk aanbod"},
	{"onderbescherming-2", "action", "Het regionaal platform inventariseert concrete knelpunten die sociaal werkers ervaren met betrekking tot specifieke rechten, toetst nieuwe oplossingen op bruikbaarheid en formuleert oplossingen in functie van een verbeterde toekenning."},
	{"krachtlijnen-1", "action", "we zetten in op de verspreiding van de krachtlijnen"},
	{"draagvlak-1", "action", "We zetten een meerjarig ontwikkeltraject op rond de politiserende rol van sociaal werk."},
	{"innovatie-1", "action", "We voeren een beleid dat evenwaardig inzet op maatschappelijke, technologische en methodische innovatie en zoeken naar verbinding met de Sociale Innovatiefabriek."},
	{"vermaatschappelijking-1.3", "initiative", "We identificeren werkzame ingrediënten van deze basiswerkingen."},
	{"digitalisering-1.3", "initiative", "We identificeren praktijken die de digitale kloof wegwerken."},
	{"diversiteit-1.5", "initiative", "We zetten in 2020 één evenement op rond diversiteitsbeleid in sociaalwerkpraktijken."},
	{"duurzaamheid-1.5", "initiative", "We organiseren tafels in samenwerking met het Pulse Transitienetwerk, SAM vzw, Socius en Transitienetwerk middenveld,... rond deelthema's (wonen, stedelijkheid, energie, platteland,...), met als doel te komen tot visie op rechtvaardige duurzaamheid en vernieuwende praktijken te inventariseren."},
	{"duurzaamheid-1.9", "initiative", "We organiseren een Trefdag Sociaal Werk en Duurzaamheid."},
	{"vertrouwen-1.4", "initiative", "We verwerken de feedback op het globaal statement uit de regionale platformen"},
	{"samenwerking-1.5", "initiative", "Op de Sociaalwerkconferentie van 2022 tonen we welke vooruitgang we hebben geboekt op het terrein van het verankeren van sociaal werk in de eerstelijnszones."},
	{"onderbescherming-2.3", "initiative", "We introduceren de app 'Mybenefit' in de regionale platformen."},
	{"krachtlijnen-1.7", "initiative", "We promoten de krachtlijnen uit het actieplan voor het opmaken van regelgevende kaders van sociaalwerkpraktijken."},
	{"draagvlak-1.4", "initiative", "We verankeren politiserende rol op niveau van de professional (aanbevelingen voor SW-opleiding of voor verdere professionaliseringinitiatieven, op organisatieniveau, op overheids-/beleidsniveau (lokaal, Vlaams, federaal, Europees))."},
}

func sampleText(t *testing.T, p *actionplan.Plan, kind, id string) string {
	t.Helper()
	var (
		got string
		ok  bool
	)
	switch kind {
	case "challenge":
		var c *actionplan.Challenge
		if c, ok = p.Challenge(id); ok {
			got = c.Title
		}
	case "action":
		var a *actionplan.Action
		if a, ok = p.Action(id); ok {
			got = a.Title
		}
	case "initiative":
		var in *actionplan.Initiative
		if in, ok = p.Initiative(id); ok {
			got = in.Text
		}
	default:
		t.Fatalf("unknown kind %q", kind)
	}
	if !ok {
		t.Fatalf("%s %q not found", kind, id)
	}
	return got
}

func TestSamples(t *testing.T) {
	p := actionplan.Default()
	seed, haveSeed := readSeed(t, planSeed)
	for _, s := range samples {
		t.Run(s.id, func(t *testing.T) {
			if got := sampleText(t, p, s.kind, s.id); got != s.want {
				t.Errorf("%s %s:\n got %q\nwant %q", s.kind, s.id, got, s.want)
			}
			if haveSeed && !strings.Contains(seed, s.want) {
				t.Errorf("%s %s: expected text not in the seed: %q", s.kind, s.id, s.want)
			}
		})
	}
}

// TestVerbatim checks every text transcribed from the seeds against the seed
// itself, after the same markdown clean-up the transcription did.
func TestVerbatim(t *testing.T) {
	plan, ok := readSeed(t, planSeed)
	if !ok {
		t.Skipf("seed %s not found in %s", planSeed, seedDir)
	}
	facts, ok := readSeed(t, factsSeed)
	if !ok {
		t.Skipf("seed %s not found in %s", factsSeed, seedDir)
	}
	p := actionplan.Default()
	var checked int
	check := func(what, text, seed string) {
		t.Helper()
		for para := range strings.SplitSeq(text, "\n\n") {
			checked++
			if !strings.Contains(seed, para) && !strings.Contains(seed, lowerFirst(para)) {
				t.Errorf("%s: not in the seed: %q", what, para)
			}
		}
	}
	for _, k := range p.Krachtlijnen {
		check("krachtlijn "+k.Code, k.Description, plan)
	}
	for _, c := range p.Challenges {
		check("challenge "+c.ID+" title", c.Section+". "+c.Title, plan)
		check("challenge "+c.ID+" name", c.Name, plan)
		for _, a := range c.Actions {
			check("action "+a.ID+" title", "Actie "+strconv.Itoa(a.Number)+": "+a.Title, plan)
			check("action "+a.ID+" description", a.Description, plan)
			for _, in := range a.Initiatives {
				check("initiative "+in.ID, in.Text, plan)
			}
		}
	}
	for _, f := range p.Functions {
		check("function "+f.Code, f.Description, facts)
		if f.PlanText != "" {
			check("function "+f.Code+" plan text", f.PlanText, plan)
		}
	}
	for _, d := range p.ImpactDomains {
		check("impact domain "+d.Code, d.Description, plan)
		for _, s := range d.Impacts {
			check("impact domain "+d.Code+" impact", s, plan)
		}
	}
	for _, s := range p.Spearheads {
		seed := plan
		if s.Period == "2022-2024" {
			seed = facts
		}
		check("spearhead "+s.ID, s.Name, seed)
	}
	if checked < 150 {
		t.Errorf("checked only %d texts", checked)
	}

	// Chapter 4 in document order: each challenge heading, then its actions,
	// each title followed by its description and its initiatives. This catches
	// a text put under the wrong action or out of order.
	start := strings.Index(plan, "De missie waarop dit actieplan gebaseerd is")
	if start < 0 {
		t.Fatal("chapter 4 not found in the seed")
	}
	cursor := start
	next := func(what, text string) {
		t.Helper()
		for para := range strings.SplitSeq(text, "\n\n") {
			i := strings.Index(plan[cursor:], para)
			if i < 0 {
				t.Errorf("%s: not found after offset %d (out of order?): %q", what, cursor, para)
				continue
			}
			cursor += i + len(para)
		}
	}
	for _, c := range p.Challenges {
		next("challenge "+c.ID, c.Section+". "+c.Title)
		for _, a := range c.Actions {
			next("action "+a.ID, "Actie "+strconv.Itoa(a.Number)+": "+a.Title)
			if a.Description != "" {
				next("action "+a.ID+" description", a.Description)
			}
			for _, in := range a.Initiatives {
				next("initiative "+in.ID, in.Text)
			}
		}
	}
}

// readSeed returns the named seed cleaned the way the transcription was:
// footnotes, table rules, markdown emphasis, table pipes, heading and list
// markers and footnote marks removed, white space collapsed.
func readSeed(t *testing.T, name string) (string, bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(seedDir, name))
	if os.IsNotExist(err) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for line := range strings.SplitSeq(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "<sup>") || strings.Trim(line, "|- ") == "" {
			continue // a footnote, a table rule or a blank line
		}
		line = strings.TrimLeft(line, "#")
		line = strings.TrimPrefix(strings.TrimSpace(line), "- ")
		lines = append(lines, line)
	}
	s := strings.Join(lines, " ")
	s = footnoteMark.ReplaceAllString(s, "")
	s = strings.NewReplacer("**", "", "*", "", "<b>", "", "</b>", "", "|", " ").Replace(s)
	return strings.Join(strings.Fields(s), " "), true
}

var footnoteMark = regexp.MustCompile(`<sup>\d+</sup>`)

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
