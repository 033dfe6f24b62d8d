package search

// withoutRescoring leaves the phrase rescoring (rescore.go) out of the
// index's searches: for the tests that compare a search with Bleve's own
// ranking, which knows no rescoring.
func withoutRescoring() Option { return func(ix *Index) { ix.rescoring = false } }
