package importer

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer/importertest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Seed corpora: f.Add below, plus the files in testdata/fuzz/<FuzzName>/.

func addFixtures(f *testing.F, names ...string) {
	for _, name := range names {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzReadJSON(f *testing.F) {
	addFixtures(f, "inventory.json", "bad.json")
	for _, s := range []string{
		`{}`, `[]`, `null`, `{"practices": null}`, `{"practices": [null, 1, "x", {}]}`,
		`{"practices": [{"ref": "a", "startYear": 1e400, "endYear": -0.0}]}`,
		`{"practices": [{"ref": "a", "krachtlijnen": ["\ud800", "\u00e9"], "contact": {}}]}`,
		"\xef\xbb\xbf{\"region\": \"limburg\"}", `{"a": {"b": [[[[[]]]]]}}`, `{"region": "x",}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in, probs := ReadJSON(bytes.NewReader(data))
		checkProblemShape(t, probs)
		if len(probs) > 0 {
			return
		}
		// An accepted document, written as JSON again, reads the same.
		out, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, probs := ReadJSON(bytes.NewReader(out))
		if len(probs) > 0 {
			t.Fatalf("re-read: %v\n%s", probs, out)
		}
		if !reflect.DeepEqual(in, again) {
			t.Fatalf("re-read differs:\n got %+v\nwant %+v", again, in)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	addFixtures(f, "belgian_excel.csv", "comma.csv")
	for _, s := range []string{
		"ref\nr1\n", "ref;title\r\nr1;\"a\r\nb\"\r\n", "sep=,\nref,title\nr1,t\n",
		"ref;startYear\nr1;2021.0\n", "ref;krachtlijnen\nr1;nabijheid| |verbindend\n",
		"ref;title\nr1;Caf\xe9\n", "ref;title\nr1;\"open\n", "\xef\xbb\xbf;;\r\n",
		"ref;title\nr1;t;x\n", "\"a\nb\";c\nd;e\n", "ref;description\nr1;\"x\ry\"\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, probs := ReadCSV(bytes.NewReader(data), Meta{Region: "limburg"}, Labels(actionplan.Default()))
		checkProblemShape(t, probs)
		checkResultShape(t, res)
		if len(probs) > 0 {
			return
		}
		checkCSVRoundTrip(t, res.Input.Practices)
	})
}

func FuzzReadXLSX(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, append([]practice.PracticeInput{fullPractice()}, fixturePractices...)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(xlsxFrom(f, [][]any{{"ref", "titel", "startYear"}, nil, {"r1", "x", 2021.0}, {"r2", "y", "ooit"}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	template, err := Template(actionplan.Default(), "limburg")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(template)
	f.Add(importertest.XLSXLyingSize(64 << 10))
	f.Add(importertest.XLSXSharedStrings(100))
	f.Add(importertest.XLSXSparse())
	f.Fuzz(func(t *testing.T, data []byte) {
		res, probs := ReadXLSX(bytes.NewReader(data), Meta{Region: "limburg"}, Labels(actionplan.Default()))
		checkProblemShape(t, probs)
		checkResultShape(t, res)
		if len(probs) > 0 {
			return
		}
		// What a workbook yields obeys the sheet rules, so it survives CSV.
		checkCSVRoundTrip(t, res.Input.Practices)
	})
}

// checkCSVRoundTrip writes practices as CSV and checks they read back the same.
func checkCSVRoundTrip(t *testing.T, practices []practice.PracticeInput) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, practices, CSVOptions{}); err != nil {
		t.Fatal(err)
	}
	again, probs := ReadCSV(bytes.NewReader(buf.Bytes()), Meta{Region: "limburg"})
	if len(probs) > 0 {
		t.Fatalf("re-read: %v\n%q", probs, buf.Bytes())
	}
	if !reflect.DeepEqual(practices, again.Input.Practices) {
		t.Fatalf("re-read differs:\n got %#v\nwant %#v\nfile %q", again.Input.Practices, practices, buf.Bytes())
	}
}

func checkProblemShape(t *testing.T, probs practice.Problems) {
	t.Helper()
	for _, p := range probs {
		if p.Code == "" || p.Message == "" {
			t.Fatalf("incomplete problem %+v", p)
		}
	}
}

func checkResultShape(t *testing.T, res Result) {
	t.Helper()
	if len(res.Rows) != len(res.Input.Practices) {
		t.Fatalf("%d rows for %d practices", len(res.Rows), len(res.Input.Practices))
	}
	for i := range res.Rows {
		if res.Rows[i] < 2 || i > 0 && res.Rows[i] <= res.Rows[i-1] {
			t.Fatalf("rows not increasing after the header: %v", res.Rows)
		}
	}
}

// FuzzWriteRoundTrip checks the writers: a practice, once read from CSV (so
// normalised as every sheet is), writes as CSV and as XLSX and reads back
// the same.
func FuzzWriteRoundTrip(f *testing.F) {
	f.Add("r1", "Café \"Zoë\"; één", "regel 1\r\nregel 2\n", "nabijheid| verbindend |", "a|b", 2021)
	f.Add("_x000D_", "_x0041_ tekst", "\t", "|", "=1+1", -1)
	f.Add("r", " ", "\"", "\x00\x01", "\uFFFE", 0)
	f.Fuzz(func(t *testing.T, ref, title, description, codes, list string, year int) {
		krachtlijnen, _ := splitList(codes, true)
		p := practice.PracticeInput{Ref: ref, Content: practice.Content{
			Title: title, Description: description, Krachtlijnen: krachtlijnen,
			Settings: strings.Split(list, "|"), StartYear: &year,
			Contact: &practice.Contact{Email: title},
		}}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, []practice.PracticeInput{p}, CSVOptions{}); err != nil {
			t.Fatal(err)
		}
		res, probs := ReadCSV(bytes.NewReader(buf.Bytes()), Meta{})
		if len(probs) > 0 {
			return // e.g. not UTF-8
		}
		checkCSVRoundTrip(t, res.Input.Practices)
		buf.Reset()
		err := WriteXLSX(&buf, res.Input.Practices)
		if errors.Is(err, ErrCellText) {
			return // a text no workbook carries unchanged; the validation refuses it
		}
		if err != nil {
			t.Fatal(err)
		}
		again, probs := ReadXLSX(bytes.NewReader(buf.Bytes()), Meta{})
		if len(probs) > 0 {
			t.Fatalf("re-read XLSX: %v", probs)
		}
		if !reflect.DeepEqual(res.Input.Practices, again.Input.Practices) {
			t.Fatalf("XLSX round trip differs:\n got %#v\nwant %#v", again.Input.Practices, res.Input.Practices)
		}
	})
}

// FuzzReadXLSXSheet fuzzes the worksheet XML inside an otherwise valid
// workbook: mutating a whole .xlsx mostly breaks the zip checksums, so
// FuzzReadXLSX rarely reaches the rows.
func FuzzReadXLSXSheet(f *testing.F) {
	template := xlsxFrom(f, [][]any{{"ref", "title", "startYear"}, {"r1", "Één", 2021.0}})
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>ref</t></is></c><c r="B1" t="inlineStr"><is><t>startYear</t></is></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>r1</t></is></c><c r="B3"><v>2021</v></c></row>` +
		`</sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="C2" t="s"><v>7</v></c><c t="b"><v>1</v></c></row><row><c><v>1e3</v></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, sheet []byte) {
		data := replaceZipEntry(t, template, "xl/worksheets/sheet1.xml", sheet)
		res, probs := ReadXLSX(bytes.NewReader(data), Meta{})
		checkProblemShape(t, probs)
		checkResultShape(t, res)
		if len(probs) == 0 {
			checkCSVRoundTrip(t, res.Input.Practices)
		}
	})
}

// replaceZipEntry returns the zip file data with the entry name's content
// replaced (stored uncompressed).
func replaceZipEntry(t testing.TB, data []byte, name string, content []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			_, err = w.Write(content)
		} else {
			var rc io.ReadCloser
			if rc, err = f.Open(); err == nil {
				_, err = io.Copy(w, rc)
				rc.Close()
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
