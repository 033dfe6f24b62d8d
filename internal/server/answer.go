package server

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
)

// responseMedia picks the media type of a GraphQL answer from an Accept
// header: application/graphql-response+json when the client prefers it (or
// likes it as much as application/json), application/json for
// application/json, application/*, */* or no Accept header at all, and ""
// when the client accepts neither.
func responseMedia(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		var m string
		switch mt {
		case mediaGraphQLResponse:
			m = mediaGraphQLResponse
		case mediaJSON, "application/*", "*/*":
			m = mediaJSON
		default:
			continue
		}
		if q > bestQ || (q == bestQ && q > 0 && m == mediaGraphQLResponse) {
			best, bestQ = m, q
		}
	}
	return best
}

// answerTo answers r in the media type its client accepts; a refusal to a
// client that accepts neither still goes out as application/json.
func answerTo(w http.ResponseWriter, r *http.Request) answer {
	media := responseMedia(r.Header.Get("Accept"))
	if media == "" {
		media = mediaJSON
	}
	return answer{w: w, media: media}
}

// answer writes GraphQL answers in the media type the client accepts.
type answer struct {
	w     http.ResponseWriter
	media string
}

// body is a GraphQL response on the wire: without a "data" key when the
// request never ran.
type body struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

func (a answer) write(status int, b body) {
	b.Errors = capErrors(b.Errors)
	a.w.Header().Set("Content-Type", a.media+"; charset=utf-8")
	a.w.WriteHeader(status)
	if len(b.Errors) == 0 && b.Extensions == nil && len(b.Data) > 0 {
		// The executor's data is JSON already: sent as it is, not checked,
		// compacted and HTML-escaped again by an encoder (a search's answer
		// is tens of kilobytes; nosniff keeps it from being read as HTML).
		_, _ = io.WriteString(a.w, `{"data":`)
		_, _ = a.w.Write(b.Data)
		_, _ = io.WriteString(a.w, "}\n")
		return
	}
	_ = json.NewEncoder(a.w).Encode(b)
}

// refuse answers a request refused before it became a GraphQL operation.
func (a answer) refuse(f *refusal) {
	ext := map[string]any{"code": f.code, "reason": f.reason}
	if f.limit > 0 {
		ext["limit"] = f.limit
	}
	if f.retryAfter > 0 {
		ext["retryAfter"] = f.retryAfter
	}
	a.write(f.status, body{Errors: gqlerror.List{{Message: f.msg, Extensions: ext}}})
}

// requestErrors answers a well-formed request that did not run: 200 in
// application/json, 400 in application/graphql-response+json, no data.
func (a answer) requestErrors(resp *graphql.Response) {
	status := http.StatusOK
	if a.media == mediaGraphQLResponse {
		status = http.StatusBadRequest
	}
	a.write(status, body{Errors: resp.Errors, Extensions: resp.Extensions})
}

// result answers an operation. One refused before it ran (by the rate
// limiter) has no data, and is answered as a request error.
func (a answer) result(resp *graphql.Response) {
	if resp == nil {
		resp = &graphql.Response{Errors: gqlerror.List{{
			Message:    "de operatie gaf geen antwoord",
			Extensions: map[string]any{"code": graph.CodeInternal},
		}}}
	}
	if len(resp.Data) == 0 {
		a.requestErrors(resp)
		return
	}
	a.write(http.StatusOK, body{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions})
}

// capErrors keeps the first maxErrors errors and says how many more there
// were (once: a list it capped before stays as it is).
func capErrors(errs gqlerror.List) gqlerror.List {
	if len(errs) <= maxErrors {
		return errs
	}
	if len(errs) == maxErrors+1 && errs[maxErrors].Extensions["reason"] == "TOO_MANY_ERRORS" {
		return errs
	}
	more := len(errs) - maxErrors
	out := append(errs[:maxErrors:maxErrors], &gqlerror.Error{
		Message:    fmt.Sprintf("en nog %d fouten", more),
		Extensions: map[string]any{"code": graph.CodeBadUserInput, "reason": "TOO_MANY_ERRORS", "omitted": more},
	})
	return out
}
