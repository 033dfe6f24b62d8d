// Package follow keeps everything derived from the store current with it, in
// one place: the search index, the other views of the practices (the
// analytical view of insight), and what is not in the practices' change feed
// (the regional actions of the action plan). Several server replicas share
// one store, and each follows the writes of the others through this.
//
//	store write (any replica)
//	  ├─ change stream notice (MongoDB replica set) ─┐
//	  └─ poll every second (every store) ────────────┴→ catch up: views, then the index
//	                                                      (ChangedSince from each one's applied Seq)
//	poll every second ──────────────────────────────────→ refresh: regional actions
//
// Where the store can watch (store.Watcher), every write triggers a catch-up
// at once and the practices' poll slows down (WhileWatching) while the
// stream is healthy; the resume token is kept in ChangeTokenFile. Polling
// always runs as the safety net, and is the only way on a store without
// change streams (the embedded store, a standalone MongoDB server, FerretDB).
package follow

import (
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// Follower is the one follower of the store. Set the fields, then call Run.
type Follower struct {
	Source  search.Source // the store (its change feed)
	Watcher store.Watcher // nil: the store cannot push its writes; poll only
	Stream  string        // which store the change stream belongs to (kept with its token)
	DataDir string        // where ChangeTokenFile is kept

	Index indexFollower                     // the search index
	Views []func(ctx context.Context) error // other views of the practices: catch up with the index
	Other []func(ctx context.Context) error // state outside the change feed (regional actions): refreshed every poll

	Every         time.Duration // the poll; default 1s
	WhileWatching time.Duration // the practices' poll while the change stream runs; default 10s
	Log           *slog.Logger
}

// Run follows the store until ctx is done.
func (f *Follower) Run(ctx context.Context) {
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	every, slow := f.Every, f.WhileWatching
	if every <= 0 {
		every = time.Second
	}
	if slow <= 0 {
		slow = 10 * time.Second
	}
	var cf *changeFollower
	var wg sync.WaitGroup
	defer wg.Wait()
	if f.Watcher != nil {
		cf = &changeFollower{
			watch: f.Watcher.Watch, index: f.Index, src: f.Source, views: f.catchUpViews,
			tokens: tokenFile{path: filepath.Join(f.DataDir, ChangeTokenFile), stream: f.Stream},
			settle: watchSettle, retryMin: watchRetryMin, retryMax: watchRetryMax, log: log,
		}
		wg.Go(func() { cf.run(ctx) })
	}
	var last time.Time // the last catch-up of the practices by the poll
	for {
		if cf == nil || !cf.watching.Load() || time.Since(last) >= slow {
			last = time.Now()
			f.catchUpViews(ctx)
			if err := f.Index.CatchUp(ctx, f.Source); err != nil && ctx.Err() == nil {
				log.Warn("search index follow failed", "err", err)
			}
		}
		for _, refresh := range f.Other {
			if err := refresh(ctx); err != nil && ctx.Err() == nil {
				log.Warn("following the store failed", "err", err)
			}
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// catchUpViews brings the other views up to date; failures are logged and
// retried at the next poll.
func (f *Follower) catchUpViews(ctx context.Context) {
	for _, catchUp := range f.Views {
		if err := catchUp(ctx); err != nil && ctx.Err() == nil {
			if f.Log != nil {
				f.Log.Warn("view follow failed", "err", err)
			}
		}
	}
}
