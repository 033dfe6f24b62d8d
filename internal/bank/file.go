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
func (b *Bank) SubmitFile(ctx context.Context, who *auth.Principal, f File, opt SubmitOptions) (SubmitResult, error) {
	res := SubmitResult{DryRun: opt.DryRun}
	if who == nil {
		return res, auth.ErrUnauthenticated
	}
	region := strings.TrimSpace(f.Region)
	if _, known := b.base.Region(region); known {
		if err := auth.CanWrite(who, region); err != nil {
			return res, err
		}
	}
	read, problems := importer.Read(f.Body, f.Name, importer.Meta{
		Region: region, Title: f.Title, SubmittedBy: f.SubmittedBy, Period: f.Period,
	})
	if len(problems) > 0 {
		res.Problems = problems
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
	return b.Submit(ctx, who, read.Input, opt)
}
