package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// The non-transactional path: a durable roll-forward record.
//
// The pending collection holds at most one document, _id pendingSlot: the
// write slot. A writer takes it by inserting it in state "locked" (a
// duplicate key means another write holds it), computes its write set, stores
// the computed documents in pending_items under its random token, and then
// marks the slot "ready" together with the inventory record: that single
// document write is the commit point. It then applies the items with
// idempotent writes, in Seq order, writes the inventory record, deletes the
// items and finally the slot.
//
// A ready slot is completed by whoever finds it: the writer itself, the next
// write of any process, or Open after a crash. Completing is idempotent and
// safe to run twice at once (see rollForwardPracticeFilter). A locked slot
// whose writer died before the commit point is dropped once its lease has
// run out; nothing of it was applied.

const (
	pendingSlot = "write"
	stateLocked = "locked"
	stateReady  = "ready"
	itemBatch   = 500 // items per insert and per roll-forward batch
	// updateBatch is the most updates of existing documents sent in one
	// command. FerretDB 1.24 (SQLite) keeps every matched update's cursor,
	// and its SQLite connection, open until the whole command ends; with
	// more than its 100 connections in one command it waits forever, and
	// long commands of updates are slow there.
	updateBatch   = 16
	applyTimeout  = 5 * time.Minute // the roll-forward after the commit point, without an operation timeout
	pollMin       = 20 * time.Millisecond
	pollMax       = 500 * time.Millisecond
	releaseWithin = 10 * time.Second // freeing a slot, without an operation timeout
	maxAbandoned  = 64               // slot tokens given up on that are remembered
	maxItems      = 1 << 24          // more items than any write has: a slot claiming more is damaged
)

// pendingDoc is the write slot.
type pendingDoc struct {
	ID        string        `bson:"_id"`
	Token     string        `bson:"token"`
	State     string        `bson:"state"`
	LockedAt  bson.DateTime `bson:"lockedAt"`
	What      string        `bson:"what,omitempty"`
	Items     int64         `bson:"items"`
	Inventory *inventoryDoc `bson:"inventory,omitempty"`
}

// pendingItemDoc is one computed document (or a practice with its new
// revision) of a pending write.
type pendingItemDoc struct {
	ID       string       `bson:"_id"` // token/n
	Token    string       `bson:"token"`
	N        int64        `bson:"n"`
	Practice *practiceDoc `bson:"practice,omitempty"`
	Revision *revisionDoc `bson:"revision,omitempty"` // a new revision: written if absent
	Erased   *revisionDoc `bson:"erased,omitempty"`   // an existing revision: overwritten
}

// pendingItems lays out a write set as items in the order they are applied:
// each changed practice with its new revision (Seq order), then the
// overwritten revisions.
func pendingItems(token string, ws writeSet) []pendingItemDoc {
	var items []pendingItemDoc
	add := func(it pendingItemDoc) {
		it.N = int64(len(items))
		it.Token = token
		it.ID = itemID(token, it.N)
		items = append(items, it)
	}
	for i := range ws.practices {
		it := pendingItemDoc{Practice: &ws.practices[i]}
		if i < len(ws.revisions) && ws.revisions[i].PracticeID == ws.practices[i].ID {
			it.Revision = &ws.revisions[i]
		}
		add(it)
	}
	for i := len(ws.practices); i < len(ws.revisions); i++ {
		add(pendingItemDoc{Revision: &ws.revisions[i]})
	}
	for i := range ws.erased {
		add(pendingItemDoc{Erased: &ws.erased[i]})
	}
	return items
}

// itemID is the _id of item n of a write.
func itemID(token string, n int64) string { return fmt.Sprintf("%s/%08d", token, n) }

// lockSlotDoc is the slot as a writer takes it.
func lockSlotDoc(token string, now time.Time) pendingDoc {
	return pendingDoc{ID: pendingSlot, Token: token, State: stateLocked, LockedAt: toDate(now)}
}

// ownLockedFilter selects the slot while this writer holds it, not ready yet.
func ownLockedFilter(token string) bson.D {
	return bson.D{{Key: "_id", Value: pendingSlot}, {Key: "token", Value: token}, {Key: "state", Value: stateLocked}}
}

// ownSlotFilter selects the slot of a token in any state.
func ownSlotFilter(token string) bson.D {
	return bson.D{{Key: "_id", Value: pendingSlot}, {Key: "token", Value: token}}
}

// readyUpdate is the commit point: the slot becomes ready with the number of
// items and the inventory record.
func readyUpdate(what string, items int, inv *inventoryDoc) bson.D {
	set := bson.D{{Key: "state", Value: stateReady}, {Key: "what", Value: what}, {Key: "items", Value: int64(items)}}
	if inv != nil {
		set = append(set, bson.E{Key: "inventory", Value: inv})
	}
	return bson.D{{Key: "$set", Value: set}}
}

// itemsFilter selects the items of a token.
func itemsFilter(token string) bson.D { return bson.D{{Key: "token", Value: token}} }

// orphanItemsFilter selects the items of every other token than that of the
// slot's holder.
func orphanItemsFilter(token string) bson.D {
	return bson.D{{Key: "token", Value: bson.D{{Key: "$ne", Value: token}}}}
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	return hex.EncodeToString(b[:])
}

// writeRollForward is write on a deployment without transactions: the
// write is made durable up to its commit point, then applied.
func (s *Store) writeRollForward(ctx context.Context, what string, plan func(ctx context.Context) (writeSet, error)) error {
	select { // one write of this process at a time; others wait here rather than poll the slot
	case s.writeSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writeSem }()

	h, items, err := s.commitPending(ctx, what, plan)
	if err != nil || h == nil {
		return err
	}
	return s.applyCommitted(ctx, *h, items)
}

// commitPending takes the write slot, plans the write and stores it as
// pending items, and marks the slot ready: the commit point. It returns the
// ready slot and its items, or nil when there is nothing to write. The
// caller holds s.writeSem.
func (s *Store) commitPending(ctx context.Context, what string, plan func(ctx context.Context) (writeSet, error)) (*pendingDoc, []pendingItemDoc, error) {
	token, err := s.acquireSlot(ctx)
	if err != nil {
		return nil, nil, err
	}
	// Holding the slot, every item of another token is an orphan (an item
	// insert that was cut off and landed after its slot was dropped): it is
	// never applied, but it would keep IsEmpty false. Best effort.
	_, _ = s.pendingItems.DeleteMany(ctx, orphanItemsFilter(token))
	committed := false
	defer func() {
		if !committed {
			rctx, cancel := s.detach(ctx, releaseWithin)
			defer cancel()
			_ = s.dropSlot(rctx, token) // if this fails the lease runs out
		}
	}()

	ws, err := plan(ctx)
	if err != nil {
		return nil, nil, err
	}
	if ws.empty() {
		return nil, nil, nil // nothing to write (EraseContact without personal data)
	}
	items := pendingItems(token, ws)
	for start := 0; start < len(items); start += itemBatch {
		batch := items[start:min(start+itemBatch, len(items))]
		if _, err := s.pendingItems.InsertMany(ctx, batch); err != nil {
			return nil, nil, s.mapErr(ctx, what+": pending write", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}

	// The commit point.
	res, err := s.pending.UpdateOne(ctx, ownLockedFilter(token), readyUpdate(what, len(items), ws.inventory))
	switch {
	case err != nil:
		// Cut off or failed while on its way: the update may still reach the
		// server after this. Settle it with one atomic write instead of a
		// look (which could come before the update lands): withdraw the
		// locked slot. Gone: the update can no longer match, nothing is
		// committed. Still there: it was made ready, the write is committed.
		lctx, cancel := s.detach(ctx, releaseWithin)
		defer cancel()
		ready, rerr := s.withdrawSlot(lctx, token)
		if rerr != nil {
			return nil, nil, fmt.Errorf("mongo: %s: unsure whether it was committed (if so, the next write or Open completes it): %w; checking: %w", what, s.mapErr(ctx, "commit", err), rerr)
		}
		if !ready {
			return nil, nil, s.mapErr(ctx, what+": commit", err)
		}
	case res.MatchedCount == 0:
		return nil, nil, fmt.Errorf("mongo: %s: the write slot was released meanwhile (lease of %s ran out): %w", what, s.o.lockLease, store.ErrUnavailable)
	}
	committed = true
	return &pendingDoc{ID: pendingSlot, Token: token, State: stateReady, What: what, Items: int64(len(items)), Inventory: ws.inventory}, items, nil
}

// applyCommitted applies a write this process has just committed.
func (s *Store) applyCommitted(ctx context.Context, h pendingDoc, items []pendingItemDoc) error {
	if err := s.completeDetached(ctx, h, items); err != nil {
		return fmt.Errorf("mongo: %s is committed but not yet applied in full; the next read or write of this process, or Open, completes it: %w", h.What, unavailable(err))
	}
	return nil
}

// unavailable marks err as ErrUnavailable unless it is already a store error
// or a context error.
func unavailable(err error) error {
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

// detach is ctx without its cancellation and deadline, for work that must
// not be cut off by the caller: each operation then gets the store's
// operation timeout from the driver. Without an operation timeout the whole
// work is bounded by fallback instead.
func (s *Store) detach(ctx context.Context, fallback time.Duration) (context.Context, context.CancelFunc) {
	if s.o.operationTimeout > 0 {
		return context.WithCancel(context.WithoutCancel(ctx))
	}
	return context.WithTimeout(context.WithoutCancel(ctx), fallback)
}

// acquireSlot takes the write slot, completing a ready write it finds there
// and dropping an abandoned one. It returns the token of this write.
func (s *Store) acquireSlot(ctx context.Context) (string, error) {
	token := newToken()
	wait := pollMin
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		_, err := s.pending.InsertOne(ctx, lockSlotDoc(token, s.o.now()))
		if err == nil {
			return token, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			// Cut off on its way, the insert may still reach the server,
			// even after the delete below: free the slot now, and remember
			// the token so that this process drops the slot at once, not
			// after the lease, if the insert lands later.
			s.abandon(token)
			rctx, cancel := s.detach(ctx, releaseWithin)
			_ = s.dropSlot(rctx, token)
			cancel()
			return "", s.mapErr(ctx, "write slot", err)
		}
		var h pendingDoc
		err = s.pending.FindOne(ctx, idFilter(pendingSlot)).Decode(&h)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // released in between
		}
		if err != nil {
			return "", s.mapErr(ctx, "write slot", err)
		}
		switch {
		case h.State == stateReady:
			// Committed: complete it whole, whatever the caller's context.
			if err := s.completeDetached(ctx, h, nil); err != nil {
				return "", unavailable(err)
			}
			continue
		case s.expired(h) || s.abandoned(h):
			if err := s.dropSlot(ctx, h.Token); err != nil {
				return "", err
			}
			s.forget(h.Token)
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, pollMax)
	}
}

// expired reports whether a locked slot's lease has run out.
func (s *Store) expired(h pendingDoc) bool {
	return h.State == stateLocked && s.o.now().Sub(fromDate(h.LockedAt)) > s.o.lockLease
}

// abandon remembers a token whose slot insert this process gave up on.
func (s *Store) abandon(token string) {
	s.abandonedMu.Lock()
	defer s.abandonedMu.Unlock()
	if s.abandonedTokens == nil || len(s.abandonedTokens) >= maxAbandoned {
		// A cut-off insert lands within moments or never: old tokens need
		// not be kept (their slots fall to the lease anyway).
		s.abandonedTokens = map[string]bool{}
	}
	s.abandonedTokens[token] = true
}

// abandoned reports a locked slot that holds a token this process gave up
// on: no writer of this process will make it ready.
func (s *Store) abandoned(h pendingDoc) bool {
	s.abandonedMu.Lock()
	defer s.abandonedMu.Unlock()
	return h.State == stateLocked && s.abandonedTokens[h.Token]
}

func (s *Store) forget(token string) {
	s.abandonedMu.Lock()
	defer s.abandonedMu.Unlock()
	delete(s.abandonedTokens, token)
}

// withdrawSlot settles the fate of this writer's slot after its commit
// write failed: it deletes the slot if it is still locked (ready false:
// nothing is committed, and the commit write can no longer match) and
// otherwise reports whether it is ready (committed). A slot that is gone
// altogether (dropped after its lease) is not ready.
func (s *Store) withdrawSlot(ctx context.Context, token string) (ready bool, err error) {
	res, err := s.pending.DeleteOne(ctx, ownLockedFilter(token))
	if err != nil {
		return false, s.mapErr(ctx, "write slot", err)
	}
	if res.DeletedCount == 1 {
		return false, nil
	}
	var h pendingDoc
	err = s.pending.FindOne(ctx, ownSlotFilter(token)).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, s.mapErr(ctx, "write slot", err)
	}
	return h.State == stateReady, nil
}

// dropSlot removes a slot that was never made ready, with its items. The
// slot goes first: once a locked slot is deleted, no late commit write can
// make it ready, so its items can go. A slot found ready instead is
// committed and keeps its items (the next write or Open completes it).
func (s *Store) dropSlot(ctx context.Context, token string) error {
	ready, err := s.withdrawSlot(ctx, token)
	if err != nil {
		return fmt.Errorf("mongo: release the write slot: %w", err)
	}
	if ready {
		return nil
	}
	if _, err := s.pendingItems.DeleteMany(ctx, itemsFilter(token)); err != nil {
		return s.mapErr(ctx, "release the write slot", err)
	}
	return nil
}

// completeDetached completes a committed write without the caller's
// cancellation (each operation within the operation timeout): once
// committed, a write is applied whole. If that fails (the server stopped
// answering), the store remembers it: the next read of this process
// completes it first, or fails with ErrUnavailable, so that readers of this
// process never see a part of it.
func (s *Store) completeDetached(ctx context.Context, h pendingDoc, items []pendingItemDoc) error {
	actx, cancel := s.detach(ctx, applyTimeout)
	defer cancel()
	err := s.complete(actx, h, items)
	s.unfinished.Store(err != nil)
	return err
}

// settle makes sure no write this process could not complete (see
// completeDetached) is half visible to a read. While one is unfinished, one
// completion runs at a time, in the background, detached from the readers
// (a reader's short deadline must not cut it off again and again); a read
// waits for it at most waitBound and fails with ErrUnavailable while it has
// not succeeded.
func (s *Store) settle(ctx context.Context) error {
	if s.txn || !s.unfinished.Load() {
		return nil
	}
	s.settleMu.Lock()
	done := s.settling
	if done == nil {
		done = make(chan struct{})
		s.settling = done
		go s.completeUnfinished(done)
	}
	s.settleMu.Unlock()
	wctx, cancel := s.waitBound(ctx)
	defer cancel()
	select {
	case <-done:
	case <-wctx.Done():
		return s.waitErr(ctx, "a committed write is still being completed", wctx.Err())
	}
	if !s.unfinished.Load() {
		return nil
	}
	s.settleMu.Lock()
	err := s.settleErr
	s.settleMu.Unlock()
	return fmt.Errorf("mongo: a committed write is not completed yet: %w", unavailable(err))
}

// completeUnfinished is the completion settle starts: it completes the
// write the slot holds, each operation within the operation timeout (the
// whole within applyTimeout when there is none), and closes done.
func (s *Store) completeUnfinished(done chan struct{}) {
	ctx, cancel := s.detach(context.Background(), applyTimeout)
	defer cancel()
	err := s.completeSlot(ctx)
	if err == nil {
		s.unfinished.Store(false)
	}
	s.settleMu.Lock()
	s.settleErr = err
	s.settling = nil
	s.settleMu.Unlock()
	close(done)
}

// completeSlot completes the write in the slot, if it is ready.
func (s *Store) completeSlot(ctx context.Context) error {
	var h pendingDoc
	err := s.pending.FindOne(ctx, idFilter(pendingSlot)).Decode(&h)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return nil // completed by another process
	case err != nil:
		return fmt.Errorf("mongo: a committed write is not yet applied in full: %w", unavailable(s.mapErr(ctx, "pending write", err)))
	case h.State != stateReady:
		return nil
	}
	if err := s.complete(ctx, h, nil); err != nil {
		return fmt.Errorf("mongo: a committed write is not yet applied in full: %w", unavailable(err))
	}
	return nil
}

// recoverPending runs at Open: it completes a ready write and drops an
// abandoned locked slot. A locked slot within its lease belongs to a live
// writer (or one that died a moment ago; the next write drops it).
func (s *Store) recoverPending(ctx context.Context) error {
	var h pendingDoc
	err := s.pending.FindOne(ctx, idFilter(pendingSlot)).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		return s.mapErr(ctx, "pending write", err)
	}
	switch {
	case h.State == stateReady:
		return s.completeDetached(ctx, h, nil)
	case s.expired(h):
		return s.dropSlot(ctx, h.Token)
	}
	return nil
}

// complete applies a ready write and frees the slot. Readers of this process
// wait meanwhile. Every write is idempotent: revisions and the inventory are
// inserted if absent, a practice is inserted if absent and otherwise
// replaced only while it holds an older Seq, and overwritten revisions get
// the same content again. Before each batch it checks that the slot is still
// there: once another completion of the same write has freed it, a newer
// write may follow, and this one stops (the other applied everything).
func (s *Store) complete(ctx context.Context, h pendingDoc, items []pendingItemDoc) (err error) {
	if err := s.gate.Acquire(ctx, gateAll); err != nil { // readers leave within their bounds
		return err
	}
	defer s.gate.Release(gateAll)
	what := "pending write " + h.What

	var n int64
	var batch []pendingItemDoc
	var current map[string]int64 // the Seq each practice of the write holds, read once
	errDone := errors.New("completed by another")
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var still pendingDoc
		err := s.pending.FindOne(ctx, ownSlotFilter(h.Token)).Decode(&still)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return errDone
		}
		if err != nil {
			return s.mapErr(ctx, what, err)
		}
		err = s.applyItemsAt(ctx, batch, current)
		batch = batch[:0]
		return err
	}
	defer func() {
		if errors.Is(err, errDone) {
			err = nil
		}
	}()
	// The writer has its items at hand; a completion after a crash reads
	// them back first.
	if items == nil {
		if items, err = s.readItems(ctx, h, what); err != nil {
			return err
		}
	}
	if current, err = s.currentSeqsOf(ctx, items); err != nil {
		return err
	}
	next := func() (pendingItemDoc, bool, error) {
		if n >= int64(len(items)) {
			return pendingItemDoc{}, false, nil
		}
		return items[n], true, nil
	}
	for {
		it, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if it.N != n {
			return fmt.Errorf("mongo: %s: item %d is missing", what, n)
		}
		n++
		batch = append(batch, it)
		if len(batch) == itemBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if n != h.Items {
		// Items are deleted only after everything is applied, and the slot
		// after the items: missing items mean that another completion of the
		// same write (after a crash, by another process) got as far as
		// deleting them, so they were all applied. Anything else is damage.
		var still pendingDoc
		err := s.pending.FindOne(ctx, ownSlotFilter(h.Token)).Decode(&still)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil // completed by the other
		}
		if n != 0 || err != nil {
			return fmt.Errorf("mongo: %s: found %d of %d items", what, n, h.Items)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if h.Inventory != nil {
		u, err := insertIfAbsentUpdate(h.Inventory)
		if err != nil {
			return fmt.Errorf("mongo: %s: inventory: %w", what, err)
		}
		_, err = s.inventories.UpdateOne(ctx, idFilter(h.Inventory.ID), u, options.UpdateOne().SetUpsert(true))
		if err != nil && !mongo.IsDuplicateKeyError(err) { // a concurrent completion inserted it
			return s.mapErr(ctx, what+": inventory", err)
		}
	}
	if _, err := s.pendingItems.DeleteMany(ctx, itemsFilter(h.Token)); err != nil {
		return s.mapErr(ctx, what+": clean up", err)
	}
	if _, err := s.pending.DeleteOne(ctx, ownSlotFilter(h.Token)); err != nil {
		return s.mapErr(ctx, what+": clean up", err)
	}
	return nil
}

// readItems reads the items of a committed write back, in order, from item
// 0 up to the first one missing: with one find by token, unsorted, and
// ordered here. MongoDB answers it along the token_n index; FerretDB 1.24,
// which pushes down only a filter on _id alone, with one pass over
// pending_items (a sorted read of a whole 5,000-practice write ran out of
// time there, and one read per item, by _id, took minutes on a busy
// machine: 5,000 round trips while every reader of the process waited).
func (s *Store) readItems(ctx context.Context, h pendingDoc, what string) ([]pendingItemDoc, error) {
	if h.Items < 0 || h.Items > maxItems {
		return nil, fmt.Errorf("mongo: %s: %d items recorded", what, h.Items)
	}
	got := make([]pendingItemDoc, h.Items)
	have := make([]bool, h.Items)
	cur, err := s.pendingItems.Find(ctx, itemsFilter(h.Token), options.Find().SetBatchSize(itemBatch))
	if err != nil {
		return nil, s.mapErr(ctx, what, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		var it pendingItemDoc
		if err := cur.Decode(&it); err != nil {
			return nil, fmt.Errorf("mongo: %s: reading an item: %w", what, err)
		}
		if it.N >= 0 && it.N < h.Items && it.ID == itemID(h.Token, it.N) {
			got[it.N], have[it.N] = it, true
		}
	}
	if err := cur.Err(); err != nil {
		return nil, s.mapErr(ctx, what, err)
	}
	n := 0
	for n < len(have) && have[n] {
		n++
	}
	return got[:n], nil
}

// applyItems writes a batch of items: new revisions first (so the history
// holds a version before the practice shows it), then the practices in Seq
// order, then overwritten revisions. New documents go in as inserts (one
// command per batch); documents that exist are replaced by _id, at most
// updateBatch per command.
func (s *Store) applyItems(ctx context.Context, items []pendingItemDoc) error {
	return s.applyItemsAt(ctx, items, nil)
}

// applyItemsAt is applyItems with the Seqs the practices hold read before
// (nil: read them now). Read once for a whole write, before its first
// batch, they are as good as read before each: only completions of the same
// write change these practices while its slot exists, and complete checks
// the slot before each batch.
func (s *Store) applyItemsAt(ctx context.Context, items []pendingItemDoc, current map[string]int64) error {
	var revs []any
	var prs []practiceDoc
	var ids []string
	var erased []mongo.WriteModel
	for _, it := range items {
		if it.Revision != nil {
			revs = append(revs, it.Revision)
		}
		if it.Practice != nil {
			prs = append(prs, *it.Practice)
			ids = append(ids, it.Practice.ID)
		}
		if it.Erased != nil {
			erased = append(erased, replaceRevisionModel(*it.Erased))
		}
	}
	if len(revs) > 0 {
		// Revisions are written once: one that is there already was written
		// by an earlier or concurrent completion with the same content.
		if _, err := s.revisions.InsertMany(ctx, revs, options.InsertMany().SetOrdered(false)); err != nil && !onlyDuplicates(err) {
			return s.mapErr(ctx, "write revisions", err)
		}
	}
	if len(prs) > 0 {
		if current == nil {
			var err error
			if current, err = s.currentSeqs(ctx, ids); err != nil {
				return err
			}
		}
		if err := s.bulkSkippingDuplicates(ctx, s.practices, rollForwardPracticeModels(prs, current)); err != nil {
			return s.mapErr(ctx, "write practices", err)
		}
	}
	for start := 0; start < len(erased); start += updateBatch {
		if _, err := s.revisions.BulkWrite(ctx, erased[start:min(start+updateBatch, len(erased))]); err != nil {
			return s.mapErr(ctx, "overwrite revisions", err)
		}
	}
	return nil
}

// currentSeqsOf returns the Seq each practice of items holds now, in
// queries of up to seqQueryIDs ids: FerretDB 1.24 answers a query on more
// than one _id with a pass over the whole collection, so one query for a
// whole 5,000-practice write instead of one per batch of 500 saves nine
// passes (about 3 s each on a busy machine, measured).
func (s *Store) currentSeqsOf(ctx context.Context, items []pendingItemDoc) (map[string]int64, error) {
	var ids []string
	for _, it := range items {
		if it.Practice != nil {
			ids = append(ids, it.Practice.ID)
		}
	}
	out := make(map[string]int64, len(ids))
	for start := 0; start < len(ids); start += seqQueryIDs {
		m, err := s.currentSeqs(ctx, ids[start:min(start+seqQueryIDs, len(ids))])
		if err != nil {
			return nil, err
		}
		maps.Copy(out, m)
	}
	return out, nil
}

// seqQueryIDs is the most ids currentSeqsOf asks for in one query (a filter
// of at most about 400 KB, far below MongoDB's 16 MB).
const seqQueryIDs = 10000

// currentSeqs returns the Seq each of the practices holds now; an absent
// practice has no entry.
func (s *Store) currentSeqs(ctx context.Context, ids []string) (map[string]int64, error) {
	type seqDoc struct {
		ID  string `bson:"_id"`
		Seq int64  `bson:"seq"`
	}
	docs, err := findAll(ctx, s, "Seqs", s.practices, idsFilter(ids), func(d seqDoc) seqDoc { return d },
		options.Find().SetProjection(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return nil, err
	}
	m := make(map[string]int64, len(docs))
	for _, d := range docs {
		m[d.ID] = d.Seq
	}
	return m, nil
}

// bulkSkippingDuplicates runs models in order, in commands of at most
// updateBatch updates (inserts between them ride along, up to itemBatch
// models); a model that fails with a duplicate key (a practice another
// completion inserted first) is skipped and the rest continues in order.
// Models before the reported index ran; a server that reports a smaller
// index than the real one (FerretDB reports 0) makes models run again,
// which they may (they are idempotent), never skipped.
func (s *Store) bulkSkippingDuplicates(ctx context.Context, coll *mongo.Collection, models []mongo.WriteModel) error {
	for len(models) > 0 {
		n := commandSize(models)
		_, err := coll.BulkWrite(ctx, models[:n], options.BulkWrite().SetOrdered(true))
		if err == nil {
			models = models[n:]
			continue
		}
		next, ok := skipDuplicate(err)
		if !ok {
			return err
		}
		models = models[min(next, n):]
	}
	return nil
}

// commandSize is how many of models go in the next command: up to
// updateBatch updates and itemBatch models in all.
func commandSize(models []mongo.WriteModel) int {
	updates := 0
	for i, m := range models {
		if i == itemBatch {
			return i
		}
		if _, insert := m.(*mongo.InsertOneModel); !insert {
			if updates == updateBatch {
				return i
			}
			updates++
		}
	}
	return len(models)
}

// onlyDuplicates reports a bulk write error made only of duplicate keys: of
// revisions another completion inserted at the same moment.
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}

// skipDuplicate returns where an ordered bulk write stopped at a duplicate
// key error, plus one; ok is false for any other error.
func skipDuplicate(err error) (int, bool) {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) != 1 {
		return 0, false
	}
	we := bwe.WriteErrors[0]
	if we.Code != 11000 {
		return 0, false
	}
	return we.Index + 1, true
}
