package search

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// Similar returns up to first practices like the one with id (more like
// this): the practice's most distinctive terms (tf-idf over its text) plus
// its krachtlijnen, challenges and actions, never the practice itself.
func (ix *Index) Similar(ctx context.Context, id string, first int) ([]Hit, error) {
	if first == 0 {
		first = 10
	}
	if first < 0 || first > MaxFirst {
		return nil, refusal.New(ErrPageSize, fmt.Sprintf("first out of 1..%d", MaxFirst), fmt.Sprintf("first moet tussen 1 en %d liggen", MaxFirst))
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return nil, errClosed
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = append([]string{fKrachtlijnen, fChallenges, fActions, fLanguage}, highlightFields...)
	res, err := ix.bl.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if len(res.Hits) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	fields := res.Hits[0].Fields

	// Term frequencies over the practice's text, analysed in its language.
	text := ix.text
	if l := values(fields[fLanguage]); len(l) == 1 && ix.foreign[l[0]] != nil {
		text = ix.foreign[l[0]]
	}
	tf := make(map[string]int)
	for _, f := range highlightFields {
		for _, v := range values(fields[f]) {
			if len(v) > maxHighlightText {
				v = v[:maxHighlightText]
			}
			for _, t := range text.Analyze([]byte(v)) {
				if utf8.RuneCount(t.Term) >= 3 {
					tf[string(t.Term)]++
				}
			}
		}
	}
	adv, err := ix.bl.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	n, _ := r.DocCount()
	type scored struct {
		term string
		w    float64
	}
	var terms []scored
	for t, c := range tf {
		df, err := termCount(r, fAll, t)
		if err != nil || df <= 1 { // only in this practice: says nothing about others
			continue
		}
		if float64(df) > 0.5*float64(n) { // too common to tell practices apart
			continue
		}
		idf := math.Log(1 + float64(n)/float64(df))
		terms = append(terms, scored{t, (1 + math.Log(float64(c))) * idf})
	}
	r.Close()
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].w != terms[j].w {
			return terms[i].w > terms[j].w
		}
		return terms[i].term < terms[j].term
	})
	if len(terms) > 25 {
		terms = terms[:25]
	}
	var dis []query.Query
	if len(terms) > 0 {
		top := terms[0].w
		for _, t := range terms {
			dis = append(dis, term(fAll, t.term, t.w/top))
		}
	}
	for _, kv := range []struct {
		field string
		boost float64
	}{{fKrachtlijnen, 0.3}, {fChallenges, 0.6}, {fActions, 0.8}} {
		for _, v := range values(fields[kv.field]) {
			dis = append(dis, term(kv.field, v, kv.boost))
		}
	}
	if len(dis) == 0 {
		return []Hit{}, nil
	}
	q := query.NewBooleanQuery(nil, dis, []query.Query{query.NewDocIDQuery([]string{id})})
	sreq := bleve.NewSearchRequestOptions(q, first, 0, false)
	sreq.SortBy([]string{"-_score", "_id"})
	sres, err := ix.bl.SearchInContext(ctx, sreq)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits := make([]Hit, 0, len(sres.Hits))
	for _, h := range sres.Hits {
		hits = append(hits, Hit{ID: h.ID, Score: h.Score})
	}
	return hits, nil
}

// Suggestion is a completion for a prefix.
type Suggestion struct {
	Text  string // as written in the practices
	Kind  string // "title", "organisation" or "municipality"
	Count int    // practices that have it
}

// Suggest returns up to first completions of prefix from practice titles,
// organisations and municipalities: values with words starting with the
// typed words (the last one as a prefix), those starting with the prefix
// first, then the most frequent.
func (ix *Index) Suggest(ctx context.Context, prefix string, first int) ([]Suggestion, error) {
	if first == 0 {
		first = 10
	}
	if first < 0 || first > MaxFirst {
		return nil, refusal.New(ErrPageSize, fmt.Sprintf("first out of 1..%d", MaxFirst), fmt.Sprintf("first moet tussen 1 en %d liggen", MaxFirst))
	}
	if utf8.RuneCountInString(prefix) > 100 {
		return nil, refusal.New(ErrQuery, "prefix longer than 100 characters", "het begin is te lang")
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bl == nil {
		return nil, errClosed
	}
	var words []string
	for _, t := range ix.raw.Analyze([]byte(prefix)) {
		words = append(words, string(t.Term))
	}
	if len(words) == 0 {
		return []Suggestion{}, nil
	}
	if len(words) > 8 {
		words = words[:8]
	}
	var conj []query.Query
	for i, w := range words {
		if i == len(words)-1 && !strings.HasSuffix(prefix, " ") {
			p := query.NewPrefixQuery(w)
			p.SetField(fSuggest)
			conj = append(conj, p)
		} else {
			conj = append(conj, term(fSuggest, w, 1))
		}
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(conj), 200, 0, false)
	req.Fields = []string{fTitle, fOrganisations, fMunicipalities}
	req.Score = "none"
	res, err := ix.bl.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	type key struct{ text, kind string }
	counts := make(map[key]int)
	norm := strings.Join(words, " ")
	for _, h := range res.Hits {
		for _, kf := range []struct{ kind, field string }{{"title", fTitle}, {"organisation", fOrganisations}, {"municipality", fMunicipalities}} {
			for _, v := range values(h.Fields[kf.field]) {
				if ix.completes(v, words, !strings.HasSuffix(prefix, " ")) {
					counts[key{v, kf.kind}]++
				}
			}
		}
	}
	out := make([]Suggestion, 0, len(counts))
	for k, c := range counts {
		out = append(out, Suggestion{Text: k.text, Kind: k.kind, Count: c})
	}
	starts := func(s Suggestion) bool { return strings.HasPrefix(strings.Join(ix.rawWords(s.Text), " "), norm) }
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if sa, sb := starts(a), starts(b); sa != sb {
			return sa
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if len(a.Text) != len(b.Text) {
			return len(a.Text) < len(b.Text)
		}
		return a.Text < b.Text
	})
	if len(out) > first {
		out = out[:first]
	}
	return out, nil
}

func (ix *Index) rawWords(s string) []string {
	var out []string
	for _, t := range ix.raw.Analyze([]byte(s)) {
		out = append(out, string(t.Term))
	}
	return out
}

// completes reports whether value has every typed word (the last one as a
// prefix when lastIsPrefix).
func (ix *Index) completes(value string, words []string, lastIsPrefix bool) bool {
	vw := ix.rawWords(value)
	for i, w := range words {
		found := false
		for _, v := range vw {
			if v == w || (i == len(words)-1 && lastIsPrefix && strings.HasPrefix(v, w)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// termCount is the number of documents with term in field.
func termCount(r index.IndexReader, field, t string) (uint64, error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(t), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}
