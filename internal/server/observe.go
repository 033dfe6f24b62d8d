package server

import (
	"context"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/metrics"
)

// observe records every operation: a duration per root field in the
// metrics, and one access log line per operation with its name, fields,
// duration and error codes — never tokens, variables or contact data. (Errors
// are counted by code in the error presenter, which also sees the errors of
// operations that never run.)
func observe(srv interface {
	AroundRootFields(graphql.RootFieldMiddleware)
	AroundOperations(graphql.OperationMiddleware)
}, m *metrics.Metrics, log *slog.Logger) {
	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		start := time.Now()
		res := next(ctx)
		if m != nil {
			f := graphql.GetRootFieldContext(ctx).Field
			m.FieldDuration.WithLabelValues(f.ObjectDefinition.Name + "." + f.Name).Observe(time.Since(start).Seconds())
		}
		return res
	})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		start := time.Now()
		op := graphql.GetOperationContext(ctx)
		respond := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := respond(ctx)
			if resp == nil {
				return nil
			}
			codes := make([]string, 0, len(resp.Errors))
			for _, e := range resp.Errors {
				code, _ := e.Extensions["code"].(string)
				if code == "" {
					code = "UNKNOWN"
				}
				codes = append(codes, code)
			}
			fields := []string{}
			if op.Operation != nil {
				for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, nil) {
					fields = append(fields, f.Name)
				}
			}
			log.LogAttrs(ctx, slog.LevelInfo, "graphql",
				slog.String("operation", truncate(op.OperationName, 64)),
				slog.Any("fields", fields),
				slog.String("by", auth.FromContext(ctx).Name()),
				slog.Duration("took", time.Since(start)),
				slog.Any("errors", codes),
			)
			return resp
		}
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
