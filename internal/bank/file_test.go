package bank_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer/importertest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// A file's problems come back all at once, the reader's and the
// validation's together in the order of the rows, and nothing is written.
func TestSubmitFileReportsEveryProblem(t *testing.T) {
	e := newEnv(t)
	csv := "ref;titel;samenvatting;krachtlijnen;acties;startjaar\n" +
		"r1;Goed;Kort;Verbindend werken;4.2 Actie 1;2021\n" +
		"r2;Ok;Kort;Nabijheid;;2021\n" + // title too short (validation)
		"r3;zo\"n titel;Kort;nabijheid;;\n" + // bare quote (reader)
		"r4;Goed;Kort;Onbekend;4.2 Actie 9;ooit\n" + // reader and validation
		"r5;Goed;Kort\n" // a cell count problem
	res, err := e.bank.SubmitFile(context.Background(), limburg, bank.File{
		Name: "inventaris.csv", Body: strings.NewReader(csv), Region: "Limburg", Title: "Inventaris",
	}, bank.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.Path+" "+p.Code)
	}
	want := []string{
		"rij 3, kolom titel TOO_SHORT",
		"rij 4 INVALID_FILE",
		"rij 5, kolom startjaar INVALID_FORMAT",
		"rij 5, kolom krachtlijnen UNKNOWN_KRACHTLIJN",
		"rij 5, kolom acties UNKNOWN_ACTION",
		"rij 6 INVALID_FORMAT",
		"rij 6, kolom krachtlijnen REQUIRED",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Inventory != nil {
		t.Error("a file with problems was written")
	}
	if _, ok, _ := e.bank.PracticeByRef(context.Background(), "limburg", "r1"); ok {
		t.Error("a practice of a refused file was stored")
	}
}

// An upload answers with at most importer.MaxProblems problems and one
// that counts the rest.
func TestSubmitFileCapsProblems(t *testing.T) {
	e := newEnv(t)
	res, err := e.bank.SubmitFile(context.Background(), limburg, bank.File{
		Name: "fouten.csv", Body: bytes.NewReader(importertest.CSVManyProblems(3000)), Region: "limburg", Title: "Inventaris",
	}, bank.SubmitOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != importer.MaxProblems+1 {
		t.Fatalf("%d problems", len(res.Problems))
	}
	last := res.Problems[len(res.Problems)-1]
	// Per row: 2 years (reader), ref, title, summary, krachtlijn (validation).
	if last.Code != practice.CodeMoreProblems || !strings.Contains(last.Message, "en nog 17.000 problemen") {
		t.Errorf("last problem %v", last)
	}
	if res.Problems[0].Path != "rij 2, kolom startYear" {
		t.Errorf("first problem %v", res.Problems[0])
	}
}

// Each attack class on uploads is answered with its code among the first
// problems (the reader's caps come before the rows' problems), at most
// MaxProblems+1 of them, and nothing written.
func TestSubmitFileHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds files of up to 32 MB")
	}
	e := newEnv(t)
	for _, a := range importertest.Attacks() {
		t.Run(a.Name, func(t *testing.T) {
			res, err := e.bank.SubmitFile(context.Background(), limburg, bank.File{
				Name: a.Filename, Body: bytes.NewReader(a.Body), Region: "limburg", Title: "Aanval",
			}, bank.SubmitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Inventory != nil || len(res.Problems) == 0 || len(res.Problems) > importer.MaxProblems+1 {
				t.Fatalf("inventory %v, %d problems", res.Inventory, len(res.Problems))
			}
			found := false
			for _, p := range res.Problems {
				found = found || p.Code == a.Code
			}
			if !found {
				t.Errorf("no %s among %v", a.Code, res.Problems[:min(3, len(res.Problems))])
			}
		})
	}
}
