package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Large requests beyond the limit wait for a place and are then refused
// with 503 and Retry-After; small ones never wait.
func TestLimitLarge(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 4)
	h := limitLarge(1, 50*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		if r.ContentLength > largeBody {
			<-release
		}
		w.WriteHeader(http.StatusOK)
	}))
	large := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader("{}"))
		req.ContentLength = largeBody + 1
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); large() }()
	<-entered // the first large request holds the only place

	rec := large()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" || !strings.Contains(rec.Body.String(), `"UNAVAILABLE"`) {
		t.Errorf("second large request: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	small := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{__typename}"}`))
	small.Header.Set("Content-Type", "application/json")
	srec := httptest.NewRecorder()
	h.ServeHTTP(srec, small)
	if srec.Code != http.StatusOK {
		t.Errorf("a small request waited or was refused: %d", srec.Code)
	}
	close(release)
	wg.Wait()
	if rec := large(); rec.Code != http.StatusOK {
		t.Errorf("a large request after the place was freed: %d", rec.Code)
	}
}
