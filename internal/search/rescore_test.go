package search

import (
	"context"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// TestRescoringPagesOnce walks every page of searches with far more matches
// than the rescoring window: each match comes exactly once, and the scores
// never rise within the window nor beyond it.
func TestRescoringPagesOnce(t *testing.T) {
	ctx := context.Background()
	ix, _ := openFilled(t, newMemSource(GenerateCorpus(1500, 7)...), WithCacheSize(0))
	for _, q := range []string{"werken in de buurt", "werken met jongeren", "samenwerken met partners"} {
		for _, first := range []int{7, 30} {
			req := Request{Query: q, First: first, NoFacets: true}
			seen := map[string]bool{}
			total, pages, inWindow := -1, 0, 0
			var prev Hit
			for {
				res, err := ix.Search(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if total == -1 {
					total = res.Total
				} else if res.Total != total {
					t.Fatalf("%q: total changed from %d to %d", q, total, res.Total)
				}
				for _, h := range res.Hits {
					if seen[h.ID] {
						t.Fatalf("%q first=%d: %s twice (page %d)", q, first, h.ID, pages)
					}
					seen[h.ID] = true
					if len(seen) <= rescoreWindow {
						inWindow++
					}
					// The order falls by score, except where the window ends:
					// the first match beyond it may score higher than the
					// window's last, which has no phrase.
					if prev.ID != "" && h.Score > prev.Score && len(seen) != rescoreWindow+1 {
						t.Fatalf("%q first=%d: %s (%g) after %s (%g)", q, first, h.ID, h.Score, prev.ID, prev.Score)
					}
					prev = h
				}
				pages++
				if !res.HasNextPage {
					break
				}
				req.After = res.EndCursor
			}
			if total <= rescoreWindow+2*first {
				t.Fatalf("%q: only %d matches; the test needs more than the window", q, total)
			}
			if len(seen) != total {
				t.Errorf("%q first=%d: %d pages gave %d of %d matches", q, first, pages, len(seen), total)
			}
		}
	}
}

// TestPhraseRanksFirst: where the words stand together as the query has
// them, the practice ranks above one with the same words apart.
func TestPhraseRanksFirst(t *testing.T) {
	mk := func(ref, desc string) practice.Practice {
		return practice.Practice{ID: practice.ID("limburg", ref), Region: "limburg", Ref: ref, Version: 1, Seq: 1,
			Content: practice.Content{Title: "Een praktijk " + ref, Summary: "Een korte samenvatting.", Description: desc}}
	}
	apart := mk("apart", "Vaste afspraken en een contactpersoon maken het verschil.")
	together := mk("samen", "Een vaste contactpersoon maakt het verschil voor gezinnen, buren en alle andere mensen in de wijk.")
	together.Seq = 2
	// Without the phrase, the shorter text scores higher.
	plain, _ := openFilled(t, newMemSource(apart, together), WithCacheSize(0), withoutRescoring())
	res, err := plain.Search(context.Background(), Request{Query: "vaste contactpersoon"})
	if err != nil || len(res.Hits) != 2 || res.Hits[0].ID != apart.ID {
		t.Fatalf("without rescoring: %+v, %v; want %s first", res.Hits, err, apart.ID)
	}
	ix, _ := openFilled(t, newMemSource(apart, together), WithCacheSize(0))
	res, err = ix.Search(context.Background(), Request{Query: "vaste contactpersoon"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 2 || res.Hits[0].ID != together.ID {
		t.Fatalf("hits %+v, want %s first", res.Hits, together.ID)
	}
	if res.Hits[0].Score <= res.Hits[1].Score {
		t.Errorf("phrase score %g not above %g", res.Hits[0].Score, res.Hits[1].Score)
	}
}

// TestHoldsPhrase: stop words keep their place in a phrase, and a compound
// part stands for the word at its position.
func TestHoldsPhrase(t *testing.T) {
	ix, _ := openFilled(t, newMemSource())
	slots := ix.phrase("werken in de buurt")
	if len(slots) != 2 || slots[1].off != 3 {
		t.Fatalf("slots %+v, want two, the second 3 positions on", slots)
	}
	positions := func(text string) map[string][]uint64 {
		out := map[string][]uint64{}
		for _, tok := range ix.text.Analyze([]byte(text)) {
			out[string(tok.Term)] = append(out[string(tok.Term)], uint64(tok.Position))
		}
		return out
	}
	for text, want := range map[string]bool{
		"wij werken in de buurt":    true,
		"wij werken in een buurt":   true, // a stop word for a stop word
		"wij werken de buurt":       false,
		"de buurt werken":           false,
		"werken in de buurtwerking": true, // a compound part stands at the word's place
		"werken in de wijk":         false,
	} {
		if got := holdsPhrase(slots, positions(text)); got != want {
			t.Errorf("%q holds %v, want %v", text, got, want)
		}
	}
}
