package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAtMost(t *testing.T) {
	for _, tt := range []struct {
		n, max, size int64
		whole        bool
	}{
		{0, 10, -1, true},
		{10, 10, -1, true},
		{11, 10, -1, false},
		{10, 10, 10, true},
		{11, 10, 5, false},             // announced short, sent long
		{200 << 10, 1 << 20, -1, true}, // grows past its first buffer
		{(1 << 20) + 1, 1 << 20, -1, false},
	} {
		in := strings.Repeat("x", int(tt.n))
		b, err := readAtMost(iotest.HalfReader(strings.NewReader(in)), tt.max, tt.size)
		if err != nil || (b != nil) != tt.whole || (tt.whole && !bytes.Equal(b, []byte(in))) {
			t.Errorf("%d bytes, max %d, size %d: %d bytes, %v; want whole %v", tt.n, tt.max, tt.size, len(b), err, tt.whole)
		}
		if int64(cap(b)) > tt.max+1 {
			t.Errorf("%d bytes, max %d: a buffer of %d", tt.n, tt.max, cap(b))
		}
	}
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		body                string
		ok                  bool
		query, op, vars, ex string
	}{
		{`{"query":"{ a }"}`, true, "{ a }", "", "", ""},
		{` {"variables": {"s": "}\"{[" , "l": [1, {"x": []}]}, "query" : "q", "operationName": null} `, true, "q", "", `{"s": "}\"{[" , "l": [1, {"x": []}]}`, ""},
		{`{"query":"q","operationName":"Op","extensions":{"persistedQuery":{}},"other":[true]}`, true, "q", "Op", "", `{"persistedQuery":{}}`},
		{`{"qu\u0065ry":"q\n","query":"r"}`, true, "r", "", "", ""}, // escaped keys, the last one wins
		{`{"query":"q","variables":null}`, true, "q", "", "null", ""},
		{`{"query":"q","variables":[}}`, true, "q", "", "[}", ""}, // brackets balance; decoding refuses it
		{`{}`, false, "", "", "", ""},
		{`{"query":1}`, false, "", "", "", ""},
		{`{"query":null}`, false, "", "", "", ""},
		{`{"query":"q"} x`, false, "", "", "", ""},
		{`{"query":"q",}`, false, "", "", "", ""},
		{`{"query" "q"}`, false, "", "", "", ""},
		{`{"query":"q"`, false, "", "", "", ""},
		{`{"query":"q","variables":{"a":"}`, false, "", "", "", ""},
		{`"query"`, false, "", "", "", ""},
		{`{"query":"q","operationName":7}`, false, "", "", "", ""},
		{`{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1,"j":1,"k":1,"l":1,"m":1,"n":1,"o":1,"p":1,"query":"q"}`, false, "", "", "", ""},
	}
	for _, tt := range tests {
		req, fail := parseRequest([]byte(tt.body))
		if (fail == nil) != tt.ok {
			t.Errorf("%s: refused %v, want ok %v", tt.body, fail, tt.ok)
			continue
		}
		if tt.ok && (req.query != tt.query || req.operationName != tt.op || string(req.variables) != tt.vars || string(req.extensions) != tt.ex) {
			t.Errorf("%s: %q %q %s %s", tt.body, req.query, req.operationName, req.variables, req.extensions)
		}
	}
}

// FuzzParseRequest: whatever the body, reading it neither panics nor
// disagrees with encoding/json on a valid request.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ a }","variables":{"x":[1,{"y":"]"}]},"operationName":"A"}`,
		`{"qu\u0065ry":"q","query":"r"}`, `[{"query":"q"}]`, `{"query":"q","variables":[}}`, `{`, `"`, `{"query":"\\"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, fail := parseRequest(b)
		DefaultWriteVariables().overVariableLimit(req.variables)
		var m map[string]any
		_ = decodeObject(req.variables, &m)
		var env map[string]json.RawMessage // exact keys, the last of a name wins
		var query string
		if fail != nil || !json.Valid(b) || json.Unmarshal(b, &env) != nil || json.Unmarshal(env["query"], &query) != nil {
			return
		}
		if req.query != query {
			t.Errorf("query %q, encoding/json says %q", req.query, query)
		}
	})
}
