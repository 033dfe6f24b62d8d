package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// newFullEnv is a server with every part (store, index, analytical view)
// and the fixture's practices, logging to log.
func newFullEnv(t *testing.T, log *slog.Logger) env {
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
	for _, inv := range fixtureInventories(t) {
		res, err := b.Submit(context.Background(), auth.Admin, inv, bank.SubmitOptions{Source: "test"})
		if err != nil || len(res.Problems) > 0 {
			t.Fatalf("%s: %v %v", inv.Region, err, res.Problems)
		}
	}
	a := auth.NewService(st, adminToken, func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)
	h := server.New(server.Deps{Bank: b, Auth: a, Log: log}, server.Defaults())
	return env{handler: h, client: client.New(h, client.Path("/graphql")), auth: a, store: st}
}

// TestUnknownIDsAreNotFound: every field that takes an id answers an
// unknown one with NOT_FOUND (or null, for the nullable lookups), never
// INTERNAL, and nothing is logged as an error.
func TestUnknownIDsAreNotFound(t *testing.T) {
	var logs bytes.Buffer
	e := newFullEnv(t, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	token := adminToken
	cases := []struct {
		query string
		null  bool // a nullable lookup: null without an error
		write bool
	}{
		{`{ similarPractices(id: "nope") { id } }`, false, false},
		{`{ similarPractices(id: "pr_00000000000000000000") { id } }`, false, false},
		{`{ practice(id: "nope") { id } }`, true, false},
		{`{ practiceByRef(region: "limburg", ref: "nope") { id } }`, true, false},
		{`{ node(id: "nope") { id } }`, true, false},
		{`{ node(id: "pr_nope") { id } }`, true, false},
		{`{ inventory(id: "inv_nope") { id } }`, true, false},
		{`{ regionReport(region: "gent", year: 2023) { created } }`, false, false},
		{`mutation { withdrawPractice(id: "pr_nope", reason: "test") { practice { id } } }`, false, true},
		{`mutation { eraseContact(practiceId: "pr_nope") { practice { id } } }`, false, true},
		{`mutation { revokePlatformToken(id: "tok_nope") { platformToken { id } } }`, false, true},
	}
	for _, c := range cases {
		body, _ := json.Marshal(map[string]string{"query": c.query})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		var resp struct {
			Data   map[string]any
			Errors []struct {
				Extensions map[string]any
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%s: %v %s", c.query, err, rec.Body)
		}
		switch {
		case c.null:
			if len(resp.Errors) > 0 || len(resp.Data) != 1 {
				t.Errorf("%s: want null, got %s", c.query, rec.Body)
			}
			for _, v := range resp.Data {
				if v != nil {
					t.Errorf("%s: want null, got %s", c.query, rec.Body)
				}
			}
		case len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "NOT_FOUND":
			t.Errorf("%s: want NOT_FOUND, got %s", c.query, rec.Body)
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("unknown ids were logged as errors:\n%s", logs.String())
	}
}
