package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/demo"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/metrics"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/thesaurus"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// app is everything a command needs, opened in order and closed in reverse.
type app struct {
	raw     store.Store // the store itself (for backups); store is raw, instrumented
	store   store.Store
	metrics *metrics.Metrics
	index   *search.Index
	bank    *bank.Bank
	insight *insight.Insight // the analytical view; serve loads it and keeps it current
	auth    *auth.Service
	plan    *actionplan.Plan
	log     *slog.Logger
}

// openStore opens MongoDB when a URI is configured, else the embedded store
// in the data dir.
func openStore(ctx context.Context, c config, log *slog.Logger) (store.Store, error) {
	if c.MongoURI != "" {
		return openMongo(ctx, c, log)
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("datamap %s aanmaken: %w", c.DataDir, err)
	}
	path := filepath.Join(c.DataDir, "praktijkenbank.db")
	st, err := bolt.Open(path, bolt.WithOpenTimeout(2*time.Second))
	if err != nil {
		if errors.Is(err, bolt.ErrLocked) {
			return nil, dataDirInUse(path, "stop de server, of gebruik --server URL --token T om via de server te werken", err)
		}
		return nil, fmt.Errorf("opslag %s openen: %w", path, err)
	}
	log.Info("embedded store opened", "path", path)
	return st, nil
}

// parseStoreCommand parses the flags of a command that works on the data dir
// (or MongoDB) and validates the store configuration.
func parseStoreCommand(fs *flag.FlagSet, c *config, args []string, stderr io.Writer) error {
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if err := c.finishStore(); err != nil {
		return usageError{err}
	}
	return nil
}

// openOffline opens what a command run beside a stopped server needs: the
// store, and with withIndex the search index as it is (not reconciled).
// Commands print their own results, so the log only shows warnings.
func openOffline(ctx context.Context, c config, withIndex bool) (*app, error) {
	log := newLogger("text", quietLevel)
	st, err := openStore(ctx, c, log)
	if err != nil {
		return nil, err
	}
	a := &app{raw: st, store: st, plan: actionplan.Default(), log: log}
	if withIndex {
		a.index, err = search.Open(filepath.Join(c.DataDir, "index"), a.plan, search.WithLogger(log))
		if err != nil {
			a.close()
			return nil, fmt.Errorf("zoekindex openen: %w", err)
		}
	}
	return a, nil
}

// openApp opens the store and the search index, brings the index in line
// with the store, and builds the services.
func openApp(ctx context.Context, c config, log *slog.Logger) (*app, error) {
	st, err := openStore(ctx, c, log)
	if err != nil {
		return nil, err
	}
	m := metrics.New()
	a := &app{raw: st, store: m.Store(st), metrics: m, plan: actionplan.Default(), log: log}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		a.close()
		return nil, fmt.Errorf("datamap %s aanmaken: %w", c.DataDir, err)
	}
	synonyms := thesaurus.Default()
	if c.Thesaurus != "" {
		if synonyms, err = thesaurus.Load(c.Thesaurus); err != nil {
			a.close()
			return nil, fmt.Errorf("synoniemenbestand lezen: %w", err)
		}
	}
	log.Info("search thesaurus", "file", cmp.Or(c.Thesaurus, "shipped"), "groups", synonyms.Groups())
	a.index, err = search.Open(filepath.Join(c.DataDir, "index"), a.plan, search.WithLogger(log), search.WithThesaurus(synonyms))
	if err != nil {
		a.close()
		return nil, fmt.Errorf("zoekindex openen: %w", err)
	}
	started := time.Now()
	rep, err := a.index.Reconcile(ctx, a.store)
	if err != nil {
		a.close()
		return nil, fmt.Errorf("zoekindex bijwerken: %w", err)
	}
	log.Info("search index reconciled with the store", "report", rep, "took", time.Since(started).Round(time.Millisecond))
	a.insight = insight.New(a.currentPlan, insight.WithLogger(log))
	a.bank, err = bank.New(ctx, a.store, a.index, a.plan, log, bank.WithInsight(a.insight))
	if err != nil {
		a.close()
		return nil, err
	}
	a.auth = auth.NewService(a.store, c.AdminToken, func(id string) bool {
		_, ok := a.plan.Region(id)
		return ok
	}, store.ErrNotFound)
	return a, nil
}

// observeIndex exports the size of the index and how far it lags behind the store.
func (a *app) observeIndex() {
	a.metrics.Gauge("praktijkenbank_index_documents", "Practices in the search index.", func() float64 {
		n, _ := a.index.DocCount()
		return float64(n)
	})
	a.metrics.Gauge("praktijkenbank_index_lag", "Store writes the search index has not applied yet (sequence numbers).", func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		last, err := a.raw.LastSeq(ctx)
		if err != nil {
			return -1
		}
		return float64(last) - float64(min(last, a.index.AppliedSeq()))
	})
	a.metrics.Counter("praktijkenbank_search_cache_hits_total", "Searches answered from the result cache.", func() float64 {
		return float64(a.index.CacheStats().Hits)
	})
	a.metrics.Counter("praktijkenbank_search_cache_misses_total", "Searches the result cache could not answer.", func() float64 {
		return float64(a.index.CacheStats().Misses)
	})
	a.metrics.Counter("praktijkenbank_search_postings_cache_hits_total", "Posting lists searches took from the postings cache.", func() float64 {
		return float64(a.index.PostingsCacheStats().Hits)
	})
	a.metrics.Counter("praktijkenbank_search_postings_cache_misses_total", "Posting lists searches read that the postings cache keeps (of 1,024 postings and more) but did not hold.", func() float64 {
		return float64(a.index.PostingsCacheStats().Misses)
	})
	a.metrics.Gauge("praktijkenbank_search_postings_cache_bytes", "Bytes of posting lists the postings cache holds.", func() float64 {
		return float64(a.index.PostingsCacheStats().Bytes)
	})
}

func (a *app) close() {
	if a.index != nil {
		if err := a.index.Close(); err != nil {
			a.log.Error("closing the search index", "err", err)
		}
	}
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Error("closing the store", "err", err)
		}
	}
}

// loadDemo gives an empty store the demo inventory, clearly marked as such.
func (a *app) loadDemo(ctx context.Context) error {
	last, err := a.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	invs, err := a.store.Inventories(ctx, store.InventoryQuery{Limit: 1})
	if err != nil {
		return err
	}
	if last > 0 || len(invs) > 0 {
		return nil
	}
	inputs, err := demo.Inventories()
	if err != nil {
		return err
	}
	total := 0
	for _, in := range inputs {
		res, err := a.bank.Submit(ctx, auth.Admin, in, bank.SubmitOptions{Source: "demo", Demo: true})
		if err != nil {
			return fmt.Errorf("voorbeeldinventaris %s: %w", in.Region, err)
		}
		if len(res.Problems) > 0 {
			return fmt.Errorf("voorbeeldinventaris %s: %w", in.Region, res.Problems)
		}
		total += res.Created
	}
	a.log.Info("empty store: loaded the demo inventory (set PRAKTIJKENBANK_DEMO=false to start empty)", "practices", total)
	return nil
}
