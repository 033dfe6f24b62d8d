// Package dutch is the Dutch text analysis of Praktijkenbank, shared by the
// search index and the insight groupings: folding (lower case, diacritics
// to ASCII), the stop words, the snowball stemmer, word splitting and
// dictionary decompounding.
//
// The plain functions serve code that analyses text itself:
//
//	Fold        "Ideeën" -> "ideeen"
//	Words       "Labo's: ideeën!" -> "labo", "s", "ideeen"
//	IsStopWord  "de", "voor", "niet", … (Bleve's Dutch list, folded)
//	Stem        "jongeren" -> "jonger"
//	Decompounder.TopSplit  "armoedebestrijding" -> "armoede" + "bestrijding"
//
// The same steps are Bleve analysis components, registered under the names
// below for the index mapping: Tokenizer (TokenizerName), the fold filter
// (FoldFilterName), the cached stemmer (StemFilterName) and the
// decompounder (DecompoundFilterName) over a dictionary token map
// (Dictionary). Their names are part of a stored mapping: renaming one
// changes the index's mapping.
package dutch
