package mongo

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// practiceReads counts the commands a store sends to its practices
// collection: its collections are switched to a client whose command monitor
// counts them (the store itself is not changed).
type practiceReads struct{ n atomic.Int64 }

func (c *practiceReads) count() int64 { return c.n.Load() }

func monitorPractices(t *testing.T, ts *testServer, db string, s *Store) *practiceReads {
	t.Helper()
	c := &practiceReads{}
	client, err := mongo.Connect(options.Client().ApplyURI(ts.uri).SetServerSelectionTimeout(10 * time.Second).
		SetMonitor(&event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
			if coll, ok := e.Command.Lookup(e.CommandName).StringValueOK(); ok && coll == collPractices {
				c.n.Add(1)
			}
		}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Disconnect(ctx)
	})
	d := client.Database(db, databaseOptions(s.supportsMajorityReads(context.Background())))
	s.practices, s.counters, s.pending = d.Collection(collPractices), d.Collection(collCounters), d.Collection(collPending)
	return c
}

func lastSeq(t *testing.T, s *Store) uint64 {
	t.Helper()
	last, err := s.LastSeq(context.Background())
	if err != nil {
		t.Fatalf("LastSeq: %v", err)
	}
	return last
}

// TestIdlePollReadsNoPractices: on the roll-forward path, LastSeq asked
// again with no write in between does not read the practices collection
// (a pass over all of them on FerretDB), and asks again after a write.
func TestIdlePollReadsNoPractices(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	db := ts.freshDatabase(t)
	s := ts.open(t, db, WithTransactions(false))
	defer s.Close()
	reads := monitorPractices(t, ts, db, s)

	if _, err := s.Submit(ctx, sub("limburg", t0, in("a", "A"), in("b", "B"))); err != nil {
		t.Fatal(err)
	}
	first := lastSeq(t, s)
	if first != 2 {
		t.Fatalf("LastSeq after two practices: %d, want 2", first)
	}
	before := reads.count()
	for range 3 {
		if got := lastSeq(t, s); got != first {
			t.Fatalf("idle LastSeq: %d, want %d", got, first)
		}
	}
	if n := reads.count() - before; n != 0 {
		t.Errorf("three idle polls sent %d commands to the practices collection, want 0", n)
	}

	// Another process writes: the counter moves, the next poll looks.
	other := ts.open(t, db, WithTransactions(false))
	defer other.Close()
	if _, err := other.Submit(ctx, sub("limburg", t0.Add(time.Hour), in("c", "C"))); err != nil {
		t.Fatal(err)
	}
	before = reads.count()
	if got := lastSeq(t, s); got != 3 {
		t.Errorf("LastSeq after another process's write: %d, want 3", got)
	}
	if reads.count() == before {
		t.Error("LastSeq after a write did not read the practices")
	}
}

// TestLateLandingWriteIsSeen: a write of another process whose Seqs were
// taken before a poll and that lands after it (a slow or crashed writer) is
// seen by the polls after it lands, in part and in whole, although the
// counter does not move when it lands: polls while its slot is locked (Seqs
// taken, nothing written) may answer from the memo, polls while it is ready
// look.
func TestLateLandingWriteIsSeen(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	db := ts.freshDatabase(t)
	s := ts.open(t, db, WithTransactions(false))
	defer s.Close()
	reads := monitorPractices(t, ts, db, s)
	writer := ts.open(t, db, WithTransactions(false))
	defer writer.Close()

	if _, err := s.Submit(ctx, sub("brussel", t0, in("a", "A"))); err != nil {
		t.Fatal(err)
	}
	if got := lastSeq(t, s); got != 1 {
		t.Fatalf("LastSeq: %d, want 1", got)
	}
	what, plan, _, err := writer.submission(sub("brussel", t0.Add(time.Hour), in("x", "X"), in("y", "Y")))
	if err != nil {
		t.Fatal(err)
	}
	writer.writeSem <- struct{}{}
	h, items, err := writer.commitPending(ctx, what, func(ctx context.Context) (writeSet, error) {
		ws, err := plan(ctx) // takes Seqs 2 and 3 under the locked slot
		// Two polls now: the first looks (the counter moved), the second
		// answers from the memo (same counter, same locked slot).
		for range 2 {
			if got := lastSeq(t, s); got != 1 {
				t.Errorf("LastSeq with Seqs taken, slot locked: %d, want 1", got)
			}
		}
		before := reads.count()
		if got := lastSeq(t, s); got != 1 {
			t.Errorf("LastSeq with Seqs taken, slot locked: %d, want 1", got)
		}
		if n := reads.count() - before; n != 0 {
			t.Errorf("a poll with the same locked slot read the practices (%d commands)", n)
		}
		return ws, err
	})
	<-writer.writeSem
	if err != nil || h == nil {
		t.Fatalf("Submit up to its commit point: %v", err)
	}
	// Committed (ready), nothing applied: polls look and see 1.
	for range 2 {
		if got := lastSeq(t, s); got != 1 {
			t.Fatalf("LastSeq with the write committed, not applied: %d, want 1", got)
		}
	}
	// Half of it lands.
	if err := writer.applyItems(ctx, items[:1]); err != nil {
		t.Fatal(err)
	}
	if got := lastSeq(t, s); got != 2 {
		t.Errorf("LastSeq with the first practice applied: %d, want 2", got)
	}
	// The rest lands and the slot is freed.
	if err := writer.applyCommitted(ctx, *h, items); err != nil {
		t.Fatal(err)
	}
	if got := lastSeq(t, s); got != 3 {
		t.Errorf("LastSeq with the write applied: %d, want 3", got)
	}
	changes, err := s.ChangedSince(ctx, 1, 0)
	if err != nil || len(changes) != 2 || changes[0].ID != practice.ID("brussel", "x") || changes[1].ID != practice.ID("brussel", "y") {
		t.Errorf("ChangedSince(1): %d practices, %v; want x and y", len(changes), err)
	}
}

// TestSeqMemo: the remembered LastSeq holds only at the mark it was found
// at, and only if no slot was ready then.
func TestSeqMemo(t *testing.T) {
	var m seqMemo
	free := writeMark{counter: 7}
	if _, ok := m.get(free); ok {
		t.Error("an empty memo answered")
	}
	m.put(free, 5)
	if seq, ok := m.get(free); !ok || seq != 5 {
		t.Errorf("get at the same mark: %d, %v; want 5, true", seq, ok)
	}
	locked := writeMark{counter: 7, slotToken: "slot a"}
	for _, mark := range []writeMark{{counter: 8}, locked, {counter: 7, slotToken: "slot a", slotReady: true}} {
		if _, ok := m.get(mark); ok {
			t.Errorf("get at %+v answered from a pass at %+v", mark, free)
		}
	}
	m.put(locked, 5)
	if seq, ok := m.get(locked); !ok || seq != 5 {
		t.Errorf("get at the same locked slot: %d, %v; want 5, true", seq, ok)
	}
	for _, mark := range []writeMark{free, {counter: 7, slotToken: "slot b"}, {counter: 7, slotToken: "slot a", slotReady: true}} {
		if _, ok := m.get(mark); ok {
			t.Errorf("get at %+v answered from a pass at %+v", mark, locked)
		}
	}
	ready := writeMark{counter: 7, slotToken: "slot a", slotReady: true}
	m.put(ready, 5) // found while a committed write was being applied
	if _, ok := m.get(ready); ok {
		t.Error("a pass made while the slot was ready is remembered")
	}
}
