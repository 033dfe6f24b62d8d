package search

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestShippedThesaurus(t *testing.T) {
	th := DefaultThesaurus()
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
	if got := th.Synonyms("fiets"); got != nil {
		t.Errorf("fiets: %v", got)
	}
}

func TestParseThesaurusErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"# comment\n\nalleen", "line 3"},
		{"a, b\n\xff, c", "line 2: not UTF-8"},
		{"a, " + strings.Repeat("x", maxEntryLen+1), "longer than"},
	} {
		if _, err := ParseThesaurus([]byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.want)
		}
	}
	big := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("a, b\n", maxThesaurusBytes/5+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadThesaurus(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
}

// TestThesaurusReplaced: a thesaurus given to the index is the one its
// searches apply, without a reindex.
func TestThesaurusReplaced(t *testing.T) {
	corpus := loadCorpus(t)
	path := filepath.Join(t.TempDir(), "thesaurus.txt")
	if err := os.WriteFile(path, []byte("# own words\nfietsbib, rijwiel\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	own, err := LoadThesaurus(path)
	if err != nil {
		t.Fatal(err)
	}
	refs := refIndex(corpus)
	for _, tc := range []struct {
		name      string
		th        *Thesaurus
		query     string
		wantFound bool
	}{
		{"own file", own, "rijwiel", true},
		{"own file replaces the shipped one", own, "vereenzaming", false},
		{"shipped", DefaultThesaurus(), "vereenzaming", true},
		{"none", nil, "vereenzaming", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix, _ := openFilled(t, newMemSource(corpus...), WithThesaurus(tc.th))
			res, err := ix.Search(context.Background(), Request{Query: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			if found := res.Total > 0; found != tc.wantFound {
				t.Errorf("%q: total %d", tc.query, res.Total)
			}
			if tc.wantFound && refs[res.Hits[0].ID] != map[string]string{"rijwiel": "lim-005", "vereenzaming": "lim-006"}[tc.query] {
				t.Errorf("%q found %s first", tc.query, refs[res.Hits[0].ID])
			}
		})
	}
}
