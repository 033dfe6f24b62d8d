// Package bank holds the use cases of Praktijkenbank: submitting inventories,
// withdrawing practices, regional actions, and reading practices and
// inventories. It ties the store (the truth), the search index (derived) and
// the action plan together, so that GraphQL resolvers and the command line stay
// thin and behave the same.
package bank

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// Sentinel errors of the use cases (besides the auth errors). ErrNotFound
// and ErrUnavailable are the store's: what the store does not know, or
// cannot reach now, the bank passes on as it is.
var (
	ErrInvalid     = errors.New("invalid input")
	ErrNotFound    = store.ErrNotFound
	ErrUnavailable = store.ErrUnavailable
)

// Index is what the bank needs of the search index: keeping it current and
// asking it. *search.Index implements it.
type Index interface {
	Apply(ctx context.Context, ps []practice.Practice) error
	Search(ctx context.Context, r search.Request) (search.Result, error)
	Similar(ctx context.Context, id string, first int) ([]search.Hit, error)
	Suggest(ctx context.Context, prefix string, first int) ([]search.Suggestion, error)
}

// Bank is the application service. It is safe for concurrent use.
type Bank struct {
	store   store.Store
	index   Index
	insight *insight.Insight // the analytical view (WithInsight); nil: no research queries
	base    *actionplan.Plan
	log     *slog.Logger
	now     func() time.Time

	mu   sync.RWMutex
	plan *actionplan.Plan // base with the regional actions

	afterWrite []func(ctx context.Context, ps []practice.Practice)
	demoGone   atomic.Bool // no demo practice is left: real submissions skip the look
}

// Option configures a Bank.
type Option func(*Bank)

// WithAfterWrite has the bank call fn with the practices it changed, as read
// back from the store (withdrawn ones included), after every write, beside
// updating the index: for derived views such as the analytical one. fn must
// not block for long.
func WithAfterWrite(fn func(ctx context.Context, ps []practice.Practice)) Option {
	return func(b *Bank) { b.afterWrite = append(b.afterWrite, fn) }
}

// New returns a bank over st, keeping ix current (ix may be nil: no index).
func New(ctx context.Context, st store.Store, ix Index, base *actionplan.Plan, log *slog.Logger, opts ...Option) (*Bank, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Bank{store: st, index: ix, base: base, log: log, now: time.Now}
	for _, o := range opts {
		o(b)
	}
	if err := b.RefreshPlan(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// Plan returns the action plan with the regional actions as they are now.
func (b *Bank) Plan() *actionplan.Plan {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.plan
}

// RefreshPlan reloads the regional actions from the store (after another
// replica changed them, or at start).
func (b *Bank) RefreshPlan(ctx context.Context) error {
	regional, err := b.store.RegionalActions(ctx)
	if err != nil {
		return fmt.Errorf("read the regional actions: %w", err)
	}
	p := b.base.WithRegional(regional)
	b.mu.Lock()
	b.plan = p
	b.mu.Unlock()
	return nil
}

func (b *Bank) stamp() time.Time { return b.now().UTC().Truncate(time.Millisecond) }

// reindex brings the index up to date with the given practices. A failure is
// logged, not returned: the write is already safe in the store, and the
// index follower reconciles what was missed.
func (b *Bank) reindex(ctx context.Context, ids []string) {
	if (b.index == nil && len(b.afterWrite) == 0) || len(ids) == 0 {
		return
	}
	ps, err := b.store.Practices(ctx, ids)
	if err == nil {
		ps = compact(ps)
		b.notify(ctx, ps)
		if b.index != nil {
			err = b.index.Apply(ctx, ps)
		}
	}
	if err != nil {
		b.log.WarnContext(ctx, "index not updated after write; the follower will catch up", "practices", len(ids), "err", err)
	}
}

// notify tells the WithAfterWrite functions of changed practices.
func (b *Bank) notify(ctx context.Context, ps []practice.Practice) {
	if len(ps) == 0 {
		return
	}
	for _, fn := range b.afterWrite {
		fn(ctx, ps)
	}
}

func compact(ps []practice.Practice) []practice.Practice {
	out := ps[:0]
	for _, p := range ps {
		if p.ID != "" {
			out = append(out, p)
		}
	}
	return out
}

// Withdraw takes a live practice out of search and lists, with a reason.
func (b *Bank) Withdraw(ctx context.Context, who *auth.Principal, id, reason string) (practice.Practice, error) {
	if who == nil {
		return practice.Practice{}, auth.ErrUnauthenticated
	}
	p, err := b.store.Practice(ctx, id)
	if err != nil {
		return practice.Practice{}, err
	}
	if err := auth.CanWrite(who, p.Region); err != nil {
		return practice.Practice{}, err
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n == 0 || n > 1000 {
		return practice.Practice{}, refusal.New(ErrInvalid, "reason empty or over 1000 characters", "geef een reden op van hoogstens 1000 tekens")
	}
	p, err = b.store.Withdraw(ctx, id, practice.Withdrawal{At: b.stamp(), By: who.Name(), Reason: reason})
	if err != nil {
		if errors.Is(err, store.ErrConflict) {
			return practice.Practice{}, refusal.New(ErrInvalid, "practice already withdrawn", "deze praktijk is al ingetrokken")
		}
		return practice.Practice{}, err
	}
	b.reindex(ctx, []string{id})
	return p, nil
}

// EraseContact removes the personal data of a practice's contact from the
// practice and its whole history (admin only).
func (b *Bank) EraseContact(ctx context.Context, who *auth.Principal, id string) (practice.Practice, error) {
	if err := auth.RequireAdmin(who); err != nil {
		return practice.Practice{}, err
	}
	p, err := b.store.EraseContact(ctx, id)
	if err != nil {
		return practice.Practice{}, err
	}
	b.reindex(ctx, []string{id})
	return p, nil
}

// RegionalActionInput is a regional platform's own action.
type RegionalActionInput struct {
	ID          string
	Title       string
	Description string
	Challenge   string
}

// PutRegionalAction adds or changes an action of a region's own ("<region>:<slug>").
func (b *Bank) PutRegionalAction(ctx context.Context, who *auth.Principal, in RegionalActionInput) (actionplan.Action, error) {
	id := strings.TrimSpace(in.ID)
	region, _, ok := strings.Cut(id, ":")
	if !ok || !actionplan.ValidRegionalActionID(region, id) {
		return actionplan.Action{}, refusal.New(ErrInvalid, "regional action id not of the form <region>:<slug>",
			"een regionale actie heeft een id van de vorm <regio>:<naam>, bv. limburg:buurtpensioen (kleine letters, cijfers en streepjes)")
	}
	if _, known := b.base.Region(region); !known {
		return actionplan.Action{}, refusal.New(ErrInvalid, "unknown region %q", "onbekende regio %q", region)
	}
	if who == nil {
		return actionplan.Action{}, auth.ErrUnauthenticated
	}
	if err := auth.CanWrite(who, region); err != nil {
		return actionplan.Action{}, err
	}
	a := actionplan.Action{
		ID: id, ChallengeID: strings.TrimSpace(in.Challenge), Region: region,
		Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Initiatives: []actionplan.Initiative{},
	}
	if _, ok := b.base.Challenge(a.ChallengeID); !ok {
		return actionplan.Action{}, refusal.New(ErrInvalid, "unknown challenge %q", "onbekende uitdaging %q", a.ChallengeID)
	}
	if n := utf8.RuneCountInString(a.Title); n < practice.MinTitle || n > practice.MaxTitle {
		return actionplan.Action{}, refusal.New(ErrInvalid, "title not of %d to %d characters", "de titel telt %d tot %d tekens", practice.MinTitle, practice.MaxTitle)
	}
	if utf8.RuneCountInString(a.Description) > practice.MaxSummary*2 {
		return actionplan.Action{}, refusal.New(ErrInvalid, "description over %d characters", "de beschrijving is langer dan %d tekens", practice.MaxSummary*2)
	}
	if err := b.base.ValidateRegional(a); err != nil {
		return actionplan.Action{}, refusal.New(ErrInvalid, err.Error(), "deze actie past niet in het actieplan")
	}
	if err := b.store.PutRegionalAction(ctx, a); err != nil {
		return actionplan.Action{}, err
	}
	if err := b.RefreshPlan(ctx); err != nil {
		return actionplan.Action{}, err
	}
	return a, nil
}

// RemoveRegionalAction removes an action of a region's own, when no live
// practice cites it any more (a practice that did would fail validation at
// its next resubmission). Withdrawn practices keep the id in their history.
func (b *Bank) RemoveRegionalAction(ctx context.Context, who *auth.Principal, id string) error {
	if who == nil {
		return auth.ErrUnauthenticated
	}
	a, ok := b.Plan().Action(strings.TrimSpace(id))
	if !ok || !a.Regional() {
		return fmt.Errorf("%w: regional action %q", store.ErrNotFound, id)
	}
	if err := auth.CanWrite(who, a.Region); err != nil {
		return err
	}
	// Only the region's own practices may cite its actions.
	citing, after := 0, ""
	for {
		ps, err := b.store.ListPractices(ctx, store.PracticeQuery{Region: a.Region, After: after, Limit: 500})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if slices.Contains(p.Actions, a.ID) {
				citing++
			}
		}
		if len(ps) < 500 {
			break
		}
		after = ps[len(ps)-1].ID
	}
	if citing > 0 {
		return refusal.New(ErrInvalid, "%d practice(s) still cite the action",
			"%d praktijk(en) verwijzen nog naar deze actie; haal de actie eerst uit die praktijken (of trek ze in)", citing)
	}
	if err := b.store.DeleteRegionalAction(ctx, a.ID); err != nil {
		return err
	}
	return b.RefreshPlan(ctx)
}
