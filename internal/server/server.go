// Package server assembles the HTTP face of Praktijkenbank: the GraphQL
// endpoint with its limits, GraphiQL, health and readiness probes, metrics,
// authentication of bearer tokens, CORS and request size limits.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/metrics"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/web"
)

// Options are the limits and switches of the HTTP face.
type Options struct {
	CORSOrigins     []string // allowed browser origins; empty: none
	MaxBodyBytes    int64    // GraphQL request bodies (JSON)
	MaxUploadBytes  int64    // multipart uploads
	MaxComplexity   int
	MaxDepth        int
	MaxFields       int  // field selections with fragments expanded, checked before validation
	MaxTokens       int  // parser tokens of a query document
	Introspection   bool // off in production if wanted
	FieldSuggestion bool // "did you mean" in validation errors
	RateLimits      RateLimits
	Ready           func(ctx context.Context) error
}

// Defaults are sensible limits for a public server.
func Defaults() Options {
	return Options{
		MaxBodyBytes:    8 << 20,
		MaxUploadBytes:  64 << 20,
		MaxComplexity:   20000,
		MaxDepth:        12,
		MaxFields:       2000,
		MaxTokens:       15000,
		Introspection:   true,
		FieldSuggestion: true,
		RateLimits:      DefaultRateLimits(),
	}
}

// Deps are the services the HTTP face serves.
type Deps struct {
	Bank    *bank.Bank
	Auth    *auth.Service
	Log     *slog.Logger
	Metrics *metrics.Metrics // nil: no /metrics
	// Insight answers the research aggregations and the regional reports; nil: none.
	Insight *insight.Insight
	// Backup writes a consistent copy of the embedded store; nil for MongoDB.
	Backup func(io.Writer) (int64, error)
}

// New returns the HTTP handler of the whole server.
func New(d Deps, o Options) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	gql := GraphQL(d, o)
	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mountInsight(mux, d)
	if d.Metrics != nil {
		mux.Handle("GET /metrics", d.Metrics.Handler())
	}
	mux.Handle("GET /admin/backup", backupHandler(d.Auth, d.Backup))
	gq := graphiqlHandler()
	mux.Handle("GET /graphiql", gq)
	mux.Handle("GET /graphiql/assets/", gq)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if o.Ready != nil {
			if err := o.Ready(ctx); err != nil {
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "niet klaar", "reason": err.Error()})
				return
			}
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "klaar"})
	})
	// The web site for practitioners; the routes above keep precedence.
	mux.Handle("/", web.New(d.Bank, web.WithLogger(d.Log), web.WithInsight(d.Insight)))
	var h http.Handler = mux
	h = cors.New(cors.Options{
		AllowedOrigins:   o.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Apollo-Require-Preflight"},
		AllowCredentials: false, // tokens travel in a header, never in cookies
		MaxAge:           600,
	}).Handler(h)
	return h
}

// GraphQL returns the /graphql handler: transports, limits, authentication
// and per-request loaders.
func GraphQL(d Deps, o Options) http.Handler {
	cfg := graph.Config{Resolvers: &graph.Resolver{Bank: d.Bank, Auth: d.Auth, Insight: d.Insight}}
	graph.SetComplexity(&cfg.Complexity)
	srv := handler.New(graph.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: o.MaxUploadBytes, MaxMemory: 8 << 20})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(o.MaxTokens)
	srv.Use(FieldLimit(o.MaxFields, o.MaxTokens))
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.SetDisableSuggestion(!o.FieldSuggestion)
	srv.Use(extension.FixedComplexityLimit(o.MaxComplexity))
	srv.Use(DepthLimit(o.MaxDepth))
	var onLimit, onError func(string)
	if d.Metrics != nil {
		onLimit = func(kind string) { d.Metrics.RateLimited.WithLabelValues(kind).Inc() }
		onError = func(code string) { d.Metrics.Errors.WithLabelValues(code).Inc() }
	}
	srv.SetErrorPresenter(graph.ErrorPresenter(d.Log, onError))
	srv.SetRecoverFunc(graph.Recover(d.Log))
	srv.Use(rateLimit{l: newLimiter(o.RateLimits, onLimit)})
	observe(srv, d.Metrics, d.Log)

	var h http.Handler = srv
	h = graph.LoaderMiddleware(d.Bank, h)
	h = authenticate(d.Auth, h)
	h = limitBody(o, h)
	h = withClient(h)
	return h
}

// authenticate puts the request's principal in its context. A request with a
// bad token is refused whole (401), so nobody mistakes it for an anonymous read.
func authenticate(a *auth.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			code, status := graph.CodeUnauthenticated, http.StatusUnauthorized
			msg := err.Error()
			if !errors.Is(err, auth.ErrUnauthenticated) {
				code, status, msg = graph.CodeUnavailable, http.StatusServiceUnavailable, "aanmelden is tijdelijk niet mogelijk"
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="praktijkenbank"`)
			writeGraphQLError(w, status, msg, code)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

func writeGraphQLError(w http.ResponseWriter, status int, msg, code string) {
	writeJSON(w, status, graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
