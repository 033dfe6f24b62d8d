package search

import (
	"maps"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// Brussels is bilingual. A practice written in French or English (its
// language, practice.Languages) is analysed with its own language's
// analyzer: its documents are of a type of their own (doc.BleveType), with
// the same fields, so filters, facets and sorting see every language
// alike. A query word is matched in every language: beside its Dutch
// terms, its French and English stems (qword.foreign), and a word that is
// a stop word in any of them is one in the query.

// languageAnalyzers are the text analyzer of each language a practice may
// be written in; Dutch is the default.
var languageAnalyzers = map[string]string{
	"nl": textAnalyzerName,
	"fr": frAnalyzerName,
	"en": enAnalyzerName,
}

const (
	frAnalyzerName = "pb_fr" // French: elision, stop words, light stemmer, folding
	enAnalyzerName = "pb_en" // English: possessives, stop words, snowball stemmer, folding
)

// foreignAnalyzers are the analysis section of the mapping for the other
// languages. The stemmers come before folding, as they know accents.
func foreignAnalyzers() map[string]map[string]interface{} {
	return map[string]map[string]interface{}{
		frAnalyzerName: {
			"type":          custom.Name,
			"tokenizer":     dutch.TokenizerName,
			"token_filters": []interface{}{fr.ElisionName, lowercase.Name, fr.StopName, fr.LightStemmerName, dutch.FoldFilterName},
		},
		enAnalyzerName: {
			"type":          custom.Name,
			"tokenizer":     dutch.TokenizerName,
			"token_filters": []interface{}{en.PossessiveName, lowercase.Name, en.StopName, en.SnowballStemmerName, dutch.FoldFilterName},
		},
	}
}

// docTypeOf is the document type of a practice in language lang.
func docTypeOf(lang string) string {
	if lang == "" || lang == "nl" || languageAnalyzers[lang] == "" {
		return docType
	}
	return docType + "_" + lang
}

// foreignStopWords are the stop words of the other languages, folded.
var foreignStopWords = func() map[string]bool {
	m := make(map[string]bool)
	for _, list := range [][]byte{fr.FrenchStopWords, en.EnglishStopWords} {
		tm := analysis.NewTokenMap()
		_ = tm.LoadBytes(list)
		for w := range tm {
			m[dutch.Fold(w)] = true
		}
	}
	return m
}()

// isQueryStopWord reports whether a query word is a stop word in any
// language: the practices of that language do not index it, so it cannot
// be wanted of them.
func isQueryStopWord(w string) bool { return dutch.IsStopWord(w) || foreignStopWords[w] }

// foreignTerms are the terms of the raw query word w in the other
// languages, where they differ from its Dutch stem. Each is matched in
// the practices of its language only (languageTerm): a French stem of a
// Dutch word may be a Dutch word of its own ("tieners" -> "tien").
func (ix *Index) foreignTerms(w, dutch string) []qalt {
	var out []qalt
	for _, lang := range slices.Sorted(maps.Keys(ix.foreign)) {
		for _, t := range ix.foreign[lang].Analyze([]byte(w)) {
			if s := string(t.Term); s != dutch {
				out = append(out, qalt{terms: []string{s}, boost: 1, lang: lang})
			}
		}
	}
	return out
}

// foreignAlts are the terms of the words of a synonym in each other
// language, where they differ from its Dutch stems, to be matched in the
// practices of that language.
func (ix *Index) foreignAlts(words []string, dutch []string, boost float64) []qalt {
	var out []qalt
	text := []byte(strings.Join(words, " "))
	for _, lang := range slices.Sorted(maps.Keys(ix.foreign)) {
		var terms []string
		for _, t := range ix.foreign[lang].Analyze(text) {
			terms = append(terms, string(t.Term))
		}
		if len(terms) > 0 && !slices.Equal(terms, dutch) {
			out = append(out, qalt{terms: terms, boost: boost, lang: lang})
		}
	}
	return out
}
