package search

// wholeTextSpans is what highlighter.spans finds, found by analysing the
// whole text at once: a word whose terms hold a query term is marked whole,
// and so is a raw word within one edit of a fuzzy query word.
func wholeTextSpans(h *highlighter, text string) []hlSpan {
	text = highlightedPart(text)
	marked := make(map[hlSpan]bool)
	word := make(map[int]hlSpan) // position -> the whole word's span
	for _, t := range h.text.Analyze([]byte(text)) {
		ws, ok := word[t.Position]
		if !ok {
			ws = hlSpan{t.Start, t.End}
			word[t.Position] = ws
		}
		if h.terms[string(t.Term)] {
			marked[ws] = true
		}
	}
	for _, t := range h.raw.Analyze([]byte(text)) {
		for _, f := range h.fuzzy {
			if withinOneEdit(string(t.Term), f) {
				marked[hlSpan{t.Start, t.End}] = true
				break
			}
		}
	}
	return mergeSpans(marked)
}

// storedValues turns the stored fields of a Bleve hit into field -> values.
func storedValues(fields map[string]interface{}) map[string][]string {
	out := make(map[string][]string, len(fields))
	for f, v := range fields {
		out[f] = values(v)
	}
	return out
}
