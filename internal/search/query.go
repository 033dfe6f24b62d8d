package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
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

// Filter selects practices: the one practice filter (internal/filter). The
// index checks its bounds, not its values against the plan: a value no
// document has matches nothing.
type Filter = filter.Filter

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

// Facets count the result per value. Each facet ignores its own selection
// (disjunctive faceting), so choosing one region still shows the others.
type Facets struct {
	Krachtlijnen, Challenges, Actions, Regions, TargetGroups, Settings, Years []FacetCount
}

// FacetCount is a value (the id or code a Filter takes) and its count.
type FacetCount struct {
	Value string
	Count int
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

func (ix *Index) validate(r Request) (request, error) {
	v := request{Request: r, first: r.First}
	switch {
	case r.First < 0:
		return v, fmt.Errorf("%w: first moet tussen 1 en %d liggen", ErrInvalid, MaxFirst)
	case r.First == 0:
		v.first = DefaultFirst
	case r.First > MaxFirst:
		return v, fmt.Errorf("%w: first mag hoogstens %d zijn", ErrInvalid, MaxFirst)
	}
	if r.Offset < 0 || r.Offset > MaxOffset || (r.Offset > 0 && r.After != "") {
		return v, fmt.Errorf("%w: offset ligt tussen 0 en %d en gaat niet samen met after", ErrInvalid, MaxOffset)
	}
	if utf8.RuneCountInString(r.Query) > MaxQueryLen {
		return v, fmt.Errorf("%w: de zoektekst is langer dan %d tekens", ErrInvalid, MaxQueryLen)
	}
	if !utf8.ValidString(r.Query) {
		return v, fmt.Errorf("%w: de zoektekst is geen geldige UTF-8", ErrInvalid)
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
		return v, fmt.Errorf("%w: onbekende sortering %q", ErrInvalid, r.Sort)
	}
	if err := r.Filter.Validate(nil); err != nil {
		return v, fmt.Errorf("%w: %w", ErrInvalid, err)
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

// Cursors: base64url of {"v":1,"s":sort,"k":[key, id]} plus a checksum, so a
// truncated or hand-made cursor is refused rather than misread.

const cursorVersion = 1

type cursor struct {
	V int      `json:"v"`
	S Sort     `json:"s"`
	K []string `json:"k"`
}

func encodeCursor(s Sort, key, id string) string {
	b, _ := json.Marshal(cursor{V: cursorVersion, S: s, K: []string{key, id}})
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(append(b, sum[:4]...))
}

func decodeCursor(c string, s Sort) ([]string, error) {
	bad := fmt.Errorf("%w: onleesbare cursor; gebruik een cursor uit een eerder antwoord", ErrInvalid)
	if len(c) > 2048 {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) < 5 {
		return nil, bad
	}
	body, sum := raw[:len(raw)-4], raw[len(raw)-4:]
	if want := sha256.Sum256(body); string(want[:4]) != string(sum) {
		return nil, bad
	}
	var cur cursor
	if err := json.Unmarshal(body, &cur); err != nil || cur.V != cursorVersion || len(cur.K) != 2 || cur.K[1] == "" {
		return nil, bad
	}
	if cur.S != s {
		return nil, fmt.Errorf("%w: deze cursor hoort bij sortering %s", ErrInvalid, cur.S)
	}
	if s == SortRelevance {
		f, err := strconv.ParseFloat(strings.TrimPrefix(cur.K[0], windowKeyPrefix), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad
		}
	}
	return cur.K, nil
}

// Query analysis.

// qword is one word of the user's query, analysed as the index analyses text.
type qword struct {
	raw   string   // lower-cased, folded
	whole string   // the stemmed word; "" for a stop word
	parts []qpart  // compound parts (top level), all required
	lemma string   // stemmed dictionary form of an inflected word, or ""
	terms []string // every term above, for highlighting
	// typo: the index does not know the word as written (expandWords);
	// only then does it match words one edit away. A word the index knows
	// is no typo, and matching its neighbours as well costs a pass over all
	// of them for nothing.
	typo bool
	// near are the stems of the indexed words the word starts (for longer
	// words) and, for a typo, of those one edit away, with their boosts:
	// matched in the body, where they score by their frequency.
	near []nearTerm
	// alts are other ways the texts may say the word (variants.go).
	alts []qalt
	// langTerms are the terms of its alternatives in the other languages,
	// per language (languages.go), for highlighting.
	langTerms map[string][]string
}

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
	partAloneBoost = 0.15
	prefixBoost    = 0.3
	typoBoost      = 0.25
	// maxNear caps the words one query word expands to.
	maxNear = 64
)

// expandWords finds, in the vocabulary (every word of the indexed texts as
// written), the words each query word starts and, when the word itself is
// unknown, the words one edit away.
func expandWords(v *vocabulary, words []qword) error {
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
				if !isStopWord(word) {
					if st := stem(word); !have[st] {
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
			if err := v.withPrefix(w.raw, add(prefixBoost)); err != nil {
				return err
			}
		}
		if n < fuzzyMinLen || v.count(w.raw) > 0 {
			continue
		}
		w.typo = true
		if n >= shortWordLen {
			if err := v.near(w.raw, 1, add(typoBoost)); err != nil {
				return err
			}
			continue
		}
		// A short word is one edit away from many: only the most used few
		// that start as it does (typos seldom touch the first letters).
		var cands []nearWord
		if err := v.near(w.raw, 1, func(word string, count int) bool {
			if len(word) > 2 && strings.HasPrefix(word, w.raw[:2]) {
				cands = append(cands, nearWord{word, count})
			}
			return true
		}); err != nil {
			return err
		}
		slices.SortFunc(cands, func(a, b nearWord) int { return cmp.Or(b.count-a.count, strings.Compare(a.word, b.word)) })
		for _, c := range cands[:min(len(cands), maxShortTypos)] {
			add(typoBoost)(c.word, c.count)
		}
	}
	return nil
}

// qpart is a compound part: its stem, or all of its own parts.
type qpart struct {
	stem string
	subs []string
}

// analyzeQuery reads the query (querysyntax.go) and analyses its words as
// the index analyses text: the words wanted (for highlighting and
// expansion), the clauses over them, and what excludes.
func (ix *Index) analyzeQuery(q string) (words []qword, clauses []qclause, exclude []qoption) {
	pq := parseQuery(q)
	seen := make(map[string]int)
	// word adds the word w (once) and returns its index, -1 for a stop word
	// or past maxQueryWords.
	word := func(w string) int {
		if i, ok := seen[w]; ok {
			return i
		}
		if isQueryStopWord(w) || len(words) >= maxQueryWords {
			return -1
		}
		seen[w] = len(words)
		words = append(words, ix.analyzeWord(w))
		return len(words) - 1
	}
	rawWords := func(text string) []string {
		var out []string
		for _, t := range ix.raw.Analyze([]byte(text)) {
			out = append(out, string(t.Term))
		}
		return out
	}
	inClause := make(map[int]bool)
	for _, parts := range pq.clauses {
		if len(parts) == 1 && !parts[0].phrase {
			// Plain words: a clause each.
			for _, w := range rawWords(parts[0].text) {
				if i := word(w); i >= 0 && !inClause[i] {
					inClause[i] = true
					clauses = append(clauses, qclause{opts: []qoption{{word: i}}})
				}
			}
			continue
		}
		var c qclause
		for _, part := range parts {
			ws := rawWords(part.text)
			var idx []int
			for _, w := range ws {
				if i := word(w); i >= 0 {
					idx = append(idx, i)
				}
			}
			switch {
			case len(idx) == 0:
			case len(ws) == 1:
				c.opts = append(c.opts, qoption{word: idx[0]})
			default:
				c.opts = append(c.opts, qoption{word: -1, phrase: strings.Join(ws, " ")})
			}
		}
		if len(c.opts) > 0 {
			clauses = append(clauses, c)
		}
	}
	for _, part := range pq.exclude {
		ws := rawWords(part.text)
		switch {
		case len(ws) == 1 && !isQueryStopWord(ws[0]):
			exclude = append(exclude, qoption{word: -1, phrase: ws[0]})
		case len(ws) > 1:
			exclude = append(exclude, qoption{word: -1, phrase: strings.Join(ws, " ")})
		}
	}
	return words, clauses, exclude
}

// qclause is a clause of the query: any of its options will do.
type qclause struct{ opts []qoption }

// qoption is a word of the query (an index into request.words) or, with
// word -1, a phrase (its raw words).
type qoption struct {
	word   int
	phrase string
}

// analyzeWord analyses one raw (lower-cased, folded) query word.
func (ix *Index) analyzeWord(w string) qword {
	qw := qword{raw: w, whole: stem(w)}
	qw.terms = append(qw.terms, qw.whole)
	for _, a := range ix.foreignTerms(w, qw.whole) {
		qw.addLangAlt(a)
	}
	if ix.dc != nil {
		for _, p := range ix.dc.topSplit(w) {
			if isStopWord(p.part) {
				continue
			}
			qp := qpart{stem: stem(p.part)}
			for _, sp := range ix.dc.topSplit(p.part) {
				if !isStopWord(sp.part) {
					qp.subs = append(qp.subs, stem(sp.part))
				}
			}
			qw.parts = append(qw.parts, qp)
			qw.terms = append(qw.terms, qp.stem)
			qw.terms = append(qw.terms, qp.subs...)
		}
		if l := ix.dc.lemma(w); l != "" && stem(l) != qw.whole {
			qw.lemma = stem(l)
			qw.terms = append(qw.terms, qw.lemma)
		}
	}
	return qw
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Query building. Every query is built from Bleve query objects; user text
// only ever becomes terms or analysed phrase text, never query syntax.

func term(field, t string, boost float64) query.Query {
	q := query.NewTermQuery(t)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

const (
	fuzzyMinLen   = 4 // words this long tolerate one typo
	shortWordLen  = 6 // shorter words match only maxShortTypos words one edit away
	maxShortTypos = 2
	prefixMinLen  = 6 // words this long also match words they start
)

// relaxable reports whether a search may add practices with only some of
// what the query wants: several clauses, or a compound word whose parts
// alone a text may hold.
func (v request) relaxable() bool {
	if v.Strict {
		return false
	}
	if len(v.clauses) > 1 {
		return true
	}
	for _, c := range v.clauses {
		for _, o := range c.opts {
			if o.word >= 0 && len(v.words[o.word].parts) > 1 {
				return true
			}
		}
	}
	return false
}

// wordQuery matches one query word: the stemmed word in the text fields
// (title boosted); its compound parts all together; its dictionary form;
// the indexed words it starts and, for a typo, those one edit away (near);
// its alternatives (variants.go); relaxed, its compound parts alone; all
// scored below exact matches.
func wordQuery(w qword, relaxed bool) query.Query {
	dis := []query.Query{
		term(fAll, w.whole, 1),
		term(fTitle, w.whole, 2),
	}
	if len(w.parts) > 1 {
		var conj []query.Query
		for _, p := range w.parts {
			alt := []query.Query{term(fAll, p.stem, 1)}
			if len(p.subs) > 1 {
				var sc []query.Query
				for _, s := range p.subs {
					sc = append(sc, term(fAll, s, 1))
				}
				alt = append(alt, query.NewConjunctionQuery(sc))
			}
			conj = append(conj, query.NewDisjunctionQuery(alt))
		}
		c := query.NewConjunctionQuery(conj)
		c.SetBoost(0.6)
		dis = append(dis, c)
		if relaxed {
			// A part alone, far below: a text may speak of the thing
			// without the compound ("energiearmoede": energiefacturen).
			for _, p := range w.parts {
				dis = append(dis, term(fAll, p.stem, partAloneBoost))
			}
		}
	}
	if w.lemma != "" {
		dis = append(dis, term(fAll, w.lemma, 0.8))
	}
	for _, nt := range w.near {
		dis = append(dis, term(fAll, nt.stem, nt.boost))
	}
	for _, a := range w.alts {
		if len(a.terms) == 1 && a.lang == "" {
			dis = append(dis, term(fAll, a.terms[0], a.boost))
			continue
		}
		var conj []query.Query
		for _, t := range a.terms {
			conj = append(conj, term(fAll, t, 1))
		}
		if a.lang != "" {
			// Only in the practices of its language; the language term
			// adds nothing to the score.
			conj = append(conj, term(fLanguage, a.lang, 0))
		}
		c := query.NewConjunctionQuery(conj)
		c.SetBoost(a.boost)
		dis = append(dis, c)
	}
	return query.NewDisjunctionQuery(dis)
}

// allWordsBoost raises the practices with every clause of a relaxed query
// far above those with some of them.
const allWordsBoost = 1000

// textQuery is the scoring part of a search; nil for browsing. Strict, it
// wants every clause of the query; relaxed, any of them (Search), those
// with all of them first.
func (ix *Index) textQuery(v request, relaxed bool) query.Query {
	if len(v.clauses) == 0 && len(v.exclude) == 0 {
		if v.Query == "" || len(ix.raw.Analyze([]byte(v.Query))) > 0 {
			// Nothing asked, or stop words alone ("in", "de"): they say
			// nothing about the practices, so browse them all.
			return nil
		}
		return query.NewMatchNoneQuery() // only punctuation
	}
	clauses := func(relaxed bool) []query.Query {
		var cqs []query.Query
		for _, c := range v.clauses {
			var opts []query.Query
			for _, o := range c.opts {
				if o.word >= 0 {
					opts = append(opts, wordQuery(v.words[o.word], relaxed))
				} else {
					opts = append(opts, ix.phraseQuery(o.phrase))
				}
			}
			if len(opts) == 1 {
				cqs = append(cqs, opts[0])
			} else {
				cqs = append(cqs, query.NewDisjunctionQuery(opts))
			}
		}
		return cqs
	}
	var pos query.Query
	if cqs := clauses(false); len(cqs) == 1 {
		pos = cqs[0]
	} else if len(cqs) > 1 {
		all := query.NewDisjunctionQuery(cqs)
		all.SetMin(float64(len(cqs)))
		pos = all
	}
	if relaxed && pos != nil {
		// Any clause, or a part of a compound word, those with all of
		// them far above.
		pos.(query.BoostableQuery).SetBoost(allWordsBoost)
		anyOf := query.NewDisjunctionQuery(clauses(true))
		anyOf.SetMin(1)
		pos = query.NewDisjunctionQuery([]query.Query{pos, anyOf})
	}
	if len(v.exclude) == 0 {
		return pos
	}
	var not []query.Query
	for _, o := range v.exclude {
		not = append(not, ix.phraseQuery(o.phrase))
	}
	b := query.NewBooleanQuery(nil, nil, not)
	if pos != nil {
		b.AddMust(pos)
	}
	return b
}

// phraseQuery matches the words of text in this order in the body, as the
// index analyses them (stems and compound parts); one word is a term.
func (ix *Index) phraseQuery(text string) query.Query {
	q := query.NewMatchPhraseQuery(text)
	q.SetField(fAll)
	q.Analyzer = textAnalyzerName
	return q
}

// didYouMean proposes the query with each word unknown to the index replaced
// by the most used indexed word within two edits; "" if none changes.
func (ix *Index) didYouMean(words []qword) string {
	changed := false
	out := make([]string, 0, len(words))
	for _, w := range words {
		out = append(out, w.raw)
		if utf8.RuneCountInString(w.raw) < 4 || w.whole == "" || ix.vocab.count(w.raw) > 0 {
			continue
		}
		best, bestN := "", 0
		for d := 1; d <= 2 && best == ""; d++ {
			err := ix.vocab.near(w.raw, d, func(c string, n int) bool {
				if n > bestN || (n == bestN && c < best) {
					best, bestN = c, n
				}
				return true
			})
			if err != nil {
				return ""
			}
		}
		if best != "" && best != w.raw {
			out[len(out)-1] = best
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(out, " ")
}
