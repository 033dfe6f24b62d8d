package search

// withoutRescoring leaves the phrase rescoring (rescore.go) out of the
// index's searches: for the tests that compare a search with Bleve's own
// ranking, which knows no rescoring.
func withoutRescoring() Option { return func(ix *Index) { ix.rescoring = false } }

// withBleveMatching runs text queries on Bleve's searchers instead of
// termwise.go.
func withBleveMatching() Option { return func(ix *Index) { ix.bleveMatching = true } }

// withMaxPostings bounds the postings a search matches term at a time.
func withMaxPostings(n uint64) Option { return func(ix *Index) { ix.maxPostings = n } }

// withCachedPostingsFrom makes the postings cache (of the default size)
// keep lists of n postings and more: a test corpus has few as long as
// minCachedPostings.
func withCachedPostingsFrom(n int) Option {
	return func(ix *Index) {
		ix.postings = newPostingsCache(DefaultPostingsCacheBytes)
		ix.postings.least = n
	}
}

// WithBatchSize sets how many practices go in one index batch (default
// 500): tests fill an index in many batches.
func WithBatchSize(n int) Option {
	return func(ix *Index) {
		if n > 0 {
			ix.batchSize = n
		}
	}
}
