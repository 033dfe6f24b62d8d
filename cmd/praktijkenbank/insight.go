package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/follow"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// currentPlan is the action plan with the regional actions as the bank
// knows them now.
func (a *app) currentPlan() *actionplan.Plan {
	if a.bank != nil {
		return a.bank.Plan()
	}
	return a.plan
}

// loadInsight loads the analytical view from the store; the follower
// (followStore) keeps it current with the store's changes.
func (a *app) loadInsight(ctx context.Context) error {
	started := time.Now()
	if err := a.insight.Load(ctx, a.store); err != nil {
		return fmt.Errorf("analyse laden: %w", err)
	}
	a.log.Info("insight loaded from the store", "practices", a.insight.Len(), "took", time.Since(started).Round(time.Millisecond))
	return nil
}

// followStore keeps the search index, the analytical view and the regional
// actions current with the store (other replicas' writes) until ctx is done:
// one follower, by the change stream where the store has one and by polling.
func (a *app) followStore(ctx context.Context, dataDir string) {
	f := &follow.Follower{
		Source:  a.store,
		DataDir: dataDir,
		Index:   a.index,
		Views:   []func(context.Context) error{func(ctx context.Context) error { return a.insight.CatchUp(ctx, a.store) }},
		Other:   []func(context.Context) error{a.bank.RefreshPlan},
		Every:   followEvery,
		Log:     a.log,
	}
	if w, ok := a.raw.(store.Watcher); ok {
		f.Watcher = w
		if db, ok := a.raw.(interface{ Database() string }); ok {
			f.Stream = "mongodb database " + db.Database()
		}
	}
	f.Run(ctx)
}
