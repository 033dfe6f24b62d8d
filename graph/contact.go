package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// singleReads are the root fields that return one practice asked by its id.
var singleReads = map[string]bool{"practice": true, "practiceByRef": true, "node": true}

// askedAlone reports whether the practice whose field is being resolved was
// asked by itself: it is the result of a root practice, practiceByRef or
// node field, and that is the operation's only such field (so aliases cannot
// turn one operation into a list of contacts). A practice reached through
// any list (search edges, similar practices, an inventory's or a factor
// group's practices, an action's) is not asked alone.
func (r *Resolver) askedAlone(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Parent == nil {
		return false
	}
	owner := fc.Parent // the field whose value is the practice; only root fields are Query's
	if owner.Object != "Query" || owner.Field.Field == nil || !singleReads[owner.Field.Name] {
		return false
	}
	return r.loadersFor(ctx).singleReadCount(ctx) == 1
}

// rootReads counts an operation's single-practice root fields once.
type rootReads struct {
	once sync.Once
	n    int
}

func (rr *rootReads) count(ctx context.Context) int {
	rr.once.Do(func() {
		if !graphql.HasOperationContext(ctx) {
			return
		}
		op := graphql.GetOperationContext(ctx)
		if op.Operation == nil {
			return
		}
		for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, nil) {
			if singleReads[f.Name] {
				rr.n++
			}
		}
	})
	return rr.n
}
