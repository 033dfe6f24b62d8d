package store

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// The rules are pure: these tests run them without a store. The conformance
// suite (storetest) checks that every store applies them.

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func in(ref, title string) practice.PracticeInput {
	return practice.PracticeInput{Ref: ref, Content: practice.Content{Title: title, Summary: "S " + title, Krachtlijnen: []string{"NABIJHEID"}, Language: "nl"}}
}

func seqsFrom(first uint64, took *[]int) TakeSeqs {
	return func(n int) (uint64, error) {
		*took = append(*took, n)
		return first, nil
	}
}

func TestPrepareSubmission(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 987_654_321, time.UTC)
	sub := Submission{Inventory: practice.Inventory{ID: "inv_1", Region: "limburg", Created: 9, PracticeIDs: []string{"stale"}},
		Practices: []practice.PracticeInput{in("a", "A"), in("b", "B")}}
	inv, err := PrepareSubmission(sub, now)
	if err != nil {
		t.Fatal(err)
	}
	if !inv.SubmittedAt.Equal(now.Truncate(time.Millisecond)) || inv.Created != 0 || len(inv.PracticeIDs) != 0 {
		t.Errorf("prepared inventory %+v", inv)
	}
	sub.Inventory.SubmittedAt = t0.Add(123456).In(time.FixedZone("CET", 3600))
	if inv, _ := PrepareSubmission(sub, now); inv.SubmittedAt != t0 { // == on purpose: UTC, milliseconds
		t.Errorf("SubmittedAt %s, want it in UTC at millisecond precision %s", inv.SubmittedAt, t0)
	}
	dup := sub
	dup.Practices = append(dup.Practices, in("a", "Dubbel"))
	if _, err := PrepareSubmission(dup, now); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate ref: %v, want ErrConflict", err)
	}
	for name, bad := range map[string]practice.Inventory{"no region": {ID: "inv_1"}, "no id": {Region: "limburg"}} {
		sub := sub
		sub.Inventory = bad
		if _, err := PrepareSubmission(sub, now); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestPlanSubmission(t *testing.T) {
	const region = "oost-vlaanderen"
	keep, change, gone := in("keep", "Blijft"), in("change", "Wijzigt"), in("gone", "Ingetrokken")
	existing := map[string]practice.Practice{}
	for i, x := range []practice.PracticeInput{keep, change, gone} {
		p, _ := practice.Apply(nil, region, x.Ref, x.Content, "inv_0", t0, uint64(10+i), false)
		existing[p.ID] = p
	}
	g := existing[practice.ID(region, "gone")]
	g.Version++
	g.Withdrawn = &practice.Withdrawal{At: t0, By: "admin"}
	existing[g.ID] = g
	st := SubmissionState{Practices: existing}

	changed := change
	changed.Summary = "Nieuw."
	added := in("new", "Nieuw")
	inv := practice.Inventory{ID: "inv_1", Region: region, SubmittedAt: t0.Add(time.Hour)}
	var took []int
	got, err := PlanSubmission(inv, []practice.PracticeInput{changed, keep, added, gone}, st, seqsFrom(100, &took))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(took, []int{3}) {
		t.Errorf("Seqs taken %v, want one call for the 3 practices that change", took)
	}
	rec := got.Inventory
	if rec.Created != 1 || rec.Updated != 2 || rec.Unchanged != 1 {
		t.Errorf("counts %d/%d/%d, want 1/2/1", rec.Created, rec.Updated, rec.Unchanged)
	}
	wantIDs := []string{practice.ID(region, "change"), practice.ID(region, "keep"), practice.ID(region, "new"), practice.ID(region, "gone")}
	if !reflect.DeepEqual(rec.PracticeIDs, wantIDs) {
		t.Errorf("PracticeIDs %v, want %v", rec.PracticeIDs, wantIDs)
	}
	want := []struct {
		outcome practice.Outcome
		version int
		seq     uint64
		prevSeq uint64
	}{
		{practice.Updated, 2, 100, 11},
		{practice.Unchanged, 1, 10, 10},
		{practice.Created, 1, 101, 0},
		{practice.Updated, 3, 102, 12}, // a withdrawn practice submitted again comes back
	}
	if len(got.Practices) != len(want) {
		t.Fatalf("%d practices planned, want %d", len(got.Practices), len(want))
	}
	for i, w := range got.Practices {
		p := w.Practice
		if p.ID != wantIDs[i] || w.Outcome != want[i].outcome || p.Version != want[i].version || p.Seq != want[i].seq || w.PrevSeq != want[i].prevSeq || !p.Live() {
			t.Errorf("practice %d: %s %d v%d seq %d (was %d) live %v; want %s %d v%d seq %d (was %d) live",
				i, p.ID, w.Outcome, p.Version, p.Seq, w.PrevSeq, p.Live(), wantIDs[i], want[i].outcome, want[i].version, want[i].seq, want[i].prevSeq)
		}
		if w.Outcome != practice.Unchanged && p.Inventory != "inv_1" {
			t.Errorf("practice %d: inventory %s, want inv_1", i, p.Inventory)
		}
	}
	if ch := got.Changed(); len(ch) != 3 || ch[0].ID != wantIDs[0] || ch[1].ID != wantIDs[2] || ch[2].ID != wantIDs[3] {
		t.Errorf("Changed() = %d practices, want change, new, gone", len(ch))
	}

	// Nothing changes: no Seqs are taken.
	took = nil
	got, err = PlanSubmission(inv, []practice.PracticeInput{keep}, st, seqsFrom(0, &took))
	if err != nil || len(took) != 0 || len(got.Changed()) != 0 || got.Inventory.Unchanged != 1 {
		t.Errorf("unchanged resubmission: err %v, took %v, counts %+v", err, took, got.Inventory)
	}

	// The plan runs again when a transaction is retried: it must not build
	// on the inventory it was given, nor share its lists with an earlier run.
	shared := inv
	shared.PracticeIDs = make([]string, 0, 8)
	first, _ := PlanSubmission(shared, []practice.PracticeInput{keep, added}, st, seqsFrom(200, &took))
	second, _ := PlanSubmission(shared, []practice.PracticeInput{added, keep}, st, seqsFrom(300, &took))
	if len(shared.PracticeIDs) != 0 || !reflect.DeepEqual(first.Inventory.PracticeIDs, []string{wantIDs[1], wantIDs[2]}) || !reflect.DeepEqual(second.Inventory.PracticeIDs, []string{wantIDs[2], wantIDs[1]}) {
		t.Errorf("a second plan changed the first one's PracticeIDs: first %v, second %v, given %v", first.Inventory.PracticeIDs, second.Inventory.PracticeIDs, shared.PracticeIDs)
	}

	// A failure to take Seqs is the plan's failure; an inventory id that is
	// taken is a conflict, before any Seq is taken.
	boom := errors.New("boom")
	if _, err := PlanSubmission(inv, []practice.PracticeInput{added}, st, func(int) (uint64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("TakeSeqs error: %v", err)
	}
	took = nil
	taken := st
	taken.InventoryExists = true
	if _, err := PlanSubmission(inv, []practice.PracticeInput{added}, taken, seqsFrom(1, &took)); !errors.Is(err, ErrConflict) || len(took) != 0 {
		t.Errorf("existing inventory id: %v, Seqs taken %v; want ErrConflict and none", err, took)
	}
}

func TestWithdraw(t *testing.T) {
	p, _ := practice.Apply(nil, "limburg", "x", in("x", "X").Content, "inv_1", t0, 5, false)
	w := practice.Withdrawal{At: t0.Add(time.Hour + 123456), By: "admin", Reason: "dubbel"}
	var took []int
	got, prev, err := Withdraw(p.ID, &p, w, t0, seqsFrom(9, &took))
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Seq != 9 || prev != 5 || got.UpdatedAt != t0.Add(time.Hour) || got.Withdrawn == nil || got.Withdrawn.At != t0.Add(time.Hour) ||
		got.Hash != p.Hash || got.Inventory != p.Inventory || !reflect.DeepEqual(took, []int{1}) {
		t.Errorf("withdrawn: %+v (previous Seq %d, Seqs taken %v)", got, prev, took)
	}
	if p.Withdrawn != nil {
		t.Errorf("Withdraw changed its argument")
	}
	if got, _, _ := Withdraw(p.ID, &p, practice.Withdrawal{By: "admin"}, t0.Add(time.Minute), seqsFrom(9, &took)); got.Withdrawn.At != t0.Add(time.Minute) {
		t.Errorf("a zero withdrawal time: %v, want now", got.Withdrawn.At)
	}
	took = nil
	if _, _, err := Withdraw("pr_x", nil, w, t0, seqsFrom(9, &took)); !errors.Is(err, ErrNotFound) || len(took) != 0 {
		t.Errorf("unknown practice: %v, Seqs taken %v; want ErrNotFound and none", err, took)
	}
	if _, _, err := Withdraw(p.ID, &got, w, t0, seqsFrom(9, &took)); !errors.Is(err, ErrConflict) || len(took) != 0 {
		t.Errorf("withdrawn twice: %v, Seqs taken %v; want ErrConflict and none", err, took)
	}
}

func TestEraseContact(t *testing.T) {
	c := in("x", "X").Content
	c.Contact = &practice.Contact{Organisation: "o", Email: "a@b", Phone: "1"}
	p, _ := practice.Apply(nil, "limburg", "x", c, "inv_1", t0, 5, false)
	r1 := practice.RevisionOf(p)
	plain := r1
	plain.Version = 2
	plain.Content.Contact = &practice.Contact{Organisation: "o"}
	var took []int
	e, err := EraseContact(p.ID, &p, []practice.Revision{r1, plain}, seqsFrom(7, &took))
	if err != nil {
		t.Fatal(err)
	}
	wantContact := &practice.Contact{Organisation: "o"}
	if !e.Changed || e.PrevSeq != 5 || e.Practice.Seq != 7 || !reflect.DeepEqual(e.Practice.Contact, wantContact) ||
		e.Practice.Hash != practice.ContentHash(e.Practice.Content) || e.Practice.Version != p.Version || !reflect.DeepEqual(took, []int{1}) {
		t.Errorf("erased practice: %+v, changed %v, previous Seq %d, Seqs taken %v", e.Practice, e.Changed, e.PrevSeq, took)
	}
	if len(e.Revisions) != 1 || e.Revisions[0].Version != 1 || !reflect.DeepEqual(e.Revisions[0].Content.Contact, wantContact) || e.Revisions[0].Hash != practice.ContentHash(e.Revisions[0].Content) {
		t.Errorf("erased revisions: %+v, want only version 1, without e-mail and phone", e.Revisions)
	}
	if p.Contact.Email == "" {
		t.Errorf("EraseContact changed its argument")
	}
	// Nothing personal left: no Seq, nothing to write.
	took = nil
	again, err := EraseContact(p.ID, &e.Practice, []practice.Revision{plain}, seqsFrom(8, &took))
	if err != nil || again.Changed || len(again.Revisions) != 0 || len(took) != 0 || again.Practice.Seq != 7 {
		t.Errorf("second erasure: %+v, %v, Seqs taken %v; want nothing to write", again, err, took)
	}
	if _, err := EraseContact("pr_x", nil, nil, seqsFrom(8, &took)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown practice: %v, want ErrNotFound", err)
	}
}
