package bank

import (
	"context"
	"errors"
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// demoRemovedReason is the reason recorded on each demo practice that is removed.
const demoRemovedReason = "Voorbeeldpraktijk verwijderd: de Praktijkenbank heeft nu echte praktijken."

// demoRemover is the principal recorded on the removal of demo practices.
var demoRemover = &auth.Principal{Role: auth.RoleAdmin, Label: "Praktijkenbank"}

// RemoveDemo takes every live practice of the demo inventory out of search,
// lists and analyses, and returns how many it removed. It is what happens
// by itself when the first real inventory arrives, and what `praktijkenbank
// demo remove` does (admin only).
//
// A removal is a withdrawal with a reason, not an erasure: it reaches every
// replica's index and analytical view through the store's change feed, and
// a real practice that later takes a demo practice's place (same region and
// ref) is a new version of it, as any resubmission.
func (b *Bank) RemoveDemo(ctx context.Context, who *auth.Principal) (int, error) {
	if err := auth.RequireAdmin(who); err != nil {
		return 0, err
	}
	ids, _, err := b.demoPractices(ctx)
	if err != nil {
		return 0, err
	}
	return b.removeDemo(ctx, who, ids)
}

// SettleDemo removes the demo practices of a store that already holds a
// real inventory (one submitted before this rule existed, or while the
// removal failed). The server calls it at start.
func (b *Bank) SettleDemo(ctx context.Context) (int, error) {
	ids, hasReal, err := b.demoPractices(ctx)
	if err != nil || !hasReal {
		return 0, err
	}
	return b.removeDemo(ctx, demoRemover, ids)
}

func (b *Bank) removeDemo(ctx context.Context, who *auth.Principal, ids []string) (int, error) {
	removed := make([]string, 0, len(ids))
	for _, id := range ids {
		_, err := b.store.Withdraw(ctx, id, practice.Withdrawal{At: b.stamp(), By: demoRemover.Name(), Reason: demoRemovedReason})
		switch {
		case err == nil:
			removed = append(removed, id)
		case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrNotFound): // withdrawn meanwhile
		default:
			b.reindex(ctx, removed)
			return len(removed), fmt.Errorf("remove demo practice %s: %w", id, err)
		}
	}
	b.reindex(ctx, removed)
	b.demoGone.Store(true)
	if len(removed) > 0 {
		b.log.InfoContext(ctx, "demo practices removed", "practices", len(removed), "by", who.Name())
	}
	return len(removed), nil
}

// demoPractices returns the ids of the live practices that are still the
// demo inventory's, and whether a real inventory was ever submitted. The
// demo inventories name them; the inventories are few (one per
// submission), so reading them all is cheap.
func (b *Bank) demoPractices(ctx context.Context) (ids []string, hasReal bool, err error) {
	invs, err := b.store.Inventories(ctx, store.InventoryQuery{})
	if err != nil {
		return nil, false, fmt.Errorf("read the inventories: %w", err)
	}
	seen := map[string]bool{}
	for _, inv := range invs {
		if !inv.Demo {
			hasReal = true
			continue
		}
		for _, id := range inv.PracticeIDs {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, hasReal, nil
	}
	ps, err := b.store.Practices(ctx, ids)
	if err != nil {
		return nil, hasReal, fmt.Errorf("read the demo practices: %w", err)
	}
	out := ids[:0]
	for _, p := range ps {
		if p.ID != "" && p.Live() && p.Demo { // a real resubmission made it real
			out = append(out, p.ID)
		}
	}
	return out, hasReal, nil
}

// afterRealSubmission removes the demo practices once real practices have
// arrived. Once none is left, later submissions skip the look. A failure is
// logged and tried again at the next submission: the real inventory is
// already safe, and demo practices do not count in any analysis meanwhile.
func (b *Bank) afterRealSubmission(ctx context.Context) {
	if b.demoGone.Load() {
		return
	}
	if n, err := b.RemoveDemo(ctx, demoRemover); err != nil {
		b.log.WarnContext(ctx, "demo practices not removed after the first real inventory; tried again at the next", "removed", n, "err", err)
	}
}
