package search

import "testing"

func TestWordSearches(t *testing.T) {
	w := qword{raw: "buurt", whole: "buurt", terms: []string{"buurt"},
		near: []nearTerm{{stem: "buurtwerk", boost: prefixBoost, word: "buurtwerking"}},
		alts: []qalt{{terms: []string{"wijk"}, boost: synonymBoost}, {terms: []string{"quartier"}, boost: synonymBoost, lang: "fr"}, {terms: []string{"buurt", "huis"}, boost: synonymBoost}}}
	for st, want := range map[string]bool{
		"buurt":     true,  // its own stem: "buurten" is no other query
		"buurtwerk": true,  // a prefix neighbour it already matches
		"wijk":      true,  // a Dutch one-term variant
		"quartier":  false, // matched only in French practices
		"huis":      false, // only as part of a two-term variant
		"straat":    false,
	} {
		if got := w.searches(st); got != want {
			t.Errorf("searches(%q) = %v, want %v", st, got, want)
		}
	}
}
