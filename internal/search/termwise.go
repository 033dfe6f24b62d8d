package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
	"golang.org/x/sync/errgroup"
)

// Term-at-a-time matching. The text queries build.go makes are trees of
// term, disjunction, conjunction and (must, must-not) Boolean queries, and a
// search needs every match with its score. Bleve's searchers find them a
// document at a time: each match of each term becomes a DocumentMatch that
// climbs the tree through every disjunction's merge, which was most of a
// search's time when a query matches tens of thousands of practices.
// termwise reads each term's postings once per search, straight into doc
// table rows with their BM25 score, and combines them per node in dense
// accumulators: the same matches and, up to the order of floating-point
// additions, the same scores as Bleve's searchers (termwise_test.go
// compares them). The passes of one search (the strict count, the page,
// the relaxed query, the suggestion's check) share the postings read and
// the matches found. The terms are read, and the root's clauses evaluated,
// on up to GOMAXPROCS goroutines. A search holds at most
// maxTermwisePostings postings; a query over that, or with another kind of
// node (a phrase, as the query's -exclusions are), runs on Bleve's
// searchers (textMatches).

// twNode is a compiled query node: a term (field, term, boost), or a
// disjunction (at least min of its kids) or a conjunction of kids.
type twNode struct {
	leaf        bool
	field, term string
	boost       float64
	conj        bool
	min         int
	kids        []*twNode
	// exclude: the documents it matches are left out (a Boolean query's
	// must-not); its terms do not count in the query norm.
	exclude *twNode
	// empty: the node matches no document of the snapshot (markEmpty),
	// so its terms are not read.
	empty bool
}

// compileTermwise translates q, or reports that it holds a node termwise
// does not evaluate.
func compileTermwise(q query.Query) (*twNode, bool) {
	var kids []query.Query
	n := &twNode{}
	switch x := q.(type) {
	case *query.TermQuery:
		return &twNode{leaf: true, field: x.FieldVal, term: x.Term, boost: x.BoostVal.Value()}, true
	case *query.DisjunctionQuery:
		n.min, kids = int(x.Min), x.Disjuncts
	case *query.ConjunctionQuery:
		n.conj, kids = true, x.Conjuncts
	case *query.BooleanQuery:
		// Must and must-not (exclusions, the suggestion's "finds other
		// practices"): Bleve scores the must part alone.
		if x.Must == nil || x.Should != nil || x.Filter != nil {
			return nil, false
		}
		must, ok := compileTermwise(x.Must)
		if !ok || must.leaf {
			return nil, false
		}
		if x.MustNot != nil {
			if must.exclude, ok = compileTermwise(x.MustNot); !ok {
				return nil, false
			}
		}
		return must, true
	default:
		return nil, false
	}
	for _, c := range kids {
		k, ok := compileTermwise(c)
		if !ok {
			return nil, false
		}
		n.kids = append(n.kids, k)
	}
	return n, true
}

// termwise is the term-at-a-time matching of one search, on one snapshot.
type termwise struct {
	rd   index.IndexReader
	docs uint64             // the snapshot's document count (idf)
	avgs map[string]float64 // field -> average field length (BM25)
	// dicts are the snapshot's term dictionaries, per field and segment,
	// opened once per search.
	dicts map[string][]segment.TermDictionary
	// counts are the postings of every term of the queries matched so far
	// (but deleted documents'), lists the postings of those read.
	counts map[fieldTerm]uint64
	lists  map[fieldTerm]*postingList
	// results are the matches of the queries matched so far.
	results map[query.Query]*acc
	// postings counts the postings of lists, which maxPostings bounds.
	postings, maxPostings uint64
	// partPostings is the fewest postings a part of a term's reading
	// holds (Index.partPostings).
	partPostings int
	// version is the doc table version the lists' rows belong to.
	version uint64
	accs    *accPool
	cache   *postingsCache // the index's, or nil
}

type fieldTerm struct{ field, term string }

// postingList is a term's postings as doc table rows, with each one's
// BM25 score before the term's query weight.
type postingList struct {
	idf     float64
	rows    []int32
	scores  []float64
	lengths []float64 // scratch of postingsPart.read: the field lengths
	count   uint64    // the term's postings but deleted documents' (idf), of which rows are those with a row
	cached  bool      // kept in the postings cache, shared: never released
}

// newTermwise starts the term-at-a-time matching of one search on rd; release
// it when the search is done.
func (ix *Index) newTermwise(rd index.IndexReader) (*termwise, error) {
	docs, err := rd.DocCount()
	if err != nil {
		return nil, err
	}
	return &termwise{rd: rd, docs: docs, avgs: map[string]float64{}, dicts: map[string][]segment.TermDictionary{}, counts: map[fieldTerm]uint64{}, lists: map[fieldTerm]*postingList{}, results: map[query.Query]*acc{}, maxPostings: ix.maxPostings, partPostings: ix.partPostings, cache: ix.postings}, nil
}

// release gives the postings read and the matches kept back for reuse.
func (tw *termwise) release() {
	for _, l := range tw.lists {
		if !l.cached {
			lists.put(l)
		}
	}
	clear(tw.lists)
	clear(tw.counts)
	tw.postings = 0
	for _, a := range tw.results {
		tw.accs.put(a)
	}
	clear(tw.results)
}

// maxTermwisePostings bounds the postings one search holds in memory (20
// bytes each, 40 MiB; Index.maxPostings): a query whose terms have more
// runs on Bleve's searchers, which stream them. A search at 100,000
// practices reads up to a few hundred thousand; 32 common words with their
// expansions could ask for hundreds of millions.
const maxTermwisePostings = 2 << 20

// errTooManyPostings: the query's terms have more postings than the bound.
var errTooManyPostings = errors.New("search: too many postings to match term at a time")

// lists keeps the buffers of posting lists between searches: a search at
// 100,000 practices reads megabytes of postings, which would otherwise be
// garbage every time (and grow the heap to its limit). It keeps at most
// keptListBytes of them; sync.Pool would drop them at every collection.
var lists = &freeList[*postingList]{most: keptListBytes, weigh: (*postingList).size}

const keptListBytes = 32 << 20

// freeList keeps released things for reuse, up to a total weight.
type freeList[T any] struct {
	mu     sync.Mutex
	free   []T
	weight int
	most   int
	weigh  func(T) int
}

// get returns the lightest kept thing of at least weight w, else the
// heaviest; ok false when none is kept.
func (f *freeList[T]) get(w int) (x T, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	best := -1
	for i, y := range f.free {
		yw := f.weigh(y)
		if best < 0 {
			best = i
			continue
		}
		bw := f.weigh(f.free[best])
		if (yw >= w && (bw < w || yw < bw)) || (bw < w && yw > bw) {
			best = i
		}
	}
	if best < 0 {
		return x, false
	}
	x = f.free[best]
	f.free[best] = f.free[len(f.free)-1]
	f.free = f.free[:len(f.free)-1]
	f.weight -= f.weigh(x)
	return x, true
}

// put keeps x if it fits.
func (f *freeList[T]) put(x T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if w := f.weigh(x); f.weight+w <= f.most {
		f.free = append(f.free, x)
		f.weight += w
	}
}

// newList returns an empty posting list with room for n postings, in
// kept buffers where they fit.
func newList(n int) *postingList {
	l, ok := lists.get(20 * n)
	if !ok {
		l = new(postingList)
	}
	l.rows = slices.Grow(l.rows[:0], n)
	l.scores = slices.Grow(l.scores[:0], n)
	l.lengths = slices.Grow(l.lengths[:0], n)
	return l
}

// size is the bytes of l's buffers.
func (l *postingList) size() int { return 4*cap(l.rows) + 8*cap(l.scores) + 8*cap(l.lengths) }

// termwiseMatches calls fn with the row and score of every document
// matching q (caller holds t.mu), in no particular order; errNotTermwise
// when q holds a node termwise does not evaluate. The matches of each query
// are kept until release: a search counts its strict query's matches
// before it pages them.
func (ix *Index) termwiseMatches(ctx context.Context, tw *termwise, t *docTable, q query.Query, fn func(row int32, score float64) bool) error {
	if tw.version != t.version {
		tw.release()
		tw.version = t.version
	}
	out, ok := tw.results[q]
	if !ok {
		n, ok := compileTermwise(q)
		if !ok {
			return errNotTermwise
		}
		tw.accs = ix.accs.Load()
		if tw.accs == nil || tw.accs.rows != len(t.rows) {
			// The table grew (or shrank): accumulators of its size.
			tw.accs = newAccPool(len(t.rows))
			ix.accs.Store(tw.accs)
		}
		if err := tw.read(ctx, ix.resolver(tw.rd, t), t, n); err != nil {
			return err
		}
		// Bleve weighs each term of a compound query by
		// boost·idf·queryNorm, the norm over all the query's terms; a lone
		// term by 1.
		weights := map[*twNode]float64{}
		var sumSq float64
		n.each(false, func(leaf *twNode) {
			w := leaf.boost * tw.idf(fieldTerm{leaf.field, leaf.term})
			weights[leaf] = w
			sumSq += w * w
		})
		if n.leaf {
			weights[n] = 1
		} else {
			norm := 1 / math.Sqrt(sumSq)
			for leaf, w := range weights {
				weights[leaf] = w * norm
			}
		}
		out = tw.accs.get()
		tw.eval(n, weights, out, runtime.GOMAXPROCS(0) > 1)
		tw.results[q] = out
	}
	for i, row := range out.touched {
		if !fn(row, out.out[i]) {
			break
		}
	}
	return nil
}

// errNotTermwise: the query holds a node termwise does not evaluate.
var errNotTermwise = errors.New("search: a query node termwise does not evaluate")

// each calls fn with every leaf of n; with exclusions set, the leaves of
// exclusions too (they are read, but do not count in the query norm).
func (n *twNode) each(exclusions bool, fn func(*twNode)) {
	if n.leaf {
		fn(n)
		return
	}
	for _, k := range n.kids {
		k.each(exclusions, fn)
	}
	if exclusions && n.exclude != nil {
		n.exclude.each(exclusions, fn)
	}
}

// markEmpty marks the nodes of n that match no document, from the
// postings counts of their terms, and reports whether n is one: a term
// without postings, a conjunction with such a kid, a disjunction with
// fewer kids that can match than it needs. (Each word of a query is asked
// in other languages as a conjunction with the language, and in forms no
// text has: their terms, thousands of postings each, need no reading.)
func (n *twNode) markEmpty(counts map[fieldTerm]uint64) bool {
	if n.leaf {
		n.empty = counts[fieldTerm{n.field, n.term}] == 0
		return n.empty
	}
	can := 0 // kids that can match
	for _, k := range n.kids {
		if !k.markEmpty(counts) {
			can++
		}
	}
	if n.exclude != nil {
		n.exclude.markEmpty(counts)
	}
	n.empty = len(n.kids) == 0 || can < n.need()
	return n.empty
}

// need is how many kids of compound node n a document matches to match n.
func (n *twNode) need() int {
	if n.conj {
		return len(n.kids)
	}
	return max(n.min, 1)
}

// eachLive calls fn with every leaf of n, exclusions' included, that is
// under no empty node: the terms whose postings the matching reads.
func (n *twNode) eachLive(fn func(*twNode)) {
	switch {
	case n.empty:
	case n.leaf:
		fn(n)
	default:
		for _, k := range n.kids {
			k.eachLive(fn)
		}
		if n.exclude != nil {
			n.exclude.eachLive(fn)
		}
	}
}

// idf is the inverse document frequency of a counted term (Bleve's BM25).
func (tw *termwise) idf(key fieldTerm) float64 {
	docTerm := float64(tw.counts[key])
	return math.Log(1 + (float64(tw.docs)-docTerm+0.5)/(docTerm+0.5))
}

// eval puts the matches of n in into: their rows in into.touched, their
// scores in into.out. With concurrent set, n's compound kids are evaluated
// on goroutines of their own first (the root's clauses are independent);
// either way the kids are added up in their order, so the sums are the same.
// An empty node adds nothing (its terms are not read).
func (tw *termwise) eval(n *twNode, weights map[*twNode]float64, into *acc, concurrent bool) {
	if n.empty {
		return
	}
	if n.leaf {
		l, w := tw.lists[fieldTerm{n.field, n.term}], weights[n]
		for i, row := range l.rows {
			into.touched = append(into.touched, row)
			into.out = append(into.out, termScore(l.scores[i], w))
		}
		return
	}
	// With concurrent set, the compound kids are evaluated a batch of
	// GOMAXPROCS at a time (so that at most that many of their results
	// are held at once), each batch before it is added up.
	batch := 1
	if concurrent {
		batch = runtime.GOMAXPROCS(0)
	}
	subs := make([]*acc, len(n.kids))
	evaluated := 0 // the kids before this one are evaluated
	a := tw.accs.get()
	defer tw.accs.put(a)
	for i, k := range n.kids {
		if k.empty {
			continue
		}
		if k.leaf {
			l, w := tw.lists[fieldTerm{k.field, k.term}], weights[k]
			for j, row := range l.rows {
				a.add(row, termScore(l.scores[j], w))
			}
			continue
		}
		if i >= evaluated {
			var wg sync.WaitGroup
			for j, started := i, 0; j < len(n.kids) && started < batch; j++ {
				if kid := n.kids[j]; !kid.leaf && !kid.empty {
					subs[j] = tw.accs.get()
					wg.Go(func() { tw.eval(kid, weights, subs[j], false) })
					started++
				}
				evaluated = j + 1
			}
			wg.Wait()
		}
		sub := subs[i]
		for j, row := range sub.touched {
			a.add(row, sub.out[j])
		}
		tw.accs.put(sub)
		subs[i] = nil
	}
	var excluded bitset
	if n.exclude != nil && !n.exclude.empty {
		ex := tw.accs.get()
		tw.eval(n.exclude, weights, ex, false)
		excluded = make(bitset, (tw.accs.rows+63)/64)
		for _, row := range ex.touched {
			excluded.set(row)
		}
		tw.accs.put(ex)
	}
	// Bleve: a disjunction scores the sum of its matching kids times the
	// share of them that match (coord); a conjunction the sum.
	need, total := n.need(), len(n.kids)
	into.touched = slices.Grow(into.touched, len(a.touched))
	into.out = slices.Grow(into.out, len(a.touched))
	for _, row := range a.touched {
		if c := int(a.cnt[row]); c >= need && (excluded == nil || !excluded.has(row)) {
			s := a.sum[row]
			if !n.conj {
				s *= float64(c) / float64(total)
			}
			into.touched = append(into.touched, row)
			into.out = append(into.out, s)
		}
	}
}

// termScore is a term's score with its query weight (Bleve's
// TermQueryScorer leaves a weight of 1 out).
func termScore(s, weight float64) float64 {
	if weight != 1 {
		return s * weight
	}
	return s
}

// read reads the postings of n's terms that this search has not read yet.
// The terms are independent: they are read on up to GOMAXPROCS goroutines,
// the longest first, so that one search uses the processors the machine
// has (the server's gate bounds how many searches run at once).
func (tw *termwise) read(ctx context.Context, res *resolver, t *docTable, n *twNode) error {
	snap, ok := tw.rd.(*scorch.IndexSnapshot)
	if !ok {
		return errNotTermwise // another kind of index: Bleve's searchers
	}
	segs := snap.Segments()
	var owner cacheOwner
	if tw.cache.enabled() {
		owner = ownerOf(snap, t)
	}
	// Every term is counted first: a list earlier searches of the snapshot
	// read is taken from the postings cache (postingscache.go) with its
	// count; another term's postings are opened, which counts them (a
	// dictionary lookup per segment). Then the terms of the nodes that can
	// match are read.
	var err error
	opened := map[fieldTerm][]segment.PostingsList{} // per segment
	cached := map[fieldTerm]*postingList{}
	open := func(leaf *twNode) []segment.PostingsList {
		key := fieldTerm{leaf.field, leaf.term}
		if pls, ok := opened[key]; ok || err != nil {
			return pls
		}
		ds, ok := tw.dicts[leaf.field]
		if !ok {
			ds = make([]segment.TermDictionary, len(segs))
			for i, ss := range segs {
				if ds[i], err = ss.Segment().Dictionary(leaf.field); err != nil {
					return nil
				}
			}
			tw.dicts[leaf.field] = ds
		}
		pls := make([]segment.PostingsList, len(segs))
		var count uint64
		for i, ss := range segs {
			if pls[i], err = ds[i].PostingsList([]byte(leaf.term), ss.Deleted(), nil); err != nil {
				return nil
			}
			count += pls[i].Count()
		}
		opened[key], tw.counts[key] = pls, count
		return pls
	}
	n.each(true, func(leaf *twNode) {
		key := fieldTerm{leaf.field, leaf.term}
		if _, ok := tw.counts[key]; ok || err != nil {
			return
		}
		if l := tw.cache.get(owner, key); l != nil {
			cached[key], tw.counts[key] = l, l.count
			return
		}
		open(leaf)
	})
	if err != nil {
		return err
	}
	n.markEmpty(tw.counts)
	type pending struct {
		key  fieldTerm
		leaf *twNode
		pls  []segment.PostingsList // per segment
		n    uint64                 // postings, but those of deleted documents
		l    *postingList
	}
	var todo []pending
	queued := map[fieldTerm]bool{}
	have := tw.postings
	n.eachLive(func(leaf *twNode) {
		key := fieldTerm{leaf.field, leaf.term}
		if _, ok := tw.lists[key]; ok || queued[key] {
			return
		}
		queued[key] = true
		have += tw.counts[key]
		if cached[key] == nil {
			todo = append(todo, pending{key: key, leaf: leaf, n: tw.counts[key]})
		}
	})
	if have > tw.maxPostings {
		return errTooManyPostings
	}
	tw.postings = have
	for key := range queued {
		if l := cached[key]; l != nil {
			tw.lists[key] = l
		}
	}
	for i := range todo {
		p := &todo[i]
		if _, ok := opened[p.key]; !ok {
			// Counted for an earlier query of the search, where it was
			// not read: the cache may have it since.
			if l := tw.cache.get(owner, p.key); l != nil {
				tw.lists[p.key] = l
				continue
			}
		}
		if p.pls = open(p.leaf); err != nil {
			return err
		}
		if _, ok := tw.avgs[p.key.field]; !ok {
			if tw.avgs[p.key.field], err = tw.avgLength(p.key.field); err != nil {
				return err
			}
		}
		p.l = newList(int(p.n)) // room for every posting: it grows no further
		p.l.idf, p.l.count = tw.idf(p.key), p.n
		tw.lists[p.key] = p.l
	}
	todo = slices.DeleteFunc(todo, func(p pending) bool { return p.l == nil })
	offsets := segmentOffsets(segs)
	// A term is read in parts of whole segments, the largest parts first,
	// so that the processors share a term common enough to be most of a
	// search (half the postings of a one-word search can be one term).
	// Each part owns the span of the term's list its segments' counts
	// give; a posting whose document has no row (deleted since) leaves a
	// gap, closed up once all parts are read.
	var parts []*postingsPart
	byList := make([][]*postingsPart, len(todo))
	for i, p := range todo {
		p.l.rows, p.l.scores, p.l.lengths = p.l.rows[:p.n], p.l.scores[:p.n], p.l.lengths[:p.n]
		at := 0
		for first := 0; first < len(p.pls); {
			pt := &postingsPart{l: p.l, avg: tw.avgs[p.key.field], at: at}
			for last := first; last < len(p.pls); last++ {
				pt.pls = append(pt.pls, p.pls[last])
				pt.offsets = append(pt.offsets, offsets[last])
				pt.n += int(p.pls[last].Count())
				first = last + 1
				if pt.n >= tw.partPostings {
					break
				}
			}
			at += pt.n
			parts = append(parts, pt)
			byList[i] = append(byList[i], pt)
		}
	}
	slices.SortStableFunc(parts, func(a, b *postingsPart) int { return cmp.Compare(b.n, a.n) })
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, pt := range parts {
		g.Go(func() error { return pt.read(ctx, tw.rd, res, t) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, p := range todo {
		p.l.close(byList[i])
		tw.cache.put(owner, p.key, p.l)
	}
	return nil
}

// segmentOffsets are the snapshot numbers of the first document of each
// of segs: a document's number in the snapshot is its number in its
// segment plus the documents of the segments before (deleted ones too), as
// scorch numbers them.
func segmentOffsets(segs []*scorch.SegmentSnapshot) []uint64 {
	offsets := make([]uint64, len(segs))
	for i := 1; i < len(segs); i++ {
		offsets[i] = offsets[i-1] + segs[i-1].Segment().Count()
	}
	return offsets
}

// partPostings is the fewest postings a part of a term's reading holds
// but the term's last (see read; Index.partPostings): a goroutine per part
// costs a microsecond or two, 16 Ki postings half a millisecond.
const partPostings = 1 << 14

// postingsPart is the reading of some consecutive segments' postings of a
// term into l's span [at, at+n), of which the first filled are read.
type postingsPart struct {
	l       *postingList
	avg     float64 // the field's average length
	pls     []segment.PostingsList
	offsets []uint64 // of pls' segments in the snapshot
	at, n   int
	filled  int
}

// read reads the part's postings into its span as doc table rows with
// their BM25 score (Bleve's TermQueryScorer, before the query weight).
func (pt *postingsPart) read(ctx context.Context, rd index.IndexReader, res *resolver, t *docTable) error {
	// First the postings (rows, term frequencies as Bleve's tf, field
	// lengths), then the scores in a loop of their own: with the
	// iterator's calls in between, each score's division waited for the
	// last.
	end := pt.at + pt.n
	rows, tfs, lengths := pt.l.rows[pt.at:end], pt.l.scores[pt.at:end], pt.l.lengths[pt.at:end]
	lengthOf := bleveLengths()
	k := 0
	for s, pl := range pt.pls {
		it := pl.Iterator(true, true, false, nil)
		for i := 0; ; i++ {
			if i%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			p, err := it.Next()
			if err != nil {
				return err
			}
			if p == nil {
				break
			}
			row, err := res.rowOf(rd, t, pt.offsets[s]+p.Number())
			if err != nil {
				return err
			}
			if row < 0 {
				continue
			}
			if k == len(rows) {
				return fmt.Errorf("search: a term's postings outnumber its count (%d)", pt.n)
			}
			var tf float64
			if f := p.Frequency(); f < scorer.MaxSqrtCache {
				tf = scorer.SqrtCache[f]
			} else {
				tf = math.Sqrt(float64(f))
			}
			rows[k], tfs[k], lengths[k] = row, tf, fieldLength(p, lengthOf)
			k++
		}
	}
	pt.filled = k
	k1, b, idf := bsearch.BM25_k1, bsearch.BM25_b, pt.l.idf
	for i, tf := range tfs[:k] {
		if pt.avg > 0 {
			tfs[i] = idf * (tf * k1) / (tf + k1*(1-b+(b*lengths[i]/pt.avg)))
		} else {
			// tf-idf, with the norm the length came from.
			tfs[i] = tf * math.Sqrt(1/lengths[i]) * idf
		}
	}
	return nil
}

// close makes l the postings its parts (in segment order) read, closing
// up the gaps a part left.
func (l *postingList) close(parts []*postingsPart) {
	n := 0
	for _, pt := range parts {
		if pt.at != n {
			copy(l.rows[n:], l.rows[pt.at:pt.at+pt.filled])
			copy(l.scores[n:], l.scores[pt.at:pt.at+pt.filled])
		}
		n += pt.filled
	}
	l.rows, l.scores, l.lengths = l.rows[:n], l.scores[:n], l.lengths[:0]
}

// avgLength is the average length of field, as Bleve's bm25ScoreMetrics
// has it.
func (tw *termwise) avgLength(field string) (float64, error) {
	br, ok := tw.rd.(index.BM25Reader)
	if !ok || tw.docs == 0 {
		return 0, nil
	}
	card, err := br.FieldCardinality(field)
	if err != nil {
		return 0, err
	}
	return math.Ceil(float64(card) / float64(tw.docs)), nil
}

// fieldLength is the length of the posting's field as Bleve's BM25 sees
// it: 1/norm², from the norm zap stores as a float32 of 1/√length. The
// raw length is read where the segment gives it, and the float32 rounding
// taken from a table (bleveLengths()).
func fieldLength(p segment.Posting, lengths []float64) float64 {
	var n uint64
	switch x := p.(type) {
	case *zap.Posting: // the segments Bleve writes: no search of the method
		n = x.NormUint64()
	case interface{ NormUint64() uint64 }:
		n = x.NormUint64()
	default:
		n = uint64(len(lengths))
	}
	if n < uint64(len(lengths)) {
		return lengths[n]
	}
	norm := p.Norm()
	return 1 / (norm * norm)
}

// bleveLengths are the field lengths BM25 sees for the raw lengths below
// 2^16 (512 KiB).
var bleveLengths = sync.OnceValue(func() []float64 {
	out := make([]float64, 1<<16)
	for n := range out {
		norm := float64(float32(1 / math.Sqrt(float64(n))))
		out[n] = 1 / (norm * norm)
	}
	return out
})

// acc accumulates, per row, how many kids of a node match and the sum of
// their scores, with the rows touched in order of first touch; out is the
// node's result, parallel to touched.
type acc struct {
	sum     []float64
	cnt     []uint16
	touched []int32
	out     []float64
}

func (a *acc) add(row int32, s float64) {
	if a.cnt[row] == 0 {
		a.touched = append(a.touched, row)
	}
	a.cnt[row]++
	a.sum[row] += s
}

// accPool keeps accumulators for a doc table of rows rows (at most
// keptAccs of them, through collections); an accumulator comes out clean
// and is cleaned (the rows it touched) on the way back.
type accPool struct {
	rows int
	kept freeList[*acc]
}

const keptAccs = 24

func newAccPool(rows int) *accPool {
	return &accPool{rows: rows, kept: freeList[*acc]{most: keptAccs, weigh: func(*acc) int { return 1 }}}
}

func (p *accPool) get() *acc {
	if a, ok := p.kept.get(1); ok {
		return a
	}
	return &acc{sum: make([]float64, p.rows), cnt: make([]uint16, p.rows)}
}

func (p *accPool) put(a *acc) {
	if len(a.cnt) != p.rows {
		return // of a table size gone
	}
	if len(a.touched) > len(a.cnt)/16 {
		// Cleared whole, in order: faster than as many writes at random.
		clear(a.sum)
		clear(a.cnt)
	} else {
		for _, row := range a.touched {
			a.sum[row], a.cnt[row] = 0, 0
		}
	}
	a.touched, a.out = a.touched[:0], a.out[:0]
	p.kept.put(a)
}
