package search

import (
	"context"
	"fmt"
)

// Search runs a search. Bleve finds the documents matching the text (and
// scores them); the filters, the total, the disjunctive facets (each facet
// ignores its own filter) and the page are computed from the doc table in
// one pass over those matches. An empty query matches every document
// without asking Bleve.
func (ix *Index) Search(ctx context.Context, r Request) (Result, error) {
	v, err := ix.validate(r)
	if err != nil {
		return Result{}, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return Result{}, errClosed
	}
	key, gen := v.cacheKey(), ix.gen.Load()
	if res, ok := ix.cache.get(gen, key); ok {
		return res, nil
	}
	v.words, v.clauses, v.exclude = ix.analyzeQuery(v.Query)
	adv, err := ix.bl.Advanced()
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	defer rd.Close()
	if err := ix.expand(rd, &v); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	// The passes below share the postings they read (termwise.go).
	tw, err := ix.newTermwise(rd)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	defer tw.release()
	strict := ix.textQuery(v, false)
	var res Result
	done := false
	if v.relaxable() {
		// Few practices or none have every word: add those with some of
		// them (or a part of a compound word), after those with all, and
		// say so. Counting the strict matches first spares a full pass
		// (page, rescoring, facets) that relaxing would replace.
		n, err := ix.countMatches(ctx, rd, tw, v.Filter, strict, relaxBelow)
		if err != nil {
			return Result{}, err
		}
		if n < relaxBelow {
			if res, err = ix.search(ctx, rd, tw, v, ix.textQuery(v, true)); err != nil {
				return Result{}, err
			}
			res.Partial, done = true, res.Total > n
		}
	}
	if !done {
		if res, err = ix.search(ctx, rd, tw, v, strict); err != nil {
			return Result{}, err
		}
	}
	if v.Query != "" {
		if res.DidYouMean, err = ix.suggestion(ctx, rd, tw, v, strict); err != nil {
			return Result{}, err
		}
	}
	ix.cache.put(gen, key, res)
	return res, nil
}

// relaxBelow: a query of several words whose strict result holds fewer
// practices than this also lists those with only some of its words.
const relaxBelow = 10
