package importer

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Sheet names of the template.
const (
	templateSheet = "Praktijken"
	helpSheet     = "Uitleg"
	listSheet     = "Lijsten"
)

// templateRows is how many practice rows the template's drop-down lists
// and checks cover.
const templateRows = practice.MaxPractices

// regionColumn is the template's column for the region; the readers accept
// it (see regionHeaders), and check that it is the inventory's.
const regionColumn = "regio"

// pick is a column of the template with a drop-down list: the list's
// defined name and its labels.
type pick struct {
	column string // Dutch column name
	name   string // defined name of the list on the hidden sheet
	items  []string
	multi  bool // more than one value allowed, separated by '|'
}

// Template returns an empty inventory workbook for a regional platform to
// fill in: the sheet "Praktijken" with the Dutch column names and a
// drop-down list of labels for krachtlijnen, uitdagingen, acties (the plan's
// and region's own), functies, impactdomeinen, taal and regio, checks on
// years and lengths, and a sheet "Uitleg" that says in Dutch what goes in
// each column. The lists live on a hidden sheet "Lijsten". The template
// reads back unchanged (no practices, no problems), and a filled one reads
// with Labels(plan). plan should include the regional actions; region may
// be empty (then only the plan's own actions are offered).
func Template(plan *actionplan.Plan, region string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), templateSheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(helpSheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(listSheet); err != nil {
		return nil, err
	}

	picks := templatePicks(plan, region)
	if err := writeLists(f, picks); err != nil {
		return nil, err
	}
	if err := writeTemplateSheet(f, picks); err != nil {
		return nil, err
	}
	if err := writeHelp(f, plan, region, picks); err != nil {
		return nil, err
	}
	if err := f.SetSheetVisible(listSheet, false); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// templateColumns are the template's column names: the Dutch names of the
// format, then the region.
func templateColumns() []string {
	return append(DutchColumnNames(), regionColumn)
}

func templatePicks(plan *actionplan.Plan, region string) []pick {
	var krachtlijnen, challenges, actions, regions, functions, domains []string
	for _, k := range plan.Krachtlijnen {
		krachtlijnen = append(krachtlijnen, k.Name)
	}
	for i := range plan.Challenges {
		c := &plan.Challenges[i]
		challenges = append(challenges, actionplan.ChallengeLabel(c))
		for j := range c.Actions {
			a := &c.Actions[j]
			if a.Regional() && a.Region != region {
				continue
			}
			actions = append(actions, plan.ActionLabel(a, 80))
		}
	}
	for _, r := range plan.Regions {
		regions = append(regions, r.Name)
	}
	for _, fn := range plan.Functions {
		functions = append(functions, fn.Name)
	}
	for _, d := range plan.ImpactDomains {
		domains = append(domains, d.Name)
	}
	return []pick{
		{column: "krachtlijnen", name: "Krachtlijnen", items: krachtlijnen, multi: true},
		{column: "uitdagingen", name: "Uitdagingen", items: challenges, multi: true},
		{column: "acties", name: "Acties", items: actions, multi: true},
		{column: "functies", name: "Functies", items: functions, multi: true},
		{column: "impactdomeinen", name: "Impactdomeinen", items: domains, multi: true},
		{column: "taal", name: "Talen", items: []string{"Nederlands", "Frans", "Engels"}},
		{column: regionColumn, name: "Regios", items: regions},
	}
}

// writeLists writes each list in a column of the hidden sheet, under a
// heading, and names its range.
func writeLists(f *excelize.File, picks []pick) error {
	for i, p := range picks {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		values := make([]any, 0, len(p.items)+1)
		values = append(values, p.name)
		for _, it := range p.items {
			values = append(values, it)
		}
		if err := f.SetSheetCol(listSheet, col+"1", &values); err != nil {
			return err
		}
		if err := f.SetDefinedName(&excelize.DefinedName{
			Name: p.name, RefersTo: fmt.Sprintf("%s!$%s$2:$%s$%d", listSheet, col, col, len(p.items)+1),
		}); err != nil {
			return err
		}
		if err := f.SetColWidth(listSheet, col, col, 60); err != nil {
			return err
		}
	}
	return nil
}

func writeTemplateSheet(f *excelize.File, picks []pick) error {
	names := templateColumns()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	header := make([]any, len(names))
	for i, n := range names {
		header[i] = n
	}
	if err := f.SetSheetRow(templateSheet, "A1", &header); err != nil {
		return err
	}
	last, err := excelize.ColumnNumberToName(len(names))
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(templateSheet, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := f.SetPanes(templateSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	colOf := make(map[string]string, len(names))
	for i, n := range names {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		colOf[n] = col
		width := 24.0
		switch n {
		case "ref", "startjaar", "eindjaar", "taal":
			width = 12
		case "samenvatting", "beschrijving", "acties":
			width = 50
		}
		if err := f.SetColWidth(templateSheet, col, col, width); err != nil {
			return err
		}
	}
	rows := func(col string) string { return fmt.Sprintf("%s2:%s%d", col, col, templateRows+1) }

	for _, p := range picks {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = rows(colOf[p.column])
		dv.SetSqrefDropList(p.name)
		if p.multi {
			dv.SetInput(p.column, "Kies uit de lijst. Meer dan één? Typ ze na elkaar, gescheiden door | (bv. "+strings.Join(firstTwo(p.items), " | ")+").")
			dv.SetError(excelize.DataValidationErrorStyleInformation, p.column,
				"Deze waarde staat niet in de lijst. Meer waarden scheid je met |; een onbekende waarde wordt bij het opladen gemeld.")
		} else {
			dv.SetInput(p.column, "Kies uit de lijst.")
			dv.SetError(excelize.DataValidationErrorStyleWarning, p.column, "Deze waarde staat niet in de lijst.")
		}
		if err := f.AddDataValidation(templateSheet, dv); err != nil {
			return err
		}
	}
	for _, y := range []string{"startjaar", "eindjaar"} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = rows(colOf[y])
		if err := dv.SetRange(practice.MinYear, practice.MaxYear, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, y, fmt.Sprintf("Een jaartal tussen %d en %d, in cijfers.", practice.MinYear, practice.MaxYear))
		if err := f.AddDataValidation(templateSheet, dv); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		column   string
		min, max int
	}{{"ref", 1, practice.MaxRef}, {"titel", practice.MinTitle, practice.MaxTitle}, {"samenvatting", 1, practice.MaxSummary}, {"beschrijving", 0, practice.MaxDescription}} {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = rows(colOf[l.column])
		if err := dv.SetRange(l.min, l.max, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleWarning, l.column, fmt.Sprintf("Tussen %d en %d tekens.", l.min, l.max))
		if err := f.AddDataValidation(templateSheet, dv); err != nil {
			return err
		}
	}
	return nil
}

func firstTwo(items []string) []string {
	return items[:min(2, len(items))]
}

// columnHelp says per column what goes in it.
var columnHelp = map[string]struct{ required, what, example string }{
	"ref":                 {"ja", "Een eigen, unieke referentie per praktijk: letters, cijfers, punt, - en _, hoogstens 64 tekens. Bij een nieuwe indiening herkent de praktijkenbank de praktijk hieraan: verander ze dus niet.", "lim-2024-001"},
	"titel":               {"ja", "De naam van de praktijk (3 tot 200 tekens).", "Buurtwerk in de Brugse Poort"},
	"samenvatting":        {"ja", "Wat de praktijk is en doet, in een paar zinnen (hoogstens 1000 tekens).", "Samen met bewoners zoeken we…"},
	"beschrijving":        {"nee", "Een langere beschrijving (hoogstens 20.000 tekens). Een nieuwe regel in een cel: Alt+Enter.", ""},
	"organisaties":        {"nee", "De organisaties die de praktijk dragen, gescheiden door |.", "CAW Limburg | OCMW Genk"},
	"gemeenten":           {"nee", "De gemeenten waar de praktijk loopt, gescheiden door |.", "Genk | Hasselt"},
	"krachtlijnen":        {"ja", "Eén tot vijf krachtlijnen uit de lijst, gescheiden door |.", "Nabijheid | Verbindend werken"},
	"uitdagingen":         {"nee", "Uitdagingen uit hoofdstuk 4 van het actieplan, uit de lijst, gescheiden door |.", "4.2 Digitalisering"},
	"acties":              {"nee", "Acties uit het actieplan of de eigen acties van de regio, uit de lijst, gescheiden door |. Het nummer volstaat.", "4.2 Actie 1"},
	"doelgroepen":         {"nee", "Voor wie de praktijk is, gescheiden door |.", "jongeren | nieuwkomers"},
	"settings":            {"nee", "Waar of binnen welk kader de praktijk loopt, gescheiden door |.", "OCMW | buurtwerk"},
	"succesfactoren":      {"nee", "Wat de praktijk doet werken, gescheiden door |.", "tijd nemen | vertrouwen opbouwen"},
	"valkuilen":           {"nee", "Waar men op moet letten, gescheiden door |.", "te snel willen gaan"},
	"knelpunten":          {"nee", "Wat in de weg staat (bv. bij het realiseren van een recht), gescheiden door |.", "wachtlijsten"},
	"functies":            {"nee", "Functies van sociaal werk uit de lijst, gescheiden door |.", "Waarborgfunctie"},
	"impactdomeinen":      {"nee", "Domeinen waar de praktijk impact heeft, uit de lijst, gescheiden door |.", "Praktijk | Beleid"},
	"startjaar":           {"nee", "Het jaar waarin de praktijk begon, in cijfers.", "2021"},
	"eindjaar":            {"nee", "Het jaar waarin de praktijk stopte; leeg als ze nog loopt.", ""},
	"links":               {"nee", "Webadressen (http:// of https://), gescheiden door |.", "https://www.voorbeeld.be"},
	"contact.organisatie": {"nee", "De organisatie die men kan contacteren.", "CAW Limburg"},
	"contact.email":       {"nee", "Een e-mailadres voor contact. Het wordt alleen op de pagina van de praktijk zelf getoond.", "info@voorbeeld.be"},
	"contact.website":     {"nee", "De website van de contactorganisatie.", "https://www.voorbeeld.be"},
	"contact.telefoon":    {"nee", "Een telefoonnummer voor contact. Het wordt alleen op de pagina van de praktijk zelf getoond.", "011 12 34 56"},
	"taal":                {"nee", "De taal van de tekst: Nederlands (als u niets invult), Frans of Engels.", "Nederlands"},
	regionColumn:          {"nee", "De regio van de praktijk. Mag leeg blijven; ingevuld moet het de regio zijn waarvoor u de inventaris indient.", "Limburg"},
}

func writeHelp(f *excelize.File, plan *actionplan.Plan, region string, picks []pick) error {
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	for col, w := range map[string]float64{"A": 22, "B": 10, "C": 80, "D": 32} {
		if err := f.SetColWidth(helpSheet, col, col, w); err != nil {
			return err
		}
	}
	intro := "Een inventaris van goede praktijken voor de praktijkenbank van Sterk Sociaal Werk"
	if r, ok := plan.Region(region); ok {
		intro += " — regio " + r.Name
	}
	lines := []string{
		intro,
		"",
		"Zo vult u dit bestand in:",
		"1. Vul op het blad 'Praktijken' per praktijk één rij in, vanaf rij 2. Laat de eerste rij (de kolomnamen) staan.",
		"2. Waar een lijstje verschijnt, kiest u daaruit. Meer dan één waarde in een cel? Typ ze na elkaar, gescheiden door | (bv. 'Nabijheid | Verbindend werken').",
		"3. Verplicht zijn: ref, titel, samenvatting en krachtlijnen. De andere kolommen mag u leeg laten.",
		"4. Bewaar het bestand als Excel-werkmap (.xlsx) en laad het op via 'Indienen' op de website. U krijgt eerst een voorbeeld met alle problemen per rij en kolom; pas na 'Indienen' wordt de inventaris bewaard.",
		"5. Later iets aanpassen? Verander de rij en laad het bestand opnieuw op: praktijken met dezelfde ref worden bijgewerkt, niet dubbel opgenomen.",
		fmt.Sprintf("Hoogstens %s praktijken per bestand.", practice.DutchNumber(practice.MaxPractices)),
		"",
	}
	row := 1
	for i, l := range lines {
		cell := fmt.Sprintf("A%d", row)
		if err := f.SetCellValue(helpSheet, cell, l); err != nil {
			return err
		}
		if i == 0 {
			if err := f.SetCellStyle(helpSheet, cell, cell, title); err != nil {
				return err
			}
		}
		row++
	}
	head := []any{"Kolom", "Verplicht", "Wat vult u in", "Voorbeeld"}
	if err := f.SetSheetRow(helpSheet, fmt.Sprintf("A%d", row), &head); err != nil {
		return err
	}
	if err := f.SetCellStyle(helpSheet, fmt.Sprintf("A%d", row), fmt.Sprintf("D%d", row), bold); err != nil {
		return err
	}
	row++
	first := row
	for _, name := range templateColumns() {
		h := columnHelp[name]
		what := h.what
		for _, p := range picks {
			if p.column == name && len(p.items) <= 12 {
				what += " Keuzes: " + strings.Join(p.items, "; ") + "."
			}
		}
		values := []any{name, h.required, what, h.example}
		if err := f.SetSheetRow(helpSheet, fmt.Sprintf("A%d", row), &values); err != nil {
			return err
		}
		row++
	}
	return f.SetCellStyle(helpSheet, fmt.Sprintf("A%d", first), fmt.Sprintf("D%d", row-1), wrap)
}
