package mongo

import (
	"context"
	"errors"
	"fmt"
	"math"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var (
	_ store.Dumper = (*Store)(nil)
	_ store.Loader = (*Store)(nil)
)

// dumpBatch is the cursor batch size of Dump.
const dumpBatch = 1000

// byPracticeVersion orders revisions by practice, then version: the
// practice_version index.
var byPracticeVersion = bson.D{{Key: "practiceId", Value: 1}, {Key: "version", Value: 1}}

// Dump streams every record: the practices in id order joined with the
// revisions in (practice id, version) order, two cursors read side by side,
// then the inventories, regional actions and tokens. MongoDB cursors are not
// snapshots: dump a store nobody writes to (stop the servers first); Verify
// afterwards notices a write that came in between.
func (s *Store) Dump(ctx context.Context, fn func(store.Record) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	pcur, err := s.practices.Find(ctx, bson.D{}, options.Find().SetSort(byID).SetBatchSize(dumpBatch))
	if err != nil {
		return s.mapErr(ctx, "dump practices", err)
	}
	defer pcur.Close(context.WithoutCancel(ctx))
	rcur, err := s.revisions.Find(ctx, bson.D{}, options.Find().SetSort(byPracticeVersion).SetHint("practice_version").SetBatchSize(dumpBatch))
	if err != nil {
		return s.mapErr(ctx, "dump revisions", err)
	}
	defer rcur.Close(context.WithoutCancel(ctx))
	err = joinHistories(cursorNext[practiceDoc](ctx, s, pcur, "dump practices"), cursorNext[revisionDoc](ctx, s, rcur, "dump revisions"), fn)
	if err != nil {
		return err
	}
	if err := dumpCollection(ctx, s, s.inventories, "dump inventories", byID, func(d inventoryDoc) store.Record {
		inv := inventoryFromDoc(d)
		return store.Record{Inventory: &inv}
	}, fn); err != nil {
		return err
	}
	if err := dumpCollection(ctx, s, s.actions, "dump regional actions", byID, func(d actionDoc) store.Record {
		a := actionFromDoc(d)
		return store.Record{Action: &a}
	}, fn); err != nil {
		return err
	}
	return dumpCollection(ctx, s, s.tokens, "dump tokens", byCreation, func(d tokenDoc) store.Record {
		t := tokenFromDoc(d)
		return store.Record{Token: &t}
	}, fn)
}

// cursorNext returns a func that decodes the next document of cur, nil at
// the end.
func cursorNext[D any](ctx context.Context, s *Store, cur *mongo.Cursor, what string) func() (*D, error) {
	return func() (*D, error) {
		if !cur.Next(ctx) {
			return nil, s.mapErr(ctx, what, cur.Err())
		}
		var d D
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("mongo: %s: decode a document: %w", what, err)
		}
		return &d, nil
	}
}

// dumpCollection streams a whole collection in the given order as records.
func dumpCollection[D any](ctx context.Context, s *Store, coll *mongo.Collection, what string, sort bson.D, rec func(D) store.Record, fn func(store.Record) error) error {
	cur, err := coll.Find(ctx, bson.D{}, options.Find().SetSort(sort).SetBatchSize(dumpBatch))
	if err != nil {
		return s.mapErr(ctx, what, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	next := cursorNext[D](ctx, s, cur, what)
	for {
		d, err := next()
		if err != nil || d == nil {
			return err
		}
		if err := fn(rec(*d)); err != nil {
			return err
		}
	}
}

// joinHistories merges practices (in id order) with revisions (in practice
// id, version order) into records of a practice with its history. A
// revision without its practice is an error: the store is damaged, and a
// copy would lose it silently.
func joinHistories(nextPractice func() (*practiceDoc, error), nextRevision func() (*revisionDoc, error), fn func(store.Record) error) error {
	rev, err := nextRevision()
	if err != nil {
		return err
	}
	for {
		pd, err := nextPractice()
		if err != nil {
			return err
		}
		if pd == nil {
			break
		}
		p := practiceFromDoc(*pd)
		var h []practice.Revision
		for rev != nil && rev.PracticeID <= p.ID {
			if rev.PracticeID < p.ID {
				return orphan(rev)
			}
			h = append(h, revisionFromDoc(*rev))
			if rev, err = nextRevision(); err != nil {
				return err
			}
		}
		if err := fn(store.Record{Practice: &p, History: h}); err != nil {
			return err
		}
	}
	if rev != nil {
		return orphan(rev)
	}
	return nil
}

func orphan(r *revisionDoc) error {
	return fmt.Errorf("mongo: revision %d of practice %s has no practice (damaged store)", r.Version, r.PracticeID)
}

// IsEmpty reports whether the database holds no practice, revision,
// inventory, regional action or token, and no pending write. (The Seq
// counter, which Open creates, does not count.)
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	for _, coll := range []*mongo.Collection{s.practices, s.revisions, s.inventories, s.actions, s.tokens, s.pending, s.pendingItems} {
		err := coll.FindOne(ctx, bson.D{}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return false, s.mapErr(ctx, "is the database empty", err)
		}
		return false, nil
	}
	return true, nil
}

// loadDocs are the documents of a load batch per collection, in the order
// Load inserts them, and the highest Seq among the practices.
type loadDocs struct {
	revisions, practices, inventories, actions, tokens []any
	maxSeq                                             int64
}

// loadDocuments converts a batch of records into the documents Load writes.
func loadDocuments(batch []store.Record) (loadDocs, error) {
	var ld loadDocs
	for _, r := range batch {
		switch {
		case r.Practice != nil:
			p := r.Practice
			if p.ID == "" || p.Seq == 0 {
				return ld, fmt.Errorf("mongo: practice %q without id or Seq", p.ID)
			}
			if p.Seq > math.MaxInt64 { // BSON has no unsigned integers: refuse rather than panic in seqToDoc
				return ld, fmt.Errorf("mongo: practice %s: Seq %d does not fit in a BSON int64", p.ID, p.Seq)
			}
			for _, rev := range r.History {
				if rev.PracticeID != p.ID {
					return ld, fmt.Errorf("mongo: revision %d of %s comes with practice %s", rev.Version, rev.PracticeID, p.ID)
				}
				ld.revisions = append(ld.revisions, revisionToDoc(rev))
			}
			d := practiceToDoc(*p)
			ld.practices = append(ld.practices, d)
			ld.maxSeq = max(ld.maxSeq, d.Seq)
		case r.Inventory != nil:
			if r.Inventory.ID == "" || r.Inventory.Region == "" {
				return ld, fmt.Errorf("mongo: inventory %q without id or region", r.Inventory.ID)
			}
			ld.inventories = append(ld.inventories, inventoryToDoc(*r.Inventory))
		case r.Action != nil:
			if r.Action.ID == "" || r.Action.Region == "" {
				return ld, fmt.Errorf("mongo: regional action %q without id or region", r.Action.ID)
			}
			ld.actions = append(ld.actions, actionToDoc(*r.Action))
		case r.Token != nil:
			if r.Token.ID == "" || r.Token.Hash == "" {
				return ld, fmt.Errorf("mongo: token %q without id or hash", r.Token.ID)
			}
			ld.tokens = append(ld.tokens, tokenToDoc(*r.Token))
		}
	}
	return ld, nil
}

// Load inserts a batch of records as they are, in bulk (ordered inserts per
// collection: revisions, practices, inventories, actions, tokens), and
// raises the Seq counter to the highest Seq loaded. A document that exists
// already is an ErrConflict; the batch may then be written in part.
func (s *Store) Load(ctx context.Context, batch []store.Record) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	ld, err := loadDocuments(batch)
	if err != nil {
		return err
	}
	for _, step := range []struct {
		what string
		coll *mongo.Collection
		docs []any
	}{
		{"load revisions", s.revisions, ld.revisions},
		{"load practices", s.practices, ld.practices},
		{"load inventories", s.inventories, ld.inventories},
		{"load regional actions", s.actions, ld.actions},
		{"load tokens", s.tokens, ld.tokens},
	} {
		if len(step.docs) == 0 {
			continue
		}
		if _, err := step.coll.InsertMany(ctx, step.docs, options.InsertMany().SetOrdered(true)); err != nil {
			return s.mapErr(ctx, step.what, err)
		}
	}
	if ld.maxSeq > 0 {
		_, err := s.counters.UpdateOne(ctx, idFilter(counterSeq), counterAtLeastUpdate(ld.maxSeq), options.UpdateOne().SetUpsert(true))
		if err != nil {
			return s.mapErr(ctx, "Seq counter", err)
		}
	}
	return nil
}
