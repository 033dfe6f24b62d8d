package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var actionTests = []subtest{
	{name: "RegionalActions/PutAndList", run: testRegionalActions},
	{name: "RegionalActions/Rejects", run: testRegionalActionRejects},
}

var tokenTests = []subtest{
	{name: "Tokens/CreateAndFind", run: testTokens},
	{name: "Tokens/Conflicts", run: testTokenConflicts},
	{name: "Tokens/Revoke", run: testRevokeToken},
}

var contextTests = []subtest{
	{name: "Context/CancelledCalls", run: testCancelledCalls},
	{name: "Context/CancelledDuringScan", run: testCancelledScan},
}

var miscTests = []subtest{
	{name: "Ping/AfterClose", run: testPingClose, closes: true},
}

func testRegionalActions(t *testing.T, s store.Store) {
	if got, err := s.RegionalActions(ctx); err != nil || len(got) != 0 {
		t.Fatalf("RegionalActions on an empty store = %v, %v", got, err)
	}
	cafes := actionplan.Action{
		ID: "oost-vlaanderen:buurtcafes", ChallengeID: "vermaatschappelijking", Title: "Buurtcafés als ontmoetingsplek",
		Description: "Een actie van het regionaal platform — met één initiatief.",
		Initiatives: []actionplan.Initiative{{ID: "oost-vlaanderen:buurtcafes.1", Text: "Een café per deelgemeente"}, {ID: "oost-vlaanderen:buurtcafes.2", Text: "Vrijwilligers opleiden"}},
		Region:      "oost-vlaanderen",
	}
	armoede := actionplan.Action{ID: "antwerpen:armoede-in-beeld", ChallengeID: "onderbescherming", Title: "Armoede in beeld", Region: "antwerpen"}
	zorg := actionplan.Action{ID: "limburg:zorgzame-buurt", ChallengeID: "samenwerking", Title: "Zorgzame buurten", Region: "limburg",
		Initiatives: []actionplan.Initiative{{ID: "limburg:zorgzame-buurt.1", Text: "Buurtnetwerken"}}}
	for _, a := range []actionplan.Action{cafes, zorg, armoede} {
		if err := s.PutRegionalAction(ctx, a); err != nil {
			t.Fatalf("PutRegionalAction(%s): %v", a.ID, err)
		}
	}
	got, err := s.RegionalActions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "RegionalActions ordered by id", got, []actionplan.Action{armoede, zorg, cafes})

	// Put again replaces.
	cafes2 := cafes
	cafes2.Title = "Buurtcafés (herzien)"
	cafes2.Initiatives = cafes.Initiatives[:1]
	cafes2.Description = ""
	if err := s.PutRegionalAction(ctx, cafes2); err != nil {
		t.Fatal(err)
	}
	got, err = s.RegionalActions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "RegionalActions after a replace", got, []actionplan.Action{armoede, zorg, cafes2})

	// Delete removes one; an unknown id is ErrNotFound.
	if err := s.DeleteRegionalAction(ctx, zorg.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRegionalAction(ctx, zorg.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting it again: err = %v, want ErrNotFound", err)
	}
	got, err = s.RegionalActions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "RegionalActions after a delete", got, []actionplan.Action{armoede, cafes2})
}

func testRegionalActionRejects(t *testing.T, s store.Store) {
	tests := []struct {
		name string
		a    actionplan.Action
	}{
		{"no region", actionplan.Action{ID: "digitalisering-9", ChallengeID: "digitalisering", Title: "Geen regionale actie"}},
		{"no id", actionplan.Action{ChallengeID: "digitalisering", Title: "Zonder id", Region: "limburg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.PutRegionalAction(ctx, tt.a); err == nil {
				t.Errorf("PutRegionalAction(%+v) = nil, want an error", tt.a)
			}
		})
	}
	if got, err := s.RegionalActions(ctx); err != nil || len(got) != 0 {
		t.Errorf("RegionalActions after rejected puts = %v, %v; want none", got, err)
	}
}

func token(id, label, region string, created time.Time) auth.Token {
	return auth.Token{ID: id, Label: label, Region: region, Role: auth.RolePlatform,
		Hash: fmt.Sprintf("%064x", []byte(id))[:64], CreatedAt: created}
}

// seedTokens creates three tokens whose ids do not sort in creation order.
func seedTokens(t *testing.T, s store.Store) []auth.Token {
	t.Helper()
	toks := []auth.Token{
		token("tok_c", "Platform Limburg", "limburg", at(1)),
		token("tok_a", "Platform Brussel — team 2", "brussel", at(2)),
		{ID: "tok_b", Label: "beheer", Role: auth.RoleAdmin, Hash: "ab" + fmt.Sprintf("%062d", 7), CreatedAt: at(3)},
	}
	for _, tok := range []auth.Token{toks[1], toks[2], toks[0]} { // stored out of order
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatalf("CreateToken(%s): %v", tok.ID, err)
		}
	}
	return toks
}

func testTokens(t *testing.T, s store.Store) {
	if got, err := s.Tokens(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Tokens on an empty store = %v, %v", got, err)
	}
	toks := seedTokens(t, s)
	got, err := s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Tokens ordered by creation", got, toks)
	for _, tok := range toks {
		byHash, err := s.TokenByHash(ctx, tok.Hash)
		if err != nil {
			t.Fatalf("TokenByHash(%s): %v", tok.Hash, err)
		}
		equal(t, "TokenByHash "+tok.ID, byHash, tok)
		if !byHash.Active() {
			t.Errorf("token %s not active", tok.ID)
		}
	}
	_, err = s.TokenByHash(ctx, fmt.Sprintf("%064d", 0))
	wantErr(t, "TokenByHash(unknown)", err, store.ErrNotFound)
	_, err = s.TokenByHash(ctx, "")
	wantErr(t, `TokenByHash("")`, err, store.ErrNotFound)
}

func testTokenConflicts(t *testing.T, s store.Store) {
	toks := seedTokens(t, s)
	tests := []struct {
		name string
		tok  auth.Token
	}{
		{"same id", auth.Token{ID: toks[0].ID, Label: "ander", Region: "limburg", Role: auth.RolePlatform, Hash: fmt.Sprintf("%064d", 1), CreatedAt: at(9)}},
		{"same hash", auth.Token{ID: "tok_z", Label: "ander", Region: "antwerpen", Role: auth.RolePlatform, Hash: toks[1].Hash, CreatedAt: at(9)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, "CreateToken", s.CreateToken(ctx, tt.tok), store.ErrConflict)
			got, err := s.Tokens(ctx)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, "Tokens after the refused create", got, toks)
			_, err = s.TokenByHash(ctx, fmt.Sprintf("%064d", 1))
			wantErr(t, "TokenByHash of the refused token", err, store.ErrNotFound)
		})
	}
}

func testRevokeToken(t *testing.T, s store.Store) {
	toks := seedTokens(t, s)
	wantErr(t, "RevokeToken(unknown)", s.RevokeToken(ctx, "tok_onbekend", at(5)), store.ErrNotFound)
	if err := s.RevokeToken(ctx, toks[1].ID, at(5)); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	got, err := s.TokenByHash(ctx, toks[1].Hash)
	if err != nil {
		t.Fatal(err)
	}
	want := toks[1]
	revoked := at(5)
	want.RevokedAt = &revoked
	equal(t, "revoked token", got, want)
	if got.Active() {
		t.Errorf("revoked token still active")
	}
	all, err := s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Tokens after a revoke", all, []auth.Token{toks[0], want, toks[2]})
}

// testCancelledCalls calls every method with a cancelled context: each returns
// an error wrapping context.Canceled, and nothing changes.
func testCancelledCalls(t *testing.T, s store.Store) {
	inv := mustSubmit(t, s, submission("limburg", at(1), inputs("l", 3)...))
	tok := token("tok_x", "x", "limburg", at(1))
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	id := inv.PracticeIDs[0]
	before := takeSnapshot(t, s)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	calls := []struct {
		name string
		call func(context.Context) error
	}{
		{"Practice", func(c context.Context) error { _, err := s.Practice(c, id); return err }},
		{"Practices", func(c context.Context) error { _, err := s.Practices(c, []string{id}); return err }},
		{"ListPractices", func(c context.Context) error { _, err := s.ListPractices(c, store.PracticeQuery{}); return err }},
		{"ScanPractices", func(c context.Context) error {
			return s.ScanPractices(c, func(practice.Practice) error { return nil })
		}},
		{"ChangedSince", func(c context.Context) error { _, err := s.ChangedSince(c, 0, 10); return err }},
		{"LastSeq", func(c context.Context) error { _, err := s.LastSeq(c); return err }},
		{"History", func(c context.Context) error { _, err := s.History(c, id); return err }},
		{"Submit", func(c context.Context) error {
			_, err := s.Submit(c, submission("brussel", at(2), inputs("b", 2)...))
			return err
		}},
		{"Submit (update)", func(c context.Context) error {
			sub := submission("limburg", at(2), inputs("l", 3)...)
			sub.Practices[0].Summary = "Anders."
			_, err := s.Submit(c, sub)
			return err
		}},
		{"Withdraw", func(c context.Context) error {
			_, err := s.Withdraw(c, id, practice.Withdrawal{At: at(3), By: "admin"})
			return err
		}},
		{"EraseContact", func(c context.Context) error { _, err := s.EraseContact(c, id); return err }},
		{"Inventory", func(c context.Context) error { _, err := s.Inventory(c, inv.ID); return err }},
		{"Inventories", func(c context.Context) error { _, err := s.Inventories(c, store.InventoryQuery{}); return err }},
		{"PutRegionalAction", func(c context.Context) error {
			return s.PutRegionalAction(c, actionplan.Action{ID: "limburg:x", ChallengeID: "innovatie", Title: "X", Region: "limburg"})
		}},
		{"RegionalActions", func(c context.Context) error { _, err := s.RegionalActions(c); return err }},
		{"CreateToken", func(c context.Context) error { return s.CreateToken(c, token("tok_y", "y", "brussel", at(2))) }},
		{"TokenByHash", func(c context.Context) error { _, err := s.TokenByHash(c, tok.Hash); return err }},
		{"Tokens", func(c context.Context) error { _, err := s.Tokens(c); return err }},
		{"RevokeToken", func(c context.Context) error { return s.RevokeToken(c, tok.ID, at(4)) }},
		{"Ping", func(c context.Context) error { return s.Ping(c) }},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.name+" with a cancelled context", tt.call(cancelled), context.Canceled)
		})
	}
	equal(t, "store after cancelled calls", takeSnapshot(t, s), before)
	if got, err := s.RegionalActions(ctx); err != nil || len(got) != 0 {
		t.Errorf("RegionalActions = %v, %v; want none", got, err)
	}
	toks, err := s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "Tokens after cancelled calls", toks, []auth.Token{tok})
}

func testCancelledScan(t *testing.T, s store.Store) {
	mustSubmit(t, s, submission("antwerpen", at(1), inputs("a", 5)...))
	c, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	err := s.ScanPractices(c, func(practice.Practice) error {
		calls++
		cancel()
		return nil
	})
	wantErr(t, "ScanPractices cancelled in fn", err, context.Canceled)
	if calls != 1 {
		t.Errorf("fn called %d times after the context was cancelled in the first call, want 1", calls)
	}
}

func testPingClose(t *testing.T, s store.Store) {
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wantErr(t, "Ping after Close", s.Ping(ctx), store.ErrUnavailable)
}
