package insight

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// The figures below were counted by hand from insighttest/practices.json:
//
//	ref     region  krachtlijnen  years       created     updated     success factors / pitfalls
//	ant-01  ANT     NAB VER       2021-2022   2022-03-01  =           vertrouwen·buurt, vaste contactpersoon / te veel administratie
//	ant-02  ANT     NAB           2022-2023*  2022-05-10  2023-02-01  vertrouwen·buurt / te veel administratie
//	ant-03  ANT     POL           2023        2023-01-15  =           samenwerking OCMW / projectfinanciering
//	ant-04  ANT     VER PRO       2020-2021   2021-06-01  2023-09-01  vertrouwen·buurten, vaste contactpersonen / -
//	lim-01  LIM     NAB           2022-2023   2023-02-01  =           opbouwen van vertrouwen·buurt / overbelaste vrijwilligers
//	lim-02  LIM     GEN           2023-2024*  2023-04-01  2024-01-10  laagdrempelig onthaal, vaste contactpersoon / projectfinanciering
//	lim-03  LIM     NAB GEN       2024        2024-03-01  =           laagdrempelige onthaal / te veel administratie
//	lim-04  LIM     POL           (none)      2023-06-01  =           politieke steun / -
//	ovl-01  OVL     VER           2021-2024   2021-09-01  =           ervaringsdeskundigheid / projectfinanciering
//	ovl-02  OVL     NAB           2022        2022-11-01  =           vertrouwen·buurt, ervaringsdeskundigheid / overbelaste vrijwilligers
//	ovl-03  OVL     PRO           2023-2024   2023-10-01  =           betrokkenheid van bewoners / versnipperd aanbod
//	bru-01  BRU     NAB VER       2020-2022   2022-01-20  =           een vaste contactpersoon / té veel administratie
//
// (* no endYear: through the year of the last update.)

func texts(gs []Group) map[string]int {
	out := map[string]int{}
	for _, g := range gs {
		out[g.Text] = g.Count
	}
	return out
}

func TestEquivalentPhrasingsFormOneGroup(t *testing.T) {
	phrasings := []string{
		"Vertrouwen opbouwen met de buurt", "vertrouwen  opbouwen met buurt.",
		"Vertrouwen opbouwen met de buurten", "VERTROUWEN OPBOUWEN MET DE BUURT!",
		"Vertrouwen opbouwen, met de buurt", "Vertrouwen opbouwen met 't buurt",
		"Vertrouwen opbouwen met een buurt",
	}
	for _, p := range phrasings {
		if got, want := GroupKey(p), GroupKey(phrasings[0]); got != want {
			t.Errorf("GroupKey(%q) = %q, want %q", p, got, want)
		}
	}
	for _, pair := range [][2]string{
		{"Té veel administratie", "te veel administratie"},
		{"Vaste contactpersoon", "Een vaste contactpersonen"},
		{"Laagdrempelig onthaal", "laagdrempelige onthaal"},
		{"ideeën van bewoners", "Ideeen van de bewoners"},
	} {
		if GroupKey(pair[0]) != GroupKey(pair[1]) {
			t.Errorf("%q and %q do not group: %q vs %q", pair[0], pair[1], GroupKey(pair[0]), GroupKey(pair[1]))
		}
	}
	for _, pair := range [][2]string{
		{"geen vertrouwen", "vertrouwen"},
		{"te veel tijd", "tijd"},
		{"vaste contactpersoon", "wisselende contactpersoon"},
		// Word order and prepositions carry meaning.
		{"terugkoppeling naar het beleid", "terugkoppeling van het beleid"},
		{"vrijwilligers helpen ouderen", "ouderen helpen vrijwilligers"},
		{"Vertrouwen opbouwen met de buurt", "Opbouwen van vertrouwen met de buurt"},
		{"samenwerking met het OCMW", "samenwerking zonder het OCMW"},
		{"tijd voor bewoners", "bewoners voor tijd"},
	} {
		if GroupKey(pair[0]) == GroupKey(pair[1]) {
			t.Errorf("%q and %q group together (%q)", pair[0], pair[1], GroupKey(pair[0]))
		}
	}
}

func TestSuccessFactors(t *testing.T) {
	in := loaded(t)
	gs, err := in.Factors(FactorQuery{Kind: SuccessFactors})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text  string
		count int
	}{
		{"Vertrouwen opbouwen met de buurt", 5}, // ant-01, ant-02, ant-04, lim-01, ovl-02
		{"Vaste contactpersoon", 4},             // ant-01, ant-04, lim-02, bru-01
		{"Ervaringsdeskundigheid", 2},           // ovl-01, ovl-02 (key ervaringsdeskund)
		{"Laagdrempelig onthaal", 2},            // lim-02, lim-03 (key laagdrempel onthal; tie: lim-02 created first)
		{"Betrokkenheid van bewoners", 1},       // keys ascending among the ones
		{"Politieke steun", 1},
		{"Samenwerking met het OCMW", 1},
	}
	if len(gs) != len(want) {
		t.Fatalf("got %d groups, want %d: %+v", len(gs), len(want), gs)
	}
	for i, w := range want {
		if gs[i].Text != w.text || gs[i].Count != w.count {
			t.Errorf("group %d = %q ×%d, want %q ×%d", i, gs[i].Text, gs[i].Count, w.text, w.count)
		}
	}
	v := gs[0]
	wantVariants := []string{
		"Vertrouwen opbouwen met de buurt",   // 2 (ant-01, ovl-02)
		"Vertrouwen opbouwen met de buurten", // 1, ant-04 created 2021-06-01
		"vertrouwen  opbouwen met buurt.",    // 1, ant-02 created 2022-05-10
		"Vertrouwen opbouwen met 't buurt",   // 1, lim-01 created 2023-02-01
	}
	if !reflect.DeepEqual(v.Variants, wantVariants) {
		t.Errorf("variants = %q, want %q", v.Variants, wantVariants)
	}
	wantIDs := []string{id("antwerpen", "ant-04"), id("antwerpen", "ant-01"), id("antwerpen", "ant-02"), id("oost-vlaanderen", "ovl-02"), id("limburg", "lim-01")}
	if !reflect.DeepEqual(v.PracticeIDs, wantIDs) {
		t.Errorf("practice ids = %v, want %v (earliest created first)", v.PracticeIDs, wantIDs)
	}
	if v.Total != 5 || v.Lift != nil {
		t.Errorf("total = %d, lift = %v", v.Total, v.Lift)
	}

	first2, _ := in.Factors(FactorQuery{Kind: SuccessFactors, First: 2})
	if len(first2) != 2 || first2[1].Text != "Vaste contactpersoon" {
		t.Errorf("first 2 = %+v", first2)
	}
}

func TestFactorsWithFilters(t *testing.T) {
	in := loaded(t)
	y := func(n int) *int { return &n }
	for _, tc := range []struct {
		name string
		kind Kind
		f    filter.Filter
		want map[string]int
	}{
		{"antwerpen", SuccessFactors, filter.Filter{Regions: []string{"antwerpen"}},
			// representatives: ties go to the earliest created practice (ant-04, 2021)
			map[string]int{"Vertrouwen opbouwen met de buurten": 3, "Vaste contactpersonen": 2, "Samenwerking met het OCMW": 1}},
		{"nabijheid", SuccessFactors, filter.Filter{Krachtlijnen: []string{"NABIJHEID"}}, // ant-01 ant-02 lim-01 lim-03 ovl-02 bru-01
			map[string]int{"Vertrouwen opbouwen met de buurt": 4, "Een vaste contactpersoon": 2, // bru-01 (2022-01-20) before ant-01 (2022-03-01)
				"laagdrempelige onthaal": 1, "Ervaringsdeskundigheid": 1}},
		{"2024", SuccessFactors, filter.Filter{FromYear: y(2024), ToYear: y(2024)}, // lim-02 lim-03 ovl-01 ovl-03
			map[string]int{"Laagdrempelig onthaal": 2, "Vaste contactpersoon": 1, "Ervaringsdeskundigheid": 1, "Betrokkenheid van bewoners": 1}},
		{"limburg or brussel, nabijheid", SuccessFactors, filter.Filter{Regions: []string{"limburg", "brussel"}, Krachtlijnen: []string{"NABIJHEID"}}, // lim-01 lim-03 bru-01
			map[string]int{"Vertrouwen opbouwen met 't buurt": 1, "laagdrempelige onthaal": 1, "Een vaste contactpersoon": 1}},
		{"target group jongeren, setting OCMW", SuccessFactors, filter.Filter{TargetGroups: []string{"jongeren"}, Settings: []string{"OCMW"}}, // ant-04
			map[string]int{"Vertrouwen opbouwen met de buurten": 1, "Vaste contactpersonen": 1}},
		{"pitfalls", Pitfalls, filter.Filter{},
			map[string]int{"Te veel administratie": 4, "Projectfinanciering": 3, "Overbelaste vrijwilligers": 2, "Versnipperd aanbod": 1}},
		{"bottlenecks", Bottlenecks, filter.Filter{},
			map[string]int{"Wachtlijsten": 2, "Complexe regelgeving": 1}},
		{"nothing", SuccessFactors, filter.Filter{Regions: []string{"west-vlaanderen"}}, map[string]int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs, err := in.Factors(FactorQuery{Kind: tc.kind, Filter: tc.f})
			if err != nil {
				t.Fatal(err)
			}
			if got := texts(gs); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestRepresentativeTieGoesToFirstSeen(t *testing.T) {
	in := loaded(t)
	// Antwerp in 2023 (ant-02, ant-03, ant-04): the vertrouwen group has
	// one "vertrouwen  opbouwen met buurt." (ant-02, created 2022-05-10)
	// and one "... de buurten" (ant-04, created 2021-06-01).
	y := 2023
	gs, err := in.Factors(FactorQuery{Kind: SuccessFactors, Filter: filter.Filter{Regions: []string{"antwerpen"}, FromYear: &y, ToYear: &y}})
	if err != nil {
		t.Fatal(err)
	}
	// ant-04 ran 2020-2021: not in 2023, so only ant-02 and ant-03 are selected.
	if got := texts(gs); !reflect.DeepEqual(got, map[string]int{"vertrouwen  opbouwen met buurt.": 1, "Samenwerking met het OCMW": 1}) {
		t.Errorf("got %v", got)
	}
	rep, err := in.Report("antwerpen", 2023)
	if err != nil {
		t.Fatal(err)
	}
	if rep.SuccessFactors[0].Text != "Vertrouwen opbouwen met de buurten" || rep.SuccessFactors[0].Count != 2 {
		t.Errorf("report's first success factor = %+v", rep.SuccessFactors[0])
	}
}

func TestDistinctive(t *testing.T) {
	in := loaded(t)
	gs, err := in.Distinctive(DistinctiveQuery{Kind: SuccessFactors, Filter: filter.Filter{Regions: []string{"antwerpen"}}})
	if err != nil {
		t.Fatal(err)
	}
	// 4 of 12 practices are Antwerp's. vertrouwen: (3/4)/(5/12) = 1.8;
	// contactpersoon: (2/4)/(4/12) = 1.5; OCMW has 1 < minSupport 2.
	if len(gs) != 2 {
		t.Fatalf("got %+v", gs)
	}
	for i, w := range []struct {
		text       string
		count, tot int
		lift       float64
	}{{"Vertrouwen opbouwen met de buurten", 3, 5, 1.8}, {"Vaste contactpersonen", 2, 4, 1.5}} {
		g := gs[i]
		if g.Text != w.text || g.Count != w.count || g.Total != w.tot || g.Lift == nil || math.Abs(*g.Lift-w.lift) > 1e-9 {
			t.Errorf("group %d = %q ×%d/%d lift %v, want %q ×%d/%d lift %v", i, g.Text, g.Count, g.Total, deref(g.Lift), w.text, w.count, w.tot, w.lift)
		}
	}
	// Limburg's pitfalls with support 1: projectfinanciering (1/4)/(3/12) = 1,
	// administratie (1/4)/(4/12) = 0.75, vrijwilligers (1/4)/(2/12) = 1.5.
	gs, err = in.Distinctive(DistinctiveQuery{Kind: Pitfalls, Filter: filter.Filter{Regions: []string{"limburg"}}, MinSupport: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, g.Text+" "+strconv.FormatFloat(*g.Lift, 'f', 2, 64))
	}
	want := []string{"Overbelaste vrijwilligers 1.50", "Projectfinanciering 1.00", "Te veel administratie 0.75"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func deref(f *float64) float64 {
	if f == nil {
		return math.NaN()
	}
	return *f
}

func TestTerms(t *testing.T) {
	in := loaded(t)
	terms, err := in.Terms(FactorQuery{Kind: SuccessFactors, First: 4})
	if err != nil {
		t.Fatal(err)
	}
	// Practices per word: buurt/opbouwen/vertrouwen 5; vast/contactpersoon 4
	// (ties by word).
	got := map[string]int{}
	for _, tm := range terms {
		got[tm.Term] = tm.Count
	}
	if !reflect.DeepEqual(got, map[string]int{"buurt": 5, "opbouwen": 5, "vertrouwen": 5, "contactpersoon": 4}) {
		t.Errorf("terms = %+v", terms)
	}
	if terms[0].Term != "buurt" || terms[3].Term != "contactpersoon" {
		t.Errorf("order = %+v", terms)
	}
}

func TestCoverage(t *testing.T) {
	in := loaded(t)
	cov, err := in.Coverage(DimRegion, DimKrachtlijn, filter.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	labels := func(ls []Label) (ids []string) {
		for _, l := range ls {
			ids = append(ids, l.ID)
		}
		return ids
	}
	if got := labels(cov.Rows); !reflect.DeepEqual(got, []string{"antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"}) {
		t.Errorf("rows = %v", got)
	}
	if got := labels(cov.Columns); !reflect.DeepEqual(got, []string{"NABIJHEID", "POLITISEREND", "PROCESMATIG", "GENERALISTISCH", "VERBINDEND"}) {
		t.Errorf("columns = %v", got)
	}
	if cov.Rows[3].Label != "Vlaams-Brabant" || cov.Columns[1].Label != "Politiserend werken" {
		t.Errorf("labels = %v %v", cov.Rows[3], cov.Columns[1])
	}
	want := [][]int{
		{2, 1, 1, 0, 2}, // antwerpen
		{2, 1, 0, 2, 0}, // limburg
		{1, 0, 1, 0, 1}, // oost-vlaanderen
		{0, 0, 0, 0, 0}, // vlaams-brabant: a gap
		{0, 0, 0, 0, 0}, // west-vlaanderen: a gap
		{1, 0, 0, 0, 1}, // brussel
	}
	if !reflect.DeepEqual(cov.Counts, want) {
		t.Errorf("counts = %v, want %v", cov.Counts, want)
	}
	if cov.Total != 12 || !reflect.DeepEqual(cov.RowTotals, []int{4, 4, 3, 0, 0, 1}) || !reflect.DeepEqual(cov.ColumnTotals, []int{6, 2, 2, 2, 4}) {
		t.Errorf("totals = %d %v %v", cov.Total, cov.RowTotals, cov.ColumnTotals)
	}

	diag, err := in.Coverage(DimRegion, DimRegion, filter.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range diag.Counts {
		for j, n := range row {
			if want := []int{4, 4, 3, 0, 0, 1}[i]; (i == j && n != want) || (i != j && n != 0) {
				t.Errorf("REGION×REGION[%d][%d] = %d", i, j, n)
			}
		}
	}

	ar, err := in.Coverage(DimAction, DimRegion, filter.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ar.Rows) != 17 || ar.Rows[0].Label != "vermaatschappelijking-1 "+actionTitle(t, in, "vermaatschappelijking-1") {
		t.Fatalf("action rows = %d, first %+v", len(ar.Rows), ar.Rows[0])
	}
	wantAR := map[string][]int{ // antwerpen limburg ovl vb wvl brussel
		"digitalisering-1":   {1, 0, 0, 0, 0, 0},
		"digitalisering-3":   {1, 1, 0, 0, 0, 0},
		"diversiteit-1":      {0, 0, 0, 0, 0, 1},
		"diversiteit-2":      {0, 0, 1, 0, 0, 0},
		"duurzaamheid-1":     {0, 0, 1, 0, 0, 0},
		"vertrouwen-1":       {1, 1, 1, 0, 0, 0},
		"samenwerking-1":     {1, 0, 0, 0, 0, 0},
		"onderbescherming-1": {1, 0, 0, 0, 0, 0},
		"onderbescherming-2": {0, 1, 0, 0, 0, 0},
		"draagvlak-1":        {0, 1, 0, 0, 0, 0},
	}
	var gaps []string
	for i, l := range ar.Rows {
		w, ok := wantAR[l.ID]
		if !ok {
			w = make([]int, 6)
			gaps = append(gaps, l.ID)
		}
		if !reflect.DeepEqual(ar.Counts[i], w) {
			t.Errorf("ACTION×REGION %s = %v, want %v", l.ID, ar.Counts[i], w)
		}
	}
	if want := []string{"vermaatschappelijking-1", "digitalisering-2", "samenwerking-2", "hybridisering-1", "hybridisering-2", "krachtlijnen-1", "innovatie-1"}; !reflect.DeepEqual(gaps, want) {
		t.Errorf("gaps = %v, want %v", gaps, want)
	}

	yr, err := in.Coverage(DimYear, DimRegion, filter.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := labels(yr.Rows); !reflect.DeepEqual(got, []string{"2020", "2021", "2022", "2023", "2024"}) {
		t.Errorf("year rows = %v", got)
	}
	wantYR := [][]int{
		{1, 0, 0, 0, 0, 1}, // 2020: ant-04, bru-01
		{2, 0, 1, 0, 0, 1}, // 2021: ant-01 ant-04, ovl-01, bru-01
		{2, 1, 2, 0, 0, 1}, // 2022: ant-01 ant-02, lim-01, ovl-01 ovl-02, bru-01
		{2, 2, 2, 0, 0, 0}, // 2023: ant-02 ant-03, lim-01 lim-02, ovl-01 ovl-03
		{0, 2, 2, 0, 0, 0}, // 2024: lim-02 lim-03, ovl-01 ovl-03
	}
	if !reflect.DeepEqual(yr.Counts, wantYR) {
		t.Errorf("YEAR×REGION = %v, want %v", yr.Counts, wantYR)
	}

	from, to := 2021, 2022
	yk, err := in.Coverage(DimYear, DimChallenge, filter.Filter{FromYear: &from, ToYear: &to, Regions: []string{"antwerpen"}})
	if err != nil {
		t.Fatal(err)
	}
	// ant-01 (2021-2022, vertrouwen), ant-02 (2022-2023, digitalisering), ant-04 (2020-2021, vertrouwen samenwerking)
	if got := labels(yk.Rows); !reflect.DeepEqual(got, []string{"2021", "2022"}) {
		t.Errorf("rows = %v", got)
	}
	if yk.Columns[1].Label != "4.2 Digitalisering" {
		t.Errorf("challenge label = %q", yk.Columns[1].Label)
	}
	col := func(c string) int {
		for j, l := range yk.Columns {
			if l.ID == c {
				return j
			}
		}
		return -1
	}
	for _, w := range []struct {
		row       int
		challenge string
		n         int
	}{{0, "vertrouwen", 2}, {0, "samenwerking", 1}, {0, "digitalisering", 0}, {1, "vertrouwen", 1}, {1, "digitalisering", 1}, {1, "samenwerking", 0}} {
		if got := yk.Counts[w.row][col(w.challenge)]; got != w.n {
			t.Errorf("%s %s = %d, want %d", yk.Rows[w.row].ID, w.challenge, got, w.n)
		}
	}
}

func actionTitle(t *testing.T, in *Insight, id string) string {
	a, ok := in.plan().Action(id)
	if !ok {
		t.Fatalf("no action %s", id)
	}
	return a.Title
}

func TestActionCount(t *testing.T) {
	in := loaded(t)
	for _, tc := range []struct {
		action, region string
		want           int
	}{
		{"vertrouwen-1", "", 3}, {"vertrouwen-1", "limburg", 1}, {"vertrouwen-1", "brussel", 0},
		{"digitalisering-3", "", 2}, {"innovatie-1", "", 0}, {"onbekend-9", "", 0},
	} {
		got, err := in.ActionCount(tc.action, tc.region)
		if err != nil || got != tc.want {
			t.Errorf("ActionCount(%s, %q) = %d, %v; want %d", tc.action, tc.region, got, err, tc.want)
		}
	}
	if _, err := in.ActionCount("vertrouwen-1", "gent"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown region: %v", err)
	}
}

func TestReport(t *testing.T) {
	in := loaded(t)
	rep, err := in.Report("antwerpen", 2023)
	if err != nil {
		t.Fatal(err)
	}
	// ant-02 (ran 2022-2023, updated 2023), ant-03 (new in 2023), ant-04 (created 2021, updated 2023).
	if rep.Practices != 3 || rep.Created != 1 || rep.Updated != 2 {
		t.Errorf("practices/new/updated = %d/%d/%d, want 3/1/2", rep.Practices, rep.Created, rep.Updated)
	}
	if rep.NewPractices[0].Ref != "ant-03" || rep.UpdatedPractices[0].Ref != "ant-04" || rep.UpdatedPractices[1].Ref != "ant-02" {
		t.Errorf("new %+v updated %+v", rep.NewPractices, rep.UpdatedPractices)
	}
	counts := map[string]int{}
	for _, c := range rep.Challenges {
		counts[c.Challenge.ID] = c.Count
	}
	if len(rep.Challenges) != 11 || !reflect.DeepEqual(counts, map[string]int{"vermaatschappelijking": 0, "digitalisering": 1, "diversiteit": 0, "duurzaamheid": 0,
		"vertrouwen": 1, "samenwerking": 1, "hybridisering": 0, "onderbescherming": 1, "krachtlijnen": 0, "draagvlak": 0, "innovatie": 0}) {
		t.Errorf("challenges = %v", counts)
	}
	acts := map[string]int{}
	for _, a := range rep.Actions {
		if a.Count > 0 {
			acts[a.Action.ID] = a.Count
		}
	}
	if !reflect.DeepEqual(acts, map[string]int{"digitalisering-1": 1, "digitalisering-3": 1, "onderbescherming-1": 1, "samenwerking-1": 1}) {
		t.Errorf("actions = %v", acts)
	}
	if len(rep.Actions) != 17 || len(rep.Gaps) != 13 || rep.Gaps[0].ID != "vermaatschappelijking-1" {
		t.Errorf("%d actions, %d gaps (first %s)", len(rep.Actions), len(rep.Gaps), rep.Gaps[0].ID)
	}
	if got := texts(rep.SuccessFactors); !reflect.DeepEqual(got, map[string]int{"Vertrouwen opbouwen met de buurten": 2, "Vaste contactpersonen": 1, "Samenwerking met het OCMW": 1}) {
		t.Errorf("success factors = %v", got)
	}
	if got := texts(rep.Pitfalls); !reflect.DeepEqual(got, map[string]int{"te veel administratie!": 1, "Projectfinanciering": 1}) {
		t.Errorf("pitfalls = %v", got)
	}

	lim, err := in.Report("limburg", 2023)
	if err != nil {
		t.Fatal(err)
	}
	// lim-01, lim-02 and lim-04 (no years, created 2023); lim-03 is 2024's.
	if lim.Practices != 3 || lim.Created != 3 || lim.Updated != 0 {
		t.Errorf("limburg 2023 = %d/%d/%d", lim.Practices, lim.Created, lim.Updated)
	}
	empty, err := in.Report("west-vlaanderen", 2023)
	if err != nil || empty.Practices != 0 || len(empty.Gaps) != 17 {
		t.Errorf("west-vlaanderen = %+v, %v", empty, err)
	}
	for _, bad := range []struct {
		region string
		year   int
	}{{"gent", 2023}, {"limburg", 1800}} {
		if _, err := in.Report(bad.region, bad.year); !errors.Is(err, ErrNotFound) {
			t.Errorf("Report(%s, %d) = %v", bad.region, bad.year, err)
		}
	}
}

func TestFilterValidation(t *testing.T) {
	in := loaded(t)
	y := 1800
	for _, f := range []filter.Filter{
		{Regions: []string{"gent"}}, {Krachtlijnen: []string{"nabijheid"}}, {Challenges: []string{"armoede"}},
		{Actions: []string{"digitalisering-9"}}, {FromYear: &y},
	} {
		_, err := in.Factors(FactorQuery{Kind: SuccessFactors, Filter: f})
		var fe *filter.Error
		if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || fe.Code == "" {
			t.Errorf("filter %+v: %v", f, err)
		}
	}
	if _, err := in.Coverage("ROW", DimRegion, filter.Filter{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown dimension: %v", err)
	}
	if _, err := in.Factors(FactorQuery{Kind: SuccessFactors, First: 101}); !errors.Is(err, ErrInvalid) {
		t.Errorf("first 101: %v", err)
	}
}

func TestApplyAndFollow(t *testing.T) {
	ps := fixture(t)
	src := &memSource{ps: ps[:6]}
	in := New(actionplan.Default)
	if err := in.Load(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if in.Len() != 6 || in.AppliedSeq() != 6 {
		t.Fatalf("len %d seq %d", in.Len(), in.AppliedSeq())
	}
	// Another replica writes the rest and withdraws ant-01.
	src.ps = append(src.ps, ps[6:]...)
	w := ps[0]
	w.Seq, w.Version = 13, 2
	w.Withdrawn = &practice.Withdrawal{At: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), By: "test", Reason: "test"}
	src.ps = append(src.ps, w)
	if err := in.CatchUp(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if in.Len() != 11 || in.AppliedSeq() != 13 {
		t.Fatalf("after catch-up: len %d seq %d", in.Len(), in.AppliedSeq())
	}
	gs, _ := in.Factors(FactorQuery{Kind: SuccessFactors, First: 1})
	if gs[0].Count != 4 || gs[0].Total != 4 {
		t.Errorf("after withdrawal: %+v", gs[0])
	}
	// A replay of the old version does not bring it back.
	in.Apply([]practice.Practice{ps[0]})
	if in.Len() != 11 {
		t.Errorf("stale replay resurrected a withdrawn practice: len %d", in.Len())
	}
	// Submitting it again (seq 14) does.
	back := ps[0]
	back.Seq, back.Version = 14, 3
	in.Apply([]practice.Practice{back})
	gs, _ = in.Factors(FactorQuery{Kind: SuccessFactors, First: 1})
	if in.Len() != 12 || gs[0].Count != 5 {
		t.Errorf("after resubmission: len %d, %+v", in.Len(), gs[0])
	}
	n, _ := in.ActionCount("vertrouwen-1", "antwerpen")
	if n != 1 {
		t.Errorf("action count after churn = %d", n)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { in.Follow(ctx, src, 10*time.Millisecond); close(done) }()
	cancel()
	<-done
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	in := New(actionplan.Default)
	ps := BenchCorpus(3000, 7)
	in.Apply(ps[:1000])
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1000; i < len(ps); i += 100 {
			in.Apply(ps[i : i+100])
		}
		for i := range ps[:500] {
			ps[i].Seq += 10_000
			ps[i].Withdrawn = &practice.Withdrawal{By: "test", Reason: "test"}
		}
		in.Apply(ps[:500])
	}()
	for _, w := range Workloads(actionplan.Default()) {
		for i := range 20 {
			if err := w.Run(in, i); err != nil {
				t.Fatal(err)
			}
		}
	}
	<-done
	if in.Len() != 2500 {
		t.Errorf("len = %d, want 2500", in.Len())
	}
	// The totals agree with a fresh load of the same practices.
	fresh := New(actionplan.Default)
	fresh.Apply(ps)
	a, _ := in.Factors(FactorQuery{Kind: SuccessFactors, First: 100})
	b, _ := fresh.Factors(FactorQuery{Kind: SuccessFactors, First: 100})
	if !reflect.DeepEqual(a, b) {
		t.Errorf("incremental view differs from a fresh one")
	}
	ca, _ := in.Coverage(DimAction, DimRegion, filter.Filter{})
	cb, _ := fresh.Coverage(DimAction, DimRegion, filter.Filter{})
	if !reflect.DeepEqual(ca, cb) {
		t.Errorf("incremental coverage differs from a fresh one")
	}
	for _, act := range []string{"digitalisering-1", "vertrouwen-1", "onderbescherming-2"} {
		x, _ := in.ActionCount(act, "limburg")
		y, _ := fresh.ActionCount(act, "limburg")
		if x != y {
			t.Errorf("ActionCount(%s) = %d, fresh %d", act, x, y)
		}
	}
}
