package search

import (
	"container/list"
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
// for the searches that follow on the same snapshot and doc table. Every
// new snapshot starts the cache anew: a write makes one, and so does Bleve
// each time it persists or merges segments in the background, which it
// does for a while after a write. Each search still matches, scores,
// counts its facets, pages, rescores and highlights; the result cache
// (cache.go) is another thing.

// DefaultPostingsCacheBytes is the memory the postings cache holds by
// default: 5.6 million postings, the terms of a few hundred different
// words at 100,000 practices.
const DefaultPostingsCacheBytes = 64 << 20

// bytesPerPosting is what a kept posting costs: its row and its score.
const bytesPerPosting = 4 + 8

// WithPostingsCache sets the bytes of posting lists the index keeps between
// searches (0 turns the cache off).
func WithPostingsCache(bytes int) Option {
	return func(ix *Index) { ix.postings = newPostingsCache(bytes) }
}

// minCachedPostings is the fewest postings a kept list has: a shorter one
// is read in a few microseconds, and a bound on the lists' number bounds
// what they cost beyond their postings (a map entry each).
const minCachedPostings = 1 << 10

// postingsCache keeps the posting lists of one snapshot and doc table
// state, up to most bytes, the least recently used leaving first. A list
// in it is shared by the searches that take it and never changes.
type postingsCache struct {
	mu     sync.Mutex
	on     cacheOwner
	lists  map[fieldTerm]*list.Element // of lru
	lru    list.List                   // of *cachedList, the most recently used first
	bytes  int
	most   int
	least  int    // postings of a kept list: minCachedPostings
	hits   uint64 // lists taken from the cache, since the index opened
	misses uint64 // lists read by searches instead
}

type cachedList struct {
	key fieldTerm
	l   *postingList
}

// cacheOwner is what the kept lists belong to: a snapshot (their postings)
// and a doc table in one version (their rows). The pointers are weak: a
// snapshot or table gone stays gone, and no other one is ever equal.
type cacheOwner struct {
	snap    weak.Pointer[scorch.IndexSnapshot]
	table   weak.Pointer[docTable]
	version uint64
}

func ownerOf(snap *scorch.IndexSnapshot, t *docTable) cacheOwner {
	return cacheOwner{snap: weak.Make(snap), table: weak.Make(t), version: t.version}
}

func newPostingsCache(most int) *postingsCache {
	return &postingsCache{most: max(most, 0), least: minCachedPostings, lists: map[fieldTerm]*list.Element{}}
}

// enabled reports whether the cache keeps anything (it is off at 0 bytes).
func (c *postingsCache) enabled() bool { return c != nil && c.most > 0 }

// keeps reports whether a list of n postings can be kept.
func (c *postingsCache) keeps(n uint64) bool {
	return c.enabled() && n >= uint64(c.least) && bytesPerPosting*n <= uint64(c.most/4)
}

// get returns the kept list of key for the search of owner o; nil when
// none is. The cache becomes o's.
func (c *postingsCache) get(o cacheOwner, key fieldTerm) *postingList {
	if !c.enabled() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on != o {
		// Another snapshot or table: the searches are on it now (or, for
		// the time a search on the one before still runs, back and forth).
		c.on = o
		clear(c.lists)
		c.lru.Init()
		c.bytes = 0
	}
	e, ok := c.lists[key]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(e)
	c.hits++
	return e.Value.(*cachedList).l
}

// put keeps a copy of l, just read for key by a search of owner o, making
// room for it; a list the cache does not keep (keeps), or of another owner
// than the cache's (get made it the cache's), is left out.
func (c *postingsCache) put(o cacheOwner, key fieldTerm, l *postingList) {
	if !c.keeps(uint64(len(l.rows))) {
		return
	}
	c.mu.Lock()
	c.misses++
	_, ok := c.lists[key]
	wanted := c.on == o && !ok
	c.mu.Unlock()
	if !wanted {
		return
	}
	kept := &postingList{idf: l.idf, count: l.count, rows: slices.Clone(l.rows), scores: slices.Clone(l.scores), cached: true}
	size := bytesPerPosting * len(kept.rows)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.lists[key]; ok || c.on != o {
		return // another search kept it meanwhile, or the owner changed
	}
	for c.bytes+size > c.most && c.lru.Len() > 0 {
		oldest := c.lru.Remove(c.lru.Back()).(*cachedList)
		delete(c.lists, oldest.key)
		c.bytes -= bytesPerPosting * len(oldest.l.rows)
	}
	c.lists[key] = c.lru.PushFront(&cachedList{key: key, l: kept})
	c.bytes += size
}

// PostingsCacheStats are the postings cache's counts since the index
// opened: the posting lists searches took from it and read instead (those
// it keeps: of minCachedPostings and more), the bytes it holds and the
// most it may (0: the cache is off).
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
