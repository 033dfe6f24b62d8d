package dutch

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
)

// Word splitting. Words splits a text into its folded words, as insight
// groups them; Tokenizer is the index's tokenizer (registered with Bleve as
// TokenizerName): the words of
// Unicode text segmentation (UAX #29) as they occur in Dutch and French
// text, found without its general state machine, which was the largest part
// of analysing a practice. A word is a run of letters, digits and combining
// marks; an apostrophe, period, colon or middle dot between two letters and
// a comma, period or semicolon between two digits stay inside the word
// ("labo's", "www.sociaalwerk.be", "1,5"), as in UAX #29. Invisible format
// characters inside a word (a soft hyphen from a word processor, a
// zero-width joiner) stay in the word, as in UAX #29, but are left out of
// its term, so that "samen\u00ADwerking" is found as "samenwerking". Han,
// Hiragana and Katakana characters are words of their own. Tokens point
// into the input, as Bleve's tokenizers do, except terms without their
// format characters.
const TokenizerName = "pb_words"

func init() {
	registry.RegisterTokenizer(TokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return Tokenizer{}, nil
	})
}

// Tokenizer is the Bleve tokenizer described above.
type Tokenizer struct{}

// Words splits text into its lower-cased, folded words: the runs of
// letters and digits, everything else a separator ("Labo's" -> "labo", "s").
func Words(text string) []string {
	return strings.FieldsFunc(Fold(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// wordClass is what a rune is to the tokenizer.
type wordClass uint8

const (
	classOther wordClass = iota
	classLetter
	classDigit
	classIdeo   // a word by itself
	classFormat // invisible (Cf): inside a word, dropped from its term
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
	case unicode.Is(unicode.Cf, r):
		return classFormat
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

func (Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	tokens := make([]analysis.Token, 0, len(input)/7+1)
	pos := 1
	ScanWords(input, func(start, end int, typ analysis.TokenType, format bool) {
		term := input[start:end]
		if format {
			term = withoutFormat(term)
		}
		tokens = append(tokens, analysis.Token{Term: term, Start: start, End: end, Position: pos, Type: typ})
		pos++
	})
	out := make(analysis.TokenStream, len(tokens))
	for k := range tokens {
		out[k] = &tokens[k]
	}
	return out
}

// ScanWords calls emit with the bounds and type of every word of input, in
// order, and whether the word holds format characters (to be left out of
// its term).
func ScanWords(input []byte, emit func(start, end int, typ analysis.TokenType, format bool)) {
	for i := 0; i < len(input); {
		r, n := decode(input, i)
		c := classOf(r)
		switch c {
		case classOther, classFormat:
			i += n
			continue
		case classIdeo:
			emit(i, i+n, analysis.Ideographic, false)
			i += n
			continue
		}
		start, numeric, last, format := i, c == classDigit, c, false
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
			if c == classFormat && i+n < len(input) {
				if r2, _ := decode(input, i+n); classOf(r2) == classLetter || classOf(r2) == classDigit {
					format = true
					i += n
					continue
				}
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
		emit(start, i, typ, format)
	}
}

// withoutFormat returns a copy of word without its format characters.
func withoutFormat(word []byte) []byte {
	out := make([]byte, 0, len(word))
	for i := 0; i < len(word); {
		r, n := decode(word, i)
		if classOf(r) != classFormat {
			out = append(out, word[i:i+n]...)
		}
		i += n
	}
	return out
}

var lowerFilter = lowercase.NewLowerCaseFilter()

// RawTerm is the term of the index's raw analysis (Tokenizer, lower case,
// Fold) of a word ScanWords found: format
// characters left out, lower-cased, folded. It may change word, which the
// caller owns, and return it.
func RawTerm(word []byte, format bool) []byte {
	if format {
		word = withoutFormat(word)
	}
	if !NeedsFold(word) {
		for i, b := range word {
			if 'A' <= b && b <= 'Z' {
				word[i] = b + 'a' - 'A'
			}
		}
		return word
	}
	ts := analysis.TokenStream{&analysis.Token{Term: word}}
	foldFilter{}.Filter(lowerFilter.Filter(ts))
	return ts[0].Term
}
