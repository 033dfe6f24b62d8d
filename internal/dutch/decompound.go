package dutch

import (
	"slices"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the Bleve components of this package are registered.
// They are part of a stored mapping: renaming one changes the mapping.
const (
	FoldFilterName       = "pb_fold"       // ASCII folding of a token's term (keeps offsets)
	StemFilterName       = "pb_stem_nl"    // the Dutch snowball stemmer, with a cache
	DecompoundFilterName = "pb_decompound" // dictionary decompounding; config "dict_token_map": a token map's name
)

func init() {
	registry.RegisterTokenFilter(FoldFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
	registry.RegisterTokenFilter(StemFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return newStemFilter(), nil
	})
	registry.RegisterTokenFilter(DecompoundFilterName, func(config map[string]interface{}, cache *registry.Cache) (analysis.TokenFilter, error) {
		name, _ := config["dict_token_map"].(string)
		tm, err := cache.TokenMapNamed(name)
		if err != nil {
			return nil, err
		}
		return newDecompounder(tm), nil
	})
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
	// MinPartLen is the shortest part split off a word.
	MinPartLen = 4
	maxWordLen = 40
)

var (
	// LinkMorphemes are the linking sounds allowed between two parts.
	LinkMorphemes = []string{"", "s", "e", "en", "er"}
	partSuffixes  = []string{"s", "en", "e", "es", "er", "ers", "eren", "ing", "ingen", "tje", "tjes", "je", "jes", "heid", "heden", "ster", "sters"}
)

// Decompounder splits Dutch compounds over a dictionary; as a Bleve token
// filter it adds their parts as tokens. It is safe for concurrent use.
type Decompounder struct {
	dict analysis.TokenMap

	mu    sync.Mutex
	cache map[string][]Part
}

// Part is a part of a word: its dictionary form and its byte range in the word.
type Part struct {
	Word       string
	Start, End int
}

func newDecompounder(dict analysis.TokenMap) *Decompounder {
	return &Decompounder{dict: dict, cache: make(map[string][]Part)}
}

// NewDecompounder returns a decompounder over the dictionary words (folded,
// as Dictionary returns them).
func NewDecompounder(words []string) *Decompounder {
	tm := analysis.NewTokenMap()
	for _, w := range words {
		tm.AddToken(w)
	}
	return newDecompounder(tm)
}

func (d *Decompounder) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, t := range in {
		if len(t.Term) <= MinPartLen {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		parts := d.Split(string(t.Term))
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
			nt := &analysis.Token{Term: []byte(p.Word), Position: t.Position, Start: t.Start, End: t.End, Type: t.Type}
			if exact {
				nt.Start, nt.End = t.Start+p.Start, t.Start+p.End
			}
			out = append(out, nt)
		}
	}
	if out == nil {
		return in
	}
	return out
}

// Split returns the extra tokens for a word: its compound parts (and theirs,
// recursively) and its dictionary form when it is an inflected dictionary
// word ("mantelzorgers" -> "mantelzorg"); nil when there are none.
func (d *Decompounder) Split(w string) []Part {
	if len(w) < MinPartLen+1 || len(w) > maxWordLen {
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
		d.cache = make(map[string][]Part)
	}
	d.cache[w] = parts
	d.mu.Unlock()
	return parts
}

func (d *Decompounder) splitUncached(w string) []Part {
	var out []Part
	seen := make(map[Part]bool)
	add := func(s Part) {
		if s.Word != w && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	top := d.TopSplit(w)
	for _, p := range top {
		add(p)
	}
	for _, p := range top {
		for _, sub := range d.Split(p.Word) {
			add(Part{Word: sub.Word, Start: p.Start + sub.Start, End: p.Start + sub.End})
		}
	}
	if l := d.Lemma(w); l != "" {
		add(Part{Word: l, Start: 0, End: len(l)})
	}
	return out
}

// TopSplit is the best split of w into at least two parts: the fewest
// parts, the longest first part on a tie; nil if w is not a compound. The
// word itself may be in the dictionary.
func (d *Decompounder) TopSplit(w string) []Part {
	n := len(w)
	if n < 2*MinPartLen || n > maxWordLen {
		return nil
	}
	memo := make(map[int][]Part)
	var best []Part
	for j := n - MinPartLen; j >= MinPartLen; j-- {
		p := w[:j]
		if !d.dict[p] {
			continue
		}
		for _, link := range LinkMorphemes {
			k := j + len(link)
			if k > n-MinPartLen || w[j:k] != link {
				continue
			}
			if rest := d.segment(w, k, memo); rest != nil && (best == nil || len(rest)+1 < len(best)) {
				best = append([]Part{{p, 0, j}}, rest...)
			}
		}
	}
	return best
}

// Lemma is the dictionary word that w inflects (w = word + suffix), or "".
func (d *Decompounder) Lemma(w string) string {
	if _, ok := stemOverrides[w]; ok {
		return "" // a word of its own (ouderen is no inflection of ouder)
	}
	for j := len(w) - 1; j >= MinPartLen; j-- {
		if d.dict[w[:j]] && isSuffix(w[j:]) {
			return w[:j]
		}
	}
	return ""
}

func isSuffix(s string) bool { return slices.Contains(partSuffixes, s) }

// segment finds the segmentation of w[i:] into the fewest dictionary parts
// (longest first part on a tie); nil if there is none.
func (d *Decompounder) segment(w string, i int, memo map[int][]Part) []Part {
	if r, ok := memo[i]; ok {
		return r
	}
	var best []Part
	n := len(w)
	for j := n; j >= i+MinPartLen; j-- {
		p := w[i:j]
		if !d.dict[p] {
			continue
		}
		if j == n {
			best = []Part{{p, i, j}}
			break // one part covering the rest cannot be beaten
		}
		if isSuffix(w[j:]) {
			best = []Part{{p, i, j}}
			break
		}
		for _, link := range LinkMorphemes {
			k := j + len(link)
			if k > n-MinPartLen || w[j:k] != link {
				continue
			}
			if rest := d.segment(w, k, memo); rest != nil && (best == nil || len(rest)+1 < len(best)) {
				best = append([]Part{{p, i, j}}, rest...)
			}
		}
	}
	memo[i] = best
	return best
}

// Dictionary returns the sorted decompounding dictionary: BaseParts and
// the words given (folded, at least MinPartLen letters, at most 20 bytes,
// a-z only, no stop words).
func Dictionary(words ...[]string) []string {
	set := make(map[string]struct{})
	add := func(w string) {
		w = Fold(w)
		if utf8.RuneCountInString(w) < MinPartLen || len(w) > 20 || IsStopWord(w) || !isWord(w) {
			return
		}
		set[w] = struct{}{}
	}
	for _, w := range BaseParts {
		add(w)
	}
	for _, ws := range words {
		for _, w := range ws {
			add(w)
		}
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
