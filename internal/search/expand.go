package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

// Query expansion, first part: the indexed words a query word starts and,
// for a typo, those one edit away (variants.go adds the other ways the
// texts say a word).

type nearWord struct {
	word  string
	count int
}

type nearTerm struct {
	stem  string
	boost float64
	word  string // as written in the texts
}

const (
	prefixBoost = 0.3
	typoBoost   = 0.25
	// maxNear caps the words one query word expands to.
	maxNear = 64
)

const (
	fuzzyMinLen   = 4 // words this long tolerate one typo
	shortWordLen  = 6 // shorter words match only maxShortTypos words one edit away
	maxShortTypos = 2
	prefixMinLen  = 6 // words this long also match words they start
)

// expandWords finds, in the vocabulary (every word of the indexed texts as
// written), the words each query word starts and, when the word itself is
// unknown, the words one edit away.
func expandWords(v *vocab.Vocabulary, words []qword) error {
	for i := range words {
		w := &words[i]
		if w.whole == "" {
			continue
		}
		have := map[string]bool{} // the word's own terms (whole, parts, lemma) and those added
		for _, t := range w.terms {
			have[t] = true
		}
		add := func(boost float64) func(string, int) bool {
			return func(word string, _ int) bool {
				if boost == typoBoost && len(w.corrections) < maxShortTypos {
					w.corrections = append(w.corrections, word)
				}
				if !dutch.IsStopWord(word) {
					if st := dutch.Stem(word); !have[st] {
						have[st] = true
						w.near = append(w.near, nearTerm{st, boost, word})
					}
				}
				return len(w.near) < maxNear
			}
		}
		n := utf8.RuneCountInString(w.raw)
		if n >= prefixMinLen {
			// Inflections and compounds that start with the word:
			// "huisarts" -> "huisartsen", "mantelzorg" -> "mantelzorgers".
			if err := v.WithPrefix(w.raw, add(prefixBoost)); err != nil {
				return err
			}
		}
		if n < fuzzyMinLen || v.Count(w.raw) > 0 {
			continue
		}
		w.typo = true
		// Its stems, in any language, start the words it inflects
		// (accompagner: accompagnent, accompagnement; samenwerken:
		// samenwerkingsverband).
		for _, st := range stemPrefixes(w) {
			if err := v.WithPrefix(st, add(prefixBoost)); err != nil {
				return err
			}
		}
		if n >= shortWordLen {
			if err := v.Near(w.raw, 1, add(typoBoost)); err != nil {
				return err
			}
			continue
		}
		cands, err := shortTypoCandidates(v, w.raw)
		if err != nil {
			return err
		}
		for _, c := range cands {
			add(typoBoost)(c.word, c.count)
		}
	}
	return nil
}

// stemPrefixes are the stems of w, in any language, that are a shorter
// start of the word as typed, longest first, of at least prefixMinLen
// letters.
func stemPrefixes(w *qword) []string {
	cands := []string{w.whole}
	for _, a := range w.alts {
		if a.lang != "" && len(a.terms) == 1 {
			cands = append(cands, a.terms[0])
		}
	}
	var out []string
	for _, st := range cands {
		if len(st) < len(w.raw) && utf8.RuneCountInString(st) >= prefixMinLen && strings.HasPrefix(w.raw, st) && !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return out
}

// shortTypoCandidates are the words a short unknown word w (4-5 letters)
// most likely stands for. A short word is one edit away from many: only
// the most used few that start with its letter (typos seldom touch the
// first letter; wjik: wijk); a final d written t or t written d (the most common Dutch
// misspelling: gelt, buurd) alone when the texts hold it. When the texts
// hold no word one edit away, the inflected forms one edit away from w's
// (fietz: fietsen), as the texts may hold a word only inflected.
func shortTypoCandidates(v *vocab.Vocabulary, w string) ([]nearWord, error) {
	if dt := finalDT(w); dt != "" && v.Count(dt) > 0 {
		return []nearWord{{dt, v.Count(dt)}}, nil
	}
	var cands []nearWord
	near := func(word string, count int) bool {
		if len(word) > 2 && word[0] == w[0] {
			cands = append(cands, nearWord{word, count})
		}
		return true
	}
	if err := v.Near(w, 1, near); err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		for _, suffix := range inflectionSuffixes {
			if err := v.Near(w+suffix, 1, near); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(cands, func(a, b nearWord) int { return cmp.Or(b.count-a.count, strings.Compare(a.word, b.word)) })
	return cands[:min(len(cands), maxShortTypos)], nil
}

// inflectionSuffixes are the endings of Dutch plurals and inflected forms.
var inflectionSuffixes = []string{"en", "e", "s"}

// finalDT is w with its final d written t or its final t written d; "" if
// it ends otherwise.
func finalDT(w string) string {
	switch {
	case strings.HasSuffix(w, "d"):
		return w[:len(w)-1] + "t"
	case strings.HasSuffix(w, "t"):
		return w[:len(w)-1] + "d"
	}
	return ""
}
