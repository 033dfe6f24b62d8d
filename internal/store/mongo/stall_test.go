package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// TestStalledServer puts a proxy that stops forwarding (connections stay
// open, nothing comes back) between the store and the server: every call,
// made without a deadline of its own, fails with ErrUnavailable within the
// store's operation timeout (a write within a few of them: the write and
// freeing its slot). A write that stalls right after its commit point is
// not seen half: reads of the process fail until the server is back, and
// the first read after that completes the write whole.
func TestStalledServer(t *testing.T) {
	ts := newTestServer(t)
	p, uri := proxied(t, ts)
	defer p.stop()
	db := ts.freshDatabase(t)
	ctx := context.Background()
	const opTimeout = 1500 * time.Millisecond
	s, err := Open(ctx, uriWithDatabase(uri, db), WithOperationTimeout(opTimeout), WithServerSelectionTimeout(time.Second),
		WithPingTimeout(500*time.Millisecond), WithTransactions(false))
	if err != nil {
		t.Fatalf("Open through the proxy: %v", err)
	}
	defer s.Close()
	first := sub("limburg", t0, in("a", "A"), in("b", "B"), in("c", "C"))
	if _, err := s.Submit(ctx, first); err != nil {
		t.Fatal(err)
	}
	tok := auth.Token{ID: "tok_1", Label: "t", Role: auth.RoleAdmin, Hash: "aa01", CreatedAt: t0}
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	idA := practice.ID("limburg", "a")

	p.freeze()
	reads := map[string]func() error{
		"Practice":        func() error { _, err := s.Practice(ctx, idA); return err },
		"Practices":       func() error { _, err := s.Practices(ctx, []string{idA}); return err },
		"ListPractices":   func() error { _, err := s.ListPractices(ctx, store.PracticeQuery{Limit: 10}); return err },
		"ScanPractices":   func() error { return s.ScanPractices(ctx, func(practice.Practice) error { return nil }) },
		"ChangedSince":    func() error { _, err := s.ChangedSince(ctx, 0, 10); return err },
		"LastSeq":         func() error { _, err := s.LastSeq(ctx); return err },
		"History":         func() error { _, err := s.History(ctx, idA); return err },
		"Inventory":       func() error { _, err := s.Inventory(ctx, first.Inventory.ID); return err },
		"Inventories":     func() error { _, err := s.Inventories(ctx, store.InventoryQuery{Limit: 5}); return err },
		"RegionalActions": func() error { _, err := s.RegionalActions(ctx); return err },
		"TokenByHash":     func() error { _, err := s.TokenByHash(ctx, tok.Hash); return err },
		"Tokens":          func() error { _, err := s.Tokens(ctx); return err },
		"Ping":            func() error { return s.Ping(ctx) },
	}
	writes := map[string]func() error{
		"Submit": func() error {
			_, err := s.Submit(ctx, sub("limburg", t0.Add(time.Minute), in("e", "E")))
			return err
		},
		"Withdraw": func() error {
			_, err := s.Withdraw(ctx, idA, practice.Withdrawal{At: t0, By: "test", Reason: "weg"})
			return err
		},
		"EraseContact": func() error { _, err := s.EraseContact(ctx, idA); return err },
		"PutRegionalAction": func() error {
			return s.PutRegionalAction(ctx, actionplan.Action{ID: "limburg:x", ChallengeID: "samenwerking", Title: "Een actie", Region: "limburg"})
		},
		"CreateToken": func() error {
			return s.CreateToken(ctx, auth.Token{ID: "tok_2", Label: "t", Role: auth.RoleAdmin, Hash: "aa02", CreatedAt: t0})
		},
		"RevokeToken": func() error { return s.RevokeToken(ctx, tok.ID, t0) },
	}
	var wg sync.WaitGroup
	check := func(name string, call func() error, bound time.Duration) {
		wg.Go(func() {
			start := time.Now()
			err := call()
			took := time.Since(start)
			if !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("%s with the server stalled: %v, want ErrUnavailable", name, err)
			}
			if took > bound {
				t.Errorf("%s with the server stalled took %s, want at most %s", name, took.Round(time.Millisecond), bound)
			}
		})
	}
	const slack = 2*time.Second + raceSlack // scheduling on a busy machine
	for name, call := range reads {
		check(name, call, opTimeout+slack)
	}
	for name, call := range writes {
		check(name, call, 3*opTimeout+slack)
	}
	wg.Wait()
	p.thaw()
	waitPing(t, s)
	if pr, err := s.Practice(ctx, idA); err != nil || !pr.Live() || pr.Version != 1 {
		t.Errorf("practice a after the stall: v%d live %v, %v; want v1 live (the stalled writes did nothing)", pr.Version, pr.Live(), err)
	}

	// A write that stalls right after its commit point.
	changed := in("b", "B")
	changed.Summary = "Tweede versie."
	second := sub("limburg", t0.Add(time.Hour), in("a", "A"), changed, in("d", "D"))
	start := time.Now()
	h, items, err := submitToCommit(ctx, s, second)
	if err != nil {
		t.Fatalf("Submit up to its commit point: %v", err)
	}
	p.freeze()
	err = s.applyCommitted(ctx, h, items) // what Submit does next
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Submit stalled after its commit point: %v, want ErrUnavailable", err)
	}
	if took := time.Since(start); took > 3*opTimeout+slack {
		t.Errorf("Submit stalled after its commit point took %s", took.Round(time.Millisecond))
	}
	if _, err := s.Practice(ctx, practice.ID("limburg", "d")); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("a read while the committed write cannot be completed: %v, want ErrUnavailable", err)
	}
	p.thaw()
	waitPing(t, s)
	inv, err := s.Inventory(ctx, second.Inventory.ID)
	if err != nil {
		t.Fatalf("Inventory of the stalled submission after the server came back: %v", err)
	}
	if inv.Created != 1 || inv.Updated != 1 || inv.Unchanged != 1 {
		t.Errorf("inventory counts %d/%d/%d, want 1/1/1", inv.Created, inv.Updated, inv.Unchanged)
	}
	other := ts.open(t, db, WithTransactions(false))
	defer other.Close()
	for _, st := range []store.Store{s, other} {
		b, err := st.Practice(ctx, practice.ID("limburg", "b"))
		if err != nil || b.Version != 2 || b.Summary != "Tweede versie." {
			t.Errorf("practice b: v%d %q, %v; want v2", b.Version, b.Summary, err)
		}
		if _, err := st.Practice(ctx, practice.ID("limburg", "d")); err != nil {
			t.Errorf("practice d: %v", err)
		}
	}
}

// waitPing waits until the store answers again.
func waitPing(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.Ping(context.Background())
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Ping still failing after the server came back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReadsWhileCompleting stalls a write right after its commit point,
// then lets the server answer again, slowly: one completion of the
// committed write runs in the background, and every read of the process
// meanwhile ends within its bound (the wait for the completion and then its
// own operation, each at most the operation timeout) with ErrUnavailable or
// with the whole write, never a part of it. (The first read used to
// complete the write itself, reading its items back one round trip each,
// while every other read waited on a lock without a deadline: minutes for
// 5,000 practices on FerretDB after it restarted.)
func TestReadsWhileCompleting(t *testing.T) {
	ts := newTestServer(t)
	p, uri := proxied(t, ts)
	defer p.stop()
	db := ts.freshDatabase(t)
	ctx := context.Background()
	const opTimeout = 1500 * time.Millisecond
	s, err := Open(ctx, uriWithDatabase(uri, db), WithOperationTimeout(opTimeout), WithServerSelectionTimeout(time.Second),
		WithPingTimeout(time.Second), WithTransactions(false))
	if err != nil {
		t.Fatalf("Open through the proxy: %v", err)
	}
	defer s.Close()
	const n = 60
	var ins []practice.PracticeInput
	var ids []string
	for i := range n {
		ref := fmt.Sprintf("p%02d", i)
		ins = append(ins, in(ref, "Praktijk "+ref))
		ids = append(ids, practice.ID("limburg", ref))
	}
	h, items, err := submitToCommit(ctx, s, sub("limburg", t0, ins...))
	if err != nil {
		t.Fatalf("Submit up to its commit point: %v", err)
	}
	p.freeze()
	if err := s.applyCommitted(ctx, h, items); !errors.Is(err, store.ErrUnavailable) { // what Submit does next
		t.Fatalf("Submit stalled after its commit point: %v, want ErrUnavailable", err)
	}

	// Every message to the server now waits 250 ms: the completion (about
	// ten round trips) takes longer than the operation timeout.
	p.slow(250 * time.Millisecond)
	p.thaw()
	const bound = 2*opTimeout + 2*time.Second + raceSlack
	start := time.Now()
	var unavailable, whole atomic.Int32
	for whole.Load() == 0 && time.Since(start) < time.Minute {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				began := time.Now()
				ps, err := s.Practices(ctx, ids)
				took := time.Since(began)
				if took > bound {
					t.Errorf("a read while the write was being completed took %s, want at most %s", took.Round(time.Millisecond), bound)
				}
				if err != nil {
					if !errors.Is(err, store.ErrUnavailable) {
						t.Errorf("a read while the write was being completed: %v, want ErrUnavailable or the whole write", err)
					}
					unavailable.Add(1)
					return
				}
				found := 0
				for _, pr := range ps {
					if pr.ID != "" {
						found++
					}
				}
				if found != n {
					t.Errorf("a read saw %d of the %d practices of the committed write", found, n)
				}
				whole.Add(1)
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
	}
	if whole.Load() == 0 {
		t.Fatalf("no read saw the committed write a minute after the server answered again (%d unavailable)", unavailable.Load())
	}
	t.Logf("the write was read whole %s after the server answered again; %d reads unavailable before, %d whole",
		time.Since(start).Round(time.Millisecond), unavailable.Load(), whole.Load())
}
