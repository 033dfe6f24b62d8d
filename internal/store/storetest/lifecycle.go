package storetest

import (
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var lifecycleTests = []subtest{
	{name: "Withdraw/TakesOut", run: testWithdraw},
	{name: "Withdraw/Errors", run: testWithdrawErrors},
	{name: "Withdraw/ResubmitRevives", run: testWithdrawRevive},
	{name: "EraseContact/EveryRevision", run: testEraseContact},
	{name: "EraseContact/Cases", run: testEraseContactCases},
}

func testWithdraw(t *testing.T, s store.Store) {
	inv := mustSubmit(t, s, submission("antwerpen", at(1), inputs("a", 3)...))
	id := inv.PracticeIDs[1]
	before := mustPractice(t, s, id)
	lastBefore := mustLastSeq(t, s)

	w := practice.Withdrawal{At: at(7), By: "platform antwerpen", Reason: "Project stopgezet — geen middelen meer"}
	got, err := s.Withdraw(ctx, id, w)
	if err != nil {
		t.Fatalf("Withdraw: %v", err)
	}
	want := before
	want.Version = 2
	want.Withdrawn = &w
	want.UpdatedAt = w.At
	want.Seq = got.Seq
	equal(t, "withdrawn practice", got, want)
	equal(t, "Practice(id) after Withdraw", mustPractice(t, s, id), want)
	if got.Seq <= lastBefore {
		t.Errorf("Seq %d after Withdraw, want > %d so the change feed sees it", got.Seq, lastBefore)
	}
	if got.Live() {
		t.Errorf("Live() = true after Withdraw")
	}
	if n := mustLastSeq(t, s); n != got.Seq {
		t.Errorf("LastSeq = %d, want %d", n, got.Seq)
	}
	equalStrings(t, "ChangedSince(before the withdrawal)", ids(mustChanged(t, s, lastBefore, 0)), []string{id})

	h := mustHistory(t, s, id)
	if len(h) != 2 {
		t.Fatalf("History has %d revisions, want 2", len(h))
	}
	equal(t, "history[0]", h[0], practice.RevisionOf(before))
	equal(t, "history[1]", h[1], practice.RevisionOf(want))

	live := ids(mustList(t, s, store.PracticeQuery{}))
	for _, l := range live {
		if l == id {
			t.Errorf("withdrawn practice in ListPractices")
		}
	}
	if len(live) != 2 {
		t.Errorf("ListPractices: %d live practices, want 2", len(live))
	}
	if all := mustList(t, s, store.PracticeQuery{IncludeWithdrawn: true}); len(all) != 3 {
		t.Errorf("ListPractices(IncludeWithdrawn): %d practices, want 3", len(all))
	}
	if ps, err := s.Practices(ctx, []string{id}); err != nil || len(ps) != 1 || ps[0].ID != id {
		t.Errorf("Practices([withdrawn]) = %v, %v; want the withdrawn practice", ps, err)
	}
}

func testWithdrawErrors(t *testing.T, s store.Store) {
	inv := mustSubmit(t, s, submission("limburg", at(1), inputs("l", 2)...))
	id := inv.PracticeIDs[0]
	w := practice.Withdrawal{At: at(2), By: "admin", Reason: "fout"}

	_, err := s.Withdraw(ctx, practice.ID("limburg", "onbekend"), w)
	wantErr(t, "Withdraw(unknown)", err, store.ErrNotFound)
	if _, err := s.Withdraw(ctx, id, w); err != nil {
		t.Fatalf("first Withdraw: %v", err)
	}
	before := takeSnapshot(t, s)
	_, err = s.Withdraw(ctx, id, practice.Withdrawal{At: at(3), By: "admin", Reason: "nog eens"})
	wantErr(t, "second Withdraw", err, store.ErrConflict)
	if errorsIs(err, store.ErrNotFound) {
		t.Errorf("second Withdraw: %q wraps ErrNotFound too", err)
	}
	equal(t, "store after the refused second Withdraw", takeSnapshot(t, s), before)
}

func testWithdrawRevive(t *testing.T, s store.Store) {
	ins := inputs("o", 2)
	mustSubmit(t, s, submission("oost-vlaanderen", at(1), ins...))
	id := practice.ID("oost-vlaanderen", "o-000")
	w := practice.Withdrawal{At: at(2), By: "admin", Reason: "tijdelijk"}
	if _, err := s.Withdraw(ctx, id, w); err != nil {
		t.Fatal(err)
	}
	lastBefore := mustLastSeq(t, s)

	// The same content again: practice.Apply brings it back as version 3.
	inv := mustSubmit(t, s, submission("oost-vlaanderen", at(3), ins...))
	if inv.Created != 0 || inv.Updated != 1 || inv.Unchanged != 1 {
		t.Errorf("counts created/updated/unchanged = %d/%d/%d, want 0/1/1", inv.Created, inv.Updated, inv.Unchanged)
	}
	p := mustPractice(t, s, id)
	if !p.Live() || p.Version != 3 || p.Seq <= lastBefore || p.Inventory != inv.ID || !p.UpdatedAt.Equal(at(3)) {
		t.Errorf("revived practice: live %v version %d seq %d (last before %d) inventory %s updated %s; want live v3, new seq, %s, %s",
			p.Live(), p.Version, p.Seq, lastBefore, p.Inventory, p.UpdatedAt, inv.ID, at(3))
	}
	h := mustHistory(t, s, id)
	if len(h) != 3 {
		t.Fatalf("History has %d revisions, want 3", len(h))
	}
	equal(t, "revision 2 withdrawal", h[1].Withdrawn, &w)
	if h[0].Withdrawn != nil || h[2].Withdrawn != nil {
		t.Errorf("revisions 1 and 3 should be live: %v %v", h[0].Withdrawn, h[2].Withdrawn)
	}
	equalStrings(t, "ListPractices", ids(mustList(t, s, store.PracticeQuery{Region: "oost-vlaanderen"})), sortedIDs("oost-vlaanderen", "o-000", "o-001"))
	// Withdrawing it again works: it is live.
	if _, err := s.Withdraw(ctx, id, practice.Withdrawal{At: at(4), By: "admin"}); err != nil {
		t.Errorf("Withdraw after revival: %v", err)
	}
}

func testEraseContact(t *testing.T, s store.Store) {
	const region = "vlaams-brabant"
	v1 := input("vb-1", "Met contactpersoon")
	v1.Contact = &practice.Contact{Organisation: "OCMW Leuven", Email: "an.janssens@leuven.be", Website: "https://ocmw.leuven.be", Phone: "+32 16 00 00 00"}
	other := input("vb-2", "Andere praktijk")
	other.Content.Contact = &practice.Contact{Organisation: "CAW", Email: "info@caw.be"}
	mustSubmit(t, s, submission(region, at(1), v1, other))
	v2 := v1
	v2.Summary = "Tweede versie."
	v2.Contact = &practice.Contact{Organisation: "OCMW Leuven", Email: "piet.peeters@leuven.be", Website: "https://ocmw.leuven.be"}
	mustSubmit(t, s, submission(region, at(2), v2, other))
	id := practice.ID(region, "vb-1")
	if _, err := s.Withdraw(ctx, id, practice.Withdrawal{At: at(3), By: "admin", Reason: "AVG"}); err != nil {
		t.Fatal(err)
	}
	before := mustPractice(t, s, id)
	otherBefore := mustPractice(t, s, practice.ID(region, "vb-2"))
	lastBefore := mustLastSeq(t, s)

	got, err := s.EraseContact(ctx, id)
	if err != nil {
		t.Fatalf("EraseContact: %v", err)
	}
	want := before
	want.Contact = &practice.Contact{Organisation: "OCMW Leuven", Website: "https://ocmw.leuven.be"}
	want.Hash = practice.ContentHash(want.Content)
	want.Seq = got.Seq
	equal(t, "returned practice", got, want)
	equal(t, "Practice(id)", mustPractice(t, s, id), want)
	if got.Seq <= lastBefore {
		t.Errorf("Seq %d after EraseContact, want > %d so the index drops the personal data", got.Seq, lastBefore)
	}

	h := mustHistory(t, s, id)
	if len(h) != 3 {
		t.Fatalf("History has %d revisions, want 3", len(h))
	}
	for i, r := range h {
		if r.Content.Contact == nil {
			t.Errorf("history[%d]: contact gone, want organisation and website kept", i)
			continue
		}
		if r.Content.Contact.Email != "" || r.Content.Contact.Phone != "" {
			t.Errorf("history[%d]: personal data left: %+v", i, *r.Content.Contact)
		}
		if r.Content.Contact.Organisation != "OCMW Leuven" || r.Content.Contact.Website != "https://ocmw.leuven.be" {
			t.Errorf("history[%d]: contact %+v, want organisation and website kept", i, *r.Content.Contact)
		}
		if r.Version != i+1 || r.Hash != practice.ContentHash(r.Content) {
			t.Errorf("history[%d]: version %d hash %s", i, r.Version, r.Hash)
		}
	}
	if h[0].Content.Summary != v1.Summary || h[1].Content.Summary != v2.Summary || h[2].Withdrawn == nil {
		t.Errorf("EraseContact changed more than the contact: %+v", h)
	}
	equal(t, "another practice", mustPractice(t, s, otherBefore.ID), otherBefore)
	if oh := mustHistory(t, s, otherBefore.ID); oh[0].Content.Contact == nil || oh[0].Content.Contact.Email != "info@caw.be" {
		t.Errorf("another practice's history lost its contact: %+v", oh[0].Content.Contact)
	}

	// Erasing again is harmless.
	again, err := s.EraseContact(ctx, id)
	if err != nil {
		t.Fatalf("second EraseContact: %v", err)
	}
	equal(t, "contact after a second EraseContact", again.Content, want.Content)
}

func testEraseContactCases(t *testing.T, s store.Store) {
	const region = "west-vlaanderen"
	mk := func(ref string, c *practice.Contact) practice.PracticeInput {
		in := input(ref, "Praktijk "+ref)
		in.Contact = c
		return in
	}
	tests := []struct {
		name string
		in   practice.PracticeInput
		want *practice.Contact
	}{
		{"email only becomes nil", mk("e", &practice.Contact{Email: "x@example.org"}), nil},
		{"phone and website", mk("p", &practice.Contact{Phone: "050 00 00 00", Website: "https://w.be"}), &practice.Contact{Website: "https://w.be"}},
		{"no personal data", mk("o", &practice.Contact{Organisation: "Vzw"}), &practice.Contact{Organisation: "Vzw"}},
		{"no contact", mk("n", nil), nil},
	}
	var ins []practice.PracticeInput
	for _, tt := range tests {
		ins = append(ins, tt.in)
	}
	mustSubmit(t, s, submission(region, at(1), ins...))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := practice.ID(region, tt.in.Ref)
			before := mustPractice(t, s, id)
			got, err := s.EraseContact(ctx, id)
			if err != nil {
				t.Fatalf("EraseContact: %v", err)
			}
			equal(t, "contact", got.Contact, tt.want)
			if got.Version != before.Version || !got.UpdatedAt.Equal(before.UpdatedAt) || got.Hash != practice.ContentHash(got.Content) {
				t.Errorf("version %d updated %s hash ok %v; want version %d, updated %s kept and the hash recomputed",
					got.Version, got.UpdatedAt, got.Hash == practice.ContentHash(got.Content), before.Version, before.UpdatedAt)
			}
			equal(t, "history", mustHistory(t, s, id)[0].Content.Contact, tt.want)
		})
	}
	_, err := s.EraseContact(ctx, practice.ID(region, "onbekend"))
	wantErr(t, "EraseContact(unknown)", err, store.ErrNotFound)

	// A later submission with the email in it again is a change the platform
	// makes: an Updated practice with the email back.
	inv := mustSubmit(t, s, submission(region, at(2), ins[0]))
	if inv.Updated != 1 {
		t.Errorf("resubmitting the erased email: updated %d, want 1", inv.Updated)
	}
	if p := mustPractice(t, s, practice.ID(region, "e")); p.Contact == nil || p.Contact.Email != "x@example.org" || p.Version != 2 {
		t.Errorf("after resubmission: contact %+v version %d", p.Contact, p.Version)
	}
}
