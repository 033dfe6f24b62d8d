package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var inventoryTests = []subtest{
	{name: "Inventory/NotFound", run: testInventoryNotFound},
	{name: "Inventories/Queries", run: testInventories},
	{name: "Inventories/PagesThrough", run: testInventoryPages},
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func sortedIDs(region string, refs ...string) []string {
	var out []string
	for _, r := range refs {
		out = append(out, practice.ID(region, r))
	}
	slices.Sort(out)
	return out
}

func testInventoryNotFound(t *testing.T, s store.Store) {
	_, err := s.Inventory(ctx, store.NewInventoryID(at(1)))
	wantErr(t, "Inventory(unknown)", err, store.ErrNotFound)
	if invs, err := s.Inventories(ctx, store.InventoryQuery{}); err != nil || len(invs) != 0 {
		t.Errorf("Inventories on an empty store = %v, %v", invIDs(invs), err)
	}
}

// seedInventories submits seven inventories, alternating regions, at
// increasing times, and returns them newest first.
func seedInventories(t *testing.T, s store.Store) []practice.Inventory {
	t.Helper()
	regions := []string{"limburg", "brussel", "limburg", "antwerpen", "limburg", "brussel", "limburg"}
	var out []practice.Inventory
	for i, region := range regions {
		sub := submission(region, at(i), input(fmt.Sprintf("r-%d", i), fmt.Sprintf("Praktijk %d", i)))
		sub.Inventory.Title = fmt.Sprintf("Inventaris %d", i)
		out = append(out, mustSubmit(t, s, sub))
	}
	slices.Reverse(out)
	return out
}

func testInventories(t *testing.T, s store.Store) {
	newest := seedInventories(t, s)
	all := invIDs(newest)
	region := func(r string) []string {
		var out []string
		for _, inv := range newest {
			if inv.Region == r {
				out = append(out, inv.ID)
			}
		}
		return out
	}
	limburg := region("limburg")
	tests := []struct {
		name string
		q    store.InventoryQuery
		want []string
	}{
		{"all, newest first", store.InventoryQuery{}, all},
		{"limit", store.InventoryQuery{Limit: 2}, all[:2]},
		{"negative limit means none", store.InventoryQuery{Limit: -1}, all},
		{"before", store.InventoryQuery{Before: all[2]}, all[3:]},
		{"before and limit", store.InventoryQuery{Before: all[1], Limit: 3}, all[2:5]},
		{"before the oldest", store.InventoryQuery{Before: all[len(all)-1]}, nil},
		{"before an id that does not exist", store.InventoryQuery{Before: store.NewInventoryID(at(3).Add(30e9))}, all[3:]},
		{"region", store.InventoryQuery{Region: "limburg"}, limburg},
		{"region without inventories", store.InventoryQuery{Region: "west-vlaanderen"}, nil},
		{"region, before and limit", store.InventoryQuery{Region: "limburg", Before: limburg[0], Limit: 2}, limburg[1:3]},
		{"region, before another region's id", store.InventoryQuery{Region: "brussel", Before: all[0]}, region("brussel")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Inventories(ctx, tt.q)
			if err != nil {
				t.Fatalf("Inventories(%+v): %v", tt.q, err)
			}
			equalStrings(t, fmt.Sprintf("Inventories(%+v)", tt.q), invIDs(got), tt.want)
		})
	}
	got, err := s.Inventories(ctx, store.InventoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "inventory records", got, newest)
	for _, inv := range newest {
		one, err := s.Inventory(ctx, inv.ID)
		if err != nil {
			t.Fatalf("Inventory(%s): %v", inv.ID, err)
		}
		equal(t, "Inventory("+inv.ID+")", one, inv)
	}
}

func testInventoryPages(t *testing.T, s store.Store) {
	newest := seedInventories(t, s)
	for _, size := range []int{1, 2, 3, 7, 8} {
		t.Run(fmt.Sprintf("pages of %d", size), func(t *testing.T) {
			var got []string
			q := store.InventoryQuery{Limit: size}
			for range len(newest) + 2 {
				page, err := s.Inventories(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				if len(page) > size {
					t.Fatalf("page of %d, limit %d", len(page), size)
				}
				got = append(got, invIDs(page)...)
				q.Before = page[len(page)-1].ID
			}
			equalStrings(t, "every page together", got, invIDs(newest))
		})
	}
}
