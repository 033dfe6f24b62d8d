package search

import (
	"testing"
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
