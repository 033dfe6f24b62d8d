package search

import (
	"context"

	index "github.com/blevesearch/bleve_index_api"
)

// termCount is the number of documents with term in field.
func termCount(r index.IndexReader, field, t string) (uint64, error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(t), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}
