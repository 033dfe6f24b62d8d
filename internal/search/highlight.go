package search

import (
	"html"
	"maps"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// The highlighter marks the words of a stored field that match the query:
// it analyses the field text with the index's own analyzer (so stems,
// compound parts and folding match exactly as in search) and the unstemmed
// words within one edit of a longer query word (typo matches). Offsets stay
// in the original text, which is HTML-escaped around the <mark> tags.

const (
	maxHighlightText = 8000 // bytes of a field analysed for highlights
	shortField       = 240  // values up to this long are returned whole
	fragmentLen      = 200
	maxFragments     = 3
)

type highlighter struct {
	text, raw *analysis.DefaultAnalyzer
	terms     map[string]bool
	fuzzy     []string
	words     map[string]hlWord // token text -> what the text analyzer makes of it
	// foreign are the text analyzers of the other languages, langTerms
	// the query's terms in them, and langs the highlighters of the
	// practices in them (languages.go).
	foreign   map[string]*analysis.DefaultAnalyzer
	langTerms map[string][]string
	langs     map[string]*highlighter
}

// hlWord is a word of the text as the highlighter sees it: whether one of
// its terms is a query term, and the span (relative to the word's start)
// of its first term, which stands for the whole word.
type hlWord struct {
	match      bool
	start, end int
	fuzzy      []hlSpan // raw terms within one edit of a fuzzy query word
}

// analyzeWord runs the token filters of da on the single token t.
func (h *highlighter) analyzeWord(da *analysis.DefaultAnalyzer, t *analysis.Token) hlWord {
	nt := *t
	nt.Term = append([]byte(nil), t.Term...)
	ts := analysis.TokenStream{&nt}
	for _, f := range da.TokenFilters {
		ts = f.Filter(ts)
	}
	var w hlWord
	for i, o := range ts {
		if i == 0 {
			w.start, w.end = o.Start-t.Start, o.End-t.Start
		}
		if h.terms[string(o.Term)] {
			w.match = true
		}
	}
	return w
}

func (ix *Index) newHighlighter(words []qword) *highlighter {
	h := &highlighter{text: ix.text, raw: ix.raw, terms: make(map[string]bool), words: make(map[string]hlWord), foreign: ix.foreign}
	for _, w := range words {
		for _, t := range w.terms {
			h.terms[t] = true
		}
		for lang, ts := range w.langTerms {
			if h.langTerms == nil {
				h.langTerms = make(map[string][]string)
			}
			h.langTerms[lang] = append(h.langTerms[lang], ts...)
		}
		if w.typo {
			h.fuzzy = append(h.fuzzy, w.raw)
		}
	}
	return h
}

// inLanguage is the highlighter of the practices in language lang: their
// texts analysed with its analyzer.
func (h *highlighter) inLanguage(lang string) *highlighter {
	a := h.foreign[lang]
	if a == nil {
		return h
	}
	if l := h.langs[lang]; l != nil {
		return l
	}
	// The query's Dutch terms match these practices too (a term is a term).
	terms := maps.Clone(h.terms)
	for _, t := range h.langTerms[lang] {
		terms[t] = true
	}
	l := &highlighter{text: a, raw: h.raw, terms: terms, fuzzy: h.fuzzy, words: make(map[string]hlWord)}
	if h.langs == nil {
		h.langs = make(map[string]*highlighter)
	}
	h.langs[lang] = l
	return l
}

// highlight returns the fragments of the stored field values (field name ->
// values in order) that contain query words.
func (h *highlighter) highlight(fields map[string][]string) []Highlight {
	if len(h.terms) == 0 && len(h.fuzzy) == 0 {
		return nil
	}
	if lang := fields[fLanguage]; len(lang) == 1 {
		h = h.inLanguage(lang[0])
	}
	var out []Highlight
	for _, f := range highlightFields {
		var frags []string
		for _, v := range fields[f] {
			if len(frags) >= maxFragments {
				break
			}
			spans := h.spans(v)
			if len(spans) == 0 {
				continue
			}
			frags = append(frags, fragments(v, spans, maxFragments-len(frags))...)
		}
		if len(frags) > 0 {
			out = append(out, Highlight{Field: f, Fragments: frags})
		}
	}
	return out
}

func values(v interface{}) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []interface{}:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

type hlSpan struct{ start, end int }

// spans returns the sorted, non-overlapping byte ranges of matching words.
func (h *highlighter) spans(text string) []hlSpan {
	text = highlightedPart(text)
	marked := make(map[hlSpan]bool)
	// The token filters work token by token (attach checks that the
	// analyzers have no char filters and one tokenizer), so each distinct
	// word is analysed once per highlighter: the spans of analysing the
	// whole text, far less stemming.
	for _, t := range h.text.Tokenizer.Tokenize([]byte(text)) {
		w, ok := h.words[string(t.Term)]
		if !ok {
			w = h.analyzeWord(h.text, t)
			w.fuzzy = h.fuzzyWord(h.raw, t)
			h.words[string(t.Term)] = w
		}
		if w.match {
			marked[hlSpan{t.Start + w.start, t.Start + w.end}] = true
		}
		for _, f := range w.fuzzy {
			marked[hlSpan{t.Start + f.start, t.Start + f.end}] = true
		}
	}
	return mergeSpans(marked)
}

// fuzzyWord returns the spans (relative to t) of the raw terms of token t
// within one edit of a fuzzy query word.
func (h *highlighter) fuzzyWord(da *analysis.DefaultAnalyzer, t *analysis.Token) []hlSpan {
	if len(h.fuzzy) == 0 {
		return nil
	}
	nt := *t
	nt.Term = append([]byte(nil), t.Term...)
	ts := analysis.TokenStream{&nt}
	for _, f := range da.TokenFilters {
		ts = f.Filter(ts)
	}
	var out []hlSpan
	for _, o := range ts {
		for _, f := range h.fuzzy {
			if withinOneEdit(string(o.Term), f) {
				out = append(out, hlSpan{o.Start - t.Start, o.End - t.Start})
				break
			}
		}
	}
	return out
}

// highlightedPart is the start of text that is analysed for highlights:
// maxHighlightText bytes at most, cut at a character boundary.
func highlightedPart(text string) string {
	if len(text) <= maxHighlightText {
		return text
	}
	cut := maxHighlightText
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// mergeSpans returns the marked spans sorted, overlapping ones merged.
func mergeSpans(marked map[hlSpan]bool) []hlSpan {
	out := make([]hlSpan, 0, len(marked))
	for s := range marked {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// fragments cuts text into at most n fragments around the spans, escaped,
// with the spans marked.
func fragments(text string, spans []hlSpan, n int) []string {
	if len(text) <= shortField {
		return []string{mark(text, spans, 0, len(text))}
	}
	var out []string
	for i := 0; i < len(spans) && len(out) < n; {
		start := wordStart(text, max(0, spans[i].start-60))
		end := wordEnd(text, min(len(text), start+fragmentLen))
		if end < spans[i].end {
			end = spans[i].end
		}
		j := i
		for j < len(spans) && spans[j].end <= end {
			j++
		}
		f := mark(text, spans[i:j], start, end)
		if start > 0 {
			f = "…" + f
		}
		if end < len(text) {
			f += "…"
		}
		out = append(out, f)
		if j == i {
			j++
		}
		i = j
	}
	return out
}

func mark(text string, spans []hlSpan, start, end int) string {
	var b strings.Builder
	pos := start
	for _, s := range spans {
		if s.start < pos || s.end > end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		pos = s.end
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	return strings.TrimSpace(b.String())
}

// wordStart moves i back to the start of the word it is in.
func wordStart(text string, i int) int {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) {
			break
		}
		i -= size
	}
	return i
}

// wordEnd moves i forward to the end of the word it is in.
func wordEnd(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion or substitution.
func withinOneEdit(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	if la < lb {
		a, b, la, lb = b, a, lb, la
	}
	i := 0
	for i < lb && a[i] == b[i] {
		i++
	}
	if la == lb {
		return a[i+1:] == b[i+1:]
	}
	return a[i+1:] == b[i:]
}
