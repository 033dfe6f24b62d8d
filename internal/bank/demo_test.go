package bank_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/demo"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// loadDemo submits the demo inventories as the server does into an empty
// store, and returns the ids of their practices.
func loadDemo(t *testing.T, e env) []string {
	t.Helper()
	invs, err := demo.Inventories()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, in := range invs {
		res, err := e.bank.Submit(context.Background(), auth.Admin, in, bank.SubmitOptions{Source: "demo", Demo: true})
		if err != nil || len(res.Problems) > 0 {
			t.Fatalf("demo %s: %v %v", in.Region, err, res.Problems)
		}
		for _, o := range res.Outcomes {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

func TestSimilarPracticesOfARealOneAreReal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	real := submit(t, e, limburg, readInventory(t, "limburg.json"))
	demoIDs := loadDemo(t, e) // after the real one: nothing removes it
	isDemo := map[string]bool{}
	for _, id := range demoIDs {
		isDemo[id] = true
	}
	id := real.Outcomes[0].ID

	raw, err := e.index.Similar(ctx, id, 20)
	if err != nil {
		t.Fatal(err)
	}
	rawDemo := 0
	for _, h := range raw {
		if isDemo[h.ID] {
			rawDemo++
		}
	}
	if rawDemo == 0 {
		t.Fatalf("the index finds no demo practice like %s; the test needs one", id)
	}
	got, err := e.bank.Similar(ctx, id, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no similar practices")
	}
	for _, p := range got {
		if p.Demo || isDemo[p.ID] {
			t.Errorf("similar practices of a real one include demo practice %s (%s)", p.ID, p.Title)
		}
	}
	// A demo practice's similar ones may be demo practices.
	if got, err := e.bank.Similar(ctx, demoIDs[0], 5); err != nil || len(got) == 0 {
		t.Errorf("similar of a demo practice: %d, %v", len(got), err)
	}
	if _, err := e.bank.Similar(ctx, id, 0); !errors.Is(err, bank.ErrInvalid) {
		t.Errorf("first 0: err = %v, want ErrInvalid", err)
	}
}

func TestTheFirstRealInventoryRemovesTheDemo(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	demoIDs := loadDemo(t, e)
	if _, err := e.bank.RemoveDemo(ctx, limburg); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("RemoveDemo by a platform: err = %v, want ErrForbidden", err)
	}
	found, err := e.bank.Search(ctx, search.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if found.Total != len(demoIDs) {
		t.Fatalf("before: %d practices found, want the %d demo ones", found.Total, len(demoIDs))
	}

	// A demo practice of Antwerp's that a real inventory resubmits becomes real.
	invs, _ := demo.Inventories()
	taken := invs[0].Practices[0]
	taken.Title = "Een echte praktijk op de plaats van een voorbeeld"
	taken.Summary = "Een echte praktijk."
	in := practice.InventoryInput{Region: invs[0].Region, Title: "Eerste echte inventaris", Practices: []practice.PracticeInput{taken}}
	res := submit(t, e, auth.Admin, in)
	takenID := res.Outcomes[0].ID

	ps, err := e.bank.Practices(ctx, demoIDs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		switch {
		case p.ID == takenID:
			if !p.Live() || p.Demo {
				t.Errorf("the resubmitted practice: live %v demo %v, want live and real", p.Live(), p.Demo)
			}
		case p.Live():
			t.Errorf("demo practice %s is still live after the first real inventory", p.ID)
		case p.Withdrawn.Reason == "" || p.Withdrawn.By != "Praktijkenbank":
			t.Errorf("demo practice %s withdrawn as %+v", p.ID, p.Withdrawn)
		}
	}
	found, err = e.bank.Search(ctx, search.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if found.Total != 1 || found.Hits[0].ID != takenID {
		t.Errorf("after: %d practices found, want only the real one", found.Total)
	}
	if n, err := e.bank.RemoveDemo(ctx, auth.Admin); n != 0 || err != nil {
		t.Errorf("RemoveDemo again = %d, %v; want 0, nil", n, err)
	}
}

func TestRemoveDemoByHand(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	demoIDs := loadDemo(t, e)
	n, err := e.bank.RemoveDemo(ctx, auth.Admin)
	if err != nil || n != len(demoIDs) {
		t.Fatalf("RemoveDemo = %d, %v; want %d", n, err, len(demoIDs))
	}
	found, _ := e.bank.Search(ctx, search.Request{})
	if found.Total != 0 {
		t.Errorf("%d practices found after removing the demo", found.Total)
	}
}

// A demo inventory loaded after real practices is removed by the next real one.
func TestDemoLoadedLaterIsRemovedByTheNextRealInventory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	submit(t, e, limburg, readInventory(t, "limburg.json")) // nothing to remove yet
	demoIDs := loadDemo(t, e)
	in := readInventory(t, "limburg.json")
	in.Practices[0].Summary += " Aangevuld."
	submit(t, e, limburg, in)
	ps, err := e.bank.Practices(ctx, demoIDs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Live() {
			t.Errorf("demo practice %s is live after a real inventory", p.ID)
		}
	}
}

// SettleDemo (at start) removes demo practices beside real ones, and
// leaves a demo-only store as it is.
func TestSettleDemo(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	demoIDs := loadDemo(t, e)
	if n, err := e.bank.SettleDemo(ctx); n != 0 || err != nil {
		t.Fatalf("SettleDemo on a demo-only store = %d, %v; want 0", n, err)
	}
	e2 := newEnv(t)
	submit(t, e2, limburg, readInventory(t, "limburg.json"))
	demoIDs = loadDemo(t, e2) // beside real practices, as an older store may hold them
	n, err := e2.bank.SettleDemo(ctx)
	if err != nil || n != len(demoIDs) {
		t.Fatalf("SettleDemo beside real practices = %d, %v; want %d", n, err, len(demoIDs))
	}
	found, _ := e2.bank.Search(ctx, search.Request{})
	if found.Total != 2 {
		t.Errorf("after settling: %d practices found, want the 2 real ones", found.Total)
	}
}
