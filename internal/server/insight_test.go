package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight/insighttest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// newInsightEnv is a server whose analytical view and search index are fed
// by the bank's writes, with the 12 practices of the insight fixture
// submitted.
func newInsightEnv(t *testing.T, mutate ...func(*server.Options)) env {
	t.Helper()
	dir := t.TempDir()
	st, err := bolt.Open(filepath.Join(dir, "pkb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	plan := actionplan.Default()
	ix, err := search.Open(filepath.Join(dir, "index"), plan)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	var b *bank.Bank
	in := insight.New(func() *actionplan.Plan { return b.Plan() })
	b, err = bank.New(context.Background(), st, ix, plan, nil,
		bank.WithInsight(in))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	for _, inv := range fixtureInventories(t) {
		res, err := b.Submit(context.Background(), auth.Admin, inv, bank.SubmitOptions{Source: "test"})
		if err != nil || len(res.Problems) > 0 {
			t.Fatalf("%s: %v %v", inv.Region, err, res.Problems)
		}
	}
	a := auth.NewService(st, adminToken, func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)
	opts := server.Defaults()
	for _, m := range mutate {
		m(&opts)
	}
	h := server.New(server.Deps{Bank: b, Auth: a, Log: slog.New(slog.DiscardHandler)}, opts)
	return env{handler: h, client: client.New(h, client.Path("/graphql")), auth: a, store: st}
}

func fixtureInventories(t *testing.T) []practice.InventoryInput {
	t.Helper()
	invs, err := insighttest.Inventories()
	if err != nil {
		t.Fatal(err)
	}
	return invs
}

func TestGraphQLSuccessFactors(t *testing.T) {
	e := newInsightEnv(t)
	var resp struct {
		SuccessFactors []struct {
			Text      string
			Count     int
			Total     int
			Variants  []string
			Practices struct {
				Total int
				Edges []struct{ Node struct{ Ref string } }
			}
		}
		Antwerpen []struct {
			Text  string
			Count int
		}
		Pitfalls []struct {
			Text  string
			Count int
		}
	}
	e.client.MustPost(`{
  successFactors(first: 3) { text count total variants practices(first: 2) { total edges { node { ref } } } }
  antwerpen: successFactors(filter: { regions: ["antwerpen"] }) { text count }
  pitfalls(filter: { krachtlijnen: [NABIJHEID] }, first: 1) { text count }
}`, &resp)
	sf := resp.SuccessFactors
	if len(sf) != 3 || sf[0].Text != "Vertrouwen opbouwen met de buurt" || sf[0].Count != 5 || sf[0].Total != 5 || len(sf[0].Variants) != 4 {
		t.Fatalf("successFactors = %+v", sf)
	}
	if sf[1].Text != "Vaste contactpersoon" || sf[1].Count != 4 || sf[2].Count != 2 {
		t.Errorf("successFactors = %+v", sf)
	}
	if sf[0].Practices.Total != 5 || len(sf[0].Practices.Edges) != 2 {
		t.Errorf("practices = %+v", sf[0].Practices)
	}
	counts := map[int]int{}
	for _, g := range resp.Antwerpen {
		counts[g.Count]++
	}
	if len(resp.Antwerpen) != 3 || counts[3] != 1 || counts[2] != 1 || counts[1] != 1 {
		t.Errorf("antwerpen = %+v", resp.Antwerpen)
	}
	// NABIJHEID: ant-01, ant-02, lim-03, bru-01 have the administratie pitfall.
	if len(resp.Pitfalls) != 1 || resp.Pitfalls[0].Count != 4 {
		t.Errorf("pitfalls = %+v", resp.Pitfalls)
	}

	var bad struct{ SuccessFactors []struct{ Text string } }
	err := e.client.Post(`{ successFactors(filter: { regions: ["gent"] }) { text } }`, &bad)
	if err == nil || !strings.Contains(err.Error(), "BAD_USER_INPUT") || !strings.Contains(err.Error(), "Onbekende regio") {
		t.Errorf("unknown region: %v", err)
	}
}

func TestGraphQLDistinctiveAndTerms(t *testing.T) {
	e := newInsightEnv(t)
	var resp struct {
		DistinctiveFactors []struct {
			Text  string
			Count int
			Lift  float64
		}
		FactorTerms []struct {
			Term  string
			Count int
		}
	}
	e.client.MustPost(`{
  distinctiveFactors(kind: SUCCESS_FACTOR, filter: { regions: ["antwerpen"] }) { text count lift }
  factorTerms(kind: SUCCESS_FACTOR, first: 3) { term count }
}`, &resp)
	d := resp.DistinctiveFactors
	if len(d) != 2 || d[0].Count != 3 || d[0].Lift < 1.79 || d[0].Lift > 1.81 || d[1].Count != 2 || d[1].Lift != 1.5 {
		t.Errorf("distinctive = %+v", d)
	}
	if len(resp.FactorTerms) != 3 || resp.FactorTerms[0].Term != "buurt" || resp.FactorTerms[0].Count != 5 {
		t.Errorf("terms = %+v", resp.FactorTerms)
	}
}

func TestGraphQLCoverage(t *testing.T) {
	e := newInsightEnv(t)
	var resp struct {
		Coverage struct {
			Rows    []struct{ ID, Label string }
			Columns []struct{ ID, Label string }
			Counts  [][]int
			Total   int
		}
		Diagonal   struct{ Counts [][]int }
		ActionPlan struct {
			Actions []struct {
				ID      string
				All     int
				Limburg int
			}
		}
	}
	e.client.MustPost(`{
  coverage(rows: REGION, columns: KRACHTLIJN) { rows { id label } columns { id label } counts total }
  diagonal: coverage(rows: REGION, columns: REGION) { counts }
  actionPlan { actions { id all: practiceCount limburg: practiceCount(region: "limburg") } }
}`, &resp)
	c := resp.Coverage
	want := [][]int{{2, 1, 1, 0, 2}, {2, 1, 0, 2, 0}, {1, 0, 1, 0, 1}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {1, 0, 0, 0, 1}}
	if len(c.Rows) != 6 || c.Rows[0].Label != "Antwerpen" || c.Columns[0].ID != "NABIJHEID" || c.Total != 12 {
		t.Fatalf("coverage = %+v", c)
	}
	for i := range want {
		for j := range want[i] {
			if c.Counts[i][j] != want[i][j] {
				t.Errorf("counts[%s][%s] = %d, want %d", c.Rows[i].ID, c.Columns[j].ID, c.Counts[i][j], want[i][j])
			}
		}
	}
	for i, row := range resp.Diagonal.Counts {
		for j, n := range row {
			if w := []int{4, 4, 3, 0, 0, 1}[i]; (i == j && n != w) || (i != j && n != 0) {
				t.Errorf("diagonal[%d][%d] = %d", i, j, n)
			}
		}
	}
	got := map[string][2]int{}
	for _, a := range resp.ActionPlan.Actions {
		got[a.ID] = [2]int{a.All, a.Limburg}
	}
	if got["vertrouwen-1"] != [2]int{3, 1} || got["digitalisering-3"] != [2]int{2, 1} || got["innovatie-1"] != [2]int{0, 0} {
		t.Errorf("practiceCount = %v", got)
	}
}

func TestGraphQLRegionReport(t *testing.T) {
	e := newInsightEnv(t)
	year := time.Now().Year() // the fixture was submitted now: every practice is new this year
	var resp struct {
		RegionReport struct {
			Region            struct{ Name string }
			Practices         int
			Created           int
			Updated           int
			Gaps              []struct{ ID string }
			TopSuccessFactors []struct {
				Text  string
				Count int
			}
		}
	}
	e.client.MustPost(`query($y: Int!) { regionReport(region: "antwerpen", year: $y) {
  region { name } practices created updated gaps { id } topSuccessFactors { text count } } }`, &resp, client.Var("y", year))
	r := resp.RegionReport
	if r.Region.Name != "Antwerpen" || r.Practices != 4 || r.Created != 4 || r.Updated != 0 || len(r.Gaps) != 12 || r.TopSuccessFactors[0].Count != 3 {
		t.Errorf("report = %+v", r)
	}
	err := e.client.Post(`{ regionReport(region: "gent", year: 2023) { practices } }`, &resp)
	if err == nil || !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Errorf("unknown region: %v", err)
	}
}

func TestExportsThroughTheServer(t *testing.T) {
	e := newInsightEnv(t)
	get := func(path, token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, r)
		return w
	}
	anon := get("/export.json?regions=antwerpen", "")
	if anon.Code != 200 || strings.Contains(anon.Body.String(), "an.peeters@debrug.example") || strings.Contains(anon.Body.String(), "+32 3 123 45 67") {
		t.Errorf("anonymous export: %d, personal data: %v", anon.Code, strings.Contains(anon.Body.String(), "@debrug"))
	}
	// The contact policy: a region's own platform gets its contacts, another's does not.
	other := get("/export.json?regions=antwerpen", platformToken(t, e, "limburg"))
	if other.Code != 200 || strings.Contains(other.Body.String(), "an.peeters@debrug.example") {
		t.Errorf("export with another region's token: %d, personal data: %v", other.Code, strings.Contains(other.Body.String(), "@debrug"))
	}
	withTok := get("/export.json?regions=antwerpen", platformToken(t, e, "antwerpen"))
	if withTok.Code != 200 || !strings.Contains(withTok.Body.String(), "an.peeters@debrug.example") || !strings.Contains(withTok.Body.String(), "+32 3 123 45 67") {
		t.Errorf("export with the region's token: %d lacks the contact", withTok.Code)
	}
	csv := get("/export.csv?regions=antwerpen", adminToken)
	if csv.Code != 200 || !strings.Contains(csv.Body.String(), "an.peeters@debrug.example") {
		t.Errorf("csv with the admin token: %d", csv.Code)
	}
	if w := get("/export.csv", "pkb_not-a-token"); w.Code != 401 {
		t.Errorf("bad token: %d", w.Code)
	}
	bad := get("/export.csv?regions=gent", "")
	raw, _ := io.ReadAll(bad.Body)
	if bad.Code != 400 || !strings.Contains(string(raw), `"code":"UNKNOWN_REGION"`) || !strings.Contains(string(raw), "Onbekende regio") {
		t.Errorf("unknown region: %d %s", bad.Code, raw)
	}
}
