// Package mongo is the MongoDB store of Praktijkenbank, on the official
// driver (go.mongodb.org/mongo-driver/v2). It implements store.Store and
// runs the conformance suite in storetest when PRAKTIJKENBANK_TEST_MONGODB_URI
// names a server.
//
// # Opening
//
//	s, err := mongo.Open(ctx, os.Getenv("MONGODB_URI"),
//		mongo.WithDatabase(os.Getenv("PRAKTIJKENBANK_MONGODB_DATABASE")))
//
// The database is the URI's path, else WithDatabase, else "praktijkenbank".
// Writes use write concern majority (journaled); reads use read concern
// majority on a replica set or sharded cluster and local on a standalone
// server, always from the primary (a readPreference in the URI does not
// apply: writes plan from what they read); retryable reads and writes are on; WithServerSelectionTimeout
// (default 10s) and WithOperationTimeout (default 30s, per operation: every
// round trip to the server, each getMore of a cursor included, that has no
// earlier deadline of the caller) bound how long a call waits: a server that
// stops answering gives store.ErrUnavailable within the operation timeout
// (a write within a few: the write, and freeing its slot); every method
// honours its context. Open creates the
// collections and indexes (idempotently) and completes a write a crashed
// process left pending.
//
// # Collections
//
//	practices        _id practice id; unique (region, ref); seq; (region, _id)
//	revisions        _id "<practice id>/<version, 10 digits>"; unique (practiceId, version)
//	inventories      _id inventory id (sorts by time); (region, _id desc)
//	regional_actions _id action id
//	tokens           _id token id; unique hash; (createdAt, _id)
//	counters         _id "seq": the last Seq given out
//	pending          the write slot of the non-transactional path (at most one document)
//	pending_items    the computed documents of the pending write; unique (token, n)
//
// Every document has an explicit type in docs.go; the domain types are
// converted, never stored by the driver's default mapping. Times are BSON
// dates (milliseconds, UTC). Lists that the v1 JSON marks omitempty are
// omitted when empty and come back nil (the suite treats nil and empty
// alike, and practice.ContentHash hashes them alike); krachtlijnen, whose
// JSON has no omitempty, is stored as given (null or array) so its hash
// recomputes identically. Nil pointers (years, contact, period, withdrawal,
// revokedAt) are omitted and come back nil.
//
// # Seq and the change feed
//
// Seqs come from the counters document ("seq", findOneAndUpdate with $inc),
// taken inside the same transaction as the write that uses them, or under
// the write slot on the non-transactional path. LastSeq is the highest Seq a
// practice holds; the counter may be ahead by Seqs of a write that failed
// (gaps are allowed). Because a transaction keeps the counter document
// write-locked until it commits, a later Seq is never committed before an
// earlier one, so a follower of ChangedSince never skips a practice.
// On the roll-forward path, LastSeq reads the counter and the write slot by
// _id and repeats its last answer while neither has changed and the slot
// was not ready (free, or held by a write before its commit point), so an
// idle follower's poll makes no pass over the practices (see writeMark for
// why no write can be missed).
//
// # All or nothing: the guarantee per deployment
//
// Replica set or sharded cluster (detected with hello: setName, or msg
// "isdbgrid", with sessions). Submit, Withdraw and EraseContact are each one
// multi-document transaction (session.WithTransaction, snapshot reads, write
// concern majority; retried by the driver on transient errors). Readers see
// all of a submission or none of it. A cancelled context or a failure
// before the commit aborts the transaction: nothing is written. The commit is
// only started with a live context and is not cut off halfway.
//
// Standalone server, or a MongoDB-compatible server without transactions
// (or WithTransactions(false)). A durable roll-forward record replaces the
// transaction:
//
//  1. The writer takes the write slot (the one document of pending, in
//     state "locked"); writes of all processes go one at a time.
//  2. It computes the whole result (practice.Apply for every practice, the
//     revisions, the inventory with its counts) and stores it in
//     pending_items: one document per practice with its new revision (a
//     single pending document could pass MongoDB's 16 MB limit with 5000
//     practices).
//  3. Commit point: one single-document write marks the slot "ready" with
//     the inventory record. Before it, nothing of the write is visible and a
//     failure or a cancelled context leaves the store as it was (a Seq gap
//     at most). From it on, the write is never rolled back, only forward.
//  4. The writer applies it with idempotent writes, in Seq order: new
//     revisions inserted (a duplicate key: already there), then each new
//     practice inserted and each existing one at an older Seq replaced by
//     _id (one read of the batch's current Seqs decides which), overwritten
//     revisions (EraseContact), and the inventory record last; then it
//     deletes the items and the slot. Before each batch it checks that its
//     slot is still there (another completion may have finished it, and a
//     newer write may follow). This phase ignores the caller's
//     cancellation; each operation keeps the operation timeout.
//  5. A ready slot left by a crash is completed by Open and by the next
//     write of any process; a locked slot whose writer died before the
//     commit point is dropped when its lease (WithWriteLockLease, default 2
//     minutes) has run out. A writer whose commit write fails or is cut off
//     settles it by deleting its slot while still locked: deleted, nothing
//     is committed (a late commit write no longer matches); found ready, the
//     write is committed and completed.
//
// What readers see on this path: readers in the writing process wait while
// it applies a write, so they see it whole. Readers in other processes may,
// for the milliseconds the apply takes (or until the next Open or write after
// a crash in the middle of it), see some practices of a submission in their
// new version and others still in the old one; they never see anything that
// will be undone, and the submission's inventory record, written last, is
// visible only once all its practices and revisions are. So a submission is
// final exactly when Inventory(id) finds it. The change feed stays complete:
// practices are applied in Seq order, one write at a time.
//
// If the apply phase itself fails (the server went away after the commit
// point), the write returns an error wrapping store.ErrUnavailable that says
// the write is recorded and will be completed; the next read of the same
// process completes it first (or fails with ErrUnavailable while it cannot),
// so that process never shows it half; the next write or Open of any
// process completes it too.
//
// # The common subset
//
// The store uses only what MongoDB 4.4–8, FerretDB, Amazon DocumentDB and
// Azure Cosmos DB for MongoDB share: plain updates ($set, $inc, $max,
// $setOnInsert), no update pipelines; per-document lookups and writes by
// _id wherever a document is known by its id (FerretDB on SQLite answers only
// those from the primary key and scans the collection for any other
// filter); at most updateBatch updates of existing documents per command.
// Transactions and change streams are used where the deployment has them
// and their absence is detected (hello). CI runs the conformance suite
// against FerretDB 1.24 (.ci/ferretdb).
//
// # Copying and watching
//
// Dump and Load (store.Dumper, store.Loader) move a whole store: Dump joins
// the practices (by id) with the revisions (by practice id and version) on
// two cursors, Load inserts batches with ordered bulk inserts and raises the
// Seq counter with $max. Watch (store.Watcher) follows the practices
// collection with a change stream that carries only the event ids (the
// resume tokens): a signal for the index to catch up, not the data. A
// standalone server has no change streams (store.ErrNoChangeStreams); a
// resume token the oplog no longer covers gives store.ErrHistoryLost.
//
// # Availability
//
// Errors are wrapped with %w: store.ErrNotFound (no document),
// store.ErrConflict (duplicate key 11000, an existing inventory id, a
// duplicate ref, a second withdrawal), store.ErrUnavailable (server
// selection failed, network error, the store is closed). Ping pings the
// primary within WithPingTimeout (default 2s) and returns ErrUnavailable
// while it cannot be reached; the driver reconnects in the background, so
// Ping and every other call succeed again once the server is back.
package mongo
