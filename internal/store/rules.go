package store

import (
	"fmt"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// What a write means is written here once, above the backends (Dex's way):
// inside its atomic write a store reads the current state, hands it to one
// of these rules, and applies what the rule returns. The rules touch no
// database; the backends decide nothing.
//
//	Submit             PrepareSubmission (needs no state), then PlanSubmission
//	Withdraw           Withdraw
//	EraseContact       EraseContact
//	PutRegionalAction  CheckRegionalAction
//	CreateToken        PrepareToken
//	RevokeToken        RevokedAt

// TakeSeqs hands out n consecutive Seqs of a store, inside its atomic write,
// and returns the first.
type TakeSeqs func(n int) (first uint64, err error)

// Millis is how a store keeps a time: in UTC, at millisecond precision (as
// MongoDB does), so that every store hands back the same values.
func Millis(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// Written is what a submission did to one practice.
type Written struct {
	Practice practice.Practice // its state after the submission
	Outcome  practice.Outcome
	PrevSeq  uint64 // the Seq it held before (0 for a new practice)
}

// Submitted is what Submit did: the inventory record with its counts and,
// in submission order, what it did to every practice.
type Submitted struct {
	Inventory practice.Inventory
	Practices []Written
}

// Changed returns the practices the submission wrote (created or updated),
// in Seq order.
func (s Submitted) Changed() []practice.Practice {
	out := make([]practice.Practice, 0, s.Inventory.Created+s.Inventory.Updated)
	for _, w := range s.Practices {
		if w.Outcome != practice.Unchanged {
			out = append(out, w.Practice)
		}
	}
	return out
}

// PrepareSubmission is the part of a submission's rule that needs no stored
// state: the inventory needs an id and a region, a ref may occur only once
// (ErrConflict), a zero SubmittedAt becomes now, and the counts start from
// zero. It returns the inventory to plan with.
func PrepareSubmission(sub Submission, now time.Time) (practice.Inventory, error) {
	inv := sub.Inventory
	if inv.ID == "" || inv.Region == "" {
		return practice.Inventory{}, fmt.Errorf("store: inventory %q without id or region", inv.ID)
	}
	if inv.SubmittedAt.IsZero() {
		inv.SubmittedAt = now
	}
	inv.SubmittedAt = Millis(inv.SubmittedAt)
	inv.Created, inv.Updated, inv.Unchanged = 0, 0, 0
	inv.PracticeIDs = nil
	seen := make(map[string]int, len(sub.Practices))
	for i, in := range sub.Practices {
		if j, dup := seen[in.Ref]; dup {
			return practice.Inventory{}, fmt.Errorf("store: ref %q occurs twice in the inventory (practices %d and %d): %w", in.Ref, j, i, ErrConflict)
		}
		seen[in.Ref] = i
	}
	return inv, nil
}

// SubmissionState is what a store reads, inside its atomic write, before it
// plans a submission.
type SubmissionState struct {
	// InventoryExists is true when an inventory with the submission's id is
	// recorded already: the submission is then an ErrConflict.
	InventoryExists bool
	// Practices are the stored practices (withdrawn ones included) with the
	// ids of the submitted practices, by id.
	Practices map[string]practice.Practice
}

// PlanSubmission is the rule of a submission over the stored state: it
// applies practice.Apply to every practice of ins in order, takes Seqs (in
// one call, only when something changes) for the practices that change, in
// submission order, and returns the inventory record with its counts and
// what happens to each practice. inv comes from PrepareSubmission; it is not
// changed, so the plan may run again when a transaction is retried.
func PlanSubmission(inv practice.Inventory, ins []practice.PracticeInput, st SubmissionState, take TakeSeqs) (Submitted, error) {
	if st.InventoryExists {
		return Submitted{}, fmt.Errorf("store: inventory %s exists already: %w", inv.ID, ErrConflict)
	}
	current := func(id string) *practice.Practice {
		if p, ok := st.Practices[id]; ok {
			return &p
		}
		return nil
	}
	out := Submitted{Practices: make([]Written, len(ins))}
	changes := 0
	for i, in := range ins {
		prev := current(practice.ID(inv.Region, in.Ref))
		p, outcome := practice.Apply(prev, inv.Region, in.Ref, in.Content, inv.ID, inv.SubmittedAt, 0, inv.Demo)
		w := Written{Practice: p, Outcome: outcome}
		if prev != nil {
			w.PrevSeq = prev.Seq
		}
		if outcome != practice.Unchanged {
			changes++
		}
		out.Practices[i] = w
	}
	var seq uint64
	if changes > 0 {
		first, err := take(changes)
		if err != nil {
			return Submitted{}, err
		}
		seq = first
	}
	inv.PracticeIDs = make([]string, len(ins)) // a fresh list: the caller's inventory is not touched
	for i := range out.Practices {
		w := &out.Practices[i]
		inv.PracticeIDs[i] = w.Practice.ID
		switch w.Outcome {
		case practice.Unchanged:
			inv.Unchanged++
			continue
		case practice.Created:
			inv.Created++
		case practice.Updated:
			inv.Updated++
		}
		w.Practice.Seq = seq
		seq++
	}
	out.Inventory = inv
	return out, nil
}

// Withdraw is the rule of a withdrawal: the stored practice p (nil if there
// is none with the id: ErrNotFound) must be live (else ErrConflict); it is
// withdrawn by w as a new version at a new Seq. A zero w.At becomes now.
// It returns the practice as it must be stored, and the Seq it held before.
func Withdraw(id string, p *practice.Practice, w practice.Withdrawal, now time.Time, take TakeSeqs) (practice.Practice, uint64, error) {
	if p == nil {
		return practice.Practice{}, 0, fmt.Errorf("store: practice %s: %w", id, ErrNotFound)
	}
	if !p.Live() {
		return practice.Practice{}, 0, fmt.Errorf("store: practice %s is withdrawn already: %w", id, ErrConflict)
	}
	seq, err := take(1)
	if err != nil {
		return practice.Practice{}, 0, err
	}
	if w.At.IsZero() {
		w.At = now
	}
	w.At = Millis(w.At)
	out := *p
	out.Version++
	out.Withdrawn = &w
	out.UpdatedAt = w.At
	out.Seq = seq
	return out, p.Seq, nil
}

// Erasure is what erasing a practice's contact writes.
type Erasure struct {
	Practice practice.Practice // the practice without personal data
	// Changed is true when the practice itself held personal data: it is
	// then written at a new Seq (PrevSeq is the one it held), so that the
	// search index drops the data too.
	Changed bool
	PrevSeq uint64
	// Revisions are the revisions of its history that held personal data,
	// without it: each overwrites the stored one of the same version.
	Revisions []practice.Revision
}

// EraseContact is the rule of an erasure: the stored practice p (nil if
// there is none with the id: ErrNotFound) and its history lose the e-mail
// and phone of their contact. Version and UpdatedAt stay; the hashes are
// recomputed. A Seq is taken only when the practice itself changes.
func EraseContact(id string, p *practice.Practice, history []practice.Revision, take TakeSeqs) (Erasure, error) {
	if p == nil {
		return Erasure{}, fmt.Errorf("store: practice %s: %w", id, ErrNotFound)
	}
	e := Erasure{Practice: *p}
	if c, changed := practice.WithoutPersonalData(p.Contact); changed {
		seq, err := take(1)
		if err != nil {
			return Erasure{}, err
		}
		e.Changed, e.PrevSeq = true, p.Seq
		e.Practice.Contact = c
		e.Practice.Hash = practice.ContentHash(e.Practice.Content)
		e.Practice.Seq = seq
	}
	for _, r := range history {
		if c, changed := practice.WithoutPersonalData(r.Content.Contact); changed {
			r.Content.Contact = c
			r.Hash = practice.ContentHash(r.Content)
			e.Revisions = append(e.Revisions, r)
		}
	}
	return e, nil
}

// CheckRegionalAction is the rule of PutRegionalAction: a regional action
// needs an id and a region.
func CheckRegionalAction(a actionplan.Action) error {
	if a.ID == "" || a.Region == "" {
		return fmt.Errorf("store: regional action %q without id or region", a.ID)
	}
	return nil
}

// PrepareToken is the rule of CreateToken: a token record needs an id and
// a hash; its times are kept as every time is (Millis).
func PrepareToken(t auth.Token) (auth.Token, error) {
	if t.ID == "" || t.Hash == "" {
		return auth.Token{}, fmt.Errorf("store: token %q without id or hash", t.ID)
	}
	t.CreatedAt = Millis(t.CreatedAt)
	if t.RevokedAt != nil {
		r := Millis(*t.RevokedAt)
		t.RevokedAt = &r
	}
	return t, nil
}

// RevokedAt is the time RevokeToken records: at, or now when at is zero. A
// token that is revoked already keeps its first time.
func RevokedAt(at, now time.Time) time.Time {
	if at.IsZero() {
		at = now
	}
	return Millis(at)
}
