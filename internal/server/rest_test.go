package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// restError decodes a REST error answer strictly: one key "error" with
// code, message and perhaps retryAfter, nothing of GraphQL's shape.
func restError(t *testing.T, name string, body []byte) (code, message string, retryAfter int) {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(body, &doc); err != nil || len(doc) != 1 || doc["error"] == nil {
		t.Errorf("%s: not a REST error {\"error\":{…}}: %s", name, body)
		return "", "", 0
	}
	var e struct {
		Code       string
		Message    string
		RetryAfter int
	}
	if err := json.Unmarshal(doc["error"], &e); err != nil {
		t.Errorf("%s: %v in %s", name, err, body)
	}
	return e.Code, e.Message, e.RetryAfter
}

// TestRESTRoutesAnswerInTheRESTShape: the exports, /metrics and
// /admin/backup refuse a bad token, a missing right, the rate limit and
// what the server cannot do with {"error":{"code","message"}} and the right
// status; /graphql keeps GraphQL's shape for the same bad token.
func TestRESTRoutesAnswerInTheRESTShape(t *testing.T) {
	const metricsToken = "metrics-token-0123456789"
	e := newEnv(t, func(o *server.Options) {
		o.MetricsToken = metricsToken
		o.RateLimits.ExportsPerMinute, o.RateLimits.ExportBurst = 0.01, 2
	})
	limburg := platformToken(t, e, "limburg")
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	for _, tc := range []struct {
		name, path string
		header     map[string]string
		status     int
		code       string
	}{
		{"export, bad token", "/export.csv", bearer("pkb_not-a-token"), 401, "UNAUTHENTICATED"},
		{"export, unknown region", "/export.json?regions=gent", nil, 400, "UNKNOWN_REGION"},
		{"metrics without its token", "/metrics", nil, 401, "UNAUTHENTICATED"},
		{"backup without a token", "/admin/backup", nil, 401, "UNAUTHENTICATED"},
		{"backup, bad token", "/admin/backup", bearer("pkb_not-a-token"), 401, "UNAUTHENTICATED"},
		{"backup, platform token", "/admin/backup", bearer(limburg), 403, "FORBIDDEN"},
		{"backup on a store without one", "/admin/backup", bearer(adminToken), 501, "NOT_IMPLEMENTED"},
	} {
		rec := serveWith(e.handler, http.MethodGet, tc.path, tc.header)
		code, msg, _ := restError(t, tc.name, rec.Body.Bytes())
		if rec.Code != tc.status || code != tc.code || msg == "" {
			t.Errorf("%s: %d %q %q, want %d %s with a message", tc.name, rec.Code, code, msg, tc.status, tc.code)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tc.name, ct)
		}
	}

	// The rate limit on exports: the third request of one client.
	var rec = serveWith(e.handler, http.MethodGet, "/export.json?regions=limburg", nil)
	for range 2 {
		rec = serveWith(e.handler, http.MethodGet, "/export.json?regions=limburg", nil)
	}
	code, msg, retry := restError(t, "rate-limited export", rec.Body.Bytes())
	if rec.Code != 429 || code != "RATE_LIMITED" || msg == "" || retry < 1 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("rate-limited export: %d %q %q retryAfter %d (header %q)", rec.Code, code, msg, retry, rec.Header().Get("Retry-After"))
	}

	// /graphql answers the same bad token in GraphQL's shape.
	rec = serveWith(e.handler, http.MethodGet, "/graphql?query=%7B__typename%7D", bearer("pkb_not-a-token"))
	var gql struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &gql); err != nil || rec.Code != 401 || len(gql.Errors) != 1 || gql.Errors[0].Extensions.Code != "UNAUTHENTICATED" {
		t.Errorf("/graphql with a bad token: %d %s", rec.Code, rec.Body)
	}
}
