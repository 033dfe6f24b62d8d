package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOverVariableLimit(t *testing.T) {
	l := VariableLimits{Bytes: 1 << 20, Depth: 3, List: 3, Objects: 3, Values: 8}
	tests := []struct {
		name, json string
		over       string // a word of the message, "" for within
	}{
		{"empty", `{}`, ""},
		{"a list at its limit", `{"a":[1,2,3]}`, ""},
		{"a list over its limit", `{"a":[1,2,3,4]}`, "lijst"},
		{"empty lists and objects", `{"a":[],"b":{},"c":[[]]}`, ""},
		{"nesting at its limit", `{"a":[{"b":1}]}`, ""},
		{"nesting over its limit", `{"a":[[[1]]]}`, "genest"},
		{"objects over their limit", `{"a":{},"b":{},"c":{}}`, "objecten"},
		{"values at their limit", `{"a":1,"b":2,"c":[3,4,5],"d":"6","e":null}`, ""},
		{"values over their limit", `{"a":1,"b":2,"c":[3,4,5],"d":"6","e":null,"f":0}`, "waarden"},
		{"brackets and commas inside strings do not count", `{"a":"[[[[,,,,{{{{","b":"\"[,"}`, ""},
		{"an escaped backslash ends before the quote", `{"a":"\\","b":[1,2,3]}`, ""},
		{"whitespace", " {\n\t\"a\" : [ 1 , 2 , 3 ] \r\n} ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !json.Valid([]byte(tt.json)) {
				t.Fatalf("test JSON is not valid: %s", tt.json)
			}
			got, _ := l.overVariableLimit([]byte(tt.json))
			if (tt.over == "") != (got == "") || !strings.Contains(got, tt.over) {
				t.Errorf("overVariableLimit(%s) = %q, want %q", tt.json, got, tt.over)
			}
		})
	}
	if got, limit := (VariableLimits{Bytes: 4, Depth: 9, List: 9, Objects: 9, Values: 9}).overVariableLimit([]byte(`{"a":1}`)); !strings.Contains(got, "bytes") || limit != 4 {
		t.Errorf("bytes over the limit: %q", got)
	}
}

// TestWriteVariablesTakeAFullInventory: the largest inventory the domain
// takes (5,000 practices) fits the write budget, and a query's budget is
// far smaller.
func TestWriteVariablesTakeAFullInventory(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "bank", "testdata", "limburg.json"))
	if err != nil {
		t.Fatal(err)
	}
	var inv map[string]any
	if err := json.Unmarshal(raw, &inv); err != nil {
		t.Fatal(err)
	}
	practice := inv["practices"].([]any)[0]
	practices := make([]any, 5000)
	for i := range practices {
		practices[i] = practice
	}
	inv["practices"] = practices
	vars, err := json.Marshal(map[string]any{"in": inv, "dry": true})
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) > DefaultWriteVariables().Bytes {
		t.Skipf("5,000 copies of the test practice are %d bytes, over the body limit", len(vars))
	}
	if msg, _ := DefaultWriteVariables().overVariableLimit(vars); msg != "" {
		t.Errorf("a full inventory of %d bytes is refused: %s", len(vars), msg)
	}
	if msg, _ := DefaultReadVariables().overVariableLimit(vars); msg == "" {
		t.Error("a query may send an inventory's worth of variables")
	}
}
