package server

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
)

// HeavySlots is how many CPU-heavy requests a server works on at once by
// default: all processors but one, at least one. The processor left over
// serves the light requests (/healthz, a practice page, a refusal) at once
// whatever the heavy ones do: the Go scheduler runs runnable goroutines
// first come, first served, so with every processor busy on heavy work a
// light request waits in the run queue behind all of it.
func HeavySlots() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// gate lets at most a fixed number of heavy requests work at once, from all
// clients together: the per-client rate limits bound one client, the gate
// bounds many. A heavy request that finds every slot taken waits, parked
// and off the run queue, for at most wait; when the waiting room is full,
// it is refused at once. Nested work of a request that holds a slot goes on
// without another (see enter).
type gate struct {
	slots   chan struct{}
	waiting chan struct{}
	wait    time.Duration
	onBusy  func() // counts a request refused for want of a slot; nil: not counted
}

// newGate returns a gate of n slots with room for queue waiting requests,
// each waiting at most wait; n ≤ 0: no gate (nil, which lets all through).
func newGate(n, queue int, wait time.Duration) *gate {
	if n <= 0 {
		return nil
	}
	return &gate{slots: make(chan struct{}, n), waiting: make(chan struct{}, max(queue, 0)), wait: wait}
}

type holdsSlot struct{}

// enter takes a slot for the work of ctx, waiting for one if it must; it
// returns the context to work in and the release of the slot, or ok false
// when no slot came: the waiting room was full, the wait ran out, or ctx
// ended. A context that already holds a slot needs no other.
func (g *gate) enter(ctx context.Context) (_ context.Context, release func(), ok bool) {
	if g == nil || ctx.Value(holdsSlot{}) != nil {
		return ctx, func() {}, true
	}
	held := context.WithValue(ctx, holdsSlot{}, true)
	select {
	case g.slots <- struct{}{}:
		return held, g.release, true
	default:
	}
	select {
	case g.waiting <- struct{}{}:
		defer func() { <-g.waiting }()
	default:
		g.busy()
		return ctx, nil, false
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return held, g.release, true
	case <-timer.C:
		g.busy()
	case <-ctx.Done():
	}
	return ctx, nil, false
}

// busy counts a refusal for want of a slot (not a client that left).
func (g *gate) busy() {
	if g.onBusy != nil {
		g.onBusy()
	}
}

func (g *gate) release() { <-g.slots }

// gateHeavy passes the requests that heavy picks out through g, and refuses
// those that get no slot with 503 and Retry-After (in the route's shape,
// through refuse); other requests go on at once.
func gateHeavy(g *gate, heavy func(*http.Request) bool, refuse refuser, next http.Handler) http.Handler {
	if g == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !heavy(r) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, release, ok := g.enter(r.Context())
		if !ok {
			if r.Context().Err() == nil {
				w.Header().Set("Retry-After", "1")
				refuse(w, r, busy)
			}
			return
		}
		defer release()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// busy is the refusal of a heavy request that got no slot.
var busy = &refusal{status: http.StatusServiceUnavailable, code: graph.CodeUnavailable, reason: "BUSY", retryAfter: 1,
	msg: "de server verwerkt nu andere zware verzoeken; probeer het over een seconde opnieuw"}

// refuseBusyPage answers a web page that got no slot, in Dutch.
func refuseBusyPage(w http.ResponseWriter, _ *http.Request, _ *refusal) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte("De server is even erg druk. Probeer het over een seconde opnieuw.\n"))
}

// largeBody is the body size from which a /graphql request counts as large:
// an upload, a whole inventory, or a body of unknown length.
const largeBody = 1 << 20

// isLarge picks out the /graphql requests whose reading, parsing and
// validation alone cost tens of milliseconds of CPU: those with a large
// body. The operations of small requests pass the gate by their complexity
// (see transportHTTP.Do).
func isLarge(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	return isMultipart(r) || r.ContentLength < 0 || r.ContentLength > largeBody
}

// isHeavyPage picks out the web site's requests that search, count or
// read an upload: the search page, the research pages, the reports, and
// every POST (a submission). The practice pages, the action plan, the
// suggestions and static files are light.
func isHeavyPage(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodPost || p == "/" || p == "/zoeken" ||
		p == "/onderzoek" || strings.HasPrefix(p, "/onderzoek/") || strings.HasPrefix(p, "/rapport/")
}

// always picks out every request (of a route that is heavy as a whole).
func always(*http.Request) bool { return true }
