package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A gate lends its slots one request at a time; a request that finds them
// taken and the waiting room full is refused at once, one that waits gets
// the slot released to it, and the work nested in a request that holds a
// slot needs no other.
func TestGateSlots(t *testing.T) {
	g := newGate(1, 1, time.Minute)
	refused := 0
	g.onBusy = func() { refused++ }
	ctx, release, ok := g.enter(context.Background())
	if !ok {
		t.Fatal("the first request got no slot")
	}
	if _, nestedRelease, ok := g.enter(ctx); !ok {
		t.Fatal("work nested in a request that holds the slot was refused")
	} else {
		nestedRelease()
	}
	if len(g.slots) != 1 {
		t.Fatalf("the nested work took or freed a slot: %d taken", len(g.slots))
	}

	got := make(chan bool)
	go func() {
		_, r, ok := g.enter(context.Background())
		if ok {
			r()
		}
		got <- ok
	}()
	for len(g.waiting) == 0 { // the second request waits in the room
		time.Sleep(time.Millisecond)
	}
	if _, _, ok := g.enter(context.Background()); ok {
		t.Error("a third request got in while the slot was taken and the room full")
	}
	release()
	if !<-got {
		t.Error("the waiting request did not get the released slot")
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, release, _ = g.enter(context.Background())
	defer release()
	if _, _, ok := g.enter(cancelled); ok {
		t.Error("a request whose client left got a taken slot")
	}
	if refused != 1 {
		t.Errorf("%d refusals counted, want 1 (the third request; not the client that left)", refused)
	}
}

// Heavy requests that get no slot are refused with 503 and Retry-After in
// their route's shape; light requests pass a full gate.
func TestGateHeavyRefusesWhenFull(t *testing.T) {
	g := newGate(1, 0, time.Minute)
	g.slots <- struct{}{} // a heavy request is at work
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, tt := range []struct {
		name   string
		h      http.Handler
		req    *http.Request
		status int
		body   string
	}{
		{"graphql upload", gateHeavy(g, isLarge, inGraphQL, ok), upload(), http.StatusServiceUnavailable, `"retryAfter":1`},
		{"graphql small", gateHeavy(g, isLarge, inGraphQL, ok), smallQuery(`{ __typename }`), http.StatusOK, ""},
		{"export", gateHeavy(g, always, inREST, ok), httptest.NewRequest(http.MethodGet, "/export.csv", nil), http.StatusServiceUnavailable, `"code":"UNAVAILABLE"`},
		{"search page", gateHeavy(g, isHeavyPage, refuseBusyPage, ok), httptest.NewRequest(http.MethodGet, "/zoeken?q=buurt", nil), http.StatusServiceUnavailable, "Probeer het"},
		{"report", gateHeavy(g, isHeavyPage, refuseBusyPage, ok), httptest.NewRequest(http.MethodGet, "/rapport/limburg/2025", nil), http.StatusServiceUnavailable, "Probeer het"},
		{"practice page", gateHeavy(g, isHeavyPage, refuseBusyPage, ok), httptest.NewRequest(http.MethodGet, "/praktijk/p1", nil), http.StatusOK, ""},
		{"suggestions", gateHeavy(g, isHeavyPage, refuseBusyPage, ok), httptest.NewRequest(http.MethodGet, "/suggesties?q=bu", nil), http.StatusOK, ""},
	} {
		rec := httptest.NewRecorder()
		tt.h.ServeHTTP(rec, tt.req)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) {
			t.Errorf("%s: %d %s; want %d with %s", tt.name, rec.Code, rec.Body, tt.status, tt.body)
		}
		if want := tt.status == http.StatusServiceUnavailable; want != (rec.Header().Get("Retry-After") == "1") {
			t.Errorf("%s: Retry-After %q", tt.name, rec.Header().Get("Retry-After"))
		}
	}
}

// A GraphQL operation as costly as a search waits for the gate; a cheap one
// runs while every slot is taken.
func TestGateHeavyOperations(t *testing.T) {
	o := Defaults()
	o.RateLimits = RateLimits{}
	g := newGate(1, 0, time.Minute)
	h := graphQL(Deps{Log: slog.New(slog.DiscardHandler)}, o, g)
	g.slots <- struct{}{}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, smallQuery(`{ searchPractices(query: "buurt") { total } }`))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), `"reason":"BUSY"`) {
		t.Errorf("a search with the gate full: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, smallQuery(`{ __typename }`))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"__typename":"Query"`) {
		t.Errorf("a cheap query with the gate full: %d %s", rec.Code, rec.Body)
	}
}

func smallQuery(q string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":`+quote(q)+`}`))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func upload() *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("--x--"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	return req
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
