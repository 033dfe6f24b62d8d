package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/metrics"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

const adminToken = "test-admin-token-0123456789"

type env struct {
	handler http.Handler
	client  *client.Client
	auth    *auth.Service
	store   store.Store
}

func newEnv(t *testing.T, mutate ...func(*server.Options)) env {
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
	m := metrics.New()
	measured := m.Store(st)
	b, err := bank.New(context.Background(), measured, ix, plan, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(st, adminToken, func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)
	opts := server.Defaults()
	opts.Ready = func(ctx context.Context) error { return measured.Ping(ctx) }
	opts.CORSOrigins = []string{"https://sociaalwerk.example"}
	for _, m := range mutate {
		m(&opts)
	}
	h := server.New(server.Deps{Bank: b, Auth: a, Log: slog.New(slog.DiscardHandler), Metrics: m}, opts)
	return env{handler: h, client: client.New(h, client.Path("/graphql")), auth: a, store: st}
}

func bearer(token string) client.Option { return client.AddHeader("Authorization", "Bearer "+token) }

func platformToken(t *testing.T, e env, region string) string {
	t.Helper()
	var resp struct {
		CreatePlatformToken struct{ Token string }
	}
	e.client.MustPost(`mutation($r: ID!) { createPlatformToken(region: $r, label: "test") { token } }`, &resp,
		client.Var("r", region), bearer(adminToken))
	if !strings.HasPrefix(resp.CreatePlatformToken.Token, auth.TokenPrefix) {
		t.Fatalf("token = %q", resp.CreatePlatformToken.Token)
	}
	return resp.CreatePlatformToken.Token
}

func inventoryVar(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "bank", "testdata", "limburg.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

const submitMutation = `mutation($in: InventoryInput!, $dry: Boolean) {
  submitInventory(input: $in, dryRun: $dry) {
    inventory { id created updated unchanged region { id } }
    errors { path code message }
    created updated unchanged dryRun
  }
}`

type submitResp struct {
	SubmitInventory struct {
		Inventory *struct {
			ID                          string
			Created, Updated, Unchanged int
			Region                      struct{ ID string }
		}
		Errors                      []struct{ Path, Code, Message string }
		Created, Updated, Unchanged int
		DryRun                      bool
	}
}

func TestActionPlan(t *testing.T) {
	e := newEnv(t)
	var resp struct {
		ActionPlan struct {
			Krachtlijnen []struct{ Code, Name, Description string }
			Challenges   []struct {
				ID, Section, Kind string
				Actions           []struct {
					ID          string
					Title       string
					Initiatives []struct{ ID, Text string }
				}
			}
			Regions       []struct{ ID, Name string }
			Functions     []struct{ Code string }
			ImpactDomains []struct{ Code string }
			Spearheads    []struct{ ID string }
		}
	}
	e.client.MustPost(`{ actionPlan {
		krachtlijnen { code name description }
		challenges { id section kind actions { id title initiatives { id text } } }
		regions { id name } functions { code } impactDomains { code } spearheads { id } } }`, &resp)
	p := resp.ActionPlan
	uitdagingen, actions, initiatives := 0, 0, 0
	for _, c := range p.Challenges {
		if c.Kind == "UITDAGING" {
			uitdagingen++
		}
		actions += len(c.Actions)
		for _, a := range c.Actions {
			initiatives += len(a.Initiatives)
		}
	}
	got := []int{len(p.Krachtlijnen), len(p.Challenges), uitdagingen, actions, initiatives, len(p.Regions), len(p.Functions), len(p.ImpactDomains), len(p.Spearheads)}
	want := []int{5, 11, 8, 17, 76, 6, 3, 4, 9}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("counts (krachtlijnen, challenges, uitdagingen, actions, initiatives, regions, functions, impact domains, spearheads) = %v, want %v", got, want)
		}
	}
	if p.Challenges[1].ID != "digitalisering" || p.Challenges[1].Actions[2].ID != "digitalisering-3" {
		t.Errorf("4.2 Actie 3 = %s / %s", p.Challenges[1].ID, p.Challenges[1].Actions[2].ID)
	}
}

func TestNode(t *testing.T) {
	e := newEnv(t)
	for id, typename := range map[string]string{
		"digitalisering": "Challenge", "onderbescherming-2": "Action", "digitalisering-1.1": "Initiative",
		"limburg": "Region", "2022-2024-1": "Spearhead",
	} {
		var resp struct {
			Node *struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		e.client.MustPost(`query($id: ID!) { node(id: $id) { __typename id } }`, &resp, client.Var("id", id))
		if resp.Node == nil || resp.Node.Typename != typename || resp.Node.ID != id {
			t.Errorf("node(%q) = %+v, want a %s", id, resp.Node, typename)
		}
	}
	var resp struct{ Node *struct{ ID string } }
	e.client.MustPost(`{ node(id: "bestaat-niet") { id } }`, &resp)
	if resp.Node != nil {
		t.Errorf("unknown id gave %+v", resp.Node)
	}
}

func TestSubmitSearchAndRead(t *testing.T) {
	e := newEnv(t)
	token := platformToken(t, e, "limburg")
	in := inventoryVar(t)

	var first submitResp
	e.client.MustPost(submitMutation, &first, client.Var("in", in), bearer(token))
	s := first.SubmitInventory
	if len(s.Errors) > 0 || s.Inventory == nil || s.Inventory.Created != 2 || s.Inventory.Region.ID != "limburg" {
		t.Fatalf("first submission = %+v", s)
	}
	var again submitResp
	e.client.MustPost(submitMutation, &again, client.Var("in", in), bearer(token))
	if again.SubmitInventory.Inventory == nil || again.SubmitInventory.Inventory.Unchanged != 2 {
		t.Fatalf("resubmission = %+v", again.SubmitInventory)
	}

	var found struct {
		SearchPractices struct {
			Total int
			Edges []struct {
				Node struct {
					ID, Title string
					Region    struct{ Name string }
					Actions   []struct{ ID string }
					Inventory struct{ ID string }
					History   []struct {
						Version       int
						ChangedFields []string
					}
				}
				Highlights []struct {
					Field     string
					Fragments []string
				}
			}
			Facets struct {
				Regions []struct {
					Value string
					Count int
				}
			}
		}
	}
	e.client.MustPost(`{ searchPractices(query: "wijkteam", filter: { regions: ["limburg"] }) {
		total edges { node { id title region { name } actions { id } inventory { id } history { version changedFields } }
		highlights { field fragments } } facets { regions { value count } } } }`, &found)
	sp := found.SearchPractices
	if sp.Total != 1 || sp.Edges[0].Node.Title != "Wijkteams in Genk" || sp.Edges[0].Node.Region.Name != "Limburg" {
		t.Fatalf("search = %+v", sp)
	}
	if sp.Edges[0].Node.Inventory.ID != s.Inventory.ID || len(sp.Edges[0].Node.History) != 1 {
		t.Errorf("inventory/history of the hit = %+v", sp.Edges[0].Node)
	}
	if len(sp.Edges[0].Highlights) == 0 || !strings.Contains(strings.Join(sp.Edges[0].Highlights[0].Fragments, ""), "<mark>") {
		t.Errorf("highlights = %+v", sp.Edges[0].Highlights)
	}

	// No practice has both words: the result is partial, the strict one empty.
	var partial, strict struct {
		SearchPractices struct {
			Total   int
			Partial bool
		}
	}
	e.client.MustPost(`{ searchPractices(query: "wijkteams qzxonbekend") { total partial } }`, &partial)
	e.client.MustPost(`{ searchPractices(query: "wijkteams qzxonbekend", strict: true) { total partial } }`, &strict)
	if p := partial.SearchPractices; p.Total == 0 || !p.Partial {
		t.Errorf("partial search = %+v", p)
	}
	if s := strict.SearchPractices; s.Total != 0 || s.Partial {
		t.Errorf("strict search = %+v", s)
	}

	var byID struct {
		Practice *struct {
			Ref     string
			Version int
		}
	}
	e.client.MustPost(`query($id: ID!) { practice(id: $id) { ref version } }`, &byID, client.Var("id", sp.Edges[0].Node.ID))
	if byID.Practice == nil || byID.Practice.Ref != "lim-2022-001" || byID.Practice.Version != 1 {
		t.Errorf("practice(id) = %+v", byID.Practice)
	}

	var invs struct {
		Inventories struct {
			Edges []struct {
				Node struct {
					ID        string
					Total     int
					Principal string
				}
			}
		}
	}
	e.client.MustPost(`{ inventories(region: "limburg") { edges { node { id total principal } } } }`, &invs)
	if len(invs.Inventories.Edges) != 2 || invs.Inventories.Edges[0].Node.ID != again.SubmitInventory.Inventory.ID {
		t.Errorf("inventories newest first = %+v", invs.Inventories.Edges)
	}

	// An inventory's practices page one at a time, each exactly once.
	type page struct {
		Inventories struct {
			Edges []struct {
				Node struct {
					Practices struct {
						Total int
						Edges []struct {
							Node   struct{ Ref string }
							Cursor string
						}
						PageInfo struct {
							HasNextPage bool
							EndCursor   *string
						}
					}
				}
			}
		}
	}
	var refs []string
	var after *string
	for range 10 {
		var pg page
		e.client.MustPost(`query($after: String) { inventories(region: "limburg", first: 1) { edges { node {
			practices(first: 1, after: $after) { total edges { node { ref } cursor } pageInfo { hasNextPage endCursor } } } } } }`,
			&pg, client.Var("after", after))
		ps := pg.Inventories.Edges[0].Node.Practices
		if ps.Total != invs.Inventories.Edges[0].Node.Total || len(ps.Edges) != 1 || ps.PageInfo.EndCursor == nil || *ps.PageInfo.EndCursor != ps.Edges[0].Cursor {
			t.Fatalf("inventory practices page = %+v", ps)
		}
		refs = append(refs, ps.Edges[0].Node.Ref)
		if !ps.PageInfo.HasNextPage {
			break
		}
		after = ps.PageInfo.EndCursor
	}
	if len(refs) != invs.Inventories.Edges[0].Node.Total || len(slices.Compact(slices.Sorted(slices.Values(refs)))) != len(refs) {
		t.Errorf("inventory practices paged as %q, want %d different", refs, invs.Inventories.Edges[0].Node.Total)
	}
}

func TestSubmissionErrorsAreData(t *testing.T) {
	e := newEnv(t)
	in := inventoryVar(t)
	in["practices"].([]any)[0].(map[string]any)["krachtlijnen"] = []string{"ONBEKEND"}
	var resp submitResp
	e.client.MustPost(submitMutation, &resp, client.Var("in", in), bearer(adminToken))
	errs := resp.SubmitInventory.Errors
	if resp.SubmitInventory.Inventory != nil || len(errs) != 1 || errs[0].Path != "practices[0].krachtlijnen[0]" || errs[0].Code != "UNKNOWN_KRACHTLIJN" {
		t.Fatalf("payload = %+v", resp.SubmitInventory)
	}
}

func TestWriteAuthorisation(t *testing.T) {
	e := newEnv(t)
	antwerpen := platformToken(t, e, "antwerpen")
	in := inventoryVar(t)
	tests := []struct {
		name string
		opts []client.Option
		code string
	}{
		{"no token", nil, "UNAUTHENTICATED"},
		{"other region", []client.Option{bearer(antwerpen)}, "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp submitResp
			err := e.client.Post(submitMutation, &resp, append(tt.opts, client.Var("in", in))...)
			if err == nil || !strings.Contains(err.Error(), tt.code) {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
		})
	}
	if seq, _ := e.store.LastSeq(context.Background()); seq != 0 {
		t.Errorf("refused writes wrote practices (seq %d)", seq)
	}
	// Platform tokens cannot make tokens; a revoked token stops working.
	var resp struct{ CreatePlatformToken struct{ Token string } }
	if err := e.client.Post(`mutation { createPlatformToken(region: "antwerpen") { token } }`, &resp, bearer(antwerpen)); err == nil || !strings.Contains(err.Error(), "FORBIDDEN") {
		t.Errorf("platform token creating tokens: err = %v", err)
	}
}

func TestBadTokenIsRefusedWhole(t *testing.T) {
	e := newEnv(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ actionPlan { regions { id } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer pkb_forged")
	e.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "UNAUTHENTICATED") {
		t.Fatalf("forged token: %d %s", rec.Code, rec.Body)
	}
}

func TestUploadCSV(t *testing.T) {
	e := newEnv(t)
	token := platformToken(t, e, "limburg")
	csv, err := os.ReadFile(filepath.Join("..", "bank", "testdata", "limburg.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ops := `{"query":"mutation($f: Upload!) { uploadInventory(file: $f, region: \"limburg\", title: \"Inventaris\") { inventory { created } errors { path code } } }","variables":{"f":null}}`
	body, ct := multipartBody(t, ops, "limburg.csv", csv)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	e.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"created":2`) {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
}

func multipartBody(t *testing.T, operations, filename string, file []byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("operations", operations)
	_ = w.WriteField("map", `{"0":["variables.f"]}`)
	part, err := w.CreateFormFile("0", filename)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(file)
	w.Close()
	return &buf, w.FormDataContentType()
}

func TestLimits(t *testing.T) {
	e := newEnv(t, func(o *server.Options) { o.MaxBodyBytes = 4096 })
	post := func(body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name, body, want string
		status           int
	}{
		{"body over the limit", `{"query":"{ actionPlan { regions { id } } }","x":"` + strings.Repeat("a", 5000) + `"}`, "BAD_USER_INPUT", http.StatusRequestEntityTooLarge},
		{"first over the cap", `{"query":"{ searchPractices(first: 1000) { total } }"}`, "BAD_USER_INPUT", http.StatusOK},
		{"too deep", `{"query":"{ actionPlan { challenges { actions { challenge { actions { challenge { actions { challenge { actions { challenge { actions { challenge { actions { id } } } } } } } } } } } } } }"}`, "de query is te diep genest", http.StatusOK},
		{"not JSON", `{"query": `, "", http.StatusBadRequest},
		{"syntax error", `{"query":"{ actionPlan { "}`, "BAD_USER_INPUT", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(tt.body)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Fatalf("%d %.300s, want %d with %q", rec.Code, rec.Body, tt.status, tt.want)
			}
			if strings.Contains(rec.Body.String(), "goroutine") {
				t.Error("a stack trace leaked")
			}
		})
	}
}

func TestCORS(t *testing.T) {
	e := newEnv(t)
	for origin, allowed := range map[string]bool{"https://sociaalwerk.example": true, "https://evil.example": false} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		e.handler.ServeHTTP(rec, req)
		got := rec.Header().Get("Access-Control-Allow-Origin")
		if (got == origin) != allowed || rec.Header().Get("Access-Control-Allow-Credentials") == "true" {
			t.Errorf("origin %s: allow-origin %q credentials %q", origin, got, rec.Header().Get("Access-Control-Allow-Credentials"))
		}
	}
}

func TestHealth(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
}

func TestRateLimitsPerClientAndKind(t *testing.T) {
	e := newEnv(t, func(o *server.Options) {
		o.RateLimits = server.RateLimits{ReadsPerSecond: 0.01, ReadBurst: 2, WritesPerMinute: 0.01, WriteBurst: 1}
	})
	token := platformToken(t, e, "limburg")
	query := func(remote, body string) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if strings.Contains(body, "mutation") {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.RemoteAddr = remote
		e.handler.ServeHTTP(rec, req)
		return rec.Body.String()
	}
	read := `{"query":"{ actionPlan { regions { id } } }"}`
	write := `{"query":"mutation { withdrawPractice(id: \"pr_x\", reason: \"x\") { practice { id } } }"}`
	for i := 0; i < 2; i++ {
		if got := query("192.0.2.1:1000", read); strings.Contains(got, "RATE_LIMITED") {
			t.Fatalf("read %d within the burst was limited: %s", i, got)
		}
	}
	got := query("192.0.2.1:1001", read)
	if !strings.Contains(got, `"code":"RATE_LIMITED"`) || !strings.Contains(got, `"retryAfter"`) {
		t.Fatalf("third read: %s", got)
	}
	if got := query("192.0.2.2:1000", read); strings.Contains(got, "RATE_LIMITED") {
		t.Errorf("another client was limited: %s", got)
	}
	// Writes have their own, stricter budget on top of the requests': the
	// second write of a client with requests to spare is refused.
	if got := query("192.0.2.3:1002", write); strings.Contains(got, "RATE_LIMITED") {
		t.Errorf("first write was limited: %s", got)
	}
	if got := query("192.0.2.3:1003", write); !strings.Contains(got, "RATE_LIMITED") {
		t.Errorf("second write was not limited: %s", got)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	var out map[string]any
	e.client.MustPost(`{ actionPlan { regions { id } } }`, &out)
	_ = e.client.Post(`{ practice(id: "pr_x") { nietBestaand } }`, &out)
	e.handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/readyz", nil))
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`praktijkenbank_graphql_field_duration_seconds_count{field="Query.actionPlan"} 1`,
		`praktijkenbank_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`praktijkenbank_store_duration_seconds_count{method="Ping"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q; it has:\n%s", want, grepLines(body, "praktijkenbank_"))
		}
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestEraseContact(t *testing.T) {
	e := newEnv(t)
	token := platformToken(t, e, "limburg")
	var sub submitResp
	e.client.MustPost(submitMutation, &sub, client.Var("in", inventoryVar(t)), bearer(token))
	id := practiceIDOf(t, e, "lim-2022-001")

	var resp struct {
		EraseContact struct {
			Practice struct {
				Contact struct{ Organisation, Email, Website *string }
			}
		}
	}
	const erase = `mutation($id: ID!) { eraseContact(practiceId: $id) { practice { contact { organisation email website } } } }`
	if err := e.client.Post(erase, &resp, client.Var("id", id), bearer(token)); err == nil || !strings.Contains(err.Error(), "FORBIDDEN") {
		t.Fatalf("a platform erased a contact: %v", err)
	}
	e.client.MustPost(erase, &resp, client.Var("id", id), bearer(adminToken))
	c := resp.EraseContact.Practice.Contact
	if (c.Email != nil && *c.Email != "") || c.Organisation == nil || *c.Organisation != "OCMW Genk" {
		t.Fatalf("contact after erasure = %+v", c)
	}
	history, err := e.store.History(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range history {
		if r.Content.Contact != nil && (r.Content.Contact.Email != "" || r.Content.Contact.Phone != "") {
			t.Errorf("version %d still has personal data: %+v", r.Version, r.Content.Contact)
		}
	}
}

func practiceIDOf(t *testing.T, e env, ref string) string {
	t.Helper()
	var resp struct{ PracticeByRef *struct{ ID string } }
	e.client.MustPost(`query($ref: String!) { practiceByRef(region: "limburg", ref: $ref) { id } }`, &resp, client.Var("ref", ref))
	if resp.PracticeByRef == nil {
		t.Fatalf("no practice %s", ref)
	}
	return resp.PracticeByRef.ID
}

func TestGraphiQLIsServedFromTheBinary(t *testing.T) {
	e := newEnv(t)
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphiql", nil))
	page := rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(page, "cdn.") || strings.Contains(page, "unpkg") {
		t.Fatalf("/graphiql: %d, external assets in %q", rec.Code, page)
	}
	for _, asset := range []string{"graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "init.js"} {
		for _, gzip := range []bool{true, false} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/graphiql/assets/"+asset, nil)
			if gzip {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			e.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || rec.Body.Len() < 500 || !strings.Contains(page, asset) {
				t.Errorf("%s (gzip %v): %d, %d bytes", asset, gzip, rec.Code, rec.Body.Len())
			}
			if !gzip && asset == "graphiql.min.js" && !strings.Contains(rec.Body.String(), "GraphiQL") {
				t.Errorf("%s not decompressed for a client without gzip", asset)
			}
		}
	}
}

func TestIntrospectionDespiteTheDepthLimit(t *testing.T) {
	e := newEnv(t)
	var resp map[string]any
	// The depth of GraphiQL's introspection query (ofType nesting).
	e.client.MustPost(`{ __schema { types { name fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }`, &resp)
	if resp["__schema"] == nil {
		t.Fatal("no schema")
	}
}
