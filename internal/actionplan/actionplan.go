// Package actionplan holds the reference taxonomy of the Actieplan Sterk Sociaal
// Werk 2020-2024: krachtlijnen, challenges with their actions and initiatives,
// regional platforms, functions, impact domains and spearheads.
//
// The data is transcribed once from the plan (shared/seeds/001) into
// actionplan.json, in the plan's own Dutch wording, and embedded in the binary.
// [Default] returns that plan; [Load] reads and validates another one. A
// [Plan] is read-only once loaded and safe for concurrent use; its lookups
// are map-backed. Regional platforms may add actions of their own (id
// "<region>:<slug>"); [Plan.WithRegional] returns a copy of a plan that
// includes them.
//
// Transcription conventions: texts are copied verbatim, typos included; only
// markdown (emphasis, table pipes, footnote marks) is stripped, lines that a
// page break or table split apart are joined with one space, and paragraphs
// are separated by a blank line ("\n\n"). Titles carry neither the section
// number ("4.2.") nor the "Actie n:" label, which Section and Number hold.
// Short names lifted from running text (challenge names from the enumeration
// in chapter 4, spearheads, function definitions) get an initial capital.
package actionplan

import (
	"bytes"
	_ "embed"
	"sync"
)

// ChallengeKind tells whether a chapter-4 section is one of the eight
// "maatschappelijke uitdagingen" or one of the further themes of the plan.
type ChallengeKind string

const (
	KindUitdaging ChallengeKind = "UITDAGING" // 4.1-4.8
	KindThema     ChallengeKind = "THEMA"     // 4.9-4.11
)

// Plan is the whole reference taxonomy.
type Plan struct {
	Krachtlijnen  []Krachtlijn   `json:"krachtlijnen"`
	Challenges    []Challenge    `json:"challenges"`
	Regions       []Region       `json:"regions"`
	Functions     []Function     `json:"functions"`
	ImpactDomains []ImpactDomain `json:"impactDomains"`
	Spearheads    []Spearhead    `json:"spearheads"`

	idx *index // built by Load and WithRegional; nil for a Plan built by hand
}

//go:embed actionplan.json
var planJSON []byte

var defaultPlan = sync.OnceValue(func() *Plan {
	p, err := Load(bytes.NewReader(planJSON))
	if err != nil {
		// The embedded file is checked by the package tests.
		panic("actionplan: embedded actionplan.json: " + err.Error())
	}
	return p
})

// Default returns the plan embedded in the binary. It is parsed once and
// shared: callers must not modify it (use [Plan.WithRegional] to extend it).
func Default() *Plan { return defaultPlan() }

// Krachtlijn is one of the five "krachtlijnen" (section 2.2).
type Krachtlijn struct {
	Code        string `json:"code"` // NABIJHEID, POLITISEREND, ...
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Challenge is a section 4.x of chapter 4.
type Challenge struct {
	ID      string        `json:"id"`      // contract id, e.g. "digitalisering"
	Section string        `json:"section"` // "4.2"
	Name    string        `json:"name"`    // short name, e.g. "Digitalisering"
	Title   string        `json:"title"`   // the section's full heading as in the plan
	Kind    ChallengeKind `json:"kind"`
	Actions []Action      `json:"actions"`
}

// Action is an "Actie n" of a challenge, or a regional action added by a platform.
type Action struct {
	ID          string       `json:"id"` // "<challenge>-<n>", or "<region>:<slug>" for regional actions
	ChallengeID string       `json:"challenge"`
	Number      int          `json:"number"` // n of "Actie n"; 0 for regional actions
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	Initiatives []Initiative `json:"initiatives"`
	Region      string       `json:"region,omitempty"` // owner of a regional action; empty for the plan's own
}

// Regional reports whether the action was added by a regional platform.
func (a Action) Regional() bool { return a.Region != "" }

// Initiative is one of the "mogelijke initiatieven" of an action.
type Initiative struct {
	ID   string `json:"id"` // "<action>.<n>"
	Text string `json:"text"`
}

// Region is one of the six regional platforms.
type Region struct {
	ID   string `json:"id"`   // contract id, e.g. "oost-vlaanderen"
	Name string `json:"name"` // e.g. "Oost-Vlaanderen"
}

// Function is one of the three functions of social work.
type Function struct {
	Code        string `json:"code"` // WAARBORG, LABORATORIUM, SOCIAAL_POLITIEK
	Name        string `json:"name"`
	Description string `json:"description"`        // definition from "Wat is Sterk Sociaal Werk?" (seed 004)
	PlanText    string `json:"planText,omitempty"` // the action plan's own wording (section 2.2), where it has one
}

// ImpactDomain is one of the four domains where the plan seeks impact (2.3).
type ImpactDomain struct {
	Code        string   `json:"code"` // PRAKTIJK, BELEID, SAMENLEVING, OPLEIDING
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Impacts     []string `json:"impacts,omitempty"` // the listed impacts ("Concreet willen we ... realiseren:")
}

// Spearhead is a "speerpunt" of the plan for a period.
type Spearhead struct {
	ID     string `json:"id"`     // e.g. "2020-2022-1"
	Period string `json:"period"` // "2020-2022" or "2022-2024"
	Name   string `json:"name"`
	Source string `json:"source"` // where it stands, e.g. "Actieplan, hoofdstuk 4"
}
