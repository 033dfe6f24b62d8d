package search

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestOffsetPagesAsCursors: numbered pages (Offset) list the same results
// in the same order as pages walked by cursor, across the rescoring window.
func TestOffsetPagesAsCursors(t *testing.T) {
	ctx := context.Background()
	ix, _ := openFilled(t, newMemSource(GenerateCorpus(600, 3)...), WithCacheSize(0))
	settle(t, ix, Request{Query: "werken met jongeren", First: MaxFirst, NoFacets: true})
	for _, r := range []Request{
		{Query: "werken met jongeren"},
		{Query: "armoede", Sort: SortNewest},
		{Query: "samen met bewoners", Sort: SortTitle},
		{},
	} {
		const first = 30
		r.First, r.NoFacets = first, true
		var byCursor, byOffset []string
		for c := r; ; {
			res, err := ix.Search(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				byCursor = append(byCursor, h.ID)
			}
			if !res.HasNextPage || len(byCursor) > 300 {
				break
			}
			c.After = res.EndCursor
		}
		for off := 0; off < len(byCursor); off += first {
			o := r
			o.Offset = off
			res, err := ix.Search(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				byOffset = append(byOffset, h.ID)
			}
		}
		if len(byCursor) < 2*first || len(byOffset) < len(byCursor) || !slices.Equal(byCursor, byOffset[:len(byCursor)]) {
			t.Errorf("%q: %d by cursor, %d by offset, or another order", r.Query, len(byCursor), len(byOffset))
		}
	}
	for _, bad := range []Request{{Offset: -1}, {Offset: MaxOffset + 1}, {Offset: 20, After: "x"}} {
		if _, err := ix.Search(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err %v", bad, err)
		}
	}
}

// settle waits until the index's background merges no longer change the
// scores of r (BM25 reads the statistics of the segments a snapshot
// holds), so that pages asked one after another see the same scores.
func settle(t *testing.T, ix *Index, r Request) {
	t.Helper()
	scores := func() []float64 {
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, h := range res.Hits {
			out = append(out, h.Score)
		}
		return out
	}
	prev := scores()
	for range 100 {
		time.Sleep(50 * time.Millisecond)
		cur := scores()
		if slices.Equal(prev, cur) {
			return
		}
		prev = cur
	}
	t.Fatal("the scores do not settle")
}
