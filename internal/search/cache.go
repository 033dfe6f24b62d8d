package search

import (
	"container/list"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// resultCache keeps the results of recent searches until the index changes,
// like a search engine's request cache: practitioners ask the same popular
// searches and facet combinations.
// Every entry belongs to one generation of the index; a write starts a new
// generation and the next lookup drops the old entries, so a cached answer
// is never staler than one computed at the same moment.
type resultCache struct {
	mu      sync.Mutex
	max     int
	gen     uint64
	entries map[string]*list.Element
	order   *list.List // front: most recently used
	hits    uint64
	misses  uint64
}

type cacheEntry struct {
	key string
	res Result
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, entries: map[string]*list.Element{}, order: list.New()}
}

// reset drops every entry when gen is newer than the cache's; it reports
// whether entries of gen may be used.
func (c *resultCache) at(gen uint64) bool {
	switch {
	case gen > c.gen:
		c.gen = gen
		clear(c.entries)
		c.order.Init()
	case gen < c.gen:
		return false
	}
	return true
}

func (c *resultCache) get(gen uint64, key string) (Result, bool) {
	if c == nil || c.max <= 0 {
		return Result{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) {
		return Result{}, false
	}
	el, ok := c.entries[key]
	if !ok {
		c.misses++
		return Result{}, false
	}
	c.hits++
	c.order.MoveToFront(el)
	res := el.Value.(*cacheEntry).res
	res.Hits = slices.Clone(res.Hits) // callers may filter the hits in place
	return res, true
}

func (c *resultCache) put(gen uint64, key string, res Result) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at(gen) {
		return // computed before a write that has since landed
	}
	if el, ok := c.entries[key]; ok {
		el.Value.(*cacheEntry).res = res
		c.order.MoveToFront(el)
		return
	}
	res.Hits = slices.Clone(res.Hits)
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, res: res})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*cacheEntry).key)
	}
}

// CacheStats are the result cache's counters since the index was opened.
type CacheStats struct{ Hits, Misses uint64 }

// CacheStats reports how often searches were answered from the cache.
func (ix *Index) CacheStats() CacheStats {
	if ix.cache == nil {
		return CacheStats{}
	}
	ix.cache.mu.Lock()
	defer ix.cache.mu.Unlock()
	return CacheStats{Hits: ix.cache.hits, Misses: ix.cache.misses}
}

// cacheKey identifies a validated request: filter values are sets, so their
// order does not matter.
func (v request) cacheKey() string {
	return strings.Join([]string{
		v.Query, string(v.sort), fmt.Sprint(v.first), v.Request.After, fmt.Sprint(v.NoFacets), fmt.Sprint(v.Strict), fmt.Sprint(v.Offset),
		v.Filter.Key(),
	}, "\x1e")
}
