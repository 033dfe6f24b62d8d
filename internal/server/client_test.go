package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

func TestParseProxies(t *testing.T) {
	good := []struct {
		in   string
		want string
	}{
		{"", "[]"},
		{" 10.0.0.0/8 , 192.168.1.2,::1 ", "[10.0.0.0/8 192.168.1.2/32 ::1/128]"},
		{"10.1.2.3/8", "[10.0.0.0/8]"},
		{"::ffff:10.0.0.1", "[10.0.0.1/32]"},
	}
	for _, tt := range good {
		ps, err := server.ParseProxies(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if s := "[" + strings.Join(got, " ") + "]"; s != tt.want {
			t.Errorf("%q: %s, want %s", tt.in, s, tt.want)
		}
	}
	for _, in := range []string{"proxy.example", "10.0.0.0/33", "10.0.0.1:8080", "*"} {
		if _, err := server.ParseProxies(in); err == nil {
			t.Errorf("%q was accepted", in)
		}
	}
}

// TestRateLimitsBehindTrustedProxies: behind a trusted proxy every client
// has its own bucket, named by the rightmost X-Forwarded-For address that
// is not a trusted proxy; a peer that is not trusted is its own client
// whatever it forwards, and a client behind the proxy cannot choose its
// bucket by writing X-Forwarded-For itself.
func TestRateLimitsBehindTrustedProxies(t *testing.T) {
	proxies, err := server.ParseProxies("10.0.0.0/24, 2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *server.Options) {
		o.RateLimits = server.RateLimits{ReadsPerSecond: 0.001, ReadBurst: 1}
		o.TrustedProxies = proxies
	})
	limited := func(remote string, xff ...string) bool {
		t.Helper()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		for _, v := range xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		req.RemoteAddr = remote
		e.handler.ServeHTTP(rec, req)
		return rec.Code == http.StatusTooManyRequests
	}
	steps := []struct {
		name        string
		remote      string
		xff         []string
		wantLimited bool
	}{
		{"first client through the proxy", "10.0.0.1:5000", []string{"203.0.113.5"}, false},
		{"its second request", "10.0.0.2:5000", []string{"203.0.113.5"}, true},
		{"another client through the proxy", "10.0.0.1:5001", []string{"203.0.113.6"}, false},
		{"a chain of trusted proxies", "10.0.0.1:5002", []string{"203.0.113.7, 10.0.0.9"}, false},
		{"the same client over another chain", "[2001:db8::1]:443", []string{"203.0.113.7", "10.0.0.3"}, true},
		{"a client that forges an address in front", "10.0.0.1:5003", []string{"198.51.100.1, 203.0.113.5"}, true},
		{"with the port a proxy may add", "10.0.0.1:5004", []string{"203.0.113.6:41234"}, true},
		{"garbage after a trusted hop counts against that hop", "10.0.0.1:5005", []string{"nonsense, 10.0.0.8"}, false},
		{"again through the same hop", "10.0.0.2:5005", []string{"other nonsense, 10.0.0.8"}, true},
		{"an untrusted peer is its own client", "192.0.2.9:6000", []string{"203.0.113.50"}, false},
		{"it cannot escape by forwarding another address", "192.0.2.9:6001", []string{"203.0.113.51"}, true},
		{"nor by forwarding a trusted one", "192.0.2.9:6002", []string{"10.0.0.1"}, true},
		{"a trusted peer without the header is the client", "10.0.0.77:1", nil, false},
		{"and counts as itself", "10.0.0.77:2", nil, true},
	}
	for _, s := range steps {
		if got := limited(s.remote, s.xff...); got != s.wantLimited {
			t.Errorf("%s (%s, X-Forwarded-For %q): limited %v, want %v", s.name, s.remote, s.xff, got, s.wantLimited)
		}
	}
}

// TestForwardedForIsIgnoredWithoutTrustedProxies: by default nobody's
// X-Forwarded-For is believed.
func TestForwardedForIsIgnoredWithoutTrustedProxies(t *testing.T) {
	e := newEnv(t, func(o *server.Options) {
		o.RateLimits = server.RateLimits{ReadsPerSecond: 0.001, ReadBurst: 1}
	})
	for i, xff := range []string{"203.0.113.1", "203.0.113.2"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		req.RemoteAddr = "127.0.0.1:9000"
		e.handler.ServeHTTP(rec, req)
		if limited := rec.Code == http.StatusTooManyRequests; limited != (i == 1) {
			t.Errorf("request %d: status %d", i, rec.Code)
		}
	}
}
