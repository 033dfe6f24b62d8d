package search

import (
	"slices"
	"sync"
	"weak"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// The postings cache. Reading a term's postings out of zap's compressed
// segments is a third of a search's time at 100,000 practices (about 33 ns
// a posting, and a word of a query often has tens of thousands), while the
// words people search for are few: caching posting lists does more for a
// search engine than caching results (Baeza-Yates et al., "The impact of
// caching on search engines", SIGIR 2007). The index keeps the posting
// lists searches read (doc table rows and their BM25 scores, termwise.go)
// for the searches that follow on the same snapshot and doc table: any
// write makes a new snapshot, and the first search on it starts the cache
// anew. Each search still matches, scores, counts its facets, pages,
// rescores and highlights; the result cache (cache.go) is another thing.

// DefaultPostingsCacheBytes is the memory the postings cache holds by
// default: at 12 bytes a posting, 5.6 million postings, the terms of a few
// hundred different words at 100,000 practices.
const DefaultPostingsCacheBytes = 64 << 20

// WithPostingsCache sets the bytes of posting lists the index keeps between
// searches (0 turns the cache off).
func WithPostingsCache(bytes int) Option {
	return func(ix *Index) { ix.postings = newPostingsCache(bytes) }
}

// minCachedPostings is the fewest postings a kept list has: a shorter one
// is read in a few microseconds, and a bound on the lists' number bounds
// what they cost beyond their postings (a map entry each) and the time the
// least recently used takes to find.
const minCachedPostings = 1 << 10

// postingsCache keeps the posting lists of one snapshot and doc table
// version, up to most bytes, the least recently used leaving first. A list
// in it is shared by the searches that take it and never changes.
type postingsCache struct {
	mu      sync.Mutex
	snap    weak.Pointer[scorch.IndexSnapshot] // weak: a snapshot gone stays gone
	version uint64                             // of the doc table, whose rows the lists hold
	lists   map[fieldTerm]*cachedList
	bytes   int
	most    int
	least   int // postings of a kept list: minCachedPostings
	clock   uint64
	hits    uint64 // lists taken from the cache, since the index opened
	misses  uint64 // lists read by searches instead
}

type cachedList struct {
	l    *postingList
	used uint64 // the clock at its last use
}

func newPostingsCache(most int) *postingsCache {
	return &postingsCache{most: max(most, 0), least: minCachedPostings, lists: map[fieldTerm]*cachedList{}}
}

// on makes the cache that of snapshot snap and doc table version, dropping
// the lists of another (caller holds c.mu).
func (c *postingsCache) on(snap *scorch.IndexSnapshot, version uint64) {
	if w := weak.Make(snap); c.snap != w || c.version != version {
		c.snap, c.version = w, version
		clear(c.lists)
		c.bytes = 0
	}
}

// get returns the kept list of key for snap and version; nil when none is.
func (c *postingsCache) get(snap *scorch.IndexSnapshot, version uint64, key fieldTerm) *postingList {
	if c == nil || c.most == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on(snap, version)
	e, ok := c.lists[key]
	if !ok {
		c.misses++
		return nil
	}
	c.clock++
	e.used = c.clock
	c.hits++
	return e.l
}

// put keeps a copy of l, just read for key on snap and version, making
// room for it; a list of fewer than c.least postings, or of over a quarter
// of the cache, is not kept.
func (c *postingsCache) put(snap *scorch.IndexSnapshot, version uint64, key fieldTerm, l *postingList) {
	if c == nil || c.most == 0 {
		return
	}
	size := 12 * len(l.rows)
	if len(l.rows) < c.least || size > c.most/4 {
		return
	}
	kept := &postingList{idf: l.idf, rows: slices.Clone(l.rows), scores: slices.Clone(l.scores), cached: true}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on(snap, version)
	if _, ok := c.lists[key]; ok {
		return // another search read it too
	}
	for c.bytes+size > c.most {
		var oldest fieldTerm
		var at uint64
		first := true
		for k, e := range c.lists {
			if first || e.used < at {
				oldest, at, first = k, e.used, false
			}
		}
		c.bytes -= 12 * len(c.lists[oldest].l.rows)
		delete(c.lists, oldest)
	}
	c.clock++
	c.lists[key] = &cachedList{l: kept, used: c.clock}
	c.bytes += size
}

// PostingsCacheStats are the postings cache's counts since the index
// opened: the posting lists searches took from it and read instead, the
// bytes it holds and the most it may (0: the cache is off).
type PostingsCacheStats struct {
	Hits, Misses uint64
	Bytes, Most  int
}

// PostingsCacheStats reports the postings cache's counts.
func (ix *Index) PostingsCacheStats() PostingsCacheStats {
	c := ix.postings
	if c == nil {
		return PostingsCacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return PostingsCacheStats{Hits: c.hits, Misses: c.misses, Bytes: c.bytes, Most: c.most}
}
