package search

import (
	"context"
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
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
		got, want := tokenStrings(dutch.Tokenizer{}.Tokenize([]byte(text))), tokenStrings(uni.Tokenize([]byte(text)))
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
	}{{"words", dutch.Tokenizer{}}, {"unicode", unicodetok.NewUnicodeTokenizer()}} {
		b.Run(tk.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tk.t.Tokenize(text)
			}
		})
	}
}

// TestWordsTokenizerFormatCharacters: a soft hyphen or zero-width joiner
// inside a word stays in the word's span but not in its term; at a word's
// edge it is no word of its own.
func TestWordsTokenizerFormatCharacters(t *testing.T) {
	for text, want := range map[string]string{
		"samen\u00adwerking in de buurt": "[samenwerking@1[0:14] in@2[15:17] de@3[18:20] buurt@4[21:26]]",
		"buurt\u200dwerk":                "[buurtwerk@1[0:12]]",
		"\u00adwijk\u00ad team":          "[wijk@1[2:6] team@2[9:13]]",
	} {
		if got := fmt.Sprint(tokenStrings(dutch.Tokenizer{}.Tokenize([]byte(text)))); got != want {
			t.Errorf("%q: got %s, want %s", text, got, want)
		}
	}
}

// TestSoftHyphenFound: text pasted with soft hyphens is found as typed.
func TestSoftHyphenFound(t *testing.T) {
	p := practice.Practice{ID: practice.ID("limburg", "zacht"), Region: "limburg", Ref: "zacht", Version: 1, Seq: 1,
		Content: practice.Content{Title: "Over\u00adleg met part\u00adners", Summary: "Een samen\u00adwerking in de wijk."}}
	ix, _ := openFilled(t, newMemSource(p))
	for _, q := range []string{"samenwerking", "overleg partners"} {
		res, err := ix.Search(context.Background(), Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 {
			t.Errorf("%q: %d results, want the practice", q, res.Total)
		}
	}
}
