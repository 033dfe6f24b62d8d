package insight

import (
	"context"
	"reflect"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// TestDemoPracticesAreNotCounted loads the fixture with a demo copy of every
// practice beside it (read first), and expects every aggregation to be what
// the fixture alone gives; a demo practice that a real submission takes over
// counts from then on.
func TestDemoPracticesAreNotCounted(t *testing.T) {
	real := fixture(t)
	var withDemo []practice.Practice
	for i, p := range real {
		d := p
		d.Ref = "demo-" + p.Ref
		d.ID = practice.ID(p.Region, d.Ref)
		d.Demo = true
		d.Seq = uint64(100 + i)
		withDemo = append(withDemo, d)
	}
	withDemo = append(withDemo, real...)
	in := New(actionplan.Default)
	if err := in.Load(context.Background(), &memSource{ps: withDemo}); err != nil {
		t.Fatal(err)
	}
	want := loaded(t)
	if in.Len() != want.Len() {
		t.Fatalf("Len = %d, want %d (demo practices counted)", in.Len(), want.Len())
	}
	type answer struct {
		name string
		run  func(*Insight) (any, error)
	}
	for _, a := range []answer{
		{"factors", func(x *Insight) (any, error) { return x.Factors(FactorQuery{Kind: SuccessFactors, First: 50}) }},
		{"pitfalls", func(x *Insight) (any, error) { return x.Factors(FactorQuery{Kind: Pitfalls, First: 50}) }},
		{"distinctive", func(x *Insight) (any, error) {
			return x.Distinctive(DistinctiveQuery{Kind: SuccessFactors, Filter: filter.Filter{Regions: []string{"limburg"}}, MinSupport: 1, First: 50})
		}},
		{"coverage", func(x *Insight) (any, error) { return x.Coverage(DimAction, DimRegion, filter.Filter{}) }},
		{"report", func(x *Insight) (any, error) { return x.Report("antwerpen", 2022) }},
		{"action count", func(x *Insight) (any, error) { return x.ActionCount("vertrouwen-1", "antwerpen") }},
	} {
		got, err := a.run(in)
		if err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
		exp, err := a.run(want)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, exp) {
			t.Errorf("%s with demo practices beside:\n got %+v\nwant %+v", a.name, got, exp)
		}
	}

	// A real submission of the same region and ref makes a demo practice real.
	taken := withDemo[0]
	taken.Demo, taken.Seq, taken.Version = false, 200, 2
	before, _ := in.Coverage(DimRegion, DimKrachtlijn, filter.Filter{})
	in.Apply([]practice.Practice{taken})
	after, _ := in.Coverage(DimRegion, DimKrachtlijn, filter.Filter{})
	if in.Len() != want.Len()+1 || after.Total != before.Total+1 {
		t.Errorf("after a real submission took a demo practice over: len %d, total %d -> %d", in.Len(), before.Total, after.Total)
	}
	// Its demo version replayed late does not take it out again.
	in.Apply([]practice.Practice{withDemo[0]})
	if in.Len() != want.Len()+1 {
		t.Errorf("a stale demo version removed a real practice: len %d", in.Len())
	}
}
