package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Records: an export writes, beside the v1 fields of each practice, what the
// store knows of it: its region, id, version and dates. The readers accept
// these record columns (and, for JSON, the export document), so an export
// re-imports: the region says which inventory a row belongs to; the id,
// version and dates are the store's and are ignored (a submission is
// matched by region and ref, and the bank assigns versions and dates).

// ExportFormat is the format of a JSON export: {"format":
// "praktijkenbank.export/v1", "practices": [{"region", "id", "version",
// "createdAt", "updatedAt", "practice": {a v1 practice}}, …]}.
const ExportFormat = "praktijkenbank.export/v1"

// Record is what the store adds to a practice in an export.
type Record struct {
	Region    string    `json:"region"`
	ID        string    `json:"id"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// recordColumns are the record's columns in the order the writers put them
// (before the v1 columns); recordNames maps every accepted name, by its
// lower case, to one of them.
var (
	recordColumns = []string{"region", "id", "version", "createdAt", "updatedAt"}
	recordNames   = map[string]string{
		"region": "region", "regio": "region",
		"id":      "id",
		"version": "version", "versie": "version",
		"createdat": "createdAt", "aangemaakt": "createdAt",
		"updatedat": "updatedAt", "gewijzigd": "updatedAt",
	}
)

// RecordColumnNames are the record columns an export writes before
// ColumnNames.
func RecordColumnNames() []string { return append([]string(nil), recordColumns...) }

// recordCells are the cells of a record, in the order of recordColumns.
func recordCells(r Record) []string {
	return []string{r.Region, r.ID, strconv.Itoa(r.Version), stamp(r.CreatedAt), stamp(r.UpdatedAt)}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// isRecordColumn tells whether a column is one of the store's id, version
// and dates, which an export writes and a submission assigns anew (the
// region column is read as the rows' region).
func isRecordColumn(name string) bool {
	c, ok := recordNames[strings.ToLower(strings.TrimSpace(name))]
	return ok && c != "region"
}

// SplitByRegion splits a result read from a file with a region column (an
// export of several regions) into one result per region, in the order the
// regions first appear; rows without a region belong to the region given
// beside the file. A result without a region column is returned as it is.
func (r Result) SplitByRegion() []Result {
	if r.Regions == nil {
		return []Result{r}
	}
	var out []Result
	at := map[string]int{}
	for i, p := range r.Input.Practices {
		region := r.Regions[i]
		if region == "" {
			region = r.Input.Region
		}
		j, ok := at[region]
		if !ok {
			j = len(out)
			at[region] = j
			in := r.Input
			in.Region, in.Practices = region, nil
			out = append(out, Result{Input: in, Kind: r.Kind, Rows: []int{}, Regions: []string{}})
		}
		out[j].Input.Practices = append(out[j].Input.Practices, p)
		if r.Rows != nil {
			out[j].Rows = append(out[j].Rows, r.Rows[i])
		}
		out[j].Regions = append(out[j].Regions, region)
	}
	if len(out) == 0 {
		return []Result{r}
	}
	return out
}

// regionProblems reports the rows whose region differs from the one the file
// is submitted for.
func (r Result) regionProblems(region string) practice.Problems {
	var probs practice.Problems
	if region == "" || r.Regions == nil {
		return nil
	}
	for i, got := range r.Regions {
		if got == "" || got == region {
			continue
		}
		path := fmt.Sprintf("practices[%d].region", i)
		if r.Rows != nil {
			path = fmt.Sprintf("rij %d, kolom region", r.Rows[i])
		}
		probs = append(probs, practice.Problem{Path: path, Code: practice.CodeRegionMismatch,
			Message: fmt.Sprintf("Deze praktijk hoort bij regio '%s', maar het bestand wordt ingediend voor regio '%s'. Dien ze in voor haar eigen regio, of maak de cel leeg.", shorten(got), region)})
	}
	return probs
}

var (
	exportFields = []string{"format", "practices"}
	recordFields = []string{"region", "id", "version", "createdAt", "updatedAt", "practice"}
)

// isExport tells whether a JSON document is an export: its format is named
// in its first bytes, as the writer puts it.
func isExport(data []byte) bool {
	head := data[:min(len(data), 256)]
	return bytes.Contains(head, []byte(`"format"`)) && bytes.Contains(head, []byte(ExportFormat))
}

// decodeExport reads a JSON export into one result with its regions; the
// practices are read as in an inventory (under the same caps and deadline),
// so every problem has its path.
func decodeExport(ctx context.Context, data []byte, meta Meta) (Result, practice.Problems) {
	res := Result{Kind: KindJSON, Regions: []string{}, Input: practice.InventoryInput{
		Region: meta.Region, Title: meta.Title, SubmittedBy: meta.SubmittedBy, Practices: []practice.PracticeInput{}}}
	if !utf8.Valid(data) || !json.Valid(bytes.TrimPrefix(data, utf8BOM)) {
		in, probs, _, _ := decodeJSON(ctx, data) // says where the document is broken
		_ = in
		return Result{Kind: KindJSON}, probs
	}
	m := jsonMapper{ctx: ctx, dec: jsontext.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)),
		jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))}
	m.next() // '{'
	m.fields("", exportFields, func(key string, tok token, path string) {
		if key == "format" {
			m.str(tok, path)
			return
		}
		if !isDelim(tok, '[') {
			m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een lijst van praktijken zijn ([{...}, {...}]), maar is %s.", typeName(tok)))
			m.skip(tok)
			return
		}
		for i := 0; m.more(); i++ {
			if i == practice.MaxPractices {
				m.add(path, practice.CodeTooMany, fmt.Sprintf(
					"De export bevat meer dan %s praktijken; de rest werd niet gelezen. Verdeel de praktijken over meer bestanden.", practice.DutchNumber(practice.MaxPractices)))
				m.err = errStop
				return
			}
			if i%256 == 255 && m.ctx.Err() != nil {
				m.err = errTooSlow
				return
			}
			rpath := fmt.Sprintf("%s[%d]", path, i)
			tok := m.next()
			if !m.object(tok, rpath) {
				continue
			}
			var p practice.PracticeInput
			region := ""
			m.fields(rpath, recordFields, func(key string, tok token, path string) {
				switch key {
				case "region":
					region = m.str(tok, path)
				case "practice":
					m.practice(tok, path, &p)
				default: // the store's: ignored
					m.skip(tok)
				}
			})
			res.Input.Practices = append(res.Input.Practices, p)
			res.Regions = append(res.Regions, region)
		}
		m.next() // ']'
	})
	switch {
	case errors.Is(m.err, errTooSlow):
		return Result{Kind: KindJSON}, practice.Problems{slowProblem(DefaultTimeout)}
	case m.err != nil && m.err != errStop:
		return Result{Kind: KindJSON}, practice.Problems{fileProblem(practice.CodeInvalidFile, "Het bestand is geen geldige JSON.")}
	}
	res.Checkable = true
	probs := append(m.probs.result(), res.regionProblems(meta.Region)...)
	res.Omitted = m.probs.omitted
	return res, probs
}
