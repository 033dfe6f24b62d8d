package search

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	w := func(s string) queryPart { return queryPart{text: s} }
	ph := func(s string) queryPart { return queryPart{text: s, phrase: true} }
	tests := []struct {
		q    string
		want parsedQuery
	}{
		{"jongeren Limburg", parsedQuery{clauses: [][]queryPart{{w("jongeren")}, {w("Limburg")}}}},
		{"armoede -energie", parsedQuery{clauses: [][]queryPart{{w("armoede")}}, exclude: []queryPart{w("energie")}}},
		{`"sociaal werk" gent`, parsedQuery{clauses: [][]queryPart{{ph("sociaal werk")}, {w("gent")}}}},
		{`-"sociaal werk" gent`, parsedQuery{clauses: [][]queryPart{{w("gent")}}, exclude: []queryPart{ph("sociaal werk")}}},
		{"daklozen OF thuislozen jongeren", parsedQuery{clauses: [][]queryPart{{w("daklozen"), w("thuislozen")}, {w("jongeren")}}}},
		{`a OR "b c" OR d e`, parsedQuery{clauses: [][]queryPart{{w("a"), ph("b c"), w("d")}, {w("e")}}}},
		// OF where it joins nothing is a word; "of" is a word.
		{"OF armoede", parsedQuery{clauses: [][]queryPart{{w("OF")}, {w("armoede")}}}},
		{"armoede OF", parsedQuery{clauses: [][]queryPart{{w("armoede")}, {w("OF")}}}},
		{"wonen of werken", parsedQuery{clauses: [][]queryPart{{w("wonen")}, {w("of")}, {w("werken")}}}},
		// A hyphen inside a word, alone or doubled is no exclusion.
		{"sans-abri - --x", parsedQuery{clauses: [][]queryPart{{w("sans-abri")}, {w("-")}, {w("--x")}}}},
		// An unclosed quote runs to the end.
		{`"budget meter`, parsedQuery{clauses: [][]queryPart{{ph("budget meter")}}}},
		{`""  `, parsedQuery{}},
	}
	for _, tt := range tests {
		if got := parseQuery(tt.q); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseQuery(%q) = %+v, want %+v", tt.q, got, tt.want)
		}
	}
}

// TestQuerySyntaxSearches: what each part of the syntax does to a search
// of the test corpus.
func TestQuerySyntaxSearches(t *testing.T) {
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...))
	refs := refIndex(corpus)
	search := func(r Request) (Result, []string) {
		t.Helper()
		r.First = 100
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, refs[h.ID])
		}
		return res, got
	}

	t.Run("partial: few have every word, those first", func(t *testing.T) {
		res, got := search(Request{Query: "jongeren Limburg"})
		strict, all := search(Request{Query: "jongeren Limburg", Strict: true})
		if !res.Partial || strict.Partial || strict.Total == 0 || res.Total <= strict.Total {
			t.Fatalf("partial %v total %d, strict partial %v total %d", res.Partial, res.Total, strict.Partial, strict.Total)
		}
		if head := slices.Sorted(slices.Values(got[:len(all)])); !slices.Equal(head, slices.Sorted(slices.Values(all))) {
			t.Errorf("the %d with every word %v do not come first: %v", len(all), all, got)
		}
		for _, r := range all {
			if !strings.HasPrefix(r, "lim-") {
				t.Errorf("strict: %s is not in Limburg", r)
			}
		}
	})
	t.Run("a compound's parts alone only when few have the compound", func(t *testing.T) {
		res, got := search(Request{Query: "energiearmoede"})
		strict, _ := search(Request{Query: "energiearmoede", Strict: true})
		if !res.Partial || got[0] != "ant-008" || !slices.Contains(got, "wvl-012") || strict.Total != 1 {
			t.Errorf("energiearmoede: partial %v %v, strict %d", res.Partial, got, strict.Total)
		}
		// Enough practices hold "buurtwerk": practices with "werk" or
		// "buurt" alone are not counted.
		res, _ = search(Request{Query: "buurtwerk"})
		strict, _ = search(Request{Query: "buurtwerk", Strict: true})
		if res.Partial || res.Total < relaxBelow || res.Total != strict.Total {
			t.Errorf("buurtwerk: partial %v, total %d, strict %d", res.Partial, res.Total, strict.Total)
		}
	})
	t.Run("not partial when many have every word", func(t *testing.T) {
		if res, _ := search(Request{Query: "sociaal werk"}); res.Partial || res.Total < relaxBelow {
			t.Errorf("partial %v, total %d", res.Partial, res.Total)
		}
	})
	t.Run("none has any word", func(t *testing.T) {
		if res, _ := search(Request{Query: "qzxa qzxb"}); res.Partial || res.Total != 0 {
			t.Errorf("partial %v, total %d", res.Partial, res.Total)
		}
	})
	t.Run("-woord excludes", func(t *testing.T) {
		all, with := search(Request{Query: "armoede"})
		res, got := search(Request{Query: "armoede -energie"})
		if !slices.Contains(with, "ant-008") || slices.Contains(got, "ant-008") || res.Total >= all.Total || res.Total == 0 {
			t.Errorf("armoede: %v; armoede -energie: %v", with, got)
		}
		// The compound energiearmoede holds energie: excluded too.
		_, only := search(Request{Query: "-armoede"})
		if len(only) == 0 || slices.Contains(only, "ovl-003") || slices.Contains(only, "ant-008") {
			t.Errorf("-armoede: %v", only)
		}
	})
	t.Run("a phrase wants its words in order", func(t *testing.T) {
		_, loose := search(Request{Query: "armoede bestrijden"})
		_, phrase := search(Request{Query: `"armoede bestrijden"`})
		if !slices.Equal(phrase, []string{"ovl-004"}) || len(loose) <= 1 {
			t.Errorf("phrase %v, words %v", phrase, loose)
		}
	})
	t.Run("OF joins alternatives", func(t *testing.T) {
		_, a := search(Request{Query: "moestuin"})
		_, b := search(Request{Query: "fietsbib"})
		res, got := search(Request{Query: "moestuin OF fietsbib"})
		_, or := search(Request{Query: "moestuin OR fietsbib"})
		if res.Partial || len(got) != len(a)+len(b) || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(or))) {
			t.Errorf("moestuin %v, fietsbib %v, either %v (partial %v), OR %v", a, b, got, res.Partial, or)
		}
	})
}

func TestParts(t *testing.T) {
	got := Parts(`jongeren "sociaal werk" daklozen OF thuislozen -energie`)
	want := QueryParts{Wanted: [][]string{{"jongeren"}, {`"sociaal werk"`}, {"daklozen", "thuislozen"}}, Without: []string{"energie"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parts = %+v", got)
	}
}
