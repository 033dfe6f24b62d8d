package search

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/thesaurus"
)

// TestThesaurusReplaced: a thesaurus given to the index is the one its
// searches apply, without a reindex.
func TestThesaurusReplaced(t *testing.T) {
	corpus := loadCorpus(t)
	path := filepath.Join(t.TempDir(), "thesaurus.txt")
	if err := os.WriteFile(path, []byte("# own words\nfietsbib, rijwiel\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	own, err := thesaurus.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	refs := refIndex(corpus)
	for _, tc := range []struct {
		name      string
		th        *thesaurus.Thesaurus
		query     string
		wantFound bool
	}{
		{"own file", own, "rijwiel", true},
		{"own file replaces the shipped one", own, "vereenzaming", false},
		{"shipped", thesaurus.Default(), "vereenzaming", true},
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

// TestThesaurusRelated: a word finds the practices of a related word (the
// shipped "buurt ~ wijk"), below every practice that has the word itself;
// a typo of the word does not follow the relation.
func TestThesaurusRelated(t *testing.T) {
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...))
	refs := refIndex(corpus)
	has := func(ref, word string) bool {
		for _, p := range corpus {
			if p.Ref == ref {
				c := p.Content
				return strings.Contains(strings.ToLower(strings.Join([]string{c.Title, c.Summary, c.Description, strings.Join(c.Settings, " "), strings.Join(c.TargetGroups, " ")}, " ")), word)
			}
		}
		t.Fatalf("no practice %s", ref)
		return false
	}
	const buurtOnly = "vbr-007" // says buurt, never wijk
	if has(buurtOnly, "wijk") || !has(buurtOnly, "buurt") {
		t.Fatalf("%s no longer says buurt only", buurtOnly)
	}
	search := func(q string) []string { return searchRefs(t, ix, refs, Request{Query: q, First: 100}) }
	got := search("wijk")
	i := slices.Index(got, buurtOnly)
	if i < 0 {
		t.Fatalf("wijk: %s (buurt) not found: %v", buurtOnly, got)
	}
	for _, ref := range got[i:] {
		if has(ref, "wijk") {
			t.Errorf("wijk: %s, which says wijk, ranks below %s, which says buurt only: %v", ref, buurtOnly, got)
		}
	}
	if got := search("wjik"); slices.Contains(got, buurtOnly) {
		t.Errorf("wjik: the typo found %s through the related buurt: %v", buurtOnly, got)
	}
}
