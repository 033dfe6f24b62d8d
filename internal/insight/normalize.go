package insight

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
)

// Grouping of factor texts. Two phrasings belong to one group when they
// differ only in case, spacing, punctuation, articles or inflection: the key
// is the text lower-cased, its diacritics folded, split into words on
// everything that is not a letter or digit, the articles (de, het, een, 't,
// 'n) left out, and every other word reduced by the snowball Dutch stemmer,
// in the order written. So "Vertrouwen opbouwen met de buurt", "vertrouwen
// opbouwen met buurt." and "Vertrouwen opbouwen met de buurten" all have the
// key "vertrouw opbouw met buurt". Word order and prepositions stay in the
// key, because they carry meaning: "vrijwilligers helpen ouderen" is not
// "ouderen helpen vrijwilligers", and "terugkoppeling naar het beleid" is not
// "terugkoppeling van het beleid".
//
// The words of a text (for [Insight.Terms]) are its stems without the Dutch
// stop words, unordered.

var folder = asciifolding.New()

var stopWords = func() map[string]bool {
	m := make(map[string]bool)
	tm := analysis.NewTokenMap()
	_ = tm.LoadBytes(nl.DutchStopWords)
	for w := range tm {
		m[fold(w)] = true
	}
	// Words that turn a factor around are kept: "geen vertrouwen" is not
	// "vertrouwen", "te veel tijd" is not "te weinig tijd".
	for _, w := range []string{"niet", "geen", "niets", "zonder", "tegen", "veel", "meer", "altijd", "iemand", "alles"} {
		delete(m, w)
	}
	return m
}()

// articles are left out of a group key; "t" and "n" are what is left of
// "'t" and "'n" after splitting on the apostrophe.
var articles = map[string]bool{"de": true, "het": true, "een": true, "t": true, "n": true}

// fold lower-cases s and folds its diacritics to ASCII ("ideeën" → "ideeen").
func fold(s string) string {
	s = strings.ToLower(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return string(folder.Filter([]byte(s)))
		}
	}
	return s
}

// stem is the snowball Dutch stem of a folded word.
func stem(w string) string {
	env := snowballstem.NewEnv(w)
	dutch.Stem(env)
	return env.Current()
}

// words splits a folded text into its words.
func words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// analysed is a factor text taken apart: its group key and, per content
// word (stop words left out), the stem and the word as written (folded).
type analysed struct {
	key      string
	stems    []string // unique, sorted
	surfaces []string // surfaces[i] is a folded word whose stem is stems[i]
}

func analyse(text string) analysed {
	ws := words(fold(text))
	bySt := make(map[string]string, len(ws))
	keyWords := make([]string, 0, len(ws))
	for _, w := range ws {
		if articles[w] {
			continue
		}
		s := stem(w)
		keyWords = append(keyWords, s)
		if stopWords[w] {
			continue
		}
		if _, ok := bySt[s]; !ok {
			bySt[s] = w
		}
	}
	if len(keyWords) == 0 { // nothing but articles: keep them
		keyWords = ws
	}
	if len(bySt) == 0 { // nothing but stop words: keep the words themselves
		for _, w := range ws {
			bySt[w] = w
		}
	}
	a := analysed{stems: make([]string, 0, len(bySt))}
	for s := range bySt {
		a.stems = append(a.stems, s)
	}
	sort.Strings(a.stems)
	a.surfaces = make([]string, len(a.stems))
	for i, s := range a.stems {
		a.surfaces[i] = bySt[s]
	}
	a.key = strings.Join(keyWords, " ")
	return a
}

// GroupKey is the key under which a factor text is grouped; equivalent
// phrasings have the same key.
func GroupKey(text string) string { return analyse(text).key }
