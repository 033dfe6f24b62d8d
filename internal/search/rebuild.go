package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Rebuild builds a new index from the store beside the current one and
// swaps it in; searches keep using the old index until the swap. The new
// dictionary adds the corpus vocabulary (words used in at least two live
// practices) to the base list and the action plan vocabulary. Changes
// written to the store while rebuilding are caught up after the swap.
func (ix *Index) Rebuild(ctx context.Context, src Source) error {
	start := time.Now()
	var extra []string
	if ix.corpusDict {
		var err error
		if extra, err = corpusVocabulary(ctx, src); err != nil {
			return fmt.Errorf("search: rebuild vocabulary: %w", err)
		}
	}
	dict := dictionary(ix.plan, extra)
	seq0, err := src.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	tmp := ix.dir + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	nb, err := create(tmp, dict, ix.tag)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			nb.Close()
			os.RemoveAll(tmp)
		}
	}()
	// Batches are applied by two writers at once: Bleve analyses a batch's
	// documents in parallel but builds its segment on the calling goroutine.
	builder, err := newDocBuilder(nb.Mapping())
	if err != nil {
		return err
	}
	n, err := fillIndex(ctx, nb, src, ix.batchSize, func(p practice.Practice) *document.Document {
		return builder.practice(p, ix.plan)
	})
	if err == nil {
		err = nb.SetInternal(keyAppliedSeq, encodeSeq(seq0))
	}
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	if err := nb.Close(); err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}

	// Swap.
	ix.writeMu.Lock()
	ix.mu.Lock()
	err = ix.swap(tmp)
	ix.mu.Unlock()
	ix.writeMu.Unlock()
	if err != nil {
		return err
	}
	ok = true
	ix.log.Info("search index rebuilt", "docs", n, "dictionary", len(dict), "seq", seq0, "duration", time.Since(start))
	// Whatever the store wrote since seq0 went to the old index only.
	return ix.CatchUp(ctx, src)
}

// batchWriters is how many batches Rebuild and a large Apply write at once.
const batchWriters = 2

// fillIndex indexes every live practice of src into the empty index bl, in
// batches of batchSize made and applied by batchWriters goroutines (the
// scan only collects the practices); it returns how many it indexed.
func fillIndex(ctx context.Context, bl bleve.Index, src Source, batchSize int, document func(practice.Practice) *document.Document) (int, error) {
	g, gctx := errgroup.WithContext(ctx)
	chunks := make(chan []practice.Practice, batchWriters)
	for range batchWriters {
		g.Go(func() error {
			for ps := range chunks {
				b := bl.NewBatch()
				for _, p := range ps {
					if err := b.IndexAdvanced(document(p)); err != nil {
						return err
					}
				}
				if err := bl.Batch(b); err != nil {
					return err
				}
			}
			return nil
		})
	}
	n := 0
	g.Go(func() error {
		defer close(chunks)
		chunk := make([]practice.Practice, 0, batchSize)
		send := func() error {
			select {
			case chunks <- chunk:
				chunk = make([]practice.Practice, 0, batchSize)
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		err := src.ScanPractices(gctx, func(p practice.Practice) error {
			if !p.Live() || p.ID == "" {
				return nil
			}
			chunk = append(chunk, p)
			n++
			if len(chunk) >= batchSize {
				return send()
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			err = send()
		}
		return err
	})
	err := g.Wait()
	return n, err
}

// swap replaces the index in use by the one built in tmp (caller holds both locks).
func (ix *Index) swap(tmp string) error {
	if ix.bl != nil {
		if err := ix.bl.Close(); err != nil {
			ix.log.Warn("closing old search index", "err", err)
		}
		ix.bl = nil
	}
	old := ix.dir + ".old"
	_ = os.RemoveAll(old)
	if err := os.Rename(ix.dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("search: swap: %w", err)
	}
	if err := os.Rename(tmp, ix.dir); err != nil {
		return fmt.Errorf("search: swap: %w", err)
	}
	_ = os.RemoveAll(old)
	bl, err := bleve.Open(ix.dir)
	if err != nil {
		return fmt.Errorf("search: open rebuilt index: %w", err)
	}
	if err := ix.attach(bl); err != nil {
		bl.Close()
		return fmt.Errorf("search: open rebuilt index: %w", err)
	}
	ix.gen.Add(1)
	return nil
}

// corpusVocabulary returns the words used in at least two live practices.
func corpusVocabulary(ctx context.Context, src Source) ([]string, error) {
	df := make(map[string]int)
	seen := make(map[string]struct{})
	err := src.ScanPractices(ctx, func(p practice.Practice) error {
		if !p.Live() {
			return nil
		}
		clear(seen)
		for _, t := range practiceTexts(p) {
			for _, w := range words_(t) {
				if len(w) < minPartLen || len(w) > 20 {
					continue
				}
				if _, ok := seen[w]; !ok {
					seen[w] = struct{}{}
					df[w]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for w, n := range df {
		if n >= 2 {
			out = append(out, w)
		}
	}
	return out, nil
}

func practiceTexts(p practice.Practice) []string {
	t := []string{p.Title, p.Summary, p.Description}
	t = append(t, p.SuccessFactors...)
	t = append(t, p.Pitfalls...)
	t = append(t, p.Bottlenecks...)
	t = append(t, p.TargetGroups...)
	t = append(t, p.Settings...)
	return t
}
