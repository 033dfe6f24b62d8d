package bank

import (
	"context"
	"fmt"
	"strings"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// SubmitOptions says how a submission came in.
type SubmitOptions struct {
	DryRun bool
	Source string // "graphql", "upload.csv", "import.xlsx", "demo", ...
	Demo   bool   // the practices are the demo inventory's
	// Path translates a validation path (practices[3].title) into the one the
	// submitter knows, e.g. "rij 5, kolom title" for a spreadsheet.
	Path func(string) string
}

// Outcome is what a submission did, or would do, to one practice.
type Outcome struct {
	Ref     string
	Title   string // as submitted
	ID      string
	Outcome practice.Outcome
	Version int
}

// SubmitResult is the answer to a submission. When Problems is not empty
// nothing was written.
type SubmitResult struct {
	Inventory *practice.Inventory // nil for a dry run or a refused submission
	Problems  practice.Problems
	Outcomes  []Outcome
	Created   int
	Updated   int
	Unchanged int
	DryRun    bool
}

// Submit validates an inventory whole and writes it whole or not at all.
// Authentication and region scope are errors (auth.ErrUnauthenticated,
// auth.ErrForbidden); problems with the inventory itself are data in the result.
func (b *Bank) Submit(ctx context.Context, who *auth.Principal, in practice.InventoryInput, opt SubmitOptions) (SubmitResult, error) {
	res := SubmitResult{DryRun: opt.DryRun}
	if who == nil {
		return res, auth.ErrUnauthenticated
	}
	plan := b.Plan()
	if region := strings.TrimSpace(in.Region); region != "" {
		if _, known := plan.Region(region); known {
			if err := auth.CanWrite(who, region); err != nil {
				return res, err
			}
		}
	}
	norm, problems := practice.Validate(in, plan)
	if len(problems) > 0 {
		if opt.Path != nil {
			for i := range problems {
				problems[i].Path = opt.Path(problems[i].Path)
			}
		}
		// A rejected inventory of 5,000 practices can have far more problems
		// than anybody reads: the first ones, and how many more there are.
		res.Problems = practice.LimitProblems(problems, importer.MaxProblems, 0)
		return res, nil
	}
	if err := auth.CanWrite(who, norm.Region); err != nil { // region was unknown above only if invalid
		return res, err
	}
	if opt.DryRun {
		return b.preview(ctx, norm, res)
	}
	now := b.stamp()
	inv := practice.Inventory{
		ID: store.NewInventoryID(now), Region: norm.Region, Title: norm.Title,
		SubmittedBy: norm.SubmittedBy, Period: norm.Period, Principal: who.Name(),
		Source: opt.Source, SubmittedAt: now, Demo: opt.Demo,
	}
	written, err := b.store.Submit(ctx, store.Submission{Inventory: inv, Practices: norm.Practices})
	if err != nil {
		return res, fmt.Errorf("save the inventory: %w", err)
	}
	recorded := written.Inventory
	res.Inventory = &recorded
	for i, w := range written.Practices {
		res.add(Outcome{Ref: norm.Practices[i].Ref, Title: norm.Practices[i].Title, ID: w.Practice.ID, Version: w.Practice.Version, Outcome: w.Outcome})
	}
	changed := written.Changed()
	b.notify(ctx, changed)
	if b.index != nil && len(changed) > 0 {
		if err := b.index.Apply(ctx, changed); err != nil {
			b.log.WarnContext(ctx, "index not updated after submission; the follower will catch up", "inventory", recorded.ID, "err", err)
		}
	}
	if opt.Demo {
		b.demoGone.Store(false) // there is demo data again
	} else {
		b.afterRealSubmission(ctx)
	}
	b.log.InfoContext(ctx, "inventory submitted", "inventory", recorded.ID, "region", recorded.Region,
		"by", recorded.Principal, "source", recorded.Source,
		"created", recorded.Created, "updated", recorded.Updated, "unchanged", recorded.Unchanged)
	return res, nil
}

// preview computes what a submission would do without writing anything.
func (b *Bank) preview(ctx context.Context, in practice.InventoryInput, res SubmitResult) (SubmitResult, error) {
	ids := make([]string, len(in.Practices))
	for i, p := range in.Practices {
		ids[i] = practice.ID(in.Region, p.Ref)
	}
	existing, err := b.store.Practices(ctx, ids)
	if err != nil {
		return res, fmt.Errorf("read the existing practices: %w", err)
	}
	now := b.stamp()
	for i, p := range in.Practices {
		var cur *practice.Practice
		if existing[i].ID != "" {
			cur = &existing[i]
		}
		next, outcome := practice.Apply(cur, in.Region, p.Ref, p.Content, "", now, 0, false)
		res.add(Outcome{Ref: p.Ref, Title: p.Title, ID: next.ID, Outcome: outcome, Version: next.Version})
	}
	return res, nil
}

func (r *SubmitResult) add(o Outcome) {
	r.Outcomes = append(r.Outcomes, o)
	switch o.Outcome {
	case practice.Created:
		r.Created++
	case practice.Updated:
		r.Updated++
	case practice.Unchanged:
		r.Unchanged++
	}
}
