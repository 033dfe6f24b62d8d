package search

import (
	"slices"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

// TestExpandWordsCap: a word that starts more indexed words than maxNear
// expands to maxNear of them.
func TestExpandWordsCap(t *testing.T) {
	var ps = GenerateCorpus(1, 1)
	p := ps[0]
	p.Description = ""
	for i := range 3 * maxNear {
		p.Description += " zorgverlening" + string(rune('a'+i/26)) + string(rune('a'+i%26))
	}
	ix, _ := openFilled(t, newMemSource(p))
	words, _, _ := ix.analyzeQuery("zorgverlening")
	if err := expandWords(ix.vocab, words); err != nil {
		t.Fatal(err)
	}
	if len(words) != 1 || len(words[0].near) != maxNear {
		t.Fatalf("near %d, want %d", len(words[0].near), maxNear)
	}
}

// TestShortTypoCandidates: a short unknown word stands for the word its
// final d/t swapped makes, else the most used words one edit away that
// start as it does, else inflected forms one edit away from its own.
func TestShortTypoCandidates(t *testing.T) {
	v, err := vocab.New(map[string]int32{"geld": 3, "gent": 40, "gelden": 1, "fietsen": 2, "fietspad": 1, "tuin": 4, "tuig": 9, "tuis": 1, "wijk": 7})
	if err != nil {
		t.Fatal(err)
	}
	for typed, want := range map[string][]string{
		"gelt":  {"geld"},         // not gent, more used
		"tuim":  {"tuig", "tuin"}, // the two most used one edit away
		"fietz": {"fietsen"},      // only inflected in the texts
		"wjik":  {"wijk"},         // the second letter typed after the third
		"kwak":  nil,
	} {
		cands, err := shortTypoCandidates(v, typed)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cands {
			got = append(got, c.word)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", typed, got, want)
		}
	}
}
