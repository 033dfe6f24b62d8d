package server_test

// GraphQL over HTTP as the spec says (graphql-http's audit runs in CI; these
// are the project's own rules on top): status codes per Accept, no data on
// request errors, 405 for a mutation over GET, every limit refused the same
// way, the guard's answers in the accepted media type, Dutch messages.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

const graphQLResponse = "application/graphql-response+json"

type httpAnswer struct {
	status      int
	contentType string
	allow       string
	body        string
	errors      []struct {
		Message    string
		Path       []any
		Locations  []any
		Extensions map[string]any
	}
	hasData bool
}

func serve(t *testing.T, h http.Handler, method, target, contentType, accept, body string) httpAnswer {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := httpAnswer{status: rec.Code, contentType: rec.Header().Get("Content-Type"), allow: rec.Header().Get("Allow"), body: rec.Body.String()}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatalf("%s %s: not JSON (%d): %.300s", method, target, rec.Code, rec.Body)
	}
	_, a.hasData = raw["data"]
	if e, ok := raw["errors"]; ok {
		if err := json.Unmarshal(e, &a.errors); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

func (a httpAnswer) code() string {
	if len(a.errors) == 0 {
		return ""
	}
	c, _ := a.errors[0].Extensions["code"].(string)
	return c
}

func (a httpAnswer) reason() string {
	if len(a.errors) == 0 {
		return ""
	}
	r, _ := a.errors[0].Extensions["reason"].(string)
	return r
}

func TestRequestErrorsPerAccept(t *testing.T) {
	e := newEnv(t, func(o *server.Options) { o.MaxBodyBytes = 64 << 10 })
	deep := "{ actionPlan { challenges " + strings.Repeat("{ actions { challenge ", 12) + "{ id }" + strings.Repeat(" } }", 12) + " } }"
	searches := repeat("{ ", `s%d: searchPractices(query: "zorg") { total } `, "}", 300)
	tests := []struct {
		name, query string
		vars        any
		reason      string
	}{
		{"syntax", `{ actionPlan { `, nil, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", `{ actionPlan { nietBestaand } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"variable of the wrong type", `query($n: Int) { searchPractices(first: $n) { total } }`, map[string]any{"n": "veel"}, "GRAPHQL_VALIDATION_FAILED"},
		{"depth", deep, nil, "DEPTH_LIMIT_EXCEEDED"},
		{"fields", repeat("{ ", "t%d: __typename ", "}", 2001), nil, "FIELD_LIMIT_EXCEEDED"},
		{"tokens", "{ " + strings.Repeat("a ", 15001) + "}", nil, "TOKEN_LIMIT_EXCEEDED"},
		{"repeated field", repeat("{ ", `node(id: "%d") { id } `, "}", 11), nil, "REPEATED_FIELD_LIMIT_EXCEEDED"},
		{"complexity", searches, nil, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"variables", `query($f: PracticeFilter) { searchPractices(filter: $f) { total } }`,
			map[string]any{"f": map[string]any{"regions": make([]string, 1001)}}, "VARIABLE_LIMIT_EXCEEDED"},
		{"operation not found", `query A { __typename } query B { __typename }`, nil, "OPERATION_NOT_FOUND"},
	}
	for _, tt := range tests {
		for _, accept := range []string{"", "application/json", graphQLResponse, graphQLResponse + ", application/json;q=0.9"} {
			t.Run(tt.name+" accepting "+accept, func(t *testing.T) {
				body := string(jsonRequest(tt.query, tt.vars))
				a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", accept, body)
				wantStatus, wantType := http.StatusOK, "application/json"
				if strings.HasPrefix(accept, graphQLResponse) {
					wantStatus, wantType = http.StatusBadRequest, graphQLResponse
				}
				if a.status != wantStatus || !strings.HasPrefix(a.contentType, wantType) {
					t.Errorf("status %d %q, want %d %q", a.status, a.contentType, wantStatus, wantType)
				}
				if a.hasData {
					t.Errorf("a request error with a data key: %.300s", a.body)
				}
				if a.code() != "BAD_USER_INPUT" || a.reason() != tt.reason {
					t.Errorf("code %q reason %q, want BAD_USER_INPUT %s: %.300s", a.code(), a.reason(), tt.reason, a.body)
				}
				if limit, _ := a.errors[0].Extensions["limit"].(float64); strings.HasSuffix(tt.reason, "LIMIT_EXCEEDED") && limit <= 0 {
					t.Errorf("the limit is not given: %.300s", a.body)
				}
			})
		}
	}
	t.Run("a body over the limit", func(t *testing.T) {
		body := string(jsonRequest(`{ __typename }`, map[string]any{"x": strings.Repeat("x", 70<<10)}))
		for _, accept := range []string{"application/json", graphQLResponse} {
			a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", accept, body)
			if a.status != http.StatusRequestEntityTooLarge || !strings.HasPrefix(a.contentType, accept) || a.hasData || a.reason() != "BODY_TOO_LARGE" || a.errors[0].Extensions["limit"] == nil {
				t.Errorf("accepting %s: %d %q %.300s", accept, a.status, a.contentType, a.body)
			}
		}
	})
}

func TestExecutionErrorsKeepData(t *testing.T) {
	e := newEnv(t)
	for _, accept := range []string{"application/json", graphQLResponse} {
		a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", accept,
			`{"query":"{ searchPractices(first: 1000) { total } }"}`)
		if a.status != http.StatusOK || !a.hasData || a.code() != "BAD_USER_INPUT" {
			t.Errorf("accepting %s: %d %.300s", accept, a.status, a.body)
		}
	}
}

func TestGuardAnswersInTheAcceptedMediaType(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, method, contentType, body string
		status                          int
		reason                          string
	}{
		{"bad JSON", http.MethodPost, "application/json", `{"query": `, http.StatusBadRequest, "INVALID_REQUEST"},
		{"no query", http.MethodPost, "application/json", `{"qeury": "{ __typename }"}`, http.StatusBadRequest, "INVALID_REQUEST"},
		{"batch", http.MethodPost, "application/json", `[{"query":"{ __typename }"}]`, http.StatusBadRequest, "BATCH_NOT_SUPPORTED"},
		{"broken variables", http.MethodPost, "application/json", `{"query":"{ __typename }","variables":{"a":[}}`, http.StatusBadRequest, "INVALID_REQUEST"},
		{"variables not an object", http.MethodPost, "application/json", `{"query":"{ __typename }","variables":[1]}`, http.StatusBadRequest, "INVALID_REQUEST"},
		{"media type", http.MethodPost, "text/plain", `{ __typename }`, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"method", http.MethodPut, "application/json", `{"query":"{ __typename }"}`, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"},
	}
	for _, tt := range tests {
		for _, accept := range []string{"application/json", graphQLResponse} {
			t.Run(tt.name+" accepting "+accept, func(t *testing.T) {
				a := serve(t, e.handler, tt.method, "/graphql", tt.contentType, accept, tt.body)
				if a.status != tt.status || !strings.HasPrefix(a.contentType, accept) || a.hasData || a.code() != "BAD_USER_INPUT" || a.reason() != tt.reason {
					t.Errorf("%d %q: %.300s, want %d %s %s", a.status, a.contentType, a.body, tt.status, accept, tt.reason)
				}
			})
		}
	}
	t.Run("an Upgrade header", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape("{ __typename }"), nil)
		req.Header.Set("Upgrade", "websocket")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"__typename":"Query"`) {
			t.Errorf("%d %s", rec.Code, rec.Body)
		}
	})
	t.Run("nothing acceptable", func(t *testing.T) {
		a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", "text/html", `{"query":"{ __typename }"}`)
		if a.status != http.StatusNotAcceptable || a.reason() != "NOT_ACCEPTABLE" {
			t.Errorf("%d %.300s", a.status, a.body)
		}
	})
	t.Run("a bad token", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", graphQLResponse)
		req.Header.Set("Authorization", "Bearer pkb_vals")
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || !strings.HasPrefix(rec.Header().Get("Content-Type"), graphQLResponse) ||
			!strings.Contains(rec.Body.String(), `"code":"UNAUTHENTICATED"`) || strings.Contains(rec.Body.String(), `"data"`) {
			t.Errorf("%d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	})
}

func TestMutationOverGET(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{`mutation { createPlatformToken(region: "limburg") { token } }`, `query Q { __typename } mutation M { __typename }`} {
		target := "/graphql?query=" + url.QueryEscape(q)
		if strings.Contains(q, "mutation M") {
			target += "&operationName=M"
		}
		a := serve(t, e.handler, http.MethodGet, target, "", "", "")
		if a.status != http.StatusMethodNotAllowed || a.allow != http.MethodPost || a.code() != "BAD_USER_INPUT" || a.hasData {
			t.Errorf("%s: %d Allow %q %.300s", q, a.status, a.allow, a.body)
		}
	}
	a := serve(t, e.handler, http.MethodGet, "/graphql?query="+url.QueryEscape(`query Q { __typename } mutation M { __typename }`)+"&operationName=Q", "", "", "")
	if a.status != http.StatusOK || !a.hasData || len(a.errors) > 0 {
		t.Errorf("the query of a document with a mutation: %d %.300s", a.status, a.body)
	}
}

func TestAnonymousMutationsAreRefusedBeforeTheirVariables(t *testing.T) {
	e := newEnv(t)
	// Variables that would not even decode as an inventory: the refusal
	// comes first.
	body := `{"query":"mutation($in: InventoryInput!) { submitInventory(input: $in) { errors { code } } }","variables":{"in":{"geen":"inventaris"}}}`
	a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", "", body)
	if a.status != http.StatusUnauthorized || a.code() != "UNAUTHENTICATED" || a.hasData {
		t.Errorf("%d %.300s", a.status, a.body)
	}
}

func TestDutchMessages(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, body string
		message    string // a part of the Dutch message
		path       bool   // the error keeps a path
	}{
		{"syntax", `{"query":"{ actionPlan { "}`, "syntaxfout: verwacht Name", false},
		{"unknown field", `{"query":"{ actionPlan { regios { id } } }"}`, `het veld "regios" bestaat niet op het type "ActionPlan"; bedoelt u "regions"?`, false},
		{"missing argument", `{"query":"{ practice { id } }"}`, `het veld "practice" vraagt het argument "id"`, false},
		{"no subfields", `{"query":"{ actionPlan }"}`, `het veld "actionPlan" (type ActionPlan!) vraagt subvelden`, false},
		{"a variable's field", `{"query":"query($f: PracticeFilter) { searchPractices(filter: $f) { total } }","variables":{"f":{"regio":["limburg"]}}}`,
			"variabele $f.regio: is geen bekend veld", true},
		{"two operations without a name", `{"query":"query Eerste { __typename } query Tweede { __typename }"}`,
			"het document bevat 2 operaties (Eerste, Tweede); kies er één met operationName", false},
		{"an operation that is not there", `{"query":"query Eerste { __typename }","operationName":"Derde"}`,
			`de operatie "Derde" staat niet in het document; het bevat: Eerste`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", "", tt.body)
			if len(a.errors) == 0 || !strings.Contains(a.errors[0].Message, tt.message) || a.code() != "BAD_USER_INPUT" {
				t.Fatalf("%.400s, want a message with %q", a.body, tt.message)
			}
			if tt.path != (len(a.errors[0].Path) > 0) {
				t.Errorf("path %v: %.300s", a.errors[0].Path, a.body)
			}
			if a.reason() == "GRAPHQL_PARSE_FAILED" || a.reason() == "GRAPHQL_VALIDATION_FAILED" {
				if a.errors[0].Extensions["detail"] == nil || (!tt.path && len(a.errors[0].Locations) == 0) {
					t.Errorf("the English detail or the location is lost: %.300s", a.body)
				}
			}
		})
	}
}

// TestDepthPerOperationOfACachedDocument: a document validated (and cached)
// for its shallow operation still has its deep one refused.
func TestDepthPerOperationOfACachedDocument(t *testing.T) {
	e := newEnv(t)
	doc := "query Ondiep { __typename } query Diep { actionPlan { challenges " +
		strings.Repeat("{ actions { challenge ", 12) + "{ id }" + strings.Repeat(" } }", 12) + " } }"
	for _, op := range []string{"Ondiep", "Diep", "Ondiep", "Diep"} {
		body, _ := json.Marshal(map[string]any{"query": doc, "operationName": op})
		a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", "", string(body))
		switch {
		case op == "Ondiep" && (!a.hasData || len(a.errors) > 0):
			t.Errorf("%s: %.300s", op, a.body)
		case op == "Diep" && a.reason() != "DEPTH_LIMIT_EXCEEDED":
			t.Errorf("%s: %.300s", op, a.body)
		}
	}
}

// A request refused for its rate is a request that never ran: in the media
// type the client accepts, with Retry-After, and without data.
func TestRateLimitedRequestsAnswerPerAccept(t *testing.T) {
	e := newEnv(t, func(o *server.Options) {
		o.RateLimits.ReadsPerSecond, o.RateLimits.ReadBurst = 0.001, 1
	})
	body := `{"query":"{ __typename }"}`
	if a := serve(t, e.handler, http.MethodPost, "/graphql", "application/json", graphQLResponse, body); a.status != http.StatusOK {
		t.Fatalf("first request: %d %s", a.status, a.body)
	}
	for _, accept := range []string{graphQLResponse, "application/json"} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		e.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("%s: status %d, Retry-After %q", accept, rec.Code, rec.Header().Get("Retry-After"))
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, accept) {
			t.Errorf("%s: Content-Type %q", accept, ct)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if _, ok := got["data"]; ok {
			t.Errorf("%s: a refused request has a data key: %s", accept, rec.Body)
		}
		if !strings.Contains(string(got["errors"]), `"RATE_LIMITED"`) {
			t.Errorf("%s: %s", accept, rec.Body)
		}
	}
}
