package search

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// TestPostingsCacheFindsWhatReadingFinds: an index that keeps the posting
// lists its searches read finds what an index without the cache finds
// (totals, hits, scores, facets), takes the lists from the cache when it
// searches again, and after a write finds the new text, not the lists of
// the snapshot before.
func TestPostingsCacheFindsWhatReadingFinds(t *testing.T) {
	ctx := context.Background()
	corpus := GenerateCorpus(1200, 7)
	src := newMemSource(corpus...)
	cached, _ := openFilled(t, src, WithCacheSize(0), withCachedPostingsFrom(1))
	plain, _ := openFilled(t, src, WithCacheSize(0), WithPostingsCache(0))
	queries := []string{"jongeren", "buurtwerk jongeren", "armoede schuldhulp", "nabijheit", "digitale inclusie voor ouderen",
		"wijkteam straathoekwerk gezinnen", "kwispeldans"}
	same := func(stage string) {
		t.Helper()
		for _, q := range queries {
			req := Request{Query: q, First: 10}
			got, err := cached.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			want, err := plain.Search(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total || len(got.Hits) != len(want.Hits) || !reflect.DeepEqual(got.Facets, want.Facets) {
				t.Fatalf("%s, %q: total %d (%d hits), without the cache %d (%d hits), or other facets", stage, q, got.Total, len(got.Hits), want.Total, len(want.Hits))
			}
			for i := range got.Hits {
				g, w := got.Hits[i], want.Hits[i]
				if g.ID != w.ID || math.Abs(g.Score-w.Score) > 1e-12*math.Abs(w.Score) {
					t.Fatalf("%s, %q: hit %d is %s (%v), without the cache %s (%v)", stage, q, i, g.ID, g.Score, w.ID, w.Score)
				}
			}
		}
	}
	apply := func(p practice.Practice) {
		t.Helper()
		for _, ix := range []*Index{cached, plain} {
			if err := ix.Apply(ctx, []practice.Practice{p}); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := src.get(corpus[0].ID)
	old := p
	p.Title = "Kwispeldans voor jongeren"
	apply(src.put(p))

	same("first")
	first := cached.PostingsCacheStats()
	if first.Misses == 0 || first.Bytes == 0 {
		t.Fatalf("after the first searches: %+v, want lists read and kept", first)
	}
	// Searching again takes every list from the cache, once the snapshot
	// stays (Bleve persists and merges the write's segment in the
	// background, each time a new snapshot, on which the cache starts anew).
	for round := 0; ; round++ {
		same("again")
		again := cached.PostingsCacheStats()
		if again.Hits > first.Hits && again.Misses == first.Misses {
			break
		}
		if round == 100 {
			t.Fatalf("searching again: %+v after %+v, want every list from the cache", again, first)
		}
		first = again
		time.Sleep(20 * time.Millisecond)
	}
	if res, _ := cached.Search(ctx, Request{Query: "kwispeldans", First: 10}); res.Total != 1 {
		t.Fatalf("kwispeldans: %d found before the write, want 1", res.Total)
	}

	// The word leaves the practice: the kept lists of the snapshot before
	// would still find it.
	old.Title += " (herzien)"
	apply(src.put(old))
	same("after a write")
	if res, _ := cached.Search(ctx, Request{Query: "kwispeldans", First: 10}); res.Total != 0 {
		t.Errorf("kwispeldans: %d found after the write, want 0", res.Total)
	}
}

// TestPostingsCacheKeepsItsBound: the cache never holds more than its bytes,
// the least recently used list leaving first, and keeps no list of over a
// quarter of them, nor one of fewer postings than it keeps.
func TestPostingsCacheKeepsItsBound(t *testing.T) {
	c := newPostingsCache(12 * 100)
	c.least = 10
	list := func(n int) *postingList {
		return &postingList{rows: make([]int32, n), scores: make([]float64, n)}
	}
	key := func(term string) fieldTerm { return fieldTerm{fAll, term} }
	for _, term := range []string{"a", "b", "c", "d"} {
		c.put(nil, 1, key(term), list(25))
	}
	c.get(nil, 1, key("a")) // a is used again: b is the least recently used
	c.put(nil, 1, key("e"), list(20))
	if c.bytes > c.most {
		t.Errorf("%d bytes kept, at most %d", c.bytes, c.most)
	}
	for term, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true, "e": true} {
		if _, ok := c.lists[key(term)]; ok != want {
			t.Errorf("list %q kept: %v, want %v", term, ok, want)
		}
	}
	c.put(nil, 1, key("big"), list(26))
	if _, ok := c.lists[key("big")]; ok {
		t.Error("a list of over a quarter of the cache was kept")
	}
	c.put(nil, 1, key("small"), list(9))
	if _, ok := c.lists[key("small")]; ok {
		t.Error("a list of fewer postings than the cache keeps was kept")
	}
	// Another doc table version: the lists of the one before are gone.
	if c.get(nil, 2, key("a")) != nil || len(c.lists) != 0 || c.bytes != 0 {
		t.Errorf("another version: %d lists (%d bytes) still kept", len(c.lists), c.bytes)
	}
}
