package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
)

// limitBody guards /graphql before anything else reads the request: it
// refuses methods and content types no transport takes, bodies over the
// limit (before reading them when their length is announced, and as soon as
// the limit is passed otherwise), bodies that arrive too slowly, and JSON
// bodies that are not one GraphQL request — a batch (a JSON array) included.
// Every refusal is a coded GraphQL error that never echoes the request.
func limitBody(o Options, next http.Handler) http.Handler {
	next = codeTransportErrors(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		case http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeGraphQLError(w, http.StatusMethodNotAllowed, "gebruik GET of POST voor /graphql", graph.CodeBadUserInput)
			return
		}
		media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch media {
		case "multipart/form-data":
			if r.ContentLength > o.MaxUploadBytes {
				writeGraphQLError(w, http.StatusRequestEntityTooLarge, "het verzoek is te groot", graph.CodeBadUserInput)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, o.MaxUploadBytes)
			next.ServeHTTP(w, r)
			return
		case "application/json":
		default:
			writeGraphQLError(w, http.StatusUnsupportedMediaType,
				"stuur een GraphQL-verzoek als JSON (Content-Type: application/json) of een bestand als multipart/form-data", graph.CodeBadUserInput)
			return
		}
		if r.ContentLength > o.MaxBodyBytes {
			writeGraphQLError(w, http.StatusRequestEntityTooLarge, "het verzoek is te groot", graph.CodeBadUserInput)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, o.MaxBodyBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				writeGraphQLError(w, http.StatusRequestEntityTooLarge, "het verzoek is te groot", graph.CodeBadUserInput)
			case errors.Is(err, os.ErrDeadlineExceeded):
				writeGraphQLError(w, http.StatusRequestTimeout, "het verzoek kwam te traag binnen", graph.CodeBadUserInput)
			default: // the client went away; nobody reads an answer
				w.WriteHeader(http.StatusBadRequest)
			}
			return
		}
		if msg := notOneRequest(body); msg != "" {
			writeGraphQLError(w, http.StatusBadRequest, msg, graph.CodeBadUserInput)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// notOneRequest says why a JSON body is not one GraphQL request, or "".
func notOneRequest(body []byte) string {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' && json.Valid(trimmed) {
		return "meerdere operaties in één verzoek (batch) worden niet ondersteund; stuur ze één per verzoek"
	}
	var params graphql.RawParams // what the POST transport decodes into
	if len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &params) != nil {
		return "de body is geen geldig GraphQL-verzoek: verwacht een JSON-object met query, variables en operationName"
	}
	return ""
}

// codeTransportErrors gives an extensions.code to the errors that gqlgen's
// transports write themselves, past the error presenter (undecodable GET
// variables, a mutation over GET, a malformed multipart request): answers
// with a 4xx status are held back, and each of their errors without a code
// gets BAD_USER_INPUT.
func codeTransportErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &codingWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

type codingWriter struct {
	http.ResponseWriter
	status int
	held   *bytes.Buffer // the body of a 4xx answer
}

func (c *codingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (c *codingWriter) WriteHeader(status int) {
	if c.status != 0 {
		return
	}
	c.status = status
	if status >= 400 && status < 500 {
		c.held = &bytes.Buffer{}
		return
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *codingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if c.held != nil {
		return c.held.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

func (c *codingWriter) finish() {
	if c.held == nil {
		return
	}
	body := c.held.Bytes()
	var resp graphql.Response
	if json.Unmarshal(body, &resp) == nil && len(resp.Errors) > 0 {
		changed := false
		for _, e := range resp.Errors {
			if _, ok := e.Extensions["code"]; !ok {
				if e.Extensions == nil {
					e.Extensions = map[string]any{}
				}
				e.Extensions["code"] = graph.CodeBadUserInput
				changed = true
			}
		}
		if changed {
			if b, err := json.Marshal(resp); err == nil {
				body = b
				c.Header().Del("Content-Length")
			}
		}
	}
	c.ResponseWriter.WriteHeader(c.status)
	c.ResponseWriter.Write(body)
}
