package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Moving a whole store to another one (the embedded store to MongoDB, or
// back) goes through two optional interfaces that both stores implement:
// a Dumper reads everything as it is stored, a Loader writes those records
// unchanged (ids, versions, Seqs, times, withdrawals, demo flags, token
// hashes) into an empty store. Copy joins them; Verify then compares the two
// stores through the public Store interface only.

// ErrNotEmpty is returned by Copy when the target already holds data: a copy
// never mixes two stores.
var ErrNotEmpty = errors.New("the target store is not empty")

// Record is one unit of a store's content as Dump reads it and Load writes
// it. Exactly one of Practice, Inventory, Action and Token is set; a
// practice comes with its full History (versions 1..n, oldest first).
type Record struct {
	Practice  *practice.Practice
	History   []practice.Revision
	Inventory *practice.Inventory
	Action    *actionplan.Action
	Token     *auth.Token
}

// size is how much a record weighs in a load batch: one per document.
func (r Record) size() int { return 1 + len(r.History) }

// Dumper reads a store's whole content.
type Dumper interface {
	// Dump calls fn for every record of the store: every practice (withdrawn
	// ones included, in id order) with its history, then every inventory,
	// regional action and token. It streams: it does not hold the store in
	// memory. An error from fn stops the dump and is returned. fn must not
	// write to the store being dumped.
	Dump(ctx context.Context, fn func(Record) error) error
}

// Loader writes records as they are into an empty store.
type Loader interface {
	// IsEmpty reports whether the store holds no practice, revision,
	// inventory, regional action or token.
	IsEmpty(ctx context.Context) (bool, error)
	// Load writes a batch of records unchanged, and raises the store's Seq
	// counter to at least the highest Seq among them, so that later writes
	// get greater Seqs. A record that exists already is an error wrapping
	// ErrConflict. A batch may be written in part when Load fails: Copy
	// only loads into an empty store, which is emptied and loaded again.
	Load(ctx context.Context, batch []Record) error
}

// CopyReport counts what Copy wrote.
type CopyReport struct {
	Practices   int    // practices (withdrawn ones included)
	Withdrawn   int    // of which withdrawn
	Demo        int    // of which from the demo inventory
	Revisions   int    // revisions in all histories
	Inventories int    // recorded submissions
	Actions     int    // regional actions
	Tokens      int    // token records (hashes only)
	LastSeq     uint64 // the highest Seq copied
}

// copyBatch is how many documents (a practice and each of its revisions
// count one) Copy hands to Load at a time.
const copyBatch = 1000

// CopyOption configures Copy.
type CopyOption func(*copyOptions)

type copyOptions struct{ progress func(CopyReport) }

// WithProgress has Copy call fn with the counts so far after every batch it
// has loaded.
func WithProgress(fn func(CopyReport)) CopyOption {
	return func(o *copyOptions) { o.progress = fn }
}

// Copy copies everything from one store into another, which must be empty
// (ErrNotEmpty otherwise). It streams the source and loads in batches.
func Copy(ctx context.Context, from Dumper, to Loader, opts ...CopyOption) (CopyReport, error) {
	var o copyOptions
	for _, opt := range opts {
		opt(&o)
	}
	var rep CopyReport
	empty, err := to.IsEmpty(ctx)
	if err != nil {
		return rep, fmt.Errorf("doelopslag: %w", err)
	}
	if !empty {
		return rep, ErrNotEmpty
	}
	var batch []Record
	weight := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := to.Load(ctx, batch); err != nil {
			return fmt.Errorf("target store: write: %w", err)
		}
		clear(batch)
		batch, weight = batch[:0], 0
		if o.progress != nil {
			o.progress(rep)
		}
		return nil
	}
	err = from.Dump(ctx, func(r Record) error {
		if err := rep.count(r); err != nil {
			return err
		}
		batch = append(batch, r)
		weight += r.size()
		if weight >= copyBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	return rep, flush()
}

// count adds r to the report and checks that it is well formed.
func (rep *CopyReport) count(r Record) error {
	set := 0
	switch {
	case r.Practice != nil:
		set++
		p := r.Practice
		rep.Practices++
		if !p.Live() {
			rep.Withdrawn++
		}
		if p.Demo {
			rep.Demo++
		}
		rep.Revisions += len(r.History)
		rep.LastSeq = max(rep.LastSeq, p.Seq)
		if len(r.History) == 0 || r.History[len(r.History)-1].Version != p.Version {
			return fmt.Errorf("source store: practice %s (version %d) has no complete history (%d versions)", p.ID, p.Version, len(r.History))
		}
	}
	if r.Inventory != nil {
		set++
		rep.Inventories++
	}
	if r.Action != nil {
		set++
		rep.Actions++
	}
	if r.Token != nil {
		set++
		rep.Tokens++
	}
	if set != 1 {
		return fmt.Errorf("source store: a record must hold exactly one kind of data, not %d", set)
	}
	return nil
}
