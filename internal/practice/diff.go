package practice

import (
	"encoding/json"
	"reflect"
)

// Change is one revision of a practice with the fields it changed.
type Change struct {
	Revision
	// ChangedFields are the v1 fields in which this revision differs from
	// the one before it (for the first, every field that has a value).
	ChangedFields []string
}

// Changes pairs every revision of a history (oldest first, as the store
// gives it) with its changed fields, comparing consecutive revisions in one
// pass: each revision's fields are taken apart once.
func Changes(history []Revision) []Change {
	out := make([]Change, len(history))
	before := fieldsOf(nil)
	for i := range history {
		after := fieldsOf(&history[i].Content)
		out[i] = Change{Revision: history[i], ChangedFields: changedBetween(before, after)}
		before = after
	}
	return out
}

func changedBetween(before, after map[string]string) []string {
	changed := []string{}
	for _, name := range contentFieldNames {
		if !reflect.DeepEqual(before[name], after[name]) {
			changed = append(changed, name)
		}
	}
	return changed
}

// contentFieldNames are the v1 names of Content's fields in declaration order.
var contentFieldNames = func() []string {
	t := reflect.TypeFor[Content]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, jsonName(t.Field(i)))
	}
	return names
}()

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	for i := 0; i < len(tag); i++ {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	return tag
}

// fieldsOf maps each v1 field with a value to its JSON form.
func fieldsOf(c *Content) map[string]string {
	out := map[string]string{}
	if c == nil {
		return out
	}
	v := reflect.ValueOf(*c)
	for i := range v.NumField() {
		f := v.Field(i)
		if f.IsZero() || (f.Kind() == reflect.Slice && f.Len() == 0) {
			continue
		}
		b, _ := json.Marshal(f.Interface())
		out[jsonName(v.Type().Field(i))] = string(b)
	}
	return out
}
