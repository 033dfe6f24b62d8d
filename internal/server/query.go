package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
)

// Reasons (extensions.reason) of the requests the server's own limits refuse.
// Every such refusal has the code BAD_USER_INPUT, a Dutch message, the reason
// and the limit; gqlgen's complexity limit adds COMPLEXITY_LIMIT_EXCEEDED.
const (
	ReasonBodyTooLarge      = "BODY_TOO_LARGE"
	ReasonTokenLimit        = "TOKEN_LIMIT_EXCEEDED"
	ReasonFieldLimit        = "FIELD_LIMIT_EXCEEDED"
	ReasonRepeatedField     = "REPEATED_FIELD_LIMIT_EXCEEDED"
	ReasonDepthLimit        = "DEPTH_LIMIT_EXCEEDED"
	ReasonVariableLimit     = "VARIABLE_LIMIT_EXCEEDED"
	ReasonOperationNotFound = "OPERATION_NOT_FOUND"
)

// limitError is a request refused by one of the server's limits.
func limitError(reason string, limit int, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": graph.CodeBadUserInput, "reason": reason, "limit": limit},
	}
}

// queryLimits bound a query document before gqlparser validates it: the
// validation rules walk every expanded selection, some of them pairwise.
type queryLimits struct {
	tokens  int // parser tokens (0: none)
	fields  int // field selections with fragments expanded
	repeats int // fields of one response name in one selection set
	depth   int // nesting of the operation, introspection aside
}

// preflight finds the operation a request asks for, and refuses a document
// over the limits before anything validates or runs it. A document in the
// cache of validated documents passed the document's limits before; it is
// not parsed again.
func (l queryLimits) preflight(ctx context.Context, cache graphql.Cache[*ast.QueryDocument], query, operationName string) (*ast.OperationDefinition, *gqlerror.Error) {
	doc, ok := cache.Get(ctx, query)
	if !ok {
		var gqlErr *gqlerror.Error
		if doc, gqlErr = l.parse(query); gqlErr != nil {
			return nil, gqlErr
		}
	}
	op, gqlErr := operation(doc, operationName)
	if gqlErr != nil {
		return nil, gqlErr
	}
	// Per operation, so also for a document in the cache: it may have been
	// validated for another of its operations.
	if d := operationDepth(doc, op); d > l.depth {
		e := limitError(ReasonDepthLimit, l.depth, "de query is te diep genest: %d niveaus, hoogstens %d", d, l.depth)
		e.Extensions["depth"] = d
		return nil, e
	}
	return op, nil
}

// parse parses a query document within the limits of the whole document.
func (l queryLimits) parse(query string) (*ast.QueryDocument, *gqlerror.Error) {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, l.tokens)
	if err != nil {
		gqlErr, ok := err.(*gqlerror.Error)
		switch {
		case !ok:
			gqlErr = gqlerror.Wrap(err)
		case strings.HasPrefix(gqlErr.Message, "exceeded token limit"):
			return nil, limitError(ReasonTokenLimit, l.tokens, "de query is te lang: hoogstens %d tokens", l.tokens)
		case strings.HasPrefix(gqlErr.Message, "exceeded maximum nesting depth"):
			return nil, limitError(ReasonDepthLimit, l.depth, "de query is te diep genest: hoogstens %d niveaus", l.depth)
		}
		errcode.Set(gqlErr, errcode.ParseFailed)
		return nil, gqlErr
	}
	if n := expandedFields(doc, l.fields); n > l.fields {
		return nil, limitError(ReasonFieldLimit, l.fields, "de query selecteert te veel velden: hoogstens %d, fragmenten meegeteld", l.fields)
	}
	switch name, n := repeatedField(doc, l.repeats, l.fields); {
	case n < 0:
		return nil, limitError(ReasonFieldLimit, l.fields, "de query selecteert te veel velden: hoogstens %d, fragmenten meegeteld", l.fields)
	case n > 0:
		e := limitError(ReasonRepeatedField, l.repeats,
			"de query vraagt %q %d keer in één selectie; hoogstens %d keer (geef elk een eigen alias als de argumenten verschillen)", name, n, l.repeats)
		e.Extensions["field"] = name
		return nil, e
	}
	return doc, nil
}

// operation picks the operation named name from doc, or its only one.
func operation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *gqlerror.Error) {
	if op := doc.Operations.ForName(name); op != nil {
		return op, nil
	}
	names := make([]string, 0, len(doc.Operations))
	for _, op := range doc.Operations {
		n := op.Name
		if n == "" {
			n = "(naamloos)"
		}
		names = append(names, truncate(n, 64))
	}
	if len(names) > 5 {
		names = append(names[:5], "…")
	}
	var msg string
	switch {
	case len(doc.Operations) == 0:
		msg = "het document bevat geen operatie (query of mutation)"
	case name == "":
		msg = fmt.Sprintf("het document bevat %d operaties (%s); kies er één met operationName", len(doc.Operations), strings.Join(names, ", "))
	default:
		msg = fmt.Sprintf("de operatie %q staat niet in het document; het bevat: %s", truncate(name, 64), strings.Join(names, ", "))
	}
	return nil, &gqlerror.Error{
		Message:    msg,
		Extensions: map[string]any{"code": graph.CodeBadUserInput, "reason": ReasonOperationNotFound},
	}
}
