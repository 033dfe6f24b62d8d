package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func sessionCookieOf(t *testing.T, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatal("no session cookie set")
	return nil
}

func requestWith(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/indienen", nil)
	r.AddCookie(c)
	return r
}

func TestSessionCookie(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	s := newSessions(bytes.Repeat([]byte("k"), 32), false)
	s.now = func() time.Time { return now }
	w := httptest.NewRecorder()
	started := s.start(w, httptest.NewRequest(http.MethodPost, "/indienen/aanmelden", nil), "abc123")
	c := sessionCookieOf(t, w)

	got, ok := s.read(requestWith(c))
	if !ok || got.sid != started.sid || got.tokenHash != "abc123" {
		t.Fatalf("read = %+v, %v", got, ok)
	}
	if !s.checkCSRF(got, s.csrf(started)) || s.checkCSRF(got, "") || s.checkCSRF(got, strings.Repeat("0", 32)) {
		t.Error("CSRF check")
	}

	enc, sig, _ := strings.Cut(c.Value, ".")
	tampered := []struct {
		name, value string
	}{
		{"signature of another payload", "djF8eHx5fDk5OTk5OTk5OTk5" + "." + sig},
		{"no signature", enc},
		{"signature cut", enc + "." + sig[:10]},
		{"garbage", "%%%.%%%"},
		{"too long", strings.Repeat("a", 600) + "." + sig},
	}
	for _, tt := range tampered {
		if _, ok := s.read(requestWith(&http.Cookie{Name: sessionCookie, Value: tt.value})); ok {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	other := newSessions(bytes.Repeat([]byte("o"), 32), false)
	if _, ok := other.read(requestWith(c)); ok {
		t.Error("a cookie signed with another key is accepted")
	}

	now = now.Add(sessionTTL)
	if _, ok := s.read(requestWith(c)); ok {
		t.Error("an expired session is accepted")
	}
	now = now.Add(-time.Hour)
	s.end(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil), got)
	if _, ok := s.read(requestWith(c)); ok {
		t.Error("a signed-out session is accepted")
	}
}

func TestPendingFilesAreBounded(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	p := newPendingFiles(3, 100, time.Minute)
	p.now = func() time.Time { return now }
	a := p.put(&pendingFile{sid: "a", body: make([]byte, 40)})
	b := p.put(&pendingFile{sid: "b", body: make([]byte, 40)})
	if _, ok := p.get(a, "b"); ok {
		t.Error("another session gets a's file")
	}
	c := p.put(&pendingFile{sid: "c", body: make([]byte, 40)}) // 120 bytes > 100: a goes
	if _, ok := p.get(a, "a"); ok {
		t.Error("the oldest file was kept over the byte limit")
	}
	if _, ok := p.get(b, "b"); !ok {
		t.Error("b's file is gone")
	}
	b2 := p.put(&pendingFile{sid: "b", body: make([]byte, 10)}) // replaces b's
	if _, ok := p.get(b, "b"); ok || b2 == b {
		t.Error("a session's earlier file is kept beside its new one")
	}
	if p.bytes != 50 || len(p.files) != 2 {
		t.Errorf("held %d bytes in %d files, want 50 in 2", p.bytes, len(p.files))
	}
	now = now.Add(2 * time.Minute)
	if _, ok := p.get(c, "c"); ok {
		t.Error("an expired file is returned")
	}
	if p.bytes != 0 || len(p.files) != 0 {
		t.Errorf("after expiry: %d bytes in %d files", p.bytes, len(p.files))
	}
}
