package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// writeSet is the computed result of a multi-document write: the documents
// as they must be afterwards. Both paths write the same set: in one
// transaction, or through the pending record and an idempotent roll-forward.
type writeSet struct {
	practices []practiceDoc // changed practices, in Seq order
	revisions []revisionDoc // new revisions, written once (never overwritten)
	erased    []revisionDoc // existing revisions overwritten (EraseContact)
	inventory *inventoryDoc // the inventory record (Submit), written last
}

func (ws writeSet) empty() bool {
	return len(ws.practices) == 0 && len(ws.revisions) == 0 && len(ws.erased) == 0 && ws.inventory == nil
}

// addPractice adds a changed practice and its new revision, RevisionOf it.
func (ws *writeSet) addPractice(p practice.Practice) {
	ws.practices = append(ws.practices, practiceToDoc(p))
	ws.revisions = append(ws.revisions, revisionToDoc(practice.RevisionOf(p)))
}

// write runs a multi-document write: plan computes the write set from the
// current state (reading with the context it is given) and returns it.
func (s *Store) write(ctx context.Context, what string, plan func(ctx context.Context) (writeSet, error)) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if s.txn {
		return s.inTxn(ctx, what, func(tctx context.Context) error {
			ws, err := plan(tctx)
			if err != nil {
				return err
			}
			return s.applyTxn(tctx, ws)
		})
	}
	return s.writeRollForward(ctx, what, plan)
}

// inTxn runs fn in a multi-document transaction (snapshot reads, majority
// writes), retried by the driver on transient errors. fn's operations use
// the caller's context, so cancelling it aborts the transaction; the commit
// itself runs only when the context is still live, and is not cut off
// halfway (session.WithTransaction commits with a background context).
func (s *Store) inTxn(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	sess, err := s.client.StartSession()
	if err != nil {
		return s.mapErr(ctx, what, err)
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	_, err = sess.WithTransaction(ctx, func(tctx context.Context) (any, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := fn(tctx); err != nil {
			return nil, err
		}
		return nil, ctx.Err() // the last moment to call it off: nothing is committed yet
	}, transactionOptions())
	return s.mapErr(ctx, what, err)
}

// transactionOptions: snapshot reads, majority writes, and the primary
// (a transaction cannot read from a secondary; without this it would take
// the session's default, the URI's readPreference).
func transactionOptions() *options.TransactionOptionsBuilder {
	return options.Transaction().SetReadConcern(readconcern.Snapshot()).SetWriteConcern(writeconcern.Majority()).SetReadPreference(readpref.Primary())
}

// applyTxn writes a write set inside a transaction.
func (s *Store) applyTxn(ctx context.Context, ws writeSet) error {
	if len(ws.revisions) > 0 {
		if _, err := s.revisions.InsertMany(ctx, ws.revisions); err != nil {
			return s.mapErr(ctx, "write revisions", err)
		}
	}
	if len(ws.practices) > 0 {
		models := make([]mongo.WriteModel, len(ws.practices))
		for i, d := range ws.practices {
			models[i] = upsertPracticeModel(d)
		}
		if _, err := s.practices.BulkWrite(ctx, models); err != nil {
			return s.mapErr(ctx, "write practices", err)
		}
	}
	if len(ws.erased) > 0 {
		models := make([]mongo.WriteModel, len(ws.erased))
		for i, d := range ws.erased {
			models[i] = replaceRevisionModel(d)
		}
		if _, err := s.revisions.BulkWrite(ctx, models); err != nil {
			return s.mapErr(ctx, "overwrite revisions", err)
		}
	}
	if ws.inventory != nil {
		if _, err := s.inventories.InsertOne(ctx, ws.inventory); err != nil {
			return s.mapErr(ctx, "write inventory "+ws.inventory.ID, err)
		}
	}
	return nil
}

// takeSeqs takes n Seqs from the counter (inside the transaction, if any)
// and returns the first.
func (s *Store) takeSeqs(ctx context.Context, n int) (uint64, error) {
	var c counterDoc
	err := s.counters.FindOneAndUpdate(ctx, idFilter(counterSeq), counterIncUpdate(n),
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&c)
	if err != nil {
		return 0, s.mapErr(ctx, "Seq counter", err)
	}
	return uint64(c.Value) - uint64(n) + 1, nil
}

// getPractice reads one practice for a write; nil if there is none.
func (s *Store) getPractice(ctx context.Context, id string) (*practice.Practice, error) {
	d, err := findOne[practiceDoc](ctx, s, "practice "+id, s.practices, idFilter(id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := practiceFromDoc(d)
	return &p, nil
}

// ---- Submit, Withdraw, EraseContact: the rules of store, applied ----

// takeSeqsIn is takeSeqs as the rules take it.
func (s *Store) takeSeqsIn(ctx context.Context) store.TakeSeqs {
	return func(n int) (uint64, error) { return s.takeSeqs(ctx, n) }
}

// Submit applies a submission all or nothing: store.PlanSubmission over the
// stored practices, a new revision for each one that changed, the inventory
// record with its counts. A duplicate ref or an existing inventory id is an
// ErrConflict and writes nothing.
func (s *Store) Submit(ctx context.Context, sub store.Submission) (store.Submitted, error) {
	if err := s.check(ctx); err != nil {
		return store.Submitted{}, err
	}
	what, plan, out, err := s.submission(sub)
	if err != nil {
		return store.Submitted{}, err
	}
	if err := s.write(ctx, what, plan); err != nil {
		return store.Submitted{}, err
	}
	return *out, nil
}

// submission prepares a submission: what it is called, the plan of its
// write, and where the plan leaves its result.
func (s *Store) submission(sub store.Submission) (string, func(context.Context) (writeSet, error), *store.Submitted, error) {
	inv, err := store.PrepareSubmission(sub, s.o.now())
	if err != nil {
		return "", nil, nil, err
	}
	out := new(store.Submitted)
	plan := func(ctx context.Context) (writeSet, error) {
		var st store.SubmissionState
		if _, err := findOne[bson.Raw](ctx, s, "inventory", s.inventories, idFilter(inv.ID)); err == nil {
			st.InventoryExists = true
		} else if !errors.Is(err, store.ErrNotFound) {
			return writeSet{}, err
		}
		ids := make([]string, len(sub.Practices))
		for i, in := range sub.Practices {
			ids[i] = practice.ID(inv.Region, in.Ref)
		}
		st.Practices = map[string]practice.Practice{}
		if len(ids) > 0 && !st.InventoryExists {
			found, err := findAll(ctx, s, "existing practices", s.practices, idsFilter(ids), practiceFromDoc)
			if err != nil {
				return writeSet{}, err
			}
			for _, p := range found {
				st.Practices[p.ID] = p
			}
		}
		if err := ctx.Err(); err != nil {
			return writeSet{}, err
		}
		res, err := store.PlanSubmission(inv, sub.Practices, st, s.takeSeqsIn(ctx))
		if err != nil {
			return writeSet{}, err
		}
		*out = res
		var ws writeSet
		for _, p := range res.Changed() {
			ws.addPractice(p)
		}
		d := inventoryToDoc(res.Inventory)
		ws.inventory = &d
		return ws, nil
	}
	return "inventory " + inv.ID, plan, out, nil
}

// Withdraw takes a live practice out of search and lists as a new version
// (store.Withdraw).
func (s *Store) Withdraw(ctx context.Context, id string, w practice.Withdrawal) (practice.Practice, error) {
	if err := s.check(ctx); err != nil {
		return practice.Practice{}, err
	}
	var out practice.Practice
	err := s.write(ctx, "withdraw practice "+id, func(ctx context.Context) (writeSet, error) {
		p, err := s.getPractice(ctx, id)
		if err != nil {
			return writeSet{}, err
		}
		next, _, err := store.Withdraw(id, p, w, s.o.now(), s.takeSeqsIn(ctx))
		if err != nil {
			return writeSet{}, err
		}
		out = next
		var ws writeSet
		ws.addPractice(next)
		return ws, nil
	})
	if err != nil {
		return practice.Practice{}, err
	}
	return out, nil
}

// EraseContact removes email and phone from the practice and every revision
// (store.EraseContact).
func (s *Store) EraseContact(ctx context.Context, id string) (practice.Practice, error) {
	if err := s.check(ctx); err != nil {
		return practice.Practice{}, err
	}
	var out practice.Practice
	err := s.write(ctx, "erase the contact of "+id, func(ctx context.Context) (writeSet, error) {
		p, err := s.getPractice(ctx, id)
		if err != nil {
			return writeSet{}, err
		}
		var history []practice.Revision
		if p != nil {
			history, err = findAll(ctx, s, "revisions of "+id, s.revisions, historyFilter(id), revisionFromDoc, options.Find().SetSort(byVersion))
			if err != nil {
				return writeSet{}, err
			}
		}
		e, err := store.EraseContact(id, p, history, s.takeSeqsIn(ctx))
		if err != nil {
			return writeSet{}, err
		}
		out = e.Practice
		var ws writeSet
		if e.Changed {
			ws.practices = append(ws.practices, practiceToDoc(e.Practice))
		}
		for _, r := range e.Revisions {
			ws.erased = append(ws.erased, revisionToDoc(r))
		}
		return ws, nil
	})
	if err != nil {
		return practice.Practice{}, err
	}
	return out, nil
}

// ---- single-document writes ----

// PutRegionalAction creates or replaces a regional action.
func (s *Store) PutRegionalAction(ctx context.Context, a actionplan.Action) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if err := store.CheckRegionalAction(a); err != nil {
		return err
	}
	_, err := s.actions.ReplaceOne(ctx, idFilter(a.ID), actionToDoc(a), options.Replace().SetUpsert(true))
	return s.mapErr(ctx, "regional action "+a.ID, err)
}

// DeleteRegionalAction removes a regional action; ErrNotFound if absent.
func (s *Store) DeleteRegionalAction(ctx context.Context, id string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	res, err := s.actions.DeleteOne(ctx, idFilter(id))
	if err != nil {
		return s.mapErr(ctx, "regional action "+id, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("mongo: regional action %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// CreateToken stores a token record; ErrConflict if its id or hash exists.
func (s *Store) CreateToken(ctx context.Context, t auth.Token) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	t, err := store.PrepareToken(t)
	if err != nil {
		return err
	}
	_, err = s.tokens.InsertOne(ctx, tokenToDoc(t))
	return s.mapErr(ctx, "token "+t.ID, err)
}

// RevokeToken marks a token revoked at at. Revoking a revoked token keeps
// the first time.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	at = store.RevokedAt(at, s.o.now())
	res, err := s.tokens.UpdateOne(ctx, revokeTokenFilter(id), revokeTokenUpdate(at))
	if err != nil {
		return s.mapErr(ctx, "revoke token "+id, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	// Revoked already (keeps its first time), or unknown.
	if _, err := findOne[tokenDoc](ctx, s, "token "+id, s.tokens, idFilter(id)); err != nil {
		return err
	}
	return nil
}
