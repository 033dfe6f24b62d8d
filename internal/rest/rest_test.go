package rest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/rest"
)

func TestWriteErrorAndReadItBack(t *testing.T) {
	w := httptest.NewRecorder()
	rest.WriteError(w, rest.Error{Status: http.StatusTooManyRequests, Code: "RATE_LIMITED", Message: "te veel verzoeken", RetryAfter: 3})
	want := `{"error":{"code":"RATE_LIMITED","message":"te veel verzoeken","retryAfter":3}}` + "\n"
	if w.Code != 429 || w.Body.String() != want || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("%d %s %q", w.Code, w.Body, w.Header().Get("Content-Type"))
	}
	if got := rest.Message(w.Body.Bytes()); got != "te veel verzoeken" {
		t.Errorf("Message of a REST error: %q", got)
	}
	if got := rest.Message([]byte("  gewone tekst\n")); got != "gewone tekst" {
		t.Errorf("Message of plain text: %q", got)
	}
}
