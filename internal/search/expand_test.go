package search

import (
	"errors"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
)

// failingDict ends its terms with an error, as a damaged index would.
type failingDict struct {
	terms  []string
	closed *bool
}

var errDict = errors.New("dictionary read failed")

func (d *failingDict) Next() (*index.DictEntry, error) {
	if len(d.terms) == 0 {
		return nil, errDict
	}
	e := &index.DictEntry{Term: d.terms[0], Count: 1}
	d.terms = d.terms[1:]
	return e, nil
}

func (d *failingDict) Cardinality() int  { return len(d.terms) }
func (d *failingDict) BytesRead() uint64 { return 0 }
func (d *failingDict) Close() error      { *d.closed = true; return nil }

// failingPrefixReader serves prefix dictionaries that fail.
type failingPrefixReader struct {
	index.IndexReader
	closed bool
}

func (r *failingPrefixReader) FieldDictPrefix(field string, prefix []byte) (index.FieldDict, error) {
	return &failingDict{terms: []string{string(prefix) + "en"}, closed: &r.closed}, nil
}

// TestExpandWordsReportsDictionaryErrors: a dictionary that fails while
// being read fails the expansion (rather than expanding to fewer words) and
// is closed.
func TestExpandWordsReportsDictionaryErrors(t *testing.T) {
	ix, _ := openFilled(t, newMemSource(loadCorpus(t)...))
	err := withReader(ix.bl, func(rd index.IndexReader) error {
		r := &failingPrefixReader{IndexReader: rd}
		err := expandWords(r, ix.analyzeQuery("mantelzorger"))
		if !r.closed {
			t.Error("prefix dictionary not closed")
		}
		return err
	})
	if !errors.Is(err, errDict) {
		t.Errorf("expandWords: %v, want the dictionary's error", err)
	}
}

// TestExpandWordsCap: a word that starts more indexed words than maxNear
// expands to maxNear of them.
func TestExpandWordsCap(t *testing.T) {
	var ps = GenerateCorpus(1, 1)
	p := ps[0]
	p.Description = ""
	for i := range 3 * maxNear {
		p.Description += " zorgverlening" + string(rune('a'+i/26)) + string(rune('a'+i%26))
	}
	ix, _ := openFilled(t, newMemSource(p))
	words := ix.analyzeQuery("zorgverlening")
	if err := withReader(ix.bl, func(rd index.IndexReader) error { return expandWords(rd, words) }); err != nil {
		t.Fatal(err)
	}
	if len(words) != 1 || len(words[0].near) != maxNear {
		t.Fatalf("near %d, want %d", len(words[0].near), maxNear)
	}
}
