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
}

func TestParseThesaurusErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"# comment\n\nalleen", "line 3"},
		{"a, b\n\xff, c", "line 2: not UTF-8"},
		{"a, " + strings.Repeat("x", maxEntryLen+1), "longer than"},
		{"a, b > c", "a narrower line"},
		{"a >", "a narrower line"},
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
