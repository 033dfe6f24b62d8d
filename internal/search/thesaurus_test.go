package search

import (
	"context"
	"os"
	"path/filepath"
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
