package importer

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func templatePlan() *actionplan.Plan {
	return actionplan.Default().WithRegional([]actionplan.Action{
		{ID: "limburg:buurtwerk", ChallengeID: "digitalisering", Region: "limburg", Title: "Buurtwerk digitaal"},
		{ID: "antwerpen:stad", ChallengeID: "diversiteit", Region: "antwerpen", Title: "Stad van iedereen"},
	})
}

func TestTemplateReadsBackUnchanged(t *testing.T) {
	t.Parallel()
	plan := templatePlan()
	data, err := Template(plan, "limburg")
	if err != nil {
		t.Fatal(err)
	}
	res, probs := Read(bytes.NewReader(data), "sjabloon.xlsx", Meta{Region: "limburg", Title: "Inventaris"}, Labels(plan))
	if len(probs) > 0 || res.Kind != KindXLSX || len(res.Input.Practices) != 0 || !res.Checkable {
		t.Fatalf("unchanged template: kind %q, %d practices, problems %v", res.Kind, len(res.Input.Practices), probs)
	}
	for _, name := range DutchColumnNames() {
		if _, ok := res.Columns[columns[slices.Index(DutchColumnNames(), name)].name]; !ok {
			t.Errorf("column %q not recognised", name)
		}
	}

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{templateSheet, helpSheet, listSheet}) {
		t.Errorf("sheets %v", got)
	}
	if visible, _ := f.GetSheetVisible(listSheet); visible {
		t.Error("the lists sheet is visible")
	}
	header, err := f.GetRows(templateSheet)
	if err != nil || len(header) != 1 || !slices.Equal(header[0], append(DutchColumnNames(), "regio")) {
		t.Errorf("header %v (%v)", header, err)
	}
	help, _ := f.GetRows(helpSheet)
	var text strings.Builder
	for _, r := range help {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, s := range []string{"Limburg", "krachtlijnen", "gescheiden door |", "Verplicht", "Nabijheid; Politiserend werken"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("instructions lack %q", s)
		}
	}

	// Drop-down lists for the columns with codes, on the hidden sheet.
	dvs, err := f.GetDataValidations(templateSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		if dv.Type == "list" {
			lists[dv.Formula1] = dv.Sqref
		}
	}
	for _, name := range []string{"Krachtlijnen", "Uitdagingen", "Acties", "Regios", "Functies", "Impactdomeinen"} {
		if _, ok := lists[name]; !ok {
			t.Errorf("no drop-down list %s (have %v)", name, lists)
		}
	}
	actions := listValues(t, f, "Acties")
	if !slices.Contains(actions, "Regionale actie (Limburg): Buurtwerk digitaal") || slices.ContainsFunc(actions, func(s string) bool { return strings.Contains(s, "Antwerpen") }) {
		t.Errorf("actions offered: %v", actions)
	}
	if len(actions) != 18 {
		t.Errorf("%d actions offered, want the plan's 17 and limburg's one", len(actions))
	}
}

// listValues reads a named list of the template.
func listValues(t *testing.T, f *excelize.File, name string) []string {
	t.Helper()
	for _, dn := range f.GetDefinedName() {
		if dn.Name != name {
			continue
		}
		ref := strings.ReplaceAll(strings.TrimPrefix(dn.RefersTo, listSheet+"!"), "$", "")
		from, to, _ := strings.Cut(ref, ":")
		c1, r1, err := excelize.CellNameToCoordinates(from)
		if err != nil {
			t.Fatal(err)
		}
		_, r2, err := excelize.CellNameToCoordinates(to)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for r := r1; r <= r2; r++ {
			cell, _ := excelize.CoordinatesToCellName(c1, r)
			v, err := f.GetCellValue(listSheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	t.Fatalf("no defined name %s", name)
	return nil
}

// A template filled in as a chair would, with the labels of its lists,
// reads into a valid inventory with the codes and ids.
func TestFilledTemplateImports(t *testing.T) {
	t.Parallel()
	plan := templatePlan()
	data, err := Template(plan, "limburg")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	krachtlijnen, challenges, actions := listValues(t, f, "Krachtlijnen"), listValues(t, f, "Uitdagingen"), listValues(t, f, "Acties")
	functions, domains, regions := listValues(t, f, "Functies"), listValues(t, f, "Impactdomeinen"), listValues(t, f, "Regios")
	set := func(row int, values map[string]any) {
		for col, v := range values {
			i := slices.Index(templateColumns(), col)
			if i < 0 {
				t.Fatalf("no column %s", col)
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellValue(templateSheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	set(2, map[string]any{
		"ref": "lim-001", "titel": "Buurtwerk in Genk", "samenvatting": "Samen met bewoners",
		"krachtlijnen": krachtlijnen[0] + " | " + krachtlijnen[4], "uitdagingen": challenges[1],
		"acties": actions[1] + "|" + actions[slices.IndexFunc(actions, func(s string) bool { return strings.HasPrefix(s, "Regionale actie") })], "functies": functions[2], "impactdomeinen": domains[1],
		"startjaar": 2021, "taal": "Nederlands", "regio": regions[1], "contact.telefoon": "011 12 34 56",
	})
	set(4, map[string]any{"ref": "lim-002", "titel": "Tweede", "samenvatting": "Kort", "krachtlijnen": "procesmatig", "acties": "4.2 Actie 3"})
	set(5, map[string]any{"regio": "Limburg"}) // a region alone is an empty row
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()

	res, probs := Read(&buf, "inventaris.xlsx", Meta{Region: "limburg", Title: "Inventaris 2024"}, Labels(plan))
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	norm, probs := practice.Validate(res.Input, plan)
	if len(probs) > 0 {
		t.Fatalf("validation: %v", probs)
	}
	if !slices.Equal(res.Rows, []int{2, 4}) || len(norm.Practices) != 2 {
		t.Fatalf("rows %v", res.Rows)
	}
	p := norm.Practices[0].Content
	for _, c := range []struct {
		got, want []string
	}{
		{p.Krachtlijnen, []string{"NABIJHEID", "VERBINDEND"}},
		{p.Challenges, []string{"digitalisering"}},
		{p.Actions, []string{"digitalisering-1", "limburg:buurtwerk"}},
		{p.Functions, []string{"SOCIAAL_POLITIEK"}},
		{p.ImpactDomains, []string{"BELEID"}},
		{norm.Practices[1].Content.Actions, []string{"digitalisering-3"}},
		{norm.Practices[1].Content.Krachtlijnen, []string{"PROCESMATIG"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("got %v, want %v", c.got, c.want)
		}
	}
	if p.Language != "nl" || p.StartYear == nil || *p.StartYear != 2021 || p.Contact == nil || p.Contact.Phone != "011 12 34 56" {
		t.Errorf("practice: %+v", p)
	}
}

// The template checks the region column against the inventory's region.
func TestTemplateRegionColumn(t *testing.T) {
	t.Parallel()
	plan := templatePlan()
	data := xlsxFrom(t, [][]any{{"ref", "titel", "regio"}, {"r1", "Een", "Antwerpen"}, {"r2", "Twee", "Nergensland"}, {"r3", "Drie", "limburg"}})
	_, probs := Read(bytes.NewReader(data), "x.xlsx", Meta{Region: "limburg"}, Labels(plan))
	checkProblems(t, probs, []want{{"rij 2, kolom regio", practice.CodeRegionMismatch}, {"rij 3, kolom regio", practice.CodeUnknownRegion}})
	// Without a region beside the file, each row keeps its own, for the
	// caller to split the file by region.
	res, probs := Read(bytes.NewReader(data), "x.xlsx", Meta{}, Labels(plan))
	checkProblems(t, probs, []want{{"rij 3, kolom regio", practice.CodeUnknownRegion}})
	if !slices.Equal(res.Regions, []string{"antwerpen", "", "limburg"}) {
		t.Errorf("regions %q", res.Regions)
	}
}
