package search

import (
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

func tokenStrings(ts analysis.TokenStream) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = fmt.Sprintf("%s@%d[%d:%d]", t.Term, t.Position, t.Start, t.End)
	}
	return out
}

// TestWordsTokenizerAsUnicode: on Dutch text the tokenizer finds the words
// of Bleve's Unicode (UAX #29) tokenizer, with the same offsets and positions.
func TestWordsTokenizerAsUnicode(t *testing.T) {
	uni := unicodetok.NewUnicodeTokenizer()
	texts := []string{
		"", "   ", "Het labo's-project in Sint-Truiden (2019–2024): 1,5 voltijdse; 3.200 bezoekers.",
		"Ideeën, coöperatie en café’s: ‘samen’ sterk! www.sociaalwerk.be of info@caw.be",
		"e-loket, OCMW/CAW & co.; 12u30 – 14u; d’r is 3de keer... «citaat» — einde",
		"Naïef? Zó! 100% mensen van 18-25 jaar; ±30 € per maand.",
	}
	for _, p := range GenerateCorpus(300, 11) {
		texts = append(texts, practiceTexts(p)...)
	}
	for _, p := range loadCorpus(t) {
		texts = append(texts, practiceTexts(p)...)
	}
	for _, text := range texts {
		got, want := tokenStrings(wordsTokenizer{}.Tokenize([]byte(text))), tokenStrings(uni.Tokenize([]byte(text)))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q:\n got %v\nwant %v", text, got, want)
		}
	}
}

func BenchmarkTokenizers(b *testing.B) {
	var text []byte
	for _, p := range GenerateCorpus(50, 1) {
		for _, s := range practiceTexts(p) {
			text = append(append(text, s...), ' ')
		}
	}
	for _, tk := range []struct {
		name string
		t    analysis.Tokenizer
	}{{"words", wordsTokenizer{}}, {"unicode", unicodetok.NewUnicodeTokenizer()}} {
		b.Run(tk.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tk.t.Tokenize(text)
			}
		})
	}
}
