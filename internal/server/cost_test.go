package server_test

// The cost of hostile requests that are small to send and were expensive to
// answer: each goes to a real server over HTTP, with the default limits, and
// must get a coded answer within a second while the whole process allocates
// at most maxAlloc meanwhile (its peak heap growth is less than that).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// costTimeouts leave a busy machine time to send megabytes over loopback;
// the answer must still come within fast.
var costTimeouts = server.Timeouts{ReadHeader: time.Second, Read: 10 * time.Second, Write: 10 * time.Second, Idle: 10 * time.Second}

// maxAlloc is what one hostile request may cost in allocations, server and
// client together (the client's are small: its bodies are built beforehand).
const maxAlloc = 64 << 20

// allocated runs f and returns the bytes the process allocated meanwhile.
func allocated(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

// hostileRequest is one request of an attack class, built before it is sent.
type hostileRequest struct {
	name        string
	method      string
	target      string // path and query
	contentType string
	accept      string
	token       string
	body        []byte
	status      int    // wanted status
	code        string // wanted extensions.code of the first error
	reason      string // wanted extensions.reason of the first error ("": any)
}

func (h *hostileEnv) send(t *testing.T, r hostileRequest) answer {
	t.Helper()
	req, err := http.NewRequest(r.method, h.url+r.target, bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.accept != "" {
		req.Header.Set("Accept", r.accept)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", r.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}
}

// run sends each request and checks its answer and its cost.
func (h *hostileEnv) run(t *testing.T, reqs []hostileRequest) {
	t.Helper()
	for _, r := range reqs {
		t.Run(r.name, func(t *testing.T) {
			var a answer
			alloc := allocated(func() { a = h.send(t, r) })
			a.wantRefused(t, r.status, r.code)
			if r.reason != "" && !strings.Contains(a.body, `"reason":"`+r.reason+`"`) {
				t.Errorf("reason not %s: %.300s", r.reason, a.body)
			}
			if strings.Contains(a.body, `"data"`) {
				t.Errorf("a request that did not run has a data key: %.300s", a.body)
			}
			if alloc > maxAlloc {
				t.Errorf("the request cost %d MiB of allocations, want ≤ %d MiB", alloc>>20, maxAlloc>>20)
			}
			h.stillServes(t)
		})
	}
}

func jsonRequest(query string, variables any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		panic(err)
	}
	return b
}

// repeat writes n copies of format (given the copy's number) between open and close.
func repeat(open, format, close string, n int) string {
	var b strings.Builder
	b.WriteString(open)
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	b.WriteString(close)
	return b.String()
}

func multipartRequest(t *testing.T, operations, mapPart string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("operations", operations); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteField("map", mapPart); err != nil {
		t.Fatal(err)
	}
	part, err := w.CreateFormFile("0", "limburg.csv")
	if err != nil {
		t.Fatal(err)
	}
	part.Write([]byte("ref;titel\nlim-1;Een titel\n"))
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

// TestHostileRepeatedFields: one field selected again and again with other
// arguments made gqlparser compare every pair (9 s, +4.7 GB, an error body
// of 500 MB for 1,800 copies). Refused before validation, in every form.
func TestHostileRepeatedFields(t *testing.T) {
	h := startHostileWith(t, costTimeouts, func(o *server.Options) { o.MaxBodyBytes = server.Defaults().MaxBodyBytes })
	const n = 1800
	same := repeat("{ actionPlan { actions { ", `practiceCount(region: "r%d") `, "} } }", n)
	getQuery := repeat("{actionPlan{actions{", "practiceCount(region:%d) ", "}}}", 400) // within MaxURLBytes
	longGetQuery := repeat("{actionPlan{actions{", "practiceCount(region:%d) ", "}}}", n)
	inline := repeat("{ actionPlan { actions { ", `... on Action { practiceCount(region: "r%d") } `, "} } }", n/2)
	named := repeat("{ actionPlan { actions { ", "...F%d ", "} } }\n", 600) +
		repeat("", "fragment F%[1]d on Action { practiceCount(region: \"r%[1]d\") }\n", "", 600)
	otherField := repeat("{ ", `node(id: "x%d") { id } `, "}", n/2)
	parents := repeat("{ ", `actionPlan { actions { practiceCount(region: "r%d") } } `, "}", n/3)
	unused := "{ __typename }\n" + repeat("fragment Ongebruikt on Action { ", `practiceCount(region: "r%d") `, "}", n)
	ops, ct := multipartRequest(t, string(jsonRequest(same, map[string]any{"f": nil})), `{"0":["variables.f"]}`)
	post := func(name, q string) hostileRequest {
		return hostileRequest{name: name, method: http.MethodPost, target: "/graphql", contentType: "application/json",
			body: jsonRequest(q, nil), status: http.StatusOK, code: "BAD_USER_INPUT", reason: "REPEATED_FIELD_LIMIT_EXCEEDED"}
	}
	reqs := []hostileRequest{
		post("one field, other arguments", same),
		post("inline fragments", inline),
		post("named fragments", named),
		post("another field", otherField),
		post("same-named parents", parents),
		post("an unused fragment", unused),
		{name: "as a GET URL", method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape(getQuery),
			status: http.StatusOK, code: "BAD_USER_INPUT", reason: "REPEATED_FIELD_LIMIT_EXCEEDED"},
		{name: "as a GET URL over the URL limit", method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape(longGetQuery),
			status: http.StatusRequestURITooLong, code: "BAD_USER_INPUT", reason: server.ReasonURLTooLong},
		{name: "accepting graphql-response+json", method: http.MethodPost, target: "/graphql", contentType: "application/json",
			accept: "application/graphql-response+json", body: jsonRequest(same, nil),
			status: http.StatusBadRequest, code: "BAD_USER_INPUT", reason: "REPEATED_FIELD_LIMIT_EXCEEDED"},
		{name: "as the operations of a multipart request", method: http.MethodPost, target: "/graphql", contentType: ct, body: ops,
			status: http.StatusOK, code: "BAD_USER_INPUT", reason: "REPEATED_FIELD_LIMIT_EXCEEDED"},
	}
	h.run(t, reqs)

	// Aliases make every copy its own field: no pairs to compare, but each
	// runs once per action; the complexity limit bounds that.
	aliased := repeat("{ actionPlan { actions { ", `a%[1]d: practiceCount(region: "r%[1]d") `, "} } }", n)
	h.run(t, []hostileRequest{{name: "aliases", method: http.MethodPost, target: "/graphql", contentType: "application/json",
		body: jsonRequest(aliased, nil), status: http.StatusOK, code: "BAD_USER_INPUT", reason: "COMPLEXITY_LIMIT_EXCEEDED"}})
	t.Run("aliases within the limits: answered in time", func(t *testing.T) {
		within := repeat("{ actionPlan { actions { ", `a%d: title `, "} } }", 150)
		var a answer
		alloc := allocated(func() {
			a = h.send(t, hostileRequest{method: http.MethodPost, target: "/graphql", contentType: "application/json", body: jsonRequest(within, nil)})
		})
		var out struct {
			Data struct {
				ActionPlan struct{ Actions []map[string]string }
			}
		}
		if err := json.Unmarshal([]byte(a.body), &out); err != nil || a.status != http.StatusOK || len(out.Data.ActionPlan.Actions) < 17 || len(out.Data.ActionPlan.Actions[0]) != 150 {
			t.Fatalf("status %d, %v: %.300s", a.status, err, a.body)
		}
		if a.took > fast || alloc > maxAlloc {
			t.Errorf("answered in %v with %d MiB allocated", a.took, alloc>>20)
		}
	})
}

// TestHostileVariables: variables are measured before they are decoded, and
// an anonymous mutation is refused before its variables are looked at.
func TestHostileVariables(t *testing.T) {
	h := startHostileWith(t, costTimeouts, func(o *server.Options) {
		o.MaxBodyBytes = server.Defaults().MaxBodyBytes
		o.MaxUploadBytes = server.Defaults().MaxUploadBytes
	})
	token := platformToken(t, h.env, "limburg")

	const submit = `mutation($in: InventoryInput!) { submitInventory(input: $in) { errors { code } } }`
	const upload = `mutation($f: Upload!, $x: [InventoryInput!]) { uploadInventory(file: $f, region: "limburg") { errors { code } } }`
	// tiny writes n objects {"title":"x"}, 14 bytes each, between prefix and suffix.
	tiny := func(prefix string, n int, suffix string) []byte {
		var b bytes.Buffer
		b.WriteString(prefix)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"title":"x"}`)
		}
		b.WriteString(suffix)
		return b.Bytes()
	}
	objects := tiny(`{"query":"`+submit+`","variables":{"in":{"region":"limburg","title":"t","practices":[`, 595000, `]}}}`)
	var strs bytes.Buffer
	strs.WriteString(`{"query":"` + submit + `","variables":{"in":{"region":"limburg","title":"t","practices":[{"ref":"a","organisations":[`)
	for i := range 1000000 {
		if i > 0 {
			strs.WriteByte(',')
		}
		strs.WriteString(`"o"`)
	}
	strs.WriteString(`]}]}}}`)
	regions := make([]string, 100000)
	for i := range regions {
		regions[i] = "r"
	}
	deep := []byte(`{"query":"query($v: String) { searchPractices(query: $v) { total } }","variables":{"v":` +
		strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}`)
	smallOps := string(tiny(`{"query":"`+strings.ReplaceAll(upload, `"`, `\"`)+`","variables":{"f":null,"x":[{"practices":[`, 500000, `]}]}}`))
	smallBody, smallCT := multipartRequest(t, smallOps, `{"0":["variables.f"]}`)
	var huge strings.Builder
	huge.WriteString(`{"query":"` + strings.ReplaceAll(upload, `"`, `\"`) + `","variables":{"f":null,"x":[`)
	for huge.Len() < 15<<20 {
		huge.WriteString(`{},`)
	}
	huge.WriteString(`{}]}}`)
	hugeBody, hugeCT := multipartRequest(t, huge.String(), `{"0":["variables.f"]}`)

	h.run(t, []hostileRequest{
		{name: "anonymous submitInventory, 595,000 tiny objects in 8 MiB", method: http.MethodPost, target: "/graphql", contentType: "application/json",
			body: objects, status: http.StatusUnauthorized, code: "UNAUTHENTICATED"},
		{name: "the same with a platform token", method: http.MethodPost, target: "/graphql", contentType: "application/json", token: token,
			body: objects, status: http.StatusOK, code: "BAD_USER_INPUT", reason: "VARIABLE_LIMIT_EXCEEDED"},
		{name: "a list of a million strings, with a platform token", method: http.MethodPost, target: "/graphql", contentType: "application/json", token: token,
			body: strs.Bytes(), status: http.StatusOK, code: "BAD_USER_INPUT", reason: "VARIABLE_LIMIT_EXCEEDED"},
		{name: "a query with a filter of 100,000 regions", method: http.MethodPost, target: "/graphql", contentType: "application/json",
			body:   jsonRequest(`query($f: PracticeFilter) { searchPractices(filter: $f) { total } }`, map[string]any{"f": map[string]any{"regions": regions}}),
			status: http.StatusOK, code: "BAD_USER_INPUT", reason: "VARIABLE_LIMIT_EXCEEDED"},
		{name: "variables nested 5,000 deep", method: http.MethodPost, target: "/graphql", contentType: "application/json",
			body: deep, status: http.StatusOK, code: "BAD_USER_INPUT", reason: "VARIABLE_LIMIT_EXCEEDED"},
		{name: "anonymous multipart upload with 500,000 objects in its operations", method: http.MethodPost, target: "/graphql", contentType: smallCT,
			body: smallBody, status: http.StatusUnauthorized, code: "UNAUTHENTICATED"},
		{name: "the same with a platform token", method: http.MethodPost, target: "/graphql", contentType: smallCT, token: token,
			body: smallBody, status: http.StatusOK, code: "BAD_USER_INPUT", reason: "VARIABLE_LIMIT_EXCEEDED"},
		{name: "multipart operations of 15 MiB", method: http.MethodPost, target: "/graphql", contentType: hugeCT, token: token,
			body: hugeBody, status: http.StatusRequestEntityTooLarge, code: "BAD_USER_INPUT", reason: "BODY_TOO_LARGE"},
	})
}

// TestHostileManyErrors: a document with hundreds of mistakes lists twenty
// and says how many more there were.
func TestHostileManyErrors(t *testing.T) {
	h := startHostile(t)
	q := repeat("{ ", "onbekend%d ", "}", 500)
	a := h.send(t, hostileRequest{name: "many errors", method: http.MethodPost, target: "/graphql", contentType: "application/json", body: jsonRequest(q, nil)})
	codes := a.codes(t)
	if a.status != http.StatusOK || len(codes) != 21 || !strings.Contains(a.body, "en nog 480 fouten") {
		t.Fatalf("status %d, %d errors: %.500s", a.status, len(codes), a.body)
	}
	for _, c := range codes {
		if c != "BAD_USER_INPUT" {
			t.Errorf("code %q in %v", c, codes)
		}
	}
}
