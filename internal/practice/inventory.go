package practice

import (
	"encoding/json"
	"time"
)

// InventoryInput is one submission in the inventory exchange format v1. The same
// shape is the GraphQL InventoryInput, so a v1 file posts unchanged.
type InventoryInput struct {
	Format      string          `json:"format,omitempty"`
	Region      string          `json:"region"`
	Title       string          `json:"title"`
	SubmittedBy string          `json:"submittedBy,omitempty"`
	Period      *Period         `json:"period,omitempty"`
	Practices   []PracticeInput `json:"practices"`
}

// Period is the time span an inventory covers; dates are YYYY-MM-DD.
type Period struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// PracticeInput is one practice of an inventory: its ref and its v1 content.
type PracticeInput struct {
	Ref string `json:"ref"`
	Content
}

// Inventory is the record of one submission.
type Inventory struct {
	ID          string    `json:"id"`
	Region      string    `json:"region"`
	Title       string    `json:"title"`
	SubmittedBy string    `json:"submittedBy,omitempty"`
	Period      *Period   `json:"period,omitempty"`
	Principal   string    `json:"principal"` // who sent it: the token's label, "admin", "cli"
	Source      string    `json:"source"`    // "graphql", "upload.csv", "import.xlsx", "demo", ...
	SubmittedAt time.Time `json:"submittedAt"`
	Created     int       `json:"created"`
	Updated     int       `json:"updated"`
	Unchanged   int       `json:"unchanged"`
	PracticeIDs []string  `json:"practiceIds"` // in submission order
	Demo        bool      `json:"demo,omitempty"`
}

// Outcome is what a submission did to one practice.
type Outcome int

const (
	Created Outcome = iota + 1
	Updated
	Unchanged
)

// ContentHash is a stable digest of the v1 content, used to tell an unchanged
// practice from a changed one. Content must be normalised first.
func ContentHash(c Content) string {
	b, err := json.Marshal(c)
	if err != nil { // Content has only strings, ints and slices: cannot fail
		panic(err)
	}
	return hashBytes(b)
}

// Apply computes the practice that results from submitting incoming over
// existing (nil when the practice is new). It is the one rule both stores use
// inside their transaction: a new practice gets version 1, an unchanged one
// keeps its version, a changed or withdrawn one gets version+1 (a withdrawn
// practice that is submitted again comes back). seq is the store's next
// sequence number; it is only consumed when the outcome is not Unchanged.
func Apply(existing *Practice, region, ref string, c Content, inventoryID string, now time.Time, seq uint64, demo bool) (Practice, Outcome) {
	hash := ContentHash(c)
	if existing == nil {
		return Practice{
			ID: ID(region, ref), Region: region, Ref: ref, Version: 1,
			Content: c, Hash: hash, Seq: seq, Inventory: inventoryID,
			CreatedAt: now, UpdatedAt: now, Demo: demo,
		}, Created
	}
	if existing.Hash == hash && existing.Withdrawn == nil {
		return *existing, Unchanged
	}
	p := *existing
	p.Version++
	p.Content = c
	p.Hash = hash
	p.Seq = seq
	p.Inventory = inventoryID
	p.UpdatedAt = now
	p.Withdrawn = nil
	p.Demo = demo
	return p, Updated
}

// RevisionOf is the history entry for the current state of p.
func RevisionOf(p Practice) Revision {
	return Revision{PracticeID: p.ID, Version: p.Version, Inventory: p.Inventory,
		At: p.UpdatedAt, Content: p.Content, Hash: p.Hash, Withdrawn: p.Withdrawn}
}
