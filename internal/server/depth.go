package server

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// operationDepth is how deep op nests fields, fragments expanded, leaving
// out introspection.
func operationDepth(doc *ast.QueryDocument, op *ast.OperationDefinition) int {
	return selectionDepth(withoutIntrospection(op.SelectionSet), doc.Fragments, 0, map[string]bool{})
}

// withoutIntrospection drops the root fields __schema and __type: their depth
// is bounded by the schema (GraphiQL's introspection query is 15 deep), and
// introspection itself can be turned off by configuration.
func withoutIntrospection(set ast.SelectionSet) ast.SelectionSet {
	out := make(ast.SelectionSet, 0, len(set))
	for _, sel := range set {
		if f, ok := sel.(*ast.Field); ok && (f.Name == "__schema" || f.Name == "__type") {
			continue
		}
		out = append(out, sel)
	}
	return out
}

func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int, visiting map[string]bool) int {
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, frags, depth+1, visiting)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, depth, visiting)
		case *ast.FragmentSpread:
			if visiting[s.Name] {
				continue // cycles are refused by validation; don't loop here
			}
			if f := frags.ForName(s.Name); f != nil {
				visiting[s.Name] = true
				d = selectionDepth(f.SelectionSet, frags, depth, visiting)
				delete(visiting, s.Name)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
