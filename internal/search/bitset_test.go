package search

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBitset checks the bitset operations against sets of rows held in maps.
func TestBitset(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int, max int32) (bitset, map[int32]bool) {
		var b bitset
		m := map[int32]bool{}
		for range n {
			r := rng.Int32N(max)
			b.set(r)
			m[r] = true
		}
		for range n / 4 { // some removed again
			r := rng.Int32N(max)
			b.unset(r)
			delete(m, r)
		}
		return b, m
	}
	for round := range 50 {
		a, am := random(rng.IntN(300), 1+rng.Int32N(5000))
		o, om := random(rng.IntN(300), 1+rng.Int32N(5000))
		if a.count() != len(am) {
			t.Fatalf("round %d: count %d, want %d", round, a.count(), len(am))
		}
		for r := range int32(5100) {
			if a.has(r) != am[r] {
				t.Fatalf("round %d: has(%d) = %v", round, r, a.has(r))
			}
		}
		var rows []int32
		a.each(func(r int32) bool { rows = append(rows, r); return true })
		if !slices.IsSorted(rows) || len(rows) != len(am) {
			t.Fatalf("round %d: each gave %d rows (sorted %v), want %d", round, len(rows), slices.IsSorted(rows), len(am))
		}
		both := 0
		for r := range am {
			if om[r] {
				both++
			}
		}
		if got := a.countIn(o, a.nonzero()); got != both {
			t.Fatalf("round %d: countIn %d, want %d", round, got, both)
		}
		and := slices.Clone(a)
		and.and(o)
		if and.count() != both {
			t.Fatalf("round %d: and has %d rows, want %d", round, and.count(), both)
		}
		or := make(bitset, max(len(a), len(o)))
		or.or(a)
		or.or(o)
		if want := len(am) + len(om) - both; or.count() != want {
			t.Fatalf("round %d: or has %d rows, want %d", round, or.count(), want)
		}
	}
}
