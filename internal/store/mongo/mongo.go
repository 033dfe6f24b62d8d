package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
	"golang.org/x/sync/semaphore"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// DefaultDatabase is the database used when neither the URI's path nor
// WithDatabase names one.
const DefaultDatabase = "praktijkenbank"

// Store is the MongoDB store.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	name   string
	o      options_
	txn    bool // multi-document transactions are used for every write
	closed atomic.Bool

	// The non-transactional path (txn false) only:
	writeSem chan struct{} // one write of this process at a time
	// gate: readers of this process take 1 and wait while a write is being
	// applied, which takes gateAll; unlike a sync.RWMutex, a reader's wait
	// ends at its deadline (see waitBound).
	gate *semaphore.Weighted

	unfinished      atomic.Bool // a committed write this process could not complete: reads complete it first
	settleMu        sync.Mutex
	settling        chan struct{} // closed when the running completion of an unfinished write ends; nil when none runs
	settleErr       error         // why the last such completion failed
	abandonedMu     sync.Mutex
	abandonedTokens map[string]bool // slot tokens whose insert was cut off: drop such a slot at once
	lastSeq         seqMemo         // LastSeq's last pass over the practices

	practices, revisions, inventories, actions, tokens, counters, pending, pendingItems *mongo.Collection
}

var _ store.Store = (*Store)(nil)

// Option configures Open.
type Option func(*options_)

type options_ struct {
	database               string
	serverSelectionTimeout time.Duration
	operationTimeout       time.Duration
	pingTimeout            time.Duration
	lockLease              time.Duration
	transactions           *bool // nil: detect
	appName                string
	now                    func() time.Time // the clock for a time a caller leaves zero, and for leases
}

// WithDatabase names the database to use when the URI has no path
// (PRAKTIJKENBANK_MONGODB_DATABASE; default DefaultDatabase). A database in
// the URI's path wins.
func WithDatabase(name string) Option { return func(o *options_) { o.database = name } }

// WithServerSelectionTimeout sets how long an operation waits for a usable
// server before it fails with ErrUnavailable (default 10s).
func WithServerSelectionTimeout(d time.Duration) Option {
	return func(o *options_) { o.serverSelectionTimeout = d }
}

// WithOperationTimeout sets the time limit of every single operation (the
// driver's client-side operation timeout; default 30s; 0 for none). A
// deadline on the caller's context applies as well.
func WithOperationTimeout(d time.Duration) Option {
	return func(o *options_) { o.operationTimeout = d }
}

// WithPingTimeout sets how long Ping waits for the server (default 2s).
func WithPingTimeout(d time.Duration) Option { return func(o *options_) { o.pingTimeout = d } }

// WithTransactions forces multi-document transactions on or off instead of
// detecting whether the deployment supports them. Off uses the roll-forward
// path of a standalone server (see the package doc); on a server without
// transactions, on makes every write fail.
func WithTransactions(on bool) Option { return func(o *options_) { o.transactions = &on } }

// WithWriteLockLease sets, for the non-transactional path, after how long a
// write slot taken by a process that has not made its write durable yet is
// considered abandoned (default 2 minutes).
func WithWriteLockLease(d time.Duration) Option { return func(o *options_) { o.lockLease = d } }

// WithAppName sets the application name the server logs for connections.
func WithAppName(name string) Option { return func(o *options_) { o.appName = name } }

// Open connects to the MongoDB deployment at uri, detects whether it supports
// transactions, creates the collections and indexes (idempotently), completes
// a write a crashed process left pending, and returns the store. The
// database is the URI's path, else WithDatabase, else DefaultDatabase.
// Writes use write concern majority (journaled), reads read concern majority
// (local on a standalone server, which has no majority snapshot of its own).
func Open(ctx context.Context, uri string, opts ...Option) (*Store, error) {
	o := options_{
		database:               DefaultDatabase,
		serverSelectionTimeout: 10 * time.Second,
		operationTimeout:       30 * time.Second,
		pingTimeout:            2 * time.Second,
		lockLease:              2 * time.Minute,
		appName:                "praktijkenbank",
		now:                    time.Now,
	}
	for _, opt := range opts {
		opt(&o)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, fmt.Errorf("mongo: invalid URI: %w", redact(err, uri))
	}
	name := o.database
	if cs.Database != "" {
		name = cs.Database
	}
	if name == "" {
		name = DefaultDatabase
	}

	copts := options.Client().ApplyURI(uri).
		SetAppName(o.appName).
		SetWriteConcern(writeconcern.Majority()).
		SetReadConcern(readconcern.Majority()).
		SetRetryWrites(true).
		SetRetryReads(true).
		SetServerSelectionTimeout(o.serverSelectionTimeout)
	if o.operationTimeout > 0 {
		copts.SetTimeout(o.operationTimeout)
	}
	client, err := mongo.Connect(copts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", redact(err, uri))
	}
	s := &Store{client: client, name: name, o: o, writeSem: make(chan struct{}, 1), gate: semaphore.NewWeighted(gateAll)}
	if err := s.init(ctx); err != nil {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = client.Disconnect(dctx)
		return nil, err
	}
	return s, nil
}

// redact keeps a password in the URI out of an error message.
func redact(err error, uri string) error {
	cs, perr := connstring.Parse(uri)
	if perr != nil || cs.Password == "" || !strings.Contains(err.Error(), cs.Password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), cs.Password, "****"))
}

func (s *Store) init(ctx context.Context) error {
	txn, err := s.detectTransactions(ctx)
	if err != nil {
		return err
	}
	if s.o.transactions != nil {
		txn = *s.o.transactions
	}
	s.txn = txn
	s.db = s.client.Database(s.name, databaseOptions(s.supportsMajorityReads(ctx)))
	s.practices = s.db.Collection(collPractices)
	s.revisions = s.db.Collection(collRevisions)
	s.inventories = s.db.Collection(collInventories)
	s.actions = s.db.Collection(collActions)
	s.tokens = s.db.Collection(collTokens)
	s.counters = s.db.Collection(collCounters)
	s.pending = s.db.Collection(collPending)
	s.pendingItems = s.db.Collection(collPendingItems)

	if err := s.createSchema(ctx); err != nil {
		return err
	}
	if err := s.recoverPending(ctx); err != nil {
		return err
	}
	return s.alignCounter(ctx)
}

// databaseOptions are the concerns of every operation of the store: writes
// with write concern majority; reads with read concern majority (local where
// the deployment has no majority snapshot) and always from the primary,
// whatever readPreference the URI names: a write plans from what it reads
// (a secondary may lag behind), transactions must read from the primary,
// and a caller must see its own writes.
func databaseOptions(majorityReads bool) *options.DatabaseOptionsBuilder {
	rc := readconcern.Majority()
	if !majorityReads {
		rc = readconcern.Local()
	}
	return options.Database().SetReadConcern(rc).SetWriteConcern(writeconcern.Majority()).SetReadPreference(readpref.Primary())
}

// helloReply is what Open reads from the hello command.
type helloReply struct {
	SetName                      string `bson:"setName"`
	Msg                          string `bson:"msg"`
	LogicalSessionTimeoutMinutes *int64 `bson:"logicalSessionTimeoutMinutes"`
	MaxWireVersion               int32  `bson:"maxWireVersion"`
}

func (s *Store) hello(ctx context.Context) (helloReply, error) {
	var h helloReply
	err := s.client.Database("admin").RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&h)
	if err != nil {
		return h, s.mapErr(ctx, "hello", err)
	}
	return h, nil
}

// detectTransactions asks the server with hello whether it is a replica set
// member (setName) or a mongos (msg isdbgrid) that supports sessions, the
// deployments with multi-document transactions.
func (s *Store) detectTransactions(ctx context.Context) (bool, error) {
	h, err := s.hello(ctx)
	if err != nil {
		return false, err
	}
	return transactionsSupported(h), nil
}

// transactionsSupported decides from a hello reply: replica sets from wire
// version 7 (MongoDB 4.0), sharded clusters from 8 (4.2), both with sessions.
func transactionsSupported(h helloReply) bool {
	if h.LogicalSessionTimeoutMinutes == nil {
		return false
	}
	switch {
	case h.SetName != "":
		return h.MaxWireVersion >= 7
	case h.Msg == "isdbgrid":
		return h.MaxWireVersion >= 8
	}
	return false
}

// supportsMajorityReads is true for replica sets and sharded clusters.
func (s *Store) supportsMajorityReads(ctx context.Context) bool {
	h, err := s.hello(ctx)
	return err == nil && (h.SetName != "" || h.Msg == "isdbgrid")
}

// createSchema creates the collections (transactions need them to exist) and
// their indexes; both are no-ops when they exist.
func (s *Store) createSchema(ctx context.Context) error {
	existing, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return s.mapErr(ctx, "list collections", err)
	}
	have := map[string]bool{}
	for _, n := range existing {
		have[n] = true
	}
	for _, name := range allCollections {
		if have[name] {
			continue
		}
		if err := s.db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
			return s.mapErr(ctx, "create collection "+name, err)
		}
	}
	for name, models := range indexModels() {
		// Only the missing ones: asked to create an index that exists,
		// MongoDB does nothing, but FerretDB 1.24 panics on a compound one
		// (and drops the connection).
		specs, err := s.db.Collection(name).Indexes().ListSpecifications(ctx)
		if err != nil {
			return s.mapErr(ctx, "list the indexes of "+name, err)
		}
		have := map[string]bool{}
		for _, sp := range specs {
			have[sp.Name] = true
		}
		var missing []mongo.IndexModel
		for _, m := range models {
			var o options.IndexOptions
			for _, set := range m.Options.List() {
				_ = set(&o)
			}
			if o.Name == nil || !have[*o.Name] {
				missing = append(missing, m)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if _, err := s.db.Collection(name).Indexes().CreateMany(ctx, missing); err != nil {
			return s.mapErr(ctx, "create the indexes of "+name, err)
		}
	}
	return nil
}

func isNamespaceExists(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(48)
}

// alignCounter raises the Seq counter to the highest Seq a practice holds.
func (s *Store) alignCounter(ctx context.Context) error {
	last, err := s.LastSeq(ctx)
	if err != nil {
		return err
	}
	_, err = s.counters.UpdateOne(ctx, idFilter(counterSeq), counterAtLeastUpdate(seqToDoc(last)), options.UpdateOne().SetUpsert(true))
	if err != nil && !mongo.IsDuplicateKeyError(err) { // two processes opening at once
		return s.mapErr(ctx, "Seq counter", err)
	}
	return nil
}

// Database is the name of the database the store uses.
func (s *Store) Database() string { return s.name }

// Transactions reports whether writes use multi-document transactions (true)
// or the roll-forward path (false).
func (s *Store) Transactions() bool { return s.txn }

// Close disconnects from the server; it may be called more than once. Ping
// and every other method return ErrUnavailable afterwards.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.client.Disconnect(ctx); err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
		return fmt.Errorf("mongo: disconnect: %w", err)
	}
	return nil
}

// Ping reports whether the primary can be reached now, waiting at most the
// ping timeout. An unreachable server gives ErrUnavailable; the driver keeps
// trying to reconnect in the background, so Ping succeeds again once the
// server is back, without reopening the store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, s.o.pingTimeout)
	defer cancel()
	err := s.client.Ping(pctx, readpref.Primary())
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil { // the caller's context, not the ping timeout
		return fmt.Errorf("mongo: ping: %w: %w", cerr, err)
	}
	return fmt.Errorf("mongo: ping: %w: %w", store.ErrUnavailable, err)
}

// check is the start of every method: a closed store is unavailable, a done
// context is the caller's error.
func (s *Store) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.closed.Load() {
		return fmt.Errorf("mongo: the store is closed: %w", store.ErrUnavailable)
	}
	return nil
}

// mapErr wraps a driver error: the caller's context error when the context
// is done, ErrNotFound for no documents, ErrConflict for a duplicate key,
// ErrUnavailable when no server can be reached.
func (s *Store) mapErr(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("mongo: %s: %w: %w", what, cerr, err)
	}
	return mapDriverErr(what, err)
}

// mapDriverErr is mapErr without the context.
func mapDriverErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrUnavailable):
		return err
	case errors.Is(err, context.Canceled) && !isUnavailable(err):
		return fmt.Errorf("mongo: %s: %w", what, err)
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("mongo: %s: %w", what, store.ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("mongo: %s: %w: %w", what, store.ErrConflict, err)
	case isUnavailable(err):
		return fmt.Errorf("mongo: %s: %w: %w", what, store.ErrUnavailable, err)
	}
	return fmt.Errorf("mongo: %s: %w", what, err)
}

// isUnavailable reports errors that mean the deployment cannot be reached:
// server selection failed, the network failed, the client is closed, or the
// server did not answer within the operation timeout (mapErr reports the
// caller's own deadline before it gets here).
func isUnavailable(err error) bool {
	var sse topology.ServerSelectionError
	return errors.As(err, &sse) || mongo.IsNetworkError(err) || errors.Is(err, mongo.ErrClientDisconnected) ||
		errors.Is(err, topology.ErrTopologyClosed) || mongo.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded)
}
