package search

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// TestDocBuilderAsMapping: the documents the builder makes are those Bleve's
// mapping makes of the same doc, field for field (names, values, array
// positions, options, analyzers), for the test corpus and generated practices.
func TestDocBuilderAsMapping(t *testing.T) {
	m, err := buildMapping(dictionary(testPlan(), nil))
	if err != nil {
		t.Fatal(err)
	}
	b, err := newDocBuilder(m)
	if err != nil {
		t.Fatal(err)
	}
	describe := func(d *document.Document) []string {
		var out []string
		d.VisitFields(func(f index.Field) {
			tf := f.(*document.TextField)
			out = append(out, fmt.Sprintf("%s%v=%q opts=%v analyzer=%p", f.Name(), f.ArrayPositions(), f.Value(), f.Options(), tf.Analyzer()))
		})
		return out
	}
	corpus := append(loadCorpus(t), GenerateCorpus(200, 4)...)
	for _, p := range corpus {
		d, _ := toDoc(p, testPlan())
		want := document.NewDocument(p.ID)
		if err := m.MapDocument(want, d); err != nil {
			t.Fatal(err)
		}
		got := b.build(p.ID, &d)
		if g, w := describe(got), describe(want); !reflect.DeepEqual(g, w) {
			t.Fatalf("%s:\n got %d fields %v\nwant %d fields %v", p.ID, len(g), g, len(w), w)
		}
	}
}
