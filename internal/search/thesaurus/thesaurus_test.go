package thesaurus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestShippedThesaurus(t *testing.T) {
	th := Default()
	if th.Groups() < 20 {
		t.Fatalf("%d groups", th.Groups())
	}
	// Inflections find the group; a word does not list itself.
	got := th.Synonyms("polarisering")
	if !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, []string{"polarisatie"}) }) {
		t.Errorf("polarisering: %v", got)
	}
	if got := th.Synonyms("daklozen"); !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, []string{"sans", "abri"}) }) {
		t.Errorf("daklozen: %v", got)
	}
	// Words of an entry of several words find its group together.
	if got := th.PhraseSynonyms([]string{"digitale", "kloof"}); !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, []string{"fracture", "numerique"}) }) {
		t.Errorf("digitale kloof: %v", got)
	}
	if got := th.PhraseSynonyms([]string{"opvang", "kinderen"}); !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, []string{"kinderopvang"}) }) {
		t.Errorf("opvang kinderen: %v", got)
	}
	if got := th.PhraseSynonyms([]string{"digitale", "fiets"}); got != nil {
		t.Errorf("digitale fiets: %v", got)
	}
	// A broad word finds its narrower entries, not they it.
	if got := th.Narrower("migranten"); !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, []string{"vluchteling"}) }) {
		t.Errorf("narrower than migranten: %v", got)
	}
	if got := th.Narrower("vluchteling"); got != nil {
		t.Errorf("narrower than vluchteling: %v", got)
	}
	if got := th.Synonyms("fiets"); got != nil {
		t.Errorf("fiets: %v", got)
	}
	// Related words find each other, an inflection too; an entry of
	// several words finds its related entries and their synonyms.
	if got := th.Related([]string{"wijken"}); !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, []string{"buurt"}) }) {
		t.Errorf("related to wijken: %v", got)
	}
	if got := th.Related([]string{"buurt"}); !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, []string{"wijk"}) }) {
		t.Errorf("related to buurt: %v", got)
	}
	got = th.Related([]string{"sociaal", "verhuurkantoor"})
	for _, want := range [][]string{{"huisvesting"}, {"wonen"}, {"logement"}} {
		if !slices.ContainsFunc(got, func(ws []string) bool { return slices.Equal(ws, want) }) {
			t.Errorf("related to sociaal verhuurkantoor: %v, want %v among them", got, want)
		}
	}
	if got := th.Related([]string{"fiets"}); got != nil {
		t.Errorf("related to fiets: %v", got)
	}
}

// TestParseRelated: each entry of a related line is related to every
// other, not to itself, and not to the other entries' synonyms' words.
func TestParseRelated(t *testing.T) {
	th, err := Parse([]byte("a ~ bb ~ c d\nbb, ee\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ws   []string
		want [][]string
	}{
		{[]string{"a"}, [][]string{{"bb"}, {"ee"}, {"c", "d"}}},
		{[]string{"bb"}, [][]string{{"a"}, {"c", "d"}}},
		{[]string{"c", "d"}, [][]string{{"a"}, {"bb"}, {"ee"}}},
		{[]string{"ee"}, nil},
	} {
		if got := th.Related(tc.ws); !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("related to %v: %v, want %v", tc.ws, got, tc.want)
		}
	}
}

func TestParseThesaurusErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"# comment\n\nalleen", "line 3"},
		{"a, b\n\xff, c", "line 2: not UTF-8"},
		{"a, " + strings.Repeat("x", maxEntryLen+1), "longer than"},
		{"a, b > c", "a narrower line"},
		{"a >", "a narrower line"},
		{"a ~ b, c", "separates its entries by ~ only"},
		{"a ~ b > c", "separates its entries by ~ only"},
		{"a ~ a", "a related line has 2"},
		{"a ~ !!", "no word to search for"},
	} {
		if _, err := Parse([]byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.want)
		}
	}
	big := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("a, b\n", maxThesaurusBytes/5+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
}
