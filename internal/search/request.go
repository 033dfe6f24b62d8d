package search

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// Limits of a Request.
const (
	DefaultFirst  = 20
	MaxFirst      = 100
	MaxQueryLen   = 500 // characters
	MaxOffset     = 1000
	maxQueryWords = 32
)

// Sort orders search results.
type Sort string

const (
	SortRelevance Sort = "RELEVANCE" // default; NEWEST when the query is empty
	SortNewest    Sort = "NEWEST"    // most recently changed first
	SortTitle     Sort = "TITLE"     // by title, A-Z
)

// Request is one search: free text, filters, sort and a page.
type Request struct {
	Query  string
	Filter Filter
	Sort   Sort
	First  int    // 1..100; 0 means DefaultFirst
	After  string // opaque cursor from a previous Hit or Result.EndCursor
	// Offset skips this many results (0..MaxOffset), for numbered pages;
	// not with After.
	Offset int
	// NoFacets skips the facet counts (Result.Facets stays empty) for callers
	// that do not show them.
	NoFacets bool
	// Strict wants every word of the query: when no practice has them all,
	// the result is empty rather than partial.
	Strict bool
}

// Result is one page of hits with the total and the facets of the whole result.
type Result struct {
	Total       int
	Hits        []Hit
	HasNextPage bool
	EndCursor   string
	Facets      Facets
	DidYouMean  string // a corrected query when a word is unknown to the index and a close one is known, and it finds other practices
	// Partial: no practice, or only a few, has every word of the query, and
	// the result also holds practices with only some of them (best first).
	Partial bool
}

// Hit is one practice in a result.
type Hit struct {
	ID         string
	Score      float64
	Cursor     string
	Highlights []Highlight
}

// Highlight holds the fragments of one field that match the query: the text
// is HTML-escaped and matches are wrapped in <mark>…</mark>.
type Highlight struct {
	Field     string
	Fragments []string
}

// request is a validated Request.
type request struct {
	Request
	sort    Sort
	first   int
	after   []string
	words   []qword   // the words wanted, analysed (analyzeQuery)
	clauses []qclause // what the query wants, over words
	exclude []qoption // what leaves practices out
	// inWindow: the cursor is a hit of the rescoring window (rescore.go).
	inWindow bool
}

// validate checks r against the limits and reads its cursor.
func (ix *Index) validate(r Request) (request, error) {
	v := request{Request: r, first: r.First}
	switch {
	case r.First < 0:
		return v, refusal.New(ErrPageSize, "first below 1", fmt.Sprintf("first moet tussen 1 en %d liggen", MaxFirst))
	case r.First == 0:
		v.first = DefaultFirst
	case r.First > MaxFirst:
		return v, refusal.New(ErrPageSize, fmt.Sprintf("first above %d", MaxFirst), fmt.Sprintf("first mag hoogstens %d zijn", MaxFirst))
	}
	if r.Offset < 0 || r.Offset > MaxOffset || (r.Offset > 0 && r.After != "") {
		return v, refusal.New(ErrOffset, fmt.Sprintf("offset out of 0..%d or with after", MaxOffset), fmt.Sprintf("offset ligt tussen 0 en %d en gaat niet samen met after", MaxOffset))
	}
	if utf8.RuneCountInString(r.Query) > MaxQueryLen {
		return v, refusal.New(ErrQuery, fmt.Sprintf("longer than %d characters", MaxQueryLen), fmt.Sprintf("de zoektekst is langer dan %d tekens", MaxQueryLen))
	}
	if !utf8.ValidString(r.Query) {
		return v, refusal.New(ErrQuery, "not UTF-8", "de zoektekst is geen geldige UTF-8")
	}
	v.Query = strings.TrimSpace(r.Query)
	switch r.Sort {
	case "", SortRelevance:
		v.sort = SortRelevance
		if !hasWantedWords(v.Query) {
			// Nothing to rank by: browse (textQuery).
			v.sort = SortNewest
		}
	case SortNewest, SortTitle:
		v.sort = r.Sort
	default:
		return v, refusal.New(ErrSort, fmt.Sprintf("unknown %q", r.Sort), fmt.Sprintf("onbekende sortering %q", r.Sort))
	}
	if err := validateFilter(r.Filter); err != nil {
		return v, err
	}
	if r.After != "" {
		after, err := decodeCursor(r.After, v.sort)
		if err != nil {
			return v, err
		}
		if v.sort == SortRelevance && strings.HasPrefix(after[0], windowKeyPrefix) {
			v.inWindow = true
			after[0] = strings.TrimPrefix(after[0], windowKeyPrefix)
		}
		v.after = after
	}
	return v, nil
}
