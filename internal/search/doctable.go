package search

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// The doc table mirrors, for every document in the index, what filters,
// facets and sorting need: the values of each facet dimension (interned,
// the active years among them) and the sort keys. It is read from the
// index's own doc values (the same terms Bleve's filters, facets and sorts
// use), loaded whole when an index is attached and refreshed for the
// documents of every write batch, so a search asks Bleve only for the text
// matches and does the rest in one pass over them. By row, the table is
// also a column store: a filter is the bitset of the rows it lets through,
// a facet value's count the rows of its bitset among the matches'.

// Facet dimensions: the filter's list fields at their positions in
// filter.Lists (filter.ListRegions, …), then the years.
const (
	dimYears = len(filter.Lists)
	numDims  = dimYears + 1
)

// dimSpecs are what the doc table and the facets need of each dimension: the
// doc-value field holding its values, how many values its facet returns,
// and its place in Facets (nil: a filter field that is no facet). A filter
// field is one entry in filter.Lists and one here; a facet of it, a field
// of Facets.
var dimSpecs = [numDims]struct {
	field string
	size  int
	facet func(*Facets) *[]FacetCount
}{
	filter.ListKrachtlijnen: {fKrachtlijnen, 10, func(f *Facets) *[]FacetCount { return &f.Krachtlijnen }},
	filter.ListChallenges:   {fChallenges, 30, func(f *Facets) *[]FacetCount { return &f.Challenges }},
	filter.ListActions:      {fActions, 200, func(f *Facets) *[]FacetCount { return &f.Actions }},
	filter.ListRegions:      {fRegion, 20, func(f *Facets) *[]FacetCount { return &f.Regions }},
	filter.ListTargetGroups: {fTargetGroupsKey, 50, func(f *Facets) *[]FacetCount { return &f.TargetGroups }},
	filter.ListSettings:     {fSettingsKey, 50, func(f *Facets) *[]FacetCount { return &f.Settings }},
	dimYears:                {fYearKeys, 200, func(f *Facets) *[]FacetCount { return &f.Years }},
}

// tableFields are the doc-value fields the table reads.
var tableFields = func() []string {
	out := []string{fSortDate, fSortTitle}
	for _, d := range dimSpecs {
		out = append(out, d.field)
	}
	return out
}()

// docEntry is one document of the table; it is never changed once in the
// table (a refresh replaces it, in the same row).
type docEntry struct {
	id        string
	row       int32             // its row: its bit in the table's bitsets
	vals      [numDims][]uint32 // interned values per dimension, distinct
	sortDate  string            // NEWEST key
	sortTitle string            // TITLE key (search.HighTerm when missing, as Bleve sorts it)
	// dateKey and titleKey are the first bytes of sortDate and sortTitle,
	// as numbers in the same order: a browse offers every practice to the
	// page, and comparing these spares most string comparisons.
	dateKey, titleKey sortPrefix
}

// sortPrefix is the first 24 bytes of a sort key as big-endian numbers
// (zero-padded): ordered as the keys are, unless they are equal.
type sortPrefix [3]uint64

func prefixOf(k string) sortPrefix {
	var b [24]byte
	copy(b[:], k)
	return sortPrefix{binary.BigEndian.Uint64(b[0:]), binary.BigEndian.Uint64(b[8:]), binary.BigEndian.Uint64(b[16:])}
}

// compare orders p and q, 0 when equal (the keys may still differ further on).
func (p sortPrefix) compare(q sortPrefix) int {
	for i := range p {
		if c := cmp.Compare(p[i], q[i]); c != 0 {
			return c
		}
	}
	return 0
}

// docTable is the table of the documents of one index. Each document has a
// row, kept while it is in the table; filters and facets see the table by
// column: per dimension and value, the bitset of the rows holding it.
type docTable struct {
	mu    sync.RWMutex
	docs  map[string]*docEntry
	rows  []*docEntry                // row -> entry, nil for a free row
	free  []int32                    // the free rows, reused first
	live  bitset                     // the rows in use
	has   [numDims][]bitset          // per dimension and interned value: the rows holding it
	names [numDims][]string          // interned id -> value
	ids   [numDims]map[string]uint32 // value -> interned id
	years []int                      // interned year id -> the year (-1: unreadable)
	// version counts the changes of docs; rows resolved for one version
	// are not used with another.
	version uint64
}

func newDocTable() *docTable {
	t := &docTable{docs: make(map[string]*docEntry)}
	for d := range t.ids {
		t.ids[d] = make(map[string]uint32)
	}
	return t
}

// intern returns the id of value v of dimension d (caller holds mu).
func (t *docTable) intern(d int, v string) uint32 {
	if id, ok := t.ids[d][v]; ok {
		return id
	}
	id := uint32(len(t.names[d]))
	t.names[d] = append(t.names[d], v)
	t.ids[d][v] = id
	t.has[d] = append(t.has[d], nil)
	if d == dimYears {
		y, err := strconv.Atoi(v)
		if err != nil {
			y = -1
		}
		t.years = append(t.years, y)
	}
	return id
}

// read builds the entry of the document with internal id iid.
func (t *docTable) read(dvr index.DocValueReader, iid index.IndexInternalID, id string) (*docEntry, error) {
	e := &docEntry{id: id}
	hasTitle := false
	err := dvr.VisitDocValues(iid, func(field string, term []byte) {
		switch field {
		case fSortDate:
			e.sortDate = string(term)
			return
		case fSortTitle:
			e.sortTitle, hasTitle = string(term), true
			return
		}
		for d := range dimSpecs {
			if dimSpecs[d].field != field {
				continue
			}
			if v := t.intern(d, string(term)); !slices.Contains(e.vals[d], v) {
				e.vals[d] = append(e.vals[d], v)
			}
			return
		}
	})
	if !hasTitle {
		e.sortTitle = search.HighTerm
	}
	e.dateKey, e.titleKey = prefixOf(e.sortDate), prefixOf(e.sortTitle)
	return e, err
}

// loadAll replaces the table with every document of r.
func (t *docTable) loadAll(r index.IndexReader) error {
	dvr, err := r.DocValueReader(tableFields)
	if err != nil {
		return err
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer all.Close()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.version++
	clear(t.docs)
	clear(t.rows)
	t.rows, t.free, t.live = t.rows[:0], t.free[:0], t.live[:0]
	for d := range t.has {
		clear(t.has[d])
	}
	for {
		iid, err := all.Next()
		if err != nil {
			return err
		}
		if iid == nil {
			return nil
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return err
		}
		e, err := t.read(dvr, iid, id)
		if err != nil {
			return err
		}
		t.put(id, e)
	}
}

// put adds or replaces the entry of id (caller holds mu): a new one takes a
// free row, a replacement the row of the entry it replaces.
func (t *docTable) put(id string, e *docEntry) {
	if old := t.docs[id]; old != nil {
		t.mark(old, false)
		e.row = old.row
	} else if n := len(t.free); n > 0 {
		e.row, t.free = t.free[n-1], t.free[:n-1]
	} else {
		e.row = int32(len(t.rows))
		t.rows = append(t.rows, nil)
	}
	t.docs[id] = e
	t.rows[e.row] = e
	t.live.set(e.row)
	t.mark(e, true)
}

// remove drops the entry of id (caller holds mu).
func (t *docTable) remove(id string) {
	e := t.docs[id]
	if e == nil {
		return
	}
	t.mark(e, false)
	t.live.unset(e.row)
	t.rows[e.row] = nil
	t.free = append(t.free, e.row)
	delete(t.docs, id)
}

// mark sets (on) or clears e's row in the bitsets of its values.
func (t *docTable) mark(e *docEntry, on bool) {
	for d, vs := range e.vals {
		for _, v := range vs {
			if on {
				t.has[d][v].set(e.row)
			} else {
				t.has[d][v].unset(e.row)
			}
		}
	}
}

// refresh re-reads the documents ids from r: present ones are replaced,
// absent ones dropped.
func (t *docTable) refresh(r index.IndexReader, ids []string) error {
	dvr, err := r.DocValueReader(tableFields)
	if err != nil {
		return err
	}
	entries := make(map[string]*docEntry, len(ids))
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		iid, err := r.InternalID(id)
		if err != nil {
			return err
		}
		if len(iid) == 0 {
			entries[id] = nil
			continue
		}
		e, err := t.read(dvr, iid, id)
		if err != nil {
			return err
		}
		entries[id] = e
	}
	t.version++
	for id, e := range entries {
		if e == nil {
			t.remove(id)
		} else {
			t.put(id, e)
		}
	}
	return nil
}
