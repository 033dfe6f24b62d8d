package mongo

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// The planning of a write is pure: these tests run it without a server.

func in(ref, title string) practice.PracticeInput {
	return practice.PracticeInput{Ref: ref, Content: practice.Content{Title: title, Summary: "S " + title, Krachtlijnen: []string{"NABIJHEID"}, Language: "nl"}}
}

func TestPrepareSubmission(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 987_654_321, time.UTC)
	sub := store.Submission{Inventory: practice.Inventory{ID: "inv_1", Region: "limburg", Created: 9, PracticeIDs: []string{"stale"}},
		Practices: []practice.PracticeInput{in("a", "A"), in("b", "B")}}
	inv, err := prepareSubmission(sub, now)
	if err != nil {
		t.Fatal(err)
	}
	if !inv.SubmittedAt.Equal(now.Truncate(time.Millisecond)) || inv.Created != 0 || len(inv.PracticeIDs) != 0 {
		t.Errorf("prepared inventory %+v", inv)
	}
	sub.Inventory.SubmittedAt = t0.Add(123456)
	if inv, _ := prepareSubmission(sub, now); !inv.SubmittedAt.Equal(t0) {
		t.Errorf("SubmittedAt %s, want it at millisecond precision %s", inv.SubmittedAt, t0)
	}
	dup := sub
	dup.Practices = append(dup.Practices, in("a", "Dubbel"))
	if _, err := prepareSubmission(dup, now); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate ref: %v, want ErrConflict", err)
	}
	noRegion := sub
	noRegion.Inventory.Region = ""
	if _, err := prepareSubmission(noRegion, now); err == nil {
		t.Errorf("no region: no error")
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

	changed := change
	changed.Summary = "Nieuw."
	added := in("new", "Nieuw")
	inv := practice.Inventory{ID: "inv_1", Region: region, SubmittedAt: t0.Add(time.Hour), Demo: false}
	var took []int
	ws, got, err := planSubmission(inv, []practice.PracticeInput{changed, keep, added, gone}, existing, func(n int) (uint64, error) {
		took = append(took, n)
		return 100, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(took, []int{3}) {
		t.Errorf("Seqs taken %v, want one call for the 3 practices that change", took)
	}
	if got.Created != 1 || got.Updated != 2 || got.Unchanged != 1 {
		t.Errorf("counts %d/%d/%d, want 1/2/1", got.Created, got.Updated, got.Unchanged)
	}
	wantIDs := []string{practice.ID(region, "change"), practice.ID(region, "keep"), practice.ID(region, "new"), practice.ID(region, "gone")}
	if !reflect.DeepEqual(got.PracticeIDs, wantIDs) {
		t.Errorf("PracticeIDs %v, want %v", got.PracticeIDs, wantIDs)
	}
	if len(ws.practices) != 3 || len(ws.revisions) != 3 || len(ws.erased) != 0 || ws.inventory == nil {
		t.Fatalf("write set: %d practices, %d revisions, %d erased, inventory %v", len(ws.practices), len(ws.revisions), len(ws.erased), ws.inventory)
	}
	for i, want := range []struct {
		id      string
		version int64
		seq     int64
	}{{wantIDs[0], 2, 100}, {wantIDs[2], 1, 101}, {wantIDs[3], 3, 102}} {
		p := ws.practices[i]
		if p.ID != want.id || p.Version != want.version || p.Seq != want.seq || p.Withdrawn != nil || p.Inventory != "inv_1" {
			t.Errorf("practice %d: %s v%d seq %d withdrawn %v inventory %s; want %s v%d seq %d live inv_1", i, p.ID, p.Version, p.Seq, p.Withdrawn, p.Inventory, want.id, want.version, want.seq)
		}
		if r := ws.revisions[i]; r.PracticeID != p.ID || r.Version != p.Version || r.Hash != p.Hash || r.At != p.UpdatedAt {
			t.Errorf("revision %d is not RevisionOf practice %d: %+v", i, i, r)
		}
	}
	if ws.inventory.Created != 1 || !reflect.DeepEqual(ws.inventory.PracticeIDs, wantIDs) {
		t.Errorf("inventory doc %+v", ws.inventory)
	}

	// Nothing changes: no Seqs are taken, only the inventory is written.
	took = nil
	ws, got, err = planSubmission(inv, []practice.PracticeInput{keep}, existing, func(n int) (uint64, error) { took = append(took, n); return 0, nil })
	if err != nil || len(took) != 0 || len(ws.practices) != 0 || ws.inventory == nil || got.Unchanged != 1 {
		t.Errorf("unchanged resubmission: err %v, took %v, %d practices, counts %+v", err, took, len(ws.practices), got)
	}

	// The plan runs again when a transaction is retried: it must not build
	// on the inventory it was given, nor share its lists with an earlier run.
	shared := inv
	shared.PracticeIDs = make([]string, 0, 8)
	_, first, _ := planSubmission(shared, []practice.PracticeInput{keep, added}, existing, func(n int) (uint64, error) { return 200, nil })
	_, second, _ := planSubmission(shared, []practice.PracticeInput{added, keep}, existing, func(n int) (uint64, error) { return 300, nil })
	if len(shared.PracticeIDs) != 0 || !reflect.DeepEqual(first.PracticeIDs, []string{wantIDs[1], wantIDs[2]}) || !reflect.DeepEqual(second.PracticeIDs, []string{wantIDs[2], wantIDs[1]}) {
		t.Errorf("a second plan changed the first one's PracticeIDs: first %v, second %v, given %v", first.PracticeIDs, second.PracticeIDs, shared.PracticeIDs)
	}

	// A failure to take Seqs is the plan's failure.
	boom := errors.New("boom")
	if _, _, err := planSubmission(inv, []practice.PracticeInput{added}, existing, func(int) (uint64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("takeSeqs error: %v", err)
	}
}

func TestWithdrawnAndErase(t *testing.T) {
	p, _ := practice.Apply(nil, "limburg", "x", in("x", "X").Content, "inv_1", t0, 5, false)
	w := practice.Withdrawal{At: t0.Add(time.Hour), By: "admin", Reason: "dubbel"}
	got := withdrawn(p, w, 9)
	if got.Version != 2 || got.Seq != 9 || !got.UpdatedAt.Equal(w.At) || got.Withdrawn == nil || got.Hash != p.Hash || got.Inventory != p.Inventory {
		t.Errorf("withdrawn: %+v", got)
	}
	if p.Withdrawn != nil {
		t.Errorf("withdrawn changed its argument")
	}
	tests := []struct {
		in      *practice.Contact
		want    *practice.Contact
		changed bool
	}{
		{nil, nil, false},
		{&practice.Contact{Email: "a@b"}, nil, true},
		{&practice.Contact{Phone: "1", Website: "w"}, &practice.Contact{Website: "w"}, true},
		{&practice.Contact{Organisation: "o"}, &practice.Contact{Organisation: "o"}, false},
	}
	for _, tt := range tests {
		got, changed := practice.WithoutPersonalData(tt.in)
		if changed != tt.changed || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("practice.WithoutPersonalData(%+v) = %+v, %v; want %+v, %v", tt.in, got, changed, tt.want, tt.changed)
		}
	}
}

func TestPendingItems(t *testing.T) {
	var ws writeSet
	for i := range 3 {
		p, _ := practice.Apply(nil, "limburg", fmt.Sprint(i), in(fmt.Sprint(i), "T").Content, "inv_1", t0, uint64(i+1), false)
		ws.addPractice(p)
	}
	erasedP, _ := practice.Apply(nil, "limburg", "e", in("e", "E").Content, "inv_1", t0, 7, false)
	ws.erased = append(ws.erased, revisionToDoc(practice.RevisionOf(erasedP)))
	items := pendingItems("tok", ws)
	if len(items) != 4 {
		t.Fatalf("%d items, want 4", len(items))
	}
	for i, it := range items {
		if it.N != int64(i) || it.Token != "tok" || it.ID != fmt.Sprintf("tok/%08d", i) {
			t.Errorf("item %d: id %s n %d token %s", i, it.ID, it.N, it.Token)
		}
		if i < 3 && (it.Practice == nil || it.Revision == nil || it.Revision.PracticeID != it.Practice.ID || it.Erased != nil) {
			t.Errorf("item %d should pair a practice with its revision: %+v", i, it)
		}
	}
	if items[3].Erased == nil || items[3].Practice != nil || items[3].Revision != nil {
		t.Errorf("last item should be the erased revision: %+v", items[3])
	}
	// EraseContact: a practice without a new revision.
	var es writeSet
	es.practices = append(es.practices, practiceToDoc(erasedP))
	es.erased = ws.erased
	items = pendingItems("t2", es)
	if len(items) != 2 || items[0].Practice == nil || items[0].Revision != nil || items[1].Erased == nil {
		t.Errorf("erase items: %+v", items)
	}
}

func TestSlotDocuments(t *testing.T) {
	wantExt(t, "ownLockedFilter", ownLockedFilter("tok"), `{"_id":"write","token":"tok","state":"locked"}`)
	wantExt(t, "ownSlotFilter", ownSlotFilter("tok"), `{"_id":"write","token":"tok"}`)
	wantExt(t, "itemsFilter", itemsFilter("tok"), `{"token":"tok"}`)
	wantExt(t, "orphanItemsFilter", orphanItemsFilter("tok"), `{"token":{"$ne":"tok"}}`)
	wantExt(t, "readyUpdate without inventory", readyUpdate("praktijk x intrekken", 2, nil), `{"$set":{"state":"ready","what":"praktijk x intrekken","items":2}}`)
	inv := inventoryToDoc(practice.Inventory{ID: "inv_1", Region: "limburg", SubmittedAt: t0})
	u := readyUpdate("inventaris inv_1", 5, &inv)
	set := u[0].Value.(bson.D)
	if last := set[len(set)-1]; last.Key != "inventory" || !reflect.DeepEqual(last.Value, &inv) {
		t.Errorf("readyUpdate does not set the inventory record: %v", set)
	}
	// The ready slot decodes back with its inventory.
	raw, err := bson.Marshal(bson.D{{Key: "_id", Value: pendingSlot}, {Key: "token", Value: "tok"}, {Key: "lockedAt", Value: toDate(t0)}})
	if err != nil {
		t.Fatal(err)
	}
	var h pendingDoc
	if err := bson.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	locked := lockSlotDoc("tok", t0)
	if locked.State != stateLocked || locked.Token != "tok" || !fromDate(locked.LockedAt).Equal(t0) {
		t.Errorf("lockSlotDoc = %+v", locked)
	}
}

func TestExpired(t *testing.T) {
	now := t0
	s := &Store{o: options_{lockLease: time.Minute, now: func() time.Time { return now }}}
	fresh := lockSlotDoc("a", t0.Add(-30*time.Second))
	old := lockSlotDoc("b", t0.Add(-2*time.Minute))
	ready := old
	ready.State = stateReady
	if s.expired(fresh) || !s.expired(old) || s.expired(ready) {
		t.Errorf("expired: fresh %v old %v ready %v; want false true false (a ready write is completed, never dropped)", s.expired(fresh), s.expired(old), s.expired(ready))
	}
}

func TestAbandonedTokens(t *testing.T) {
	s := &Store{}
	locked := pendingDoc{ID: pendingSlot, Token: "t1", State: stateLocked}
	if s.abandoned(locked) {
		t.Errorf("a slot of an unknown token counts as abandoned")
	}
	s.abandon("t1")
	if !s.abandoned(locked) {
		t.Errorf("a locked slot of an abandoned token is not dropped at once")
	}
	if ready := (pendingDoc{ID: pendingSlot, Token: "t1", State: stateReady}); s.abandoned(ready) {
		t.Errorf("a ready slot counts as abandoned: it is committed and must be completed")
	}
	if other := (pendingDoc{ID: pendingSlot, Token: "t2", State: stateLocked}); s.abandoned(other) {
		t.Errorf("another writer's slot counts as abandoned")
	}
	s.forget("t1")
	if s.abandoned(locked) {
		t.Errorf("a forgotten token still counts as abandoned")
	}
}
