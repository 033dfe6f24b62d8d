// Package importer reads inventory files (JSON, CSV and XLSX) into the
// inventory exchange format v1 (practice.InventoryInput), and writes
// practices back as CSV and XLSX so that an export re-imports unchanged.
//
// The readers check structure only: a field that v1 does not have, a value of
// the wrong type, a file that is not JSON, CSV or XLSX, or not UTF-8. The
// meaning of the values (known codes, lengths, years, ...) is checked by the
// validation in package practice. Every problem carries a path and a Dutch
// message for the chair of a regional platform; all problems are reported at
// once, not just the first.
//
// Paths are those of the v1 JSON shape ("practices[2].titel") for JSON, and
// "rij N, kolom X" for spreadsheets, where N is the row number the
// spreadsheet program shows (the header is row 1). Problems about the file as
// a whole have an empty path. Result.Path translates the validation's JSON
// paths into spreadsheet rows and columns.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Meta carries the inventory fields that a CSV or XLSX file cannot hold; they
// are given beside the file (the CLI's --region and --title, the upload form).
type Meta struct {
	Region      string
	Title       string
	SubmittedBy string
	Period      *practice.Period
}

// Kind is the kind of file that was read.
type Kind string

const (
	KindJSON Kind = "json"
	KindCSV  Kind = "csv"
	KindXLSX Kind = "xlsx"
)

// Result is a file read into the v1 shape.
type Result struct {
	Input practice.InventoryInput
	Kind  Kind
	// Rows[i] is the spreadsheet row number (header = 1) that
	// Input.Practices[i] came from. Nil for JSON.
	Rows []int
	// Regions[i] is the region written beside Input.Practices[i] (a region
	// column, as an export has; "" where empty). Nil when the file has none.
	Regions []string
}

// Path translates a path of the v1 JSON shape, as the validation reports it,
// into the place in the file the result was read from: for a spreadsheet
// "practices[3].krachtlijnen[0]" becomes "rij 5, kolom krachtlijnen". For
// JSON, and for paths outside the practices, p is returned unchanged.
func (r Result) Path(p string) string {
	if r.Kind == KindJSON || r.Rows == nil {
		return p
	}
	return TranslatePath(p, r.Rows)
}

// TranslatePath translates a v1 JSON path such as "practices[3].krachtlijnen[0]"
// into "rij 5, kolom krachtlijnen", where rows[3] == 5. A path that does not
// point into a practice of rows (e.g. "region", "practices") is returned
// unchanged; "practices[3]" alone becomes "rij 5".
func TranslatePath(path string, rows []int) string {
	rest, ok := strings.CutPrefix(path, "practices[")
	if !ok {
		return path
	}
	end := strings.IndexByte(rest, ']')
	if end <= 0 {
		return path
	}
	idx, err := strconv.Atoi(rest[:end])
	if err != nil || idx < 0 || idx >= len(rows) || rest[:end] != strconv.Itoa(idx) {
		return path
	}
	rest = rest[end+1:]
	out := "rij " + strconv.Itoa(rows[idx])
	if rest == "" {
		return out
	}
	field, ok := strings.CutPrefix(rest, ".")
	if !ok {
		return path
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	if field == "" {
		return out
	}
	return out + ", kolom " + field
}

// DefaultMaxBytes is the largest file the readers accept unless told
// otherwise: far above 5000 practices of ordinary size (a real inventory is a
// few MB), and small enough that what a reader builds from it stays within
// a few hundred MB even for a file made to be heavy.
const DefaultMaxBytes = 32 << 20

// Option tunes a reader.
type Option func(*options)

type options struct {
	maxBytes int64
}

// MaxBytes sets the largest file a reader accepts (n <= 0: DefaultMaxBytes).
// A larger file is refused with INVALID_FILE. For XLSX it also bounds the
// unpacked size of the parts that are read.
func MaxBytes(n int64) Option {
	return func(o *options) { o.maxBytes = n }
}

func buildOptions(opts []Option) options {
	o := options{maxBytes: DefaultMaxBytes}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxBytes <= 0 {
		o.maxBytes = DefaultMaxBytes
	}
	return o
}

var errTooLarge = errors.New("file too large")

// readAll reads r up to max bytes.
func readAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errTooLarge
	}
	return b, nil
}

// readProblem is the problem for a file that could not be read at all.
func readProblem(err error, max int64) practice.Problem {
	if errors.Is(err, errTooLarge) {
		return fileProblem(practice.CodeInvalidFile,
			fmt.Sprintf("Het bestand is te groot: het mag hoogstens %s zijn.", humanBytes(max)))
	}
	return fileProblem(practice.CodeInvalidFile, "Het bestand kon niet gelezen worden. Probeer het opnieuw op te laden.")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func fileProblem(code, msg string) practice.Problem {
	return practice.Problem{Path: "", Code: code, Message: msg}
}

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	zipMagic   = []byte("PK\x03\x04")
	oleMagic   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // old .xls, or an encrypted .xlsx
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// Read reads an inventory file of any supported kind. The kind is taken from
// the content where it is unmistakable (an XLSX is a zip file and starts with
// "PK") and otherwise from the extension of filename: .json, .csv (or .txt),
// .xlsx. For JSON, the inventory fields that the file leaves empty are taken
// from meta; the caller compares a region in the file with the one it expects.
func Read(r io.Reader, filename string, meta Meta, opts ...Option) (Result, practice.Problems) {
	o := buildOptions(opts)
	data, err := readAll(r, o.maxBytes)
	if err != nil {
		return Result{}, practice.Problems{readProblem(err, o.maxBytes)}
	}
	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(data, meta, o)
	case bytes.HasPrefix(data, oleMagic):
		return Result{}, practice.Problems{fileProblem(practice.CodeInvalidFile,
			"Dit is een oud Excel-bestand (.xls) of een met wachtwoord beveiligd Excel-bestand. "+
				"Open het in Excel, verwijder een eventueel wachtwoord en sla het op als Excel-werkmap (.xlsx) of als CSV UTF-8.")}
	case ext == ".json":
		return readJSONResult(data, meta)
	case ext == ".csv" || ext == ".txt":
		return readCSV(data, meta, o)
	case ext == ".xlsx" || ext == ".xlsm":
		return Result{}, practice.Problems{notXLSX()}
	case ext == "" && looksLikeJSON(data):
		return readJSONResult(data, meta)
	}
	name := filepath.Base(filename)
	if filename == "" {
		name = "zonder naam"
	}
	return Result{}, practice.Problems{fileProblem(practice.CodeInvalidFile,
		fmt.Sprintf("Het bestandstype van '%s' wordt niet ondersteund. Laad een inventaris op als JSON (.json), CSV (.csv) of Excel-werkmap (.xlsx).", name))}
}

func looksLikeJSON(data []byte) bool {
	data = bytes.TrimPrefix(data, utf8BOM)
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

func readJSONResult(data []byte, meta Meta) (Result, practice.Problems) {
	if utf8.Valid(data) && isExport(data) {
		return decodeExport(data, meta)
	}
	in, probs := decodeJSON(data)
	if in.Region == "" {
		in.Region = meta.Region
	}
	if in.Title == "" {
		in.Title = meta.Title
	}
	if in.SubmittedBy == "" {
		in.SubmittedBy = meta.SubmittedBy
	}
	if in.Period == nil && meta.Period != nil {
		p := *meta.Period
		in.Period = &p
	}
	return Result{Input: in, Kind: KindJSON}, probs
}
