package bank

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// File is an inventory sent as a file: JSON (format v1), CSV or XLSX, with the
// inventory fields a spreadsheet cannot hold given beside it.
type File struct {
	Name        string
	Body        io.Reader
	Size        int64
	Region      string
	Title       string
	SubmittedBy string
	Period      *practice.Period
}

// SubmitFile reads a file and submits it like Submit. Problems in the file are
// reported with the place in the file (for a spreadsheet: row and column).
// The reader's problems and the validation's come back together (a broken
// row hides no other problem), at most importer.MaxProblems of them, the
// last counting the rest; a file with problems is never written.
func (b *Bank) SubmitFile(ctx context.Context, who *auth.Principal, f File, opt SubmitOptions) (SubmitResult, error) {
	res := SubmitResult{DryRun: opt.DryRun}
	if who == nil {
		return res, auth.ErrUnauthenticated
	}
	region := strings.TrimSpace(f.Region)
	if r, known := b.base.FindRegion(region); known {
		region = r.ID
		if err := auth.CanWrite(who, region); err != nil {
			return res, err
		}
	}
	plan := b.Plan()
	read, problems := importer.ReadContext(ctx, f.Body, f.Name, importer.Meta{
		Region: region, Title: f.Title, SubmittedBy: f.SubmittedBy, Period: f.Period,
	}, importer.Labels(plan))
	if len(problems) > 0 {
		if read.Checkable {
			_, invalid := practice.Validate(read.Input, plan)
			for i := range invalid {
				invalid[i].Path = read.Path(invalid[i].Path)
			}
			problems = importer.Merge(problems, invalid)
		}
		res.Problems = practice.LimitProblems(problems, importer.MaxProblems, read.Omitted)
		return res, nil
	}
	if read.Kind == importer.KindJSON && region != "" && strings.TrimSpace(read.Input.Region) != region {
		res.Problems = practice.Problems{{
			Path: "region", Code: practice.CodeRegionMismatch,
			Message: fmt.Sprintf("het bestand is voor regio %q, maar het werd ingediend voor regio %q", read.Input.Region, region),
		}}
		return res, nil
	}
	if opt.Source == "" {
		opt.Source = "upload"
	}
	opt.Source += "." + string(read.Kind)
	opt.Path = read.Path
	return b.Submit(ctx, who, read.Input, opt) // which caps its problems as the reader does
}
