package search

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// TestTermwiseMatchesBleve runs the text queries of many searches both
// term at a time (termwise.go) and on Bleve's searchers, on the same index,
// and wants the same matches with the same scores: equal up to the order
// in which floating-point additions were made.
func TestTermwiseMatchesBleve(t *testing.T) {
	corpus := GenerateCorpus(3000, 5)
	// Without the postings cache, every comparison reads the postings.
	ix, _ := openFilled(t, newMemSource(corpus...), WithCacheSize(0), WithPostingsCache(0))
	queries := []string{"jongeren", "buurtwerk jongeren", "armoede schuldhulp", "nabijheit", "digitale inclusie voor ouderen",
		"huiswerkbegeleiding", "energiearmoede", "jongeren OF ouderen", "wijkteam straathoekwerk gezinnen", "xyzzyq",
		"vrijwiligers", "netwerk samenwerking school", "mantelzorgers ondersteunen", "taalcafé nieuwkomers Gent"}
	// And the judged queries, over the generated corpus.
	for _, j := range loadJudgements(t) {
		queries = append(queries, j.Query)
	}
	rd := openReader(t, ix)
	compared := 0
	for _, q := range queries {
		v, err := ix.validate(Request{Query: q, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		v.words, v.clauses, v.exclude = ix.analyzeQuery(v.Query)
		if err := ix.expand(rd, &v); err != nil {
			t.Fatal(err)
		}
		strict, relaxed := ix.textQuery(v, false), ix.textQuery(v, true)
		if strict == nil {
			continue
		}
		// And as the suggestion asks: the relaxed query's matches but the
		// strict query's (a Boolean query's must and must-not).
		but := query.NewBooleanQuery([]query.Query{relaxed}, nil, []query.Query{strict})
		for name, tq := range map[string]query.Query{"strict": strict, "relaxed": relaxed, "relaxed but strict": but} {
			if _, ok := compileTermwise(tq); !ok {
				t.Errorf("%q (%s): not matched term at a time", q, name)
				continue
			}
			compared++
			want := matchScores(t, ix, rd, tq, true)
			// Each term read whole, and each segment of it a part of its own.
			for _, parts := range []int{partPostings, 1} {
				ix.partPostings = parts
				got := matchScores(t, ix, rd, tq, false)
				if len(got) != len(want) {
					t.Errorf("%q (%s, parts of %d): %d matches, Bleve %d", q, name, parts, len(got), len(want))
					continue
				}
				for row, w := range want {
					g, ok := got[row]
					if !ok {
						t.Errorf("%q (%s, parts of %d): row %d missing", q, name, parts, row)
						break
					}
					if math.Abs(g-w) > 1e-12*math.Abs(w) {
						t.Errorf("%q (%s, parts of %d): row %d scores %v, Bleve %v", q, name, parts, row, g, w)
						break
					}
				}
			}
		}
	}
	if n := len(rd.(*scorch.IndexSnapshot).Segments()); n < 2 {
		t.Errorf("the index has %d segment: no term was read in parts", n)
	}
	if compared < 2*len(queries) {
		t.Errorf("only %d text queries compared for %d searches", compared, len(queries))
	}
}

func matchScores(t *testing.T, ix *Index, rd index.IndexReader, q query.Query, bleve bool) map[int32]float64 {
	t.Helper()
	old := ix.bleveMatching
	ix.bleveMatching = bleve
	defer func() { ix.bleveMatching = old }()
	out := map[int32]float64{}
	ix.table.mu.RLock()
	defer ix.table.mu.RUnlock()
	err := ix.textMatches(context.Background(), rd, nil, ix.table, q, func(row int32, s float64) bool {
		if _, dup := out[row]; dup {
			t.Errorf("row %d twice", row)
		}
		out[row] = s
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTermwiseBound: a search whose terms have more postings than the bound
// runs on Bleve's searchers, with the same results, and holds no more than
// the bound in postings.
func TestTermwiseBound(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(GenerateCorpus(1500, 9)...)
	bounded, _ := openFilled(t, src, WithCacheSize(0), withMaxPostings(50))
	free, _ := openFilled(t, src, WithCacheSize(0))
	for _, q := range []string{"jongeren", "buurtwerk jongeren", "armoede schuldhulp", "nabijheit", "digitale inclusie voor ouderen"} {
		if d := searchDiff(t, bounded, free, Request{Query: q, First: 10}); d != "" {
			t.Errorf("%q, bounded against unbounded: %s", q, d)
		}
	}
	// The bound holds: reading the terms of a query over it reads none.
	tw, err := bounded.newTermwise(openReader(t, bounded))
	if err != nil {
		t.Fatal(err)
	}
	defer tw.release()
	q := wordQuery(bounded.analyzeWord("jongeren"), false)
	bounded.table.mu.RLock()
	err = bounded.termwiseMatches(ctx, tw, bounded.table, q, func(int32, float64) bool { return true })
	bounded.table.mu.RUnlock()
	if !errors.Is(err, errTooManyPostings) || tw.postings != 0 || len(tw.lists) != 0 {
		t.Errorf("over the bound: err %v, %d postings in %d lists held", err, tw.postings, len(tw.lists))
	}
}

// TestTermwiseSkipsEmptyNodes: the terms of a node that cannot match (a
// conjunction with a term no document has, a disjunction with fewer such
// kids than its minimum, an exclusion that excludes nothing) are counted
// but not read, and the matches and scores are Bleve's all the same (the
// unread terms count in the query norm); a later query of the same search
// that needs such a term reads it. And the same with the postings cache,
// which an earlier search filled with some of the terms.
func TestTermwiseSkipsEmptyNodes(t *testing.T) {
	ctx := context.Background()
	ix, _ := openFilled(t, newMemSource(GenerateCorpus(800, 3)...), WithCacheSize(0), WithPostingsCache(0))
	rd := openReader(t, ix)
	term := func(s string) query.Query {
		q := query.NewTermQuery(s)
		q.SetField(fAll)
		return q
	}
	present := []string{"jonger", "ouder", "armoed", "buurt"}
	for _, s := range present {
		if n := len(matchScores(t, ix, rd, term(s), true)); n == 0 {
			t.Fatalf("term %q matches nothing in the corpus", s)
		}
	}
	const absent = "xyzzyq"
	two := query.NewDisjunctionQuery([]query.Query{term(present[2]), term(absent)})
	two.SetMin(2)
	either := query.NewDisjunctionQuery([]query.Query{
		term(present[0]),
		query.NewConjunctionQuery([]query.Query{term(present[1]), term(absent)}),
		two,
		query.NewConjunctionQuery([]query.Query{term(present[3]), term(present[0])}),
	})
	// The same, but the documents of an empty conjunction.
	q := query.NewBooleanQuery([]query.Query{either}, nil,
		[]query.Query{query.NewConjunctionQuery([]query.Query{term(present[2]), term(absent)})})
	later := query.NewDisjunctionQuery([]query.Query{term(present[1]), term(present[3])})
	for _, cache := range []bool{false, true} {
		if cache {
			ix.postings = newPostingsCache(DefaultPostingsCacheBytes)
			ix.postings.least = 1
			warm, err := ix.newTermwise(rd)
			if err != nil {
				t.Fatal(err)
			}
			ix.table.mu.RLock()
			err = ix.termwiseMatches(ctx, warm, ix.table, later, func(int32, float64) bool { return true })
			ix.table.mu.RUnlock()
			warm.release()
			if err != nil {
				t.Fatal(err)
			}
		}
		tw, err := ix.newTermwise(rd)
		if err != nil {
			t.Fatal(err)
		}
		matchEach(t, ix, rd, tw, q, later, present)
		tw.release()
		// Taken from the cache: the lists of present[1] and present[3] as
		// q counts them, and present[1]'s again when later needs it.
		if hits := ix.PostingsCacheStats().Hits; cache && hits != 3 {
			t.Errorf("%d lists taken from the cache, want 3", hits)
		}
	}
}

// matchEach runs q and then later on tw, wanting Bleve's matches and the
// terms the test above expects read.
func matchEach(t *testing.T, ix *Index, rd index.IndexReader, tw *termwise, q, later query.Query, present []string) {
	t.Helper()
	ctx := context.Background()
	// match runs q on tw and wants Bleve's matches, and then the terms
	// read so far to be read.
	match := func(q query.Query, read ...string) {
		t.Helper()
		want := matchScores(t, ix, rd, q, true)
		if len(want) == 0 {
			t.Fatal("the query matches nothing")
		}
		got := map[int32]float64{}
		ix.table.mu.RLock()
		err := ix.termwiseMatches(ctx, tw, ix.table, q, func(row int32, s float64) bool { got[row] = s; return true })
		ix.table.mu.RUnlock()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d matches, Bleve %d", len(got), len(want))
		}
		for row, w := range want {
			if g, ok := got[row]; !ok || math.Abs(g-w) > 1e-12*math.Abs(w) {
				t.Fatalf("row %d scores %v (found %v), Bleve %v", row, g, ok, w)
			}
		}
		var terms []string
		for k := range tw.lists {
			terms = append(terms, k.term)
		}
		slices.Sort(terms)
		if read = slices.Sorted(slices.Values(read)); !slices.Equal(terms, read) {
			t.Errorf("read %v, want %v (the others are under empty nodes)", terms, read)
		}
	}
	match(q, present[0], present[3])
	// A term counted but not read is read when a query needs it.
	match(later, present[0], present[1], present[3])
}

// openReader opens a reader of ix's index, closed when the test ends.
func openReader(t *testing.T, ix *Index) index.IndexReader {
	t.Helper()
	adv, err := ix.bl.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	return rd
}

// TestFreeListKeepsItsWeight: a free list keeps released things up to its
// weight, and gives back the lightest that weighs enough, else the
// heaviest, each once.
func TestFreeListKeepsItsWeight(t *testing.T) {
	f := freeList[[]byte]{most: 12, weigh: func(b []byte) int { return len(b) }}
	f.put(make([]byte, 6))
	f.put(make([]byte, 7)) // 13 > 12: dropped
	f.put(make([]byte, 2))
	f.put(make([]byte, 4))
	var got []int
	for _, want := range []int{3, 9, 0, 1} {
		b, ok := f.get(want)
		if !ok {
			break
		}
		got = append(got, len(b))
	}
	if !slices.Equal(got, []int{4, 6, 2}) || f.weight != 0 {
		t.Errorf("got %v (weight %d after taking them), want [4 6 2] and 0", got, f.weight)
	}
}

// TestPostingListClose: the parts of a term's reading that found fewer
// postings than their segments counted leave gaps, closed up in segment
// order.
func TestPostingListClose(t *testing.T) {
	l := &postingList{rows: []int32{1, 2, 0, 3, 0, 0, 4, 5}, scores: []float64{.1, .2, 0, .3, 0, 0, .4, .5}, lengths: make([]float64, 8)}
	l.close([]*postingsPart{{at: 0, n: 3, filled: 2}, {at: 3, n: 3, filled: 1}, {at: 6, n: 2, filled: 2}})
	if want := []int32{1, 2, 3, 4, 5}; !slices.Equal(l.rows, want) {
		t.Errorf("rows %v, want %v", l.rows, want)
	}
	if want := []float64{.1, .2, .3, .4, .5}; !slices.Equal(l.scores, want) {
		t.Errorf("scores %v, want %v", l.scores, want)
	}
}
