package search

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// A docBuilder makes the Bleve document of a doc as the index mapping
// would (mapping.MapDocument), without walking the struct by reflection for
// every practice: the fields of each property, their options and analyzers
// are read from the mapping once. TestDocBuilderAsMapping checks that both
// make the same documents.
type docBuilder struct {
	props map[string]map[string][]fieldSpec // per document type (language)
}

type fieldSpec struct {
	name     string
	opts     index.FieldIndexingOptions
	analyzer analysis.Analyzer
}

func newDocBuilder(m mapping.IndexMapping) (*docBuilder, error) {
	im, ok := m.(*mapping.IndexMappingImpl)
	if !ok {
		return nil, fmt.Errorf("search: unexpected mapping type %T", m)
	}
	b := &docBuilder{props: make(map[string]map[string][]fieldSpec)}
	for lang := range languageAnalyzers {
		typ := docTypeOf(lang)
		dm := im.TypeMapping[typ]
		if dm == nil {
			return nil, fmt.Errorf("search: the mapping has no %q type", typ)
		}
		props := make(map[string][]fieldSpec)
		for prop, sub := range dm.Properties {
			if !sub.Enabled {
				continue
			}
			for _, fm := range sub.Fields {
				if fm.Type != "text" {
					return nil, fmt.Errorf("search: field %s of type %s", fm.Name, fm.Type)
				}
				a := im.AnalyzerNamed(fm.Analyzer)
				if a == nil {
					return nil, fmt.Errorf("search: field %s: unknown analyzer %q", fm.Name, fm.Analyzer)
				}
				props[prop] = append(props[prop], fieldSpec{name: fm.Name, opts: fm.Options(), analyzer: a})
			}
		}
		b.props[typ] = props
	}
	return b, nil
}

// arrayPositions[i] are the array positions of the i-th value of a list.
var arrayPositions = func() (out [MaxArrayValues][]uint64) {
	for i := range out {
		out[i] = []uint64{uint64(i)}
	}
	return
}()

// MaxArrayValues is more than any list of a practice holds (validation
// caps lists at 30 items; years span at most 2100-1970).
const MaxArrayValues = 256

var noArrayPositions = []uint64{}

// practice returns the document of the live practice p and the texts its
// words come from (doc.texts).
func (b *docBuilder) practice(p practice.Practice, plan *actionplan.Plan) (*document.Document, []string) {
	d, texts := toDoc(p, plan)
	return b.build(p.ID, &d), texts
}

// build returns the document of d, in the order MapDocument adds fields:
// the properties of doc in declaration order.
func (b *docBuilder) build(id string, d *doc) *document.Document {
	out := document.NewDocument(id)
	props := b.props[d.BleveType()]
	one := func(prop, v string) {
		for _, f := range props[prop] {
			out.AddField(document.NewTextFieldCustom(f.name, noArrayPositions, []byte(v), f.opts, f.analyzer))
		}
	}
	many := func(prop string, vs []string) {
		for i, v := range vs {
			pos := []uint64{uint64(i)}
			if i < MaxArrayValues {
				pos = arrayPositions[i]
			}
			for _, f := range props[prop] {
				out.AddField(document.NewTextFieldCustom(f.name, pos, []byte(v), f.opts, f.analyzer))
			}
		}
	}
	one("title", d.Title)
	one("summary", d.Summary)
	one("description", d.Description)
	many("successFactors", d.SuccessFactors)
	many("pitfalls", d.Pitfalls)
	many("bottlenecks", d.Bottlenecks)
	many("targetGroups", d.TargetGroups)
	many("settings", d.Settings)
	many("organisations", d.Organisations)
	many("municipalities", d.Municipalities)
	one("body", d.Body)
	many("suggest", d.Suggest)
	many("krachtlijnen", d.Krachtlijnen)
	many("challenges", d.Challenges)
	many("actions", d.Actions)
	one("region", d.Region)
	many("yearKey", d.YearKeys)
	one("seq", d.Seq)
	one("sortDate", d.SortDate)
	one("sortTitle", d.SortTitle)
	one("language", d.Language)
	out.SetIndexed()
	return out
}
