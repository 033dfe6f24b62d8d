package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var submitTests = []subtest{
	{name: "Submit/Creates", run: testSubmitCreates},
	{name: "Submit/ResubmitUnchanged", run: testResubmitUnchanged},
	{name: "Submit/ResubmitMixed", run: testResubmitMixed},
	{name: "Submit/SameRefOtherRegion", run: testSameRefOtherRegion},
	{name: "Submit/Demo", run: testSubmitDemo},
	{name: "Submit/DefaultSubmittedAt", run: testDefaultSubmittedAt},
	{name: "Submit/DuplicateRefWritesNothing", run: testDuplicateRef},
	{name: "Submit/DuplicateInventoryID", run: testDuplicateInventoryID},
	{name: "Submit/CancelledMidwayAllOrNothing", run: testCancelledMidway},
	{name: "Submit/ConcurrentRegions", run: testConcurrentRegions},
	{name: "Submit/ContentRoundTrip", run: testContentRoundTrip},
}

func testSubmitCreates(t *testing.T, s store.Store) {
	if n := mustLastSeq(t, s); n != 0 {
		t.Errorf("LastSeq of an empty store = %d, want 0", n)
	}
	when := at(1).In(time.FixedZone("CET", 3600)) // any location: times compare by instant
	sub := submission("limburg", when, input("lim-002", "Buurtwerk in Genk"), input("lim-001", "Café Zorg"), input("lim-010", "Vindplaatsgericht werken"))
	inv := mustSubmit(t, s, sub)

	wantInv := sub.Inventory
	wantInv.Created, wantInv.Updated, wantInv.Unchanged = 3, 0, 0
	for _, in := range sub.Practices {
		wantInv.PracticeIDs = append(wantInv.PracticeIDs, practice.ID("limburg", in.Ref))
	}
	equal(t, "returned inventory", inv, wantInv)
	got, err := s.Inventory(ctx, sub.Inventory.ID)
	if err != nil {
		t.Fatalf("Inventory(%s): %v", sub.Inventory.ID, err)
	}
	equal(t, "Inventory(id)", got, wantInv)

	var prev uint64
	for i, in := range sub.Practices {
		id := practice.ID("limburg", in.Ref)
		p := mustPractice(t, s, id)
		want := practice.Practice{
			ID: id, Region: "limburg", Ref: in.Ref, Version: 1, Content: in.Content,
			Hash: practice.ContentHash(in.Content), Seq: p.Seq, Inventory: sub.Inventory.ID,
			CreatedAt: when, UpdatedAt: when,
		}
		equal(t, fmt.Sprintf("practice %d", i), p, want)
		if p.Seq <= prev {
			t.Errorf("practice %d: Seq %d, want > %d (Seqs increase in submission order)", i, p.Seq, prev)
		}
		prev = p.Seq
		h := mustHistory(t, s, id)
		if len(h) != 1 {
			t.Fatalf("History(%s) has %d revisions, want 1", id, len(h))
		}
		equal(t, "revision 1", h[0], practice.RevisionOf(want))
	}
	if n := mustLastSeq(t, s); n != prev {
		t.Errorf("LastSeq = %d, want %d", n, prev)
	}
}

func testResubmitUnchanged(t *testing.T, s store.Store) {
	ins := inputs("ant", 4)
	first := mustSubmit(t, s, submission("antwerpen", at(1), ins...))
	before := mustScan(t, s)
	lastBefore := mustLastSeq(t, s)

	// Same content again, in another order: nothing changes but the record.
	re := []practice.PracticeInput{ins[3], ins[1], ins[0], ins[2]}
	sub := submission("antwerpen", at(2), re...)
	inv := mustSubmit(t, s, sub)
	if inv.Created != 0 || inv.Updated != 0 || inv.Unchanged != 4 {
		t.Errorf("counts created/updated/unchanged = %d/%d/%d, want 0/0/4", inv.Created, inv.Updated, inv.Unchanged)
	}
	var wantIDs []string
	for _, in := range re {
		wantIDs = append(wantIDs, practice.ID("antwerpen", in.Ref))
	}
	equalStrings(t, "PracticeIDs (submission order)", inv.PracticeIDs, wantIDs)

	equal(t, "practices after an unchanged resubmission", mustScan(t, s), before)
	for _, p := range before {
		if p.Inventory != first.ID {
			t.Errorf("practice %s: Inventory = %s, want the first inventory %s (it did not change)", p.ID, p.Inventory, first.ID)
		}
		if h := mustHistory(t, s, p.ID); len(h) != 1 {
			t.Errorf("History(%s) has %d revisions, want 1", p.ID, len(h))
		}
	}
	if n := mustLastSeq(t, s); n != lastBefore {
		t.Errorf("LastSeq = %d after an unchanged resubmission, want %d", n, lastBefore)
	}
	if got := mustChanged(t, s, lastBefore, 0); len(got) != 0 {
		t.Errorf("ChangedSince(%d) = %v, want nothing", lastBefore, ids(got))
	}
	invs, err := s.Inventories(ctx, store.InventoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	equalStrings(t, "Inventories", invIDs(invs), []string{inv.ID, first.ID})
}

func testResubmitMixed(t *testing.T, s store.Store) {
	const region = "oost-vlaanderen"
	keep, change, absent := input("ovl-1", "Blijft gelijk"), input("ovl-2", "Wordt aangepast"), input("ovl-3", "Niet opnieuw ingediend")
	first := mustSubmit(t, s, submission(region, at(1), keep, change, absent))
	absentBefore := mustPractice(t, s, practice.ID(region, absent.Ref))
	changeBefore := mustPractice(t, s, practice.ID(region, change.Ref))
	lastBefore := mustLastSeq(t, s)

	changed := change
	changed.Content = content("Wordt aangepast")
	changed.Summary = "Een nieuwe samenvatting."
	changed.Krachtlijnen = []string{"NABIJHEID", "VERBINDEND"}
	added := input("ovl-4", "Nieuw in de tweede ronde")
	sub := submission(region, at(5), changed, keep, added)
	res := mustSubmitted(t, s, sub)
	inv := res.Inventory

	if inv.Created != 1 || inv.Updated != 1 || inv.Unchanged != 1 {
		t.Errorf("counts created/updated/unchanged = %d/%d/%d, want 1/1/1", inv.Created, inv.Updated, inv.Unchanged)
	}
	equalStrings(t, "PracticeIDs", inv.PracticeIDs, []string{
		practice.ID(region, changed.Ref), practice.ID(region, keep.Ref), practice.ID(region, added.Ref)})

	tests := []struct {
		name                 string
		in                   practice.PracticeInput
		version              int
		inventory            string
		createdAt, updatedAt time.Time
		newSeq               bool
		revisions            int
	}{
		{"unchanged keeps its version", keep, 1, first.ID, at(1), at(1), false, 1},
		{"changed gets version+1", changed, 2, inv.ID, at(1), at(5), true, 2},
		{"new one is created", added, 1, inv.ID, at(5), at(5), true, 1},
		{"absent one stays as it was", absent, 1, first.ID, at(1), at(1), false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := practice.ID(region, tt.in.Ref)
			p := mustPractice(t, s, id)
			equal(t, "content", p.Content, tt.in.Content)
			if p.Version != tt.version || p.Inventory != tt.inventory {
				t.Errorf("version %d inventory %s, want %d %s", p.Version, p.Inventory, tt.version, tt.inventory)
			}
			if !p.CreatedAt.Equal(tt.createdAt) || !p.UpdatedAt.Equal(tt.updatedAt) {
				t.Errorf("created %s updated %s, want %s %s", p.CreatedAt, p.UpdatedAt, tt.createdAt, tt.updatedAt)
			}
			if tt.newSeq != (p.Seq > lastBefore) {
				t.Errorf("Seq %d, LastSeq before the resubmission %d: new Seq = %v, want %v", p.Seq, lastBefore, p.Seq > lastBefore, tt.newSeq)
			}
			if !p.Live() {
				t.Errorf("practice is withdrawn")
			}
			if h := mustHistory(t, s, id); len(h) != tt.revisions {
				t.Errorf("History has %d revisions, want %d", len(h), tt.revisions)
			}
		})
	}

	h := mustHistory(t, s, practice.ID(region, change.Ref))
	if len(h) == 2 {
		equal(t, "history[0] is the first version", h[0], practice.RevisionOf(changeBefore))
		equal(t, "history[1].Content", h[1].Content, changed.Content)
		if h[1].Inventory != inv.ID || !h[1].At.Equal(at(5)) {
			t.Errorf("history[1]: inventory %s at %s, want %s at %s", h[1].Inventory, h[1].At, inv.ID, at(5))
		}
	}
	equal(t, "absent practice", mustPractice(t, s, absentBefore.ID), absentBefore)

	// Submit returns what it did to each practice, in submission order: the
	// practice as stored, its outcome and the Seq it held before.
	wantOutcomes := []practice.Outcome{practice.Updated, practice.Unchanged, practice.Created}
	wantPrev := []uint64{changeBefore.Seq, mustPractice(t, s, practice.ID(region, keep.Ref)).Seq, 0}
	if len(res.Practices) != len(sub.Practices) {
		t.Fatalf("Submit returned %d practices, want %d", len(res.Practices), len(sub.Practices))
	}
	for i, w := range res.Practices {
		equal(t, fmt.Sprintf("returned practice %d", i), w.Practice, mustPractice(t, s, practice.ID(region, sub.Practices[i].Ref)))
		if w.Outcome != wantOutcomes[i] || w.PrevSeq != wantPrev[i] {
			t.Errorf("returned practice %d: outcome %d, previous Seq %d; want %d, %d", i, w.Outcome, w.PrevSeq, wantOutcomes[i], wantPrev[i])
		}
	}
	equalStrings(t, "Submitted.Changed", ids(res.Changed()), []string{practice.ID(region, changed.Ref), practice.ID(region, added.Ref)})
	equalStrings(t, "ChangedSince(before the resubmission)", ids(mustChanged(t, s, lastBefore, 0)),
		[]string{practice.ID(region, changed.Ref), practice.ID(region, added.Ref)})
}

func testSameRefOtherRegion(t *testing.T, s store.Store) {
	mustSubmit(t, s, submission("brussel", at(1), input("2024-01", "Brussels praktijk")))
	inv := mustSubmit(t, s, submission("west-vlaanderen", at(2), input("2024-01", "West-Vlaamse praktijk")))
	if inv.Created != 1 {
		t.Errorf("same ref in another region: created = %d, want 1", inv.Created)
	}
	a, b := mustPractice(t, s, practice.ID("brussel", "2024-01")), mustPractice(t, s, practice.ID("west-vlaanderen", "2024-01"))
	if a.ID == b.ID || a.Title == b.Title || a.Region != "brussel" || b.Region != "west-vlaanderen" {
		t.Errorf("two regions, one ref: got %+v and %+v", a, b)
	}
}

func testSubmitDemo(t *testing.T, s store.Store) {
	sub := submission("vlaams-brabant", at(1), inputs("demo", 2)...)
	sub.Inventory.Demo = true
	sub.Inventory.Source = "demo"
	inv := mustSubmit(t, s, sub)
	if !inv.Demo {
		t.Errorf("inventory Demo = false, want true")
	}
	for _, id := range inv.PracticeIDs {
		if p := mustPractice(t, s, id); !p.Demo {
			t.Errorf("practice %s: Demo = false, want true", id)
		}
	}
	got, err := s.Inventory(ctx, inv.ID)
	if err != nil || !got.Demo || got.Source != "demo" {
		t.Errorf("Inventory(%s) = %+v, %v; want Demo and source demo", inv.ID, got, err)
	}
	// The same practices submitted for real are no longer demo ones.
	real := submission("vlaams-brabant", at(2), inputs("demo", 2)...)
	real.Practices[0].Summary = "Nu echt."
	mustSubmit(t, s, real)
	if p := mustPractice(t, s, inv.PracticeIDs[0]); p.Demo {
		t.Errorf("changed by a real submission: Demo = true, want false")
	}
}

func testDefaultSubmittedAt(t *testing.T, s store.Store) {
	sub := submission("limburg", time.Time{}, input("x-1", "Zonder tijdstip"))
	sub.Inventory.ID = store.NewInventoryID(time.Now())
	before := time.Now().Truncate(time.Millisecond)
	inv := mustSubmit(t, s, sub)
	after := time.Now().Add(time.Millisecond)
	if inv.SubmittedAt.Before(before) || inv.SubmittedAt.After(after) {
		t.Errorf("SubmittedAt = %s, want the time of submission (%s..%s)", inv.SubmittedAt, before, after)
	}
	p := mustPractice(t, s, practice.ID("limburg", "x-1"))
	if !p.CreatedAt.Equal(inv.SubmittedAt) || !p.UpdatedAt.Equal(inv.SubmittedAt) {
		t.Errorf("practice created %s updated %s, want the inventory's %s", p.CreatedAt, p.UpdatedAt, inv.SubmittedAt)
	}
	if got, err := s.Inventory(ctx, inv.ID); err != nil || !got.SubmittedAt.Equal(inv.SubmittedAt) {
		t.Errorf("Inventory(%s).SubmittedAt = %s (%v), want %s", inv.ID, got.SubmittedAt, err, inv.SubmittedAt)
	}
}

// snapshot is everything observable through the interface, to prove that a
// failed call changed nothing.
type snapshot struct {
	Practices   []practice.Practice
	History     [][]practice.Revision // per practice, in the order of Practices
	Inventories []practice.Inventory
	LastSeq     uint64
}

func takeSnapshot(t *testing.T, s store.Store) snapshot {
	t.Helper()
	snap := snapshot{Practices: mustScan(t, s), LastSeq: mustLastSeq(t, s)}
	for _, p := range snap.Practices {
		snap.History = append(snap.History, mustHistory(t, s, p.ID))
	}
	invs, err := s.Inventories(ctx, store.InventoryQuery{})
	if err != nil {
		t.Fatalf("Inventories: %v", err)
	}
	snap.Inventories = invs
	return snap
}

func testDuplicateRef(t *testing.T, s store.Store) {
	tests := []struct {
		name    string
		prepare bool // a first submission exists that the failing one would update
	}{
		{"into an empty store", false},
		{"over existing practices", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			region := "antwerpen"
			if tt.prepare {
				region = "limburg"
				mustSubmit(t, s, submission(region, at(1), inputs("r", 3)...))
			}
			before := takeSnapshot(t, s)
			// The duplicate comes last, after practices that would be created
			// and updated, so a store that writes as it goes is caught.
			ins := append(inputs("r", 5), input("r-001", "Dubbel"))
			ins[0].Summary = "Gewijzigd."
			sub := submission(region, at(2), ins...)
			_, err := s.Submit(ctx, sub)
			wantErr(t, "Submit with a duplicate ref", err, store.ErrConflict)
			equal(t, "store after the rejected submission", takeSnapshot(t, s), before)
			_, err = s.Inventory(ctx, sub.Inventory.ID)
			wantErr(t, "Inventory of the rejected submission", err, store.ErrNotFound)
			_, err = s.Practice(ctx, practice.ID(region, "r-004"))
			wantErr(t, "Practice the rejected submission would have created", err, store.ErrNotFound)
		})
	}
}

func testDuplicateInventoryID(t *testing.T, s store.Store) {
	first := mustSubmit(t, s, submission("brussel", at(1), inputs("b", 2)...))
	before := takeSnapshot(t, s)
	sub := submission("brussel", at(2), inputs("c", 2)...)
	sub.Inventory.ID = first.ID
	_, err := s.Submit(ctx, sub)
	wantErr(t, "Submit with an inventory id that exists", err, store.ErrConflict)
	equal(t, "store after the rejected submission", takeSnapshot(t, s), before)
}

// countdownCtx is a context that is cancelled after a number of calls to its
// Err and Done methods: it cancels a Submit at whatever point the store looks
// at the context for the n-th time.
type countdownCtx struct {
	context.Context
	mu     sync.Mutex
	left   int
	done   chan struct{}
	closed bool
}

func newCountdownCtx(n int) *countdownCtx {
	return &countdownCtx{Context: context.Background(), left: n, done: make(chan struct{})}
}

func (c *countdownCtx) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	if c.left > 0 {
		c.left--
		return
	}
	c.closed = true
	close(c.done)
}

func (c *countdownCtx) Done() <-chan struct{} { c.tick(); return c.done }

func (c *countdownCtx) Err() error {
	c.tick()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return context.Canceled
	}
	return nil
}

func testCancelledMidway(t *testing.T, s store.Store) {
	const region = "west-vlaanderen"
	mustSubmit(t, s, submission(region, at(1), inputs("w", 5)...))
	before := takeSnapshot(t, s)

	// The second submission updates the five and creates fifteen more. Cancel
	// it after 0, 1, 2, ... looks at the context until it gets through: every
	// attempt before must leave the store exactly as it was.
	ins := inputs("w", 20)
	for i := range 5 {
		ins[i].Summary = "Bijgewerkt."
	}
	sub := submission(region, at(2), ins...)
	for n, attempts := 0, 0; ; n += 1 + n/8 {
		attempts++
		if attempts > 400 {
			t.Fatalf("Submit still cancelled after %d looks at the context", n)
		}
		res, err := s.Submit(newCountdownCtx(n), sub)
		inv := res.Inventory
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Submit cancelled after %d looks at the context: error %q does not wrap context.Canceled", n, err)
			}
			after := takeSnapshot(t, s)
			if !equal(t, fmt.Sprintf("store after a Submit cancelled after %d looks", n), after, before) {
				return
			}
			continue
		}
		if inv.Created != 15 || inv.Updated != 5 || inv.Unchanged != 0 {
			t.Errorf("counts created/updated/unchanged = %d/%d/%d, want 15/5/0", inv.Created, inv.Updated, inv.Unchanged)
		}
		if got := mustScan(t, s); len(got) != 20 {
			t.Errorf("%d practices after the submission went through, want 20", len(got))
		}
		return
	}
}

func testConcurrentRegions(t *testing.T, s store.Store) {
	regions := []string{"antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"}
	const rounds, per = 2, 10
	var wg sync.WaitGroup
	for i, region := range regions {
		wg.Go(func() {
			for r := range rounds {
				ins := inputs(fmt.Sprintf("%s-r%d", region, r), per)
				if _, err := s.Submit(ctx, submission(region, at(i*rounds+r), ins...)); err != nil {
					t.Errorf("Submit(%s, round %d): %v", region, r, err)
				}
			}
		})
	}
	wg.Wait()

	all := mustScan(t, s)
	if len(all) != len(regions)*rounds*per {
		t.Fatalf("%d practices, want %d", len(all), len(regions)*rounds*per)
	}
	seqs := map[uint64]bool{}
	var maxSeq uint64
	for _, p := range all {
		if seqs[p.Seq] {
			t.Errorf("Seq %d given twice", p.Seq)
		}
		seqs[p.Seq] = true
		maxSeq = max(maxSeq, p.Seq)
	}
	if n := mustLastSeq(t, s); n != maxSeq {
		t.Errorf("LastSeq = %d, want %d", n, maxSeq)
	}
	feed := mustChanged(t, s, 0, 0)
	if len(feed) != len(all) || !sort.SliceIsSorted(feed, func(i, j int) bool { return feed[i].Seq < feed[j].Seq }) {
		t.Errorf("ChangedSince(0, 0): %d practices, sorted by Seq: %v", len(feed), sort.SliceIsSorted(feed, func(i, j int) bool { return feed[i].Seq < feed[j].Seq }))
	}
	invs, err := s.Inventories(ctx, store.InventoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != len(regions)*rounds {
		t.Errorf("%d inventories, want %d", len(invs), len(regions)*rounds)
	}
	for _, inv := range invs {
		if inv.Created != per {
			t.Errorf("inventory %s (%s): created %d, want %d", inv.ID, inv.Region, inv.Created, per)
		}
	}
}

func testContentRoundTrip(t *testing.T, s store.Store) {
	full := practice.Content{
		Title:          "Samen sterk in de buurt: café’s, ontmoeting & zorg",
		Summary:        "Eén plek waar buurtbewoners, OCMW en vrijwilligers elkaar écht ontmoeten — ook in het Frans: « coopération »; €5 per maaltijd.",
		Description:    "Een lange beschrijving\nover meerdere regels,\tmet tabs, \"aanhalingstekens\", <html> & emoji 🤝.\nŒuvre, naïef, coördinatie, ĳverig, Ærø, Zürich, İstanbul.",
		Organisations:  []string{"CAW Oost-Vlaanderen", "OCMW Sint-Niklaas", "Vzw Ça Va"},
		Municipalities: []string{"Sint-Niklaas", "Temse"},
		Krachtlijnen:   []string{"VERBINDEND", "NABIJHEID", "POLITISEREND", "PROCESMATIG", "GENERALISTISCH"},
		Challenges:     []string{"onderbescherming", "digitalisering"},
		Actions:        []string{"onderbescherming-1", "digitalisering-3", "oost-vlaanderen:buurtcafes"},
		TargetGroups:   []string{"jongeren", "mensen in armoede"},
		Settings:       []string{"OCMW", "straathoek"},
		SuccessFactors: []string{"laagdrempelig onthaal", "vaste gezichten"},
		Pitfalls:       []string{"te veel papierwerk"},
		Bottlenecks:    []string{"recht op leefloon niet gerealiseerd", ""},
		Functions:      []string{"WAARBORG", "SOCIAAL_POLITIEK"},
		ImpactDomains:  []string{"PRAKTIJK", "BELEID", "SAMENLEVING", "OPLEIDING"},
		StartYear:      intp(2019),
		EndYear:        intp(2023),
		Links:          []string{"https://example.org/praktijk?id=1&taal=nl", "http://example.be/"},
		Contact:        &practice.Contact{Organisation: "CAW", Email: "jan.peeters@example.org", Website: "https://caw.be", Phone: "+32 3 123 45 67"},
		Language:       "nl",
	}
	onlyStart := content("Met alleen een beginjaar")
	onlyStart.StartYear = intp(1970)
	onlyStart.Language = "fr"
	orgOnly := content("Contact zonder persoonsgegevens")
	orgOnly.Contact = &practice.Contact{Organisation: "Samenlevingsopbouw Brussel"}
	orgOnly.Language = "en"
	emptyLists := content("Lege lijsten")
	emptyLists.Organisations, emptyLists.Links, emptyLists.Challenges = []string{}, []string{}, []string{}
	onlyEnd := content("Alleen een eindjaar")
	onlyEnd.EndYear = intp(2100)

	tests := []struct {
		name string
		c    practice.Content
	}{
		{"every field with unicode", full},
		{"minimal, contact and years nil", content("Minimaal")},
		{"start year only, French", onlyStart},
		{"end year only", onlyEnd},
		{"contact with organisation only, English", orgOnly},
		{"empty lists (may come back nil)", emptyLists},
	}
	var subIns []practice.PracticeInput
	for i, tt := range tests {
		subIns = append(subIns, practice.PracticeInput{Ref: fmt.Sprintf("rt-%d", i), Content: tt.c})
	}
	sub := submission("oost-vlaanderen", at(3), subIns...)
	sub.Inventory.Period = nil
	sub.Inventory.SubmittedBy = "Regionaal platform Oost-Vlaanderen — Gent & Waas"
	inv := mustSubmit(t, s, sub)
	gotInv, err := s.Inventory(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if gotInv.Period != nil {
		t.Errorf("inventory Period = %+v, want nil", gotInv.Period)
	}
	if gotInv.SubmittedBy != sub.Inventory.SubmittedBy {
		t.Errorf("inventory SubmittedBy = %q, want %q", gotInv.SubmittedBy, sub.Inventory.SubmittedBy)
	}

	var allIDs []string
	for i := range tests {
		allIDs = append(allIDs, practice.ID("oost-vlaanderen", fmt.Sprintf("rt-%d", i)))
	}
	byID := func(ps []practice.Practice) map[string]practice.Practice {
		m := map[string]practice.Practice{}
		for _, p := range ps {
			m[p.ID] = p
		}
		return m
	}
	many, err := s.Practices(ctx, allIDs)
	if err != nil {
		t.Fatal(err)
	}
	listed := byID(mustList(t, s, store.PracticeQuery{}))
	scanned := byID(mustScan(t, s))
	changed := byID(mustChanged(t, s, 0, 0))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := allIDs[i]
			p := mustPractice(t, s, id)
			equal(t, "Practice(id).Content", p.Content, tt.c)
			if p.Hash != practice.ContentHash(tt.c) {
				t.Errorf("Hash %s, want ContentHash of the submitted content %s", p.Hash, practice.ContentHash(tt.c))
			}
			if (p.StartYear == nil) != (tt.c.StartYear == nil) || (p.EndYear == nil) != (tt.c.EndYear == nil) || (p.Contact == nil) != (tt.c.Contact == nil) {
				t.Errorf("nil pointers not kept: start %v end %v contact %v", p.StartYear, p.EndYear, p.Contact)
			}
			equal(t, "Practices(ids)", many[i], p)
			equal(t, "ListPractices", listed[id], p)
			equal(t, "ScanPractices", scanned[id], p)
			equal(t, "ChangedSince", changed[id], p)
			h := mustHistory(t, s, id)
			if len(h) == 1 {
				equal(t, "History content", h[0].Content, tt.c)
			}
		})
	}

	// Resubmitting the same content (empty lists now nil) is Unchanged: the
	// hash must not depend on how the store hands lists back.
	again := mustSubmit(t, s, submission("oost-vlaanderen", at(4), subIns...))
	if again.Unchanged != len(tests) {
		t.Errorf("resubmitting the round-trip content: unchanged %d, want %d (created %d, updated %d)", again.Unchanged, len(tests), again.Created, again.Updated)
	}
}
