// Package search is the full-text index of Praktijkenbank: a Bleve index
// derived from the store. Practices are analysed in Dutch by package dutch
// (folding, stop words, stemming, decompounding), French and English ones
// with their own language's analyzers; the index follows the store's
// change feed, reconciles with the store on start and is rebuilt when
// absent, corrupt or of another mapping version. Queries are built as
// Bleve query objects: user input never reaches Bleve's query syntax.
//
// One search, Index.Search (search.go), from query to answer:
//
//	Request ─ validate ─────── request.go, cursor.go   limits, sort, cursor
//	        ─ cache ────────── cache.go                the same search since the last write
//	        ─ read ─────────── querysyntax.go          words, "phrases", -exclusions, OF/OR
//	        ─ analyse ──────── analyse.go              stems, compound parts, dictionary forms
//	                           languages.go            the words' French and English terms
//	        ─ expand ───────── expand.go               prefixes and typos from the vocabulary (package vocab)
//	                           variants.go             synonyms (package thesaurus), derivations,
//	                                                   splits, joins
//	        ─ build ────────── build.go                a Bleve query: every word wanted, or
//	                                                   relaxed to some (Result.Partial)
//	        ─ match, count ─── termwise.go             the text's matches and BM25 scores, term
//	                                                   at a time (Bleve's searchers for phrases)
//	                           onepass.go              filter, facets, total and page from
//	                           doctable.go             the doc table
//	                           bitset.go               (its rows per facet value, the matches' rows)
//	        ─ rescore ──────── rescore.go              a phrase bonus in the best 100
//	        ─ highlight ────── highlight.go            marks per field, in the practice's language
//	        ─ did you mean ─── didyoumean.go           a close known word that finds other practices
//	Result
//
// The types along the way: Request (what a caller asks) becomes request
// (validated, with its analysed words qword and clauses qclause), a Bleve
// query, the matches (docEntry of the doc table, with a score), and Result
// with its Hits.
//
// Indexing, Index.Apply and Index.Reconcile (index.go): a
// practice.Practice becomes a doc (mapping.go: the one index document,
// typed per language), which docbuild.go turns into Bleve's
// document.Document for the mapping (analysis.go: the analyzers and the
// decompounding dictionary); each write also updates the doc table
// (doctable.go: filter, facet and sort values) and the vocabulary (package
// vocab: the indexed words as written; vocab.go reads and saves it beside
// the index). rebuild.go builds a new index beside the old one; check.go
// compares the index with the store; similar.go answers "more like this"
// (Similar) and completions (Suggest).
package search
