// Package bolt is the embedded store of Praktijkenbank: one bbolt file in the
// data dir, needing nothing else. It implements store.Store and passes the
// conformance suite in storetest.
//
// Layout (every value JSON, every key bytes):
//
//	meta                  "schema" -> schema version (decimal); "seq" -> last Seq (8 bytes big-endian)
//	practices             practice id -> practice.Practice
//	practices_by_region   region 0x00 practice id -> empty
//	changes               Seq (8 bytes big-endian) -> practice id; one entry per practice, at its current Seq
//	revisions             practice id 0x00 version (4 bytes big-endian) -> practice.Revision
//	inventories           inventory id -> practice.Inventory (ids sort by time)
//	inventories_by_region region 0x00 inventory id -> empty
//	regional_actions      action id -> actionplan.Action
//	tokens                token id -> auth.Token
//	token_hashes          token hash -> token id
//
// Times are stored in UTC with millisecond precision, as MongoDB keeps them,
// so both stores hand back the same values. Every write is one bbolt Update
// transaction with fsync on commit: a submission is written whole or not at
// all. bbolt maps 256 MiB of address space at open (initialMmapSize), so
// the file grows in 16 MiB steps and shows 16 MiB from the first write; it is
// sparse, and Backup copies only the pages in use.
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// SchemaVersion is the version of the bucket layout this package writes. A
// file with a higher version was written by a newer Praktijkenbank and is not
// opened.
const SchemaVersion = 1

// ErrLocked means another process holds the data file open.
var ErrLocked = errors.New("the data dir is in use by another process")

// ErrSchema means the data file was written by a newer, incompatible version.
var ErrSchema = errors.New("unknown version of the data file")

var (
	bucketMeta                = []byte("meta")
	bucketPractices           = []byte("practices")
	bucketPracticesByRegion   = []byte("practices_by_region")
	bucketChanges             = []byte("changes")
	bucketRevisions           = []byte("revisions")
	bucketInventories         = []byte("inventories")
	bucketInventoriesByRegion = []byte("inventories_by_region")
	bucketActions             = []byte("regional_actions")
	bucketTokens              = []byte("tokens")
	bucketTokenHashes         = []byte("token_hashes")

	allBuckets = [][]byte{bucketMeta, bucketPractices, bucketPracticesByRegion, bucketChanges, bucketRevisions,
		bucketInventories, bucketInventoriesByRegion, bucketActions, bucketTokens, bucketTokenHashes}

	keySchema = []byte("schema")
	keySeq    = []byte("seq")
)

// scanBatch is how many practices ScanPractices reads per read transaction.
const scanBatch = 256

// Store is the bbolt store.
type Store struct {
	db  *bbolt.DB
	now func() time.Time // the clock for a time a caller leaves zero
	// readers holds every read transaction in read mode; an erasure holds
	// it exclusively while it wipes the pages it freed, so that no reader
	// still sees them (see EraseContact).
	readers sync.RWMutex
}

var _ store.Store = (*Store)(nil)

// Option configures Open.
type Option func(*options)

type options struct {
	timeout time.Duration
}

// initialMmapSize is the address space mapped at open. bbolt remaps (and
// copies every node a write transaction holds) each time the file outgrows
// the mapping, and a remap waits for all readers; mapping ahead avoids that
// for ordinary data sets. It reserves address space, not memory.
const initialMmapSize = 256 << 20

// WithOpenTimeout sets how long Open waits for the file lock another process
// holds (default 1s) before it gives up with ErrLocked.
func WithOpenTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// Open opens the store in the file at path, creating the file and its parent
// directory if needed.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{timeout: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.timeout <= 0 {
		o.timeout = time.Second // bbolt waits forever on 0
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("bolt: create the data dir %s: %w", dir, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: o.timeout, InitialMmapSize: initialMmapSize})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: %s: %w (waited %s; is another praktijkenbank running on this data dir?)", path, ErrLocked, o.timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if err := db.Update(initialise); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt: %s: %w", path, err)
	}
	return &Store{db: db, now: time.Now}, nil
}

// initialise creates the buckets and checks or writes the schema version.
func initialise(tx *bbolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	v := meta.Get(keySchema)
	if v == nil {
		return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n > SchemaVersion || n < 1 {
		return fmt.Errorf("%w: schema %q, this version knows %d", ErrSchema, v, SchemaVersion)
	}
	return nil
}

// Close closes the file; it may be called more than once.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file the store lives in.
func (s *Store) Path() string { return s.db.Path() }

// Backup writes a consistent copy of the whole file to w while the store keeps
// running (readers and writers are not blocked), and returns the bytes written.
func (s *Store) Backup(w io.Writer) (int64, error) {
	s.readers.RLock()
	defer s.readers.RUnlock()
	var n int64
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, s.mapErr(err)
}

// Ping reports whether the store is open.
func (s *Store) Ping(ctx context.Context) error {
	return s.view(ctx, func(*bbolt.Tx) error { return nil })
}

// ---- transactions and encoding ----

func (s *Store) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.readers.RLock()
	defer s.readers.RUnlock()
	return s.mapErr(s.db.View(fn))
}

func (s *Store) update(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.mapErr(s.db.Update(func(tx *bbolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return ctx.Err() // the last moment to call it off: nothing is committed yet
	}))
}

func (s *Store) mapErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("bolt: %w: %w", store.ErrUnavailable, err)
	}
	return err
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func regionKey(region, id string) []byte {
	return append(append([]byte(region), 0), id...)
}

func revisionPrefix(id string) []byte { return append([]byte(id), 0) }

func revisionKey(id string, version int) []byte {
	return binary.BigEndian.AppendUint32(revisionPrefix(id), uint32(version))
}

func put(b *bbolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

// eachValue decodes every value of a bucket as a T and hands it to fn, in
// key order, stopping at the first error (or a cancelled ctx).
func eachValue[T any](ctx context.Context, tx *bbolt.Tx, bucket []byte, what string, fn func(T) error) error {
	return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		x, err := decode[T](v)
		if err != nil {
			return fmt.Errorf("bolt: read %s %s: %w", what, k, err)
		}
		return fn(x)
	})
}

func decode[T any](data []byte) (T, error) {
	var v T
	err := json.Unmarshal(data, &v)
	return v, err
}

func lastSeq(tx *bbolt.Tx) uint64 {
	if v := tx.Bucket(bucketMeta).Get(keySeq); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func setLastSeq(tx *bbolt.Tx, seq uint64) error {
	return tx.Bucket(bucketMeta).Put(keySeq, u64(seq))
}

func getPractice(tx *bbolt.Tx, id string) (*practice.Practice, error) {
	data := tx.Bucket(bucketPractices).Get([]byte(id))
	if data == nil {
		return nil, nil
	}
	p, err := decodePractice(id, data)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// decodePractice decodes the stored practice id.
func decodePractice(id string, data []byte) (practice.Practice, error) {
	p, err := decode[practice.Practice](data)
	if err != nil {
		return p, fmt.Errorf("bolt: read practice %s: %w", id, err)
	}
	return p, nil
}

// writePractice stores p as the current state and moves it in the change
// feed from oldSeq (0: not there yet) to p.Seq.
func writePractice(tx *bbolt.Tx, p practice.Practice, oldSeq uint64) error {
	changes := tx.Bucket(bucketChanges)
	if oldSeq != 0 && oldSeq != p.Seq {
		if err := changes.Delete(u64(oldSeq)); err != nil {
			return err
		}
	}
	if err := changes.Put(u64(p.Seq), []byte(p.ID)); err != nil {
		return err
	}
	return put(tx.Bucket(bucketPractices), []byte(p.ID), p)
}

func writeRevision(tx *bbolt.Tx, p practice.Practice) error {
	return put(tx.Bucket(bucketRevisions), revisionKey(p.ID, p.Version), practice.RevisionOf(p))
}

func notFound(what, id string) error {
	return fmt.Errorf("bolt: %s %s: %w", what, id, store.ErrNotFound)
}

// ---- practices ----

// Practice returns one practice, withdrawn ones included.
func (s *Store) Practice(ctx context.Context, id string) (practice.Practice, error) {
	var p *practice.Practice
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		p, err = getPractice(tx, id)
		return err
	})
	if err != nil {
		return practice.Practice{}, err
	}
	if p == nil {
		return practice.Practice{}, notFound("practice", id)
	}
	return *p, nil
}

// Practices returns the practices with the given ids in the same order, a
// zero Practice for an unknown id.
func (s *Store) Practices(ctx context.Context, ids []string) ([]practice.Practice, error) {
	out := make([]practice.Practice, len(ids))
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		// Decoding is most of the work (a page of search results: ten
		// practices): on up to GOMAXPROCS goroutines, while the
		// transaction keeps the data mapped.
		// The reads stay on this goroutine (a transaction is not for
		// sharing); the bytes they return stay valid until it ends.
		b := tx.Bucket(bucketPractices)
		var g errgroup.Group
		g.SetLimit(runtime.GOMAXPROCS(0))
		for i, id := range ids {
			data := b.Get([]byte(id))
			if data == nil {
				continue
			}
			g.Go(func() (err error) {
				out[i], err = decodePractice(id, data)
				return err
			})
		}
		return g.Wait()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListPractices pages through practices ordered by id.
func (s *Store) ListPractices(ctx context.Context, q store.PracticeQuery) ([]practice.Practice, error) {
	var out []practice.Practice
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return eachPractice(ctx, tx, q.Region, q.After, func(p practice.Practice) (bool, error) {
			if !q.IncludeWithdrawn && !p.Live() {
				return true, nil
			}
			out = append(out, p)
			return q.Limit <= 0 || len(out) < q.Limit, nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachPractice calls fn for the practices of region ("" for all) with an id
// greater than after, in id order, until fn returns false.
func eachPractice(ctx context.Context, tx *bbolt.Tx, region, after string, fn func(practice.Practice) (bool, error)) error {
	practices := tx.Bucket(bucketPractices)
	var c *bbolt.Cursor
	var prefix []byte
	if region == "" {
		c = practices.Cursor()
	} else {
		c = tx.Bucket(bucketPracticesByRegion).Cursor()
		prefix = regionKey(region, "")
	}
	start := append(slices.Clone(prefix), after...)
	k, v := c.Seek(start)
	if after != "" && bytes.Equal(k, start) {
		k, v = c.Next()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		id := string(k[len(prefix):])
		if region != "" {
			v = practices.Get([]byte(id))
			if v == nil {
				return fmt.Errorf("bolt: the region index points to a missing practice %s", id)
			}
		}
		p, err := decode[practice.Practice](v)
		if err != nil {
			return fmt.Errorf("bolt: read practice %s: %w", id, err)
		}
		more, err := fn(p)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// ScanPractices calls fn for every practice in id order. It reads them in
// batches, each in its own read transaction, and calls fn outside any
// transaction, so fn may use the store (even write to it) and a long scan
// does not hold old pages alive. A batch is decoded by as many goroutines
// as there are processors: decoding is most of a scan.
func (s *Store) ScanPractices(ctx context.Context, fn func(practice.Practice) error) error {
	after := ""
	for {
		var ids []string
		var raws [][]byte
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			c := tx.Bucket(bucketPractices).Cursor()
			k, v := c.Seek([]byte(after))
			if after != "" && string(k) == after {
				k, v = c.Next()
			}
			for ; k != nil && len(ids) < scanBatch; k, v = c.Next() {
				ids = append(ids, string(k))
				raws = append(raws, bytes.Clone(v))
			}
			return nil
		})
		if err != nil {
			return err
		}
		batch, err := decodePractices(ids, raws)
		if err != nil {
			return err
		}
		for _, p := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(ids) < scanBatch {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

// decodePractices decodes the practices raws (of ids), in parallel.
func decodePractices(ids []string, raws [][]byte) ([]practice.Practice, error) {
	out := make([]practice.Practice, len(raws))
	errs := make([]error, len(raws))
	workers := min(runtime.GOMAXPROCS(0), max(len(raws)/16, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(raws); i += workers {
				out[i], errs[i] = decode[practice.Practice](raws[i])
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("bolt: read practice %s: %w", ids[i], err)
		}
	}
	return out, nil
}

// ChangedSince returns up to limit practices with a Seq greater than seq, in
// Seq order; limit <= 0 means all.
func (s *Store) ChangedSince(ctx context.Context, seq uint64, limit int) ([]practice.Practice, error) {
	var out []practice.Practice
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketChanges).Cursor()
		for k, v := c.Seek(u64(seq + 1)); k != nil; k, v = c.Next() {
			if seq == ^uint64(0) {
				break
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			p, err := getPractice(tx, string(v))
			if err != nil {
				return err
			}
			if p == nil {
				return fmt.Errorf("bolt: the change log points to a missing practice %s", v)
			}
			out = append(out, *p)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LastSeq is the highest Seq given out so far.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	var n uint64
	err := s.view(ctx, func(tx *bbolt.Tx) error { n = lastSeq(tx); return nil })
	return n, err
}

// History returns every version of a practice, oldest first.
func (s *Store) History(ctx context.Context, id string) ([]practice.Revision, error) {
	var out []practice.Revision
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = revisions(tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound("practice", id)
	}
	return out, nil
}

// revisions reads the history of a practice, oldest first.
func revisions(tx *bbolt.Tx, id string) ([]practice.Revision, error) {
	var out []practice.Revision
	prefix := revisionPrefix(id)
	c := tx.Bucket(bucketRevisions).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		r, err := decode[practice.Revision](v)
		if err != nil {
			return nil, fmt.Errorf("bolt: read a revision of %s: %w", id, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// ---- writes ----

// takeSeqs hands out Seqs from the counter in the meta bucket, inside tx.
func takeSeqs(tx *bbolt.Tx) store.TakeSeqs {
	return func(n int) (uint64, error) {
		first := lastSeq(tx) + 1
		return first, setLastSeq(tx, first+uint64(n)-1)
	}
}

// Submit applies a submission in one transaction: store.PlanSubmission over
// the stored practices, a new revision for each practice that changed, and
// the inventory record with its counts. A duplicate ref or an existing
// inventory id is an ErrConflict and writes nothing.
func (s *Store) Submit(ctx context.Context, sub store.Submission) (store.Submitted, error) {
	inv, err := store.PrepareSubmission(sub, s.now())
	if err != nil {
		return store.Submitted{}, err
	}
	var out store.Submitted
	err = s.update(ctx, func(tx *bbolt.Tx) error {
		invs := tx.Bucket(bucketInventories)
		st := store.SubmissionState{
			InventoryExists: invs.Get([]byte(inv.ID)) != nil,
			Practices:       make(map[string]practice.Practice, len(sub.Practices)),
		}
		for _, in := range sub.Practices {
			p, err := getPractice(tx, practice.ID(inv.Region, in.Ref))
			if err != nil {
				return err
			}
			if p != nil {
				st.Practices[p.ID] = *p
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var err error
		out, err = store.PlanSubmission(inv, sub.Practices, st, takeSeqs(tx))
		if err != nil {
			return err
		}
		byRegion := tx.Bucket(bucketPracticesByRegion)
		for _, w := range out.Practices {
			if w.Outcome == practice.Unchanged {
				continue
			}
			if w.Outcome == practice.Created {
				if err := byRegion.Put(regionKey(w.Practice.Region, w.Practice.ID), nil); err != nil {
					return err
				}
			}
			if err := writePractice(tx, w.Practice, w.PrevSeq); err != nil {
				return err
			}
			if err := writeRevision(tx, w.Practice); err != nil {
				return err
			}
		}
		rec := out.Inventory
		if err := tx.Bucket(bucketInventoriesByRegion).Put(regionKey(rec.Region, rec.ID), nil); err != nil {
			return err
		}
		return put(invs, []byte(rec.ID), rec)
	})
	if err != nil {
		return store.Submitted{}, err
	}
	return out, nil
}

// Withdraw takes a live practice out of search and lists as a new version
// (store.Withdraw).
func (s *Store) Withdraw(ctx context.Context, id string, w practice.Withdrawal) (practice.Practice, error) {
	var out practice.Practice
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		p, err := getPractice(tx, id)
		if err != nil {
			return err
		}
		next, prevSeq, err := store.Withdraw(id, p, w, s.now(), takeSeqs(tx))
		if err != nil {
			return err
		}
		if err := writePractice(tx, next, prevSeq); err != nil {
			return err
		}
		out = next
		return writeRevision(tx, next)
	})
	if err != nil {
		return practice.Practice{}, err
	}
	return out, nil
}

// EraseContact removes email and phone from the practice and every revision.
// Version and UpdatedAt stay; the hashes are recomputed, and the practice gets
// a new Seq when it changed, so the search index drops the data too.
//
// Erased means erased: bbolt writes changed pages anew and only frees the old
// ones, which keep their bytes. So once the erasure is committed, every free
// page of the file is overwritten with zeros (wipeFreePages), and a backup
// taken afterwards, which copies the file, holds no copy either. For that the
// erasure waits until running reads are done and holds new ones back until
// the file is wiped: no reader may still see a freed page.
func (s *Store) EraseContact(ctx context.Context, id string) (practice.Practice, error) {
	s.readers.Lock()
	defer s.readers.Unlock()
	out, err := s.eraseContact(ctx, id)
	if err != nil {
		return out, err
	}
	if err := s.wipeFreePages(); err != nil {
		return practice.Practice{}, fmt.Errorf("bolt: wipe the free pages after erasing contact data: %w", err)
	}
	return out, nil
}

// wipeFreePages overwrites every free page of the file with zeros. It runs
// in a write transaction (no other writer) that starts with no reader open
// (the caller holds s.readers), so bbolt has released every page freed
// before it, and no transaction can read one.
func (s *Store) wipeFreePages() error {
	f, err := os.OpenFile(s.db.Path(), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	err = s.db.Update(func(tx *bbolt.Tx) error {
		size := int64(s.db.Info().PageSize)
		var zeros []byte
		wipe := func(from, to int) error { // pages [from, to)
			n := int64(to-from) * size
			if int64(len(zeros)) < n {
				zeros = make([]byte, n)
			}
			_, err := f.WriteAt(zeros[:n], int64(from)*size)
			return err
		}
		start := -1
		for id := 2; ; id++ { // pages 0 and 1 are the meta pages
			info, err := tx.Page(id)
			if err != nil {
				return err
			}
			free := info != nil && info.Type == "free"
			if free && start < 0 {
				start = id
			}
			if (!free || id-start >= 256) && start >= 0 {
				if err := wipe(start, id); err != nil {
					return err
				}
				start = -1
				if free {
					start = id
				}
			}
			if info == nil {
				return nil
			}
		}
	})
	if err != nil {
		return err
	}
	return f.Sync()
}

func (s *Store) eraseContact(ctx context.Context, id string) (practice.Practice, error) {
	var out practice.Practice
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		p, err := getPractice(tx, id)
		if err != nil {
			return err
		}
		var history []practice.Revision
		if p != nil {
			if history, err = revisions(tx, id); err != nil {
				return err
			}
		}
		e, err := store.EraseContact(id, p, history, takeSeqs(tx))
		if err != nil {
			return err
		}
		if e.Changed {
			if err := writePractice(tx, e.Practice, e.PrevSeq); err != nil {
				return err
			}
		}
		out = e.Practice
		for _, r := range e.Revisions {
			if err := put(tx.Bucket(bucketRevisions), revisionKey(r.PracticeID, r.Version), r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return practice.Practice{}, err
	}
	return out, nil
}

// ---- inventories ----

// Inventory returns one recorded submission.
func (s *Store) Inventory(ctx context.Context, id string) (practice.Inventory, error) {
	var inv practice.Inventory
	found := false
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		data := tx.Bucket(bucketInventories).Get([]byte(id))
		if data == nil {
			return nil
		}
		found = true
		var err error
		inv, err = decode[practice.Inventory](data)
		return err
	})
	if err != nil {
		return practice.Inventory{}, err
	}
	if !found {
		return practice.Inventory{}, notFound("inventory", id)
	}
	return inv, nil
}

// Inventories pages through submissions, newest (greatest id) first.
func (s *Store) Inventories(ctx context.Context, q store.InventoryQuery) ([]practice.Inventory, error) {
	var out []practice.Inventory
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		invs := tx.Bucket(bucketInventories)
		var c *bbolt.Cursor
		var prefix, end []byte
		if q.Region == "" {
			c = invs.Cursor()
		} else {
			c = tx.Bucket(bucketInventoriesByRegion).Cursor()
			prefix = regionKey(q.Region, "")
			end = append([]byte(q.Region), 1) // just past every key of the region
		}
		if q.Before != "" {
			end = append(slices.Clone(prefix), q.Before...)
		}
		// Position on the greatest key below end (or the last key).
		var k []byte
		if end == nil {
			k, _ = c.Last()
		} else if k, _ = c.Seek(end); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			if err := ctx.Err(); err != nil {
				return err
			}
			id := k[len(prefix):]
			data := invs.Get(id)
			if data == nil {
				return fmt.Errorf("bolt: the region index points to a missing inventory %s", id)
			}
			inv, err := decode[practice.Inventory](data)
			if err != nil {
				return fmt.Errorf("bolt: read inventory %s: %w", id, err)
			}
			out = append(out, inv)
			if q.Limit > 0 && len(out) >= q.Limit {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- regional actions ----

// PutRegionalAction creates or replaces a regional action.
func (s *Store) PutRegionalAction(ctx context.Context, a actionplan.Action) error {
	if err := store.CheckRegionalAction(a); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) error {
		return put(tx.Bucket(bucketActions), []byte(a.ID), a)
	})
}

// DeleteRegionalAction removes a regional action; ErrNotFound if absent.
func (s *Store) DeleteRegionalAction(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketActions)
		if b.Get([]byte(id)) == nil {
			return fmt.Errorf("bolt: regional action %q: %w", id, store.ErrNotFound)
		}
		return b.Delete([]byte(id))
	})
}

// RegionalActions returns every regional action ordered by id.
func (s *Store) RegionalActions(ctx context.Context) ([]actionplan.Action, error) {
	var out []actionplan.Action
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return eachValue(ctx, tx, bucketActions, "regional action", func(a actionplan.Action) error {
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- tokens ----

// CreateToken stores a token record; ErrConflict if its id or hash exists.
func (s *Store) CreateToken(ctx context.Context, t auth.Token) error {
	return s.update(ctx, func(tx *bbolt.Tx) error { return loadToken(tx, t) })
}

func getToken(tx *bbolt.Tx, id []byte) (*auth.Token, error) {
	data := tx.Bucket(bucketTokens).Get(id)
	if data == nil {
		return nil, nil
	}
	t, err := decode[auth.Token](data)
	if err != nil {
		return nil, fmt.Errorf("bolt: read token %s: %w", id, err)
	}
	return &t, nil
}

// TokenByHash finds a token, revoked ones included.
func (s *Store) TokenByHash(ctx context.Context, hash string) (auth.Token, error) {
	var t *auth.Token
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		id := tx.Bucket(bucketTokenHashes).Get([]byte(hash))
		if id == nil {
			return nil
		}
		var err error
		t, err = getToken(tx, id)
		return err
	})
	if err != nil {
		return auth.Token{}, err
	}
	if t == nil {
		return auth.Token{}, fmt.Errorf("bolt: token: %w", store.ErrNotFound)
	}
	return *t, nil
}

// Tokens lists every token record ordered by creation, then id.
func (s *Store) Tokens(ctx context.Context) ([]auth.Token, error) {
	var out []auth.Token
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return eachValue(ctx, tx, bucketTokens, "token", func(t auth.Token) error {
			out = append(out, t)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b auth.Token) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmpString(a.ID, b.ID)
	})
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// RevokeToken marks a token revoked at at. Revoking a revoked token keeps
// the first time.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	at = store.RevokedAt(at, s.now())
	return s.update(ctx, func(tx *bbolt.Tx) error {
		t, err := getToken(tx, []byte(id))
		if err != nil {
			return err
		}
		if t == nil {
			return notFound("token", id)
		}
		if t.RevokedAt != nil {
			return nil
		}
		t.RevokedAt = &at
		return put(tx.Bucket(bucketTokens), []byte(id), t)
	})
}
