// Package server assembles the HTTP face of Praktijkenbank: the GraphQL
// endpoint with its limits, GraphiQL, health and readiness probes, metrics,
// authentication of bearer tokens, CORS, request size limits, per-client rate
// limits on every route that computes (ratelimit.go) and the security
// headers of every answer (headers.go).
//
// A request to /graphql goes, each step before the costlier next one:
//
//	limitRequests              the client's read budget, before anything is read (ratelimit.go)
//	gateHeavy                  a large body waits for a slot of the gate of heavy work (gate.go)
//	limitBody (guard.go)       method, Accept, Content-Type, announced size; bounds the body
//	authenticate               a bad token is refused whole; else the principal, or none
//	transportHTTP.Do           reads the body once (transport.go), then
//	  queryLimits.preflight    parse within the token limit, expanded fields, fields of one
//	                           name, depth, the operation (query.go, fields.go, depth.go)
//	  mutation?                only POST, only with a token, within the write budget
//	  VariableLimits           the variables measured as JSON text, then decoded (budget.go)
//	  gqlgen executor          validation, complexity
//	  heavy?                   a slot of the gate of heavy work (gate.go)
//	  resolvers
//	answer (answer.go)         the accepted media type; no data on request errors
package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/metrics"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/web"
)

// Options are the limits and switches of the HTTP face.
type Options struct {
	CORSOrigins    []string // allowed browser origins; empty: none
	MaxBodyBytes   int64    // GraphQL request bodies (JSON)
	MaxUploadBytes int64    // multipart uploads
	// HeavySlots bounds the CPU-heavy requests worked on at once, from all
	// clients together: GraphQL requests with a large body (uploads,
	// inventories) and operations of HeavyComplexity or more, exports, and
	// the web site's searches, research pages, reports and submissions.
	// HeavyQueue more may wait up to HeavyWait for a slot; the rest get 503
	// with Retry-After. HeavySlots ≤ 0: no bound.
	HeavySlots      int
	HeavyQueue      int
	HeavyWait       time.Duration
	HeavyComplexity int
	MaxComplexity   int
	MaxDepth        int
	MaxFields       int            // field selections with fragments expanded, checked before validation
	MaxSameField    int            // fields of one response name in one selection set, checked before validation
	MaxTokens       int            // parser tokens of a query document
	ReadVariables   VariableLimits // the variables of a query, checked before they are decoded
	WriteVariables  VariableLimits // the variables of a mutation, checked before they are decoded
	Introspection   bool           // off in production if wanted
	FieldSuggestion bool           // "did you mean" in validation errors
	RateLimits      RateLimits
	// MetricsToken, when set, is the bearer token /metrics asks for; empty:
	// /metrics is open (keep it on an internal network then).
	MetricsToken string
	Ready        func(ctx context.Context) error
	// SessionKey signs the sessions of /indienen (≥ 32 bytes); replicas that
	// share it share sessions. Empty: each process draws its own.
	SessionKey []byte
	// TLSProxy: the server runs behind a proxy that ends TLS and sets
	// X-Forwarded-Proto, so session cookies are Secure for https requests.
	TLSProxy bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client that rate limits count; empty: the direct peer is the client.
	TrustedProxies Proxies
}

// Defaults are sensible limits for a public server.
func Defaults() Options {
	return Options{
		MaxBodyBytes:    8 << 20,
		MaxUploadBytes:  64 << 20,
		HeavySlots:      HeavySlots(),
		HeavyQueue:      32,
		HeavyWait:       time.Second,
		HeavyComplexity: 50, // a search
		MaxComplexity:   20000,
		MaxDepth:        12,
		MaxFields:       2000,
		MaxSameField:    10,
		MaxTokens:       15000,
		ReadVariables:   DefaultReadVariables(),
		WriteVariables:  DefaultWriteVariables(),
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
	// Backup writes a consistent copy of the embedded store; nil for MongoDB.
	Backup func(io.Writer) (int64, error)
}

// New returns the HTTP handler of the whole server.
func New(d Deps, o Options) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	heavy := newGate(o.HeavySlots, o.HeavyQueue, o.HeavyWait)
	if heavy != nil && d.Metrics != nil {
		heavy.onBusy = d.Metrics.Busy.Inc
	}
	gql := graphQL(d, o, heavy)
	var onLimit func(string)
	if d.Metrics != nil {
		onLimit = func(class string) { d.Metrics.RateLimited.WithLabelValues(class).Inc() }
	}
	pages := newLimiter(o.RateLimits, o.TrustedProxies, onLimit)
	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mountInsight(mux, d, pages, heavy)
	if d.Metrics != nil {
		mux.Handle("GET /metrics", requireToken(o.MetricsToken, d.Metrics.Handler()))
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
	// The web site; the routes above keep precedence. Its pages and
	// suggestions are rate limited, its static files are not.
	site := web.New(d.Bank, web.WithLogger(d.Log), web.WithAuth(d.Auth),
		web.WithUploadLimit(o.MaxUploadBytes), web.WithSessionKey(o.SessionKey), web.WithTLSProxy(o.TLSProxy))
	limitedSite := limitRequests(pages, d.Auth, classPage, refusePlain, gateHeavy(heavy, isHeavyPage, refuseBusyPage, site))
	mux.Handle("/static/", site)
	mux.Handle("GET /favicon.ico", site)
	mux.Handle("/", limitedSite)
	var h http.Handler = compress(mux)
	h = withCORS(o.CORSOrigins, h)
	h = limitURL(h)
	h = securityHeaders(h)
	return h
}

// graphQL returns the /graphql handler: transports, limits, authentication
// and per-request loaders, with the gate of heavy work it shares with the
// other routes.
func graphQL(d Deps, o Options, heavy *gate) http.Handler {
	cfg := graph.Config{Resolvers: &graph.Resolver{Bank: d.Bank, Auth: d.Auth}}
	graph.SetComplexity(&cfg.Complexity)
	srv := handler.New(graph.NewExecutableSchema(cfg))
	cache := lru.New[*ast.QueryDocument](1000)
	var onLimit, onError func(string)
	if d.Metrics != nil {
		onLimit = func(kind string) { d.Metrics.RateLimited.WithLabelValues(kind).Inc() }
		onError = func(code string) { d.Metrics.Errors.WithLabelValues(code).Inc() }
	}
	lim := newLimiter(o.RateLimits, o.TrustedProxies, onLimit)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transportHTTP{
		limits:  queryLimits{tokens: o.MaxTokens, fields: o.MaxFields, repeats: o.MaxSameField, depth: o.MaxDepth},
		read:    o.ReadVariables,
		write:   o.WriteVariables,
		maxBody: o.MaxBodyBytes,
		cache:   cache,
		writes:  lim,
		heavy:   heavy,
		heavyAt: o.HeavyComplexity,
	})
	srv.SetQueryCache(cache)
	srv.SetParserTokenLimit(o.MaxTokens)
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.SetDisableSuggestion(!o.FieldSuggestion)
	srv.Use(extension.FixedComplexityLimit(o.MaxComplexity))
	srv.SetErrorPresenter(graph.ErrorPresenter(d.Log, onError))
	srv.SetRecoverFunc(graph.Recover(d.Log))
	observe(srv, d.Metrics, d.Log)

	var h http.Handler = srv
	h = graph.LoaderMiddleware(d.Bank, h)
	h = authenticate(d.Auth, inGraphQL, h)
	h = limitBody(o, h)
	h = gateHeavy(heavy, isLarge, inGraphQL, h)
	h = withClient(o.TrustedProxies, h)
	h = limitRequests(lim, d.Auth, classRead, refuseGraphQL, h)
	return h
}

// authenticate puts the request's principal in its context. A request with a
// bad token is refused whole (401), so nobody mistakes it for an anonymous
// read, in the route's shape (refuse). A principal the rate limiter already
// found for the token is used as it is.
func authenticate(a *auth.Service, refuse refuser, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.FromContext(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		p, err := a.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			code, status := graph.CodeUnauthenticated, http.StatusUnauthorized
			msg := graph.UserMessage(err)
			if !errors.Is(err, auth.ErrUnauthenticated) {
				code, status, msg = graph.CodeUnavailable, http.StatusServiceUnavailable, "aanmelden is tijdelijk niet mogelijk"
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="praktijkenbank"`)
			refuse(w, r, &refusal{status: status, code: code, reason: "TOKEN_REFUSED", msg: msg})
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
