package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/rs/cors"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/rest"
)

// defaultCSP is the Content-Security-Policy of every answer whose handler
// sets none (JSON, text, errors): nothing may load, nobody may frame it.
// HTML handlers set their own, each with frame-ancestors 'none'.
const defaultCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// securityHeaders gives every answer nosniff, X-Frame-Options DENY and a
// closed Content-Security-Policy, before the handler runs (a handler that
// serves HTML replaces the policy with its own).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", defaultCSP)
		next.ServeHTTP(w, r)
	})
}

// withCORS lets the configured browser origins call the server from their
// pages. Without origins the server sends no CORS headers at all, so a
// browser keeps other sites from reading its answers (rs/cors would allow
// every origin when given none).
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Apollo-Require-Preflight"},
		AllowCredentials: false, // tokens travel in a header, never in cookies
		MaxAge:           600,
	}).Handler(next)
}

// requireToken guards next with a bearer token when token is not empty.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, secret, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
		got := sha256.Sum256([]byte(strings.TrimSpace(secret)))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="praktijkenbank-metrics"`)
			rest.WriteError(w, rest.Error{Status: http.StatusUnauthorized, Code: graph.CodeUnauthenticated, Message: "deze metrics vragen een token"})
			return
		}
		next.ServeHTTP(w, r)
	})
}
