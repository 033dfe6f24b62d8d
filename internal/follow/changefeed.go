package follow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

const (
	// ChangeTokenFile is the file beside the index (in the data dir) that
	// keeps the change stream's resume token.
	ChangeTokenFile = "changestream.token"
	// watchSettle is how long a catch-up waits after a notice, so that a
	// burst of notices (a submission of many practices) makes one catch-up.
	watchSettle   = 25 * time.Millisecond
	watchRetryMin = time.Second
	watchRetryMax = 30 * time.Second
)

// indexFollower is what following needs of the search index.
type indexFollower interface {
	CatchUp(ctx context.Context, src search.Source) error
	Reconcile(ctx context.Context, src search.Source) (search.ReconcileReport, error)
}

// changeFollower runs the change stream: every notice triggers a catch-up
// of the index (a burst makes one), the resume token is kept in a file once
// the index has caught up past it, a lost stream history makes a full
// Reconcile, and a failed stream is reopened with backoff.
type changeFollower struct {
	watch    func(ctx context.Context, resume []byte, fn func(token []byte, changed bool) error) error
	index    indexFollower
	src      search.Source
	views    func(ctx context.Context) // the other views catch up after the index
	tokens   tokenFile
	settle   time.Duration
	retryMin time.Duration
	retryMax time.Duration
	log      *slog.Logger

	watching atomic.Bool // the stream is open and has reported
}

// run watches until ctx is done, or returns at once when the store cannot
// watch (then polling alone keeps the index current).
func (f *changeFollower) run(ctx context.Context) {
	resume, err := f.tokens.load()
	if err != nil {
		f.log.Warn("change stream token not used; watching from now", "file", f.tokens.path, "err", err)
	}
	var latest atomic.Pointer[[]byte] // the newest token seen
	kick := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(ctx) // ends the catch-up loop when run returns
	var wg sync.WaitGroup
	wg.Go(func() { f.catchUpLoop(ctx, kick, &latest) })
	defer wg.Wait()
	defer cancel()

	backoff := f.retryMin
	for ctx.Err() == nil {
		noticed := false
		err := f.watch(ctx, resume, func(tok []byte, changed bool) error {
			if !noticed {
				noticed = true
				f.watching.Store(true)
				f.log.Info("search index follows the store's change stream", "resumed", resume != nil)
			}
			if len(tok) > 0 {
				t := slices.Clone(tok)
				latest.Store(&t)
			}
			select { // coalesce: one pending kick is enough
			case kick <- struct{}{}:
			default:
			}
			return nil
		})
		f.watching.Store(false)
		if noticed {
			backoff = f.retryMin
		}
		if t := latest.Load(); t != nil {
			resume = *t
		}
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, store.ErrNoChangeStreams):
			f.log.Info("the store has no change streams; the search index polls it every second", "err", err)
			return
		case errors.Is(err, store.ErrHistoryLost):
			f.log.Warn("change stream cannot resume; comparing the whole index with the store", "err", err)
			latest.Store(nil)
			if rerr := f.tokens.remove(); rerr != nil {
				f.log.Warn("removing the change stream token", "err", rerr)
			}
			if _, rerr := f.index.Reconcile(ctx, f.src); rerr != nil && ctx.Err() == nil {
				f.log.Error("reconciling the search index", "err", rerr)
			}
			retryNow := resume != nil
			resume = nil
			if retryNow {
				continue
			}
		default:
			f.log.Warn("change stream failed; reopening", "err", err, "in", backoff)
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, f.retryMax)
	}
}

// catchUpLoop runs a catch-up for each kick (kicks during a catch-up make
// one more), and saves the token seen before a successful catch-up began.
func (f *changeFollower) catchUpLoop(ctx context.Context, kick <-chan struct{}, latest *atomic.Pointer[[]byte]) {
	var saved []byte
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
		if f.settle > 0 {
			t := time.NewTimer(f.settle)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		tok := latest.Load()
		if f.views != nil {
			f.views(ctx)
		}
		if err := f.index.CatchUp(ctx, f.src); err != nil {
			if ctx.Err() == nil {
				f.log.Warn("search index catch-up after a change failed", "err", err)
			}
			continue
		}
		if tok != nil && !slices.Equal(*tok, saved) {
			if err := f.tokens.save(*tok); err != nil {
				f.log.Warn("saving the change stream token", "file", f.tokens.path, "err", err)
				continue
			}
			saved = *tok
		}
	}
}

// tokenFile keeps a resume token of one stream in a small JSON file,
// replaced atomically.
type tokenFile struct {
	path   string
	stream string // which store the token belongs to; a token of another is not used
}

type tokenFileDoc struct {
	Stream  string    `json:"stream"`
	Token   []byte    `json:"token"`
	SavedAt time.Time `json:"savedAt"`
}

// load returns the kept token: nil without error when there is none, nil
// with an error when the file is unreadable or belongs to another stream.
func (f tokenFile) load() ([]byte, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var d tokenFileDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", f.path, err)
	}
	if d.Stream != f.stream {
		return nil, fmt.Errorf("%s belongs to stream %q, not %q", f.path, d.Stream, f.stream)
	}
	if len(d.Token) == 0 {
		return nil, nil
	}
	return d.Token, nil
}

// save writes the token to a temporary file beside the target, syncs it
// and renames it over the target, so a crash leaves the old or the new one.
func (f tokenFile) save(token []byte) error {
	data, err := json.Marshal(tokenFileDoc{Stream: f.stream, Token: token, SavedAt: time.Now().UTC()})
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(f.path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// remove deletes the kept token, if any.
func (f tokenFile) remove() error {
	if err := os.Remove(f.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
