package graph

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// loaders batch and cache the store reads of one request, so that a list of
// practices does not read its inventories one by one, and a practice's
// history asked under several aliases is read and compared once.
type loaders struct {
	inventories *dataloadgen.Loader[string, *practice.Inventory]
	practices   *dataloadgen.Loader[string, *practice.Practice]
	histories   *dataloadgen.Loader[string, []practice.Change] // whole, paged by the resolver
	reads       rootReads                                      // the request's one operation
}

func (l *loaders) singleReadCount(ctx context.Context) int { return l.reads.count(ctx) }

type loadersKey struct{}

func newLoaders(b *bank.Bank) *loaders {
	wait := dataloadgen.WithWait(time.Millisecond)
	return &loaders{
		inventories: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*practice.Inventory, []error) {
			out := make([]*practice.Inventory, len(ids))
			errs := make([]error, len(ids))
			for i, id := range ids {
				inv, ok, err := b.Inventory(ctx, id)
				if ok {
					out[i] = &inv
				}
				errs[i] = err
			}
			return out, errs
		}, wait),
		practices: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*practice.Practice, []error) {
			out := make([]*practice.Practice, len(ids))
			ps, err := b.Practices(ctx, ids)
			if err != nil {
				errs := make([]error, len(ids))
				for i := range errs {
					errs[i] = err
				}
				return out, errs
			}
			for i := range ps {
				if ps[i].ID != "" {
					out[i] = &ps[i]
				}
			}
			return out, nil
		}, wait),
		histories: dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]practice.Change, []error) {
			out := make([][]practice.Change, len(ids))
			errs := make([]error, len(ids))
			for i, id := range ids {
				out[i], errs[i] = b.Changes(ctx, id)
			}
			return out, errs
		}, wait),
	}
}

// LoaderMiddleware gives every request its own loaders.
func LoaderMiddleware(b *bank.Bank, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(b))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// loadersFor returns the request's loaders, or fresh ones where no middleware
// ran (tests that call the executable schema directly).
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.Bank)
}
