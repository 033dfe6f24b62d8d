package search

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/thesaurus"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

// Source is what the index needs of the store; store.Store satisfies it.
type Source interface {
	ScanPractices(ctx context.Context, fn func(practice.Practice) error) error
	ChangedSince(ctx context.Context, seq uint64, limit int) ([]practice.Practice, error)
	LastSeq(ctx context.Context) (uint64, error)
}

// Internal keys stored with the index.
var (
	keyVersion    = []byte("pb:mappingVersion")
	keyAppliedSeq = []byte("pb:appliedSeq")
	keyVocabulary = []byte("pb:vocabulary") // the token of the vocabulary file written at Close
)

// Option configures an Index.
type Option func(*Index)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(ix *Index) { ix.log = l } }

// DefaultCacheSize is how many recent search results the index keeps.
const DefaultCacheSize = 2048

// WithCacheSize sets how many recent search results are kept until the next
// write (0 turns the cache off).
func WithCacheSize(n int) Option { return func(ix *Index) { ix.cache = newResultCache(n) } }

// WithThesaurus sets the thesaurus searches apply (default: the shipped
// one, thesaurus.Default); nil applies none.
func WithThesaurus(t *thesaurus.Thesaurus) Option { return func(ix *Index) { ix.thesaurus = t } }

// Index is the search index. It is safe for concurrent use.
type Index struct {
	dir       string
	plan      *actionplan.Plan
	log       *slog.Logger
	batchSize int
	thesaurus *thesaurus.Thesaurus // applied at query time (variants.go)
	tag       string

	writeMu sync.Mutex   // serialises writes (Apply, Reconcile, Rebuild's swap)
	mu      sync.RWMutex // guards the fields below against Rebuild's swap
	bl      bleve.Index
	text    *analysis.DefaultAnalyzer
	raw     *analysis.DefaultAnalyzer
	foreign map[string]*analysis.DefaultAnalyzer // the text analyzers of the other languages (languages.go)
	dc      *dutch.Decompounder                  // the text analyzer's, with the stored dictionary
	table   *docTable                            // filter, facet and sort values of bl's documents
	vocab   *vocab.Vocabulary                    // the words of bl's documents
	ids     atomic.Pointer[resolver]
	accs    atomic.Pointer[accPool] // the accumulators of term-at-a-time matching (termwise.go)

	applied atomic.Uint64
	gen     atomic.Uint64 // bumped by every write; the result cache follows it
	cache   *resultCache
	// postings keeps the posting lists searches read (postingscache.go).
	postings *postingsCache

	builder *docBuilder // makes the documents of bl's mapping

	rescoring bool // the phrase rescoring of the best matches (rescore.go)
	// bleveMatching runs every text query on Bleve's searchers instead of
	// termwise.go (tests compare the two).
	bleveMatching bool
	// maxPostings bounds the postings one search matches term at a time
	// (termwise.go); maxTermwisePostings.
	maxPostings uint64
	// partPostings is the fewest postings a goroutine reads of a term
	// (termwise.go); partPostings.
	partPostings int
}

// Open opens the index in dir. It creates it when absent, and deletes and
// recreates it (empty) when it cannot be opened, looks corrupt, or was built
// with another MappingVersion or dictionary; Reconcile then fills it.
func Open(dir string, plan *actionplan.Plan, opts ...Option) (*Index, error) {
	ix := &Index{dir: dir, plan: plan, log: slog.Default(), batchSize: 500, rescoring: true, maxPostings: maxTermwisePostings, partPostings: partPostings,
		cache: newResultCache(DefaultCacheSize), postings: newPostingsCache(DefaultPostingsCacheBytes), thesaurus: thesaurus.Default()}
	for _, o := range opts {
		o(ix)
	}
	ix.tag = versionTag(dictionary(plan, nil), plan)

	if _, err := os.Stat(dir); err == nil {
		bl, reason := openChecked(dir, ix.tag)
		if bl != nil {
			if err := ix.attach(bl, nil); err == nil {
				return ix, nil
			} else {
				reason = err.Error()
				bl.Close()
			}
		}
		ix.log.Warn("search index unusable; rebuilding", "dir", dir, "reason", reason)
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("search: remove unusable index: %w", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("search: %w", err)
	} else {
		ix.log.Info("search index absent; creating", "dir", dir)
	}
	bl, err := create(dir, dictionary(plan, nil), ix.tag)
	if err != nil {
		return nil, err
	}
	if err := ix.attach(bl, nil); err != nil {
		bl.Close()
		return nil, err
	}
	return ix, nil
}

// openChecked opens an existing index and checks that it is readable and of
// the expected version; on any problem (including a panic inside Bleve on
// corrupt files) it returns nil and the reason.
func openChecked(dir, tag string) (bl bleve.Index, reason string) {
	defer func() {
		if r := recover(); r != nil {
			if bl != nil {
				func() { defer func() { recover() }(); bl.Close() }()
			}
			bl, reason = nil, fmt.Sprintf("panic while opening: %v", r)
		}
	}()
	b, err := bleve.Open(dir)
	if err != nil {
		return nil, "open: " + err.Error()
	}
	fail := func(why string) (bleve.Index, string) {
		b.Close()
		return nil, why
	}
	v, err := b.GetInternal(keyVersion)
	if err != nil {
		return fail("read version: " + err.Error())
	}
	if string(v) != tag {
		return fail(fmt.Sprintf("version %q, want %q", v, tag))
	}
	if _, err := b.GetInternal(keyAppliedSeq); err != nil {
		return fail("read applied seq: " + err.Error())
	}
	n, err := b.DocCount()
	if err != nil {
		return fail("doc count: " + err.Error())
	}
	// Touch the data: a match-all search reading stored fields of a few docs.
	req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 10, 0, false)
	req.Fields = []string{fSeq, fTitle}
	res, err := b.Search(req)
	if err != nil {
		return fail("probe search: " + err.Error())
	}
	if res.Total != n {
		return fail(fmt.Sprintf("doc count %d but search finds %d", n, res.Total))
	}
	for _, h := range res.Hits {
		if _, ok := h.Fields[fSeq].(string); !ok {
			return fail("document " + h.ID + " has no seq")
		}
	}
	return b, ""
}

func create(dir string, dict []string, tag string) (bleve.Index, error) {
	m, err := buildMapping(dict)
	if err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	bl, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	b := bl.NewBatch()
	b.SetInternal(keyVersion, []byte(tag))
	b.SetInternal(keyAppliedSeq, encodeSeq(0))
	if err := bl.Batch(b); err != nil {
		bl.Close()
		return nil, fmt.Errorf("search: init index: %w", err)
	}
	return bl, nil
}

// attach makes bl the index in use (caller holds mu or is the constructor);
// voc is the vocabulary of its documents, nil to read it from them.
func (ix *Index) attach(bl bleve.Index, voc *vocab.Vocabulary) error {
	m := bl.Mapping()
	text, err := tokenwise(m, textAnalyzerName, nil)
	if err != nil {
		return err
	}
	raw, err := tokenwise(m, rawAnalyzerName, text)
	if err != nil {
		return err
	}
	v, err := bl.GetInternal(keyAppliedSeq)
	if err != nil {
		return err
	}
	builder, err := newDocBuilder(m)
	if err != nil {
		return err
	}
	foreign := make(map[string]*analysis.DefaultAnalyzer)
	for lang, name := range languageAnalyzers {
		if name == textAnalyzerName {
			continue
		}
		if foreign[lang], err = tokenwise(m, name, text); err != nil {
			return err
		}
	}
	ix.bl, ix.text, ix.raw, ix.foreign, ix.builder = bl, text, raw, foreign, builder
	dict, err := storedDictionary(m)
	if err != nil {
		return err
	}
	ix.dc = dutch.NewDecompounder(dict)
	table := newDocTable()
	if err := withReader(bl, table.loadAll); err != nil {
		return fmt.Errorf("load doc table: %w", err)
	}
	if voc == nil {
		if voc, err = ix.openVocabulary(bl); err != nil {
			return err
		}
	}
	ix.table, ix.vocab = table, voc
	ix.applied.Store(decodeSeq(v))
	return nil
}

// tokenwise is the analyzer name of mapping m, which must be a chain of
// token filters after a tokenizer (like's, when like is not nil): the
// highlighter analyses text word by word, with both analyzers on the same
// tokens.
func tokenwise(m mapping.IndexMapping, name string, like *analysis.DefaultAnalyzer) (*analysis.DefaultAnalyzer, error) {
	da, ok := m.AnalyzerNamed(name).(*analysis.DefaultAnalyzer)
	switch {
	case !ok:
		return nil, fmt.Errorf("analyzer %s missing from the stored mapping", name)
	case len(da.CharFilters) > 0:
		return nil, fmt.Errorf("analyzer %s has char filters", name)
	case like != nil && reflect.TypeOf(da.Tokenizer) != reflect.TypeOf(like.Tokenizer):
		return nil, fmt.Errorf("analyzer %s has another tokenizer than %s", name, textAnalyzerName)
	}
	return da, nil
}

// withReader calls fn with a reader of bl's current snapshot.
func withReader(bl bleve.Index, fn func(index.IndexReader) error) error {
	adv, err := bl.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	return fn(r)
}

// refreshTable brings the doc table in step with the index for the
// documents ids after a write (caller holds writeMu and mu).
func (ix *Index) refreshTable(ids []string) error {
	err := withReader(ix.bl, func(r index.IndexReader) error { return ix.table.refresh(r, ids) })
	if err != nil {
		// Read everything again rather than serve from a table out of step.
		err = withReader(ix.bl, ix.table.loadAll)
	}
	if err != nil {
		return fmt.Errorf("search: doc table: %w", err)
	}
	return nil
}

func encodeSeq(s uint64) []byte { return binary.BigEndian.AppendUint64(nil, s) }

func decodeSeq(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// Close closes the index.
func (ix *Index) Close() error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bl == nil {
		return nil
	}
	if err := ix.saveVocabulary(); err != nil {
		// The next Open reads it from the documents instead.
		ix.log.Warn("saving the search vocabulary failed", "err", err)
	}
	err := ix.bl.Close()
	ix.bl = nil
	return err
}

// AppliedSeq is the highest store seq the index has applied.
func (ix *Index) AppliedSeq() uint64 { return ix.applied.Load() }

// DocCount is the number of documents (live practices) in the index.
func (ix *Index) DocCount() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return 0, errClosed
	}
	return ix.bl.DocCount()
}

var errClosed = errors.New("search: index closed")

// Apply writes a set of changes: live practices are upserted, withdrawn
// ones deleted. A practice whose indexed version has the same or a higher
// seq is left alone, so applying twice or out of order is harmless. It
// remembers the highest Seq applied, atomically with the documents when
// they fit one batch, else once all batches are written (a crash in between
// leaves the remembered seq behind, and the next start reconciles).
func (ix *Index) Apply(ctx context.Context, ps []practice.Practice) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return errClosed
	}
	if len(ps) <= ix.batchSize {
		maxSeq, err := ix.applyLocked(ps, true)
		if err == nil {
			ix.applied.Store(maxSeq)
		}
		return err
	}
	// Batches run two at a time (Bleve builds a batch's segment on the
	// calling goroutine), so they must not share a practice: keep the
	// highest seq of each.
	ps = latestPerID(ps)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(batchWriters)
	var mu sync.Mutex
	maxSeq := ix.applied.Load()
	for len(ps) > 0 {
		chunk := ps[:min(len(ps), ix.batchSize)]
		ps = ps[len(chunk):]
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			s, err := ix.applyLocked(chunk, false)
			mu.Lock()
			maxSeq = max(maxSeq, s)
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := ix.bl.SetInternal(keyAppliedSeq, encodeSeq(maxSeq)); err != nil {
		return fmt.Errorf("search: remember applied seq: %w", err)
	}
	ix.applied.Store(maxSeq)
	return nil
}

// latestPerID keeps, for each id, the practice with the highest seq, in the
// order of their first appearance.
func latestPerID(ps []practice.Practice) []practice.Practice {
	at := make(map[string]int, len(ps))
	out := make([]practice.Practice, 0, len(ps))
	for _, p := range ps {
		if i, ok := at[p.ID]; ok {
			if p.Seq > out[i].Seq {
				out[i] = p
			}
			continue
		}
		at[p.ID] = len(out)
		out = append(out, p)
	}
	return out
}

// applyLocked writes one batch and refreshes the doc table for it; with
// remember it also stores the highest seq applied in the batch. It returns
// that seq (at least the seq applied before). The caller holds writeMu and
// mu (read) and stores the applied seq once done.
func (ix *Index) applyLocked(ps []practice.Practice, remember bool) (uint64, error) {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	before, err := indexedDocs(ix.bl, ids)
	if err != nil {
		return 0, err
	}
	// cur is the highest seq the index holds or this batch wrote for an id
	// (a withdrawal too); indexed says whether the id is in the index after
	// the batch's operations so far.
	cur := make(map[string]uint64, len(before))
	indexed := make(map[string]bool, len(before))
	for id, d := range before {
		cur[id], indexed[id] = d.seq(), true
	}
	b := ix.bl.NewBatch()
	after := make(map[string][]string) // ids indexed (their texts) or deleted (nil)
	maxSeq := ix.applied.Load()
	for _, p := range ps {
		maxSeq = max(maxSeq, p.Seq)
		if p.ID == "" {
			continue
		}
		if s, ok := cur[p.ID]; ok && s >= p.Seq {
			continue
		}
		cur[p.ID] = p.Seq // a later duplicate in the same batch with a lower seq is skipped
		if p.Live() {
			d, texts := ix.document(p)
			if err := b.IndexAdvanced(d); err != nil {
				return 0, fmt.Errorf("search: index %s: %w", p.ID, err)
			}
			indexed[p.ID] = true
			after[p.ID] = texts
		} else if indexed[p.ID] {
			b.Delete(p.ID)
			indexed[p.ID] = false
			after[p.ID] = nil
		}
	}
	if remember {
		b.SetInternal(keyAppliedSeq, encodeSeq(maxSeq))
	} else if b.Size() == 0 {
		return maxSeq, nil
	}
	if err := ix.bl.Batch(b); err != nil {
		return 0, fmt.Errorf("search: apply batch: %w", err)
	}
	defer ix.gen.Add(1)
	if err := ix.refresh(before, after); err != nil {
		return 0, err
	}
	return maxSeq, nil
}

// document is the Bleve document of a live practice and the texts its
// words come from (caller holds mu).
func (ix *Index) document(p practice.Practice) (*document.Document, []string) {
	return ix.builder.practice(p, ix.plan)
}

// refresh brings the doc table and the vocabulary in step with the index
// after a batch changed the documents of after: before holds what the index
// stored of them, after their texts now (nil when deleted). The caller holds
// writeMu and mu.
func (ix *Index) refresh(before map[string]doc, after map[string][]string) error {
	ids := make([]string, 0, len(after))
	wc := vocab.NewCounter()
	for id, texts := range after {
		ids = append(ids, id)
		if d, ok := before[id]; ok {
			wc.Add(d.texts(ix.plan), 0, -1)
		}
		if texts != nil {
			wc.Add(texts, 0, 1)
		}
	}
	if err := ix.vocab.Change(wc.Result()); err != nil {
		return fmt.Errorf("search: vocabulary: %w", err)
	}
	return ix.refreshTable(ids)
}

// indexedDocs returns what the index stores of those ids it holds.
func indexedDocs(bl bleve.Index, ids []string) (map[string]doc, error) {
	out := make(map[string]doc, len(ids))
	err := withReader(bl, func(r index.IndexReader) error {
		for _, id := range ids {
			if _, ok := out[id]; ok {
				continue
			}
			sd, err := r.Document(id)
			if err != nil {
				return err
			}
			if sd != nil {
				out[id] = storedDoc(sd)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search: read indexed documents: %w", err)
	}
	return out, nil
}

func seqOf(fields map[string]interface{}) uint64 {
	s, _ := fields[fSeq].(string)
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// indexedSeqs returns the seq of every document in the index in use.
func (ix *Index) indexedSeqs(ctx context.Context) (map[string]uint64, error) {
	ix.mu.RLock()
	bl := ix.bl
	ix.mu.RUnlock()
	if bl == nil {
		return nil, errClosed
	}
	out := make(map[string]uint64)
	var after []string
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 2000, 0, false)
		req.Fields = []string{fSeq}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := bl.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search: list index: %w", err)
		}
		for _, h := range res.Hits {
			out[h.ID] = seqOf(h.Fields)
		}
		if len(res.Hits) < 2000 {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// ReconcileReport counts what Reconcile found and did.
type ReconcileReport struct {
	Checked   int  // practices read from the store
	Missing   int  // live practices absent from the index: indexed
	Stale     int  // live practices indexed with another seq: re-indexed
	Withdrawn int  // withdrawn practices still in the index: deleted
	Extra     int  // documents of practices the store does not have: deleted
	Skipped   int  // changed concurrently while reconciling: left to the change feed
	Rebuilt   bool // the index was empty and was filled by Rebuild
	Duration  time.Duration
}

// reconcileOp is one correction, applied only if the document is still as
// it was in the snapshot Reconcile compared against.
type reconcileOp struct {
	p          practice.Practice // for upserts and withdrawals
	id         string
	upsert     bool
	wasPresent bool
	wasSeq     uint64
}

// Reconcile compares every practice in the store (id, seq, live) with the
// index: it indexes missing and stale practices and deletes withdrawn and
// extra documents. A document written concurrently (by Apply) after the
// comparison is left alone. An empty index is filled by Rebuild instead.
func (ix *Index) Reconcile(ctx context.Context, src Source) (ReconcileReport, error) {
	start := time.Now()
	var rep ReconcileReport
	if n, err := ix.DocCount(); err != nil {
		return rep, err
	} else if n == 0 {
		if err := ix.Rebuild(ctx, src); err != nil {
			return rep, err
		}
		n, _ := ix.DocCount()
		rep.Rebuilt, rep.Missing = true, int(n)
		rep.Duration = time.Since(start)
		return rep, nil
	}
	appliedBefore := ix.AppliedSeq()
	seq0, err := src.LastSeq(ctx)
	if err != nil {
		return rep, fmt.Errorf("search: reconcile: %w", err)
	}
	snap, err := ix.indexedSeqs(ctx)
	if err != nil {
		return rep, err
	}
	var ops []reconcileOp
	flush := func() error {
		if len(ops) == 0 {
			return nil
		}
		skipped, err := ix.applyReconcile(ops)
		rep.Skipped += skipped
		ops = ops[:0]
		return err
	}
	seen := make(map[string]bool, len(snap))
	err = src.ScanPractices(ctx, func(p practice.Practice) error {
		rep.Checked++
		s, present := snap[p.ID]
		seen[p.ID] = true
		switch {
		case p.Live() && !present:
			rep.Missing++
		case p.Live() && s != p.Seq:
			rep.Stale++
		case !p.Live() && present:
			rep.Withdrawn++
		default:
			return nil
		}
		ops = append(ops, reconcileOp{p: p, id: p.ID, upsert: p.Live(), wasPresent: present, wasSeq: s})
		if len(ops) >= ix.batchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("search: reconcile scan: %w", err)
	}
	for id, s := range snap {
		if !seen[id] {
			rep.Extra++
			ops = append(ops, reconcileOp{id: id, wasPresent: true, wasSeq: s})
			if len(ops) >= ix.batchSize {
				if err := flush(); err != nil {
					return rep, err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	// The index now reflects the store as of seq0 at least. If the store's
	// seq went backwards (a restored or replaced store), follow it from there.
	if seq0 < appliedBefore {
		ix.log.Warn("store seq is behind the index; following from the store's seq", "store", seq0, "index", appliedBefore)
		err = ix.setApplied(seq0)
	} else {
		err = ix.setApplied(max(seq0, ix.AppliedSeq()))
	}
	rep.Duration = time.Since(start)
	ix.log.Info("search index reconciled", "checked", rep.Checked, "missing", rep.Missing, "stale", rep.Stale,
		"withdrawn", rep.Withdrawn, "extra", rep.Extra, "skipped", rep.Skipped, "duration", rep.Duration)
	return rep, err
}

func (ix *Index) applyReconcile(ops []reconcileOp) (skipped int, err error) {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return 0, errClosed
	}
	ids := make([]string, len(ops))
	for i, op := range ops {
		ids[i] = op.id
	}
	before, err := indexedDocs(ix.bl, ids)
	if err != nil {
		return 0, err
	}
	b := ix.bl.NewBatch()
	after := make(map[string][]string)
	for _, op := range ops {
		d, present := before[op.id]
		if present != op.wasPresent || d.seq() != op.wasSeq {
			skipped++
			continue
		}
		if op.upsert {
			d, texts := ix.document(op.p)
			if err := b.IndexAdvanced(d); err != nil {
				return skipped, fmt.Errorf("search: index %s: %w", op.id, err)
			}
			after[op.id] = texts
		} else if present {
			b.Delete(op.id)
			after[op.id] = nil
		}
	}
	if b.Size() == 0 {
		return skipped, nil
	}
	if err := ix.bl.Batch(b); err != nil {
		return skipped, fmt.Errorf("search: reconcile batch: %w", err)
	}
	defer ix.gen.Add(1)
	if err := ix.refresh(before, after); err != nil {
		return skipped, err
	}
	return skipped, nil
}

func (ix *Index) setApplied(seq uint64) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return errClosed
	}
	if err := ix.bl.SetInternal(keyAppliedSeq, encodeSeq(seq)); err != nil {
		return fmt.Errorf("search: store applied seq: %w", err)
	}
	ix.applied.Store(seq)
	return nil
}

// Follow keeps the index current: every interval it reads the store's
// changes since AppliedSeq (minus a small overlap, for writes that commit
// out of seq order) and applies them. It returns when ctx is done. Errors
// are logged and retried on the next tick.
func (ix *Index) Follow(ctx context.Context, src Source, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := ix.CatchUp(ctx, src); err != nil && ctx.Err() == nil {
			ix.log.Warn("search index follow failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// followOverlap is how far behind AppliedSeq CatchUp starts reading, to
// pick up writes that committed out of seq order.
const followOverlap = 64

// CatchUp applies every change the store has after AppliedSeq (minus the
// overlap) and returns; Follow calls it on every tick.
func (ix *Index) CatchUp(ctx context.Context, src Source) error {
	last, err := src.LastSeq(ctx)
	if err != nil {
		return err
	}
	applied := ix.AppliedSeq()
	if last < applied {
		// The store went back in time (restored or replaced): compare all.
		_, err := ix.Reconcile(ctx, src)
		return err
	}
	if last == applied { // nothing new: no read of the changes (a pass over all practices on some stores)
		return nil
	}
	from := applied - min(applied, followOverlap)
	for {
		ps, err := src.ChangedSince(ctx, from, ix.batchSize)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return nil
		}
		if err := ix.Apply(ctx, ps); err != nil {
			return err
		}
		if len(ps) < ix.batchSize {
			return nil
		}
		from = ps[len(ps)-1].Seq
	}
}
