package mongo

import (
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// Collection names.
const (
	collPractices    = "practices"
	collRevisions    = "revisions"
	collInventories  = "inventories"
	collActions      = "regional_actions"
	collTokens       = "tokens"
	collCounters     = "counters"
	collPending      = "pending"       // the write slot of the non-transactional path: at most one document
	collPendingItems = "pending_items" // the computed documents of the pending write
)

// counterSeq is the _id of the counters document that holds the last Seq.
const counterSeq = "seq"

// allCollections is every collection Open creates.
var allCollections = []string{collPractices, collRevisions, collInventories, collActions,
	collTokens, collCounters, collPending, collPendingItems}

// indexModels are the secondary indexes per collection (the _id index is
// always there). Names are explicit so that creating them again is a no-op.
func indexModels() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		collPractices: {
			{Keys: bson.D{{Key: "region", Value: 1}, {Key: "ref", Value: 1}}, Options: options.Index().SetName("region_ref").SetUnique(true)},
			{Keys: bson.D{{Key: "seq", Value: 1}}, Options: options.Index().SetName("seq")},
			{Keys: bson.D{{Key: "region", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("region_id")},
		},
		collRevisions: {
			{Keys: bson.D{{Key: "practiceId", Value: 1}, {Key: "version", Value: 1}}, Options: options.Index().SetName("practice_version").SetUnique(true)},
		},
		collInventories: {
			{Keys: bson.D{{Key: "region", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("region_id_desc")},
		},
		collTokens: {
			{Keys: bson.D{{Key: "hash", Value: 1}}, Options: options.Index().SetName("hash").SetUnique(true)},
			{Keys: bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("created_id")},
		},
		collPendingItems: {
			{Keys: bson.D{{Key: "token", Value: 1}, {Key: "n", Value: 1}}, Options: options.Index().SetName("token_n").SetUnique(true)},
		},
	}
}

// Sort orders.
var (
	byID       = bson.D{{Key: "_id", Value: 1}}
	byIDDesc   = bson.D{{Key: "_id", Value: -1}}
	bySeq      = bson.D{{Key: "seq", Value: 1}}
	bySeqDesc  = bson.D{{Key: "seq", Value: -1}}
	byVersion  = bson.D{{Key: "version", Value: 1}}
	byCreation = bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}
)

// scanBatch is the cursor batch size of ScanPractices.
const scanBatch = 256

// idFilter selects one document by _id.
func idFilter(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// idsFilter selects the documents with the given _ids.
func idsFilter(ids []string) bson.D {
	return bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
}

// listPracticesFilter is the filter of ListPractices: the region (if any),
// ids after the cursor (if any), and only live practices unless withdrawn
// ones are asked for. A live practice has no withdrawn field.
func listPracticesFilter(q store.PracticeQuery) bson.D {
	f := bson.D{}
	if q.Region != "" {
		f = append(f, bson.E{Key: "region", Value: q.Region})
	}
	if q.After != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: q.After}}})
	}
	if !q.IncludeWithdrawn {
		f = append(f, bson.E{Key: "withdrawn", Value: bson.D{{Key: "$exists", Value: false}}})
	}
	return f
}

// listPracticesOptions orders by id and applies the limit (<= 0: none).
func listPracticesOptions(limit int) *options.FindOptionsBuilder {
	o := options.Find().SetSort(byID)
	if limit > 0 {
		o.SetLimit(int64(limit))
	}
	return o
}

// scanOptions streams every practice by id in batches.
func scanOptions() *options.FindOptionsBuilder {
	return options.Find().SetSort(byID).SetBatchSize(scanBatch)
}

// changedSinceFilter selects the practices whose Seq is greater than seq. ok
// is false when seq is beyond any Seq the store can hold: nothing changed.
func changedSinceFilter(seq uint64) (f bson.D, ok bool) {
	if seq >= math.MaxInt64 {
		return nil, false
	}
	return bson.D{{Key: "seq", Value: bson.D{{Key: "$gt", Value: int64(seq)}}}}, true
}

// changedSinceOptions orders by Seq and applies the limit (<= 0: none).
func changedSinceOptions(limit int) *options.FindOptionsBuilder {
	o := options.Find().SetSort(bySeq)
	if limit > 0 {
		o.SetLimit(int64(limit))
	}
	return o
}

// lastSeqOptions finds the practice with the highest Seq, reading only seq.
func lastSeqOptions() *options.FindOneOptionsBuilder {
	return options.FindOne().SetSort(bySeqDesc).SetProjection(bson.D{{Key: "seq", Value: 1}})
}

// historyFilter selects the revisions of one practice.
func historyFilter(practiceID string) bson.D {
	return bson.D{{Key: "practiceId", Value: practiceID}}
}

// inventoriesFilter is the filter of Inventories: the region (if any) and ids
// before the cursor (if any).
func inventoriesFilter(q store.InventoryQuery) bson.D {
	f := bson.D{}
	if q.Region != "" {
		f = append(f, bson.E{Key: "region", Value: q.Region})
	}
	if q.Before != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: q.Before}}})
	}
	return f
}

// inventoriesOptions orders newest (greatest id) first, with the limit.
func inventoriesOptions(limit int) *options.FindOptionsBuilder {
	o := options.Find().SetSort(byIDDesc)
	if limit > 0 {
		o.SetLimit(int64(limit))
	}
	return o
}

// tokenByHashFilter selects a token by the hash of its secret.
func tokenByHashFilter(hash string) bson.D { return bson.D{{Key: "hash", Value: hash}} }

// revokeTokenFilter selects a token that is not revoked yet, and
// revokeTokenUpdate revokes it: a plain update, so revoking twice keeps the
// first time (the second matches nothing) on every server, update pipelines
// or not.
func revokeTokenFilter(id string) bson.D {
	return bson.D{{Key: "_id", Value: id}, {Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}}
}

func revokeTokenUpdate(at time.Time) bson.D {
	return bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: toDate(at)}}}}
}

// counterIncUpdate takes n Seqs from the counter.
func counterIncUpdate(n int) bson.D {
	return bson.D{{Key: "$inc", Value: bson.D{{Key: "value", Value: int64(n)}}}}
}

// counterAtLeastUpdate raises the counter to at least seq (the highest Seq a
// practice holds), so the counter never gives out a Seq that is taken.
func counterAtLeastUpdate(seq int64) bson.D {
	return bson.D{{Key: "$max", Value: bson.D{{Key: "value", Value: seq}}}}
}

// upsertPracticeModel writes the current state of a practice inside a
// transaction: replace by _id, insert if new.
func upsertPracticeModel(d practiceDoc) *mongo.ReplaceOneModel {
	return mongo.NewReplaceOneModel().SetFilter(idFilter(d.ID)).SetReplacement(d).SetUpsert(true)
}

// rollForwardPracticeModels are the practice writes of the
// non-transactional path, in the order given (Seq order), from the Seqs the
// practices hold now (current, read just before; absent: not there): an
// insert for a new practice, a replace by _id for one at an older Seq,
// nothing for one already at d's Seq or newer. So re-applying a pending
// write (after a crash, or by two processes at once) never puts an older
// state back; a duplicate key on an insert means another completion
// inserted it first. The filters are _id alone, the one filter every
// compatible server answers from its primary key (FerretDB on SQLite scans
// the whole collection for any other, per update), and there are no
// upserts. What keeps an older state from overwriting a newer write between
// the read and the replace is the write slot: complete checks before each
// batch that the slot of this write is still there, and no newer write
// starts before it is freed.
func rollForwardPracticeModels(ds []practiceDoc, current map[string]int64) []mongo.WriteModel {
	var models []mongo.WriteModel
	for _, d := range ds {
		seq, exists := current[d.ID]
		switch {
		case !exists:
			models = append(models, mongo.NewInsertOneModel().SetDocument(d))
		case seq < d.Seq:
			models = append(models, mongo.NewReplaceOneModel().SetFilter(idFilter(d.ID)).SetReplacement(d))
		}
	}
	return models
}

// insertIfAbsentUpdate inserts doc if no document with its _id exists and
// leaves an existing one alone: revisions and inventories are written once.
// The _id comes from the filter; $setOnInsert gets the other fields.
func insertIfAbsentUpdate(doc any) (bson.D, error) {
	fields, err := withoutID(doc)
	if err != nil {
		return nil, err
	}
	return bson.D{{Key: "$setOnInsert", Value: fields}}, nil
}

// withoutID is doc as a bson.D without its _id field.
func withoutID(doc any) (bson.D, error) {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	out := d[:0]
	for _, e := range d {
		if e.Key != "_id" {
			out = append(out, e)
		}
	}
	return out, nil
}

// replaceRevisionModel overwrites an existing revision (EraseContact).
func replaceRevisionModel(d revisionDoc) *mongo.ReplaceOneModel {
	return mongo.NewReplaceOneModel().SetFilter(idFilter(d.ID)).SetReplacement(d)
}
