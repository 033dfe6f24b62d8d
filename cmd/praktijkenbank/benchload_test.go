package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

func TestBenchLoadInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("fills an index and sends searches for a second")
	}
	rate := strconv.Itoa(40 / raceSlowdown)
	out, err := runCmd(t, nil, "bench", "load", "--settle", "0s", "--n", "300", "--rate", rate, "--duration", "1s")
	if err != nil {
		t.Fatalf("bench load: %v\n%s", err, out)
	}
	for _, want := range []string{"300 gegenereerde praktijken", "verstuurd " + rate + " ", "fouten 0,", "p99"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestGeneratedInventoriesAreValid(t *testing.T) {
	invs := generatedInventories(search.GenerateCorpus(12_000, 3)[:11_000], "Test")
	total := 0
	for _, in := range invs {
		if n := len(in.Practices); n == 0 || n > maxInventoryPractices {
			t.Errorf("inventory of %s has %d practices", in.Region, n)
		}
		total += len(in.Practices)
		if _, problems := practice.Validate(in, actionplan.Default()); len(problems) > 0 {
			t.Errorf("inventory of %s is refused: %v", in.Region, problems[:min(3, len(problems))])
		}
	}
	if total != 11_000 {
		t.Errorf("%d practices in the inventories, want 11000", total)
	}
}

// TestBenchSearchSmall runs the search benchmark on a small corpus: it
// builds the index from the store, checks that GraphQL and the index agree
// on every search's total (it fails otherwise) and prints every figure.
func TestBenchSearchSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index and runs the search set")
	}
	out, err := runCmd(t, nil, "bench", "search", "--n", "400", "--rounds", "1", "--settle", "0s", "--per-query")
	if err != nil {
		t.Fatalf("bench search: %v\n%s", err, out)
	}
	for _, want := range []string{"400 praktijken:", "praktijken/s", "MiB op schijf", "piek-RSS", "rechtstreeks op de index: p50", "via HTTP GraphQL:", "verhouding GraphQL/index", "postinglijsten:", "uit de cache", `"werken in de buurt"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := runCmd(t, nil, "bench", "search", "--n", "0"); err == nil {
		t.Error("--n 0 accepted")
	}
	for _, bad := range []string{"-1", "1001"} {
		if _, err := runCmd(t, nil, "bench", "search", "--n", "10", "--distinct", bad); err == nil {
			t.Errorf("--distinct %s accepted", bad)
		}
	}
	for _, bad := range []string{"-1", "4097"} {
		if _, err := runCmd(t, nil, "bench", "search", "--n", "10", "--postings-cache", bad); err == nil {
			t.Errorf("--postings-cache %s accepted", bad)
		}
	}
}

// TestBenchSearchDistinct runs the distinct searches: each once per round,
// every one different, and GraphQL agreeing with the index on their totals.
func TestBenchSearchDistinct(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index and runs the searches")
	}
	out, err := runCmd(t, nil, "bench", "search", "--n", "300", "--rounds", "1", "--settle", "0s", "--distinct", "40", "--per-query")
	if err != nil {
		t.Fatalf("bench search --distinct: %v\n%s", err, out)
	}
	if !strings.Contains(out, "40 zoekopdrachten × 1 rondes") {
		t.Errorf("output does not run 40 searches:\n%s", out)
	}
	lines := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, `  "`) {
			lines++
		}
	}
	if lines != 40 {
		t.Errorf("%d searches listed, want 40:\n%s", lines, out)
	}
	a, b := distinctSearches(160, 1), distinctSearches(160, 1)
	if !reflect.DeepEqual(a, b) {
		t.Error("the distinct searches differ for the same seed")
	}
	seen := map[string]bool{}
	filtered := 0
	for _, s := range a {
		seen[fmt.Sprint(s.q, s.filter)] = true
		if s.String() != fmt.Sprintf("%q", s.q) {
			filtered++
		}
	}
	if filtered < 160/5 || filtered > 160/2 {
		t.Errorf("%d of 160 distinct searches have a filter, want about a third", filtered)
	}
	if len(seen) != 160 {
		t.Errorf("%d different of 160 distinct searches", len(seen))
	}
}
