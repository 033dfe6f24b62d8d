package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// TestRefusalsArePaced: a request refused by rate is answered after a
// pause, so a flood's connections wait parked instead of asking again at
// once; a client that leaves meanwhile is let go.
func TestRefusalsArePaced(t *testing.T) {
	e := newEnv(t, func(o *server.Options) {
		o.RateLimits = server.RateLimits{ReadsPerSecond: 0.001, ReadBurst: 1, PagesPerSecond: 0.001, PageBurst: 1}
	})
	send := func(ctx context.Context, path string) (*httptest.ResponseRecorder, time.Duration) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, path, strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "192.0.2.40:1234"
		start := time.Now()
		e.handler.ServeHTTP(rec, req)
		return rec, time.Since(start)
	}
	if rec, _ := send(context.Background(), "/graphql"); rec.Code != http.StatusOK {
		t.Fatalf("first request: %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/graphql", "/graphql"} {
		rec, took := send(context.Background(), path)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "RATE_LIMITED") {
			t.Fatalf("over the budget: %d %s", rec.Code, rec.Body)
		}
		if took < 90*time.Millisecond {
			t.Errorf("a refusal was answered after %v, want a pause of about 100 ms", took)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() { send(ctx, "/graphql"); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a refused request whose client left is still held")
	}
}

// A mutation over its client's write budget is refused before its
// variables are decoded or its files read: an upload whose body breaks off
// after its operations is refused as rate limited, not as a broken upload.
func TestWriteBudgetBeforeFiles(t *testing.T) {
	e := newEnv(t, func(o *server.Options) {
		o.RateLimits = server.RateLimits{WritesPerMinute: 0.001, WriteBurst: 1}
	})
	token := platformToken(t, e, "limburg")
	ops := `{"query":"mutation($f: Upload!) { uploadInventory(file: $f, region: \"limburg\", title: \"x\", dryRun: true) { errors { code } } }","variables":{"f":null}}`
	whole, ct := multipartRequest(t, ops, `{"0":["variables.f"]}`)
	broken := whole[:bytes.Index(whole, []byte(`name="map"`))]
	send := func(body []byte) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+token)
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	if rec := send(whole); strings.Contains(rec.Body.String(), "RATE_LIMITED") || rec.Code != http.StatusOK {
		t.Fatalf("the first upload: %d %s", rec.Code, rec.Body)
	}
	rec := send(broken)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), `"code":"RATE_LIMITED"`) {
		t.Errorf("a second upload over the budget, its body broken off: %d %s", rec.Code, rec.Body)
	}
}
