package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// read starts a read: it checks the store and the context and, on the
// non-transactional path, waits while this process applies a write, so that
// its own readers never see a write half applied. The returned func ends it.
func (s *Store) read(ctx context.Context) (func(), error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if s.txn {
		return func() {}, nil
	}
	if err := s.settle(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := s.waitBound(ctx)
	defer cancel()
	if err := s.gate.Acquire(wctx, 1); err != nil {
		return nil, s.waitErr(ctx, "waiting for a write being applied", err)
	}
	return func() { s.gate.Release(1) }, nil
}

// gateAll is the whole gate: what a write being applied holds.
const gateAll = 1 << 30

// waitBound bounds a wait of this process for its own work (a write being
// applied, a committed write being completed): the caller's deadline, or
// else the operation timeout, the longest any single operation of the store
// takes. Without either, the caller's context alone.
func (s *Store) waitBound(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || s.o.operationTimeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.o.operationTimeout)
}

// waitErr is the error of a wait that waitBound ended: the caller's own
// context error, or ErrUnavailable when the bound ran out first.
func (s *Store) waitErr(ctx context.Context, what string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("mongo: %s: %w: %w", what, store.ErrUnavailable, err)
}

// findAll runs a find and decodes every document with conv.
func findAll[D, T any](ctx context.Context, s *Store, what string, coll *mongo.Collection, filter any, conv func(D) T, opts ...options.Lister[options.FindOptions]) ([]T, error) {
	cur, err := coll.Find(ctx, filter, opts...)
	if err != nil {
		return nil, s.mapErr(ctx, what, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var out []T
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("mongo: %s: decode a document: %w", what, err)
		}
		out = append(out, conv(d))
	}
	if err := cur.Err(); err != nil {
		return nil, s.mapErr(ctx, what, err)
	}
	return out, nil
}

// findOne finds one document; ErrNotFound if there is none.
func findOne[D any](ctx context.Context, s *Store, what string, coll *mongo.Collection, filter any) (D, error) {
	var d D
	if err := coll.FindOne(ctx, filter).Decode(&d); err != nil {
		return d, s.mapErr(ctx, what, err)
	}
	return d, nil
}

// Practice returns one practice, withdrawn ones included.
func (s *Store) Practice(ctx context.Context, id string) (practice.Practice, error) {
	done, err := s.read(ctx)
	if err != nil {
		return practice.Practice{}, err
	}
	defer done()
	d, err := findOne[practiceDoc](ctx, s, "practice "+id, s.practices, idFilter(id))
	if err != nil {
		return practice.Practice{}, err
	}
	return practiceFromDoc(d), nil
}

// Practices returns the practices with the given ids in the same order, a
// zero Practice for an unknown id, in one query.
func (s *Store) Practices(ctx context.Context, ids []string) ([]practice.Practice, error) {
	done, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	out := make([]practice.Practice, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	found, err := s.practicesByID(ctx, uniqueNonEmpty(ids))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]practice.Practice, len(found))
	for _, p := range found {
		byID[p.ID] = p
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// practicesByID reads the practices with the given ids: up to lookupMax of
// them with one lookup by _id each, lookupWorkers at a time, more with one
// query. FerretDB 1.24 answers a query on more than one _id with a pass over
// every practice (it pushes down only a filter on _id alone): on a busy
// machine a page of 20 took seconds, a batch of 500 over the 30 s deadline
// with 5,000 practices. MongoDB answers either from the _id index.
func (s *Store) practicesByID(ctx context.Context, ids []string) ([]practice.Practice, error) {
	if len(ids) > lookupMax {
		return findAll(ctx, s, "praktijken", s.practices, idsFilter(ids), practiceFromDoc)
	}
	out := make([]practice.Practice, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookupWorkers)
	for i, id := range ids {
		g.Go(func() error {
			d, err := findOne[practiceDoc](gctx, s, "praktijk "+id, s.practices, idFilter(id))
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				return err
			default:
				out[i] = practiceFromDoc(d)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil // unknown ids stay zero; Practices keys by ID
}

const (
	lookupMax     = 1000 // practicesByID: lookups by _id up to this many ids
	lookupWorkers = 8    // practicesByID: lookups at a time
)

// uniqueNonEmpty returns the distinct non-empty ids.
func uniqueNonEmpty(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// ListPractices pages through practices ordered by id.
func (s *Store) ListPractices(ctx context.Context, q store.PracticeQuery) ([]practice.Practice, error) {
	done, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return findAll(ctx, s, "practices", s.practices, listPracticesFilter(q), practiceFromDoc, listPracticesOptions(q.Limit))
}

// ScanPractices streams every practice in id order through one cursor that
// fetches scanBatch practices at a time; fn runs between fetches, outside
// any lock, so it may use the store, even write to it. A practice written
// during the scan may or may not be seen (MongoDB cursors are not snapshots),
// but every practice that exists through the whole scan is seen once.
func (s *Store) ScanPractices(ctx context.Context, fn func(practice.Practice) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := s.settle(ctx); err != nil {
		return err
	}
	cur, err := s.practices.Find(ctx, listPracticesFilter(store.PracticeQuery{IncludeWithdrawn: true}), scanOptions())
	if err != nil {
		return s.mapErr(ctx, "scan practices", err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for {
		more, err := s.next(ctx, cur)
		if err != nil {
			return s.mapErr(ctx, "scan practices", err)
		}
		if !more {
			return nil
		}
		var d practiceDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: scan practices: decode a document: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(practiceFromDoc(d)); err != nil {
			return err
		}
	}
}

// next advances a cursor under the read gate.
func (s *Store) next(ctx context.Context, cur *mongo.Cursor) (bool, error) {
	done, err := s.read(ctx)
	if err != nil {
		return false, err
	}
	defer done()
	if cur.Next(ctx) {
		return true, nil
	}
	return false, cur.Err()
}

// ChangedSince returns up to limit practices with a Seq greater than seq, in
// Seq order; limit <= 0 means all.
func (s *Store) ChangedSince(ctx context.Context, seq uint64, limit int) ([]practice.Practice, error) {
	done, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	f, ok := changedSinceFilter(seq)
	if !ok {
		return nil, nil
	}
	return findAll(ctx, s, "changes", s.practices, f, practiceFromDoc, changedSinceOptions(limit))
}

// LastSeq is the highest Seq a practice holds: the highest Seq given out by a
// write that is complete. (The counter may be ahead of it by Seqs a failed
// write took; those are gaps nobody sees.)
//
// Finding it is a pass over all practices on a server that answers only
// lookups by _id from an index (FerretDB on SQLite: seconds at 5,000
// practices), and every follower asks every second. On the roll-forward
// path it is therefore answered from the last pass while the write mark
// (see writeMark) shows that no practice can have changed since; otherwise
// it makes the pass. With transactions it always asks the server.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	done, err := s.read(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	if s.txn {
		return s.scanLastSeq(ctx)
	}
	mark, err := s.writeMark(ctx)
	if err != nil {
		return 0, err
	}
	if seq, ok := s.lastSeq.get(mark); ok {
		return seq, nil
	}
	seq, err := s.scanLastSeq(ctx)
	if err != nil {
		return 0, err
	}
	s.lastSeq.put(mark, seq)
	return seq, nil
}

// scanLastSeq asks the server for the highest Seq a practice holds.
func (s *Store) scanLastSeq(ctx context.Context) (uint64, error) {
	var d struct {
		Seq int64 `bson:"seq"`
	}
	err := s.practices.FindOne(ctx, listPracticesFilter(store.PracticeQuery{IncludeWithdrawn: true}), lastSeqOptions()).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, s.mapErr(ctx, "last Seq", err)
	}
	return uint64(d.Seq), nil
}

// writeMark is what every write that changes a practice moves or holds on
// the roll-forward path, read with two lookups by _id: the Seq counter
// (read first), then the write slot (which write holds it, and whether it is
// ready).
//
// A practice gets a new Seq only by a write that takes Seqs from the counter
// while it holds the slot, and it holds the slot from before it takes them
// until after the last of its practices is written (complete deletes the
// slot last; a completion after a crash finds the slot still there); it
// writes none of them before its slot is ready. Take a pass over the
// practices made after reading a mark whose slot was free or locked (not
// ready), and a later mark equal to it. A practice changed after the pass
// began belongs to a write that took its Seqs after the first counter read
// (then the counter would have moved) or before it; the latter held the slot
// at the first slot read, so it is the write that held it locked, and it
// still holds it locked (a slot goes from locked to ready to gone, never
// back, and a token is never used again), so it has written nothing. There is
// no such practice: the pass's answer still holds. (Load, which copies into
// a new store, raises the counter after it inserts a batch: a follower of a
// store being loaded catches up when it moves.)
type writeMark struct {
	counter   int64
	slotToken string // "": the slot is free
	slotReady bool
}

func (s *Store) writeMark(ctx context.Context) (writeMark, error) {
	var c counterDoc
	err := s.counters.FindOne(ctx, idFilter(counterSeq)).Decode(&c)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) { // none: no Seq given out yet (0)
		return writeMark{}, s.mapErr(ctx, "Seq counter", err)
	}
	var h pendingDoc
	err = s.pending.FindOne(ctx, idFilter(pendingSlot),
		options.FindOne().SetProjection(bson.D{{Key: "token", Value: 1}, {Key: "state", Value: 1}})).Decode(&h)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return writeMark{}, s.mapErr(ctx, "write slot", err)
	}
	m := writeMark{counter: c.Value}
	if err == nil {
		// A slot of another shape than locked is treated as ready: looked at.
		m.slotToken, m.slotReady = "slot "+h.Token, h.State != stateLocked
	}
	return m, nil
}

// seqMemo is the answer of the last pass for LastSeq, with the write mark
// read before it.
type seqMemo struct {
	mu    sync.Mutex
	valid bool
	mark  writeMark
	seq   uint64
}

// get returns the remembered answer if it still holds at mark: the mark it
// was found at had no ready slot, and it is the same now.
func (m *seqMemo) get(mark writeMark) (uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.valid || mark.slotReady || mark != m.mark {
		return 0, false
	}
	return m.seq, true
}

// put remembers seq, found by a pass after reading mark; with the slot ready
// then, nothing is remembered. Two passes racing may leave either answer:
// each holds for its own mark.
func (m *seqMemo) put(mark writeMark, seq uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.valid, m.mark, m.seq = !mark.slotReady, mark, seq
}

// History returns every version of a practice, oldest first.
func (s *Store) History(ctx context.Context, id string) ([]practice.Revision, error) {
	done, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	// Every version 1..Version has its revision (written before the practice
	// shows it), each found by its _id: lookups by _id alone are the ones
	// every compatible server answers from its primary key (FerretDB on
	// SQLite scans the whole collection for any other filter).
	p, err := findOne[practiceDoc](ctx, s, "practice "+id, s.practices, idFilter(id))
	if err != nil {
		return nil, err
	}
	out := make([]practice.Revision, 0, p.Version)
	for v := 1; v <= int(p.Version); v++ {
		d, err := findOne[revisionDoc](ctx, s, "revision of "+id, s.revisions, idFilter(revisionID(id, v)))
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, fmt.Errorf("mongo: practice %s: revision %d is missing", id, v)
			}
			return nil, err
		}
		out = append(out, revisionFromDoc(d))
	}
	return out, nil
}

// Inventory returns one recorded submission.
func (s *Store) Inventory(ctx context.Context, id string) (practice.Inventory, error) {
	done, err := s.read(ctx)
	if err != nil {
		return practice.Inventory{}, err
	}
	defer done()
	d, err := findOne[inventoryDoc](ctx, s, "inventory "+id, s.inventories, idFilter(id))
	if err != nil {
		return practice.Inventory{}, err
	}
	return inventoryFromDoc(d), nil
}

// Inventories pages through submissions, newest (greatest id) first.
func (s *Store) Inventories(ctx context.Context, q store.InventoryQuery) ([]practice.Inventory, error) {
	done, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return findAll(ctx, s, "inventories", s.inventories, inventoriesFilter(q), inventoryFromDoc, inventoriesOptions(q.Limit))
}

// RegionalActions returns every regional action ordered by id.
func (s *Store) RegionalActions(ctx context.Context) ([]actionplan.Action, error) {
	done, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return findAll(ctx, s, "regional actions", s.actions, bson.D{}, actionFromDoc, options.Find().SetSort(byID))
}

// TokenByHash finds a token, revoked ones included.
func (s *Store) TokenByHash(ctx context.Context, hash string) (auth.Token, error) {
	done, err := s.read(ctx)
	if err != nil {
		return auth.Token{}, err
	}
	defer done()
	if hash == "" {
		return auth.Token{}, fmt.Errorf("mongo: token without hash: %w", store.ErrNotFound)
	}
	d, err := findOne[tokenDoc](ctx, s, "token", s.tokens, tokenByHashFilter(hash))
	if err != nil {
		return auth.Token{}, err
	}
	return tokenFromDoc(d), nil
}

// Tokens lists every token record ordered by creation, then id.
func (s *Store) Tokens(ctx context.Context) ([]auth.Token, error) {
	done, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	return findAll(ctx, s, "tokens", s.tokens, bson.D{}, tokenFromDoc, options.Find().SetSort(byCreation))
}
