package server

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
)

// RateLimits are per client: per token when the request has one, else per
// client address. They count GraphQL operations, not HTTP requests, and
// writes (mutations) have their own, stricter budget. Zero turns a limit off.
type RateLimits struct {
	ReadsPerSecond  float64
	ReadBurst       int
	WritesPerMinute float64
	WriteBurst      int
}

// DefaultRateLimits are generous for a person and a script, tight for a flood.
func DefaultRateLimits() RateLimits {
	return RateLimits{ReadsPerSecond: 20, ReadBurst: 60, WritesPerMinute: 30, WriteBurst: 10}
}

// CodeRateLimited is the extensions.code of a refused operation.
const CodeRateLimited = "RATE_LIMITED"

type clientKey struct{}

// withClient remembers the client address of a request for the limiter.
func withClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, host)))
	})
}

// limiter keeps a token bucket per client and kind; idle buckets are dropped.
type limiter struct {
	limits  RateLimits
	onLimit func(kind string)
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newLimiter(l RateLimits, onLimit func(kind string)) *limiter {
	return &limiter{limits: l, onLimit: onLimit, now: time.Now, buckets: map[string]*bucket{}}
}

// allow reports whether the client may run one more operation of the kind,
// and if not, after how long it may.
func (l *limiter) allow(client, kind string) (bool, time.Duration) {
	var r rate.Limit
	var burst int
	switch kind {
	case "write":
		if l.limits.WritesPerMinute <= 0 {
			return true, 0
		}
		r, burst = rate.Limit(l.limits.WritesPerMinute/60), l.limits.WriteBurst
	default:
		if l.limits.ReadsPerSecond <= 0 {
			return true, 0
		}
		r, burst = rate.Limit(l.limits.ReadsPerSecond), l.limits.ReadBurst
	}
	now := l.now()
	key := kind + "\x00" + client
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(r, max(burst, 1))}
		l.buckets[key] = b
	}
	b.used = now
	if now.Sub(l.swept) > time.Minute {
		for k, other := range l.buckets {
			if now.Sub(other.used) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	l.mu.Unlock()
	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Minute
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// rateLimit is the gqlgen extension that applies the limiter per operation.
type rateLimit struct{ l *limiter }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = rateLimit{}

func (rateLimit) ExtensionName() string                   { return "RateLimit" }
func (rateLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (rl rateLimit) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	kind := "read"
	if op.Operation != nil && op.Operation.Operation == ast.Mutation {
		kind = "write"
	}
	client, _ := ctx.Value(clientKey{}).(string)
	if p := auth.FromContext(ctx); p != nil {
		if p.Role == auth.RoleAdmin {
			return next(ctx)
		}
		client = "token:" + p.TokenID
	}
	if ok, wait := rl.l.allow(client, kind); !ok {
		if rl.l.onLimit != nil {
			rl.l.onLimit(kind)
		}
		secs := int(math.Ceil(wait.Seconds()))
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    fmt.Sprintf("te veel verzoeken; probeer het over %d seconden opnieuw", secs),
			Extensions: map[string]any{"code": CodeRateLimited, "retryAfter": secs},
		}}})
	}
	return next(ctx)
}
