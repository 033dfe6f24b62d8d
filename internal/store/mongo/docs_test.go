package mongo

import (
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// These tests need no server: every document type goes through
// bson.Marshal and bson.Unmarshal, as the driver sends and reads it.

var t0 = time.Date(2024, 3, 1, 9, 30, 0, 123_000_000, time.UTC)

func yr(n int) *int { return &n }

// roundTrip marshals d and unmarshals it into a new D, returning the raw
// document too.
func roundTrip[D any](t *testing.T, d D) (D, bson.Raw) {
	t.Helper()
	raw, err := bson.Marshal(d)
	if err != nil {
		t.Fatalf("bson.Marshal(%T): %v", d, err)
	}
	var back D
	if err := bson.Unmarshal(raw, &back); err != nil {
		t.Fatalf("bson.Unmarshal(%T): %v", d, err)
	}
	return back, bson.Raw(raw)
}

func fullContent() practice.Content {
	return practice.Content{
		Title:          "Samen sterk in de buurt: café’s, ontmoeting & zorg",
		Summary:        "Eén plek — « coopération »; €5 per maaltijd 🤝.",
		Description:    "Regels\nmet\ttabs, \"aanhalingstekens\", <html>, Œuvre, ĳverig, İstanbul.",
		Organisations:  []string{"CAW Oost-Vlaanderen", "Vzw Ça Va"},
		Municipalities: []string{"Sint-Niklaas"},
		Krachtlijnen:   []string{"VERBINDEND", "NABIJHEID"},
		Challenges:     []string{"onderbescherming"},
		Actions:        []string{"onderbescherming-1", "oost-vlaanderen:buurtcafes"},
		TargetGroups:   []string{"jongeren"},
		Settings:       []string{"OCMW"},
		SuccessFactors: []string{"laagdrempelig onthaal"},
		Pitfalls:       []string{"te veel papierwerk"},
		Bottlenecks:    []string{"recht op leefloon", ""},
		Functions:      []string{"WAARBORG"},
		ImpactDomains:  []string{"PRAKTIJK", "BELEID"},
		StartYear:      yr(2019),
		EndYear:        yr(2100),
		Links:          []string{"https://example.org/?a=1&b=2"},
		Contact:        &practice.Contact{Organisation: "CAW", Email: "jan@example.org", Website: "https://caw.be", Phone: "+32 3 123 45 67"},
		Language:       "nl",
	}
}

func TestContentRoundTrip(t *testing.T) {
	minimal := practice.Content{Title: "Minimaal", Summary: "Kort.", Krachtlijnen: []string{"NABIJHEID"}, Language: "fr"}
	emptyLists := minimal
	emptyLists.Organisations, emptyLists.Links, emptyLists.Challenges = []string{}, []string{}, []string{}
	onlyStart := minimal
	onlyStart.StartYear = yr(1970)
	onlyEnd := minimal
	onlyEnd.EndYear = yr(2024)
	orgOnly := minimal
	orgOnly.Contact = &practice.Contact{Organisation: "Samenlevingsopbouw"}
	noKrachtlijnen := minimal
	noKrachtlijnen.Krachtlijnen = nil
	emptyKrachtlijnen := minimal
	emptyKrachtlijnen.Krachtlijnen = []string{}

	tests := []struct {
		name string
		c    practice.Content
	}{
		{"every field, unicode", fullContent()},
		{"minimal: years and contact nil", minimal},
		{"empty lists", emptyLists},
		{"start year only", onlyStart},
		{"end year only", onlyEnd},
		{"contact with organisation only", orgOnly},
		{"krachtlijnen nil", noKrachtlijnen},
		{"krachtlijnen empty", emptyKrachtlijnen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			back, raw := roundTrip(t, contentToDoc(tt.c))
			got := contentFromDoc(back)
			if !equalContent(got, tt.c) {
				t.Errorf("content round trip:\n got %+v\nwant %+v", got, tt.c)
			}
			// The hash is what tells unchanged from changed: it must not
			// depend on the trip through BSON.
			if practice.ContentHash(got) != practice.ContentHash(tt.c) {
				t.Errorf("ContentHash changed by the round trip")
			}
			if (got.StartYear == nil) != (tt.c.StartYear == nil) || (got.EndYear == nil) != (tt.c.EndYear == nil) || (got.Contact == nil) != (tt.c.Contact == nil) {
				t.Errorf("nil pointers not kept: start %v end %v contact %v", got.StartYear, got.EndYear, got.Contact)
			}
			// Krachtlijnen are kept exactly, nil as nil and empty as empty.
			if (got.Krachtlijnen == nil) != (tt.c.Krachtlijnen == nil) {
				t.Errorf("krachtlijnen nil = %v, want %v", got.Krachtlijnen == nil, tt.c.Krachtlijnen == nil)
			}
			// Optional values are absent when nil, not null.
			for key, absent := range map[string]bool{"startYear": tt.c.StartYear == nil, "endYear": tt.c.EndYear == nil, "contact": tt.c.Contact == nil, "organisations": len(tt.c.Organisations) == 0} {
				if _, err := raw.LookupErr(key); (err != nil) != absent {
					t.Errorf("field %s present = %v, want %v", key, err == nil, !absent)
				}
			}
			if tt.c.StartYear != nil {
				if v := raw.Lookup("startYear"); v.Type != bson.TypeInt64 || v.Int64() != int64(*tt.c.StartYear) {
					t.Errorf("startYear stored as %s %v", v.Type, v)
				}
			}
		})
	}
}

// equalContent compares as the conformance suite does: empty lists as nil.
func equalContent(a, b practice.Content) bool {
	return reflect.DeepEqual(normContent(a), normContent(b))
}

func normContent(c practice.Content) practice.Content {
	for _, l := range []*[]string{&c.Organisations, &c.Municipalities, &c.Krachtlijnen, &c.Challenges, &c.Actions,
		&c.TargetGroups, &c.Settings, &c.SuccessFactors, &c.Pitfalls, &c.Bottlenecks, &c.Functions, &c.ImpactDomains, &c.Links} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return c
}

func TestEmptyListsComeBackNil(t *testing.T) {
	c := practice.Content{Title: "x", Summary: "y", Krachtlijnen: []string{"NABIJHEID"}, Organisations: []string{}, Links: []string{}}
	back, _ := roundTrip(t, contentToDoc(c))
	got := contentFromDoc(back)
	if got.Organisations != nil || got.Links != nil {
		t.Errorf("empty lists came back as %#v and %#v, want nil (the documented choice)", got.Organisations, got.Links)
	}
}

func TestPracticeRoundTrip(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	live := practice.Practice{
		ID: practice.ID("oost-vlaanderen", "ovl-1"), Region: "oost-vlaanderen", Ref: "ovl-1", Version: 3,
		Content: fullContent(), Seq: 1 << 40, Inventory: "inv_018e0a1b2c3d4abcdef0123456789",
		CreatedAt: t0.In(cet), UpdatedAt: t0.Add(36 * time.Hour).In(cet), Demo: true,
	}
	live.Hash = practice.ContentHash(live.Content)
	gone := live
	gone.Version = 4
	gone.Withdrawn = &practice.Withdrawal{At: t0.Add(48 * time.Hour), By: "platform antwerpen", Reason: "Project stopgezet — geen middelen"}
	gone.Demo = false

	for _, p := range []practice.Practice{live, gone} {
		back, raw := roundTrip(t, practiceToDoc(p))
		got := practiceFromDoc(back)
		if !equalPractice(got, p) {
			t.Errorf("practice round trip:\n got %+v\nwant %+v", got, p)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt in %s, want UTC", got.CreatedAt.Location())
		}
		for _, key := range []string{"createdAt", "updatedAt"} {
			if v := raw.Lookup(key); v.Type != bson.TypeDateTime {
				t.Errorf("%s stored as %s, want a BSON date", key, v.Type)
			}
		}
		if v := raw.Lookup("seq"); v.Type != bson.TypeInt64 || v.Int64() != int64(p.Seq) {
			t.Errorf("seq stored as %s %v", v.Type, v)
		}
		if v := raw.Lookup("_id"); v.StringValue() != p.ID {
			t.Errorf("_id = %v, want the practice id", v)
		}
		_, err := raw.LookupErr("withdrawn")
		if (err == nil) != (p.Withdrawn != nil) {
			t.Errorf("withdrawn present = %v, want %v", err == nil, p.Withdrawn != nil)
		}
		if p.Withdrawn != nil {
			if v := raw.Lookup("withdrawn", "at"); v.Type != bson.TypeDateTime {
				t.Errorf("withdrawn.at stored as %s", v.Type)
			}
		}
	}
}

func equalPractice(a, b practice.Practice) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	if (a.Withdrawn == nil) != (b.Withdrawn == nil) {
		return false
	}
	if a.Withdrawn != nil && (!a.Withdrawn.At.Equal(b.Withdrawn.At) || a.Withdrawn.By != b.Withdrawn.By || a.Withdrawn.Reason != b.Withdrawn.Reason) {
		return false
	}
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	a.Withdrawn, b.Withdrawn = nil, nil
	a.Content, b.Content = normContent(a.Content), normContent(b.Content)
	return reflect.DeepEqual(a, b)
}

func TestTimesAtMillisecondPrecision(t *testing.T) {
	fine := time.Date(2024, 3, 1, 9, 30, 0, 123_456_789, time.FixedZone("CEST", 7200))
	got := fromDate(toDate(fine))
	want := time.Date(2024, 3, 1, 7, 30, 0, 123_000_000, time.UTC)
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("fromDate(toDate(%s)) = %s, want %s", fine, got, want)
	}
	if m := store.Millis(fine); m != got { // == on purpose: the rules keep times as BSON does
		t.Errorf("store.Millis(%s) = %s, a BSON date keeps %s", fine, m, got)
	}
	if got := fromDate(toDate(t0)); !got.Equal(t0) {
		t.Errorf("a millisecond time changed: %s", got)
	}
	if z := fromDate(toDate(time.Time{})); !z.Equal(time.Time{}) {
		t.Errorf("zero time came back as %s", z)
	}
	pre := time.Date(1969, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
	if got := fromDate(toDate(pre)); !got.Equal(pre) {
		t.Errorf("time before 1970 came back as %s", got)
	}
}

func TestRevisionRoundTrip(t *testing.T) {
	p := practice.Practice{ID: practice.ID("limburg", "l-1"), Region: "limburg", Ref: "l-1", Version: 12,
		Content: fullContent(), Inventory: "inv_x", UpdatedAt: t0, Seq: 7}
	p.Hash = practice.ContentHash(p.Content)
	w := p
	w.Withdrawn = &practice.Withdrawal{At: t0.Add(time.Hour), By: "admin", Reason: "AVG"}
	for _, r := range []practice.Revision{practice.RevisionOf(p), practice.RevisionOf(w)} {
		d := revisionToDoc(r)
		if d.ID != p.ID+"/0000000012" {
			t.Errorf("revision _id = %q", d.ID)
		}
		back, raw := roundTrip(t, d)
		got := revisionFromDoc(back)
		if !got.At.Equal(r.At) || got.Version != r.Version || got.PracticeID != r.PracticeID || got.Hash != r.Hash ||
			got.Inventory != r.Inventory || !equalContent(got.Content, r.Content) || (got.Withdrawn == nil) != (r.Withdrawn == nil) {
			t.Errorf("revision round trip:\n got %+v\nwant %+v", got, r)
		}
		if r.Withdrawn != nil && (!got.Withdrawn.At.Equal(r.Withdrawn.At) || got.Withdrawn.Reason != r.Withdrawn.Reason) {
			t.Errorf("withdrawal: got %+v want %+v", got.Withdrawn, r.Withdrawn)
		}
		if v := raw.Lookup("version"); v.Type != bson.TypeInt64 {
			t.Errorf("version stored as %s", v.Type)
		}
	}
	// Revision ids of one practice sort by version.
	if !(revisionID("pr_a", 9) < revisionID("pr_a", 10)) {
		t.Errorf("revision ids do not sort by version: %s, %s", revisionID("pr_a", 9), revisionID("pr_a", 10))
	}
}

func TestInventoryRoundTrip(t *testing.T) {
	full := practice.Inventory{
		ID: "inv_018e0a1b2c3d4abcdef0123456789", Region: "oost-vlaanderen", Title: "Praktijksafari’s 2021-2022",
		SubmittedBy: "Regionaal platform — Gent & Waas", Period: &practice.Period{From: "2021-09-01", To: "2022-06-30"},
		Principal: "storetest", Source: "upload.csv", SubmittedAt: t0, Created: 3, Updated: 2, Unchanged: 1,
		PracticeIDs: []string{"pr_c", "pr_a", "pr_b"}, Demo: true,
	}
	bare := practice.Inventory{ID: "inv_2", Region: "limburg", Title: "x", Principal: "cli", Source: "demo", SubmittedAt: t0}
	emptyIDs := bare
	emptyIDs.PracticeIDs = []string{}
	for _, inv := range []practice.Inventory{full, bare, emptyIDs} {
		back, raw := roundTrip(t, inventoryToDoc(inv))
		got := inventoryFromDoc(back)
		if !got.SubmittedAt.Equal(inv.SubmittedAt) {
			t.Errorf("SubmittedAt %s, want %s", got.SubmittedAt, inv.SubmittedAt)
		}
		got.SubmittedAt = inv.SubmittedAt
		if len(got.PracticeIDs) == 0 && len(inv.PracticeIDs) == 0 {
			got.PracticeIDs = inv.PracticeIDs
		}
		if !reflect.DeepEqual(got, inv) {
			t.Errorf("inventory round trip:\n got %+v\nwant %+v", got, inv)
		}
		if _, err := raw.LookupErr("period"); (err == nil) != (inv.Period != nil) {
			t.Errorf("period present = %v, want %v", err == nil, inv.Period != nil)
		}
	}
}

func TestActionRoundTrip(t *testing.T) {
	tests := []actionplan.Action{
		{ID: "oost-vlaanderen:buurtcafes", ChallengeID: "vermaatschappelijking", Title: "Buurtcafés", Description: "Eén actie — met één initiatief.",
			Initiatives: []actionplan.Initiative{{ID: "oost-vlaanderen:buurtcafes.1", Text: "Een café per deelgemeente"}}, Region: "oost-vlaanderen"},
		{ID: "antwerpen:armoede", ChallengeID: "onderbescherming", Title: "Armoede in beeld", Region: "antwerpen"},
		{ID: "limburg:x", ChallengeID: "innovatie", Title: "X", Region: "limburg", Number: 2, Initiatives: []actionplan.Initiative{}},
	}
	for _, a := range tests {
		back, _ := roundTrip(t, actionToDoc(a))
		got := actionFromDoc(back)
		if len(got.Initiatives) == 0 && len(a.Initiatives) == 0 {
			got.Initiatives = a.Initiatives
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("action round trip:\n got %+v\nwant %+v", got, a)
		}
	}
}

func TestTokenRoundTrip(t *testing.T) {
	revoked := t0.Add(time.Hour)
	tests := []auth.Token{
		{ID: "tok_a", Label: "Platform Brussel — team 2", Region: "brussel", Role: auth.RolePlatform, Hash: "ab12", CreatedAt: t0},
		{ID: "tok_b", Label: "beheer", Role: auth.RoleAdmin, Hash: "cd34", CreatedAt: t0, RevokedAt: &revoked},
	}
	for _, tok := range tests {
		back, raw := roundTrip(t, tokenToDoc(tok))
		got := tokenFromDoc(back)
		if !got.CreatedAt.Equal(tok.CreatedAt) || (got.RevokedAt == nil) != (tok.RevokedAt == nil) ||
			(got.RevokedAt != nil && !got.RevokedAt.Equal(*tok.RevokedAt)) {
			t.Errorf("token times: got %+v want %+v", got, tok)
		}
		got.CreatedAt, got.RevokedAt = tok.CreatedAt, tok.RevokedAt
		if !reflect.DeepEqual(got, tok) {
			t.Errorf("token round trip:\n got %+v\nwant %+v", got, tok)
		}
		if _, err := raw.LookupErr("revokedAt"); (err == nil) != (tok.RevokedAt != nil) {
			t.Errorf("revokedAt present = %v", err == nil)
		}
	}
}

func TestPendingRoundTrip(t *testing.T) {
	inv := inventoryToDoc(practice.Inventory{ID: "inv_1", Region: "limburg", SubmittedAt: t0, PracticeIDs: []string{"pr_1"}})
	h := pendingDoc{ID: pendingSlot, Token: "abc", State: stateReady, LockedAt: toDate(t0), What: "inventaris inv_1", Items: 2, Inventory: &inv}
	back, _ := roundTrip(t, h)
	if !reflect.DeepEqual(back, h) {
		t.Errorf("pending round trip:\n got %+v\nwant %+v", back, h)
	}
	p := practiceToDoc(practice.Practice{ID: "pr_1", Region: "limburg", Ref: "1", Version: 1, Content: fullContent(), Seq: 5, CreatedAt: t0, UpdatedAt: t0})
	r := revisionToDoc(practice.RevisionOf(practiceFromDoc(p)))
	it := pendingItemDoc{ID: "abc/00000000", Token: "abc", N: 0, Practice: &p, Revision: &r}
	backIt, raw := roundTrip(t, it)
	if !reflect.DeepEqual(backIt, it) {
		t.Errorf("pending item round trip:\n got %+v\nwant %+v", backIt, it)
	}
	if _, err := raw.LookupErr("erased"); err == nil {
		t.Errorf("an item without an erased revision stores the field")
	}
}

func TestCounterRoundTrip(t *testing.T) {
	c := counterDoc{ID: counterSeq, Value: 1<<62 + 3}
	back, _ := roundTrip(t, c)
	if back != c {
		t.Errorf("counter round trip: got %+v want %+v", back, c)
	}
}
