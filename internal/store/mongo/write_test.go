package mongo

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Laying out a write is pure: these tests run it without a server. The
// rules the writes apply are tested in package store.

func in(ref, title string) practice.PracticeInput {
	return practice.PracticeInput{Ref: ref, Content: practice.Content{Title: title, Summary: "S " + title, Krachtlijnen: []string{"NABIJHEID"}, Language: "nl"}}
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
