package search

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// suggestion is "did you mean": the query with each word unknown to the
// index replaced by a close known one (didYouMean), when that finds
// practices the query does not; "" otherwise.
func (ix *Index) suggestion(ctx context.Context, rd index.IndexReader, tw *termwise, v request, text query.Query) (string, error) {
	q := ix.didYouMean(v.words)
	if q == "" {
		return "", nil
	}
	s := request{Request: v.Request, sort: SortRelevance, first: 1}
	s.Query, s.After, s.NoFacets = q, "", true
	s.words, s.clauses, s.exclude = ix.analyzeQuery(q)
	other := ix.textQuery(s, false)
	if other == nil {
		return "", nil
	}
	if text != nil {
		other = query.NewBooleanQuery([]query.Query{other}, nil, []query.Query{text})
	}
	if n, err := ix.countMatches(ctx, rd, tw, s.Filter, other, 1); err != nil || n == 0 {
		return "", err
	}
	return q, nil
}

// didYouMean proposes the query with each word unknown to the index replaced
// by the most used indexed word within two edits; "" if none changes. A
// word whose clause already searches that word's stem (the stem is the
// same, or the word's expansion reached it) is left as it is: the
// suggestion could find no practice the query does not, and proving so
// would cost a pass over all the practices both find.
func (ix *Index) didYouMean(words []qword) string {
	changed := false
	out := make([]string, 0, len(words))
	for _, w := range words {
		out = append(out, w.raw)
		if utf8.RuneCountInString(w.raw) < 4 || w.whole == "" || ix.vocab.Count(w.raw) > 0 {
			continue
		}
		best, bestN := "", 0
		for d := 1; d <= 2 && best == ""; d++ {
			err := ix.vocab.Near(w.raw, d, func(c string, n int) bool {
				if n > bestN || (n == bestN && c < best) {
					best, bestN = c, n
				}
				return true
			})
			if err != nil {
				return ""
			}
		}
		if best != "" && best != w.raw && !w.searches(dutch.Stem(best)) {
			out[len(out)-1] = best
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(out, " ")
}

// searches reports whether the word's clause already matches the body term
// st: as its own stem, a compound part or dictionary form, a neighbour
// (prefix or typo) or a one-term variant.
func (w qword) searches(st string) bool {
	if slices.Contains(w.terms, st) {
		return true
	}
	for _, n := range w.near {
		if n.stem == st {
			return true
		}
	}
	for _, a := range w.alts {
		if a.lang == "" && len(a.terms) == 1 && a.terms[0] == st {
			return true
		}
	}
	return false
}
