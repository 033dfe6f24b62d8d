package storetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// RunCopy checks store.Copy and store.Verify with stores from open, which
// must implement store.Dumper and store.Loader: everything is copied as it
// is (ids, versions, Seqs, times, withdrawals, demo flags, histories,
// inventories, regional actions, token hashes), the copy keeps working as a
// store, a non-empty target is refused, and Verify notices a tampered copy.
// Each subtest opens fresh stores; they are closed when it ends.
func RunCopy(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	fresh := func(t *testing.T) store.Store {
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		if _, ok := s.(store.Dumper); !ok {
			t.Fatalf("%T does not implement store.Dumper", s)
		}
		if _, ok := s.(store.Loader); !ok {
			t.Fatalf("%T does not implement store.Loader", s)
		}
		return s
	}
	copyTo := func(t *testing.T, src store.Store) (store.Store, store.CopyReport) {
		t.Helper()
		dst := fresh(t)
		rep, err := store.Copy(ctx, src.(store.Dumper), dst.(store.Loader))
		if err != nil {
			t.Fatalf("Copy: %v", err)
		}
		return dst, rep
	}

	t.Run("Copy/Everything", func(t *testing.T) {
		src := fresh(t)
		f := fill(t, src)
		dst, rep := copyTo(t, src)
		want := store.CopyReport{Practices: 6, Withdrawn: 1, Demo: 2, Revisions: 9, Inventories: 5, Actions: 2, Tokens: 2, LastSeq: mustLastSeq(t, src)}
		equal(t, "CopyReport", rep, want)
		if _, _, err := store.Verify(ctx, src, dst); err != nil {
			t.Fatalf("Verify after Copy: %v", err)
		}
		checkInvariants(t, dst)

		// The copy answers every read as the source does.
		for _, id := range f.ids {
			equal(t, "Practice("+id+")", mustPractice(t, dst, id), mustPractice(t, src, id))
			equal(t, "History("+id+")", mustHistory(t, dst, id), mustHistory(t, src, id))
		}
		for _, region := range []string{"antwerpen", "limburg", "brussel"} {
			q := store.PracticeQuery{Region: region, IncludeWithdrawn: true}
			equal(t, "ListPractices("+region+")", mustList(t, dst, q), mustList(t, src, q))
			iq := store.InventoryQuery{Region: region}
			a, err1 := src.Inventories(ctx, iq)
			b, err2 := dst.Inventories(ctx, iq)
			if err1 != nil || err2 != nil {
				t.Fatalf("Inventories(%s): %v, %v", region, err1, err2)
			}
			equal(t, "Inventories("+region+")", b, a)
		}
		equal(t, "ChangedSince(0)", mustChanged(t, dst, 0, 0), mustChanged(t, src, 0, 0))
		for _, tok := range f.tokens {
			got, err := dst.TokenByHash(ctx, tok.Hash)
			if err != nil {
				t.Fatalf("TokenByHash(%s) on the copy: %v", tok.ID, err)
			}
			want, _ := src.TokenByHash(ctx, tok.Hash)
			equal(t, "token "+tok.ID, got, want)
		}

		// Writes after the copy get greater Seqs, and an unchanged practice
		// stays unchanged (its hash survived the copy).
		inv := mustSubmit(t, dst, submission("limburg", at(60), input("l-000", "Praktijk l 0"), input("l-new", "Nieuwe praktijk na de verhuis")))
		if inv.Unchanged != 1 || inv.Created != 1 {
			t.Errorf("resubmission on the copy: created %d, unchanged %d; want 1 and 1", inv.Created, inv.Unchanged)
		}
		if p := mustPractice(t, dst, inv.PracticeIDs[1]); p.Seq <= want.LastSeq {
			t.Errorf("new practice on the copy has Seq %d, want > the source's LastSeq %d", p.Seq, want.LastSeq)
		}
		checkInvariants(t, dst)
	})

	t.Run("Copy/Empty", func(t *testing.T) {
		src := fresh(t)
		dst, rep := copyTo(t, src)
		equal(t, "CopyReport of an empty store", rep, store.CopyReport{})
		if _, _, err := store.Verify(ctx, src, dst); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if empty, err := dst.(store.Loader).IsEmpty(ctx); err != nil || !empty {
			t.Errorf("IsEmpty after copying nothing = %v, %v", empty, err)
		}
	})

	t.Run("Copy/ManyBatches", func(t *testing.T) {
		src := fresh(t)
		for i, region := range []string{"antwerpen", "limburg", "brussel"} {
			mustSubmit(t, src, submission(region, at(i), inputs(region[:3], 450)...))
		}
		resubmit := inputs("ant", 450)
		for i := range resubmit[:200] {
			resubmit[i].Content.Summary = "Herziene samenvatting"
		}
		mustSubmit(t, src, submission("antwerpen", at(10), resubmit...))
		dst, rep := copyTo(t, src)
		if rep.Practices != 1350 || rep.Revisions != 1550 {
			t.Errorf("copied %d practices and %d revisions, want 1350 and 1550", rep.Practices, rep.Revisions)
		}
		if _, _, err := store.Verify(ctx, src, dst); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		checkInvariants(t, dst)
	})

	t.Run("Copy/RefusesNonEmptyTarget", func(t *testing.T) {
		src := fresh(t)
		fill(t, src)
		for _, put := range []struct {
			name string
			fn   func(s store.Store) error
		}{
			{"token", func(s store.Store) error {
				return s.CreateToken(ctx, auth.Token{ID: "tok_al", Label: "al daar", Role: auth.RoleAdmin, Hash: "ff01", CreatedAt: at(0)})
			}},
			{"regional action", func(s store.Store) error {
				return s.PutRegionalAction(ctx, actionplan.Action{ID: "limburg:al-daar", ChallengeID: "samenwerking", Title: "Al daar", Region: "limburg"})
			}},
			{"practice", func(s store.Store) error {
				_, err := s.Submit(ctx, submission("brussel", at(0), input("b-al", "Al in het doel")))
				return err
			}},
		} {
			t.Run(put.name, func(t *testing.T) {
				dst := fresh(t)
				if err := put.fn(dst); err != nil {
					t.Fatal(err)
				}
				before, err := store.Summarize(ctx, dst)
				if err != nil {
					t.Fatal(err)
				}
				if empty, err := dst.(store.Loader).IsEmpty(ctx); err != nil || empty {
					t.Fatalf("IsEmpty with a %s = %v, %v; want false", put.name, empty, err)
				}
				_, err = store.Copy(ctx, src.(store.Dumper), dst.(store.Loader))
				wantErr(t, "Copy into a store with a "+put.name, err, store.ErrNotEmpty)
				after, err := store.Summarize(ctx, dst)
				if err != nil {
					t.Fatal(err)
				}
				if d := store.Differences(before, after); len(d) > 0 {
					t.Errorf("a refused Copy changed the target: %v", d)
				}
			})
		}
	})

	t.Run("Verify/NoticesTampering", func(t *testing.T) {
		tests := []struct {
			name   string
			tamper func(t *testing.T, dst store.Store, f filled)
			want   string
		}{
			{"withdrawn in the copy", func(t *testing.T, dst store.Store, f filled) {
				if _, err := dst.Withdraw(ctx, f.ids[0], practice.Withdrawal{At: at(90), By: "sabotage"}); err != nil {
					t.Fatal(err)
				}
			}, "practice " + "%s"},
			{"contact erased in the copy", func(t *testing.T, dst store.Store, f filled) {
				if _, err := dst.EraseContact(ctx, f.withContact); err != nil {
					t.Fatal(err)
				}
			}, "practice %c"},
			{"extra practice", func(t *testing.T, dst store.Store, f filled) {
				mustSubmit(t, dst, submission("brussel", at(91), input("b-extra", "Een te veel")))
			}, "in the target but not in the source"},
			{"regional action changed", func(t *testing.T, dst store.Store, f filled) {
				if err := dst.PutRegionalAction(ctx, actionplan.Action{ID: "limburg:zorgzame-buurt", ChallengeID: "samenwerking", Title: "Anders", Region: "limburg"}); err != nil {
					t.Fatal(err)
				}
			}, "regional actions differ"},
			{"token revoked", func(t *testing.T, dst store.Store, f filled) {
				if err := dst.RevokeToken(ctx, f.tokens[0].ID, at(92)); err != nil {
					t.Fatal(err)
				}
			}, "tokens differ"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				src := fresh(t)
				f := fill(t, src)
				dst, _ := copyTo(t, src)
				tt.tamper(t, dst, f)
				_, _, err := store.Verify(ctx, src, dst)
				want := strings.ReplaceAll(strings.ReplaceAll(tt.want, "%s", f.ids[0]), "%c", f.withContact)
				if !errors.Is(err, store.ErrMismatch) || !strings.Contains(err.Error(), want) {
					t.Errorf("Verify after %s = %v; want ErrMismatch mentioning %q", tt.name, err, want)
				}
			})
		}
	})
}

// filled is what fill wrote.
type filled struct {
	ids         []string // every practice id
	withContact string   // a practice whose contact has an email
	tokens      []auth.Token
}

// fill gives s some of everything: practices with several versions, a
// withdrawal, an erased contact, demo practices, regional actions and tokens
// (one revoked).
func fill(t *testing.T, s store.Store) filled {
	t.Helper()
	var f filled
	a := inputs("a", 2)
	a[0].Content.StartYear = intp(2021)
	a[0].Content.Contact = &practice.Contact{Organisation: "CAW", Email: "info@caw.example", Phone: "03 123 45 67"}
	a[1].Content.Contact = &practice.Contact{Organisation: "OCMW", Email: "ocmw@antwerpen.example"}
	inv := mustSubmit(t, s, submission("antwerpen", at(1), a...))
	f.ids = append(f.ids, inv.PracticeIDs...)
	f.withContact = inv.PracticeIDs[1]

	a[0].Content.Summary = "Bijgestuurd na een jaar"
	a[0].Content.Challenges = []string{"onderbescherming"}
	mustSubmit(t, s, submission("antwerpen", at(2), a...)) // a-000 v2

	l := inputs("l", 2)
	inv = mustSubmit(t, s, submission("limburg", at(3), l...))
	f.ids = append(f.ids, inv.PracticeIDs...)
	if _, err := s.Withdraw(ctx, inv.PracticeIDs[1], practice.Withdrawal{At: at(4), By: "platform limburg", Reason: "Gestopt"}); err != nil {
		t.Fatalf("Withdraw: %v", err)
	}
	if _, err := s.EraseContact(ctx, f.ids[0]); err != nil {
		t.Fatalf("EraseContact: %v", err)
	}

	demo := submission("brussel", at(5), inputs("demo", 2)...)
	demo.Inventory.Demo = true
	demo.Inventory.Source = "demo"
	inv = mustSubmit(t, s, demo)
	f.ids = append(f.ids, inv.PracticeIDs...)
	// 6 practices; versions: a-000 2, a-001 1, l-000 1, l-001 2, demo 1+1 = 8 …
	// plus a-000's EraseContact keeps its version: 8 revisions; one more below.
	a[1].Content.Title = "Praktijk a 1 (herzien)"
	mustSubmit(t, s, submission("antwerpen", at(6), a[1])) // a-001 v2: 9 revisions, 5 inventories

	for _, act := range []actionplan.Action{
		{ID: "limburg:zorgzame-buurt", ChallengeID: "samenwerking", Title: "Zorgzame buurten", Region: "limburg",
			Initiatives: []actionplan.Initiative{{ID: "limburg:zorgzame-buurt.1", Text: "Buurtnetwerken"}}},
		{ID: "antwerpen:armoede-in-beeld", ChallengeID: "onderbescherming", Title: "Armoede in beeld", Region: "antwerpen"},
	} {
		if err := s.PutRegionalAction(ctx, act); err != nil {
			t.Fatalf("PutRegionalAction: %v", err)
		}
	}
	revoked := at(8)
	f.tokens = []auth.Token{
		{ID: "tok_limburg", Label: "Platform Limburg", Region: "limburg", Role: auth.RolePlatform, Hash: "a1b2c3", CreatedAt: at(7)},
		{ID: "tok_oud", Label: "Oud", Region: "antwerpen", Role: auth.RolePlatform, Hash: "d4e5f6", CreatedAt: at(7).Add(time.Second), RevokedAt: &revoked},
	}
	for _, tok := range f.tokens {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
	}
	if n := len(f.ids); n != 6 {
		panic(fmt.Sprintf("fill wrote %d practices", n))
	}
	return f
}
