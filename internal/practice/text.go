package practice

import (
	"unicode"
	"unicode/utf8"
)

// Problem codes of text hygiene (see validate.go).
const (
	// CodeBidiControl: a bidirectional embedding, override or isolate
	// (U+202A–U+202E, U+2066–U+2069), which can make a text read
	// differently from what it holds ("Trojan source").
	CodeBidiControl = "BIDI_CONTROL"
	// CodeInvisibleCharacter: an invisible formatting character (zero-width
	// characters, word joiners, the byte order mark, tag characters, variation
	// selectors, fillers) where it has no place: anywhere in refs, ids,
	// e-mail addresses and links; in free text those without a legitimate
	// use there (zero-width space, word joiner, BOM, stray tag characters).
	CodeInvisibleCharacter = "INVISIBLE_CHARACTER"
)

// isBidiControl reports the bidirectional embeddings, overrides and isolates.
// The marks (U+200E, U+200F, U+061C) are allowed in free text: right-to-left
// writing needs them and they reorder nothing around them.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// isInvisible reports characters that show nothing: every format character
// (category Cf: zero-width space and joiners, bidi marks and controls, soft
// hyphen, BOM, tags …), variation selectors and the Hangul fillers.
func isInvisible(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F:
		return true
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// isTag reports the tag characters U+E0000–U+E007F.
func isTag(r rune) bool { return r >= 0xE0000 && r <= 0xE007F }

// blackFlag starts the emoji tag sequences (the flags of England, Scotland
// and Wales), the one place tag characters belong in a text.
const blackFlag = 0x1F3F4

// freeTextProblem returns the code and the offending character of the first
// character a free text may not hold, or "". Bidi controls are refused, and
// of the invisible characters those that only hide things in a title or a
// description: zero-width space, word joiner and invisible operators, the
// BOM, and tag characters outside an emoji flag sequence. Joiners (U+200C,
// U+200D), marks and soft hyphens have their uses in text and stay.
func freeTextProblem(s string) (string, rune) {
	var prev rune
	for _, r := range s {
		switch {
		case isBidiControl(r):
			return CodeBidiControl, r
		case r == 0x200B || (r >= 0x2060 && r <= 0x2064) || r == 0xFEFF:
			return CodeInvisibleCharacter, r
		case isTag(r) && prev != blackFlag && !isTag(prev):
			return CodeInvisibleCharacter, r
		}
		prev = r
	}
	return "", 0
}

// identifierProblem returns the code and the first invisible character of an
// identifier (ref, id, code, e-mail address, link), or "".
func identifierProblem(s string) (string, rune) {
	for _, r := range s {
		if r == utf8.RuneError {
			continue // reported as an invalid character elsewhere
		}
		if isBidiControl(r) {
			return CodeBidiControl, r
		}
		if isInvisible(r) {
			return CodeInvisibleCharacter, r
		}
	}
	return "", 0
}
