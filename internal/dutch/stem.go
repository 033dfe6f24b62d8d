package dutch

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/snowballstem"
	snowball "github.com/blevesearch/snowballstem/dutch"
)

// Stem is the snowball Dutch stem of a folded word, or its override.
func Stem(w string) string {
	if s, ok := stemOverrides[w]; ok {
		return s
	}
	env := snowballstem.NewEnv(w)
	snowball.Stem(env)
	return env.Current()
}

// stemOverrides are the stems of words that snowball joins to words of
// another meaning: ouderen (the elderly) would stem as ouders (parents),
// two of the groups social work speaks of most.
var stemOverrides = map[string]string{
	"ouderen": "oudere",
	"oudere":  "oudere",
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
			st := Stem(string(t.Term))
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
