package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
)

// The media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// maxErrors is how many errors one answer lists; one more says how many
// were left out.
const maxErrors = 20

// Upload bounds of a multipart request besides its size: the map part, and
// the files it names.
const (
	maxUploadMapBytes = 64 << 10
	maxUploadFiles    = 10
	maxUploadPaths    = 10 // per file
)

// transportHTTP serves GraphQL over HTTP as the GraphQL-over-HTTP spec says:
// GET (queries only) and POST with a JSON body, and POST as a multipart
// upload (the GraphQL multipart request spec). It reads a request once and
// prices it before decoding it: the body within its size, the query
// document within the queryLimits, mutations only with a token, the
// variables within the VariableLimits of their kind; only then are the
// variables decoded and the operation validated and run.
//
// Answers are in the media type the client accepts (application/json, or
// application/graphql-response+json when it asks for it). A request that
// never runs (a request error) has no "data" key and answers 200 in
// application/json, 400 in application/graphql-response+json.
type transportHTTP struct {
	limits  queryLimits
	read    VariableLimits
	write   VariableLimits
	maxBody int64 // a JSON body, and the operations part of a multipart request
	cache   graphql.Cache[*ast.QueryDocument]
	writes  *limiter // the write budget of mutations
	heavy   *gate    // operations of heavyAt complexity or more run in one of its slots
	heavyAt int
}

var _ graphql.Transport = transportHTTP{}

// Supports every request the guard lets through but OPTIONS (there is no
// websocket transport: an Upgrade header changes nothing).
func (transportHTTP) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodPost
}

// request is a GraphQL request as read from HTTP, its JSON values not yet decoded.
type request struct {
	query, operationName  string
	variables, extensions []byte // JSON text, or empty
}

// refusal is a request refused before it is a GraphQL operation.
type refusal struct {
	status       int
	code, reason string
	msg          string
	limit        int64 // the limit passed, if one was
	retryAfter   int   // seconds to wait before asking again, if the refusal is passing
}

func refused(status int, reason, format string, args ...any) *refusal {
	return &refusal{status: status, code: graph.CodeBadUserInput, reason: reason, msg: fmt.Sprintf(format, args...)}
}

func tooLarge(limit int64) *refusal {
	f := refused(http.StatusRequestEntityTooLarge, ReasonBodyTooLarge, "het verzoek is groter dan %d bytes", limit)
	f.limit = limit
	return f
}

func (t transportHTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	out := answer{w: w, media: responseMedia(r.Header.Get("Accept"))}
	if out.media == "" {
		out.media = mediaJSON
	}
	start := graphql.Now()
	var (
		req   request
		parts *multipart.Reader
		fail  *refusal
	)
	switch {
	case r.Method != http.MethodPost:
		req, fail = fromURL(r.URL.RawQuery)
	case isMultipart(r):
		req, parts, fail = t.fromMultipart(r)
	default:
		req, fail = t.fromBody(r.Body, r.ContentLength)
	}
	if fail != nil {
		out.refuse(fail)
		return
	}

	op, gqlErr := t.limits.preflight(ctx, t.cache, req.query, req.operationName)
	if gqlErr != nil {
		out.requestErrors(exec.DispatchError(ctx, gqlerror.List{gqlErr}))
		return
	}
	budget := t.read
	if op.Operation == ast.Mutation {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			out.refuse(refused(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "een mutation gaat alleen met POST"))
			return
		}
		if auth.FromContext(ctx) == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="praktijkenbank"`)
			out.refuse(&refusal{status: http.StatusUnauthorized, code: graph.CodeUnauthenticated, reason: "TOKEN_REQUIRED",
				msg: "wijzigen vraagt een token: stuur Authorization: Bearer <token>"})
			return
		}
		if ok, wait := t.writes.allowMutation(ctx); !ok {
			pauseBeforeRefusal(r, wait)
			secs := retrySeconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			refuseGraphQL(w, r, secs)
			return
		}
		budget = t.write
	}

	params := &graphql.RawParams{Query: req.query, OperationName: req.operationName, Headers: r.Header}
	for _, v := range []struct {
		what string
		raw  []byte
		into *map[string]any
	}{{"variables", req.variables, &params.Variables}, {"extensions", req.extensions, &params.Extensions}} {
		if msg, limit := budget.overVariableLimit(v.raw); msg != "" {
			out.requestErrors(exec.DispatchError(ctx, gqlerror.List{limitError(ReasonVariableLimit, limit, "%s", msg)}))
			return
		}
		if err := decodeObject(v.raw, v.into); err != nil {
			out.refuse(refused(http.StatusBadRequest, "INVALID_REQUEST", "%s moet een JSON-object zijn", v.what))
			return
		}
	}
	if parts != nil {
		cleanup, fail := attachFiles(r, parts, params)
		defer cleanup()
		if fail != nil {
			out.refuse(fail)
			return
		}
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil { // presented (translated, counted) only as many as are shown
		out.requestErrors(exec.DispatchError(graphql.WithOperationContext(ctx, rc), capErrors(errs)))
		return
	}
	if t.isHeavy(graphql.WithOperationContext(ctx, rc)) {
		var release func()
		var ok bool
		if ctx, release, ok = t.heavy.enter(ctx); !ok {
			if ctx.Err() == nil {
				w.Header().Set("Retry-After", "1")
				inGraphQL(w, r, busy)
			}
			return
		}
		defer release()
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	out.result(responses(ctx))
}

// isHeavy reports whether the validated operation of ctx costs at least
// heavyAt (by the complexity the limit measured): a search, a long list.
func (t transportHTTP) isHeavy(ctx context.Context) bool {
	if t.heavy == nil || t.heavyAt <= 0 {
		return false
	}
	stats := extension.GetComplexityStats(ctx)
	return stats != nil && stats.Complexity >= t.heavyAt
}

// fromURL reads a GET request's parameters.
func fromURL(rawQuery string) (request, *refusal) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return request{}, refused(http.StatusBadRequest, "INVALID_REQUEST", "de parameters in de URL zijn ongeldig gecodeerd")
	}
	if !q.Has("query") {
		return request{}, refused(http.StatusBadRequest, "INVALID_REQUEST", "de parameter query ontbreekt")
	}
	req := request{query: q.Get("query"), operationName: q.Get("operationName")}
	for _, p := range []struct {
		name string
		into *[]byte
	}{{"variables", &req.variables}, {"extensions", &req.extensions}} {
		if v := q.Get(p.name); v != "" {
			if !json.Valid([]byte(v)) {
				return request{}, refused(http.StatusBadRequest, "INVALID_REQUEST", "de parameter %s is geen geldige JSON", p.name)
			}
			*p.into = []byte(v)
		}
	}
	return req, nil
}

// fromBody reads a JSON body of about size bytes (-1: unknown): one
// request object, never a batch.
func (t transportHTTP) fromBody(body io.Reader, size int64) (request, *refusal) {
	b, err := readAtMost(body, t.maxBody, size)
	if fail := readFailure(err); fail != nil {
		return request{}, fail
	}
	if b == nil {
		return request{}, tooLarge(t.maxBody)
	}
	return parseRequest(b)
}

// readAtMost reads r to its end into one buffer of about size bytes (if
// known), growing it up to max+1 bytes at most; nil when r holds more than
// max bytes.
func readAtMost(r io.Reader, max, size int64) ([]byte, error) {
	c := int64(64 << 10)
	if size > 0 {
		c = size + 1 // one more byte to see the end without growing
	}
	b := make([]byte, 0, min(c, max+1))
	for {
		if len(b) == cap(b) {
			if int64(len(b)) > max {
				return nil, nil
			}
			grown := make([]byte, len(b), min(2*int64(cap(b)), max+1))
			copy(grown, b)
			b = grown
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			if int64(len(b)) > max {
				return nil, nil
			}
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// readFailure says why reading a body failed, or nil.
func readFailure(err error) *refusal {
	var overLimit *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &overLimit):
		return tooLarge(overLimit.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return refused(http.StatusRequestTimeout, "SLOW_REQUEST", "het verzoek kwam te traag binnen")
	default: // the client went away, or sent a broken body
		return refused(http.StatusBadRequest, "INVALID_REQUEST", "het verzoek kon niet gelezen worden")
	}
}

// parseRequest reads the JSON text of one GraphQL request: its query and
// operation name are decoded, its variables and extensions stay JSON text,
// slices of b, unread until the request has passed its checks (an anonymous
// mutation never has them read). The members are found by the object's
// structure alone (see members).
func parseRequest(b []byte) (request, *refusal) {
	invalid := refused(http.StatusBadRequest, "INVALID_REQUEST",
		"de body is geen geldig GraphQL-verzoek: verwacht een JSON-object met query (een string), en eventueel variables, operationName en extensions")
	trimmed := bytes.TrimLeft(b, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' && json.Valid(trimmed) {
		return request{}, refused(http.StatusBadRequest, "BATCH_NOT_SUPPORTED",
			"meerdere operaties in één verzoek (batch) worden niet ondersteund; stuur ze één per verzoek")
	}
	ms, ok := members(trimmed, maxRequestMembers)
	if !ok {
		return request{}, invalid
	}
	var req request
	hasQuery := false
	for _, m := range ms {
		var key string
		if json.Unmarshal(m.key, &key) != nil {
			return request{}, invalid
		}
		switch key {
		case "query":
			if json.Unmarshal(m.value, &req.query) != nil || m.value[0] != '"' {
				return request{}, invalid
			}
			hasQuery = true
		case "operationName":
			var name *string
			if json.Unmarshal(m.value, &name) != nil {
				return request{}, invalid
			}
			req.operationName = ""
			if name != nil {
				req.operationName = *name
			}
		case "variables":
			req.variables = m.value
		case "extensions":
			req.extensions = m.value
		}
	}
	if !hasQuery {
		return request{}, invalid
	}
	return req, nil
}

// maxRequestMembers bounds the members of a request object: query,
// operationName, variables, extensions, and a few a client may add.
const maxRequestMembers = 16

// member is a member of a JSON object: its key and its value as JSON text.
type member struct{ key, value []byte }

// members splits the JSON object b into at most max members by its
// structure — strings, brackets, colons and commas — without decoding or
// validating the values: each is checked when it is decoded. It reports false
// when b is not an object of that shape.
func members(b []byte, max int) ([]member, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	var out []member
	if i = skipSpace(b, i+1); i < len(b) && b[i] == '}' {
		return out, skipSpace(b, i+1) == len(b)
	}
	for len(out) < max {
		if i >= len(b) || b[i] != '"' {
			return nil, false
		}
		keyEnd, ok := stringEnd(b, i)
		if !ok {
			return nil, false
		}
		key := b[i:keyEnd]
		if i = skipSpace(b, keyEnd); i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipSpace(b, i+1)
		end, ok := valueEnd(b, i)
		if !ok {
			return nil, false
		}
		out = append(out, member{key: key, value: b[i:end]})
		switch i = skipSpace(b, end); {
		case i >= len(b):
			return nil, false
		case b[i] == '}':
			return out, skipSpace(b, i+1) == len(b)
		case b[i] != ',':
			return nil, false
		}
		i = skipSpace(b, i+1)
	}
	return nil, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// stringEnd is the index just past the JSON string that starts at b[i].
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// valueEnd is the index just past the JSON value that starts at b[i]: a
// string, an object or array (its brackets balanced), or a literal.
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := stringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\r' && b[j] != '\n' {
		j++
	}
	return j, j > i
}

// decodeObject decodes the JSON text of an object (or null, or nothing) into m.
func decodeObject(raw []byte, m *map[string]any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if raw[0] != '{' {
		return errors.New("not an object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(m)
}

func isMultipart(r *http.Request) bool {
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return media == "multipart/form-data"
}

// multipartBuffer is the read buffer of a multipart request.
const multipartBuffer = 64 << 10

// fromMultipart reads the operations part of a multipart request, bounded
// like a JSON body; the caller reads the map and the files once the
// operation has passed its checks.
func (t transportHTTP) fromMultipart(r *http.Request) (request, *multipart.Reader, *refusal) {
	_, ps, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ps["boundary"] == "" {
		return request{}, nil, refused(http.StatusBadRequest, "INVALID_REQUEST", "het verzoek is geen geldige multipart/form-data")
	}
	// The multipart reader reads through a buffer of its own of 4 kB, a
	// system call per 4 kB of an upload; a larger one in front of it
	// (which it then uses as its own) reads the upload in fewer.
	mr := multipart.NewReader(bufio.NewReaderSize(r.Body, multipartBuffer), ps["boundary"])
	part, err := mr.NextPart()
	if fail := readFailure(err); fail != nil {
		return request{}, nil, fail
	}
	if part.FormName() != "operations" {
		return request{}, nil, refused(http.StatusBadRequest, "INVALID_REQUEST", "het eerste deel moet operations zijn")
	}
	req, fail := t.fromBody(part, -1)
	return req, mr, fail
}

// attachFiles reads the map part and the files of a multipart request into
// params. Files are kept in memory up to 8 MiB, else in a temporary file
// that cleanup removes.
func attachFiles(r *http.Request, mr *multipart.Reader, params *graphql.RawParams) (cleanup func(), fail *refusal) {
	var temps []*os.File
	cleanup = func() {
		for _, f := range temps {
			f.Close()
			os.Remove(f.Name())
		}
	}
	part, err := mr.NextPart()
	if fail := readFailure(err); fail != nil {
		return cleanup, fail
	}
	if part.FormName() != "map" {
		return cleanup, refused(http.StatusBadRequest, "INVALID_REQUEST", "het tweede deel moet map zijn")
	}
	raw, err := io.ReadAll(io.LimitReader(part, maxUploadMapBytes+1))
	if fail := readFailure(err); fail != nil {
		return cleanup, fail
	}
	uploads := map[string][]string{}
	if len(raw) > maxUploadMapBytes || json.Unmarshal(raw, &uploads) != nil || len(uploads) > maxUploadFiles {
		return cleanup, refused(http.StatusBadRequest, "INVALID_REQUEST",
			"map moet een JSON-object zijn van hoogstens %d bestanden, elk met een lijst van paden", maxUploadFiles)
	}
	if params.Variables == nil {
		params.Variables = map[string]any{}
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if fail := readFailure(err); fail != nil {
			return cleanup, fail
		}
		key := part.FormName()
		paths := uploads[key]
		if len(paths) == 0 || len(paths) > maxUploadPaths {
			return cleanup, refused(http.StatusBadRequest, "INVALID_REQUEST", "het deel %q staat niet in map", truncate(key, 64))
		}
		delete(uploads, key)
		var (
			src  io.ReaderAt
			size int64
		)
		if r.ContentLength >= 0 && r.ContentLength < 8<<20 {
			b, err := io.ReadAll(part)
			if fail := readFailure(err); fail != nil {
				return cleanup, fail
			}
			src, size = bytes.NewReader(b), int64(len(b))
		} else {
			f, err := os.CreateTemp("", "praktijkenbank-upload-")
			if err != nil {
				return cleanup, &refusal{status: http.StatusServiceUnavailable, code: graph.CodeUnavailable, reason: "UPLOAD_SPOOL_FAILED",
					msg: "het bestand kon niet tijdelijk bewaard worden; probeer het later opnieuw"}
			}
			temps = append(temps, f)
			n, err := io.Copy(f, part)
			if fail := readFailure(err); fail != nil {
				return cleanup, fail
			}
			src, size = f, n
		}
		for _, path := range paths { // each path reads the file from its start
			u := graphql.Upload{File: io.NewSectionReader(src, 0, size), Size: size, Filename: part.FileName(), ContentType: part.Header.Get("Content-Type")}
			if err := params.AddUpload(u, key, path); err != nil {
				return cleanup, refused(http.StatusBadRequest, "INVALID_REQUEST", "het pad %q in map past niet bij de variabelen", truncate(path, 64))
			}
		}
	}
	for key := range uploads {
		return cleanup, refused(http.StatusBadRequest, "INVALID_REQUEST", "het bestand %q uit map ontbreekt", truncate(key, 64))
	}
	return cleanup, nil
}
