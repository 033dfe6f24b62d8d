package server_test

// Attack classes of issue 13 that the history, rate limits and codes answer:
// each is sent over real HTTP to the real handler in a real http.Server, and
// must be answered with a correct result or a coded refusal within a second,
// allocating a bounded amount of memory, after which the server still serves.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// attackBudget is what one attack may allocate in the whole process (the
// server's work and the test client's).
const attackBudget = 64 << 20

// servedBudget is what one answer a flood gets served may allocate.
const servedBudget = 512 << 10

func startAttackServer(t *testing.T, mutate ...func(*server.Options)) (env, string) {
	t.Helper()
	e := newEnv(t, mutate...)
	srv := server.HTTPServer(e.handler, server.DefaultTimeouts())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return e, "http://" + ln.Addr().String()
}

type attackAnswer struct {
	status int
	body   []byte
	took   time.Duration
	header http.Header
}

func attack(t *testing.T, method, url, ctype string, body []byte) attackAnswer {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return attackAnswer{status: resp.StatusCode, body: raw, took: time.Since(start), header: resp.Header}
}

// TestAttackHistoryOfManyVersions: history with changedFields eight times
// over on a practice with 250 versions is answered correctly, fast and
// within the memory budget (it was quadratic: every revision reloaded the
// whole history).
func TestAttackHistoryOfManyVersions(t *testing.T) {
	e, url := startAttackServer(t)
	in := inventoryVar(t)
	in["practices"] = in["practices"].([]any)[:1]
	for v := 1; v <= 250; v++ {
		in["practices"].([]any)[0].(map[string]any)["summary"] = fmt.Sprintf("Versie %d.", v)
		var sub submitResp
		e.client.MustPost(submitMutation, &sub, client.Var("in", in), bearer(adminToken))
	}
	id := practiceIDOf(t, e, "lim-2022-001")
	var q strings.Builder
	q.WriteString("query($id: ID!) { practice(id: $id) { ")
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&q, "h%d: history { version changedFields } ", i)
	}
	q.WriteString("} }")
	body, _ := json.Marshal(map[string]any{"query": q.String(), "variables": map[string]string{"id": id}})
	var a attackAnswer
	n := allocated(func() { a = attack(t, http.MethodPost, url+"/graphql", "application/json", body) })
	if a.took > time.Second || n > attackBudget {
		t.Errorf("history x8 took %s and allocated %d MiB", a.took, n>>20)
	}
	var out struct {
		Data struct {
			Practice map[string][]struct {
				Version       int
				ChangedFields []string
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(a.body, &out); err != nil || len(out.Errors) > 0 || len(out.Data.Practice) != 8 {
		t.Fatalf("answer: %v %.300s", err, a.body)
	}
	for alias, revs := range out.Data.Practice {
		// The first page: versions 1-100, each with what it changed.
		if len(revs) != 100 || revs[0].Version != 1 || revs[99].Version != 100 {
			t.Fatalf("%s: %d revisions", alias, len(revs))
		}
		if got := revs[42].ChangedFields; len(got) != 1 || got[0] != "summary" {
			t.Errorf("%s: version 43 changed %v, want [summary]", alias, got)
		}
	}
	// The last page through afterVersion.
	var last struct {
		Practice struct{ History []struct{ Version int } }
	}
	e.client.MustPost(`query($id: ID!) { practice(id: $id) { history(afterVersion: 200, first: 100) { version } } }`, &last, client.Var("id", id))
	if h := last.Practice.History; len(h) != 50 || h[49].Version != 250 {
		t.Errorf("history after version 200: %d revisions", len(h))
	}
}

// TestAttackFloods: floods of requests to every route that computes — web
// pages, suggestions, exports, reports, GraphQL that is invalid or refused
// before parsing — are each answered within a second, mostly with 429 and
// Retry-After once the client's budget is spent, within the memory budget,
// and the server still serves other clients.
func TestAttackFloods(t *testing.T) {
	_, url := startAttackServer(t)
	floods := []struct {
		name, method, path, ctype, body string
	}{
		{"invalid GraphQL", http.MethodPost, "/graphql", "application/json", `{"query":"{ nietBestaand }"}`},
		{"unparsable GraphQL", http.MethodPost, "/graphql", "application/json", `{"query":"{{{{"}`},
		{"refused content type", http.MethodPost, "/graphql", "text/plain", `hallo`},
		{"web search", http.MethodGet, "/zoeken?q=buurt", "", ""},
		{"suggestions", http.MethodGet, "/suggesties?q=bu", "", ""},
		{"exports", http.MethodGet, "/export.json", "", ""},
		{"reports", http.MethodGet, "/rapport/limburg/2023", "", ""},
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, f := range floods {
		t.Run(f.name, func(t *testing.T) {
			var (
				mu       sync.Mutex
				slowest  time.Duration
				limited  int
				bad      []string
				requests = 300
			)
			n := allocated(func() {
				var wg sync.WaitGroup
				for w := 0; w < 8; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; i < requests/8; i++ {
							req, _ := http.NewRequest(f.method, url+f.path, strings.NewReader(f.body))
							if f.ctype != "" {
								req.Header.Set("Content-Type", f.ctype)
							}
							start := time.Now()
							resp, err := client.Do(req)
							took := time.Since(start)
							mu.Lock()
							slowest = max(slowest, took)
							if err != nil {
								bad = append(bad, err.Error())
							} else {
								if resp.StatusCode == http.StatusTooManyRequests {
									limited++
									if resp.Header.Get("Retry-After") == "" {
										bad = append(bad, "429 without Retry-After")
									}
								}
								_, _ = io.Copy(io.Discard, resp.Body)
								resp.Body.Close()
							}
							mu.Unlock()
						}
					}()
				}
				wg.Wait()
			})
			if len(bad) > 0 {
				t.Fatalf("%d bad answers, e.g. %s", len(bad), bad[0])
			}
			// The client's budget refills while the flood lasts (longer on a
			// loaded machine), so how many are served varies: each served
			// answer (a whole search page at most) may cost servedBudget on
			// top of the attack's budget; the refusals must cost next to
			// nothing.
			served := requests - limited
			if slowest > time.Second || n > attackBudget+uint64(served)*servedBudget || limited < requests/2 {
				t.Errorf("slowest answer %s, allocated %d MiB for %d served, %d of %d refused by rate", slowest, n>>20, served, limited, requests)
			}
		})
	}
	// Another client is served: the limits are per client.
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(`{"query":"{ actionPlan { regions { id } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the server no longer serves: %v", err)
	}
	resp.Body.Close()
}
