package search

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// oracle computes expected totals and facet counts straight from the corpus.
type oracle struct{ ps []practice.Practice }

func (o oracle) keep(p practice.Practice, f Filter, skip string) bool {
	anyIn := func(have, want []string) bool {
		if len(want) == 0 {
			return true
		}
		for _, h := range have {
			if slices.Contains(want, h) {
				return true
			}
		}
		return false
	}
	if skip != "krachtlijnen" && !anyIn(p.Krachtlijnen, f.Krachtlijnen) {
		return false
	}
	if skip != "challenges" && !anyIn(p.Challenges, f.Challenges) {
		return false
	}
	if skip != "actions" && !anyIn(p.Actions, f.Actions) {
		return false
	}
	if skip != "regions" && !anyIn([]string{p.Region}, f.Regions) {
		return false
	}
	if skip != "years" && (f.FromYear != nil || f.ToYear != nil) {
		ok := false
		for _, y := range years(p) {
			if (f.FromYear == nil || y >= *f.FromYear) && (f.ToYear == nil || y <= *f.ToYear) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (o oracle) total(f Filter) int {
	n := 0
	for _, p := range o.ps {
		if o.keep(p, f, "") {
			n++
		}
	}
	return n
}

func (o oracle) facet(f Filter, name string) map[string]int {
	m := make(map[string]int)
	for _, p := range o.ps {
		if !o.keep(p, f, name) {
			continue
		}
		var vals []string
		switch name {
		case "krachtlijnen":
			vals = p.Krachtlijnen
		case "challenges":
			vals = p.Challenges
		case "actions":
			vals = p.Actions
		case "regions":
			vals = []string{p.Region}
		case "years":
			for _, y := range years(p) {
				vals = append(vals, strconv.Itoa(y))
			}
		}
		for _, v := range vals {
			m[v]++
		}
	}
	return m
}

func asMap(fc []FacetCount) map[string]int {
	m := make(map[string]int, len(fc))
	for _, c := range fc {
		m[c.Value] = c.Count
	}
	return m
}

// TestSearch is the shared table of search behaviour over the judged corpus.
func TestSearch(t *testing.T) {
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...))
	o := oracle{corpus}
	refs := refIndex(corpus)
	ctx := context.Background()

	tests := []struct {
		name      string
		req       Request
		wantErr   error
		wantTotal int      // -1: computed by the oracle from req.Filter
		wantFirst []string // refs expected at the top, in order
		wantAll   []string // refs that must all be in the page
		check     func(t *testing.T, res Result)
	}{
		{name: "empty query browses all, newest first", req: Request{}, wantTotal: len(corpus),
			wantFirst: []string{corpus[len(corpus)-1].Ref, corpus[len(corpus)-2].Ref}},
		{name: "stop words only browse all, newest first", req: Request{Query: "de in een"}, wantTotal: len(corpus),
			wantFirst: []string{corpus[len(corpus)-1].Ref, corpus[len(corpus)-2].Ref}},
		{name: "a word after maxQueryWords words is not read", req: Request{Query: manyWords(maxQueryWords) + " mantelzorg"}, wantTotal: 0},
		{name: "stop words do not count towards maxQueryWords", req: Request{Query: strings.Repeat("de het een in op aan met als voor had er maar om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der ", 1) + "mantelzorg"},
			wantFirst: []string{"vbr-003"}},
		{name: "stop words only, filtered", req: Request{Query: "zonder", Filter: Filter{Regions: []string{"limburg"}}}, wantTotal: -1},
		{name: "one region", req: Request{Filter: Filter{Regions: []string{"limburg"}}}, wantTotal: -1},
		{name: "regions OR", req: Request{Filter: Filter{Regions: []string{"limburg", "brussel"}}}, wantTotal: -1},
		{name: "krachtlijnen OR", req: Request{Filter: Filter{Krachtlijnen: []string{"POLITISEREND", "PROCESMATIG"}}}, wantTotal: -1},
		{name: "region AND challenge", req: Request{Filter: Filter{Regions: []string{"limburg", "antwerpen"}, Challenges: []string{"digitalisering"}}}, wantTotal: -1},
		{name: "action AND krachtlijn", req: Request{Filter: Filter{Actions: []string{"onderbescherming-1"}, Krachtlijnen: []string{"NABIJHEID"}}}, wantTotal: -1},
		{name: "years overlap", req: Request{Filter: Filter{FromYear: ptr(2010), ToYear: ptr(2012)}}, wantTotal: -1},
		{name: "from year only", req: Request{Filter: Filter{FromYear: ptr(2024)}}, wantTotal: -1},
		{name: "unknown filter value", req: Request{Filter: Filter{Regions: []string{"nergens"}}}, check: func(t *testing.T, res Result) {
			if res.Total != 0 || len(res.Hits) != 0 || res.HasNextPage || res.EndCursor != "" {
				t.Errorf("got %+v", res)
			}
		}},
		{name: "query with filter", req: Request{Query: "jongeren", Filter: Filter{Regions: []string{"limburg"}}},
			wantAll: []string{"lim-001", "lim-004", "lim-007"},
			check: func(t *testing.T, res Result) {
				for _, h := range res.Hits {
					if !strings.HasPrefix(refs[h.ID], "lim-") {
						t.Errorf("hit %s outside the region filter", refs[h.ID])
					}
				}
			}},
		{name: "title sort", req: Request{Sort: SortTitle, First: 100}, wantTotal: len(corpus),
			check: func(t *testing.T, res Result) {
				var keys []string
				for _, h := range res.Hits {
					for _, p := range corpus {
						if p.ID == h.ID {
							keys = append(keys, sortTitle(p.Title))
						}
					}
				}
				if !sort.StringsAreSorted(keys) {
					t.Errorf("titles not sorted: %v", keys)
				}
			}},
		{name: "newest sort with query", req: Request{Query: "buurt", Sort: SortNewest, First: 100},
			check: func(t *testing.T, res Result) {
				pos := make(map[string]int)
				for i, p := range corpus {
					pos[p.ID] = i
				}
				for i := 1; i < len(res.Hits); i++ {
					if pos[res.Hits[i-1].ID] < pos[res.Hits[i].ID] {
						t.Errorf("not newest first at %d", i)
					}
				}
			}},
		{name: "relevance scores descend", req: Request{Query: "armoede"},
			check: func(t *testing.T, res Result) {
				for i := 1; i < len(res.Hits); i++ {
					if res.Hits[i].Score > res.Hits[i-1].Score {
						t.Errorf("scores not descending at %d", i)
					}
				}
			}},
		{name: "Bleve's query syntax is just text", req: Request{Query: `+title:wijkteams buurt~2^3 * ?`}, wantAll: []string{"ant-001", "wvl-002"}},
		{name: "first 0 means 20", req: Request{}, check: func(t *testing.T, res Result) {
			if len(res.Hits) != DefaultFirst || !res.HasNextPage {
				t.Errorf("got %d hits, next %v", len(res.Hits), res.HasNextPage)
			}
		}},
		{name: "first above cap", req: Request{First: 101}, wantErr: ErrInvalid},
		{name: "negative first", req: Request{First: -1}, wantErr: ErrInvalid},
		{name: "garbage cursor", req: Request{After: "not-a-cursor!"}, wantErr: ErrInvalid},
		{name: "forged cursor", req: Request{After: forge(`{"v":1,"s":"NEWEST","k":["x","y"]}`)}, wantErr: ErrInvalid},
		{name: "cursor of another sort", req: Request{Sort: SortTitle, After: encodeCursor(SortNewest, "x", "y")}, wantErr: ErrInvalid},
		{name: "query too long", req: Request{Query: strings.Repeat("a", MaxQueryLen+1)}, wantErr: ErrInvalid},
		{name: "unknown sort", req: Request{Sort: "RANDOM"}, wantErr: ErrInvalid},
		{name: "years reversed", req: Request{Filter: Filter{FromYear: ptr(2020), ToYear: ptr(2010)}}, wantErr: ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := ix.Search(ctx, tc.req)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := tc.wantTotal
			if want == -1 {
				want = o.total(tc.req.Filter)
			}
			if tc.req.Query == "" && want != 0 && res.Total != want {
				t.Errorf("total = %d, want %d", res.Total, want)
			}
			if tc.req.Query == "" {
				// Disjunctive facets: each ignores its own selection.
				for name, got := range map[string][]FacetCount{"krachtlijnen": res.Facets.Krachtlijnen, "challenges": res.Facets.Challenges,
					"actions": res.Facets.Actions, "regions": res.Facets.Regions, "years": res.Facets.Years} {
					if w := o.facet(tc.req.Filter, name); fmt.Sprint(asMap(got)) != fmt.Sprint(w) {
						t.Errorf("facet %s = %v, want %v", name, asMap(got), w)
					}
				}
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, refs[h.ID])
			}
			for i, r := range tc.wantFirst {
				if i >= len(got) || got[i] != r {
					t.Errorf("hits = %v, want %v first", got, tc.wantFirst)
					break
				}
			}
			for _, r := range tc.wantAll {
				if !slices.Contains(got, r) {
					t.Errorf("hits = %v, want %s among them", got, r)
				}
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

// forge makes a cursor from body with a made-up checksum.
func forge(body string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte(body), 1, 2, 3, 4))
}

// TestDisjunctiveFacetsByHand pins a few counts read off the corpus by hand.
func TestDisjunctiveFacetsByHand(t *testing.T) {
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...))
	res, err := ix.Search(context.Background(), Request{Filter: Filter{Regions: []string{"brussel"}, Challenges: []string{"hybridisering"}}})
	if err != nil {
		t.Fatal(err)
	}
	// Brussel has 16 practices; two of them (bru-002, bru-010) are about hybridisering.
	// Hybridisering: lim-010, ovl-010, wvl-008, bru-002, bru-010. Diversiteit
	// in Brussel: bru-004, bru-007, bru-008, bru-009, bru-011, bru-015.
	regions, challenges := asMap(res.Facets.Regions), asMap(res.Facets.Challenges)
	if res.Total != 2 || regions["brussel"] != 2 || regions["limburg"] != 1 || regions["oost-vlaanderen"] != 1 ||
		regions["west-vlaanderen"] != 1 || challenges["hybridisering"] != 2 || challenges["diversiteit"] != 6 {
		t.Errorf("total %d, regions %v, challenges %v", res.Total, regions, challenges)
	}
}

// manyWords is n different words that no practice holds.
func manyWords(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = fmt.Sprintf("qzx%d", i)
	}
	return strings.Join(ws, " ")
}
