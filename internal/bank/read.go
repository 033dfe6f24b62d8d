package bank

import (
	"context"
	"errors"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// MaxFirst caps every page size; DefaultFirst is used when none is asked.
const (
	MaxFirst     = 100
	DefaultFirst = 20
)

// PageSize validates a requested page size: nil gives DefaultFirst, and
// anything outside 1..MaxFirst is refused.
func PageSize(first *int) (int, error) {
	if first == nil {
		return DefaultFirst, nil
	}
	if *first < 1 || *first > MaxFirst {
		return 0, refusal.New(ErrInvalid, "first not in 1-%d", "first moet tussen 1 en %d liggen", MaxFirst)
	}
	return *first, nil
}

// Practice returns one practice (withdrawn ones too); ok is false when unknown.
func (b *Bank) Practice(ctx context.Context, id string) (practice.Practice, bool, error) {
	p, err := b.store.Practice(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return practice.Practice{}, false, nil
	}
	return p, err == nil, err
}

// PracticeByRef returns the practice of a region with the given ref.
func (b *Bank) PracticeByRef(ctx context.Context, region, ref string) (practice.Practice, bool, error) {
	return b.Practice(ctx, practice.ID(region, ref))
}

// Practices returns practices by id in order; unknown ids give a zero Practice.
func (b *Bank) Practices(ctx context.Context, ids []string) ([]practice.Practice, error) {
	return b.store.Practices(ctx, ids)
}

// Inventory returns one recorded submission; ok is false when unknown.
func (b *Bank) Inventory(ctx context.Context, id string) (practice.Inventory, bool, error) {
	inv, err := b.store.Inventory(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return practice.Inventory{}, false, nil
	}
	return inv, err == nil, err
}

// Inventories returns a page of submissions, newest first, and whether more follow.
func (b *Bank) Inventories(ctx context.Context, region string, first int, before string) ([]practice.Inventory, bool, error) {
	if region != "" {
		if _, ok := b.base.Region(region); !ok {
			return nil, false, refusal.New(ErrInvalid, "unknown region %q", "onbekende regio %q", region)
		}
	}
	invs, err := b.store.Inventories(ctx, store.InventoryQuery{Region: region, Before: before, Limit: first + 1})
	if err != nil {
		return nil, false, err
	}
	more := len(invs) > first
	if more {
		invs = invs[:first]
	}
	return invs, more, nil
}

// RegionPractices returns a page of a region's live practices ordered by id,
// after the given id, and whether more follow.
func (b *Bank) RegionPractices(ctx context.Context, region, after string, first int) ([]practice.Practice, bool, error) {
	if _, ok := b.base.Region(region); !ok {
		return nil, false, refusal.New(ErrInvalid, "unknown region %q", "onbekende regio %q", region)
	}
	if first < 1 || first > MaxFirst {
		return nil, false, refusal.New(ErrInvalid, "first not in 1-%d", "first moet tussen 1 en %d liggen", MaxFirst)
	}
	ps, err := b.store.ListPractices(ctx, store.PracticeQuery{Region: region, After: after, Limit: first + 1})
	if err != nil {
		return nil, false, err
	}
	more := len(ps) > first
	if more {
		ps = ps[:first]
	}
	return ps, more, nil
}
