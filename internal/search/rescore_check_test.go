package search

import (
	"bytes"
	"context"
	"slices"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
)

// phraseBonusAlone is the phrase bonus of one document, read with readers
// of its own (rescore shares its readers across the window).
func phraseBonusAlone(t *testing.T, rd index.IndexReader, slots []phraseSlot, id string) float64 {
	t.Helper()
	iid, err := rd.InternalID(id)
	if err != nil || len(iid) == 0 {
		t.Fatalf("%s: internal id %v, %v", id, iid, err)
	}
	bonus := 0.0
	for _, f := range phraseFields {
		positions := map[string][]uint64{}
		for _, sl := range slots {
			for _, term := range sl.terms {
				r, err := rd.TermFieldReader(context.Background(), []byte(term), f.name, false, false, true)
				if err != nil {
					t.Fatal(err)
				}
				tfd, err := r.Advance(iid, nil)
				if err != nil {
					t.Fatal(err)
				}
				if tfd != nil && bytes.Equal(tfd.ID, iid) {
					positions[term] = nil
					for _, v := range tfd.Vectors {
						positions[term] = append(positions[term], v.Pos)
					}
				}
				r.Close()
			}
		}
		if holdsPhrase(slots, positions) {
			bonus += f.weight
		}
	}
	return bonus
}

// TestRescoreAsPerDocument: the window's scores are those a check of each
// document alone gives, whatever the order in which the shared term readers
// meet the documents.
func TestRescoreAsPerDocument(t *testing.T) {
	ctx := context.Background()
	ix, _ := openFilled(t, newMemSource(GenerateCorpus(1500, 7)...), WithCacheSize(0))
	raised := 0
	for _, q := range []string{"werken in de buurt", "samenwerken met partners", "jongeren buurt", "vertrouwen opbouwen jongeren"} {
		v, err := ix.validate(Request{Query: q, First: 20})
		if err != nil {
			t.Fatal(err)
		}
		v.words, v.clauses, v.exclude = ix.analyzeQuery(v.Query)
		slots := ix.phrase(v.Query)
		err = withReader(ix.bl, func(rd index.IndexReader) error {
			if err := ix.expand(rd, &v); err != nil {
				return err
			}
			var ms []match
			ix.table.mu.RLock()
			err := ix.textMatches(ctx, rd, nil, ix.table, ix.textQuery(v, false), func(row int32, s float64) bool {
				ms = append(ms, match{e: ix.table.rows[row], score: s})
				return true
			})
			ix.table.mu.RUnlock()
			if err != nil {
				return err
			}
			slices.SortFunc(ms, func(a, b match) int {
				if before(SortRelevance, a, b) {
					return -1
				}
				if before(SortRelevance, b, a) {
					return 1
				}
				return 0
			})
			ms = ms[:min(len(ms), rescoreWindow)]
			text := map[string]float64{}
			for _, m := range ms {
				text[m.e.id] = m.score
			}
			out, err := ix.rescore(ctx, rd, nil, slots, slices.Clone(ms), v)
			if err != nil {
				return err
			}
			if len(out) != len(ms) {
				t.Fatalf("%q: rescore returned %d of %d matches", q, len(out), len(ms))
			}
			for _, m := range out {
				want := text[m.e.id] * (1 + phraseBonusAlone(t, rd, slots, m.e.id))
				if m.score != want {
					t.Errorf("%q: %s scores %g, alone %g", q, m.e.id, m.score, want)
				}
				if m.score != text[m.e.id] {
					raised++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if raised == 0 {
		t.Error("no phrase raised a score: the test checks nothing")
	}
}
