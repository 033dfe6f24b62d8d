package search

import (
	"context"
	"testing"
)

func TestResultCacheFollowsWrites(t *testing.T) {
	ctx := context.Background()
	ps := GenerateCorpus(40, 7)
	ix, err := Open(t.TempDir(), testPlan())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(ctx, ps[:20]); err != nil {
		t.Fatal(err)
	}
	req := Request{Filter: Filter{Regions: []string{ps[0].Region}}}
	first, err := ix.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	// The same request again is answered from the cache.
	again, err := ix.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if s := ix.CacheStats(); s.Hits != 1 || again.Total != first.Total {
		t.Fatalf("second identical search: stats %+v, totals %d/%d", s, first.Total, again.Total)
	}
	// Filtering the returned hits in place must not change the cached result.
	again.Hits = again.Hits[:0]
	third, _ := ix.Search(ctx, req)
	if len(third.Hits) != len(first.Hits) {
		t.Fatalf("a caller's change reached the cache: %d hits, want %d", len(third.Hits), len(first.Hits))
	}
	// A write makes the next answer fresh.
	want := 0
	for _, p := range ps {
		if p.Region == ps[0].Region && p.Live() {
			want++
		}
	}
	if err := ix.Apply(ctx, ps[20:]); err != nil {
		t.Fatal(err)
	}
	after, err := ix.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != want || want == first.Total {
		t.Fatalf("after a write: total %d, want %d (before: %d)", after.Total, want, first.Total)
	}
	// Without facets asked, none are computed.
	bare, err := ix.Search(ctx, Request{NoFacets: true})
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, p := range ps {
		if p.Live() {
			live++
		}
	}
	if len(bare.Facets.Regions) != 0 || bare.Total != live {
		t.Fatalf("NoFacets: %d region facets, total %d", len(bare.Facets.Regions), bare.Total)
	}
}

func TestCacheKeyIgnoresFilterOrder(t *testing.T) {
	a := request{Request: Request{Filter: Filter{Regions: []string{"limburg", "antwerpen"}}}, first: 20, sort: SortNewest}
	b := request{Request: Request{Filter: Filter{Regions: []string{"antwerpen", "limburg"}}}, first: 20, sort: SortNewest}
	c := request{Request: Request{Filter: Filter{Regions: []string{"antwerpen"}, Challenges: []string{"limburg"}}}, first: 20, sort: SortNewest}
	if a.cacheKey() != b.cacheKey() || a.cacheKey() == c.cacheKey() {
		t.Fatal("cache keys do not follow the filter's meaning")
	}
}
