// Package practice is the domain of Praktijkenbank: a practice, an inventory
// submitted by a regional platform, the validation rules of the inventory
// exchange format v1, and the rules by which a resubmission updates practices.
package practice

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Format is the only inventory exchange format this version understands.
const Format = "praktijkenbank.inventory/v1"

// Practice is the main record: one good practice of one region. The fields from
// Title to Language are the v1 fields (Content); the rest is kept by the bank.
type Practice struct {
	ID        string      `json:"id"`
	Region    string      `json:"region"`
	Ref       string      `json:"ref"`
	Version   int         `json:"version"`
	Content               // the v1 fields
	Hash      string      `json:"hash"`      // ContentHash of Content
	Seq       uint64      `json:"seq"`       // store-wide sequence of the last write; the index follows it
	Inventory string      `json:"inventory"` // id of the inventory that last changed it
	CreatedAt time.Time   `json:"createdAt"`
	UpdatedAt time.Time   `json:"updatedAt"`
	Withdrawn *Withdrawal `json:"withdrawn,omitempty"`
	Demo      bool        `json:"demo,omitempty"` // part of the demo inventory
}

// Content is a practice as the inventory format v1 carries it, without ref.
type Content struct {
	Title          string   `json:"title"`
	Summary        string   `json:"summary"`
	Description    string   `json:"description,omitempty"`
	Organisations  []string `json:"organisations,omitempty"`
	Municipalities []string `json:"municipalities,omitempty"`
	Krachtlijnen   []string `json:"krachtlijnen"`
	Challenges     []string `json:"challenges,omitempty"`
	Actions        []string `json:"actions,omitempty"`
	TargetGroups   []string `json:"targetGroups,omitempty"`
	Settings       []string `json:"settings,omitempty"`
	SuccessFactors []string `json:"successFactors,omitempty"`
	Pitfalls       []string `json:"pitfalls,omitempty"`
	Bottlenecks    []string `json:"bottlenecks,omitempty"`
	Functions      []string `json:"functions,omitempty"`
	ImpactDomains  []string `json:"impactDomains,omitempty"`
	StartYear      *int     `json:"startYear,omitempty"`
	EndYear        *int     `json:"endYear,omitempty"`
	Links          []string `json:"links,omitempty"`
	Contact        *Contact `json:"contact,omitempty"`
	Language       string   `json:"language"`
}

// Contact is who to ask about a practice. Email and Phone are personal data.
type Contact struct {
	Organisation string `json:"organisation,omitempty"`
	Email        string `json:"email,omitempty"`
	Website      string `json:"website,omitempty"`
	Phone        string `json:"phone,omitempty"`
}

// Withdrawal records that a practice was taken out of search and lists.
type Withdrawal struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
}

// Revision is one version of a practice in its history.
type Revision struct {
	PracticeID string      `json:"practiceId"`
	Version    int         `json:"version"`
	Inventory  string      `json:"inventory"`
	At         time.Time   `json:"at"`
	Content    Content     `json:"content"`
	Hash       string      `json:"hash"`
	Withdrawn  *Withdrawal `json:"withdrawn,omitempty"`
}

// Live reports whether the practice is shown in search and lists.
func (p Practice) Live() bool { return p.Withdrawn == nil }

// Counted reports whether the practice counts in what is learnt from the
// practices: the analyses (factor counts, distinctive factors, coverage,
// regional reports) and the similar practices of a real one. A practice of
// the demo inventory is shown and found, clearly marked, but never counted.
func (p Practice) Counted() bool { return p.Live() && !p.Demo }

// ID returns the practice id for (region, ref): deterministic and opaque, so the
// same practice has the same id on every instance and after export/import.
func ID(region, ref string) string {
	sum := sha256.Sum256([]byte(region + "\x00" + ref))
	return "pr_" + hex.EncodeToString(sum[:10])
}

func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// ActiveYears is the span of years a practice ran, as search, facets and
// coverage count them: startYear through endYear, or with no endYear through
// max(startYear, year of its last update); ok is false without a startYear.
func (p Practice) ActiveYears() (from, to int, ok bool) {
	if p.StartYear == nil {
		return 0, 0, false
	}
	from = *p.StartYear
	to = from
	if p.EndYear != nil {
		to = *p.EndYear
	} else if !p.UpdatedAt.IsZero() && p.UpdatedAt.Year() > to {
		to = p.UpdatedAt.Year()
	}
	return from, min(max(to, from), from+MaxYear-MinYear), true
}

// WithoutPersonalData returns c without e-mail and phone (nil if nothing is
// left) and whether that changed anything. Both stores erase contacts by it.
func WithoutPersonalData(c *Contact) (*Contact, bool) {
	if c == nil {
		return nil, false
	}
	e := *c
	e.Email, e.Phone = "", ""
	if e == (Contact{}) {
		return nil, true
	}
	return &e, e != *c
}
