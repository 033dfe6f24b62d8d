package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// followEvery is how often the follower looks for writes it has not seen
// (from another replica, or a write whose indexing failed).
const followEvery = time.Second

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	demo, level, introspection, cors := serveFlags(fs, &c, getenv)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("onverwachte argumenten: %v", fs.Args())}
	}
	if err := c.finishServe(*demo, *level, *introspection, *cors); err != nil {
		return usageError{err}
	}
	log := newLogger(c.LogFormat, c.LogLevel)
	log.Info("starting praktijkenbank", "config", c)
	gogc := serverGC(getenv)
	log.Info("memory", "GOGC", gogc, "soft limit", setMemoryLimit(getenv, availableMemory).String())

	a, err := openApp(ctx, c, log)
	if err != nil {
		return err
	}
	defer a.close()
	if c.Demo {
		if err := a.loadDemo(ctx); err != nil {
			return fmt.Errorf("voorbeeldinventaris laden: %w", err)
		}
	}
	// A store with real inventories keeps no demo practices (from before
	// the first real inventory removed them by itself).
	if n, err := a.bank.SettleDemo(ctx); err != nil {
		log.Warn("demo practices not removed; tried again at the next submission", "err", err)
	} else if n > 0 {
		log.Info("demo practices removed: the store holds real inventories", "practices", n)
	}

	if err := a.loadInsight(ctx); err != nil {
		return err
	}
	followCtx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		a.followStore(followCtx, c.DataDir) // index, insight, regional actions: change stream where there is one, polling always
	}()

	a.observeIndex()
	opts := server.Defaults()
	opts.CORSOrigins = c.CORSOrigins
	opts.Introspection = c.Introspection
	opts.FieldSuggestion = c.Introspection
	opts.RateLimits.ReadsPerSecond = c.ReadsPerSecond
	opts.RateLimits.WritesPerMinute = c.WritesPerMinute
	opts.RateLimits.PagesPerSecond = c.PagesPerSecond
	opts.RateLimits.ExportsPerMinute = c.ExportsPerMin
	opts.MetricsToken = c.MetricsToken
	opts.Ready = func(ctx context.Context) error { return a.store.Ping(ctx) }
	opts.SessionKey = []byte(c.SessionKey)
	opts.TLSProxy = c.TLSProxy
	opts.TrustedProxies = c.TrustedProxies
	opts.HeavySlots = int(c.HeavySlots)
	deps := server.Deps{Bank: a.bank, Auth: a.auth, Log: log, Metrics: a.metrics}
	if b, ok := a.raw.(*bolt.Store); ok {
		deps.Backup = b.Backup
	}
	srv := server.HTTPServer(server.New(deps, opts), c.Timeouts)
	srv.Addr = c.Addr
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("luisteren op %s: %w", c.Addr, err)
	}
	log.Info("praktijkenbank is ready", "url", "http://"+displayAddr(ln.Addr()), "graphiql", "http://"+displayAddr(ln.Addr())+"/graphiql")

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("server gestopt: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", c.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopFollow()
	<-followed
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("netjes stoppen: %w", err)
	}
	log.Info("stopped")
	return nil
}

// displayAddr makes ":8080" readable as "localhost:8080".
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// serverGC sets the garbage collector as the server runs it (and the
// benchmarks that measure the server): indexing allocates a lot of
// short-lived garbage, and collecting it half as often as Go's default
// (GOGC 200) makes a 100,000-practice index build faster. Four times less
// often (GOGC 400) built a fifth faster still, but searches, which since
// termwise.go reuse their big buffers, ran no faster, and the peak RSS of
// bench search at 100,000 rose from about 950 MiB to 1,200 (the mapped
// store and index count too, which the soft memory limit does not see).
// GOGC, when set, wins. It returns the GOGC in effect.
func serverGC(getenv func(string) string) string {
	if v := getenv("GOGC"); v != "" {
		return v
	}
	debug.SetGCPercent(serverGOGC)
	return strconv.Itoa(serverGOGC)
}

const serverGOGC = 200
