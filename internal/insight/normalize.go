package insight

import (
	"sort"
	"strings"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// Grouping of factor texts, with package dutch's analysis. Two phrasings
// belong to one group when they differ only in case, spacing, punctuation, articles or inflection: the key
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

// isStopWord: package dutch's stop words but the words that turn a factor
// around: "geen vertrouwen" is not "vertrouwen", "te veel tijd" is not "te
// weinig tijd".
func isStopWord(w string) bool { return dutch.IsStopWord(w) && !keptWords[w] }

var keptWords = map[string]bool{"niet": true, "geen": true, "niets": true, "zonder": true, "tegen": true,
	"veel": true, "meer": true, "altijd": true, "iemand": true, "alles": true}

// articles are left out of a group key; "t" and "n" are what is left of
// "'t" and "'n" after splitting on the apostrophe.
var articles = map[string]bool{"de": true, "het": true, "een": true, "t": true, "n": true}

// analysed is a factor text taken apart: its group key and, per content
// word (stop words left out), the stem and the word as written (folded).
type analysed struct {
	key      string
	stems    []string // unique, sorted
	surfaces []string // surfaces[i] is a folded word whose stem is stems[i]
}

func analyse(text string) analysed {
	ws := dutch.Words(text)
	bySt := make(map[string]string, len(ws))
	keyWords := make([]string, 0, len(ws))
	for _, w := range ws {
		if articles[w] {
			continue
		}
		s := dutch.Stem(w)
		keyWords = append(keyWords, s)
		if isStopWord(w) {
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
