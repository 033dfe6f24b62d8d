package importer

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func intp(n int) *int { return &n }

// want is a problem as the tests compare it: path and code (the message is
// checked to be non-empty Dutch prose elsewhere).
type want struct{ path, code string }

func pathsAndCodes(ps practice.Problems) []want {
	var out []want
	for _, p := range ps {
		out = append(out, want{p.Path, p.Code})
	}
	return out
}

func checkProblems(t *testing.T, got practice.Problems, wantProbs []want) {
	t.Helper()
	if g := pathsAndCodes(got); !reflect.DeepEqual(g, wantProbs) {
		t.Errorf("problems:\n got %v\nwant %v\nfull: %v", g, wantProbs, got)
	}
	for _, p := range got {
		if p.Message == "" || !utf8.ValidString(p.Message) {
			t.Errorf("problem %v has no valid message", p)
		}
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixturePractices are the practices of testdata/inventory.json and
// testdata/belgian_excel.csv.
var fixturePractices = []practice.PracticeInput{
	{Ref: "ovl-2022-001", Content: practice.Content{
		Title:          "Buurtwerk in de Brugse Poort",
		Summary:        "Samen met bewoners; dicht bij huis",
		Description:    "Een lange beschrijving\nover twee regels, met \"aanhalingstekens\" en een ; erin.",
		Organisations:  []string{"CAW Oost-Vlaanderen", "OCMW Gent"},
		Municipalities: []string{"Gent"},
		Krachtlijnen:   []string{"NABIJHEID", "VERBINDEND"},
		Challenges:     []string{"onderbescherming"},
		Actions:        []string{"onderbescherming-1"},
		TargetGroups:   []string{"jongeren", "ouderen"},
		Settings:       []string{"OCMW"},
		SuccessFactors: []string{"Vertrouwen opbouwen;\nTijd nemen"},
		Bottlenecks:    []string{"Wachtlijsten"},
		Functions:      []string{"WAARBORG"},
		ImpactDomains:  []string{"PRAKTIJK", "BELEID"},
		StartYear:      intp(2021),
		EndYear:        intp(2022),
		Links:          []string{"https://example.be/brugse-poort"},
		Contact: &practice.Contact{Organisation: "CAW Oost-Vlaanderen", Email: "info@caw.be",
			Website: "https://www.caw.be", Phone: "09 123 45 67"},
		Language: "nl",
	}},
	{Ref: "ovl-2022-002", Content: practice.Content{
		Title:          "Café Zoë in Sint-Niklaas",
		Summary:        "Ontmoeting in een café",
		Municipalities: []string{"Sint-Niklaas"},
		Krachtlijnen:   []string{"GENERALISTISCH"},
		StartYear:      intp(2020),
	}},
}

var fixtureMeta = Meta{
	Region:      "oost-vlaanderen",
	Title:       "Praktijksafari's 2021-2022",
	SubmittedBy: "Regionaal platform Oost-Vlaanderen",
	Period:      &practice.Period{From: "2021-09-01", To: "2022-06-30"},
}

// fullPractice uses every field, with the characters that make CSV hard.
func fullPractice() practice.PracticeInput {
	return practice.PracticeInput{Ref: "wvl-2023.007_b", Content: practice.Content{
		Title:          `"Samen sterk" in Kortrijk; één café`,
		Summary:        "Een samenvatting met é, ë, ç, ß, 🙂 en een tab\tin het midden.",
		Description:    "Eerste regel;\nTweede regel met \"quotes\", komma's en puntkomma's;\n\nDerde na een lege regel.",
		Organisations:  []string{"vzw De Schakel", "OCMW Kortrijk; dienst \"Welzijn\""},
		Municipalities: []string{"Kortrijk", "Menen", "Wevelgem"},
		Krachtlijnen:   []string{"NABIJHEID", "POLITISEREND", "PROCESMATIG", "GENERALISTISCH", "VERBINDEND"},
		Challenges:     []string{"digitalisering", "onderbescherming"},
		Actions:        []string{"digitalisering-3", "west-vlaanderen:buurtpunt"},
		TargetGroups:   []string{"nieuwkomers", "mensen in armoede"},
		Settings:       []string{"OCMW", "CAW", "buurtwerk"},
		SuccessFactors: []string{"tijd nemen,\nook als het moeilijk is", "laagdrempelig; dichtbij"},
		Pitfalls:       []string{"te snel \"oplossen\""},
		Bottlenecks:    []string{"recht op leefloon wordt niet opgenomen"},
		Functions:      []string{"WAARBORG", "LABORATORIUM", "SOCIAAL_POLITIEK"},
		ImpactDomains:  []string{"PRAKTIJK", "BELEID", "SAMENLEVING", "OPLEIDING"},
		StartYear:      intp(2019),
		EndYear:        intp(2024),
		Links:          []string{"https://example.be/a?b=c;d", "http://example.org/x,y"},
		Contact: &practice.Contact{Organisation: "De Schakel vzw", Email: "info@deschakel.be",
			Website: "https://deschakel.be", Phone: "+32 56 12 34 56"},
		Language: "nl",
	}}
}

func TestReadJSON(t *testing.T) {
	t.Parallel()
	fixture := readFixture(t, "inventory.json")
	tests := []struct {
		name      string
		data      []byte
		opts      []Option
		wantProbs []want
		check     func(t *testing.T, in practice.InventoryInput)
	}{
		{name: "valid inventory", data: fixture, check: func(t *testing.T, in practice.InventoryInput) {
			wantIn := practice.InventoryInput{Format: practice.Format, Region: fixtureMeta.Region, Title: fixtureMeta.Title,
				SubmittedBy: fixtureMeta.SubmittedBy, Period: fixtureMeta.Period, Practices: fixturePractices}
			if !reflect.DeepEqual(in, wantIn) {
				t.Errorf("got  %+v\nwant %+v", in, wantIn)
			}
		}},
		{name: "byte order mark", data: append(append([]byte{}, utf8BOM...), fixture...), check: func(t *testing.T, in practice.InventoryInput) {
			if len(in.Practices) != 2 {
				t.Errorf("got %d practices", len(in.Practices))
			}
		}},
		{name: "unknown fields and wrong types, all at once", data: readFixture(t, "bad.json"), wantProbs: []want{
			{"titel", practice.CodeUnknownField},
			{"period.tot", practice.CodeUnknownField},
			{"practices[0].krachtlijnen", practice.CodeInvalidFormat},
			{"practices[0].startYear", practice.CodeInvalidFormat},
			{"practices[1].ref", practice.CodeInvalidFormat},
			{"practices[1].Description", practice.CodeUnknownField},
			{"practices[1].krachtlijnen[1]", practice.CodeInvalidFormat},
			{"practices[1].contact.mail", practice.CodeUnknownField},
			{"practices[1].endYear", practice.CodeInvalidFormat},
			{"practices[2]", practice.CodeInvalidFormat},
			{"practices[3].ref", practice.CodeInvalidFormat},
			{"practices[3].language", practice.CodeInvalidFormat},
		}, check: func(t *testing.T, in practice.InventoryInput) {
			// What could be read is kept, so the validation can add its problems.
			if len(in.Practices) != 4 || in.Practices[3].Ref != "lim-003" || in.Practices[1].Krachtlijnen[0] != "NABIJHEID" ||
				in.Practices[1].Contact.Organisation != "OCMW Genk" {
				t.Errorf("got %+v", in.Practices)
			}
		}},
		{name: "trailing comma", data: []byte("{\n  \"region\": \"limburg\",\n  \"title\": \"x\",\n}"),
			wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "empty", data: nil, wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "two documents", data: []byte(`{} {}`), wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "not an object", data: []byte(`[{"ref": "a"}]`), wantProbs: []want{{"", practice.CodeInvalidFormat}}},
		{name: "practices not a list", data: []byte(`{"practices": {"ref": "a"}}`), wantProbs: []want{{"practices", practice.CodeInvalidFormat}}},
		{name: "windows-1252", data: []byte("{\"title\": \"Caf\xe9\"}"), wantProbs: []want{{"", practice.CodeInvalidEncoding}}},
		{name: "utf-16", data: []byte("\xff\xfe{\x00}\x00"), wantProbs: []want{{"", practice.CodeInvalidEncoding}}},
		{name: "too large", data: fixture, opts: []Option{MaxBytes(100)}, wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "nulls are absent", data: []byte(`{"region": null, "period": null, "practices": [{"ref": "a", "organisations": null, "contact": {"email": null}, "startYear": 2.021e3}]}`),
			check: func(t *testing.T, in practice.InventoryInput) {
				wantIn := practice.InventoryInput{Practices: []practice.PracticeInput{{Ref: "a", Content: practice.Content{StartYear: intp(2021)}}}}
				if !reflect.DeepEqual(in, wantIn) {
					t.Errorf("got %+v", in)
				}
			}},
		{name: "duplicate field", data: []byte(`{"region": "limburg", "region": "antwerpen"}`), wantProbs: []want{{"region", practice.CodeInvalidFormat}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, probs := ReadJSON(bytes.NewReader(tt.data), tt.opts...)
			checkProblems(t, probs, tt.wantProbs)
			if tt.check != nil {
				tt.check(t, in)
			}
		})
	}
}

func TestReadJSONSyntaxErrorPosition(t *testing.T) {
	t.Parallel()
	_, probs := ReadJSON(strings.NewReader("{\n  \"region\": \"limburg\"\n  \"title\": \"x\"\n}"))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "regel 3") || !strings.Contains(probs[0].Message, "komma") {
		t.Errorf("got %v", probs)
	}
	_, probs = ReadJSON(strings.NewReader(`{"practices": [{"ref": "a", "titel": "x"}]}`))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "Bedoelt u 'title'?") {
		t.Errorf("got %v", probs)
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		data      []byte
		wantProbs []want
		wantRows  []int
		want      []practice.PracticeInput // nil: not checked
	}{
		{name: "Belgian Excel: BOM, semicolons, quoted multi-line cells, accents",
			data: readFixture(t, "belgian_excel.csv"), wantRows: []int{2, 4}, want: fixturePractices},
		{name: "commas and an empty line", data: readFixture(t, "comma.csv"), wantRows: []int{2, 4}, want: []practice.PracticeInput{
			{Ref: "lim-001", Content: practice.Content{Title: "Digitale kloof in Genk", Summary: "Hulp bij e-loket, formulieren en apps",
				Krachtlijnen: []string{"NABIJHEID", "PROCESMATIG"}, StartYear: intp(2019), Contact: &practice.Contact{Email: "hallo@genk.be"}}},
			{Ref: "lim-002", Content: practice.Content{Title: `Hé, "Kom binnen"`, Summary: "Een praktijk met één komma",
				Krachtlijnen: []string{"POLITISEREND"}}},
		}},
		{name: "Windows-1252", data: []byte("ref;title;summary\r\nr1;Buurtwerk;x\r\nr2;Caf\xe9 Zo\xeb;x\r\n"),
			wantProbs: []want{{"rij 3, kolom title", practice.CodeInvalidEncoding}}},
		{name: "UTF-16", data: []byte("\xff\xfer\x00e\x00f\x00"), wantProbs: []want{{"", practice.CodeInvalidEncoding}}},
		{name: "unknown column and missing ref", data: []byte("titell;Summary\nEen titel;Een samenvatting\n"),
			wantProbs: []want{{"rij 1, kolom titell", practice.CodeUnknownField}, {"rij 1", practice.CodeRequired}},
			wantRows:  []int{2}, want: []practice.PracticeInput{{Content: practice.Content{Summary: "Een samenvatting"}}}},
		{name: "duplicate column", data: []byte("ref;title;TITLE\nr1;a;b\n"),
			wantProbs: []want{{"rij 1, kolom TITLE", practice.CodeInvalidFormat}}, wantRows: []int{2}},
		{name: "years", data: []byte("ref;startYear;endYear\nr1;twintig;2021,0\nr2; 2019 ;2020.0\nr3;2021.5;\n"),
			wantProbs: []want{{"rij 2, kolom startYear", practice.CodeInvalidFormat}, {"rij 4, kolom startYear", practice.CodeInvalidFormat}},
			wantRows:  []int{2, 3, 4}, want: []practice.PracticeInput{
				{Ref: "r1", Content: practice.Content{EndYear: intp(2021)}},
				{Ref: "r2", Content: practice.Content{StartYear: intp(2019), EndYear: intp(2020)}},
				{Ref: "r3"},
			}},
		{name: "a cell too many", data: []byte("ref;title\nr1;t;;\nr2;t;extra\n"),
			wantProbs: []want{{"rij 3", practice.CodeInvalidFormat}}, wantRows: []int{2, 3}},
		{name: "a cell too few", data: []byte("ref;title;summary\nr1;t;s\nr2;s\nr3\n"), wantRows: []int{2, 3, 4},
			wantProbs: []want{{"rij 3", practice.CodeInvalidFormat}, {"rij 4", practice.CodeInvalidFormat}},
			want:      []practice.PracticeInput{{Ref: "r1", Content: practice.Content{Title: "t", Summary: "s"}}, {Ref: "r2", Content: practice.Content{Title: "s"}}, {Ref: "r3"}}},
		{name: "unclosed quote", data: []byte("ref;title\nr1;t\nr2;\"open\nr3;t\n"),
			wantProbs: []want{{"rij 3", practice.CodeInvalidFile}}, wantRows: []int{2}},
		{name: "bare quote", data: []byte("ref;title\nr1;zo\"n titel\n"), wantProbs: []want{{"rij 2", practice.CodeInvalidFile}}},
		{name: "empty file", data: nil, wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "only a BOM and empty rows", data: []byte("\xef\xbb\xbf;;\r\n;;\r\n"), wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "header only", data: []byte("ref;title\r\n"), wantRows: []int{}},
		{name: "Excel sep line", data: []byte("sep=,\r\nref,title\r\nr1,\"a;b\"\r\n"), wantRows: []int{2},
			want: []practice.PracticeInput{{Ref: "r1", Content: practice.Content{Title: "a;b"}}}},
		{name: "header names trimmed and in any case, codes upper-cased", data: []byte(" REF ;KrachtLijnen;Functions;impactdomains\nr1; nabijheid || verbindend |;sociaal_politiek;Praktijk\n;;;\n;||; | ;\n"),
			wantRows: []int{2}, want: []practice.PracticeInput{{Ref: "r1", Content: practice.Content{
				Krachtlijnen: []string{"NABIJHEID", "VERBINDEND"}, Functions: []string{"SOCIAAL_POLITIEK"}, ImpactDomains: []string{"PRAKTIJK"}}}}},
		{name: "blank lines count as rows", data: []byte("\nref\n\nr1\n\n\nr2\n"), wantRows: []int{4, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, probs := ReadCSV(bytes.NewReader(tt.data), fixtureMeta)
			checkProblems(t, probs, tt.wantProbs)
			if res.Kind != KindCSV {
				t.Errorf("kind %q", res.Kind)
			}
			if tt.wantRows != nil && !reflect.DeepEqual(res.Rows, tt.wantRows) {
				t.Errorf("rows %v, want %v", res.Rows, tt.wantRows)
			}
			if tt.want != nil && !reflect.DeepEqual(res.Input.Practices, tt.want) {
				t.Errorf("practices:\n got %+v\nwant %+v", res.Input.Practices, tt.want)
			}
			if len(res.Input.Practices) != len(res.Rows) {
				t.Errorf("%d practices but %d rows", len(res.Input.Practices), len(res.Rows))
			}
			if len(res.Input.Practices) > 0 && (res.Input.Region != fixtureMeta.Region || res.Input.Title != fixtureMeta.Title ||
				res.Input.SubmittedBy != fixtureMeta.SubmittedBy || !reflect.DeepEqual(res.Input.Period, fixtureMeta.Period)) {
				t.Errorf("meta not applied: %+v", res.Input)
			}
		})
	}
}

func TestReadCSVEncodingMessage(t *testing.T) {
	t.Parallel()
	_, probs := ReadCSV(bytes.NewReader([]byte("ref;title\r\nr1;Caf\xe9\r\n")), Meta{})
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "CSV UTF-8") || !strings.Contains(probs[0].Message, "Rij 2") {
		t.Errorf("got %v", probs)
	}
}

// xlsxFrom builds a workbook whose first sheet holds rows (nil cells stay
// empty) from row 1 on, and a second sheet that must be ignored.
func xlsxFrom(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := f.NewSheet("Toelichting"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Toelichting", "A1", "niet lezen"); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	t.Parallel()
	// Years stored as numbers with a thousands format that would display "2,021".
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	style, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow(sheet, "A1", &[]any{"Ref", "title", "krachtlijnen", "startYear", "endYear", "description"}))
	must(f.SetSheetRow(sheet, "A2", &[]any{"r1", "Één titel", "nabijheid|Verbindend", 2021, 2022.0, "regel 1\r\nregel 2"}))
	must(f.SetSheetRow(sheet, "A4", &[]any{"r2", "Tweede", "", "2019", nil, nil}))
	must(f.SetCellStyle(sheet, "D2", "E4", style))
	numbered, err := f.WriteToBuffer()
	must(err)
	f.Close()

	tests := []struct {
		name      string
		data      []byte
		wantProbs []want
		wantRows  []int
		want      []practice.PracticeInput
	}{
		{name: "numbers, formats, gaps", data: numbered.Bytes(), wantRows: []int{2, 4}, want: []practice.PracticeInput{
			{Ref: "r1", Content: practice.Content{Title: "Één titel", Krachtlijnen: []string{"NABIJHEID", "VERBINDEND"},
				StartYear: intp(2021), EndYear: intp(2022), Description: "regel 1\nregel 2"}},
			{Ref: "r2", Content: practice.Content{Title: "Tweede", StartYear: intp(2019)}},
		}},
		{name: "unknown column, bad year", data: xlsxFrom(t, [][]any{{"ref", "titelx", "startYear"}, {"r1", "x", "ooit"}}),
			wantProbs: []want{{"rij 1, kolom titelx", practice.CodeUnknownField}, {"rij 2, kolom startYear", practice.CodeInvalidFormat}},
			wantRows:  []int{2}},
		{name: "not a workbook", data: []byte("PK\x03\x04 dit is geen zip"), wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "a zip but no workbook", data: zipWith(t, "hallo.txt", "hallo"), wantProbs: []want{{"", practice.CodeInvalidFile}}},
		{name: "empty sheet", data: xlsxFrom(t, nil), wantProbs: []want{{"", practice.CodeInvalidFile}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, probs := ReadXLSX(bytes.NewReader(tt.data), fixtureMeta)
			checkProblems(t, probs, tt.wantProbs)
			if tt.wantRows != nil && !reflect.DeepEqual(res.Rows, tt.wantRows) {
				t.Errorf("rows %v, want %v", res.Rows, tt.wantRows)
			}
			if tt.want != nil && !reflect.DeepEqual(res.Input.Practices, tt.want) {
				t.Errorf("practices:\n got %+v\nwant %+v", res.Input.Practices, tt.want)
			}
		})
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	jsonData := readFixture(t, "inventory.json")
	csvData := readFixture(t, "belgian_excel.csv")
	var xlsxBuf bytes.Buffer
	if err := WriteXLSX(&xlsxBuf, fixturePractices); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, filename string
		data           []byte
		wantKind       Kind
		wantProbs      []want
	}{
		{"json", "inventaris.JSON", jsonData, KindJSON, nil},
		{"json without extension", "inventaris", jsonData, KindJSON, nil},
		{"csv", "inventaris.csv", csvData, KindCSV, nil},
		{"txt", "inventaris.txt", csvData, KindCSV, nil},
		{"xlsx", "inventaris.xlsx", xlsxBuf.Bytes(), KindXLSX, nil},
		{"xlsx named csv", "inventaris.csv", xlsxBuf.Bytes(), KindXLSX, nil},
		{"xlsx that is not one", "inventaris.xlsx", csvData, "", []want{{"", practice.CodeInvalidFile}}},
		{"old xls", "inventaris.xls", append(append([]byte{}, oleMagic...), 0, 0, 0), "", []want{{"", practice.CodeInvalidFile}}},
		{"pdf", "inventaris.pdf", []byte("%PDF-1.4"), "", []want{{"", practice.CodeInvalidFile}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, probs := Read(bytes.NewReader(tt.data), tt.filename, fixtureMeta)
			checkProblems(t, probs, tt.wantProbs)
			if res.Kind != tt.wantKind {
				t.Errorf("kind %q, want %q", res.Kind, tt.wantKind)
			}
			if tt.wantProbs == nil && !reflect.DeepEqual(res.Input.Practices, fixturePractices) {
				t.Errorf("practices:\n got %+v\nwant %+v", res.Input.Practices, fixturePractices)
			}
		})
	}
	_, probs := Read(strings.NewReader("x"), "inventaris.pdf", Meta{})
	if !strings.Contains(probs[0].Message, "inventaris.pdf") || !strings.Contains(probs[0].Message, ".xlsx") {
		t.Errorf("message %q", probs[0].Message)
	}
}

func TestReadJSONTakesMissingInventoryFieldsFromMeta(t *testing.T) {
	t.Parallel()
	res, probs := Read(strings.NewReader(`{"practices": [{"ref": "a"}]}`), "x.json", fixtureMeta)
	if len(probs) != 0 || res.Input.Region != fixtureMeta.Region || res.Input.Title != fixtureMeta.Title || res.Input.Period == nil {
		t.Errorf("got %+v %v", res.Input, probs)
	}
	res, _ = Read(strings.NewReader(`{"region": "limburg"}`), "x.json", fixtureMeta)
	if res.Input.Region != "limburg" {
		t.Errorf("region %q: the file's region must win, the caller compares", res.Input.Region)
	}
}

// TestSameInventoryInAllFormats reads the same practices from JSON, CSV and
// XLSX.
func TestSameInventoryInAllFormats(t *testing.T) {
	t.Parallel()
	fromJSON, probs := ReadJSON(bytes.NewReader(readFixture(t, "inventory.json")))
	checkProblems(t, probs, nil)
	fromJSON.Format = "" // the only field a spreadsheet cannot carry

	fromCSV, probs := ReadCSV(bytes.NewReader(readFixture(t, "belgian_excel.csv")), fixtureMeta)
	checkProblems(t, probs, nil)

	// The same sheet as an Excel workbook: the CSV's cells, years as numbers.
	rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(readFixture(t, "belgian_excel.csv"), utf8BOM)))
	rd.Comma, rd.FieldsPerRecord = ';', -1
	records, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for i, rec := range records {
		row := make([]any, len(rec))
		for j, c := range rec {
			switch {
			case i > 0 && (records[0][j] == "startYear" || records[0][j] == "endYear") && c != "":
				y, ok := parseYear(c)
				if !ok {
					t.Fatalf("year %q", c)
				}
				row[j] = float64(y)
			case c != "":
				row[j] = c
			}
		}
		rows = append(rows, row)
	}
	rows = append(rows[:2], append([][]any{nil}, rows[3:]...)...) // keep row 3 empty
	fromXLSX, probs := ReadXLSX(bytes.NewReader(xlsxFrom(t, rows)), fixtureMeta)
	checkProblems(t, probs, nil)

	if !reflect.DeepEqual(fromJSON, fromCSV.Input) {
		t.Errorf("JSON and CSV differ:\nJSON %+v\nCSV  %+v", fromJSON, fromCSV.Input)
	}
	if !reflect.DeepEqual(fromCSV.Input, fromXLSX.Input) {
		t.Errorf("CSV and XLSX differ:\nCSV  %+v\nXLSX %+v", fromCSV.Input, fromXLSX.Input)
	}
	if !reflect.DeepEqual(fromCSV.Rows, fromXLSX.Rows) {
		t.Errorf("rows: CSV %v, XLSX %v", fromCSV.Rows, fromXLSX.Rows)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	practices := append([]practice.PracticeInput{fullPractice()}, fixturePractices...)
	practices = append(practices, practice.PracticeInput{Ref: "minimal"})
	for _, opts := range []CSVOptions{{}, {Comma: ',', OmitBOM: true}} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, practices, opts); err != nil {
			t.Fatal(err)
		}
		out := buf.Bytes()
		if opts == (CSVOptions{}) {
			if !bytes.HasPrefix(out, utf8BOM) || !bytes.HasPrefix(out[3:], []byte("ref;title;summary;")) || !bytes.Contains(out, []byte("\r\n")) {
				t.Errorf("not Belgian Excel CSV: %q", out[:60])
			}
			if bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) {
				t.Error("a line end that is not CRLF")
			}
		}
		res, probs := ReadCSV(bytes.NewReader(out), fixtureMeta)
		checkProblems(t, probs, nil)
		if !reflect.DeepEqual(res.Input.Practices, practices) {
			t.Errorf("%+v: round trip differs:\n got %+v\nwant %+v\nfile:\n%s", opts, res.Input.Practices, practices, out)
		}
		if !reflect.DeepEqual(res.Rows, []int{2, 3, 4, 5}) {
			t.Errorf("rows %v", res.Rows)
		}
	}
}

func TestCSVWriterStreamsTheSameAsWriteCSV(t *testing.T) {
	t.Parallel()
	var all, streamed bytes.Buffer
	if err := WriteCSV(&all, fixturePractices, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	w := NewCSVWriter(&streamed, CSVOptions{})
	for _, p := range fixturePractices {
		if err := w.Write(p); err != nil { // writes the header first by itself
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(all.Bytes(), streamed.Bytes()) {
		t.Errorf("streamed\n%q\nwant\n%q", streamed.Bytes(), all.Bytes())
	}
	// An export of nothing is a header alone, and reads as no practices.
	var empty bytes.Buffer
	if err := WriteCSV(&empty, nil, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	res, probs := ReadCSV(&empty, Meta{})
	if len(probs) != 0 || len(res.Input.Practices) != 0 {
		t.Errorf("got %+v %v", res, probs)
	}
}

func TestPipeInListItemDoesNotRoundTrip(t *testing.T) {
	t.Parallel()
	p := practice.PracticeInput{Ref: "r", Content: practice.Content{Settings: []string{"OCMW|CAW"}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []practice.PracticeInput{p}, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	res, _ := ReadCSV(&buf, Meta{})
	if got := res.Input.Practices[0].Settings; !reflect.DeepEqual(got, []string{"OCMW", "CAW"}) {
		t.Errorf("got %q: documented behaviour changed", got)
	}
}

func TestXLSXRoundTrip(t *testing.T) {
	t.Parallel()
	practices := append([]practice.PracticeInput{fullPractice()}, fixturePractices...)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, practices); err != nil {
		t.Fatal(err)
	}
	res, probs := ReadXLSX(bytes.NewReader(buf.Bytes()), fixtureMeta)
	checkProblems(t, probs, nil)
	if !reflect.DeepEqual(res.Input.Practices, practices) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", res.Input.Practices, practices)
	}
	if !reflect.DeepEqual(res.Rows, []int{2, 3, 4}) {
		t.Errorf("rows %v", res.Rows)
	}
	// Years are numbers in the workbook, not text.
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	typ, err := f.GetCellType("Praktijken", "Q2") // a number has no type attribute: "unset"
	if err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("startYear cell type %v %v", typ, err)
	}
	if v, _ := f.GetCellValue("Praktijken", "Q2"); v != "2019" {
		t.Errorf("startYear cell %q", v)
	}
}

func TestWriteXLSXRefusesWhatACellCannotHold(t *testing.T) {
	t.Parallel()
	for _, text := range []string{strings.Repeat("é", maxCellChars+1), "a\x08b", "a\uFFFEb", "_x0041_x0041_"} {
		p := practice.PracticeInput{Ref: "r", Content: practice.Content{Description: text}}
		if err := WriteXLSX(&bytes.Buffer{}, []practice.PracticeInput{p}); !errors.Is(err, ErrCellText) {
			t.Errorf("%.20q: got %v, want ErrCellText", text, err)
		}
	}
	// A single escape-like sequence is fine.
	p := practice.PracticeInput{Ref: "r", Content: practice.Content{Description: "_x0041_ en _x005F_"}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, []practice.PracticeInput{p}); err != nil {
		t.Fatal(err)
	}
	res, _ := ReadXLSX(&buf, Meta{})
	if got := res.Input.Practices[0].Description; got != p.Description {
		t.Errorf("got %q", got)
	}
}

func TestTranslatePath(t *testing.T) {
	t.Parallel()
	rows := []int{2, 3, 5, 9}
	tests := []struct{ path, want string }{
		{"practices[3].krachtlijnen[0]", "rij 9, kolom krachtlijnen"},
		{"practices[0].contact.email", "rij 2, kolom contact.email"},
		{"practices[2].startYear", "rij 5, kolom startYear"},
		{"practices[1]", "rij 3"},
		{"practices[4].title", "practices[4].title"},
		{"practices[01].title", "practices[01].title"},
		{"practices[-1].title", "practices[-1].title"},
		{"practices", "practices"},
		{"region", "region"},
		{"", ""},
		{"practices[x]", "practices[x]"},
	}
	for _, tt := range tests {
		if got := TranslatePath(tt.path, rows); got != tt.want {
			t.Errorf("TranslatePath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
	if got := (Result{Kind: KindCSV, Rows: rows}).Path("practices[1].title"); got != "rij 3, kolom title" {
		t.Errorf("Result.Path: %q", got)
	}
	if got := (Result{Kind: KindJSON}).Path("practices[1].title"); got != "practices[1].title" {
		t.Errorf("Result.Path for JSON: %q", got)
	}
}

func TestColumnsMatchTheJSONFieldNames(t *testing.T) {
	t.Parallel()
	// Every column is a v1 field: marshal a practice that has them all and
	// look each column name up in the JSON.
	b, err := jsonMarshal(fullPractice())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range ColumnNames() {
		key := name
		if rest, ok := strings.CutPrefix(name, "contact."); ok {
			key = rest
		}
		if !bytes.Contains(b, []byte(`"`+key+`":`)) {
			t.Errorf("column %q is not a field of the v1 JSON", name)
		}
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// zipWith is a zip file with one file in it.
func zipWith(t testing.TB, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkReadCSV reads an inventory of 5000 practices, the most v1 allows.
func BenchmarkReadCSV(b *testing.B) {
	ps := make([]practice.PracticeInput, 5000)
	for i := range ps {
		ps[i] = fullPractice()
		ps[i].Ref = fmt.Sprintf("p-%d", i)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, ps, CSVOptions{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if res, probs := ReadCSV(bytes.NewReader(buf.Bytes()), Meta{}); len(probs) > 0 || len(res.Input.Practices) != len(ps) {
			b.Fatal(probs)
		}
	}
}

// Spreadsheets as people fill them in: Dutch column names in any case, and
// the labels the site shows in the cells.
func TestReadDutchColumnsAndLabels(t *testing.T) {
	t.Parallel()
	plan := actionplan.Default()
	data := []byte("Ref ; TITEL ;samenvatting;Krachtlijnen;uitdagingen;acties;functies;impactdomeinen;startjaar;taal;contact.organisatie;contact.telefoon\r\n" +
		"r1;Buurtwerk;Kort;Verbindend werken | nabijheid;4.2 Digitalisering|Onderbescherming;4.2 Actie 1 | onderbescherming-2;Waarborgfunctie;Beleid;2021;Frans;CAW;011 12 34 56\r\n" +
		"r2;Twee;Kort;Verbindend samenwerken;4.2 Diversiteit;4.2 Actie 9;;;twintig;nl;;\r\n")
	res, probs := Read(bytes.NewReader(data), "inventaris.csv", Meta{Region: "limburg", Title: "Inventaris"}, Labels(plan))
	checkProblems(t, probs, []want{{"rij 3, kolom startjaar", practice.CodeInvalidFormat}})
	want := []practice.PracticeInput{
		{Ref: "r1", Content: practice.Content{Title: "Buurtwerk", Summary: "Kort",
			Krachtlijnen: []string{"VERBINDEND", "NABIJHEID"}, Challenges: []string{"digitalisering", "onderbescherming"},
			Actions: []string{"digitalisering-1", "onderbescherming-2"}, Functions: []string{"WAARBORG"}, ImpactDomains: []string{"BELEID"},
			StartYear: intp(2021), Language: "fr", Contact: &practice.Contact{Organisation: "CAW", Phone: "011 12 34 56"}}},
		// Unknown labels stay as written, for the validation to report.
		{Ref: "r2", Content: practice.Content{Title: "Twee", Summary: "Kort", Krachtlijnen: []string{"VERBINDEND SAMENWERKEN"},
			Challenges: []string{"4.2 Diversiteit"}, Actions: []string{"4.2 Actie 9"}, Language: "nl"}},
	}
	if !reflect.DeepEqual(res.Input.Practices, want) {
		t.Errorf("practices:\n got %+v\nwant %+v", res.Input.Practices, want)
	}
	_, invalid := practice.Validate(res.Input, plan)
	var paths []string
	for _, p := range invalid {
		paths = append(paths, res.Path(p.Path)+" "+p.Code)
	}
	wantPaths := []string{"rij 3, kolom Krachtlijnen UNKNOWN_KRACHTLIJN", "rij 3, kolom uitdagingen UNKNOWN_CHALLENGE", "rij 3, kolom acties UNKNOWN_ACTION"}
	if !reflect.DeepEqual(paths, wantPaths) {
		t.Errorf("validation paths %v, want %v", paths, wantPaths)
	}
}

// A row that cannot be parsed hides no other row's problems.
func TestReadCSVParseErrorHidesNothing(t *testing.T) {
	t.Parallel()
	data := []byte("ref;titel;startjaar\nr1;goed;2020\nr2;zo\"n titel;2021\nr3;\"a\"b;2022\nr4;ok;ooit\nr5;ok;2023;x\n")
	res, probs := Read(bytes.NewReader(data), "x.csv", Meta{Region: "limburg"})
	checkProblems(t, probs, []want{
		{"rij 3", practice.CodeInvalidFile}, {"rij 4", practice.CodeInvalidFile},
		{"rij 5, kolom startjaar", practice.CodeInvalidFormat}, {"rij 6", practice.CodeInvalidFormat},
	})
	if !reflect.DeepEqual(res.Rows, []int{2, 5, 6}) || !res.Checkable {
		t.Errorf("rows %v, checkable %v", res.Rows, res.Checkable)
	}
}

func TestCSVFormulaPrefix(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ value, written string }{
		{"=1+1", "'=1+1"}, {"+32 11", "'+32 11"}, {"-5 graden", "'-5 graden"}, {"@thuis", "'@thuis"},
		{"\tinspringen", "'\tinspringen"}, {"\rx", "'\rx"},
		{"'=al met apostrof", "''=al met apostrof"}, {"''+twee", "'''+twee"},
		{"'gewoon", "'gewoon"}, {"gewoon", "gewoon"}, {"a=b", "a=b"}, {"'", "'"}, {"", ""},
	} {
		if got := prefixFormula(tt.value); got != tt.written {
			t.Errorf("prefixFormula(%q) = %q, want %q", tt.value, got, tt.written)
		}
		if got := unprefixFormula(tt.written); got != tt.value {
			t.Errorf("unprefixFormula(%q) = %q, want %q", tt.written, got, tt.value)
		}
	}
	// Read as people may write it by hand: only an apostrophe before a
	// formula character is taken off; in XLSX an apostrophe is text.
	data := []byte("ref;title;summary;description\nr1;'=SOM(A1);'Tis goed;''-x\n")
	res, probs := ReadCSV(bytes.NewReader(data), Meta{})
	checkProblems(t, probs, nil)
	want := practice.Content{Title: "=SOM(A1)", Summary: "'Tis goed", Description: "'-x"}
	if len(res.Input.Practices) != 1 || !reflect.DeepEqual(res.Input.Practices[0].Content, want) {
		t.Errorf("read %+v", res.Input.Practices)
	}
	x, probs := ReadXLSX(bytes.NewReader(xlsxFrom(t, [][]any{{"ref", "title"}, {"r1", "'=SOM(A1)"}})), Meta{})
	checkProblems(t, probs, nil)
	if x.Input.Practices[0].Title != "'=SOM(A1)" {
		t.Errorf("xlsx title %q", x.Input.Practices[0].Title)
	}
}
