// Package store defines the one contract every store of Praktijkenbank keeps:
// the embedded bbolt store and the MongoDB store implement it, and the
// conformance suite in storetest proves that they behave the same.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Sentinel errors; implementations wrap them with %w.
var (
	ErrNotFound    = errors.New("not found")
	ErrConflict    = errors.New("conflict")
	ErrUnavailable = errors.New("store unavailable")
)

// Store is the truth of Praktijkenbank. Every method honours ctx.
type Store interface {
	// Practice returns one practice (withdrawn ones included) or ErrNotFound.
	Practice(ctx context.Context, id string) (practice.Practice, error)
	// Practices returns the practices with the given ids in the same order;
	// an unknown id gives a zero Practice (ID "") at its position.
	Practices(ctx context.Context, ids []string) ([]practice.Practice, error)
	// ListPractices pages through practices ordered by id.
	ListPractices(ctx context.Context, q PracticeQuery) ([]practice.Practice, error)
	// ScanPractices calls fn for every practice, withdrawn ones included,
	// ordered by id, without holding them all in memory. An error from fn stops
	// the scan and is returned.
	ScanPractices(ctx context.Context, fn func(practice.Practice) error) error
	// ChangedSince returns up to limit practices whose Seq is greater than seq,
	// in Seq order: the change feed the search index follows.
	ChangedSince(ctx context.Context, seq uint64, limit int) ([]practice.Practice, error)
	// LastSeq is the highest Seq given out so far.
	LastSeq(ctx context.Context) (uint64, error)
	// History returns every version of a practice, oldest first, or ErrNotFound.
	History(ctx context.Context, id string) ([]practice.Revision, error)

	// The three writes below apply the rules of rules.go (PlanSubmission,
	// Withdraw, EraseContact) to the state they read, inside one atomic write.

	// Submit applies a validated submission all or nothing, records the
	// inventory with its counts, and returns it with what the submission did
	// to each practice.
	Submit(ctx context.Context, s Submission) (Submitted, error)
	// Withdraw takes a live practice out of search and lists (version+1, kept in
	// history). ErrNotFound for an unknown id, ErrConflict if already withdrawn.
	Withdraw(ctx context.Context, id string, w practice.Withdrawal) (practice.Practice, error)
	// EraseContact removes the contact's personal data (email, phone) from the
	// practice and from every revision in its history.
	EraseContact(ctx context.Context, id string) (practice.Practice, error)

	// Inventory returns one recorded submission or ErrNotFound.
	Inventory(ctx context.Context, id string) (practice.Inventory, error)
	// Inventories pages through submissions, newest first.
	Inventories(ctx context.Context, q InventoryQuery) ([]practice.Inventory, error)

	// PutRegionalAction creates or replaces a regional action (a.Region set).
	PutRegionalAction(ctx context.Context, a actionplan.Action) error
	// DeleteRegionalAction removes a regional action; ErrNotFound if there is
	// none with the id. Whether practices still cite it is the caller's rule.
	DeleteRegionalAction(ctx context.Context, id string) error
	// RegionalActions returns every regional action ordered by id.
	RegionalActions(ctx context.Context) ([]actionplan.Action, error)

	// CreateToken stores a token record; ErrConflict if its id or hash exists.
	CreateToken(ctx context.Context, t auth.Token) error
	// TokenByHash finds a token (revoked ones included) or ErrNotFound.
	TokenByHash(ctx context.Context, hash string) (auth.Token, error)
	// Tokens lists every token record ordered by creation.
	Tokens(ctx context.Context) ([]auth.Token, error)
	// RevokeToken marks a token revoked; ErrNotFound for an unknown id.
	RevokeToken(ctx context.Context, id string, at time.Time) error

	// Ping reports whether the store can be used now (ErrUnavailable if not).
	Ping(ctx context.Context) error
	Close() error
}

// Submission is a validated, normalised inventory ready to be written.
type Submission struct {
	Inventory practice.Inventory // ID, Region, Title, SubmittedBy, Period, Principal, Source, SubmittedAt, Demo set; counts are filled in by Submit
	Practices []practice.PracticeInput
}

// PracticeQuery selects a page of practices.
type PracticeQuery struct {
	Region           string // "" for every region
	IncludeWithdrawn bool
	After            string // exclusive id cursor
	Limit            int    // 0 means no limit
}

// InventoryQuery selects a page of inventories, newest first.
type InventoryQuery struct {
	Region string // "" for every region
	Before string // exclusive id cursor: inventory ids sort by time
	Limit  int
}
