package server_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

func serveWith(h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	h.ServeHTTP(rec, req)
	return rec
}

// TestCORSClosedWithoutOrigins: with no origins configured, no answer — a
// preflight or a plain read — carries any Access-Control header.
func TestCORSClosedWithoutOrigins(t *testing.T) {
	e := newEnv(t, func(o *server.Options) { o.CORSOrigins = nil })
	for _, method := range []string{http.MethodOptions, http.MethodGet} {
		rec := serveWith(e.handler, method, "/graphql?query=%7B__typename%7D", map[string]string{
			"Origin":                         "https://evil.example",
			"Access-Control-Request-Method":  "POST",
			"Access-Control-Request-Headers": "authorization,content-type",
		})
		for k := range rec.Header() {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s without origins: %s: %s", method, k, rec.Header().Get(k))
			}
		}
	}
}

// TestSecurityHeadersOnEveryAnswer: every HTML answer (site pages, a 404,
// GraphiQL, the report) and every other answer forbids framing and sniffing.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	e := newInsightEnv(t)
	year := strconv.Itoa(time.Now().Year())
	for _, path := range []string{"/", "/zoeken?q=buurt", "/actieplan", "/praktijk/nope", "/graphiql", "/rapport/antwerpen/" + year,
		"/rapport/gent/2023", "/graphql?query=%7B__typename%7D", "/healthz", "/export.json?regions=limburg", "/bestaat-niet"} {
		rec := serveWith(e.handler, http.MethodGet, path, nil)
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s (%d): CSP %q, X-Frame-Options %q, X-Content-Type-Options %q", path, rec.Code,
				csp, h.Get("X-Frame-Options"), h.Get("X-Content-Type-Options"))
		}
	}
}

// TestMetricsBehindAToken: with a metrics token, /metrics answers only to it.
func TestMetricsBehindAToken(t *testing.T) {
	const token = "metrics-token-0123456789"
	e := newEnv(t, func(o *server.Options) { o.MetricsToken = token })
	for header, want := range map[string]int{"": 401, "Bearer wrong-token-0123456789": 401, "Bearer " + token: 200} {
		rec := serveWith(e.handler, http.MethodGet, "/metrics", map[string]string{"Authorization": header})
		if rec.Code != want || (want == 200) != strings.Contains(rec.Body.String(), "praktijkenbank_") {
			t.Errorf("Authorization %q: %d", header, rec.Code)
		}
	}
}

// TestRateLimitsEveryRoute: pages, suggestions, reports, exports and GraphQL
// requests — invalid ones included — are counted per client; a refused one
// gets 429 with Retry-After, is counted in /metrics, and another client is
// not affected.
func TestRateLimitsEveryRoute(t *testing.T) {
	e := newEnv(t, func(o *server.Options) {
		o.RateLimits = server.RateLimits{ReadsPerSecond: 0.01, ReadBurst: 2, PagesPerSecond: 0.01, PageBurst: 2, ExportsPerMinute: 0.01, ExportBurst: 1}
	})
	get := func(remote, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = remote
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	post := func(remote, ctype, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.RemoteAddr = remote
		e.handler.ServeHTTP(rec, req)
		return rec
	}
	limited := func(rec *httptest.ResponseRecorder) bool {
		return rec.Code == http.StatusTooManyRequests && rec.Header().Get("Retry-After") != ""
	}
	type try func(remote string) *httptest.ResponseRecorder
	cases := map[string]struct {
		send  try
		burst int
	}{
		"web pages":   {func(r string) *httptest.ResponseRecorder { return get(r, "/zoeken?q=buurt") }, 2},
		"suggestions": {func(r string) *httptest.ResponseRecorder { return get(r, "/suggesties?q=bu") }, 2},
		"report":      {func(r string) *httptest.ResponseRecorder { return get(r, "/rapport/limburg/2023") }, 2},
		"exports":     {func(r string) *httptest.ResponseRecorder { return get(r, "/export.csv?regions=limburg") }, 1},
		"invalid GraphQL": {func(r string) *httptest.ResponseRecorder {
			return post(r, "application/json", `{"query":"{ nietBestaand }"}`)
		}, 2},
		"refused GraphQL body": {func(r string) *httptest.ResponseRecorder {
			return post(r, "text/plain", `hallo`)
		}, 2},
		"GraphQL GET": {func(r string) *httptest.ResponseRecorder { return get(r, "/graphql?query=%7B__typename%7D") }, 2},
	}
	n := 0
	for name, c := range cases {
		n++
		remote := "198.51.100." + strconv.Itoa(n) + ":1000"
		for i := 0; i < c.burst; i++ {
			if rec := c.send(remote); rec.Code == http.StatusTooManyRequests {
				t.Fatalf("%s: request %d within the burst was limited", name, i)
			}
		}
		rec := c.send(remote)
		if !limited(rec) {
			t.Errorf("%s: request past the burst: %d %q (Retry-After %q)", name, rec.Code, rec.Body.String(), rec.Header().Get("Retry-After"))
		}
		if strings.Contains(name, "GraphQL") && !strings.Contains(rec.Body.String(), `"code":"RATE_LIMITED"`) {
			t.Errorf("%s: refused without the code: %s", name, rec.Body.String())
		}
		if rec := c.send("203.0.113." + strconv.Itoa(n) + ":1000"); rec.Code == http.StatusTooManyRequests {
			t.Errorf("%s: another client was limited", name)
		}
	}
	if rec := get("198.51.100.200:1", "/static/nope.css"); rec.Code == http.StatusTooManyRequests {
		t.Errorf("static files are limited")
	}
	body := get("192.0.2.250:1", "/metrics").Body.String()
	for _, class := range []string{"read", "page", "export"} {
		if !strings.Contains(body, `praktijkenbank_rate_limited_total{kind="`+class+`"}`) {
			t.Errorf("/metrics does not count refused %s requests:\n%s", class, grepLines(body, "rate_limited"))
		}
	}
	if !strings.Contains(body, "praktijkenbank_busy_total") {
		t.Errorf("/metrics has no count of BUSY refusals")
	}
}
