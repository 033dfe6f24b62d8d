package search

import (
	"context"
	"strings"
	"testing"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// TestBilingual: French and English practices are analysed in their own
// language, found by queries in it, highlighted, filtered and counted
// like the Dutch ones.
func TestBilingual(t *testing.T) {
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...))
	refs := refIndex(corpus)
	for _, tc := range []struct {
		query, want, mark string
		filter            Filter
	}{
		{query: "dette", want: "bru-014", mark: "<mark>dettes</mark>"},          // French plural
		{query: "logements", want: "bru-013", mark: "<mark>logement</mark>"},    // French singular
		{query: "health worker", want: "bru-015", mark: "<mark>workers</mark>"}, // English plural
		{query: "sans-abri", want: "bru-013", filter: Filter{Regions: []string{"brussel"}, Challenges: []string{"onderbescherming"}}},
		{query: "nabijheid", want: "bru-012"}, // the plan's Dutch name of its krachtlijn
	} {
		res, err := ix.Search(context.Background(), Request{Query: tc.query, Filter: tc.filter, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		var hit *Hit
		for i, h := range res.Hits {
			if refs[h.ID] == tc.want {
				hit = &res.Hits[i]
			}
		}
		if hit == nil {
			t.Errorf("%q: %s not in the top 10 (total %d)", tc.query, tc.want, res.Total)
			continue
		}
		if tc.mark != "" {
			var frags []string
			for _, h := range hit.Highlights {
				frags = append(frags, h.Fragments...)
			}
			if !strings.Contains(strings.Join(frags, " "), tc.mark) {
				t.Errorf("%q: highlights %v lack %s", tc.query, frags, tc.mark)
			}
		}
		if len(tc.filter.Regions) > 0 {
			counted := false
			for _, f := range res.Facets.Regions {
				counted = counted || f.Value == "brussel" && f.Count == res.Total
			}
			if !counted {
				t.Errorf("%q: regions facet %v, total %d", tc.query, res.Facets.Regions, res.Total)
			}
		}
	}
	// Analysed in its own language: the index holds the French stem of
	// "dettes", not the Dutch one.
	fr := string(ix.foreign["fr"].Analyze([]byte("dettes"))[0].Term)
	if fr == dutch.Stem("dettes") {
		t.Fatalf("French and Dutch stems of dettes agree; the test needs them apart")
	}
	count := func(term string) uint64 {
		var n uint64
		err := withReader(ix.bl, func(rd index.IndexReader) error {
			r, err := rd.TermFieldReader(context.Background(), []byte(term), fAll, false, false, false)
			if err != nil {
				return err
			}
			defer r.Close()
			n = r.Count()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(fr) != 1 || count(dutch.Stem("dettes")) != 0 {
		t.Errorf("body: %d documents hold %q, %d hold %q", count(fr), fr, count(dutch.Stem("dettes")), dutch.Stem("dettes"))
	}
}
