package server

import (
	"mime"
	"net/http"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
)

// largeBody is the body size from which a /graphql request counts as large:
// an upload, a whole inventory, or a body of unknown length.
const largeBody = 1 << 20

// limitLarge lets at most n requests with a large body be read and worked
// on at once, whoever sends them: the per-client rate limits bound one
// client, this bounds many. Reading, parsing and validating a large body
// costs tens of milliseconds of CPU and megabytes of memory; beyond n at
// once they would take the cores from everybody's small requests (and
// from /healthz). A request waits at most wait for a place, then gets 503
// with Retry-After. Small requests never wait. n ≤ 0: no limit.
func limitLarge(n int, wait time.Duration, next http.Handler) http.Handler {
	if n <= 0 {
		return next
	}
	slots := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isLarge(r) {
			next.ServeHTTP(w, r)
			return
		}
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		case <-timer.C:
			refuseBusy(w, r)
		case <-r.Context().Done():
		}
	})
}

func isLarge(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	if media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); media == "multipart/form-data" {
		return true
	}
	return r.ContentLength < 0 || r.ContentLength > largeBody
}

// refuseBusy answers a large request that found no place in time.
func refuseBusy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "1")
	answerTo(w, r).write(http.StatusServiceUnavailable, body{Errors: gqlerror.List{{
		Message:    "de server verwerkt nu andere grote verzoeken; probeer het over een seconde opnieuw",
		Extensions: map[string]any{"code": graph.CodeUnavailable, "reason": "BUSY", "retryAfter": 1},
	}}})
}
