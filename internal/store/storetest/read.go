package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var readTests = []subtest{
	{name: "Practice/NotFound", run: testPracticeNotFound},
	{name: "Practices/OrderAndUnknown", run: testPracticesOrder},
	{name: "ListPractices/Queries", run: testListPractices},
	{name: "ListPractices/PagesThrough", run: testListPages},
	{name: "ScanPractices/OrderAndStop", run: testScan},
	{name: "ScanPractices/Many", run: testScanMany},
	{name: "ChangedSince/Feed", run: testChangedSince},
	{name: "ChangedSince/FollowTheFeed", run: testFollowFeed},
}

func testPracticeNotFound(t *testing.T, s store.Store) {
	_, err := s.Practice(ctx, practice.ID("limburg", "bestaat-niet"))
	wantErr(t, "Practice(unknown) on an empty store", err, store.ErrNotFound)
	mustSubmit(t, s, submission("limburg", at(1), input("er-wel", "Bestaat wel")))
	_, err = s.Practice(ctx, practice.ID("limburg", "bestaat-niet"))
	wantErr(t, "Practice(unknown)", err, store.ErrNotFound)
	_, err = s.Practice(ctx, "")
	wantErr(t, `Practice("")`, err, store.ErrNotFound)
	_, err = s.History(ctx, practice.ID("limburg", "bestaat-niet"))
	wantErr(t, "History(unknown)", err, store.ErrNotFound)
}

func testPracticesOrder(t *testing.T, s store.Store) {
	inv := mustSubmit(t, s, submission("brussel", at(1), inputs("bxl", 4)...))
	a, b, c := inv.PracticeIDs[0], inv.PracticeIDs[1], inv.PracticeIDs[3]
	unknown := practice.ID("brussel", "onbekend")
	tests := []struct {
		name string
		ids  []string
	}{
		{"none", nil},
		{"empty", []string{}},
		{"one", []string{b}},
		{"given order, not id order", []string{c, a, b}},
		{"unknown in the middle", []string{c, unknown, a}},
		{"only unknown", []string{unknown, ""}},
		{"duplicates", []string{a, a, b, a}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Practices(ctx, tt.ids)
			if err != nil {
				t.Fatalf("Practices(%q): %v", tt.ids, err)
			}
			if len(got) != len(tt.ids) {
				t.Fatalf("Practices(%q) gave %d practices, want %d", tt.ids, len(got), len(tt.ids))
			}
			for i, id := range tt.ids {
				if id == unknown || id == "" {
					equal(t, fmt.Sprintf("[%d] unknown id", i), got[i], practice.Practice{})
					continue
				}
				equal(t, fmt.Sprintf("[%d]", i), got[i], mustPractice(t, s, id))
			}
		})
	}
}

// seedRegions submits practices in three regions and withdraws one in each.
// It returns every id, ordered by id, and the ids of the withdrawn ones.
func seedRegions(t *testing.T, s store.Store) (all []string, regionOf map[string]string, withdrawn map[string]bool) {
	t.Helper()
	regionOf, withdrawn = map[string]string{}, map[string]bool{}
	for i, region := range []string{"antwerpen", "limburg", "brussel"} {
		inv := mustSubmit(t, s, submission(region, at(i), inputs(region, 4)...))
		for _, id := range inv.PracticeIDs {
			all = append(all, id)
			regionOf[id] = region
		}
		w := inv.PracticeIDs[1]
		if _, err := s.Withdraw(ctx, w, practice.Withdrawal{At: at(10 + i), By: "admin", Reason: "dubbel"}); err != nil {
			t.Fatalf("Withdraw(%s): %v", w, err)
		}
		withdrawn[w] = true
	}
	slices.Sort(all)
	return all, regionOf, withdrawn
}

func testListPractices(t *testing.T, s store.Store) {
	all, regionOf, withdrawn := seedRegions(t, s)
	pick := func(keep func(id string) bool) []string {
		var out []string
		for _, id := range all {
			if keep(id) {
				out = append(out, id)
			}
		}
		return out
	}
	live := pick(func(id string) bool { return !withdrawn[id] })
	limburgLive := pick(func(id string) bool { return !withdrawn[id] && regionOf[id] == "limburg" })
	limburgAll := pick(func(id string) bool { return regionOf[id] == "limburg" })
	after := func(ids []string, cursor string) []string {
		var out []string
		for _, id := range ids {
			if id > cursor {
				out = append(out, id)
			}
		}
		return out
	}

	tests := []struct {
		name string
		q    store.PracticeQuery
		want []string
	}{
		{"live, every region", store.PracticeQuery{}, live},
		{"with withdrawn", store.PracticeQuery{IncludeWithdrawn: true}, all},
		{"one region", store.PracticeQuery{Region: "limburg"}, limburgLive},
		{"one region with withdrawn", store.PracticeQuery{Region: "limburg", IncludeWithdrawn: true}, limburgAll},
		{"region without practices", store.PracticeQuery{Region: "west-vlaanderen"}, nil},
		{"limit", store.PracticeQuery{Limit: 3}, live[:3]},
		{"limit larger than the set", store.PracticeQuery{Limit: 100}, live},
		{"negative limit means none", store.PracticeQuery{Limit: -1}, live},
		{"after a live id", store.PracticeQuery{After: live[2]}, live[3:]},
		{"after a withdrawn id", store.PracticeQuery{After: pick(func(id string) bool { return withdrawn[id] })[0]}, after(live, pick(func(id string) bool { return withdrawn[id] })[0])},
		{"after an id that does not exist", store.PracticeQuery{After: "pr_5"}, after(live, "pr_5")},
		{"after and limit", store.PracticeQuery{After: live[1], Limit: 2}, live[2:4]},
		{"after the last", store.PracticeQuery{After: all[len(all)-1]}, nil},
		{"region, after and limit with withdrawn", store.PracticeQuery{Region: "limburg", IncludeWithdrawn: true, After: limburgAll[0], Limit: 2}, limburgAll[1:3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustList(t, s, tt.q)
			equalStrings(t, fmt.Sprintf("ListPractices(%+v)", tt.q), ids(got), tt.want)
			for _, p := range got {
				if !tt.q.IncludeWithdrawn && !p.Live() {
					t.Errorf("withdrawn practice %s listed", p.ID)
				}
			}
		})
	}
}

func testListPages(t *testing.T, s store.Store) {
	all, _, _ := seedRegions(t, s)
	for _, size := range []int{1, 2, 5, 11, 12, 13} {
		t.Run(fmt.Sprintf("pages of %d", size), func(t *testing.T) {
			var got []string
			q := store.PracticeQuery{IncludeWithdrawn: true, Limit: size}
			for range len(all) + 2 {
				page := mustList(t, s, q)
				if len(page) > size {
					t.Fatalf("page of %d practices, limit %d", len(page), size)
				}
				if len(page) == 0 {
					break
				}
				got = append(got, ids(page)...)
				q.After = page[len(page)-1].ID
			}
			equalStrings(t, "every page together", got, all)
		})
	}
}

func testScan(t *testing.T, s store.Store) {
	calls := 0
	if err := s.ScanPractices(ctx, func(practice.Practice) error { calls++; return nil }); err != nil || calls != 0 {
		t.Errorf("ScanPractices on an empty store: %d calls, %v; want 0, nil", calls, err)
	}

	all, _, withdrawn := seedRegions(t, s)
	scanned := mustScan(t, s)
	equalStrings(t, "ScanPractices order (by id, withdrawn included)", ids(scanned), all)
	for _, p := range scanned {
		equal(t, "scanned "+p.ID, p, mustPractice(t, s, p.ID))
		if withdrawn[p.ID] == p.Live() {
			t.Errorf("practice %s: Live() = %v, withdrawn %v", p.ID, p.Live(), withdrawn[p.ID])
		}
	}

	errStop := errors.New("genoeg")
	for _, stopAt := range []int{1, 2, len(all)} {
		t.Run(fmt.Sprintf("error at call %d", stopAt), func(t *testing.T) {
			calls := 0
			err := s.ScanPractices(ctx, func(practice.Practice) error {
				calls++
				if calls == stopAt {
					return fmt.Errorf("gestopt: %w", errStop)
				}
				return nil
			})
			if !errors.Is(err, errStop) {
				t.Errorf("ScanPractices returned %v, want the error of fn", err)
			}
			if calls != stopAt {
				t.Errorf("fn called %d times, want %d (the scan stops at the first error)", calls, stopAt)
			}
		})
	}
}

func testChangedSince(t *testing.T, s store.Store) {
	if got := mustChanged(t, s, 0, 10); len(got) != 0 {
		t.Errorf("ChangedSince on an empty store = %v", ids(got))
	}
	inv1 := mustSubmit(t, s, submission("limburg", at(1), inputs("l", 4)...))
	seq1 := mustLastSeq(t, s)
	inv2 := mustSubmit(t, s, submission("antwerpen", at(2), inputs("a", 3)...))
	// l-001 changes again: it moves to the end of the feed, once.
	re := inputs("l", 4)
	re[1].Summary = "Tweede versie."
	mustSubmit(t, s, submission("limburg", at(3), re...))
	withdrawnP, err := s.Withdraw(ctx, inv2.PracticeIDs[0], practice.Withdrawal{At: at(4), By: "admin", Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	last := mustLastSeq(t, s)
	if withdrawnP.Seq != last {
		t.Errorf("withdrawn practice Seq %d, want the last Seq %d", withdrawnP.Seq, last)
	}

	l, a := inv1.PracticeIDs, inv2.PracticeIDs
	order := []string{l[0], l[2], l[3], a[1], a[2], l[1], a[0]}
	tests := []struct {
		name  string
		seq   uint64
		limit int
		want  []string
	}{
		{"everything", 0, 0, order},
		{"everything, limit larger", 0, 100, order},
		{"negative limit means none", 0, -5, order},
		{"limit", 0, 3, order[:3]},
		{"since the first submission", seq1, 0, order[3:]},
		{"since the first submission, limit", seq1, 2, order[3:5]},
		{"since the last", last, 0, nil},
		{"since beyond the last", last + 100, 0, nil},
		{"only the last", last - 1, 0, order[6:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustChanged(t, s, tt.seq, tt.limit)
			equalStrings(t, fmt.Sprintf("ChangedSince(%d, %d)", tt.seq, tt.limit), ids(got), tt.want)
			for i, p := range got {
				if p.Seq <= tt.seq {
					t.Errorf("[%d] %s has Seq %d, not > %d", i, p.ID, p.Seq, tt.seq)
				}
				if i > 0 && p.Seq <= got[i-1].Seq {
					t.Errorf("[%d] Seq %d after %d: not in Seq order", i, p.Seq, got[i-1].Seq)
				}
				equal(t, "ChangedSince practice "+p.ID, p, mustPractice(t, s, p.ID))
			}
		})
	}
}

// testFollowFeed follows the feed as the search index does: pages of a
// fixed size from the last Seq it has seen, until it has caught up.
func testFollowFeed(t *testing.T, s store.Store) {
	seen := map[string]practice.Practice{}
	var cursor uint64
	follow := func() {
		for range 1000 {
			page := mustChanged(t, s, cursor, 3)
			if len(page) == 0 {
				return
			}
			for _, p := range page {
				seen[p.ID] = p
				cursor = p.Seq
			}
		}
		t.Fatal("the feed does not end")
	}
	mustSubmit(t, s, submission("limburg", at(1), inputs("l", 7)...))
	follow()
	re := inputs("l", 8)
	re[6].Title = "Gewijzigd"
	mustSubmit(t, s, submission("limburg", at(2), re...))
	if _, err := s.Withdraw(ctx, practice.ID("limburg", "l-000"), practice.Withdrawal{At: at(3), By: "admin"}); err != nil {
		t.Fatal(err)
	}
	follow()
	if cursor != mustLastSeq(t, s) {
		t.Errorf("follower at Seq %d, LastSeq %d", cursor, mustLastSeq(t, s))
	}
	equal(t, "what the follower saw vs the store", len(seen), 8)
	for _, p := range mustScan(t, s) {
		equal(t, "follower's copy of "+p.ID, seen[p.ID], p)
	}
}

// testScanMany scans more practices than a store is likely to read in one
// batch, and writes to the store from fn while scanning.
func testScanMany(t *testing.T, s store.Store) {
	const n = 1100
	var want []string
	for _, region := range []string{"antwerpen", "brussel"} {
		inv := mustSubmit(t, s, submission(region, at(len(want)), inputs(region, n/2)...))
		want = append(want, inv.PracticeIDs...)
	}
	slices.Sort(want)
	var got []string
	err := s.ScanPractices(ctx, func(p practice.Practice) error {
		got = append(got, p.ID)
		if len(got)%250 == 0 { // the index writes back while it scans, e.g. to withdraw
			if _, err := s.Withdraw(ctx, p.ID, practice.Withdrawal{At: at(99), By: "scan"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ScanPractices: %v", err)
	}
	equalStrings(t, "ScanPractices over many practices", got, want)
	if live := mustList(t, s, store.PracticeQuery{}); len(live) != n-n/250 {
		t.Errorf("ListPractices: %d live, want %d", len(live), n-n/250)
	}
}
