package vocab

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestVocabularyLookups: prefixes and words within one or two edits, from
// the transducer and from the words added since it was built alike.
func TestVocabularyLookups(t *testing.T) {
	words := map[string]int32{
		"nabijheid": 5, "nabij": 2, "buurtwerk": 3, "buurtwerker": 1, "buurtwerkers": 4,
		"buurt": 7, "burgers": 2, "jongeren": 6, "jongere": 1, "mantelzorg": 2, "mantelzorgers": 1,
	}
	built, err := New(maps.Clone(words))
	if err != nil {
		t.Fatal(err)
	}
	added, err := New(map[string]int32{})
	if err != nil {
		t.Fatal(err)
	}
	if err := added.Change(maps.Clone(words)); err != nil {
		t.Fatal(err)
	}
	if added.inFST != 0 || len(added.fresh) != len(words) {
		t.Fatalf("added words: %d in the transducer, %d fresh", added.inFST, len(added.fresh))
	}
	half, err := New(map[string]int32{"buurt": 7, "nabij": 2, "jongeren": 6, "mantelzorg": 2})
	if err != nil {
		t.Fatal(err)
	}
	rest := maps.Clone(words)
	for w := range half.counts {
		delete(rest, w)
	}
	if err := half.Change(rest); err != nil {
		t.Fatal(err)
	}

	collect := func(f func(fn func(string, int) bool) error) []string {
		var out []string
		if err := f(func(w string, n int) bool {
			if int32(n) != words[w] {
				t.Errorf("%q counted %d, want %d", w, n, words[w])
			}
			out = append(out, w)
			return true
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	cases := []struct {
		name string
		look func(v *Vocabulary) func(fn func(string, int) bool) error
		want []string
	}{
		{"prefix buurtwerk", func(v *Vocabulary) func(fn func(string, int) bool) error {
			return func(fn func(string, int) bool) error { return v.WithPrefix("buurtwerk", fn) }
		}, []string{"buurtwerk", "buurtwerker", "buurtwerkers"}},
		{"prefix b", func(v *Vocabulary) func(fn func(string, int) bool) error {
			return func(fn func(string, int) bool) error { return v.WithPrefix("b", fn) }
		}, []string{"burgers", "buurt", "buurtwerk", "buurtwerker", "buurtwerkers"}},
		{"prefix none", func(v *Vocabulary) func(fn func(string, int) bool) error {
			return func(fn func(string, int) bool) error { return v.WithPrefix("zorg", fn) }
		}, nil},
		{"one edit nabijheit", func(v *Vocabulary) func(fn func(string, int) bool) error {
			return func(fn func(string, int) bool) error { return v.Near("nabijheit", 1, fn) }
		}, []string{"nabijheid"}},
		{"transposition jognere", func(v *Vocabulary) func(fn func(string, int) bool) error {
			return func(fn func(string, int) bool) error { return v.Near("jognere", 1, fn) }
		}, []string{"jongere"}},
		{"one edit buurtwerke", func(v *Vocabulary) func(fn func(string, int) bool) error {
			return func(fn func(string, int) bool) error { return v.Near("buurtwerke", 1, fn) }
		}, []string{"buurtwerk", "buurtwerker"}},
		{"two edits jongerne", func(v *Vocabulary) func(fn func(string, int) bool) error {
			return func(fn func(string, int) bool) error { return v.Near("jongerne", 2, fn) }
		}, []string{"jongere", "jongeren"}},
	}
	for _, c := range cases {
		for name, v := range map[string]*Vocabulary{"built": built, "added": added, "half": half} {
			if got := collect(c.look(v)); !slices.Equal(got, c.want) {
				t.Errorf("%s (%s): %q, want %q", c.name, name, got, c.want)
			}
		}
	}

	// Stopping early stops.
	n := 0
	if err := built.WithPrefix("b", func(string, int) bool { n++; return n < 2 }); err != nil || n != 2 {
		t.Errorf("stopped after %d (%v), want 2", n, err)
	}
	if err := built.Near("buurt", 3, func(string, int) bool { return true }); err == nil {
		t.Error("three edits accepted")
	}
}

// TestVocabularyChange: words no longer used disappear from every lookup
// and come back when used again; the transducer is rebuilt once enough
// words were added.
func TestVocabularyChange(t *testing.T) {
	v, err := New(map[string]int32{"buurtwerk": 1, "buurtwerker": 2})
	if err != nil {
		t.Fatal(err)
	}
	words := func() []string {
		var out []string
		if err := v.WithPrefix("buurt", func(w string, _ int) bool { out = append(out, w); return true }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(v.Change(map[string]int32{"buurtwerk": -1, "buurtwerking": 1}))
	if got := words(); !slices.Equal(got, []string{"buurtwerker", "buurtwerking"}) {
		t.Errorf("after change: %q", got)
	}
	if v.Count("buurtwerk") != 0 || v.dead != 1 {
		t.Errorf("buurtwerk counted %d, dead %d", v.Count("buurtwerk"), v.dead)
	}
	var near []string
	must(v.Near("buurtwerc", 1, func(w string, _ int) bool { near = append(near, w); return true }))
	if len(near) != 0 {
		t.Errorf("unused word still near: %q", near)
	}
	must(v.Change(map[string]int32{"buurtwerk": 2, "buurtwerking": -1}))
	if got := words(); !slices.Equal(got, []string{"buurtwerk", "buurtwerker"}) || v.dead != 0 || len(v.fresh) != 0 {
		t.Errorf("after second change: %q, dead %d, fresh %q", got, v.dead, v.fresh)
	}
	many := map[string]int32{}
	for i := range 1100 {
		many["buurt"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26))] = 1
	}
	must(v.Change(many))
	if len(v.fresh) != 0 || v.inFST != len(v.counts) {
		t.Errorf("not rebuilt: %d fresh, %d in the transducer, %d words", len(v.fresh), v.inFST, len(v.counts))
	}
	if got := len(words()); got != len(many)+2 {
		t.Errorf("%d words start buurt, want %d", got, len(many)+2)
	}
}
