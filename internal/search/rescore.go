package search

import (
	"context"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Rescoring. A query of several words scores higher where its words stand
// together as a phrase. Checking phrases costs a pass over the positions of
// every document with all the words, which for common words is most of the
// index; so the phrase score is added only to the rescoreWindow best
// matches by text score, as search engines rescore a window.
//
// The order stays one order, and cursors walk it without gaps or
// duplicates: the window's documents (text score + phrase score) come first,
// since each has a text score at least that of any document outside it,
// then the rest by text score. A cursor taken inside the window is marked
// (windowKeyPrefix) so that the next page recomputes the window; a cursor
// beyond it pages on the text score alone.

const (
	rescoreWindow   = 100
	windowKeyPrefix = "w:"
)

// rescore takes the matches in text score order (the window and one page
// beyond it), adds the phrase scores to the window, and returns the matches
// that follow v's cursor, in the final order.
func (ix *Index) rescore(ctx context.Context, rd index.IndexReader, t *docTable, phrase query.Query, ms []match, v request) ([]match, error) {
	window, rest := ms, []match(nil)
	if len(ms) > rescoreWindow {
		window, rest = ms[:rescoreWindow], ms[rescoreWindow:]
	}
	if len(window) == 0 {
		return ms, nil
	}
	ids := make([]string, len(window))
	for i, m := range window {
		ids[i] = m.e.id
	}
	only := query.NewDocIDQuery(ids)
	only.SetBoost(0)
	extra := make(map[*docEntry]float64, len(window))
	err := ix.textMatches(ctx, rd, t, query.NewConjunctionQuery([]query.Query{only, phrase}), func(e *docEntry, score float64) {
		extra[e] = score
	})
	if err != nil {
		return nil, err
	}
	out := make([]match, 0, len(ms))
	for _, m := range window {
		m.score += extra[m.e]
		m.inWindow = true
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b match) int {
		if before(SortRelevance, a, b) {
			return -1
		}
		if before(SortRelevance, b, a) {
			return 1
		}
		return 0
	})
	if v.inWindow {
		kscore := parseScore(v.after[0])
		i := 0
		for i < len(out) && !afterCursor(SortRelevance, out[i], v.after, kscore) {
			i++
		}
		out = out[i:]
	}
	return append(out, rest...), nil
}

// parseScore reads a relevance cursor key (checked by decodeCursor).
func parseScore(k string) float64 {
	f, _ := strconv.ParseFloat(k, 64)
	return f
}
