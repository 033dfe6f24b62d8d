package dutch

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
)

var folder = asciifolding.New()

// Fold lower-cases s and folds its diacritics to ASCII ("Ideeën" ->
// "ideeen"), as the index's analyzers do.
func Fold(s string) string {
	s = strings.ToLower(s)
	if NeedsFold([]byte(s)) {
		return string(folder.Filter([]byte(s)))
	}
	return s
}

// NeedsFold reports whether b holds anything but ASCII.
func NeedsFold(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// foldFilter folds diacritics to ASCII in the term only, so that token
// offsets keep pointing into the original text (a char filter would shift
// them): "ideeën" and "ideeen" give the same term.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if NeedsFold(t.Term) {
			t.Term = folder.Filter(t.Term)
		}
	}
	return in
}

var stopWords = func() map[string]bool {
	m := make(map[string]bool)
	tm := analysis.NewTokenMap()
	_ = tm.LoadBytes(nl.DutchStopWords)
	for w := range tm {
		m[Fold(w)] = true
	}
	return m
}()

// IsStopWord reports whether the folded word w is a Dutch stop word
// (Bleve's list, the one the index's stop filter applies).
func IsStopWord(w string) bool { return stopWords[w] }
