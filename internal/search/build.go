package search

import "github.com/blevesearch/bleve/v2/search/query"

// Query building. Every query is built from Bleve query objects; user text
// only ever becomes terms or analysed phrase text, never query syntax.

func term(field, t string, boost float64) query.Query {
	q := query.NewTermQuery(t)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

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
// (title and summary boosted); its compound parts all together; its dictionary form;
// the indexed words it starts and, for a typo, those one edit away (near);
// its alternatives (variants.go); relaxed, its compound parts alone; all
// scored below exact matches.
func wordQuery(w qword, relaxed bool) query.Query {
	dis := []query.Query{
		term(fAll, w.whole, 1),
		term(fTitle, w.whole, 2),
		term(fSummary, w.whole, summaryBoost),
	}
	if len(w.parts) > 1 {
		// All the parts, below the word: Bleve weighs the terms of a
		// compound query by their own boosts only, so the parts' boost is
		// on each term.
		var conj []query.Query
		for _, p := range w.parts {
			// A part in the summary adds to it, less than the word
			// there would (buurtontmoeting: "een ontmoetingsplek voor
			// de buurt").
			alt := []query.Query{term(fAll, p.stem, partsBoost), term(fSummary, p.stem, partsBoost*summaryBoost/2)}
			for _, a := range p.alts {
				a.boost *= partsBoost
				alt = append(alt, altQuery(a))
			}
			if len(p.subs) > 1 {
				var sc []query.Query
				for _, s := range p.subs {
					sc = append(sc, term(fAll, s, partsBoost))
				}
				alt = append(alt, query.NewConjunctionQuery(sc))
			}
			conj = append(conj, query.NewDisjunctionQuery(alt))
		}
		dis = append(dis, query.NewConjunctionQuery(conj))
		if relaxed {
			// A part alone, far below: a text may speak of the thing
			// without the compound ("energiearmoede": energiefacturen).
			for _, p := range w.parts {
				dis = append(dis, term(fAll, p.stem, partAloneBoost))
				for _, a := range p.alts {
					a.boost *= partAloneBoost
					dis = append(dis, altQuery(a))
				}
				for _, st := range p.starts {
					dis = append(dis, term(fAll, st, partAloneBoost*prefixBoost))
				}
			}
		}
	}
	if w.lemma != "" {
		dis = append(dis, term(fAll, w.lemma, 0.8))
	}
	for _, nt := range w.near {
		dis = append(dis, term(fAll, nt.stem, nt.boost))
		if w.typo && nt.boost == typoBoost {
			// The word meant: in the title and summary too, as the
			// word itself.
			dis = append(dis, term(fTitle, nt.stem, 2*nt.boost), term(fSummary, nt.stem, summaryBoost*nt.boost))
		}
	}
	for _, a := range w.alts {
		dis = append(dis, altQuery(a))
	}
	return query.NewDisjunctionQuery(dis)
}

// altQuery matches an alternative: all of its terms, in the practices of
// its language.
func altQuery(a qalt) query.Query {
	if len(a.terms) == 1 && a.lang == "" {
		return term(fAll, a.terms[0], a.boost)
	}
	// Bleve weighs the terms of a conjunction by their own boosts only.
	var conj []query.Query
	for _, t := range a.terms {
		conj = append(conj, term(fAll, t, a.boost))
	}
	if a.lang != "" {
		// Only in the practices of its language; the language term
		// adds nothing to the score.
		conj = append(conj, term(fLanguage, a.lang, 0))
	}
	return query.NewConjunctionQuery(conj)
}

// summaryBoost scores a word in the summary, which says what a practice
// does, above the same word further in its texts.
const summaryBoost = 1

// partsBoost scores a compound's parts together.
const partsBoost = 0.6

// partAloneBoost scores a compound's part alone, in a relaxed search.
const partAloneBoost = 0.15

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
