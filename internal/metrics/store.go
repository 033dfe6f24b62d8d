package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// Store wraps a store and records the duration and failures of each call,
// and the submissions and practices written.
func (m *Metrics) Store(s store.Store) store.Store { return &instrumented{s: s, m: m} }

type instrumented struct {
	s store.Store
	m *Metrics
}

var _ store.Store = (*instrumented)(nil)

// observe records one call; use as defer i.observe("Method", time.Now(), &err).
func (i *instrumented) observe(method string, start time.Time, err *error) {
	i.m.StoreDuration.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if *err != nil && !errors.Is(*err, store.ErrNotFound) && !errors.Is(*err, context.Canceled) {
		i.m.StoreErrors.WithLabelValues(method).Inc()
	}
}

func (i *instrumented) Practice(ctx context.Context, id string) (p practice.Practice, err error) {
	defer i.observe("Practice", time.Now(), &err)
	return i.s.Practice(ctx, id)
}

func (i *instrumented) Practices(ctx context.Context, ids []string) (ps []practice.Practice, err error) {
	defer i.observe("Practices", time.Now(), &err)
	return i.s.Practices(ctx, ids)
}

func (i *instrumented) ListPractices(ctx context.Context, q store.PracticeQuery) (ps []practice.Practice, err error) {
	defer i.observe("ListPractices", time.Now(), &err)
	return i.s.ListPractices(ctx, q)
}

func (i *instrumented) ScanPractices(ctx context.Context, fn func(practice.Practice) error) (err error) {
	defer i.observe("ScanPractices", time.Now(), &err)
	return i.s.ScanPractices(ctx, fn)
}

func (i *instrumented) ChangedSince(ctx context.Context, seq uint64, limit int) (ps []practice.Practice, err error) {
	defer i.observe("ChangedSince", time.Now(), &err)
	return i.s.ChangedSince(ctx, seq, limit)
}

func (i *instrumented) LastSeq(ctx context.Context) (seq uint64, err error) {
	defer i.observe("LastSeq", time.Now(), &err)
	return i.s.LastSeq(ctx)
}

func (i *instrumented) History(ctx context.Context, id string) (rs []practice.Revision, err error) {
	defer i.observe("History", time.Now(), &err)
	return i.s.History(ctx, id)
}

func (i *instrumented) Submit(ctx context.Context, sub store.Submission) (res store.Submitted, err error) {
	defer i.observe("Submit", time.Now(), &err)
	res, err = i.s.Submit(ctx, sub)
	if err == nil {
		inv := res.Inventory
		i.m.Submissions.WithLabelValues(inv.Region).Inc()
		i.m.PracticesWritten.WithLabelValues("created").Add(float64(inv.Created))
		i.m.PracticesWritten.WithLabelValues("updated").Add(float64(inv.Updated))
		i.m.PracticesWritten.WithLabelValues("unchanged").Add(float64(inv.Unchanged))
	}
	return res, err
}

func (i *instrumented) Withdraw(ctx context.Context, id string, w practice.Withdrawal) (p practice.Practice, err error) {
	defer i.observe("Withdraw", time.Now(), &err)
	return i.s.Withdraw(ctx, id, w)
}

func (i *instrumented) EraseContact(ctx context.Context, id string) (p practice.Practice, err error) {
	defer i.observe("EraseContact", time.Now(), &err)
	return i.s.EraseContact(ctx, id)
}

func (i *instrumented) Inventory(ctx context.Context, id string) (inv practice.Inventory, err error) {
	defer i.observe("Inventory", time.Now(), &err)
	return i.s.Inventory(ctx, id)
}

func (i *instrumented) Inventories(ctx context.Context, q store.InventoryQuery) (invs []practice.Inventory, err error) {
	defer i.observe("Inventories", time.Now(), &err)
	return i.s.Inventories(ctx, q)
}

func (i *instrumented) PutRegionalAction(ctx context.Context, a actionplan.Action) (err error) {
	defer i.observe("PutRegionalAction", time.Now(), &err)
	return i.s.PutRegionalAction(ctx, a)
}

func (i *instrumented) DeleteRegionalAction(ctx context.Context, id string) (err error) {
	defer i.observe("DeleteRegionalAction", time.Now(), &err)
	return i.s.DeleteRegionalAction(ctx, id)
}

func (i *instrumented) RegionalActions(ctx context.Context) (as []actionplan.Action, err error) {
	defer i.observe("RegionalActions", time.Now(), &err)
	return i.s.RegionalActions(ctx)
}

func (i *instrumented) CreateToken(ctx context.Context, t auth.Token) (err error) {
	defer i.observe("CreateToken", time.Now(), &err)
	return i.s.CreateToken(ctx, t)
}

func (i *instrumented) TokenByHash(ctx context.Context, hash string) (t auth.Token, err error) {
	defer i.observe("TokenByHash", time.Now(), &err)
	return i.s.TokenByHash(ctx, hash)
}

func (i *instrumented) Tokens(ctx context.Context) (ts []auth.Token, err error) {
	defer i.observe("Tokens", time.Now(), &err)
	return i.s.Tokens(ctx)
}

func (i *instrumented) RevokeToken(ctx context.Context, id string, at time.Time) (err error) {
	defer i.observe("RevokeToken", time.Now(), &err)
	return i.s.RevokeToken(ctx, id, at)
}

func (i *instrumented) Ping(ctx context.Context) (err error) {
	defer i.observe("Ping", time.Now(), &err)
	return i.s.Ping(ctx)
}

func (i *instrumented) Close() error { return i.s.Close() }
