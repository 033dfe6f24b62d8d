package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

// Rebuild builds a new index from the store beside the current one and
// swaps it in; searches keep using the old index until the swap. A first
// pass over the store counts the words of the live practices: they are the
// new index's vocabulary, and those used in at least two practices' own
// texts join the base list and the action plan vocabulary in the new
// decompounding dictionary. Changes written to the store while rebuilding
// are caught up after the swap.
func (ix *Index) Rebuild(ctx context.Context, src Source) error {
	start := time.Now()
	seq0, err := src.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("search: rebuild: %w", err)
	}
	words, err := countStoreWords(ctx, src, ix.plan)
	if err != nil {
		return fmt.Errorf("search: rebuild vocabulary: %w", err)
	}
	dict := dictionary(ix.plan, words.corpusWords())
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
	// The vocabulary counted in the first pass is right if the second pass
	// indexes the very same versions; otherwise (the store changed in
	// between) it is read back from the new index.
	var indexed atomic.Int64
	var differs atomic.Bool
	n, err := fillIndex(ctx, nb, src, ix.batchSize, func(p practice.Practice) *document.Document {
		if s, ok := words.seqs[p.ID]; !ok || s != p.Seq {
			differs.Store(true)
		}
		indexed.Add(1)
		d, _ := builder.practice(p, ix.plan)
		return d
	})
	if err == nil {
		err = nb.SetInternal(keyAppliedSeq, encodeSeq(seq0))
	}
	var voc *vocab.Vocabulary
	if err == nil {
		if differs.Load() || indexed.Load() != int64(len(words.seqs)) {
			ix.log.Info("store changed while rebuilding; reading the vocabulary from the new index")
			err = withReader(nb, func(r index.IndexReader) (err error) {
				voc, err = readVocabulary(r, ix.plan)
				return err
			})
		} else {
			voc, err = vocab.New(words.counter.Result())
		}
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
	err = ix.swap(tmp, voc)
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
		return scanChunks(gctx, src, batchSize, chunks, func(practice.Practice) { n++ })
	})
	err := g.Wait()
	return n, err
}

// swap replaces the index in use by the one built in tmp, whose vocabulary
// is voc (caller holds both locks).
func (ix *Index) swap(tmp string, voc *vocab.Vocabulary) error {
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
	if err := ix.attach(bl, voc); err != nil {
		bl.Close()
		return fmt.Errorf("search: open rebuilt index: %w", err)
	}
	ix.gen.Add(1)
	return nil
}

// scanChunks sends the live practices of src to out in chunks of size, and
// closes out; seen is called with each practice first.
func scanChunks(ctx context.Context, src Source, size int, out chan<- []practice.Practice, seen func(practice.Practice)) error {
	defer close(out)
	chunk := make([]practice.Practice, 0, size)
	send := func() error {
		select {
		case out <- chunk:
			chunk = make([]practice.Practice, 0, size)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := src.ScanPractices(ctx, func(p practice.Practice) error {
		if !p.Live() || p.ID == "" {
			return nil
		}
		seen(p)
		if chunk = append(chunk, p); len(chunk) >= size {
			return send()
		}
		return nil
	})
	if err == nil && len(chunk) > 0 {
		err = send()
	}
	return err
}

// storeWords is what the first pass of a rebuild counted: the words of
// every live practice and the seq of each practice it read.
type storeWords struct {
	counter *vocab.Counter
	seqs    map[string]uint64
}

// countStoreWords counts the words of every live practice of src: the scan reads
// and decodes, batchWriters goroutines count.
func countStoreWords(ctx context.Context, src Source, plan *actionplan.Plan) (*storeWords, error) {
	const chunkSize = 256
	g, gctx := errgroup.WithContext(ctx)
	chunks := make(chan []practice.Practice, batchWriters)
	var counters [batchWriters]*vocab.Counter
	for i := range counters {
		wc := vocab.NewCounter()
		counters[i] = wc
		g.Go(func() error {
			for ps := range chunks {
				for _, p := range ps {
					texts := practiceTexts(p)
					own := len(texts)
					wc.Add(append(texts, extraTexts(p, plan)...), own, 1)
				}
			}
			return nil
		})
	}
	seqs := make(map[string]uint64)
	g.Go(func() error {
		return scanChunks(gctx, src, chunkSize, chunks, func(p practice.Practice) { seqs[p.ID] = p.Seq })
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, wc := range counters[1:] {
		counters[0].Merge(wc)
	}
	return &storeWords{counter: counters[0], seqs: seqs}, nil
}

// corpusWords are the words used in the own texts of at least two
// practices: the corpus part of the decompounding dictionary.
func (w *storeWords) corpusWords() []string {
	var out []string
	w.counter.Each(func(word string, _, own int32) {
		if own >= 2 && len(word) >= dutch.MinPartLen && len(word) <= 20 {
			out = append(out, word)
		}
	})
	return out
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
