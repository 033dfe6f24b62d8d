// Package insight is the analytical view of Praktijkenbank for researchers
// and the Vlaams platform: which success factors, pitfalls and bottlenecks
// recur (equivalent phrasings grouped), which are distinctive for a
// selection, how practices cover the action plan (matrices with their gaps),
// and the yearly progress report of a regional platform.
//
// An [Insight] holds a compact in-memory copy of every live practice (the
// demo inventory's left out: see practice.Practice.Counted): the
// fields the aggregations need, with factor texts already grouped and every
// code interned as a small integer, so that an aggregation over 100,000
// practices is one pass over a slice. It is loaded from the store at start
// ([Insight.Load]), told of the bank's own writes ([Insight.Apply]) and
// follows the store's change feed for the writes of other replicas
// ([Insight.Follow]). It is safe for concurrent use: aggregations share a
// read lock, applying changes takes the write lock briefly.
package insight

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Sentinel errors; errors of this package wrap them with %w.
var (
	ErrInvalid  = errors.New("invalid analysis request")
	ErrNotFound = errors.New("not found")
)

// Source is what the view needs of the store; store.Store satisfies it.
type Source interface {
	ScanPractices(ctx context.Context, fn func(practice.Practice) error) error
	ChangedSince(ctx context.Context, seq uint64, limit int) ([]practice.Practice, error)
	LastSeq(ctx context.Context) (uint64, error)
}

// Kind is a kind of factor text on a practice.
type Kind int

const (
	SuccessFactors Kind = iota
	Pitfalls
	Bottlenecks
	numKinds
)

func (k Kind) String() string {
	switch k {
	case SuccessFactors:
		return "successFactors"
	case Pitfalls:
		return "pitfalls"
	case Bottlenecks:
		return "bottlenecks"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

func (k Kind) valid() bool { return k >= 0 && k < numKinds }

// numDims are the dimensions with interned values: the filter's list
// fields, each at its position in filter.Lists (filter.ListRegions, …).
const numDims = len(filter.Lists)

// dict interns strings as dense ids. It only grows: an id stays valid.
type dict struct {
	ids   map[string]int32
	names []string
}

func newDict() *dict { return &dict{ids: map[string]int32{}} }

func (d *dict) intern(s string) int32 {
	if id, ok := d.ids[s]; ok {
		return id
	}
	id := int32(len(d.names))
	d.ids[s] = id
	d.names = append(d.names, s)
	return id
}

func (d *dict) lookup(s string) (int32, bool) {
	id, ok := d.ids[s]
	return id, ok
}

// factor is one factor text of a practice.
type factor struct {
	variant int32 // the text as written (trimmed), interned
	group   int32 // its group key, interned
}

// record is the compact copy of one live practice.
type record struct {
	id, ref, title   string
	seq              uint64
	version          int
	vals             [numDims][]int32 // interned, deduplicated
	hasYears         bool
	fromYear, toYear int
	factors          [numKinds][]factor
	groups           [numKinds][]int32 // the distinct groups of factors[k]
	created, updated time.Time
}

func (r *record) region() int32 { return r.vals[filter.ListRegions][0] }

// variantInfo is what is known of one phrasing.
type variantInfo struct {
	text  string
	group int32
	stems []int32 // term ids
}

// Insight is the analytical view. The zero value is not usable; use New.
type Insight struct {
	plan    func() *actionplan.Plan
	log     *slog.Logger
	overlap uint64
	batch   int

	mu      sync.RWMutex
	v       *view
	applied atomic.Uint64
}

// view is the content of an Insight: the records and the dictionaries.
type view struct {
	recs     []*record          // ordered by (created, id): earliest first
	byID     map[string]*record // the same records by id
	unsorted bool               // recs were appended in bulk and need sorting
	dims     [numDims]*dict
	groups   *dict // group keys
	variants *dict // phrasings
	vinfo    []variantInfo
	terms    *dict                            // stems
	surfaces []map[string]int                 // per term: folded surface word -> number of phrasings
	totals   [numKinds][]int32                // per kind and group: live practices with it
	actions  map[int32]*[numRegionSlots]int32 // per action: practices per region id (last slot: all)
	gone     map[string]uint64                // withdrawn (or demo) practices: the seq of the version seen
}

// numRegionSlots bounds the regions counted per action; the plan has six.
const numRegionSlots = 33

// Option configures an Insight.
type Option func(*Insight)

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(in *Insight) { in.log = l } }

// New returns an empty view over the action plan that plan returns (called
// on every aggregation, so regional actions added later are included).
func New(plan func() *actionplan.Plan, opts ...Option) *Insight {
	in := &Insight{plan: plan, log: slog.New(slog.DiscardHandler), overlap: 64, batch: 1000}
	for _, o := range opts {
		o(in)
	}
	in.v = newView()
	return in
}

func newView() *view {
	v := &view{byID: map[string]*record{}, actions: map[int32]*[numRegionSlots]int32{}, gone: map[string]uint64{}}
	for i := range v.dims {
		v.dims[i] = newDict()
	}
	v.groups, v.variants, v.terms = newDict(), newDict(), newDict()
	return v
}

// Len is the number of live practices in the view.
func (in *Insight) Len() int {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return len(in.v.recs)
}

// AppliedSeq is the highest store sequence the view has applied.
func (in *Insight) AppliedSeq() uint64 { return in.applied.Load() }

// Load replaces the view's content with every live practice of src. The
// old content answers until the new one is complete.
func (in *Insight) Load(ctx context.Context, src Source) error {
	last, err := src.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("insight: last seq: %w", err)
	}
	v := newView()
	var maxSeq uint64
	err = src.ScanPractices(ctx, func(p practice.Practice) error {
		maxSeq = max(maxSeq, p.Seq)
		if p.Counted() {
			v.upsert(&p, true)
		} else {
			v.gone[p.ID] = p.Seq
		}
		return nil
	})
	v.sort()
	if err != nil {
		return fmt.Errorf("insight: scan: %w", err)
	}
	in.mu.Lock()
	in.v = v
	in.applied.Store(max(last, maxSeq))
	in.mu.Unlock()
	return nil
}

// Apply brings the view up to date with the given practices, as read from
// the store after a write: live ones are added or replaced, withdrawn ones
// removed. A practice older (by Seq) than the one the view holds is
// ignored, so replays and out-of-order deliveries converge.
func (in *Insight) Apply(ps []practice.Practice) {
	if len(ps) == 0 {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var maxSeq uint64
	bulk := len(ps) > bulkApply
	for i := range ps {
		p := &ps[i]
		if p.ID == "" {
			continue
		}
		maxSeq = max(maxSeq, p.Seq)
		if r, ok := in.v.byID[p.ID]; ok && r.seq >= p.Seq {
			continue // already applied (Follow reads with an overlap), or older
		}
		if in.v.gone[p.ID] > p.Seq {
			continue
		}
		if p.Counted() {
			delete(in.v.gone, p.ID)
			in.v.upsert(p, bulk)
		} else {
			in.v.gone[p.ID] = p.Seq
			in.v.remove(p.ID)
		}
	}
	in.v.sort()
	for {
		cur := in.applied.Load()
		if maxSeq <= cur || in.applied.CompareAndSwap(cur, maxSeq) {
			break
		}
	}
}

// Follow keeps the view current with the store's change feed (the writes of
// other replicas): every interval it applies the changes since AppliedSeq
// (minus a small overlap, for writes that commit out of seq order). It
// returns when ctx is done; errors are logged and retried.
func (in *Insight) Follow(ctx context.Context, src Source, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := in.CatchUp(ctx, src); err != nil && ctx.Err() == nil {
			in.log.Warn("insight follow failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CatchUp applies every change of src after AppliedSeq (minus the overlap).
func (in *Insight) CatchUp(ctx context.Context, src Source) error {
	last, err := src.LastSeq(ctx)
	if err != nil {
		return err
	}
	applied := in.AppliedSeq()
	if last < applied { // the store went back in time (restored): start over
		return in.Load(ctx, src)
	}
	if last == applied {
		return nil
	}
	from := applied - min(applied, in.overlap)
	for {
		ps, err := src.ChangedSince(ctx, from, in.batch)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return nil
		}
		in.Apply(ps)
		if len(ps) < in.batch {
			return nil
		}
		from = ps[len(ps)-1].Seq
	}
}

// bulkApply is the size of a batch above which Apply appends the records
// and sorts once, rather than inserting each in place.
const bulkApply = 256

// upsert adds or replaces the record of a live practice. In bulk, new
// records are appended and the caller sorts the view afterwards.
func (v *view) upsert(p *practice.Practice, bulk bool) {
	old := v.byID[p.ID]
	r := &record{
		id: p.ID, ref: p.Ref, title: p.Title, seq: p.Seq, version: p.Version,
		created: p.CreatedAt, updated: p.UpdatedAt,
	}
	var vals [numDims][]int32
	for d := range filter.Lists {
		vals[d] = v.internAll(d, filter.Lists[d].Of(p))
	}
	if len(vals[filter.ListRegions]) == 0 { // record.region wants one
		vals[filter.ListRegions] = []int32{v.dims[filter.ListRegions].intern(p.Region)}
	}
	r.fromYear, r.toYear, r.hasYears = yearsOf(p)
	var factors [numKinds][]factor
	var groups [numKinds][]int32
	for k, texts := range [numKinds][]string{p.SuccessFactors, p.Pitfalls, p.Bottlenecks} {
		for _, t := range texts {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			f := v.internVariant(t)
			factors[k] = append(factors[k], f)
			if !containsID(groups[k], f.group) {
				groups[k] = append(groups[k], f.group)
			}
		}
		for _, g := range groups[k] {
			for int(g) >= len(v.totals[k]) {
				v.totals[k] = append(v.totals[k], 0)
			}
			v.totals[k][g]++
		}
	}
	// One backing array for all ids and one for the factors: few objects
	// per record keep the garbage collector's work small.
	n := 0
	for _, x := range vals {
		n += len(x)
	}
	for _, x := range groups {
		n += len(x)
	}
	data := make([]int32, 0, n)
	take := func(x []int32) []int32 {
		start := len(data)
		data = append(data, x...)
		return data[start:len(data):len(data)]
	}
	for d := range vals {
		r.vals[d] = take(vals[d])
	}
	for k := range groups {
		r.groups[k] = take(groups[k])
	}
	nf := 0
	for _, x := range factors {
		nf += len(x)
	}
	fs := make([]factor, 0, nf)
	for k := range factors {
		start := len(fs)
		fs = append(fs, factors[k]...)
		r.factors[k] = fs[start:len(fs):len(fs)]
	}
	v.countActions(r, 1)
	switch {
	case old != nil && old.created.Equal(r.created):
		v.release(old)
		v.recs[v.index(old)] = r
	case old != nil:
		v.remove(old.id)
		fallthrough
	default:
		v.insert(r, bulk)
	}
	v.byID[r.id] = r
}

// insert adds r to recs in order (or at the end, in bulk).
func (v *view) insert(r *record, bulk bool) {
	n := len(v.recs)
	if bulk || v.unsorted {
		v.recs = append(v.recs, r)
		v.unsorted = v.unsorted || (n > 0 && earlier(r, v.recs[n-1]))
		return
	}
	i := n
	if n > 0 && earlier(r, v.recs[n-1]) { // usually a new practice is the latest
		i = sort.Search(n, func(i int) bool { return earlier(r, v.recs[i]) })
	}
	v.recs = slices.Insert(v.recs, i, r)
}

// index is the position of a held record in recs.
func (v *view) index(r *record) int {
	if v.unsorted {
		return slices.Index(v.recs, r)
	}
	i := sort.Search(len(v.recs), func(i int) bool { return !earlier(v.recs[i], r) })
	if i < len(v.recs) && v.recs[i] == r {
		return i
	}
	for j, x := range v.recs { // not found by order: cannot happen when sorted
		if x == r {
			return j
		}
	}
	return -1
}

// sort restores the order of recs after bulk appends.
func (v *view) sort() {
	if !v.unsorted {
		return
	}
	slices.SortFunc(v.recs, func(a, b *record) int {
		if earlier(a, b) {
			return -1
		}
		if earlier(b, a) {
			return 1
		}
		return 0
	})
	v.unsorted = false
}

// remove removes the record of a practice, if held.
func (v *view) remove(id string) {
	r, ok := v.byID[id]
	if !ok {
		return
	}
	v.release(r)
	i := v.index(r)
	v.recs = slices.Delete(v.recs, i, i+1)
	delete(v.byID, id)
}

// release takes a record's counts out of the totals.
func (v *view) release(r *record) {
	for k := range r.groups {
		for _, g := range r.groups[k] {
			v.totals[k][g]--
		}
	}
	v.countActions(r, -1)
}

func (v *view) countActions(r *record, d int32) {
	reg := r.region()
	for _, a := range r.vals[filter.ListActions] {
		c := v.actions[a]
		if c == nil {
			c = new([numRegionSlots]int32)
			v.actions[a] = c
		}
		if reg < numRegionSlots-1 {
			c[reg] += d
		}
		c[numRegionSlots-1] += d
	}
}

func (v *view) internAll(dim int, ss []string) []int32 {
	out := make([]int32, 0, len(ss))
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if id := v.dims[dim].intern(s); !containsID(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func (v *view) internVariant(text string) factor {
	if id, ok := v.variants.lookup(text); ok {
		return factor{variant: id, group: v.vinfo[id].group}
	}
	a := analyse(text)
	id := v.variants.intern(text)
	vi := variantInfo{text: text, group: v.groups.intern(a.key), stems: make([]int32, len(a.stems))}
	for i, s := range a.stems {
		t := v.terms.intern(s)
		if int(t) == len(v.surfaces) {
			v.surfaces = append(v.surfaces, map[string]int{})
		}
		v.surfaces[t][a.surfaces[i]]++
		vi.stems[i] = t
	}
	v.vinfo = append(v.vinfo, vi)
	return factor{variant: id, group: vi.group}
}

func containsID(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// yearsOf gives the years a practice ran, as search counts them.
func yearsOf(p *practice.Practice) (from, to int, ok bool) { return p.ActiveYears() }
