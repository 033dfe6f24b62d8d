package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// wordsTokenizerName is the tokenizer of both analyzers: the words of
// Unicode text segmentation (UAX #29) as they occur in Dutch and French
// text, found without its general state machine, which was the largest part
// of analysing a practice. A word is a run of letters, digits and combining
// marks; an apostrophe, period, colon or middle dot between two letters and
// a comma, period or semicolon between two digits stay inside the word
// ("labo's", "www.sociaalwerk.be", "1,5"), as in UAX #29. Han, Hiragana and
// Katakana characters are words of their own. Tokens point into the input,
// as Bleve's tokenizers do.
const wordsTokenizerName = "pb_words"

func init() {
	registry.RegisterTokenizer(wordsTokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return wordsTokenizer{}, nil
	})
}

type wordsTokenizer struct{}

// wordClass is what a rune is to the tokenizer.
type wordClass uint8

const (
	classOther wordClass = iota
	classLetter
	classDigit
	classIdeo // a word by itself
)

// asciiClass classifies the ASCII bytes.
var asciiClass = func() (t [utf8.RuneSelf]wordClass) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = classLetter, classLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = classDigit
	}
	return t
}()

func classOf(r rune) wordClass {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
		return classIdeo
	case unicode.IsLetter(r), unicode.Is(unicode.Mn, r), unicode.Is(unicode.Mc, r):
		return classLetter
	case unicode.IsDigit(r):
		return classDigit
	}
	return classOther
}

func decode(b []byte, i int) (rune, int) {
	if c := b[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRune(b[i:])
}

// joins reports whether r, between runes of classes before and after, stays
// inside the word.
func joins(r rune, before, after wordClass) bool {
	switch {
	case before == classLetter && after == classLetter:
		return r == '\'' || r == '’' || r == '.' || r == ':' || r == '·'
	case before == classDigit && after == classDigit:
		return r == ',' || r == '.' || r == ';' || r == '\'' || r == '’'
	}
	return false
}

func (wordsTokenizer) Tokenize(input []byte) analysis.TokenStream {
	tokens := make([]analysis.Token, 0, len(input)/7+1)
	pos := 1
	emit := func(start, end int, typ analysis.TokenType) {
		tokens = append(tokens, analysis.Token{Term: input[start:end], Start: start, End: end, Position: pos, Type: typ})
		pos++
	}
	for i := 0; i < len(input); {
		r, n := decode(input, i)
		c := classOf(r)
		switch c {
		case classOther:
			i += n
			continue
		case classIdeo:
			emit(i, i+n, analysis.Ideographic)
			i += n
			continue
		}
		start, numeric, last := i, c == classDigit, c
		i += n
		for i < len(input) {
			r, n = decode(input, i)
			c = classOf(r)
			if c == classLetter || c == classDigit {
				numeric = numeric && c == classDigit
				last = c
				i += n
				continue
			}
			if c == classOther && i+n < len(input) {
				r2, n2 := decode(input, i+n)
				if next := classOf(r2); joins(r, last, next) {
					i += n + n2
					numeric = numeric && next == classDigit
					last = next
					continue
				}
			}
			break
		}
		typ := analysis.AlphaNumeric
		if numeric {
			typ = analysis.Numeric
		}
		emit(start, i, typ)
	}
	out := make(analysis.TokenStream, len(tokens))
	for k := range tokens {
		out[k] = &tokens[k]
	}
	return out
}
