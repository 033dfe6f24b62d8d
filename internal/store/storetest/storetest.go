// Package storetest is the conformance suite every store.Store runs (in the
// manner of dexidp/dex storage/conformance): Run gives each subtest a fresh
// store from the open function and checks the behaviour the contract in
// package store promises, plus the choices below where the contract is silent.
// Both the embedded bbolt store and the MongoDB store must pass it unchanged.
//
// Choices the suite makes, which every store follows:
//
//   - Times: the suite only uses times with millisecond precision (MongoDB
//     keeps milliseconds) and compares them with time.Time.Equal, so a store
//     may hand times back in any location.
//   - Lists: an empty list and a nil list are the same; a store may return
//     either, and callers use len. Pointers are kept as they are: a nil year or
//     contact stays nil, a set one comes back set.
//   - Submit: the practices' CreatedAt/UpdatedAt (the "now" given to
//     practice.Apply) is the submission's Inventory.SubmittedAt; a zero
//     SubmittedAt is filled in with the current time. The returned inventory
//     has Created/Updated/Unchanged and PracticeIDs (submission order) filled
//     in and is what Inventory(id) returns afterwards. A duplicate ref within
//     a submission, or an inventory id that already exists, is rejected with
//     an error wrapping store.ErrConflict, and nothing is written.
//   - Seq: every write that changes a practice (a Created or Updated outcome,
//     Withdraw, and EraseContact when it changes the practice itself) gives it
//     a new Seq, so the change feed sees it. Seqs are unique store-wide and
//     increase with each write; LastSeq equals the highest Seq a practice
//     holds (0 for an empty store). Gaps are allowed.
//   - History: versions run 1..n without gaps, oldest first, and the newest
//     revision is always practice.RevisionOf(the current practice).
//   - Withdraw: the practice gets Version+1, Withdrawn = the withdrawal, and
//     UpdatedAt = the withdrawal's At; its content and Inventory are kept; the
//     new revision carries the withdrawal.
//   - EraseContact: removes Email and Phone from the practice and every
//     revision, keeps Organisation and Website (a contact left with nothing
//     becomes nil), recomputes Hash (practice.ContentHash) of the practice and
//     of every revision, and keeps Version and UpdatedAt. A later submission
//     with the email in it again is therefore an Updated practice.
//   - Limits: a Limit (or ChangedSince limit) of 0 or less means no limit.
//   - Inventories are ordered by id, newest (greatest) first; callers make ids
//     with store.NewInventoryID so id order is time order.
//   - Tokens are ordered by CreatedAt, then id.
//   - PutRegionalAction rejects an action without ID or Region with an error.
//   - Context: a method called with a cancelled context returns an error
//     wrapping context.Canceled and changes nothing; ScanPractices checks the
//     context between practices.
//   - Close: Run closes the store at the end of each subtest (cleanups the
//     open function registers with t.Cleanup run after that); Ping after Close
//     returns an error wrapping store.ErrUnavailable.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

type subtest struct {
	name string
	run  func(t *testing.T, s store.Store)
	// closes says the subtest closes the store itself, so the invariant check
	// afterwards is skipped.
	closes bool
}

// Run runs the conformance suite. open must return a new, empty store for
// every call; the suite closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	groups := [][]subtest{
		submitTests, readTests, lifecycleTests, inventoryTests,
		actionTests, tokenTests, contextTests, miscTests,
	}
	for _, g := range groups {
		for _, st := range g {
			t.Run(st.name, func(t *testing.T) {
				s := open(t)
				t.Cleanup(func() { _ = s.Close() })
				st.run(t, s)
				if !st.closes && !t.Failed() {
					checkInvariants(t, s)
				}
			})
		}
	}
}

// ---- fixtures ----

// t0 is the suite's epoch: millisecond precision with a non-zero millisecond.
var t0 = time.Date(2024, 3, 1, 9, 30, 0, 123_000_000, time.UTC)

// at returns t0 plus n minutes.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

var ctx = context.Background()

func intp(n int) *int { return &n }

// content is a small valid v1 content.
func content(title string) practice.Content {
	return practice.Content{
		Title:        title,
		Summary:      "Samenvatting van " + title,
		Krachtlijnen: []string{"NABIJHEID"},
		Language:     "nl",
	}
}

func input(ref, title string) practice.PracticeInput {
	return practice.PracticeInput{Ref: ref, Content: content(title)}
}

// inputs returns n inputs with refs prefix-000, prefix-001, ...
func inputs(prefix string, n int) []practice.PracticeInput {
	out := make([]practice.PracticeInput, n)
	for i := range out {
		out[i] = input(fmt.Sprintf("%s-%03d", prefix, i), fmt.Sprintf("Praktijk %s %d", prefix, i))
	}
	return out
}

// submission builds a submission of region at time when; its inventory id is
// made with store.NewInventoryID(when).
func submission(region string, when time.Time, ins ...practice.PracticeInput) store.Submission {
	return store.Submission{
		Inventory: practice.Inventory{
			ID:          store.NewInventoryID(when),
			Region:      region,
			Title:       "Inventaris " + region,
			SubmittedBy: "Regionaal platform " + region,
			Period:      &practice.Period{From: "2023-09-01", To: "2024-06-30"},
			Principal:   "storetest",
			Source:      "graphql",
			SubmittedAt: when,
		},
		Practices: ins,
	}
}

func mustSubmit(t *testing.T, s store.Store, sub store.Submission) practice.Inventory {
	t.Helper()
	return mustSubmitted(t, s, sub).Inventory
}

func mustSubmitted(t *testing.T, s store.Store, sub store.Submission) store.Submitted {
	t.Helper()
	res, err := s.Submit(ctx, sub)
	if err != nil {
		t.Fatalf("Submit(%s, %d practices): %v", sub.Inventory.Region, len(sub.Practices), err)
	}
	return res
}

func mustPractice(t *testing.T, s store.Store, id string) practice.Practice {
	t.Helper()
	p, err := s.Practice(ctx, id)
	if err != nil {
		t.Fatalf("Practice(%s): %v", id, err)
	}
	return p
}

func mustHistory(t *testing.T, s store.Store, id string) []practice.Revision {
	t.Helper()
	h, err := s.History(ctx, id)
	if err != nil {
		t.Fatalf("History(%s): %v", id, err)
	}
	return h
}

func mustLastSeq(t *testing.T, s store.Store) uint64 {
	t.Helper()
	n, err := s.LastSeq(ctx)
	if err != nil {
		t.Fatalf("LastSeq: %v", err)
	}
	return n
}

func mustList(t *testing.T, s store.Store, q store.PracticeQuery) []practice.Practice {
	t.Helper()
	ps, err := s.ListPractices(ctx, q)
	if err != nil {
		t.Fatalf("ListPractices(%+v): %v", q, err)
	}
	return ps
}

func mustScan(t *testing.T, s store.Store) []practice.Practice {
	t.Helper()
	var ps []practice.Practice
	if err := s.ScanPractices(ctx, func(p practice.Practice) error { ps = append(ps, p); return nil }); err != nil {
		t.Fatalf("ScanPractices: %v", err)
	}
	return ps
}

func mustChanged(t *testing.T, s store.Store, seq uint64, limit int) []practice.Practice {
	t.Helper()
	ps, err := s.ChangedSince(ctx, seq, limit)
	if err != nil {
		t.Fatalf("ChangedSince(%d, %d): %v", seq, limit, err)
	}
	return ps
}

func ids(ps []practice.Practice) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func invIDs(is []practice.Inventory) []string {
	out := make([]string, len(is))
	for i, inv := range is {
		out[i] = inv.ID
	}
	return out
}

// ---- assertions ----

// wantErr fails unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got no error, want one wrapping %q", what, target)
		return
	}
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %q, want one wrapping %q", what, err, target)
	}
}

func equalStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// equal compares got and want after normalising them the way the suite
// allows: times by instant (Equal), empty lists as nil. It reports the paths
// of the fields that differ.
func equal(t *testing.T, what string, got, want any) bool {
	t.Helper()
	var diffs []string
	diff("", reflect.ValueOf(got), reflect.ValueOf(want), &diffs)
	if len(diffs) == 0 {
		return true
	}
	if len(diffs) > 12 {
		diffs = append(diffs[:12], fmt.Sprintf("... and %d more", len(diffs)-12))
	}
	t.Errorf("%s differs:\n  %s", what, strings.Join(diffs, "\n  "))
	return false
}

var timeType = reflect.TypeFor[time.Time]()

func diff(path string, a, b reflect.Value, out *[]string) {
	if !a.IsValid() || !b.IsValid() {
		if a.IsValid() != b.IsValid() {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", orRoot(path), a, b))
		}
		return
	}
	if a.Type() != b.Type() {
		*out = append(*out, fmt.Sprintf("%s: type %s vs %s", orRoot(path), a.Type(), b.Type()))
		return
	}
	if a.Type() == timeType {
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		if !ta.Equal(tb) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", orRoot(path), ta.Format(time.RFC3339Nano), tb.Format(time.RFC3339Nano)))
		}
		return
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: got %s, want %s", orRoot(path), show(a), show(b)))
			}
			return
		}
		diff(path, a.Elem(), b.Elem(), out)
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			p := f.Name
			if !f.Anonymous {
				p = join(path, f.Name)
			} else {
				p = path
			}
			diff(p, a.Field(i), b.Field(i), out)
		}
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			*out = append(*out, fmt.Sprintf("%s: got %d items %s, want %d items %s", orRoot(path), a.Len(), show(a), b.Len(), show(b)))
			return
		}
		for i := range a.Len() {
			diff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i), out)
		}
	case reflect.Map:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", orRoot(path), a, b))
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", orRoot(path), show(a), show(b)))
		}
	}
}

func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		return "&" + show(v.Elem())
	}
	if v.Kind() == reflect.Pointer {
		return "nil"
	}
	if v.Kind() == reflect.String {
		return fmt.Sprintf("%q", v.String())
	}
	s := fmt.Sprintf("%+v", v.Interface())
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func orRoot(path string) string {
	if path == "" {
		return "(value)"
	}
	return path
}

// checkInvariants checks what must hold after any sequence of calls: ids and
// hashes derive from the content, seqs are unique and LastSeq is the highest,
// the change feed holds every practice once, and history ends in the current
// state.
func checkInvariants(t *testing.T, s store.Store) {
	t.Helper()
	all := mustScan(t, s)
	seqs := map[uint64]string{}
	var maxSeq uint64
	for _, p := range all {
		if want := practice.ID(p.Region, p.Ref); p.ID != want {
			t.Errorf("invariant: practice %s: id is not practice.ID(%q, %q) = %s", p.ID, p.Region, p.Ref, want)
		}
		if want := practice.ContentHash(p.Content); p.Hash != want {
			t.Errorf("invariant: practice %s: Hash %s is not ContentHash(Content) %s", p.ID, p.Hash, want)
		}
		if p.Seq == 0 {
			t.Errorf("invariant: practice %s has Seq 0", p.ID)
		}
		if other, dup := seqs[p.Seq]; dup {
			t.Errorf("invariant: practices %s and %s share Seq %d", other, p.ID, p.Seq)
		}
		seqs[p.Seq] = p.ID
		maxSeq = max(maxSeq, p.Seq)

		h := mustHistory(t, s, p.ID)
		for i, r := range h {
			if r.Version != i+1 || r.PracticeID != p.ID {
				t.Errorf("invariant: practice %s: history[%d] is %s v%d, want %s v%d", p.ID, i, r.PracticeID, r.Version, p.ID, i+1)
			}
			if want := practice.ContentHash(r.Content); r.Hash != want {
				t.Errorf("invariant: practice %s: history[%d].Hash is not ContentHash(Content)", p.ID, i)
			}
		}
		if len(h) > 0 {
			equal(t, "invariant: newest revision of "+p.ID+" vs RevisionOf(practice)", h[len(h)-1], practice.RevisionOf(p))
		} else {
			t.Errorf("invariant: practice %s has no history", p.ID)
		}
	}
	if last := mustLastSeq(t, s); last != maxSeq {
		t.Errorf("invariant: LastSeq = %d, want the highest Seq held, %d", last, maxSeq)
	}
	feed := mustChanged(t, s, 0, 0)
	if len(feed) != len(all) {
		t.Errorf("invariant: ChangedSince(0, 0) has %d practices, the store %d", len(feed), len(all))
	}
	for i := 1; i < len(feed); i++ {
		if feed[i].Seq <= feed[i-1].Seq {
			t.Errorf("invariant: ChangedSince(0, 0) not in Seq order at %d: %d after %d", i, feed[i].Seq, feed[i-1].Seq)
			break
		}
	}
}
