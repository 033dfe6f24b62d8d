package search

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

// Names of the analysis components this package registers with Bleve and
// uses in its mapping. They are part of the stored mapping: renaming one
// needs a MappingVersion bump.
const (
	foldFilterName       = "pb_fold"       // ASCII folding of a token's term (keeps offsets)
	stemFilterName       = "pb_stem_nl"    // the Dutch snowball stemmer, with a cache
	decompoundFilterName = "pb_decompound" // dictionary decompounding of Dutch compounds
	partsTokenMapName    = "pb_parts"      // the decompounding dictionary (in the mapping)
	textAnalyzerName     = "pb_nl"         // Dutch: fold, decompound, stop words, stem
	rawAnalyzerName      = "pb_raw"        // lower-cased, folded words: fuzzy, suggest
)

func init() {
	registry.RegisterTokenFilter(foldFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
	registry.RegisterTokenFilter(stemFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return newStemFilter(), nil
	})
	registry.RegisterTokenFilter(decompoundFilterName, func(config map[string]interface{}, cache *registry.Cache) (analysis.TokenFilter, error) {
		name, _ := config["dict_token_map"].(string)
		if name == "" {
			name = partsTokenMapName
		}
		tm, err := cache.TokenMapNamed(name)
		if err != nil {
			return nil, err
		}
		return newDecompounder(tm), nil
	})
}

// customAnalysis is the analysis section of the mapping: both analyzers and
// the dictionary, so an index is always queried with the dictionary it was
// built with.
func customAnalysis(dict []string) (tokenMaps, tokenFilters, analyzers map[string]map[string]interface{}) {
	tokens := make([]interface{}, len(dict))
	for i, w := range dict {
		tokens[i] = w
	}
	tokenMaps = map[string]map[string]interface{}{
		partsTokenMapName: {"type": tokenmap.Name, "tokens": tokens},
	}
	tokenFilters = map[string]map[string]interface{}{
		"pb_decompound_nl": {"type": decompoundFilterName, "dict_token_map": partsTokenMapName},
	}
	analyzers = map[string]map[string]interface{}{
		textAnalyzerName: {
			"type":          custom.Name,
			"tokenizer":     wordsTokenizerName,
			"token_filters": []interface{}{lowercase.Name, foldFilterName, "pb_decompound_nl", nl.StopName, stemFilterName},
		},
		rawAnalyzerName: {
			"type":          custom.Name,
			"tokenizer":     wordsTokenizerName,
			"token_filters": []interface{}{lowercase.Name, foldFilterName},
		},
	}
	for name, cfg := range foreignAnalyzers() {
		analyzers[name] = cfg
	}
	return
}

// foldFilter folds diacritics to ASCII in the term only, so that token
// offsets keep pointing into the original text (a char filter would shift
// them): "ideeën" and "ideeen" give the same term.
type foldFilter struct{}

var folder = asciifolding.New()

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if needsFold(t.Term) {
			t.Term = folder.Filter(t.Term)
		}
	}
	return in
}

func needsFold(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// fold lower-cases and folds s as the analyzers do.
func fold(s string) string {
	s = strings.ToLower(s)
	if needsFold([]byte(s)) {
		return string(folder.Filter([]byte(s)))
	}
	return s
}

// stemFilter is Bleve's Dutch snowball stemmer filter with a cache: text
// repeats its words, and stemming is a large share of analysis. The
// stemmer is the last filter of the text analyzer, so a token's term may
// share the cached bytes (nothing changes a term after it).
type stemFilter struct {
	mu    sync.RWMutex
	stems map[string][]byte
}

const maxCachedStems = 100_000

func newStemFilter() *stemFilter { return &stemFilter{stems: make(map[string][]byte)} }

func (f *stemFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		f.mu.RLock()
		s, ok := f.stems[string(t.Term)]
		f.mu.RUnlock()
		if !ok {
			st := stem(string(t.Term))
			if st == string(t.Term) {
				s = nil // unchanged: nothing to share
			} else {
				s = []byte(st)
			}
			f.mu.Lock()
			if len(f.stems) >= maxCachedStems {
				clear(f.stems)
			}
			f.stems[string(t.Term)] = s
			f.mu.Unlock()
		}
		if s != nil {
			t.Term = s
		}
	}
	return in
}

// stem is the Dutch snowball stemmer the text analyzer uses.
func stem(w string) string {
	env := snowballstem.NewEnv(w)
	dutch.Stem(env)
	return env.Current()
}

// Decompounding. Dutch writes compounds as one word ("buurtwerk",
// "armoedebestrijding"); the stemmer does not split them. The decompounder
// splits a word into dictionary words that cover it completely, allowing the
// Dutch linking sounds ("s", "e", "en", "er") between parts and a few
// inflection suffixes after the last part, and emits the parts as extra
// tokens at the word's position. Because the complete word must be covered,
// it avoids most of the false splits that a plain substring search produces
// (as Bleve's dict_compound filter does).

const (
	minPartLen = 4 // parts shorter than this are not split off
	maxWordLen = 40
)

var (
	linkMorphemes = []string{"", "s", "e", "en", "er"}
	partSuffixes  = []string{"s", "en", "e", "es", "er", "ers", "eren", "ing", "ingen", "tje", "tjes", "je", "jes", "heid", "heden", "ster", "sters"}
)

type decompounder struct {
	dict analysis.TokenMap

	mu    sync.Mutex
	cache map[string][]span
}

// span is a part of a word: its dictionary form and its byte range in the word.
type span struct {
	part       string
	start, end int
}

func newDecompounder(dict analysis.TokenMap) *decompounder {
	return &decompounder{dict: dict, cache: make(map[string][]span)}
}

func (d *decompounder) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, t := range in {
		if len(t.Term) <= minPartLen {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		parts := d.split(string(t.Term))
		if len(parts) == 0 {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = make(analysis.TokenStream, 0, len(in)+len(parts)*2)
			out = append(out, in[:i]...)
		}
		out = append(out, t)
		exact := t.End-t.Start == len(t.Term) // offsets can be mapped into the word
		for _, p := range parts {
			nt := &analysis.Token{Term: []byte(p.part), Position: t.Position, Start: t.Start, End: t.End, Type: t.Type}
			if exact {
				nt.Start, nt.End = t.Start+p.start, t.Start+p.end
			}
			out = append(out, nt)
		}
	}
	if out == nil {
		return in
	}
	return out
}

// split returns the extra tokens for a word: its compound parts (and theirs,
// recursively) and its dictionary form when it is an inflected dictionary
// word ("mantelzorgers" -> "mantelzorg"); nil when there are none.
func (d *decompounder) split(w string) []span {
	if len(w) < minPartLen+1 || len(w) > maxWordLen {
		return nil
	}
	d.mu.Lock()
	parts, ok := d.cache[w]
	d.mu.Unlock()
	if ok {
		return parts
	}
	parts = d.splitUncached(w)
	d.mu.Lock()
	if len(d.cache) > 200_000 {
		d.cache = make(map[string][]span)
	}
	d.cache[w] = parts
	d.mu.Unlock()
	return parts
}

func (d *decompounder) splitUncached(w string) []span {
	var out []span
	seen := make(map[span]bool)
	add := func(s span) {
		if s.part != w && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	top := d.topSplit(w)
	for _, p := range top {
		add(p)
	}
	for _, p := range top {
		for _, sub := range d.split(p.part) {
			add(span{part: sub.part, start: p.start + sub.start, end: p.start + sub.end})
		}
	}
	if l := d.lemma(w); l != "" {
		add(span{part: l, start: 0, end: len(l)})
	}
	return out
}

// topSplit is the best split of w into at least two parts: the fewest
// parts, the longest first part on a tie; nil if w is not a compound. The
// word itself may be in the dictionary.
func (d *decompounder) topSplit(w string) []span {
	n := len(w)
	if n < 2*minPartLen || n > maxWordLen {
		return nil
	}
	memo := make(map[int][]span)
	var best []span
	for j := n - minPartLen; j >= minPartLen; j-- {
		p := w[:j]
		if !d.dict[p] {
			continue
		}
		for _, link := range linkMorphemes {
			k := j + len(link)
			if k > n-minPartLen || w[j:k] != link {
				continue
			}
			if rest := d.segment(w, k, memo); rest != nil && (best == nil || len(rest)+1 < len(best)) {
				best = append([]span{{p, 0, j}}, rest...)
			}
		}
	}
	return best
}

// lemma is the dictionary word that w inflects (w = word + suffix), or "".
func (d *decompounder) lemma(w string) string {
	for j := len(w) - 1; j >= minPartLen; j-- {
		if d.dict[w[:j]] && isSuffix(w[j:]) {
			return w[:j]
		}
	}
	return ""
}

func isSuffix(s string) bool {
	for _, suf := range partSuffixes {
		if s == suf {
			return true
		}
	}
	return false
}

// segment finds the segmentation of w[i:] into the fewest dictionary parts
// (longest first part on a tie); nil if there is none.
func (d *decompounder) segment(w string, i int, memo map[int][]span) []span {
	if r, ok := memo[i]; ok {
		return r
	}
	var best []span
	n := len(w)
	for j := n; j >= i+minPartLen; j-- {
		p := w[i:j]
		if !d.dict[p] {
			continue
		}
		if j == n {
			best = []span{{p, i, j}}
			break // one part covering the rest cannot be beaten
		}
		if isSuffix(w[j:]) {
			best = []span{{p, i, j}}
			break
		}
		for _, link := range linkMorphemes {
			k := j + len(link)
			if k > n-minPartLen || w[j:k] != link {
				continue
			}
			if rest := d.segment(w, k, memo); rest != nil && (best == nil || len(rest)+1 < len(best)) {
				best = append([]span{{p, i, j}}, rest...)
			}
		}
	}
	memo[i] = best
	return best
}

// Dictionary.

// dictionary returns the sorted decompounding dictionary: the base word list
// shipped with the package, the vocabulary of the action plan, and extra
// (e.g. the corpus vocabulary at Rebuild).
func dictionary(plan *actionplan.Plan, extra []string) []string {
	set := make(map[string]struct{})
	add := func(w string) {
		w = fold(w)
		if utf8.RuneCountInString(w) < minPartLen || len(w) > 20 || isStopWord(w) || !isWord(w) {
			return
		}
		set[w] = struct{}{}
	}
	for _, w := range baseParts {
		add(w)
	}
	for _, w := range planVocabulary(plan) {
		add(w)
	}
	for _, w := range extra {
		add(w)
	}
	out := make([]string, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

func isWord(w string) bool {
	for _, r := range w {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

var stopWords = func() map[string]bool {
	m := make(map[string]bool)
	tm := analysis.NewTokenMap()
	_ = tm.LoadBytes(nl.DutchStopWords)
	for w := range tm {
		m[fold(w)] = true
	}
	return m
}()

func isStopWord(w string) bool { return stopWords[w] }

// planVocabulary is every word of the plan's names, titles, descriptions
// and initiatives.
func planVocabulary(plan *actionplan.Plan) []string {
	if plan == nil {
		return nil
	}
	var texts []string
	for _, k := range plan.Krachtlijnen {
		texts = append(texts, k.Name, k.Description)
	}
	for _, c := range plan.Challenges {
		texts = append(texts, c.Name, c.Title)
		for _, a := range c.Actions {
			texts = append(texts, a.Title, a.Description)
			for _, in := range a.Initiatives {
				texts = append(texts, in.Text)
			}
		}
	}
	for _, f := range plan.Functions {
		texts = append(texts, f.Name, f.Description)
	}
	for _, d := range plan.ImpactDomains {
		texts = append(texts, d.Name, d.Description)
	}
	var words []string
	for _, t := range texts {
		words = append(words, words_(t)...)
	}
	return words
}

// words_ splits text into lower-cased, folded words.
func words_(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for i, w := range f {
		f[i] = fold(w)
	}
	return f
}
