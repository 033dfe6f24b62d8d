package search

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestOffsetPagesAsCursors: numbered pages (Offset) list the same results
// in the same order as pages walked by cursor, across the rescoring window.
func TestOffsetPagesAsCursors(t *testing.T) {
	ctx := context.Background()
	ix, _ := openFilled(t, newMemSource(GenerateCorpus(600, 3)...), WithCacheSize(0))
	for _, r := range []Request{
		{Query: "werken met jongeren"},
		{Query: "armoede", Sort: SortNewest},
		{Query: "samen met bewoners", Sort: SortTitle},
		{},
	} {
		const first = 30
		r.First, r.NoFacets = first, true
		var byCursor, byOffset []string
		total := 0
		for c := r; ; {
			res, err := ix.Search(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			total = res.Total
			for _, h := range res.Hits {
				byCursor = append(byCursor, h.ID)
			}
			if !res.HasNextPage {
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
		// Relevance scores may move a little while the index merges its
		// segments between two requests, and a cursor walk with them:
		// there the numbered pages must list every match once; the other
		// sorts, what the cursors list, in the same order.
		same := slices.Equal(byCursor, byOffset)
		if r.Sort == "" {
			same = len(byOffset) == total && len(slices.Compact(slices.Sorted(slices.Values(byOffset)))) == total
		}
		if len(byCursor) < 2*first || !same {
			t.Errorf("%q: %d by cursor, %d by offset, or another order", r.Query, len(byCursor), len(byOffset))
		}
	}
	for _, bad := range []Request{{Offset: -1}, {Offset: MaxOffset + 1}, {Offset: 20, After: "x"}} {
		if _, err := ix.Search(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: err %v", bad, err)
		}
	}
}
