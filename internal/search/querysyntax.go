package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// The query language a person may type. Words are wanted all together
// (when no practice has them all, most or any of them will do, and the
// result says it is partial); "a phrase" wants its words in that order;
// -word and -"a phrase" leave out the practices that have them; OF (or OR)
// between two words or phrases wants either. Everything else is a word:
// the syntax never fails, and user text only ever becomes terms and
// phrases (build.go), never Bleve's query-string syntax.

// queryPart is a word or a quoted phrase as the user typed it.
type queryPart struct {
	text   string
	phrase bool
}

// parsedQuery is what a query asks: clauses, all wanted, each satisfied by
// any of its parts; and the parts that exclude.
type parsedQuery struct {
	clauses [][]queryPart
	exclude []queryPart
}

// orWords join two parts into alternatives.
func isOr(s string) bool { return s == "OF" || s == "OR" }

// parseQuery reads q into clauses and exclusions.
func parseQuery(q string) parsedQuery {
	type token struct {
		queryPart
		not, or bool
	}
	var toks []token
	for i := 0; i < len(q); {
		r, n := utf8.DecodeRuneInString(q[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		var t token
		if r == '-' && i+1 < len(q) && !unicode.IsSpace(rune(q[i+1])) && q[i+1] != '-' {
			t.not = true
			i++
		}
		if i < len(q) && q[i] == '"' {
			end := strings.IndexByte(q[i+1:], '"')
			if end < 0 {
				end = len(q) - i - 1
			}
			t.text, t.phrase = q[i+1:i+1+end], true
			i += end + 2
		} else {
			end := strings.IndexFunc(q[i:], func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(q) - i
			}
			t.text = q[i : i+end]
			i += end
			t.or = !t.not && isOr(t.text)
		}
		if strings.TrimSpace(t.text) != "" {
			toks = append(toks, t)
		}
	}
	var p parsedQuery
	joinNext := false
	for k, t := range toks {
		switch {
		case t.or:
			// OF between two parts joins them; elsewhere it is a word.
			if len(p.clauses) > 0 && !joinNext && k+1 < len(toks) && !toks[k+1].not && !toks[k+1].or {
				joinNext = true
				continue
			}
			p.clauses = append(p.clauses, []queryPart{t.queryPart})
		case t.not:
			p.exclude = append(p.exclude, t.queryPart)
		case joinNext:
			last := len(p.clauses) - 1
			p.clauses[last] = append(p.clauses[last], t.queryPart)
			joinNext = false
		default:
			p.clauses = append(p.clauses, []queryPart{t.queryPart})
		}
	}
	return p
}

// hasWantedWords reports whether q wants a word that is not a stop word; a
// query of stop words or of exclusions alone has nothing to rank by.
func hasWantedWords(q string) bool {
	for _, c := range parseQuery(q).clauses {
		for _, p := range c {
			for _, w := range dutch.Words(p.text) {
				if !isQueryStopWord(w) {
					return true
				}
			}
		}
	}
	return false
}

// QueryParts is what a query asks, as the user typed it, for showing it
// back: the parts wanted (each its alternatives: a word, or a phrase in
// quotes) and the parts that exclude.
type QueryParts struct {
	Wanted  [][]string
	Without []string
}

// Parts reads q as a search does.
func Parts(q string) QueryParts {
	show := func(p queryPart) string {
		if p.phrase {
			return `"` + strings.TrimSpace(p.text) + `"`
		}
		return p.text
	}
	pq := parseQuery(q)
	var out QueryParts
	for _, c := range pq.clauses {
		var alts []string
		for _, p := range c {
			alts = append(alts, show(p))
		}
		out.Wanted = append(out.Wanted, alts)
	}
	for _, p := range pq.exclude {
		out.Without = append(out.Without, show(p))
	}
	return out
}
