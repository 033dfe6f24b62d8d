package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// TestDutchQueries pins the key behaviours of Dutch as people type it.
func TestDutchQueries(t *testing.T) {
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...))
	refs := refIndex(corpus)
	tests := []struct {
		query string
		want  []string // all in the top 10
	}{
		{"wijkteam", []string{"ant-001", "wvl-002"}},             // the texts say "wijkteams"
		{"wijkteams", []string{"ant-001", "wvl-002"}},            //
		{"nabijheit", []string{"ovl-012", "lim-001"}},            // one typo
		{"buurtwerk", []string{"ovl-001", "bru-001", "wvl-001"}}, // wvl-001 says "werken in de buurt"
		{"werken in de buurt", []string{"wvl-001", "ovl-001", "bru-001"}},
		{"armoedebestrijding", []string{"ovl-003", "ovl-004"}}, // ovl-004 says "armoede te bestrijden"
		{"armoede bestrijden", []string{"ovl-004", "ovl-003"}}, // ovl-003 says "armoedebestrijding"
		{"ideeen", []string{"ant-012"}},                        // the text says "ideeën"
		{"ideeën", []string{"ant-012"}},
		{"mantelzorg", []string{"vbr-002", "vbr-003"}}, // "mantelzorgers"
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Request{Query: tc.query, First: 10})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, refs[h.ID])
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q: %s not in top 10 %v", tc.query, w, got)
				}
			}
		})
	}
	t.Run("exact above typo", func(t *testing.T) {
		exact, _ := ix.Search(context.Background(), Request{Query: "nabijheid", First: 1})
		typo, _ := ix.Search(context.Background(), Request{Query: "nabijheit", First: 1})
		if len(exact.Hits) == 0 || len(typo.Hits) == 0 || typo.Hits[0].Score >= exact.Hits[0].Score {
			t.Errorf("a typo should score below the exact word")
		}
	})
	t.Run("did you mean", func(t *testing.T) {
		// Two edits: the search finds nothing, the suggestion does.
		res, _ := ix.Search(context.Background(), Request{Query: "nabiijheit"})
		if res.DidYouMean != "nabijheid" {
			t.Errorf("DidYouMean = %q", res.DidYouMean)
		}
		// One edit: the search finds practices itself; the suggestion is
		// offered only when it finds others.
		for _, q := range []string{"nabijheit", "vrijwiligers", "digitalisring"} {
			res, _ = ix.Search(context.Background(), Request{Query: q, First: MaxFirst})
			if res.Total == 0 {
				t.Fatalf("%q finds nothing", q)
			}
			seen := map[string]bool{}
			for _, h := range res.Hits {
				seen[h.ID] = true
			}
			other := false
			if res.DidYouMean != "" {
				sug, _ := ix.Search(context.Background(), Request{Query: res.DidYouMean, First: MaxFirst})
				for _, h := range sug.Hits {
					other = other || !seen[h.ID]
				}
				if !other {
					t.Errorf("%q: DidYouMean %q finds no other practices", q, res.DidYouMean)
				}
			}
		}
		res, _ = ix.Search(context.Background(), Request{Query: "nabijheid"})
		if res.DidYouMean != "" {
			t.Errorf("DidYouMean = %q for a known word", res.DidYouMean)
		}
	})
}

func TestHighlights(t *testing.T) {
	corpus := loadCorpus(t)
	evil := corpus[0]
	evil.ID, evil.Ref, evil.Seq = practice.ID("antwerpen", "evil"), "evil", 1000
	evil.Title = `Jongeren <script>alert("x")</script> & wijkteams`
	src := newMemSource(append(corpus, evil)...)
	ix, _ := openFilled(t, src)
	res, err := ix.Search(context.Background(), Request{Query: "wijkteam", First: 20})
	if err != nil {
		t.Fatal(err)
	}
	var title, other []string
	for _, h := range res.Hits {
		for _, hl := range h.Highlights {
			for _, f := range hl.Fragments {
				if strings.Contains(f, "<script") {
					t.Errorf("unescaped fragment %q", f)
				}
			}
			if h.ID == evil.ID && hl.Field == "title" {
				title = hl.Fragments
			}
			if h.ID == corpus[0].ID && hl.Field == "description" {
				other = hl.Fragments
			}
		}
	}
	want := `Jongeren &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; <mark>wijkteams</mark>`
	if len(title) != 1 || title[0] != want {
		t.Errorf("title fragments = %q, want %q", title, want)
	}
	if len(other) == 0 || !strings.Contains(other[0], "<mark>wijkteams</mark>") {
		t.Errorf("description fragments = %q", other)
	}
	// Compound parts and typos are marked too.
	res, _ = ix.Search(context.Background(), Request{Query: "armoede bestrijden"})
	found := false
	for _, h := range res.Hits {
		for _, hl := range h.Highlights {
			for _, f := range hl.Fragments {
				if strings.Contains(f, "<mark>Armoedebestrijding</mark>") {
					found = true
				}
			}
		}
	}
	if !found {
		t.Errorf("compound not highlighted for its parts")
	}
}

// TestPaging walks every page with First=7 and checks that each result is
// visited exactly once, also when practices are added between pages.
func TestPaging(t *testing.T) {
	corpus := GenerateCorpus(250, 7)
	src := newMemSource(corpus...)
	ix, _ := openFilled(t, src)
	ctx := context.Background()
	extra := GenerateCorpus(400, 99)[250:]
	next := 0
	for _, tc := range []struct {
		name   string
		req    Request
		insert bool
	}{
		{"relevance", Request{Query: "jongeren buurt"}, false},
		{"newest", Request{Sort: SortNewest}, false},
		{"title", Request{Sort: SortTitle}, false},
		{"newest with inserts", Request{Sort: SortNewest}, true},
		{"title with inserts", Request{Sort: SortTitle}, true},
		{"filtered title with inserts", Request{Sort: SortTitle, Filter: Filter{Regions: []string{"limburg", "brussel"}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, err := ix.Search(ctx, Request{Query: tc.req.Query, Sort: tc.req.Sort, Filter: tc.req.Filter, First: 1})
			if err != nil {
				t.Fatal(err)
			}
			before := map[string]bool{}
			for _, p := range src.sorted() {
				before[p.ID] = true
			}
			seen := map[string]int{}
			req := tc.req
			req.First = 7
			pages := 0
			for {
				res, err := ix.Search(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, h := range res.Hits {
					seen[h.ID]++
				}
				if !res.HasNextPage {
					break
				}
				req.After = res.EndCursor
				if tc.insert {
					p := extra[next%len(extra)]
					p.ID = practice.ID(p.Region, fmt.Sprintf("ins-%d", next))
					p.Title = fmt.Sprintf("%c %s", 'A'+rune(next%26), p.Title)
					next++
					if err := ix.Apply(ctx, []practice.Practice{src.put(p)}); err != nil {
						t.Fatal(err)
					}
				}
			}
			original := 0
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s visited %d times", id, n)
				}
				if before[id] {
					original++
				}
			}
			if original != first.Total {
				t.Errorf("visited %d of the %d results that existed at the start (%d pages)", original, first.Total, pages)
			}
		})
	}
}
