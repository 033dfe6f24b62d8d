package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

// currentPlan is the action plan with the regional actions as the bank
// knows them now.
func (a *app) currentPlan() *actionplan.Plan {
	if a.bank != nil {
		return a.bank.Plan()
	}
	return a.plan
}

// startInsight loads the analytical view from the store and keeps it
// current with the store's changes (other replicas' writes) until ctx is
// done; wait returns when it has stopped.
func (a *app) startInsight(ctx context.Context) (wait func(), err error) {
	started := time.Now()
	if err := a.insight.Load(ctx, a.store); err != nil {
		return nil, fmt.Errorf("analyse laden: %w", err)
	}
	a.log.Info("insight loaded from the store", "practices", a.insight.Len(), "took", time.Since(started).Round(time.Millisecond))
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.insight.Follow(ctx, a.store, followEvery)
	}()
	return func() { <-done }, nil
}
