package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
)

// FieldLimit refuses documents that select more than max fields once their
// fragments are expanded, before they are validated: validation, the depth
// and the complexity limit all walk the expanded selections, so a small
// document whose fragments spread each other twice over (a "fragment bomb")
// or thousands of copies of one field would otherwise cost exponential or
// quadratic time before any limit answers. Fragments are counted once each
// (memoised), so the check itself is linear in the document. tokens is the
// parser's token limit (0: none).
func FieldLimit(max, tokens int) graphql.HandlerExtension {
	return fieldLimit{max: max, tokens: tokens}
}

type fieldLimit struct{ max, tokens int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = fieldLimit{}

func (fieldLimit) ExtensionName() string                   { return "FieldLimit" }
func (fieldLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l fieldLimit) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, l.tokens)
	if err != nil {
		return nil // the executor parses again and reports it
	}
	if n := expandedFields(doc, l.max); n > l.max {
		return &gqlerror.Error{
			Message:    "de query selecteert te veel velden",
			Extensions: map[string]any{"code": graph.CodeBadUserInput, "maxFields": l.max},
		}
	}
	return nil
}

// expandedFields counts the field selections of every operation with
// fragments expanded, stopping a little above limit.
func expandedFields(doc *ast.QueryDocument, limit int) int {
	memo := map[string]int{}
	visiting := map[string]bool{}
	var count func(set ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				n += 1 + count(s.SelectionSet)
			case *ast.InlineFragment:
				n += count(s.SelectionSet)
			case *ast.FragmentSpread:
				v, ok := memo[s.Name]
				if !ok {
					f := doc.Fragments.ForName(s.Name)
					if f == nil || visiting[s.Name] {
						continue // unknown or cyclic: validation refuses it
					}
					visiting[s.Name] = true
					v = count(f.SelectionSet)
					delete(visiting, s.Name)
					memo[s.Name] = v
				}
				n += v
			}
			if n > limit {
				return limit + 1
			}
		}
		return n
	}
	total := 0
	for _, op := range doc.Operations {
		total += count(op.SelectionSet)
		if total > limit {
			return limit + 1
		}
	}
	return total
}
