package bolt

import (
	"bytes"
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var (
	_ store.Dumper = (*Store)(nil)
	_ store.Loader = (*Store)(nil)
)

// dataBuckets are the buckets that hold content (meta only holds the schema
// version and the Seq counter).
var dataBuckets = [][]byte{bucketPractices, bucketRevisions, bucketInventories, bucketActions, bucketTokens}

// Dump calls fn for every record, inside one read transaction: the dump is a
// consistent snapshot of the file, and writers are not blocked meanwhile.
// Practices come in id order, each with its history.
func (s *Store) Dump(ctx context.Context, fn func(store.Record) error) error {
	return s.view(ctx, func(tx *bbolt.Tx) error {
		revs := tx.Bucket(bucketRevisions).Cursor()
		err := tx.Bucket(bucketPractices).ForEach(func(k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			p, err := decode[practice.Practice](v)
			if err != nil {
				return fmt.Errorf("bolt: read practice %s: %w", k, err)
			}
			var h []practice.Revision
			prefix := revisionPrefix(p.ID)
			for rk, rv := revs.Seek(prefix); rk != nil && bytes.HasPrefix(rk, prefix); rk, rv = revs.Next() {
				r, err := decode[practice.Revision](rv)
				if err != nil {
					return fmt.Errorf("bolt: read a revision of %s: %w", p.ID, err)
				}
				h = append(h, r)
			}
			return fn(store.Record{Practice: &p, History: h})
		})
		if err != nil {
			return err
		}
		if err := eachValue(ctx, tx, bucketInventories, "inventory", func(inv practice.Inventory) error {
			return fn(store.Record{Inventory: &inv})
		}); err != nil {
			return err
		}
		if err := eachValue(ctx, tx, bucketActions, "regional action", func(a actionplan.Action) error {
			return fn(store.Record{Action: &a})
		}); err != nil {
			return err
		}
		return eachValue(ctx, tx, bucketTokens, "token", func(t auth.Token) error {
			return fn(store.Record{Token: &t})
		})
	})
}

// IsEmpty reports whether the file holds no content at all.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	empty := true
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		for _, name := range dataBuckets {
			if k, _ := tx.Bucket(name).Cursor().First(); k != nil {
				empty = false
			}
		}
		return nil
	})
	return empty, err
}

// Load writes a batch of records as they are, with every index entry
// (region, change feed, token hash), in one transaction, and raises the Seq
// counter to the highest Seq loaded. An existing practice, revision,
// inventory, action or token, or a Seq another practice holds, is an
// ErrConflict and the batch writes nothing.
func (s *Store) Load(ctx context.Context, batch []store.Record) error {
	return s.update(ctx, func(tx *bbolt.Tx) error {
		seq := lastSeq(tx)
		for _, r := range batch {
			if err := ctx.Err(); err != nil {
				return err
			}
			var err error
			switch {
			case r.Practice != nil:
				err = loadPractice(tx, *r.Practice, r.History)
				seq = max(seq, r.Practice.Seq)
			case r.Inventory != nil:
				err = loadInventory(tx, *r.Inventory)
			case r.Action != nil:
				err = loadAction(tx, *r.Action)
			case r.Token != nil:
				err = loadToken(tx, *r.Token)
			}
			if err != nil {
				return err
			}
		}
		return setLastSeq(tx, seq)
	})
}

func conflict(what, id string) error {
	return fmt.Errorf("bolt: %s %s exists already: %w", what, id, store.ErrConflict)
}

func loadPractice(tx *bbolt.Tx, p practice.Practice, history []practice.Revision) error {
	if p.ID == "" || p.Seq == 0 {
		return fmt.Errorf("bolt: practice %q without id or Seq", p.ID)
	}
	practices, changes := tx.Bucket(bucketPractices), tx.Bucket(bucketChanges)
	if practices.Get([]byte(p.ID)) != nil {
		return conflict("practice", p.ID)
	}
	if other := changes.Get(u64(p.Seq)); other != nil {
		return fmt.Errorf("bolt: Seq %d of %s belongs to %s already: %w", p.Seq, p.ID, other, store.ErrConflict)
	}
	if err := tx.Bucket(bucketPracticesByRegion).Put(regionKey(p.Region, p.ID), nil); err != nil {
		return err
	}
	if err := writePractice(tx, normalisePractice(p), 0); err != nil {
		return err
	}
	revs := tx.Bucket(bucketRevisions)
	for _, r := range history {
		if r.PracticeID != p.ID {
			return fmt.Errorf("bolt: revision %d of %s comes with practice %s", r.Version, r.PracticeID, p.ID)
		}
		key := revisionKey(r.PracticeID, r.Version)
		if revs.Get(key) != nil {
			return conflict("revision", fmt.Sprintf("%s v%d", r.PracticeID, r.Version))
		}
		r.At = store.Millis(r.At)
		r.Withdrawn = normaliseWithdrawal(r.Withdrawn)
		if err := put(revs, key, r); err != nil {
			return err
		}
	}
	return nil
}

// normalisePractice stores times as Submit does: UTC, milliseconds.
func normalisePractice(p practice.Practice) practice.Practice {
	p.CreatedAt, p.UpdatedAt = store.Millis(p.CreatedAt), store.Millis(p.UpdatedAt)
	p.Withdrawn = normaliseWithdrawal(p.Withdrawn)
	return p
}

func normaliseWithdrawal(w *practice.Withdrawal) *practice.Withdrawal {
	if w == nil {
		return nil
	}
	c := *w
	c.At = store.Millis(c.At)
	return &c
}

func loadInventory(tx *bbolt.Tx, inv practice.Inventory) error {
	if inv.ID == "" || inv.Region == "" {
		return fmt.Errorf("bolt: inventory %q without id or region", inv.ID)
	}
	invs := tx.Bucket(bucketInventories)
	if invs.Get([]byte(inv.ID)) != nil {
		return conflict("inventory", inv.ID)
	}
	inv.SubmittedAt = store.Millis(inv.SubmittedAt)
	if err := tx.Bucket(bucketInventoriesByRegion).Put(regionKey(inv.Region, inv.ID), nil); err != nil {
		return err
	}
	return put(invs, []byte(inv.ID), inv)
}

func loadAction(tx *bbolt.Tx, a actionplan.Action) error {
	if a.ID == "" || a.Region == "" {
		return fmt.Errorf("bolt: regional action %q without id or region", a.ID)
	}
	actions := tx.Bucket(bucketActions)
	if actions.Get([]byte(a.ID)) != nil {
		return conflict("regional action", a.ID)
	}
	return put(actions, []byte(a.ID), a)
}

// loadToken stores a token record (CreateToken, Load); ErrConflict if its
// id or hash exists.
func loadToken(tx *bbolt.Tx, t auth.Token) error {
	t, err := store.PrepareToken(t)
	if err != nil {
		return err
	}
	tokens, hashes := tx.Bucket(bucketTokens), tx.Bucket(bucketTokenHashes)
	if tokens.Get([]byte(t.ID)) != nil {
		return conflict("token", t.ID)
	}
	if hashes.Get([]byte(t.Hash)) != nil {
		return fmt.Errorf("bolt: a token with the hash of %s exists already: %w", t.ID, store.ErrConflict)
	}
	if err := hashes.Put([]byte(t.Hash), []byte(t.ID)); err != nil {
		return err
	}
	return put(tokens, []byte(t.ID), t)
}
