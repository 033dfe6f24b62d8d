package search

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

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
			if d := searchDiff(t, cached, plain, Request{Query: q, First: 10}); d != "" {
				t.Fatalf("%s, %q, with the cache against without: %s", stage, q, d)
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
	// Searches at once share the kept lists (and go test -race watches).
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, q := range queries {
				req := Request{Query: q, First: 10}
				got, err := cached.Search(ctx, req)
				if err != nil {
					t.Error(err)
					return
				}
				want, _ := plain.Search(ctx, req)
				if got.Total != want.Total || len(got.Hits) != len(want.Hits) || (len(got.Hits) > 0 && got.Hits[0].ID != want.Hits[0].ID) {
					t.Errorf("at once, %q: total %d, without the cache %d, or another first hit", q, got.Total, want.Total)
				}
			}
		})
	}
	wg.Wait()

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
// the least recently used list leaving first; it keeps no list of over a
// quarter of them, nor one of fewer postings than it keeps; and it gives
// the lists of one snapshot and doc table version to no other.
func TestPostingsCacheKeepsItsBound(t *testing.T) {
	c := newPostingsCache(bytesPerPosting * 100)
	c.least = 10
	list := func(n int) *postingList {
		return &postingList{rows: make([]int32, n), scores: make([]float64, n)}
	}
	key := func(term string) fieldTerm { return fieldTerm{fAll, term} }
	snapA, snapB, table := new(scorch.IndexSnapshot), new(scorch.IndexSnapshot), new(docTable)
	// keep does what a search does: take the list, or read it and put it.
	keep := func(o cacheOwner, term string, n int) {
		if c.get(o, key(term)) == nil {
			c.put(o, key(term), list(n))
		}
	}
	kept := func(want ...string) {
		t.Helper()
		var got []string
		for e := c.lru.Front(); e != nil; e = e.Next() {
			got = append(got, e.Value.(*cachedList).key.term)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) || len(c.lists) != len(want) || c.bytes > c.most {
			t.Errorf("kept %v (%d in the map, %d of %d bytes), want %v", got, len(c.lists), c.bytes, c.most, want)
		}
	}
	a := ownerOf(snapA, table)
	for _, term := range []string{"a", "b", "c", "d"} {
		keep(a, term, 25)
	}
	keep(a, "a", 25) // a is used again: b is the least recently used
	keep(a, "e", 20)
	kept("a", "c", "d", "e")
	keep(a, "big", 26)
	keep(a, "small", 9)
	kept("a", "c", "d", "e")
	// A search on another snapshot puts nothing in the cache of this one,
	// and takes nothing from it.
	b := ownerOf(snapB, table)
	c.put(b, key("f"), list(20))
	kept("a", "c", "d", "e")
	if c.get(b, key("a")) != nil {
		t.Error("a list of another snapshot was taken")
	}
	kept()
	// Nor from another version of the doc table.
	keep(b, "a", 25)
	table.version++
	if c.get(ownerOf(snapB, table), key("a")) != nil {
		t.Error("a list of another doc table version was taken")
	}
}
