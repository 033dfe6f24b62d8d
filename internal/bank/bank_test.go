package bank_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

var (
	limburg   = &auth.Principal{Role: auth.RolePlatform, Region: "limburg", TokenID: "tok_lim", Label: "platform limburg"}
	antwerpen = &auth.Principal{Role: auth.RolePlatform, Region: "antwerpen", TokenID: "tok_ant", Label: "platform antwerpen"}
)

type env struct {
	bank  *bank.Bank
	store store.Store
	index *search.Index
}

func newEnv(t testing.TB) env {
	t.Helper()
	dir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "pkb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := search.Open(filepath.Join(dir, "index"), actionplan.Default())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	b, err := bank.New(context.Background(), st, ix, actionplan.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return env{bank: b, store: st, index: ix}
}

func readInventory(t *testing.T, name string) practice.InventoryInput {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in, problems := importer.ReadJSON(f)
	if len(problems) > 0 {
		t.Fatalf("fixture %s: %v", name, problems)
	}
	return in
}

func submit(t *testing.T, e env, who *auth.Principal, in practice.InventoryInput) bank.SubmitResult {
	t.Helper()
	res, err := e.bank.Submit(context.Background(), who, in, bank.SubmitOptions{Source: "test"})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("submit refused: %v", res.Problems)
	}
	return res
}

func counts(r bank.SubmitResult) [3]int { return [3]int{r.Created, r.Updated, r.Unchanged} }

func TestSubmitIsIdempotentAcrossFormats(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := readInventory(t, "limburg.json")

	first := submit(t, e, limburg, in)
	if got := counts(first); got != [3]int{2, 0, 0} {
		t.Fatalf("first submission: created/updated/unchanged = %v, want [2 0 0]", got)
	}
	if first.Inventory == nil || first.Inventory.Principal != "platform limburg" || first.Inventory.Created != 2 {
		t.Fatalf("inventory record = %+v", first.Inventory)
	}
	again := submit(t, e, limburg, in)
	if got := counts(again); got != [3]int{0, 0, 2} {
		t.Fatalf("same JSON again: %v, want [0 0 2]", got)
	}

	// The same practices as a Belgian-Excel CSV (BOM, ';', CRLF) are the same practices.
	f, err := os.Open(filepath.Join("testdata", "limburg.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := e.bank.SubmitFile(ctx, limburg, bank.File{Name: "limburg.csv", Body: f, Region: "limburg", Title: "Inventaris Limburg 2022"}, bank.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("CSV refused: %v", res.Problems)
	}
	if got := counts(res); got != [3]int{0, 0, 2} {
		t.Fatalf("same practices as CSV: %v, want [0 0 2]", got)
	}
	if res.Inventory.Source != "upload.csv" {
		t.Errorf("source = %q, want upload.csv", res.Inventory.Source)
	}

	// And as XLSX, written from the JSON's practices.
	var xlsx bytes.Buffer
	if err := importer.WriteXLSX(&xlsx, in.Practices); err != nil {
		t.Fatal(err)
	}
	res, err = e.bank.SubmitFile(ctx, limburg, bank.File{Name: "limburg.xlsx", Body: &xlsx, Region: "limburg", Title: "Inventaris Limburg 2022"}, bank.SubmitOptions{})
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("XLSX: %v %v", err, res.Problems)
	}
	if got := counts(res); got != [3]int{0, 0, 2} {
		t.Fatalf("same practices as XLSX: %v, want [0 0 2]", got)
	}
	p, ok, err := e.bank.PracticeByRef(ctx, "limburg", "lim-2022-001")
	if err != nil || !ok {
		t.Fatalf("practice by ref: %v %v", ok, err)
	}
	if p.Version != 1 || p.ID != first.Outcomes[0].ID {
		t.Errorf("practice after three submissions: version %d id %s, want version 1 id %s", p.Version, p.ID, first.Outcomes[0].ID)
	}
}

func TestChangedPracticeGetsNextVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := readInventory(t, "limburg.json")
	submit(t, e, limburg, in)

	in.Practices[1].Summary += " Nu ook op zaterdag."
	res := submit(t, e, limburg, in)
	if got := counts(res); got != [3]int{0, 1, 1} {
		t.Fatalf("one changed: %v, want [0 1 1]", got)
	}
	if res.Outcomes[1].Outcome != practice.Updated || res.Outcomes[1].Version != 2 {
		t.Fatalf("outcome of the changed practice = %+v", res.Outcomes[1])
	}
	history, more, err := e.bank.History(ctx, res.Outcomes[1].ID, bank.HistoryPage{})
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].Version != 1 || history[1].Version != 2 || more {
		t.Fatalf("history = %+v (more %v)", history, more)
	}
	if len(history[0].ChangedFields) < 3 {
		t.Errorf("changed fields of version 1 = %v, want every field with a value", history[0].ChangedFields)
	}
	if changed := history[1].ChangedFields; len(changed) != 1 || changed[0] != "summary" {
		t.Errorf("changed fields = %v, want [summary]", changed)
	}
	// A practice absent from a resubmission stays.
	in.Practices = in.Practices[:1]
	submit(t, e, limburg, in)
	if _, ok, _ := e.bank.PracticeByRef(ctx, "limburg", "lim-2022-002"); !ok {
		t.Error("a practice absent from a resubmission disappeared")
	}
}

func TestRefusedSubmissionWritesNothing(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(*practice.InventoryInput)
		wantPath string
		wantCode string
	}{
		{"unknown krachtlijn", func(in *practice.InventoryInput) { in.Practices[1].Krachtlijnen = []string{"NABIJHEID", "SNEL"} }, "practices[1].krachtlijnen[1]", practice.CodeUnknownKrachtlijn},
		{"no krachtlijn", func(in *practice.InventoryInput) { in.Practices[0].Krachtlijnen = nil }, "practices[0].krachtlijnen", practice.CodeRequired},
		{"unknown action", func(in *practice.InventoryInput) { in.Practices[0].Actions = []string{"digitalisering-9"} }, "practices[0].actions[0]", practice.CodeUnknownAction},
		{"unknown challenge", func(in *practice.InventoryInput) { in.Practices[0].Challenges = []string{"armoede"} }, "practices[0].challenges[0]", practice.CodeUnknownChallenge},
		{"duplicate ref", func(in *practice.InventoryInput) { in.Practices[1].Ref = in.Practices[0].Ref }, "practices[1].ref", practice.CodeDuplicateRef},
		{"bad ref", func(in *practice.InventoryInput) { in.Practices[0].Ref = "lim 001" }, "practices[0].ref", practice.CodeInvalidFormat},
		{"title too short", func(in *practice.InventoryInput) { in.Practices[0].Title = "Wt" }, "practices[0].title", practice.CodeTooShort},
		{"summary missing", func(in *practice.InventoryInput) { in.Practices[1].Summary = "  " }, "practices[1].summary", practice.CodeRequired},
		{"end before start", func(in *practice.InventoryInput) { y := 2019; in.Practices[1].EndYear = &y }, "practices[1].endYear", practice.CodeEndBeforeStart},
		{"year out of range", func(in *practice.InventoryInput) { y := 1969; in.Practices[1].StartYear = &y }, "practices[1].startYear", practice.CodeOutOfRange},
		{"ftp link", func(in *practice.InventoryInput) { in.Practices[0].Links = []string{"ftp://example.org/x"} }, "practices[0].links[0]", practice.CodeInvalidFormat},
		{"bad email", func(in *practice.InventoryInput) { in.Practices[0].Contact.Email = "wijkteam at example" }, "practices[0].contact.email", practice.CodeInvalidFormat},
		{"unknown language", func(in *practice.InventoryInput) { in.Practices[0].Language = "de" }, "practices[0].language", practice.CodeUnknownLanguage},
		{"unknown function", func(in *practice.InventoryInput) { in.Practices[0].Functions = []string{"BRUG"} }, "practices[0].functions[0]", practice.CodeUnknownFunction},
		{"other format", func(in *practice.InventoryInput) { in.Format = "praktijkenbank.inventory/v2" }, "format", practice.CodeUnknownFormat},
		{"no practices", func(in *practice.InventoryInput) { in.Practices = nil }, "practices", practice.CodeRequired},
		{"list item with pipe", func(in *practice.InventoryInput) { in.Practices[0].Pitfalls = []string{"a | b"} }, "practices[0].pitfalls[0]", practice.CodeInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			in := readInventory(t, "limburg.json")
			tt.mutate(&in)
			res, err := e.bank.Submit(ctx, limburg, in, bank.SubmitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range res.Problems {
				if p.Path == tt.wantPath && p.Code == tt.wantCode && p.Message != "" {
					found = true
				}
			}
			if !found {
				t.Fatalf("problems = %v, want %s at %s", res.Problems, tt.wantCode, tt.wantPath)
			}
			if res.Inventory != nil {
				t.Error("a refused submission was recorded")
			}
			if seq, _ := e.store.LastSeq(ctx); seq != 0 {
				t.Errorf("a refused submission wrote practices (last seq %d)", seq)
			}
			if invs, _ := e.store.Inventories(ctx, store.InventoryQuery{Limit: 10}); len(invs) != 0 {
				t.Errorf("a refused submission wrote %d inventories", len(invs))
			}
		})
	}
}

func TestEveryProblemAtOnce(t *testing.T) {
	e := newEnv(t)
	in := readInventory(t, "limburg.json")
	in.Practices[0].Krachtlijnen = []string{"SNEL"}
	in.Practices[1].Actions = []string{"bestaat-niet"}
	in.Practices[1].Title = ""
	res, err := e.bank.Submit(context.Background(), limburg, in, bank.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 3 {
		t.Fatalf("got %d problems, want 3: %v", len(res.Problems), res.Problems)
	}
}

// A submission through GraphQL caps its problems as an upload does: the
// first ones, then how many more there are.
func TestSubmitCapsProblems(t *testing.T) {
	e := newEnv(t)
	in := practice.InventoryInput{Region: "limburg", Title: "Te veel fouten"}
	for i := range 600 { // each lacks its title, summary and krachtlijnen
		in.Practices = append(in.Practices, practice.PracticeInput{Ref: fmt.Sprintf("r-%d", i)})
	}
	res, err := e.bank.Submit(context.Background(), limburg, in, bank.SubmitOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != importer.MaxProblems+1 {
		t.Fatalf("%d problems, want %d", len(res.Problems), importer.MaxProblems+1)
	}
	if last := res.Problems[len(res.Problems)-1]; last.Code != practice.CodeMoreProblems || !strings.Contains(last.Message, "en nog 800 problemen") {
		t.Errorf("last problem %v", last)
	}
}

func TestRegionScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := readInventory(t, "limburg.json")
	if _, err := e.bank.Submit(ctx, nil, in, bank.SubmitOptions{}); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous submission: err = %v, want ErrUnauthenticated", err)
	}
	if _, err := e.bank.Submit(ctx, antwerpen, in, bank.SubmitOptions{}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("token of another region: err = %v, want ErrForbidden", err)
	}
	if _, err := e.bank.Submit(ctx, antwerpen, in, bank.SubmitOptions{DryRun: true}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("dry run with a token of another region: err = %v, want ErrForbidden", err)
	}
	if seq, _ := e.store.LastSeq(ctx); seq != 0 {
		t.Fatalf("refused submissions wrote practices (last seq %d)", seq)
	}
	if got := counts(submit(t, e, auth.Admin, in)); got != [3]int{2, 0, 0} {
		t.Errorf("admin submission: %v", got)
	}
}

func TestDryRunPredictsAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := readInventory(t, "limburg.json")
	submit(t, e, limburg, in)
	seq, _ := e.store.LastSeq(ctx)

	in.Practices[0].Title = "Wijkteams in Genk en As"
	in.Practices = append(in.Practices, in.Practices[1])
	in.Practices[2].Ref = "lim-2022-003"
	res, err := e.bank.Submit(ctx, limburg, in, bank.SubmitOptions{DryRun: true})
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("dry run: %v %v", err, res.Problems)
	}
	if got := counts(res); got != [3]int{1, 1, 1} {
		t.Errorf("dry run predicts %v, want [1 1 1]", got)
	}
	if !res.DryRun || res.Inventory != nil {
		t.Errorf("dry run recorded an inventory: %+v", res.Inventory)
	}
	if after, _ := e.store.LastSeq(ctx); after != seq {
		t.Errorf("dry run wrote (seq %d -> %d)", seq, after)
	}
}

func TestRegionalActions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, err := e.bank.PutRegionalAction(ctx, limburg, bank.RegionalActionInput{
		ID: "limburg:buurtpensioen", Title: "Buurtpensioen in elke gemeente", Challenge: "vermaatschappelijking",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Regional() {
		t.Error("a regional action is not marked regional")
	}
	if got, ok := e.bank.Plan().Action("limburg:buurtpensioen"); !ok || got.ChallengeID != "vermaatschappelijking" {
		t.Fatalf("the action plan does not show the regional action: %v %v", got, ok)
	}
	if _, err := e.bank.PutRegionalAction(ctx, antwerpen, bank.RegionalActionInput{
		ID: "limburg:iets", Title: "Iets van Limburg", Challenge: "diversiteit",
	}); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("another region's token adds a Limburg action: err = %v", err)
	}
	if _, err := e.bank.PutRegionalAction(ctx, limburg, bank.RegionalActionInput{
		ID: "buurtpensioen", Title: "Zonder regio", Challenge: "diversiteit",
	}); !errors.Is(err, bank.ErrInvalid) {
		t.Errorf("an id without region: err = %v, want ErrInvalid", err)
	}

	in := readInventory(t, "limburg.json")
	in.Practices[0].Actions = append(in.Practices[0].Actions, "limburg:buurtpensioen")
	submit(t, e, limburg, in)

	other := readInventory(t, "limburg.json")
	other.Region = "antwerpen"
	other.Practices[0].Actions = []string{"limburg:buurtpensioen"}
	res, err := e.bank.Submit(ctx, antwerpen, other, bank.SubmitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Problems[0].Code != practice.CodeForeignAction {
		t.Errorf("citing another region's action: problems = %v, want one FOREIGN_ACTION", res.Problems)
	}
}

func TestWithdraw(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := readInventory(t, "limburg.json")
	res := submit(t, e, limburg, in)
	id := res.Outcomes[0].ID

	if _, err := e.bank.Withdraw(ctx, antwerpen, id, "dubbel"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("withdraw by another region: err = %v, want ErrForbidden", err)
	}
	if _, err := e.bank.Withdraw(ctx, limburg, id, " "); !errors.Is(err, bank.ErrInvalid) {
		t.Errorf("withdraw without reason: err = %v, want ErrInvalid", err)
	}
	p, err := e.bank.Withdraw(ctx, limburg, id, "Het project is gestopt.")
	if err != nil {
		t.Fatal(err)
	}
	if p.Live() || p.Withdrawn.Reason != "Het project is gestopt." || p.Withdrawn.By != "platform limburg" {
		t.Errorf("withdrawn practice = %+v", p.Withdrawn)
	}
	found, err := e.bank.Search(ctx, search.Request{Query: "wijkteams"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range found.Hits {
		if h.ID == id {
			t.Error("a withdrawn practice is still found")
		}
	}
	history, _, _ := e.bank.History(ctx, id, bank.HistoryPage{})
	if len(history) != 2 || history[1].Withdrawn == nil {
		t.Errorf("history after withdrawal = %+v", history)
	}
	if _, err := e.bank.Withdraw(ctx, limburg, id, "nogmaals"); !errors.Is(err, bank.ErrInvalid) {
		t.Errorf("withdrawing twice: err = %v, want ErrInvalid", err)
	}
}

func TestSubmissionIsSearchable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	submit(t, e, limburg, readInventory(t, "limburg.json"))
	res, err := e.bank.Search(ctx, search.Request{Query: "wijkteam"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Practices) != 1 || res.Practices[0].Ref != "lim-2022-001" {
		t.Fatalf("search wijkteam: total %d, practices %v", res.Total, res.Practices)
	}
}
