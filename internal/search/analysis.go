package search

import (
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// The analysis of the index: the Dutch steps of package dutch assembled
// into the mapping's analyzers. The names are part of the stored mapping:
// renaming one needs a MappingVersion bump.
const (
	partsTokenMapName  = "pb_parts"         // the decompounding dictionary (in the mapping)
	decompoundNLFilter = "pb_decompound_nl" // the decompounder over partsTokenMapName
	textAnalyzerName   = "pb_nl"            // Dutch: fold, decompound, stop words, stem
	rawAnalyzerName    = "pb_raw"           // lower-cased, folded words: fuzzy, suggest
)

// customAnalysis is the analysis section of the mapping: the analyzers and
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
		decompoundNLFilter: {"type": dutch.DecompoundFilterName, "dict_token_map": partsTokenMapName},
	}
	analyzers = map[string]map[string]interface{}{
		textAnalyzerName: {
			"type":          custom.Name,
			"tokenizer":     dutch.TokenizerName,
			"token_filters": []interface{}{lowercase.Name, dutch.FoldFilterName, decompoundNLFilter, nl.StopName, dutch.StemFilterName},
		},
		rawAnalyzerName: {
			"type":          custom.Name,
			"tokenizer":     dutch.TokenizerName,
			"token_filters": []interface{}{lowercase.Name, dutch.FoldFilterName},
		},
	}
	for name, cfg := range foreignAnalyzers() {
		analyzers[name] = cfg
	}
	return
}

// dictionary returns the sorted decompounding dictionary: package dutch's
// base parts, the vocabulary of the action plan, and extra (the corpus
// vocabulary at Rebuild).
func dictionary(plan *actionplan.Plan, extra []string) []string {
	return dutch.Dictionary(planVocabulary(plan), extra)
}

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
		words = append(words, dutch.Words(t)...)
	}
	return words
}

// storedDictionary is the decompounding dictionary of the mapping m, the
// one the index was built with (Rebuild may have added the corpus words),
// read from the mapping's own configuration.
func storedDictionary(m mapping.IndexMapping) ([]string, error) {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok {
		return nil, fmt.Errorf("search: unexpected mapping type %T", m)
	}
	tokens, ok := im.CustomAnalysis.TokenMaps[partsTokenMapName]["tokens"].([]interface{})
	if !ok {
		return nil, errors.New("search: the decompounding dictionary is missing from the stored mapping")
	}
	dict := make([]string, 0, len(tokens))
	for _, t := range tokens {
		w, ok := t.(string)
		if !ok {
			return nil, fmt.Errorf("search: a dictionary word of type %T in the stored mapping", t)
		}
		dict = append(dict, w)
	}
	return dict, nil
}
