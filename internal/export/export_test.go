package export_test

import (
	"archive/zip"
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
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/export"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight/insighttest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
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
	return export.New(st, b.Plan, nil), st
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

func TestJSONRoundTrip(t *testing.T) {
	ex, st := source(t)
	w := get(t, ex.JSON(), "/export.json", auth.Admin)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, %s", w.Code, w.Body)
	}
	var bundle export.Bundle
	dec := json.NewDecoder(w.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bundle); err != nil {
		t.Fatal(err)
	}
	if bundle.Format != export.BundleFormat || len(bundle.Inventories) != 4 { // no practices in vlaams-brabant, west-vlaanderen
		t.Fatalf("bundle %s with %d inventories", bundle.Format, len(bundle.Inventories))
	}
	b2, st2 := instance(t)
	for _, inv := range bundle.Inventories {
		raw, _ := json.Marshal(inv)
		in, probs := importer.ReadJSON(bytes.NewReader(raw)) // the importer's own reader, strict
		if len(probs) > 0 {
			t.Fatalf("re-reading %s: %v", inv.Region, probs)
		}
		submitAll(t, b2, []practice.InventoryInput{in})
	}
	sameContents(t, contents(t, st), contents(t, st2))

	// One region: one v1 document.
	w = get(t, ex.JSON(), "/export.json?regions=limburg", nil)
	in, probs := importer.ReadJSON(w.Body)
	if len(probs) > 0 || in.Format != practice.Format || in.Region != "limburg" || len(in.Practices) != 4 {
		t.Fatalf("limburg: %v %+v", probs, in)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	ex, st := source(t)
	w := get(t, ex.CSV(), "/export.csv", auth.Admin)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d, %s", w.Code, w.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	b2, st2 := instance(t)
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		res, probs := importer.ReadCSV(rc, importer.Meta{Region: strings.TrimSuffix(f.Name, ".csv"), Title: "Heringelezen"})
		rc.Close()
		if len(probs) > 0 {
			t.Fatalf("%s: %v", f.Name, probs)
		}
		submitAll(t, b2, []practice.InventoryInput{res.Input})
	}
	if want := []string{"antwerpen.csv", "limburg.csv", "oost-vlaanderen.csv", "brussel.csv"}; !reflect.DeepEqual(names, want) {
		t.Errorf("files %v, want %v", names, want)
	}
	sameContents(t, contents(t, st), contents(t, st2))
}

func TestCSVOneRegionKeepsAccents(t *testing.T) {
	ex, st := source(t)
	w := get(t, ex.CSV(), "/export.csv?regions=antwerpen", auth.Admin)
	body := w.Body.Bytes()
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d %s", w.Code, w.Header())
	}
	if !bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) {
		t.Errorf("no UTF-8 byte order mark: % x", body[:3])
	}
	if !bytes.Contains(body, []byte("Buurtcaf\xc3\xa9 De Brug")) {
		t.Errorf("é is not UTF-8 (c3 a9) in %q", body)
	}
	header, _, _ := strings.Cut(string(body[3:]), "\r\n")
	if header != strings.Join(importer.ColumnNames(), ";") {
		t.Errorf("header %q is not the import's columns", header)
	}
	res, probs := importer.ReadCSV(bytes.NewReader(body), importer.Meta{Region: "antwerpen", Title: "Heringelezen"})
	if len(probs) > 0 || len(res.Input.Practices) != 4 {
		t.Fatalf("%v, %d practices", probs, len(res.Input.Practices))
	}
	b2, st2 := instance(t)
	submitAll(t, b2, []practice.InventoryInput{res.Input})
	all := contents(t, st)
	ant := map[string]practice.Content{}
	for _, p := range res.Input.Practices {
		id := practice.ID("antwerpen", p.Ref)
		ant[id] = all[id]
	}
	sameContents(t, ant, contents(t, st2))
}

func TestFilterAndYears(t *testing.T) {
	ex, _ := source(t)
	// NABIJHEID in limburg or brussel from 2023: lim-01 (2022-2023), lim-03 (2024); bru-01 ran 2020-2022.
	w := get(t, ex.JSON(), "/export.json?regions=limburg&regions=brussel&krachtlijnen=NABIJHEID&fromYear=2023", nil)
	var bundle export.Bundle
	if err := json.NewDecoder(w.Body).Decode(&bundle); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, inv := range bundle.Inventories {
		for _, p := range inv.Practices {
			refs = append(refs, inv.Region+"/"+p.Ref)
		}
	}
	if len(bundle.Inventories) != 1 || len(refs) != 2 || !strings.Contains(strings.Join(refs, " "), "limburg/lim-01") || !strings.Contains(strings.Join(refs, " "), "limburg/lim-03") {
		t.Errorf("got %v", refs)
	}
}

func TestPersonalDataOnlyWithAToken(t *testing.T) {
	ex, _ := source(t)
	personal := []string{"an.peeters@debrug.example", "+32 3 123 45 67", "digitaal@ocmw.example", "011 22 33 44", "elodie@welzijn.example", "02 555 66 77"}
	platform := &auth.Principal{Role: auth.RolePlatform, Region: "limburg", TokenID: "tok", Label: "platform limburg"}
	for _, path := range []string{"/export.json", "/export.csv?regions=antwerpen", "/export.json?regions=brussel"} {
		h := ex.JSON()
		if strings.HasPrefix(path, "/export.csv") {
			h = ex.CSV()
		}
		anon := get(t, h, path, nil).Body.String()
		for _, s := range personal {
			if strings.Contains(anon, s) {
				t.Errorf("%s without a token contains %q", path, s)
			}
		}
		if !strings.Contains(anon, "Vzw De Brug") && !strings.Contains(anon, "Brusselse Welzijnsraad") {
			t.Errorf("%s lost the contact's organisation", path)
		}
		withToken := get(t, h, path, platform).Body.String()
		found := 0
		for _, s := range personal {
			if strings.Contains(withToken, s) {
				found++
			}
		}
		if found == 0 {
			t.Errorf("%s with a token has no contact e-mail or phone", path)
		}
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
	} {
		for _, h := range []http.Handler{ex.CSV(), ex.JSON()} {
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
	ex := export.New(st, b.Plan, nil)
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
