package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/export"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight/insighttest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// instance is a bank over a fresh embedded store.
func instance(t *testing.T) (*bank.Bank, store.Store) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "pkb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := bank.New(context.Background(), st, nil, actionplan.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return b, st
}

// fixtureInventories are the 12 practices of the insight fixture as one
// inventory per region.
func fixtureInventories(t *testing.T) []practice.InventoryInput {
	t.Helper()
	invs, err := insighttest.Inventories()
	if err != nil {
		t.Fatal(err)
	}
	return invs
}

func submitAll(t *testing.T, b *bank.Bank, invs []practice.InventoryInput) {
	t.Helper()
	for _, in := range invs {
		res, err := b.Submit(context.Background(), auth.Admin, in, bank.SubmitOptions{Source: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) > 0 {
			t.Fatalf("%s refused: %v", in.Region, res.Problems)
		}
	}
}

// source is an instance with the fixture and its exporter.
func source(t *testing.T) (*export.Exporter, store.Store) {
	b, st := instance(t)
	submitAll(t, b, fixtureInventories(t))
	return export.New(b, nil), st
}

func get(t *testing.T, h http.Handler, target string, who *auth.Principal) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if who != nil {
		r = r.WithContext(auth.WithPrincipal(r.Context(), who))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// contents are the live practices of a store by id.
func contents(t *testing.T, st store.Store) map[string]practice.Content {
	t.Helper()
	out := map[string]practice.Content{}
	err := st.ScanPractices(context.Background(), func(p practice.Practice) error {
		if p.Live() {
			out[p.ID] = p.Content
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameContents(t *testing.T, want, got map[string]practice.Content) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d practices after the round trip, want %d", len(got), len(want))
	}
	for id, c := range want {
		if !reflect.DeepEqual(got[id], c) {
			t.Errorf("practice %s differs after the round trip:\n got %+v\nwant %+v", id, got[id], c)
		}
	}
}

// reimport reads an export back with the importer, splits it by its region
// column and submits every part to a fresh bank; it returns that bank's store.
func reimport(t *testing.T, body []byte, filename string) store.Store {
	t.Helper()
	res, probs := importer.Read(bytes.NewReader(body), filename, importer.Meta{Title: "Heringelezen"})
	if len(probs) > 0 {
		t.Fatalf("re-reading %s: %v", filename, probs)
	}
	b2, st2 := instance(t)
	for _, part := range res.SplitByRegion() {
		submitAll(t, b2, []practice.InventoryInput{part.Input})
	}
	return st2
}

func TestRoundTripEveryFormat(t *testing.T) {
	ex, st := source(t)
	for _, tc := range []struct {
		name, ctype string
		h           http.Handler
	}{
		{"export.csv", "text/csv; charset=utf-8", ex.CSV()},
		{"export.json", "application/json; charset=utf-8", ex.JSON()},
		{"export.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ex.XLSX()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := get(t, tc.h, "/"+tc.name, auth.Admin)
			if w.Code != 200 || w.Header().Get("Content-Type") != tc.ctype {
				t.Fatalf("status %d, %s", w.Code, w.Header())
			}
			if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, filepath.Ext(tc.name)+`"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			// One file holds every region (the fixture has four).
			sameContents(t, contents(t, st), contents(t, reimport(t, w.Body.Bytes(), tc.name)))
		})
	}
}

func TestCSVRowsCarryTheirRecord(t *testing.T) {
	ex, st := source(t)
	w := get(t, ex.CSV(), "/export.csv?regions=antwerpen&regions=limburg", auth.Admin)
	body := w.Body.Bytes()
	if !bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) {
		t.Errorf("no UTF-8 byte order mark: % x", body[:3])
	}
	if !bytes.Contains(body, []byte("Buurtcaf\xc3\xa9 De Brug")) {
		t.Errorf("é is not UTF-8 (c3 a9) in %q", body)
	}
	lines := strings.Split(strings.TrimSpace(string(body[3:])), "\r\n")
	want := strings.Join(append(importer.RecordColumnNames(), importer.ColumnNames()...), ";")
	if lines[0] != want {
		t.Errorf("header %q, want %q", lines[0], want)
	}
	regions := map[string]int{}
	for _, line := range lines[1:] {
		cells := strings.Split(line, ";")
		regions[cells[0]]++
		p, err := st.Practice(context.Background(), cells[1])
		if err != nil {
			t.Fatalf("row %q: id %q not in the store", line, cells[1])
		}
		if p.Region != cells[0] || strconv.Itoa(p.Version) != cells[2] ||
			cells[3] != p.CreatedAt.UTC().Format(time.RFC3339) || cells[4] != p.UpdatedAt.UTC().Format(time.RFC3339) {
			t.Errorf("row %q does not carry %s's record (region %s, version %d, %s, %s)", line[:80], p.ID, p.Region, p.Version, p.CreatedAt, p.UpdatedAt)
		}
	}
	if regions["antwerpen"] != 4 || regions["limburg"] != 4 || len(regions) != 2 {
		t.Errorf("rows per region %v, want 4 antwerpen and 4 limburg in one file", regions)
	}
}

func TestImportForOneRegionRefusesRowsOfAnother(t *testing.T) {
	ex, _ := source(t)
	body := get(t, ex.CSV(), "/export.csv?regions=antwerpen&regions=limburg", nil).Body.Bytes()
	_, probs := importer.Read(bytes.NewReader(body), "export.csv", importer.Meta{Region: "limburg", Title: "x"})
	if len(probs) != 4 || probs[0].Code != practice.CodeRegionMismatch || !strings.HasPrefix(probs[0].Path, "rij ") {
		t.Errorf("problems %v, want 4 REGION_MISMATCH (the antwerpen rows)", probs)
	}
}

// searcher is the bank with a search that finds the given ids.
type searcher struct {
	*bank.Bank
	ids map[string]bool
}

func (s searcher) SelectExport(_ context.Context, query string, f search.Filter, limit int) (bank.ExportSelection, error) {
	if len(s.ids) > limit {
		return bank.ExportSelection{}, bank.ErrTooMany
	}
	return bank.ExportSelection{Filter: f, IDs: s.ids}, nil
}

func TestQueryExportsWhatTheSearchFinds(t *testing.T) {
	b, _ := instance(t)
	submitAll(t, b, fixtureInventories(t))
	lim1, lim3 := practice.ID("limburg", "lim-01"), practice.ID("limburg", "lim-03")
	ex := export.New(searcher{b, map[string]bool{lim1: true, lim3: true, practice.ID("antwerpen", "ant-01"): true}}, nil)
	w := get(t, ex.JSON(), "/export.json?query=buurt&regions=limburg", nil)
	var doc export.Document
	if err := json.NewDecoder(w.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range doc.Practices {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	want := []string{lim1, lim3}
	slices.Sort(want)
	if doc.Format != importer.ExportFormat || !reflect.DeepEqual(ids, want) {
		t.Errorf("format %q, ids %v, want %v (the search's hits within the filter)", doc.Format, ids, want)
	}

	many := searcher{b, map[string]bool{}}
	for i := range export.MaxSearchExport + 1 {
		many.ids[strconv.Itoa(i)] = true
	}
	w = get(t, export.New(many, nil).CSV(), "/export.csv?query=a", nil)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "TOO_MANY_RESULTS") {
		t.Errorf("too many hits: %d %s", w.Code, w.Body)
	}
}

func TestFilterAndYears(t *testing.T) {
	ex, _ := source(t)
	// NABIJHEID in limburg or brussel from 2023: lim-01 (2022-2023), lim-03 (2024); bru-01 ran 2020-2022.
	w := get(t, ex.JSON(), "/export.json?regions=limburg&regions=brussel&krachtlijnen=NABIJHEID&fromYear=2023", nil)
	var doc export.Document
	if err := json.NewDecoder(w.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, r := range doc.Practices {
		refs = append(refs, r.Region+"/"+r.Practice.Ref)
	}
	slices.Sort(refs)
	if !reflect.DeepEqual(refs, []string{"limburg/lim-01", "limburg/lim-03"}) {
		t.Errorf("got %v", refs)
	}
}

// TestPersonalDataOnlyForTheRegion: an export is a list, so contact e-mail
// and phone are left out for anonymous readers and for the platform of
// another region; the admin and the region's own platform get them.
func TestPersonalDataOnlyForTheRegion(t *testing.T) {
	ex, _ := source(t)
	personal := map[string][]string{
		"antwerpen": {"an.peeters@debrug.example", "+32 3 123 45 67", "digitaal@ocmw.example"},
		"limburg":   {"011 22 33 44"},
		"brussel":   {"elodie@welzijn.example", "02 555 66 77"},
	}
	limburgPlatform := &auth.Principal{Role: auth.RolePlatform, Region: "limburg", TokenID: "tok", Label: "platform limburg"}
	for _, path := range []string{"/export.json", "/export.csv?regions=antwerpen", "/export.json?regions=brussel", "/export.xlsx"} {
		h := ex.JSON()
		switch {
		case strings.HasPrefix(path, "/export.csv"):
			h = ex.CSV()
		case strings.HasPrefix(path, "/export.xlsx"):
			h = ex.XLSX()
		}
		// The texts of an export (an XLSX is read back, as it is zipped).
		texts := func(who *auth.Principal) string {
			body := get(t, h, path, who).Body.Bytes()
			if !strings.HasPrefix(path, "/export.xlsx") {
				return string(body)
			}
			res, probs := importer.Read(bytes.NewReader(body), "export.xlsx", importer.Meta{})
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			b, _ := json.Marshal(res.Input)
			return string(b)
		}
		anon := texts(nil)
		admin := texts(auth.Admin)
		platform := texts(limburgPlatform)
		if !strings.Contains(anon, "Vzw De Brug") && !strings.Contains(anon, "Brusselse Welzijnsraad") {
			t.Errorf("%s lost the contact's organisation", path)
		}
		adminSees := 0
		for region, data := range personal {
			for _, s := range data {
				if strings.Contains(anon, s) {
					t.Errorf("%s without a token contains %q", path, s)
				}
				if strings.Contains(admin, s) {
					adminSees++
				}
				if region != "limburg" && strings.Contains(platform, s) {
					t.Errorf("%s with limburg's token contains %s's %q", path, region, s)
				}
			}
		}
		if adminSees == 0 {
			t.Errorf("%s with the admin token has no contact e-mail or phone", path)
		}
	}
	all := get(t, ex.JSON(), "/export.json", limburgPlatform).Body.String()
	if !strings.Contains(all, personal["limburg"][0]) {
		t.Errorf("limburg's platform does not get limburg's contact phone in /export.json")
	}
}

func TestBadRequests(t *testing.T) {
	ex, _ := source(t)
	for _, tc := range []struct{ query, code, param string }{
		{"regions=gent", "UNKNOWN_REGION", "regions"},
		{"krachtlijnen=nabijheid", "UNKNOWN_KRACHTLIJN", "krachtlijnen"},
		{"challenges=armoede", "UNKNOWN_CHALLENGE", "challenges"},
		{"actions=digitalisering-9", "UNKNOWN_ACTION", "actions"},
		{"fromYear=twintig", "INVALID_YEAR", "fromYear"},
		{"fromYear=2024&toYear=2020", "INVALID_YEAR", "fromYear"},
		{"region=limburg", "UNKNOWN_PARAMETER", "region"},
		{"query=a&query=b", "INVALID_QUERY", "query"},
		{"query=" + strings.Repeat("x", 501), "INVALID_QUERY", "query"},
	} {
		for _, h := range []http.Handler{ex.CSV(), ex.JSON(), ex.XLSX()} {
			w := get(t, h, "/export?"+tc.query, nil)
			var body struct {
				Error struct{ Code, Message, Parameter string }
			}
			raw, _ := io.ReadAll(w.Body)
			if err := json.Unmarshal(raw, &body); err != nil || w.Code != 400 || body.Error.Code != tc.code || body.Error.Parameter != tc.param || body.Error.Message == "" {
				t.Errorf("%s: %d %s", tc.query, w.Code, raw)
			}
		}
	}
}

// A cell that a spreadsheet program would run as a formula is written with a
// leading apostrophe, and the import takes exactly that apostrophe off again.
func TestCSVFormulaCellsAreSafeAndRoundTrip(t *testing.T) {
	b, st := instance(t)
	in := practice.InventoryInput{Region: "limburg", Title: "Formules", Practices: []practice.PracticeInput{{
		Ref: "f1", Content: practice.Content{
			Title:         `=HYPERLINK("http://evil.example","klik")`,
			Summary:       "+32 11 12 34 56",
			Description:   "'=dit begon echt met een apostrof",
			Organisations: []string{"@thuis", "-min", "gewoon"},
			Krachtlijnen:  []string{"NABIJHEID"},
			Settings:      []string{"'gewoon met apostrof"},
		},
	}}}
	submitAll(t, b, []practice.InventoryInput{in})
	ex := export.New(b, nil)
	w := get(t, ex.CSV(), "/export.csv?regions=limburg", auth.Admin)
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	body := w.Body.Bytes()
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, row := range rows[1:] {
		for _, c := range row {
			if c == "" {
				continue
			}
			cells = append(cells, c)
			if strings.ContainsAny(c[:1], "=+-@\t\r") {
				t.Errorf("cell %q starts like a formula", c)
			}
		}
	}
	for _, want := range []string{`'=HYPERLINK("http://evil.example","klik")`, "'+32 11 12 34 56", "''=dit begon echt met een apostrof", "'@thuis|-min|gewoon", "'gewoon met apostrof"} {
		if !slices.Contains(cells, want) {
			t.Errorf("no cell %q in %q", want, cells)
		}
	}
	res, probs := importer.ReadCSV(bytes.NewReader(body), importer.Meta{Region: "limburg", Title: "Heringelezen"})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	b2, st2 := instance(t)
	submitAll(t, b2, []practice.InventoryInput{res.Input})
	sameContents(t, contents(t, st), contents(t, st2))
}
