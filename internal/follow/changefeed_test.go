package follow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

func TestTokenFile(t *testing.T) {
	dir := t.TempDir()
	f := tokenFile{path: filepath.Join(dir, ChangeTokenFile), stream: "mongodb database praktijkenbank"}
	if tok, err := f.load(); tok != nil || err != nil {
		t.Fatalf("load without a file = %q, %v; want nil, nil", tok, err)
	}
	for _, tok := range [][]byte{{0x1a, 0, 0, 0, 2, '_'}, []byte("tweede token")} {
		if err := f.save(tok); err != nil {
			t.Fatal(err)
		}
		got, err := f.load()
		if err != nil || string(got) != string(tok) {
			t.Fatalf("load after save(%q) = %q, %v", tok, got, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files beside the token after saving: %v, want only %s", entries, ChangeTokenFile)
	}

	other := tokenFile{path: f.path, stream: "mongodb database elders"}
	if tok, err := other.load(); tok != nil || err == nil {
		t.Errorf("load of another stream's token = %q, %v; want nil and an error", tok, err)
	}
	if err := os.WriteFile(f.path, []byte("{half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if tok, err := f.load(); tok != nil || err == nil {
		t.Errorf("load of a damaged file = %q, %v; want nil and an error", tok, err)
	}
	if err := f.remove(); err != nil {
		t.Fatal(err)
	}
	if err := f.remove(); err != nil {
		t.Errorf("remove without a file: %v", err)
	}
	if tok, err := f.load(); tok != nil || err != nil {
		t.Errorf("load after remove = %q, %v", tok, err)
	}
}

// fakeIndex counts catch-ups and reconciles.
type fakeIndex struct {
	catchUps, reconciles atomic.Int32
	catchUpTook          time.Duration
	lastCatchUpStart     atomic.Int64 // unix nanos
}

func (ix *fakeIndex) CatchUp(ctx context.Context, _ search.Source) error {
	ix.lastCatchUpStart.Store(time.Now().UnixNano())
	ix.catchUps.Add(1)
	time.Sleep(ix.catchUpTook)
	return ctx.Err()
}

func (ix *fakeIndex) Reconcile(context.Context, search.Source) (search.ReconcileReport, error) {
	ix.reconciles.Add(1)
	return search.ReconcileReport{}, nil
}

// script is a fake store.Watcher: call n runs calls[n] with the resume token
// it was given.
type script struct {
	mu      sync.Mutex
	resumes []string
	calls   []func(ctx context.Context, fn func([]byte, bool) error) error
}

func (s *script) watch(ctx context.Context, resume []byte, fn func([]byte, bool) error) error {
	s.mu.Lock()
	n := len(s.resumes)
	if resume == nil {
		s.resumes = append(s.resumes, "<nil>")
	} else {
		s.resumes = append(s.resumes, string(resume))
	}
	s.mu.Unlock()
	if n >= len(s.calls) {
		<-ctx.Done()
		return ctx.Err()
	}
	return s.calls[n](ctx, fn)
}

func (s *script) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.resumes...)
}

func newFollower(t *testing.T, sc *script, ix *fakeIndex) *changeFollower {
	return &changeFollower{
		watch: sc.watch, index: ix,
		tokens: tokenFile{path: filepath.Join(t.TempDir(), ChangeTokenFile), stream: "test"},
		settle: 2 * time.Millisecond, retryMin: 5 * time.Millisecond, retryMax: 20 * time.Millisecond,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

// waitFor polls cond for up to 3 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func savedToken(f *changeFollower) string {
	tok, _ := f.tokens.load()
	return string(tok)
}

func TestChangeFollowerCoalescesBursts(t *testing.T) {
	ix := &fakeIndex{catchUpTook: 3 * time.Millisecond}
	var lastNotice atomic.Int64
	sc := &script{calls: []func(context.Context, func([]byte, bool) error) error{
		func(ctx context.Context, fn func([]byte, bool) error) error {
			if err := fn([]byte("open"), true); err != nil {
				return err
			}
			for i := range 1000 { // one submission of 1000 practices
				if err := fn(fmt.Appendf(nil, "t%03d", i), true); err != nil {
					return err
				}
			}
			lastNotice.Store(time.Now().UnixNano())
			<-ctx.Done()
			return ctx.Err()
		},
	}}
	f := newFollower(t, sc, ix)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.run(ctx); close(done) }()
	waitFor(t, "the last token to be saved", func() bool { return savedToken(f) == "t999" })
	if !f.watching.Load() {
		t.Errorf("watching is false while the stream runs")
	}
	n := ix.catchUps.Load()
	if n < 1 || n > 50 {
		t.Errorf("%d catch-ups for a burst of 1001 notices, want a few", n)
	}
	if ix.lastCatchUpStart.Load() < lastNotice.Load() {
		t.Errorf("no catch-up began after the last notice")
	}
	cancel()
	<-done
	if f.watching.Load() {
		t.Errorf("watching is still true after the stream ended")
	}
}

func TestChangeFollowerHistoryLost(t *testing.T) {
	ix := &fakeIndex{}
	sc := &script{calls: []func(context.Context, func([]byte, bool) error) error{
		func(context.Context, func([]byte, bool) error) error {
			return fmt.Errorf("mongo: wijzigingsstroom openen: %w", store.ErrHistoryLost)
		},
		func(ctx context.Context, fn func([]byte, bool) error) error {
			if err := fn([]byte("nieuw"), true); err != nil {
				return err
			}
			<-ctx.Done()
			return ctx.Err()
		},
	}}
	f := newFollower(t, sc, ix)
	if err := f.tokens.save([]byte("oud")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.run(ctx); close(done) }()
	waitFor(t, "the new token to be saved", func() bool { return savedToken(f) == "nieuw" })
	cancel()
	<-done
	if got := sc.seen(); len(got) < 2 || got[0] != "oud" || got[1] != "<nil>" {
		t.Errorf("resume tokens given to Watch = %q, want the kept one, then none", got)
	}
	if n := ix.reconciles.Load(); n != 1 {
		t.Errorf("%d reconciles after the history was lost, want 1", n)
	}
}

func TestChangeFollowerReopensAfterAFailure(t *testing.T) {
	ix := &fakeIndex{}
	sc := &script{calls: []func(context.Context, func([]byte, bool) error) error{
		func(_ context.Context, fn func([]byte, bool) error) error {
			_ = fn([]byte("a"), true)
			return errors.New("verbinding verbroken")
		},
		func(ctx context.Context, fn func([]byte, bool) error) error {
			_ = fn([]byte("b"), true)
			<-ctx.Done()
			return ctx.Err()
		},
	}}
	f := newFollower(t, sc, ix)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.run(ctx); close(done) }()
	waitFor(t, "the second stream's token", func() bool { return savedToken(f) == "b" })
	cancel()
	<-done
	if got := sc.seen(); len(got) < 2 || got[0] != "<nil>" || got[1] != "a" {
		t.Errorf("resume tokens = %q, want none, then the last one seen", got)
	}
	if ix.reconciles.Load() != 0 {
		t.Errorf("a transient failure made a reconcile")
	}
}

func TestChangeFollowerWithoutChangeStreams(t *testing.T) {
	ix := &fakeIndex{}
	sc := &script{calls: []func(context.Context, func([]byte, bool) error) error{
		func(context.Context, func([]byte, bool) error) error {
			return fmt.Errorf("mongo: %w", store.ErrNoChangeStreams)
		},
	}}
	f := newFollower(t, sc, ix)
	done := make(chan struct{})
	go func() { f.run(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("run did not return on a store without change streams")
	}
	if len(sc.seen()) != 1 || f.watching.Load() {
		t.Errorf("watch calls %q, watching %v; want one call and false", sc.seen(), f.watching.Load())
	}
}

// TestFollowerPolls: without a change stream the index and the views catch
// up, and the other state is refreshed, on every poll.
func TestFollowerPolls(t *testing.T) {
	ix := &fakeIndex{}
	var views, other atomic.Int32
	f := &Follower{Index: ix, Every: time.Millisecond,
		Views: []func(context.Context) error{func(context.Context) error { views.Add(1); return nil }},
		Other: []func(context.Context) error{func(context.Context) error { other.Add(1); return errors.New("kapot") }},
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Run(ctx); close(done) }()
	waitFor(t, "three polls", func() bool { return ix.catchUps.Load() >= 3 && views.Load() >= 3 && other.Load() >= 3 })
	cancel()
	<-done
}

// TestFollowerPollsSlowlyWhileWatching: while the change stream runs, the
// practices are caught up by its notices, the poll of the practices slows
// down, and the other state is still refreshed on every poll.
func TestFollowerPollsSlowlyWhileWatching(t *testing.T) {
	ix := &fakeIndex{}
	var other atomic.Int32
	sc := &script{calls: []func(context.Context, func([]byte, bool) error) error{
		func(ctx context.Context, fn func([]byte, bool) error) error {
			if err := fn([]byte("t1"), true); err != nil {
				return err
			}
			<-ctx.Done()
			return ctx.Err()
		},
	}}
	f := &Follower{Index: ix, Watcher: watcherFunc(sc.watch), Stream: "test", DataDir: t.TempDir(),
		Every: time.Millisecond, WhileWatching: time.Hour,
		Other: []func(context.Context) error{func(context.Context) error { other.Add(1); return nil }},
		Log:   slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Run(ctx); close(done) }()
	waitFor(t, "fifty refreshes of the other state", func() bool { return other.Load() >= 50 })
	// One catch-up from the first poll (before the stream reported), one
	// from the stream's opening notice, perhaps one more if the poll came
	// before the stream was marked healthy; not one per poll.
	if n := ix.catchUps.Load(); n > 4 {
		t.Errorf("%d catch-ups of the index over 50 polls while watching, want the slow poll", n)
	}
	cancel()
	<-done
}

type watcherFunc func(ctx context.Context, resume []byte, fn func(token []byte, changed bool) error) error

func (w watcherFunc) Watch(ctx context.Context, resume []byte, fn func(token []byte, changed bool) error) error {
	return w(ctx, resume, fn)
}
