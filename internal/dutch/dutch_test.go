package dutch

import (
	"slices"
	"testing"
)

func TestFoldWordsStem(t *testing.T) {
	if got := Fold("Ideeën CAFÉ"); got != "ideeen cafe" {
		t.Errorf("Fold = %q", got)
	}
	if got := Words("Labo's: ideeën, 1,5 Coöperatie!"); !slices.Equal(got, []string{"labo", "s", "ideeen", "1", "5", "cooperatie"}) {
		t.Errorf("Words = %q", got)
	}
	if Stem("jongeren") != Stem("jongere") || Stem("buurten") != "buurt" {
		t.Errorf("Stem: jongeren %q, jongere %q, buurten %q", Stem("jongeren"), Stem("jongere"), Stem("buurten"))
	}
	if !IsStopWord("de") || IsStopWord("buurt") {
		t.Error("IsStopWord: de should be one, buurt not")
	}
}

func TestDecompounder(t *testing.T) {
	d := NewDecompounder(Dictionary([]string{"bestrijding", "armoede", "mantelzorger"}))
	parts := func(ps []Part) (out []string) {
		for _, p := range ps {
			out = append(out, p.Word)
		}
		return out
	}
	if got := parts(d.TopSplit("armoedebestrijding")); !slices.Equal(got, []string{"armoede", "bestrijding"}) {
		t.Errorf("TopSplit(armoedebestrijding) = %q", got)
	}
	if got := parts(d.TopSplit("ervaringsdeskundige")); !slices.Equal(got, []string{"ervaring", "deskundige"}) {
		t.Errorf("TopSplit(ervaringsdeskundige) = %q (the linking s)", got)
	}
	if got := d.TopSplit("vertrouwen"); got != nil {
		t.Errorf("TopSplit(vertrouwen) = %v, want none (a word, no compound)", got)
	}
	if got := d.Lemma("mantelzorgers"); got != "mantelzorger" {
		t.Errorf("Lemma(mantelzorgers) = %q", got)
	}
	for _, p := range d.Split("buurtwerkers") {
		if "buurtwerkers"[p.Start:p.End] != p.Word && p.Word != "werker" {
			t.Errorf("Split(buurtwerkers): part %q at [%d:%d]", p.Word, p.Start, p.End)
		}
	}
}

func TestDictionaryFilters(t *testing.T) {
	d := Dictionary([]string{"Één", "over", "wijkgezondheid", "x-y", "kaf"})
	for _, w := range []string{"over", "x-y", "kaf"} { // a stop word, not a-z, too short
		if slices.Contains(d, w) {
			t.Errorf("Dictionary holds %q", w)
		}
	}
	if !slices.Contains(d, "wijkgezondheid") || !slices.IsSorted(d) {
		t.Error("Dictionary misses a given word or is not sorted")
	}
}

// TestStemOverrides: ouderen (the elderly) stems apart from ouders
// (parents), and the decompounder does not give it ouder as its lemma.
func TestStemOverrides(t *testing.T) {
	if Stem("ouderen") == Stem("ouders") || Stem("ouderen") != Stem("oudere") || Stem("ouders") != Stem("ouder") {
		t.Errorf("ouderen %q, oudere %q, ouders %q, ouder %q", Stem("ouderen"), Stem("oudere"), Stem("ouders"), Stem("ouder"))
	}
	d := NewDecompounder(Dictionary([]string{"ouder", "mantelzorger"}))
	if l := d.Lemma("ouderen"); l != "" {
		t.Errorf("Lemma(ouderen) = %q", l)
	}
	if l := d.Lemma("mantelzorgers"); l != "mantelzorger" {
		t.Errorf("Lemma(mantelzorgers) = %q", l)
	}
}
