// Package rest holds the error shape of Praktijkenbank's REST endpoints
// (the exports, /metrics, /admin/backup and the refusals of the server's
// guards on them), so that every one of them answers a mistake alike:
//
//	HTTP/1.1 400 Bad Request
//	Content-Type: application/json; charset=utf-8
//
//	{"error":{"code":"UNKNOWN_REGION","message":"Onbekende regio \"gent\". …","parameter":"regions"}}
//
// The code is a stable English constant a program can test; the message is
// Dutch, for the person who reads it. /graphql keeps GraphQL's own shape
// ({"errors":[{"message":…,"extensions":{"code":…}}]}), and the web site
// answers with pages.
package rest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Error is a REST error answer.
type Error struct {
	Status     int    `json:"-"`                    // the HTTP status
	Code       string `json:"code"`                 // e.g. UNAUTHENTICATED, RATE_LIMITED, UNKNOWN_REGION
	Message    string `json:"message"`              // in Dutch
	Parameter  string `json:"parameter,omitempty"`  // the query parameter at fault, if one is
	RetryAfter int    `json:"retryAfter,omitempty"` // seconds, with 429 and Retry-After
}

// WriteError answers e with its status as {"error":{…}}; the answer is
// not cached.
func WriteError(w http.ResponseWriter, e Error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(struct {
		Error Error `json:"error"`
	}{e})
}

// Message is what a client shows of an error answer's body: the message of
// a REST error, else the body itself, trimmed.
func Message(body []byte) string {
	var e struct {
		Error *Error `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != nil && e.Error.Message != "" {
		return e.Error.Message
	}
	return strings.TrimSpace(string(body))
}
