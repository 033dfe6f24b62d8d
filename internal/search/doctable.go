package search

import (
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// The doc table mirrors, for every document in the index, what filters,
// facets and sorting need: the values of each facet dimension (interned),
// the active years and the sort keys. It is read from the index's own doc
// values (the same terms Bleve's filters, facets and sorts use), loaded
// whole when an index is attached and refreshed for the documents of every
// write batch, so a search asks Bleve only for the text matches and does
// the rest in one pass over them.

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
// table (a refresh replaces it).
type docEntry struct {
	id        string
	vals      [numDims][]uint32 // interned values per dimension, distinct
	mask      [numDims]uint64   // bit v set for each value v < 64 in vals
	big       [numDims]bool     // vals holds a value >= 64
	years     []int             // the years, for the year range filter
	span      bool              // years are every year from minYear to maxYear
	minYear   int
	maxYear   int
	sortDate  string // NEWEST key
	sortTitle string // TITLE key (search.HighTerm when missing, as Bleve sorts it)
	// yearRange: the years are a span within firstSpanYear..lastSpanYear,
	// counted as a range rather than year by year.
	yearRange bool
	// flat is every value of vals in one slice, for counting facets: d<<24
	// | v, in dimension order; the years only without yearRange.
	flat []uint32
}

// Years in a span are counted as ranges over these years (validation keeps
// years in them); years outside are counted one by one.
const (
	firstSpanYear = practice.MinYear
	lastSpanYear  = practice.MaxYear
)

// docTable is the table of the documents of one index.
type docTable struct {
	mu    sync.RWMutex
	docs  map[string]*docEntry
	list  []*docEntry                // the entries of docs, for iterating, in load order (memory order: passes over it stay cache-friendly)
	at    map[string]int             // id -> position in list
	names [numDims][]string          // interned id -> value
	ids   [numDims]map[string]uint32 // value -> interned id
	// version counts the changes of docs; entries resolved for one
	// version are not used with another.
	version uint64
}

func newDocTable() *docTable {
	t := &docTable{docs: make(map[string]*docEntry), at: make(map[string]int)}
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
			v := t.intern(d, string(term))
			if !slices.Contains(e.vals[d], v) {
				e.vals[d] = append(e.vals[d], v)
				if d == dimYears {
					if y, err := strconv.Atoi(string(term)); err == nil {
						e.years = append(e.years, y)
					}
				}
			}
			return
		}
	})
	if !hasTitle {
		e.sortTitle = search.HighTerm
	}
	for d, vs := range e.vals {
		for _, v := range vs {
			if v < 64 {
				e.mask[d] |= 1 << v
			} else {
				e.big[d] = true
			}
		}
	}
	if len(e.years) > 0 {
		e.minYear, e.maxYear = slices.Min(e.years), slices.Max(e.years)
		e.span = e.maxYear-e.minYear+1 == len(e.years)
	}
	e.yearRange = e.span && e.minYear >= firstSpanYear && e.maxYear <= lastSpanYear
	n := 0
	for _, vs := range e.vals {
		n += len(vs)
	}
	e.flat = make([]uint32, 0, n)
	for d, vs := range e.vals {
		if d == dimYears && e.yearRange {
			continue
		}
		for _, v := range vs {
			e.flat = append(e.flat, uint32(d)<<24|v)
		}
	}
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
	clear(t.at)
	t.list = t.list[:0]
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

// put adds or replaces the entry of id (caller holds mu).
func (t *docTable) put(id string, e *docEntry) {
	t.docs[id] = e
	if i, ok := t.at[id]; ok {
		t.list[i] = e
		return
	}
	t.at[id] = len(t.list)
	t.list = append(t.list, e)
}

// remove drops the entry of id (caller holds mu).
func (t *docTable) remove(id string) {
	i, ok := t.at[id]
	if !ok {
		return
	}
	last := t.list[len(t.list)-1]
	t.list[i] = last
	t.at[last.id] = i
	t.list[len(t.list)-1] = nil
	t.list = t.list[:len(t.list)-1]
	delete(t.at, id)
	delete(t.docs, id)
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
