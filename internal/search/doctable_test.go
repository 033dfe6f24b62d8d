package search

import (
	"context"
	"fmt"
	"github.com/blevesearch/bleve/v2/search"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// tableSnapshot is the doc table as comparable values: id -> entry with
// the interned values resolved.
func tableSnapshot(t *testing.T, ix *Index) map[string]string {
	t.Helper()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	tb := ix.table
	tb.mu.RLock()
	defer tb.mu.RUnlock()
	if n := tb.live.count(); n != len(tb.docs) || len(tb.rows)-len(tb.free) != n {
		t.Errorf("doc table has %d live rows, %d rows of which %d free, for %d entries", n, len(tb.rows), len(tb.free), len(tb.docs))
	}
	for id, e := range tb.docs {
		if tb.rows[e.row] != e || !tb.live.has(e.row) {
			t.Errorf("doc table row %d is not %s's entry or not live", e.row, id)
		}
		for d := range numDims {
			for v, rows := range tb.has[d] {
				if rows.has(e.row) != slices.Contains(e.vals[d], uint32(v)) {
					t.Errorf("doc table: %s's row in the bitset of %s is not its value", id, tb.names[d][v])
				}
			}
		}
	}
	out := make(map[string]string, len(tb.docs))
	for id, e := range tb.docs {
		var vals [numDims][]string
		for d := range numDims {
			for _, v := range e.vals[d] {
				vals[d] = append(vals[d], tb.names[d][v])
			}
			slices.Sort(vals[d])
		}
		out[id] = fmt.Sprint(vals, e.sortDate, e.sortTitle)
	}
	return out
}

// freshSnapshot is what a table loaded from scratch from the index holds.
func freshSnapshot(t *testing.T, ix *Index) map[string]string {
	t.Helper()
	ix.mu.RLock()
	fresh := &Index{table: newDocTable()}
	err := withReader(ix.bl, func(r index.IndexReader) error { return fresh.table.loadAll(r) })
	ix.mu.RUnlock()
	if err != nil {
		t.Fatal(err)
	}
	fresh.bl = ix.bl
	return tableSnapshot(t, fresh)
}

// checkTable checks that the doc table equals one loaded afresh and holds
// exactly the live practices of src.
func checkTable(t *testing.T, ix *Index, src *memSource, when string) {
	t.Helper()
	got := tableSnapshot(t, ix)
	if want := freshSnapshot(t, ix); !maps.Equal(got, want) {
		t.Errorf("%s: doc table out of step with the index (%d vs %d docs)", when, len(got), len(want))
	}
	live := map[string]bool{}
	for _, p := range src.sorted() {
		if p.Live() {
			live[p.ID] = true
		}
	}
	if len(got) != len(live) {
		t.Errorf("%s: doc table has %d docs, store %d live", when, len(got), len(live))
	}
	for id := range live {
		if _, ok := got[id]; !ok {
			t.Errorf("%s: live %s missing from the doc table", when, id)
		}
	}
}

func TestDocTableFollowsWrites(t *testing.T) {
	ctx := context.Background()
	corpus := GenerateCorpus(300, 7)
	src := newMemSource(corpus...)
	ix, dir := openFilled(t, src, WithBatchSize(40))
	checkTable(t, ix, src, "after fill")

	// Apply: an update that changes filter values and the title, a withdrawal.
	p := src.get(corpus[0].ID)
	p.Title, p.Region, p.Krachtlijnen = "Anders genoemd", "brussel", []string{"NABIJHEID"}
	p = src.put(p)
	w := src.get(corpus[1].ID)
	w.Withdrawn = &practice.Withdrawal{At: time.Now(), By: "test"}
	w = src.put(w)
	if err := ix.Apply(ctx, []practice.Practice{p, w}); err != nil {
		t.Fatal(err)
	}
	checkTable(t, ix, src, "after apply")
	res, err := ix.Search(ctx, Request{Filter: Filter{Regions: []string{"brussel"}, Krachtlijnen: []string{"NABIJHEID"}}, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Hits, func(h Hit) bool { return h.ID == p.ID }) {
		t.Error("updated filter values not searchable")
	}

	// Reconcile: changes the index missed (written to the store only).
	for i := 2; i < 60; i++ {
		q := src.get(corpus[i].ID)
		if i%3 == 0 {
			q.Withdrawn = &practice.Withdrawal{At: time.Now(), By: "test"}
		} else {
			q.Settings = []string{"school"}
			q.StartYear = ptr(2001)
		}
		src.put(q)
	}
	if _, err := ix.Reconcile(ctx, src); err != nil {
		t.Fatal(err)
	}
	checkTable(t, ix, src, "after reconcile")

	// Rebuild swaps in a new index; reopening loads the table from disk.
	if err := ix.Rebuild(ctx, src); err != nil {
		t.Fatal(err)
	}
	checkTable(t, ix, src, "after rebuild")
	ix = reopen(t, ix, dir)
	checkTable(t, ix, src, "after reopen")
}

// TestOnePassMatchesBleve compares the one-pass search with the search that
// runs filters, facets and sort in Bleve, on the same index: totals, pages,
// cursors, facets and highlights, following the cursors for a few pages.
func TestOnePassMatchesBleve(t *testing.T) {
	ctx := context.Background()
	corpus := GenerateCorpus(2000, 3)
	// Bleve knows no rescoring; rescore_test.go covers it. The text
	// matches come from Bleve's searchers on both sides: termwise_test.go
	// compares termwise.go with them.
	ix, _ := openFilled(t, newMemSource(corpus...), WithCacheSize(0), withoutRescoring(), withBleveMatching())
	filters := []Filter{
		{},
		{Regions: []string{"limburg", "antwerpen"}},
		{Regions: []string{"brussel"}, Krachtlijnen: []string{"NABIJHEID"}},
		{Challenges: []string{"onderbescherming", "digitalisering"}, FromYear: ptr(2015), ToYear: ptr(2020)},
		{Actions: []string{"vermaatschappelijking-1", "onderbescherming-1"}, Settings: []string{"school", "huisbezoek"}},
		{TargetGroups: []string{"jongeren"}, FromYear: ptr(2022)},
		{ToYear: ptr(2012), Regions: []string{"nergens"}},
	}
	queries := []string{"", "jongeren", "buurtwerk jongeren", "armoede schuldhulp", "nabijheit", "digitale inclusie voor ouderen", "de", "xyzzyq onbekend woord"}
	sorts := []Sort{"", SortNewest, SortTitle}
	for _, q := range queries {
		for fi, f := range filters {
			for _, s := range sorts {
				for _, noFacets := range []bool{false, true} {
					name := fmt.Sprintf("%q/f%d/%s/%v", q, fi, s, noFacets)
					req := Request{Query: q, Filter: f, Sort: s, First: 7, NoFacets: noFacets}
					for page := 0; page < 3; page++ {
						got, err := ix.Search(ctx, req)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						want, err := ix.searchRef(ctx, req)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s page %d:\n got %+v\nwant %+v", name, page, brief(got), brief(want))
							break
						}
						if !got.HasNextPage {
							break
						}
						req.After = got.EndCursor
					}
				}
			}
		}
	}
}

func brief(r Result) string {
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, fmt.Sprintf("%s:%g", h.ID, h.Score))
	}
	return fmt.Sprintf("total=%d next=%v hits=%v facets=%+v dym=%q", r.Total, r.HasNextPage, ids, r.Facets, r.DidYouMean)
}

// TestHighlightWordByWord checks that analysing word by word marks the
// same spans as analysing whole texts.
func TestHighlightWordByWord(t *testing.T) {
	corpus := GenerateCorpus(200, 5)
	ix, _ := openFilled(t, newMemSource(corpus[:1]...))
	for _, q := range []string{"jongeren", "buurtwerk jongeren", "armoede schuldhulp", "nabijheit", "digitale inclusie voor ouderen", "mantelzorgers", "huisbezoek wijkgezondheidscentrum"} {
		words, _, _ := ix.analyzeQuery(q)
		h := ix.newHighlighter(words)
		for _, p := range corpus {
			for _, text := range append(practiceTexts(p), p.Organisations...) {
				if got, want := h.spans(text), wholeTextSpans(h, text); !reflect.DeepEqual(got, want) {
					t.Fatalf("%q in %q: word by word %v, whole text %v", q, text, got, want)
				}
			}
		}
	}
}

// TestSortPrefixOrder: two sort keys' prefixes are ordered as the keys are,
// or equal.
func TestSortPrefixOrder(t *testing.T) {
	keys := []string{"", "a", "ab", "abc", "ab\x00", "20240101120000.000000000", "20240101120000.000000001",
		"20231231235959.999999999", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzzzzzzzzzzzzzy", search.HighTerm, "école", "ecole"}
	for _, a := range keys {
		for _, b := range keys {
			c := prefixOf(a).compare(prefixOf(b))
			if want := strings.Compare(a, b); c != 0 && c != want {
				t.Errorf("prefixes of %q and %q compare %d, the keys %d", a, b, c, want)
			}
			if a == b && c != 0 {
				t.Errorf("prefixes of %q differ", a)
			}
		}
	}
}
