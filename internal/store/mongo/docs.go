package mongo

import (
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// The BSON documents of the store. Every collection has its own explicit
// document type here; the domain types are never handed to the driver, so a
// field renamed in the domain cannot silently change what is stored.
//
// Conventions:
//   - Times are BSON dates (milliseconds, UTC); see toDate and fromDate.
//   - Integers are int64; Seq (uint64 in the domain) is an int64 too, as BSON
//     has no unsigned integers.
//   - Lists that the v1 JSON marks omitempty are omitted when empty and come
//     back nil: the conformance suite treats nil and empty lists alike, and
//     practice.ContentHash gives the same hash for both. Krachtlijnen and the
//     other lists without omitempty in their JSON (inventory practiceIds,
//     action initiatives) are stored as they are, null or array, so that a
//     hash over them recomputes identically.
//   - Optional values (years, contact, period, withdrawal, revokedAt) are
//     pointers: nil is omitted, and a missing field decodes to nil.

// contactDoc is practice.Contact.
type contactDoc struct {
	Organisation string `bson:"organisation,omitempty"`
	Email        string `bson:"email,omitempty"`
	Website      string `bson:"website,omitempty"`
	Phone        string `bson:"phone,omitempty"`
}

// contentDoc is practice.Content, the v1 fields.
type contentDoc struct {
	Title          string      `bson:"title"`
	Summary        string      `bson:"summary"`
	Description    string      `bson:"description,omitempty"`
	Organisations  []string    `bson:"organisations,omitempty"`
	Municipalities []string    `bson:"municipalities,omitempty"`
	Krachtlijnen   []string    `bson:"krachtlijnen"`
	Challenges     []string    `bson:"challenges,omitempty"`
	Actions        []string    `bson:"actions,omitempty"`
	TargetGroups   []string    `bson:"targetGroups,omitempty"`
	Settings       []string    `bson:"settings,omitempty"`
	SuccessFactors []string    `bson:"successFactors,omitempty"`
	Pitfalls       []string    `bson:"pitfalls,omitempty"`
	Bottlenecks    []string    `bson:"bottlenecks,omitempty"`
	Functions      []string    `bson:"functions,omitempty"`
	ImpactDomains  []string    `bson:"impactDomains,omitempty"`
	StartYear      *int64      `bson:"startYear,omitempty"`
	EndYear        *int64      `bson:"endYear,omitempty"`
	Links          []string    `bson:"links,omitempty"`
	Contact        *contactDoc `bson:"contact,omitempty"`
	Language       string      `bson:"language"`
}

// withdrawalDoc is practice.Withdrawal.
type withdrawalDoc struct {
	At     bson.DateTime `bson:"at"`
	By     string        `bson:"by"`
	Reason string        `bson:"reason"`
}

// practiceDoc is a document of the practices collection: the current state of
// one practice, _id its practice id.
type practiceDoc struct {
	ID        string         `bson:"_id"`
	Region    string         `bson:"region"`
	Ref       string         `bson:"ref"`
	Version   int64          `bson:"version"`
	Content   contentDoc     `bson:"content"`
	Hash      string         `bson:"hash"`
	Seq       int64          `bson:"seq"`
	Inventory string         `bson:"inventory"`
	CreatedAt bson.DateTime  `bson:"createdAt"`
	UpdatedAt bson.DateTime  `bson:"updatedAt"`
	Withdrawn *withdrawalDoc `bson:"withdrawn,omitempty"`
	Demo      bool           `bson:"demo,omitempty"`
}

// revisionDoc is a document of the revisions collection: one version of a
// practice. Its _id is revisionID(practiceId, version), so writing the same
// revision twice (a roll-forward) is idempotent.
type revisionDoc struct {
	ID         string         `bson:"_id"`
	PracticeID string         `bson:"practiceId"`
	Version    int64          `bson:"version"`
	Inventory  string         `bson:"inventory"`
	At         bson.DateTime  `bson:"at"`
	Content    contentDoc     `bson:"content"`
	Hash       string         `bson:"hash"`
	Withdrawn  *withdrawalDoc `bson:"withdrawn,omitempty"`
}

// periodDoc is practice.Period.
type periodDoc struct {
	From string `bson:"from,omitempty"`
	To   string `bson:"to,omitempty"`
}

// inventoryDoc is a document of the inventories collection: one recorded
// submission, _id its inventory id (ids sort by time).
type inventoryDoc struct {
	ID          string        `bson:"_id"`
	Region      string        `bson:"region"`
	Title       string        `bson:"title"`
	SubmittedBy string        `bson:"submittedBy,omitempty"`
	Period      *periodDoc    `bson:"period,omitempty"`
	Principal   string        `bson:"principal"`
	Source      string        `bson:"source"`
	SubmittedAt bson.DateTime `bson:"submittedAt"`
	Created     int64         `bson:"created"`
	Updated     int64         `bson:"updated"`
	Unchanged   int64         `bson:"unchanged"`
	PracticeIDs []string      `bson:"practiceIds"`
	Demo        bool          `bson:"demo,omitempty"`
}

// initiativeDoc is actionplan.Initiative.
type initiativeDoc struct {
	ID   string `bson:"id"`
	Text string `bson:"text"`
}

// actionDoc is a document of the regional_actions collection, _id the action id.
type actionDoc struct {
	ID          string          `bson:"_id"`
	ChallengeID string          `bson:"challenge"`
	Number      int64           `bson:"number"`
	Title       string          `bson:"title"`
	Description string          `bson:"description,omitempty"`
	Initiatives []initiativeDoc `bson:"initiatives"`
	Region      string          `bson:"region"`
}

// tokenDoc is a document of the tokens collection, _id the token id; the hash
// has a unique index.
type tokenDoc struct {
	ID        string         `bson:"_id"`
	Label     string         `bson:"label"`
	Region    string         `bson:"region,omitempty"`
	Role      string         `bson:"role"`
	Hash      string         `bson:"hash"`
	CreatedAt bson.DateTime  `bson:"createdAt"`
	RevokedAt *bson.DateTime `bson:"revokedAt,omitempty"`
}

// counterDoc is a document of the counters collection; _id "seq" holds the
// last Seq given out.
type counterDoc struct {
	ID    string `bson:"_id"`
	Value int64  `bson:"value"`
}

// ---- times ----

// toDate is how every time is stored: a BSON date, milliseconds since the
// epoch. Finer precision is dropped (truncated, as the embedded store does).
func toDate(t time.Time) bson.DateTime { return bson.NewDateTimeFromTime(t) }

// fromDate returns a stored time in UTC.
func fromDate(d bson.DateTime) time.Time { return d.Time().UTC() }

// ---- conversions ----

func int64p(p *int) *int64 {
	if p == nil {
		return nil
	}
	n := int64(*p)
	return &n
}

func intp(p *int64) *int {
	if p == nil {
		return nil
	}
	n := int(*p)
	return &n
}

func contentToDoc(c practice.Content) contentDoc {
	d := contentDoc{
		Title: c.Title, Summary: c.Summary, Description: c.Description,
		Organisations: c.Organisations, Municipalities: c.Municipalities,
		Krachtlijnen: c.Krachtlijnen, Challenges: c.Challenges, Actions: c.Actions,
		TargetGroups: c.TargetGroups, Settings: c.Settings,
		SuccessFactors: c.SuccessFactors, Pitfalls: c.Pitfalls, Bottlenecks: c.Bottlenecks,
		Functions: c.Functions, ImpactDomains: c.ImpactDomains,
		StartYear: int64p(c.StartYear), EndYear: int64p(c.EndYear),
		Links: c.Links, Language: c.Language,
	}
	if c.Contact != nil {
		d.Contact = &contactDoc{Organisation: c.Contact.Organisation, Email: c.Contact.Email,
			Website: c.Contact.Website, Phone: c.Contact.Phone}
	}
	return d
}

func contentFromDoc(d contentDoc) practice.Content {
	c := practice.Content{
		Title: d.Title, Summary: d.Summary, Description: d.Description,
		Organisations: d.Organisations, Municipalities: d.Municipalities,
		Krachtlijnen: d.Krachtlijnen, Challenges: d.Challenges, Actions: d.Actions,
		TargetGroups: d.TargetGroups, Settings: d.Settings,
		SuccessFactors: d.SuccessFactors, Pitfalls: d.Pitfalls, Bottlenecks: d.Bottlenecks,
		Functions: d.Functions, ImpactDomains: d.ImpactDomains,
		StartYear: intp(d.StartYear), EndYear: intp(d.EndYear),
		Links: d.Links, Language: d.Language,
	}
	if d.Contact != nil {
		c.Contact = &practice.Contact{Organisation: d.Contact.Organisation, Email: d.Contact.Email,
			Website: d.Contact.Website, Phone: d.Contact.Phone}
	}
	return c
}

func withdrawalToDoc(w *practice.Withdrawal) *withdrawalDoc {
	if w == nil {
		return nil
	}
	return &withdrawalDoc{At: toDate(w.At), By: w.By, Reason: w.Reason}
}

func withdrawalFromDoc(d *withdrawalDoc) *practice.Withdrawal {
	if d == nil {
		return nil
	}
	return &practice.Withdrawal{At: fromDate(d.At), By: d.By, Reason: d.Reason}
}

// seqToDoc converts a Seq; Seqs come from an int64 counter, so they fit.
func seqToDoc(seq uint64) int64 {
	if seq > 1<<63-1 {
		panic(fmt.Sprintf("mongo: Seq %d does not fit in a BSON int64", seq))
	}
	return int64(seq)
}

func practiceToDoc(p practice.Practice) practiceDoc {
	return practiceDoc{
		ID: p.ID, Region: p.Region, Ref: p.Ref, Version: int64(p.Version),
		Content: contentToDoc(p.Content), Hash: p.Hash, Seq: seqToDoc(p.Seq),
		Inventory: p.Inventory, CreatedAt: toDate(p.CreatedAt), UpdatedAt: toDate(p.UpdatedAt),
		Withdrawn: withdrawalToDoc(p.Withdrawn), Demo: p.Demo,
	}
}

func practiceFromDoc(d practiceDoc) practice.Practice {
	return practice.Practice{
		ID: d.ID, Region: d.Region, Ref: d.Ref, Version: int(d.Version),
		Content: contentFromDoc(d.Content), Hash: d.Hash, Seq: uint64(d.Seq),
		Inventory: d.Inventory, CreatedAt: fromDate(d.CreatedAt), UpdatedAt: fromDate(d.UpdatedAt),
		Withdrawn: withdrawalFromDoc(d.Withdrawn), Demo: d.Demo,
	}
}

// revisionID is the _id of a revision: the practice id and the version,
// zero-padded so that ids of one practice sort by version.
func revisionID(practiceID string, version int) string {
	return fmt.Sprintf("%s/%010d", practiceID, version)
}

func revisionToDoc(r practice.Revision) revisionDoc {
	return revisionDoc{
		ID: revisionID(r.PracticeID, r.Version), PracticeID: r.PracticeID, Version: int64(r.Version),
		Inventory: r.Inventory, At: toDate(r.At), Content: contentToDoc(r.Content), Hash: r.Hash,
		Withdrawn: withdrawalToDoc(r.Withdrawn),
	}
}

func revisionFromDoc(d revisionDoc) practice.Revision {
	return practice.Revision{
		PracticeID: d.PracticeID, Version: int(d.Version), Inventory: d.Inventory,
		At: fromDate(d.At), Content: contentFromDoc(d.Content), Hash: d.Hash,
		Withdrawn: withdrawalFromDoc(d.Withdrawn),
	}
}

func inventoryToDoc(inv practice.Inventory) inventoryDoc {
	d := inventoryDoc{
		ID: inv.ID, Region: inv.Region, Title: inv.Title, SubmittedBy: inv.SubmittedBy,
		Principal: inv.Principal, Source: inv.Source, SubmittedAt: toDate(inv.SubmittedAt),
		Created: int64(inv.Created), Updated: int64(inv.Updated), Unchanged: int64(inv.Unchanged),
		PracticeIDs: inv.PracticeIDs, Demo: inv.Demo,
	}
	if inv.Period != nil {
		d.Period = &periodDoc{From: inv.Period.From, To: inv.Period.To}
	}
	return d
}

func inventoryFromDoc(d inventoryDoc) practice.Inventory {
	inv := practice.Inventory{
		ID: d.ID, Region: d.Region, Title: d.Title, SubmittedBy: d.SubmittedBy,
		Principal: d.Principal, Source: d.Source, SubmittedAt: fromDate(d.SubmittedAt),
		Created: int(d.Created), Updated: int(d.Updated), Unchanged: int(d.Unchanged),
		PracticeIDs: d.PracticeIDs, Demo: d.Demo,
	}
	if d.Period != nil {
		inv.Period = &practice.Period{From: d.Period.From, To: d.Period.To}
	}
	return inv
}

func actionToDoc(a actionplan.Action) actionDoc {
	d := actionDoc{ID: a.ID, ChallengeID: a.ChallengeID, Number: int64(a.Number), Title: a.Title,
		Description: a.Description, Region: a.Region}
	if a.Initiatives != nil {
		d.Initiatives = make([]initiativeDoc, len(a.Initiatives))
		for i, in := range a.Initiatives {
			d.Initiatives[i] = initiativeDoc{ID: in.ID, Text: in.Text}
		}
	}
	return d
}

func actionFromDoc(d actionDoc) actionplan.Action {
	a := actionplan.Action{ID: d.ID, ChallengeID: d.ChallengeID, Number: int(d.Number), Title: d.Title,
		Description: d.Description, Region: d.Region}
	if d.Initiatives != nil {
		a.Initiatives = make([]actionplan.Initiative, len(d.Initiatives))
		for i, in := range d.Initiatives {
			a.Initiatives[i] = actionplan.Initiative{ID: in.ID, Text: in.Text}
		}
	}
	return a
}

func tokenToDoc(t auth.Token) tokenDoc {
	d := tokenDoc{ID: t.ID, Label: t.Label, Region: t.Region, Role: string(t.Role), Hash: t.Hash,
		CreatedAt: toDate(t.CreatedAt)}
	if t.RevokedAt != nil {
		r := toDate(*t.RevokedAt)
		d.RevokedAt = &r
	}
	return d
}

func tokenFromDoc(d tokenDoc) auth.Token {
	t := auth.Token{ID: d.ID, Label: d.Label, Region: d.Region, Role: auth.Role(d.Role), Hash: d.Hash,
		CreatedAt: fromDate(d.CreatedAt)}
	if d.RevokedAt != nil {
		r := fromDate(*d.RevokedAt)
		t.RevokedAt = &r
	}
	return t
}
