package server

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
)

// RateLimits are per client: per platform token when a request carries a
// valid one, else per client address (behind trusted proxies, the address
// they forward; see Proxies); the admin is not limited. Every route
// that computes has a class with its own budget, counted per HTTP request
// before anything is read or parsed, so refused, invalid and oversized
// requests pay too:
//
//   - read: every request to /graphql (queries, mutations, and requests
//     that turn out to be invalid);
//   - write: GraphQL mutations, counted again per mutation (a stricter,
//     per-minute budget) before their variables and files are read;
//   - page: the web site's pages, its suggestions and the printable reports;
//   - export: /export.csv and /export.json.
//
// A refused request gets 429 with Retry-After (and in GraphQL the code
// RATE_LIMITED with retryAfter in seconds), after a short pause (see
// refusalPause). Zero turns a class's limit off.
type RateLimits struct {
	ReadsPerSecond   float64
	ReadBurst        int
	WritesPerMinute  float64
	WriteBurst       int
	PagesPerSecond   float64
	PageBurst        int
	ExportsPerMinute float64
	ExportBurst      int
}

// DefaultRateLimits are generous for a person and a script, tight for a flood.
func DefaultRateLimits() RateLimits {
	return RateLimits{
		ReadsPerSecond: 20, ReadBurst: 60,
		WritesPerMinute: 30, WriteBurst: 10,
		PagesPerSecond: 20, PageBurst: 100,
		ExportsPerMinute: 12, ExportBurst: 6,
	}
}

// The classes of requests the limiter counts (the label of
// praktijkenbank_rate_limited_total).
const (
	classRead   = "read"
	classWrite  = "write"
	classPage   = "page"
	classExport = "export"
)

// budget is the rate and burst of a class; ok is false when it is unlimited.
func (l RateLimits) budget(class string) (r rate.Limit, burst int, ok bool) {
	switch class {
	case classRead:
		return rate.Limit(l.ReadsPerSecond), l.ReadBurst, l.ReadsPerSecond > 0
	case classWrite:
		return rate.Limit(l.WritesPerMinute / 60), l.WriteBurst, l.WritesPerMinute > 0
	case classPage:
		return rate.Limit(l.PagesPerSecond), l.PageBurst, l.PagesPerSecond > 0
	case classExport:
		return rate.Limit(l.ExportsPerMinute / 60), l.ExportBurst, l.ExportsPerMinute > 0
	}
	return 0, 0, false
}

// CodeRateLimited is the extensions.code of a refused operation.
const CodeRateLimited = "RATE_LIMITED"

type clientKey struct{}

// withClient remembers the client address of a request for the limiter
// (see Proxies.client).
func withClient(ps Proxies, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, ps.client(r))))
	})
}

// maxBuckets bounds the limiter's memory under a flood from many addresses;
// when it is reached, idle buckets are dropped first and then all.
const maxBuckets = 100_000

// limiter keeps a token bucket per client and class; idle buckets are dropped.
type limiter struct {
	limits  RateLimits
	proxies Proxies // whose X-Forwarded-For names the client
	onLimit func(class string)
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	used time.Time
}

func newLimiter(l RateLimits, proxies Proxies, onLimit func(class string)) *limiter {
	return &limiter{limits: l, proxies: proxies, onLimit: onLimit, now: time.Now, buckets: map[string]*bucket{}}
}

// allow reports whether the client may make one more request of the class,
// and if not, after how long it may. A refusal is counted.
func (l *limiter) allow(client, class string) (bool, time.Duration) {
	r, burst, limited := l.limits.budget(class)
	if !limited {
		return true, 0
	}
	now := l.now()
	key := class + "\x00" + client
	l.mu.Lock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now, time.Minute)
			if len(l.buckets) >= maxBuckets {
				clear(l.buckets)
			}
		}
		b = &bucket{lim: rate.NewLimiter(r, max(burst, 1))}
		l.buckets[key] = b
	}
	b.used = now
	if now.Sub(l.swept) > time.Minute {
		l.sweep(now, 10*time.Minute)
	}
	l.mu.Unlock()
	res := b.lim.ReserveN(now, 1)
	wait := time.Minute
	if res.OK() {
		if wait = res.DelayFrom(now); wait <= 0 {
			return true, 0
		}
		res.CancelAt(now)
	}
	if l.onLimit != nil {
		l.onLimit(class)
	}
	return false, wait
}

// sweep drops the buckets unused for longer than idle; l.mu is held.
func (l *limiter) sweep(now time.Time, idle time.Duration) {
	for k, b := range l.buckets {
		if now.Sub(b.used) > idle {
			delete(l.buckets, k)
		}
	}
	l.swept = now
}

// retrySeconds is a wait in whole seconds, at least 1.
func retrySeconds(d time.Duration) int { return max(int(math.Ceil(d.Seconds())), 1) }

func rateLimitedMessage(secs int) string {
	return fmt.Sprintf("te veel verzoeken; probeer het over %d seconden opnieuw", secs)
}

// limitRequests counts every request of the class per client before next
// reads anything of it; refuse writes the answer to a refused one (after
// Retry-After and the status are set by it). Requests with a valid platform
// token count per token, the admin's not at all; the principal of a valid
// token goes on in the request's context.
func limitRequests(l *limiter, a *auth.Service, class string, refuse func(w http.ResponseWriter, r *http.Request, secs int), next http.Handler) http.Handler {
	if _, _, limited := l.limits.budget(class); !limited {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := l.proxies.client(r)
		if h := r.Header.Get("Authorization"); h != "" && a != nil {
			// A bad token is refused later; it counts against the address.
			// A good one is passed on, so authenticate need not look it up
			// in the store again.
			if p, err := a.Authenticate(r.Context(), h); err == nil && p != nil {
				r = r.WithContext(auth.WithPrincipal(r.Context(), p))
				if p.Role == auth.RoleAdmin {
					next.ServeHTTP(w, r)
					return
				}
				client = "token:" + p.TokenID
			}
		}
		if ok, wait := l.allow(client, class); !ok {
			pauseBeforeRefusal(r, wait)
			secs := retrySeconds(wait)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			refuse(w, r, secs)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refusalPause is how long a request refused by rate waits for its answer
// (less if the client may try again sooner).
//
// A flood is many connections that each send their next request as soon
// as the last is answered. Answered at once, refusals are what the server
// does all day: a trace of 10 such attackers (issue 13) showed 30 to 365
// goroutines runnable ahead of each slow /healthz, most of them flood
// requests on their way to a refusal, and the Go scheduler serves runnable
// goroutines first come, first served. Paused, each of the flood's connections waits parked, off
// the run queue, and makes at most 1/refusalPause requests a second; a
// client that keeps to its budget never waits.
const refusalPause = 100 * time.Millisecond

// pauseBeforeRefusal waits refusalPause, or wait if that is shorter, or
// until the client goes.
func pauseBeforeRefusal(r *http.Request, wait time.Duration) {
	t := time.NewTimer(min(wait, refusalPause))
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// refuseGraphQL answers a refused /graphql request as a request that never
// ran: in the media type the client accepts, without data.
func refuseGraphQL(w http.ResponseWriter, r *http.Request, secs int) {
	answerTo(w, r).write(http.StatusTooManyRequests, body{Errors: gqlerror.List{{
		Message:    rateLimitedMessage(secs),
		Extensions: map[string]any{"code": CodeRateLimited, "retryAfter": secs},
	}}})
}

// refusePlain answers a refused page, report or export in Dutch.
func refusePlain(w http.ResponseWriter, _ *http.Request, secs int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = fmt.Fprintf(w, "Te veel verzoeken na elkaar. Probeer het over %d seconden opnieuw.\n", secs)
}

// allowMutation counts one mutation against the write budget of the
// request's client (of its token when it has one; the admin is not
// limited), and if it is refused, says after how long it may try again.
// The transport asks before it decodes the variables or reads a file.
func (l *limiter) allowMutation(ctx context.Context) (bool, time.Duration) {
	client, _ := ctx.Value(clientKey{}).(string)
	if p := auth.FromContext(ctx); p != nil {
		if p.Role == auth.RoleAdmin {
			return true, 0
		}
		client = "token:" + p.TokenID
	}
	return l.allow(client, classWrite)
}
