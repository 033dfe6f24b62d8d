package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/klauspost/compress/zstd"
)

func fetch(t *testing.T, h http.Handler, method, target, encoding string, body string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func decoded(t *testing.T, w *httptest.ResponseRecorder) []byte {
	t.Helper()
	switch enc := w.Header().Get("Content-Encoding"); enc {
	case "":
		return w.Body.Bytes()
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	default:
		t.Fatalf("Content-Encoding %q", enc)
		return nil
	}
}

// TestCompression: pages, GraphQL answers, static assets and streamed CSV
// exports are compressed for a client that accepts it, and decode to what
// an uncompressed answer holds; XLSX exports (zipped) and small answers are not.
func TestCompression(t *testing.T) {
	e := newEnv(t)
	for _, region := range []string{"limburg", "antwerpen"} {
		in := inventoryVar(t)
		in["region"] = region
		var resp submitResp
		e.client.MustPost(submitMutation, &resp, client.Var("in", in), bearer(adminToken))
		if resp.SubmitInventory.Created != 2 {
			t.Fatalf("%s: %+v", region, resp.SubmitInventory)
		}
	}
	const actionPlan = `{"query":"{ actionPlan { challenges { id name actions { id title } } } }"}`
	tests := []struct {
		name, method, target, body, accept string
		want                               string // Content-Encoding
		minRatio                           float64
	}{
		{"search page, gzip", "GET", "/", "", "gzip", "gzip", 2.5},
		{"search page, gzip preferred", "GET", "/?q=vertrouwen", "", "gzip, deflate, br, zstd", "gzip", 2.5},
		{"search page, zstd only", "GET", "/?q=vertrouwen", "", "zstd", "zstd", 2.5},
		{"practice list on the action plan", "GET", "/actieplan", "", "gzip", "gzip", 2.5},
		{"GraphQL answer", "POST", "/graphql", actionPlan, "gzip", "gzip", 1.5},
		{"CSV export (streamed)", "GET", "/export.csv?regions=antwerpen", "", "gzip", "gzip", 1.5},
		{"JSON export (streamed)", "GET", "/export.json?regions=antwerpen&regions=limburg", "", "zstd", "zstd", 1.5},
		{"XLSX export: already compressed", "GET", "/export.xlsx?regions=antwerpen&regions=limburg", "", "gzip", "", 0},
		{"small answer", "GET", "/healthz", "", "gzip", "", 0},
		{"client without compression", "GET", "/", "", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := fetch(t, e.handler, tt.method, tt.target, "", tt.body)
			got := fetch(t, e.handler, tt.method, tt.target, tt.accept, tt.body)
			if got.Code != http.StatusOK || plain.Code != http.StatusOK {
				t.Fatalf("status %d / %d", got.Code, plain.Code)
			}
			if enc := got.Header().Get("Content-Encoding"); enc != tt.want {
				t.Fatalf("Content-Encoding %q, want %q (Content-Type %s)", enc, tt.want, got.Header().Get("Content-Type"))
			}
			if vary := strings.Join(got.Header().Values("Vary"), ", "); !strings.Contains(vary, "Accept-Encoding") {
				t.Errorf("Vary %q lacks Accept-Encoding", vary)
			}
			body := decoded(t, got)
			same := bytes.Equal(body, plain.Body.Bytes())
			if !same && !strings.HasPrefix(tt.target, "/export") && !strings.Contains(tt.target, "?q=") {
				t.Errorf("decoded body differs from the uncompressed one (%d vs %d bytes)", len(body), plain.Body.Len())
			}
			if len(body) != plain.Body.Len() && strings.HasPrefix(tt.target, "/export") {
				t.Errorf("decoded export %d bytes, uncompressed %d", len(body), plain.Body.Len())
			}
			if tt.want != "" {
				ratio := float64(len(body)) / float64(got.Body.Len())
				t.Logf("%s: %d bytes -> %d bytes %s (%.1fx)", tt.target, len(body), got.Body.Len(), tt.want, ratio)
				if ratio < tt.minRatio {
					t.Errorf("compressed only %.1fx, want at least %.0fx", ratio, tt.minRatio)
				}
			}
		})
	}
}

// TestFingerprintedAssets: pages name their stylesheet, script and icon by a
// content hash; those URLs are cached for a year, compressed, and a
// revalidation with the compressed answer's ETag gets 304.
func TestFingerprintedAssets(t *testing.T) {
	e := newEnv(t)
	page := fetch(t, e.handler, "GET", "/", "", "")
	urls := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page.Body.String(), -1)
	if len(urls) < 3 {
		t.Fatalf("static URLs on the page: %v", urls)
	}
	hashed := regexp.MustCompile(`^/static/[a-z]+\.[0-9a-f]{10}\.(css|js|svg)$`)
	for _, m := range urls {
		u := m[1]
		if !hashed.MatchString(u) {
			t.Errorf("%s: not a fingerprinted URL", u)
		}
		w := fetch(t, e.handler, "GET", u, "gzip", "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", u, w.Code)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", u, cc)
		}
		etag := w.Header().Get("ETag")
		if w.Header().Get("Content-Encoding") == "gzip" && !strings.HasSuffix(etag, `-gzip"`) {
			t.Errorf("%s: compressed answer's ETag %q has no -gzip suffix", u, etag)
		}
		req := httptest.NewRequest("GET", u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("If-None-Match", etag)
		nm := httptest.NewRecorder()
		e.handler.ServeHTTP(nm, req)
		if nm.Code != http.StatusNotModified || nm.Body.Len() != 0 {
			t.Errorf("%s with If-None-Match %s: status %d, %d bytes", u, etag, nm.Code, nm.Body.Len())
		}
		t.Logf("%s: %d bytes as %q", u, w.Body.Len(), w.Header().Get("Content-Encoding"))
	}
	if w := fetch(t, e.handler, "GET", "/static/style.0000000000.css", "gzip", ""); w.Code != http.StatusNotFound {
		t.Errorf("unknown fingerprint: status %d", w.Code)
	}
}

// BenchmarkExportCompressed streams a CSV export of 5,000 practices plain,
// gzip and zstd: the time and memory compression adds to a streamed answer.
func BenchmarkExportCompressed(b *testing.B) {
	e := newBenchEnv(b, 5000)
	for _, enc := range []string{"", "gzip", "zstd"} {
		name := enc
		if name == "" {
			name = "plain"
		}
		b.Run(name, func(b *testing.B) {
			var sent int
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", "/export.csv?regions=limburg", nil)
				if enc != "" {
					req.Header.Set("Accept-Encoding", enc)
				}
				w := &countingWriter{header: http.Header{}}
				e.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
				sent = w.n
			}
			b.ReportMetric(float64(sent), "bytes-sent")
		})
	}
}

// countingWriter is a ResponseWriter that counts and drops what it is sent.
type countingWriter struct {
	header http.Header
	status int
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
func (w *countingWriter) Flush() {}
