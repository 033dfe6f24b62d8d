package graph

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph/model"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// The GraphQL input PracticeFilter has the filter table's fields, by the
// table's names, in the order of filter.Filter (filterOf converts one into
// the other).
func TestPracticeFilterIsTheFilter(t *testing.T) {
	typ := reflect.TypeOf(model.PracticeFilter{})
	if typ.NumField() != len(filter.Fields) {
		t.Fatalf("PracticeFilter has %d fields, the filter %d", typ.NumField(), len(filter.Fields))
	}
	for i, fl := range filter.Fields {
		if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ","); name != fl.Name {
			t.Errorf("field %d: GraphQL %q, filter %q", i, name, fl.Name)
		}
	}
	from := 2020
	f := filterOf(&model.PracticeFilter{Regions: []string{"limburg"}, Settings: []string{"OCMW"}, FromYear: &from})
	if !reflect.DeepEqual(f, filter.Filter{Regions: []string{"limburg"}, Settings: []string{"OCMW"}, FromYear: &from}) {
		t.Errorf("filterOf: %+v", f)
	}
	if !reflect.DeepEqual(filterOf(nil), filter.Filter{}) {
		t.Errorf("filterOf(nil): %+v", filterOf(nil))
	}
}

// A refused filter value is BAD_USER_INPUT with the input field and the
// reason, however deep the domain wrapped it.
func TestFilterErrorPresented(t *testing.T) {
	fe := &filter.Error{Field: "regions", Value: "nergens", Code: "UNKNOWN_REGION", Message: "Onbekende regio: „nergens”."}
	e := presenter(slog.New(slog.DiscardHandler))(context.Background(), fmt.Errorf("%w: %w", bank.ErrInvalid, fe))
	if e.Extensions["code"] != CodeBadUserInput || e.Extensions["field"] != "filter.regions" || e.Extensions["reason"] != "UNKNOWN_REGION" ||
		!strings.Contains(e.Message, "Onbekende regio") {
		t.Errorf("presented as %q %v", e.Message, e.Extensions)
	}
}
