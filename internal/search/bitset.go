package search

import "math/bits"

// A bitset is a set of doc table rows, one bit per row: the doc table keeps
// one per facet value (the rows holding it), a search one of its matches.
// Counting a facet value is then the population count of an intersection,
// a pass over words rather than over the matches.
type bitset []uint64

// set adds row i, growing b as needed.
func (b *bitset) set(i int32) {
	w := int(i >> 6)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (i & 63)
}

// unset removes row i.
func (b bitset) unset(i int32) {
	if w := int(i >> 6); w < len(b) {
		b[w] &^= 1 << (i & 63)
	}
}

// has reports whether row i is in b.
func (b bitset) has(i int32) bool {
	w := int(i >> 6)
	return w < len(b) && b[w]&(1<<(i&63)) != 0
}

// count is the number of rows in b.
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// and keeps in b only the rows also in o.
func (b bitset) and(o bitset) {
	for i := range b {
		if i < len(o) {
			b[i] &= o[i]
		} else {
			b[i] = 0
		}
	}
}

// or adds the rows of o to b, those within b's length.
func (b bitset) or(o bitset) {
	for i := range min(len(b), len(o)) {
		b[i] |= o[i]
	}
}

// countIn is the number of rows of b in o, looking only at b's words at
// nonzero (the indexes of b's nonzero words: a small result is counted in
// few words).
func (b bitset) countIn(o bitset, nonzero []int32) int {
	n := 0
	for _, i := range nonzero {
		if int(i) < len(o) {
			n += bits.OnesCount64(b[i] & o[i])
		}
	}
	return n
}

// nonzero returns the indexes of b's nonzero words.
func (b bitset) nonzero() []int32 {
	var out []int32
	for i, w := range b {
		if w != 0 {
			out = append(out, int32(i))
		}
	}
	return out
}

// each calls fn with every row of b in order, until fn returns false.
func (b bitset) each(fn func(int32) bool) {
	for i, w := range b {
		for w != 0 {
			r := int32(i<<6 + bits.TrailingZeros64(w))
			if !fn(r) {
				return
			}
			w &= w - 1
		}
	}
}
