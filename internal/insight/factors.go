package insight

import (
	"cmp"
	"slices"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// Page sizes of the aggregations.
const (
	DefaultFirst = 20
	MaxFirst     = 100
)

// Group is one group of equivalent factor texts in a selection of practices.
type Group struct {
	Key  string // the normalised key the phrasings share
	Text string // the most common phrasing in the selection (ties: the one seen first)
	// Count is the number of practices in the selection with a text of the
	// group (a practice counts once, however many of its texts belong to it).
	Count int
	// Total is the number of live practices with a text of the group.
	Total int
	// Variants are the phrasings in the selection, most common first (ties:
	// the one seen first, i.e. on the earliest created practice).
	Variants []string
	// PracticeIDs are the practices of Count, earliest created first.
	PracticeIDs []string
	// Lift is (Count/selected)/(Total/all): how much more often the group
	// occurs in the selection than overall. Set by Distinctive only.
	Lift *float64
}

// FactorQuery asks for the groups of one kind of factor text.
type FactorQuery struct {
	Kind   Kind
	Filter filter.Filter
	First  int // 1..MaxFirst; 0 means DefaultFirst
}

// Term is a word that occurs in the factor texts of a selection.
type Term struct {
	Term  string // the word as most often written (lower case, without diacritics)
	Stem  string // its stem; words with the same stem count together
	Count int    // practices in the selection with the word in a text of the kind
}

// Factors groups the factor texts of one kind in the practices that pass
// the filter: the groups with the most practices first (ties: by key).
func (in *Insight) Factors(q FactorQuery) ([]Group, error) {
	first, err := in.check(q.Kind, q.Filter, q.First)
	if err != nil {
		return nil, err
	}
	in.mu.RLock()
	defer in.mu.RUnlock()
	v := in.v
	recs, done := v.selectRecs(q.Filter)
	defer done()
	counts := v.groupCounts(recs, q.Kind)
	top := v.topByCount(counts, first)
	return v.details(recs, q.Kind, top, counts), nil
}

// DistinctiveQuery asks for the groups over-represented in a selection.
type DistinctiveQuery struct {
	Kind       Kind
	Filter     filter.Filter
	MinSupport int // the least number of practices in the selection; 0 means 2
	First      int
}

// Distinctive returns the groups that occur relatively more often in the
// practices that pass the filter than in all live practices: lift =
// (share in the selection)/(share overall), for groups with at least
// MinSupport practices in the selection, highest lift first, then most
// practices, then by key.
func (in *Insight) Distinctive(q DistinctiveQuery) ([]Group, error) {
	first, err := in.check(q.Kind, q.Filter, q.First)
	if err != nil {
		return nil, err
	}
	support := q.MinSupport
	if support == 0 {
		support = 2
	}
	if support < 1 {
		return nil, refusal.New(ErrInvalid, "minSupport below 1", "minSupport moet minstens 1 zijn")
	}
	in.mu.RLock()
	defer in.mu.RUnlock()
	v := in.v
	recs, done := v.selectRecs(q.Filter)
	defer done()
	if len(recs) == 0 {
		return []Group{}, nil
	}
	counts := v.groupCounts(recs, q.Kind)
	totals := v.totals[q.Kind]
	lift := make(map[int32]float64)
	sel, all := float64(len(recs)), float64(len(v.recs))
	var top []int32
	for g, n := range counts {
		if int(n) >= support && totals[g] > 0 {
			top = append(top, int32(g))
			lift[int32(g)] = (float64(n) / sel) / (float64(totals[g]) / all)
		}
	}
	slices.SortFunc(top, func(a, b int32) int {
		if c := cmp.Compare(lift[b], lift[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(v.groups.names[a], v.groups.names[b])
	})
	top = top[:min(first, len(top))]
	out := v.details(recs, q.Kind, top, counts)
	for i := range out {
		l := lift[top[i]]
		out[i].Lift = &l
	}
	return out, nil
}

// Terms counts the words of the factor texts of one kind in the practices
// that pass the filter (stop words left out; inflections of a word count
// together): the most frequent first, ties by word.
func (in *Insight) Terms(q FactorQuery) ([]Term, error) {
	first, err := in.check(q.Kind, q.Filter, q.First)
	if err != nil {
		return nil, err
	}
	in.mu.RLock()
	defer in.mu.RUnlock()
	v := in.v
	recs, done := v.selectRecs(q.Filter)
	defer done()
	counts := make([]int32, len(v.terms.names))
	seen := make([]int32, len(v.terms.names)) // index+1 of the last record that counted the term
	for i, r := range recs {
		for _, f := range r.factors[q.Kind] {
			for _, t := range v.vinfo[f.variant].stems {
				if seen[t] != int32(i+1) {
					seen[t] = int32(i + 1)
					counts[t]++
				}
			}
		}
	}
	var ids []int32
	for t, n := range counts {
		if n > 0 {
			ids = append(ids, int32(t))
		}
	}
	out := make([]Term, len(ids))
	for i, t := range ids {
		out[i] = Term{Term: v.surface(t), Stem: v.terms.names[t], Count: int(counts[t])}
	}
	slices.SortFunc(out, func(a, b Term) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Term, b.Term)
	})
	return out[:min(first, len(out))], nil
}

// surface is the most common way a term is written (ties: the shortest,
// then alphabetical).
func (v *view) surface(t int32) string {
	best, bestN := "", -1
	for w, n := range v.surfaces[t] {
		if n > bestN || n == bestN && (len(w) < len(best) || len(w) == len(best) && w < best) {
			best, bestN = w, n
		}
	}
	return best
}

func (in *Insight) check(k Kind, f filter.Filter, first int) (int, error) {
	if !k.valid() {
		return 0, refusal.New(ErrInvalid, "unknown kind %d", "onbekende soort %d", int(k))
	}
	if first == 0 {
		first = DefaultFirst
	}
	if first < 1 || first > MaxFirst {
		return 0, refusal.New(ErrInvalid, "first not in 1-%d", "first moet tussen 1 en %d liggen", MaxFirst)
	}
	return first, validFilter(in.plan(), f)
}

// topByCount returns the first groups with the most practices (ties: by key).
func (v *view) topByCount(counts []int32, first int) []int32 {
	top := make([]int32, 0, 64)
	for g, n := range counts {
		if n > 0 {
			top = append(top, int32(g))
		}
	}
	slices.SortFunc(top, func(a, b int32) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(v.groups.names[a], v.groups.names[b])
	})
	return top[:min(first, len(top))]
}

// groupCounts counts, per group, the records with a text of the kind in it.
func (v *view) groupCounts(recs []*record, k Kind) []int32 {
	counts := make([]int32, len(v.groups.names))
	for _, r := range recs {
		for _, g := range r.groups[k] {
			counts[g]++
		}
	}
	return counts
}

// details fills in the groups top (in that order): representative text,
// variants and practices, from one more pass over the selection (which is
// in the view's order: earliest created first).
func (v *view) details(recs []*record, k Kind, top []int32, counts []int32) []Group {
	out := make([]Group, len(top))
	if len(top) == 0 {
		return out
	}
	slot := make([]int32, len(v.groups.names)) // group -> index in top + 1
	for i, g := range top {
		slot[g] = int32(i + 1)
		out[i] = Group{Key: v.groups.names[g], Count: int(counts[g]), Total: int(v.totals[k][g]),
			PracticeIDs: make([]string, 0, counts[g])}
	}
	last := make([]*record, len(top))     // per group: the last record added to it
	vcount := make([]int32, len(v.vinfo)) // variant -> texts in the selection
	var vorder []int32                    // variants of the top groups in the order first seen
	for _, r := range recs {
		for _, f := range r.factors[k] {
			i := slot[f.group] - 1
			if i < 0 {
				continue
			}
			if last[i] != r {
				last[i] = r
				out[i].PracticeIDs = append(out[i].PracticeIDs, r.id)
			}
			if vcount[f.variant] == 0 {
				vorder = append(vorder, f.variant)
			}
			vcount[f.variant]++
		}
	}
	// vorder is by first sighting; a stable sort by count keeps that order for ties.
	slices.SortStableFunc(vorder, func(a, b int32) int { return cmp.Compare(vcount[b], vcount[a]) })
	for _, vid := range vorder {
		i := slot[v.vinfo[vid].group] - 1
		out[i].Variants = append(out[i].Variants, v.vinfo[vid].text)
	}
	for i := range out {
		out[i].Text = out[i].Variants[0]
	}
	return out
}

// earlier orders records by creation, then id.
func earlier(a, b *record) bool {
	if !a.created.Equal(b.created) {
		return a.created.Before(b.created)
	}
	return a.id < b.id
}
