// Package importer reads inventory files (JSON, CSV and XLSX) into the
// inventory exchange format v1 (practice.InventoryInput), writes practices
// back as CSV and XLSX so that an export re-imports unchanged, and makes the
// XLSX template a regional platform fills in.
//
// The path of an upload:
//
//	Read ── kind from the first bytes or the name
//	  ├─ CSV:  streamed row by row (encoding/csv behind a record-length cap)
//	  ├─ XLSX: zip parts checked (count, sizes, shared strings), then
//	  │        excelize's Rows iterator over the first sheet
//	  │        └─ both feed sheetMapper.row: header (v1 or Dutch names),
//	  │           cells (labels resolved through actionplan's Find*), caps
//	  └─ JSON: jsontext tokens mapped onto the v1 types
//	→ Result (what could be read, Checkable) + problems (at most MaxProblems,
//	  the last counting the rest); bank.SubmitFile validates a checkable
//	  result and merges both lists by row.
//
// Every reader stops at its first hard cap, before it keeps anything more:
// MaxBytes, 5,000 practices, MaxColumns, MaxCellChars, MaxRows, the
// unzipped size of a workbook, a time budget, MaxProblems.
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
// spreadsheet program shows (the header is row 1) and X the column's name as
// the file writes it. Problems about the file as a whole have an empty path.
// Result.Path translates the validation's JSON paths into spreadsheet rows
// and columns.
package importer

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
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
	// Columns maps a v1 field name ("title") to the column's name as the
	// file writes it ("Titel"), for the places in problems.
	Columns map[string]string
	// Checkable tells that the file could be read row by row (or object by
	// object): Input holds what was read, and validating it finds the
	// remaining problems. False when the file as a whole could not be read
	// (not the right kind, encoding, too large).
	Checkable bool
	// Omitted is the number of problems left out of those returned (the
	// last of which counts them).
	Omitted int
	// Regions[i] is the region written beside Input.Practices[i] (a region
	// column, as an export has; "" where empty). Nil when the file has none.
	Regions []string
}

// Path translates a path of the v1 JSON shape, as the validation reports it,
// into the place in the file the result was read from: for a spreadsheet
// "practices[3].krachtlijnen[0]" becomes "rij 5, kolom krachtlijnen" (with
// the column's name as the file writes it). For JSON, and for paths outside
// the practices, p is returned unchanged.
func (r Result) Path(p string) string {
	if r.Kind == KindJSON || r.Rows == nil {
		return p
	}
	out := TranslatePath(p, r.Rows)
	if before, field, ok := strings.Cut(out, ", kolom "); ok {
		if name, ok := r.Columns[field]; ok {
			return before + ", kolom " + name
		}
	}
	return out
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
// a few tens of MB even for a file made to be heavy.
const DefaultMaxBytes = 32 << 20

// Hard caps of the readers. They bound what a file can make the server do
// before anything is kept: reading stops at the first cap that is hit, with
// a problem that says which.
const (
	// MaxColumns is the most named columns a header row may have (the
	// format has 24; room for a few of one's own).
	MaxColumns = 100
	// MaxRows is the most spreadsheet rows read, empty rows included.
	MaxRows = 100_000
	// MaxCellChars is the longest cell, in characters: what a spreadsheet
	// cell holds.
	MaxCellChars = 32767
	// MaxProblems is the most problems returned; the rest are counted in
	// one last problem ("en nog 12.345 problemen").
	MaxProblems = 1000
	// DefaultMaxUnzipped bounds the unpacked size of an XLSX workbook.
	DefaultMaxUnzipped = 64 << 20
	// DefaultTimeout bounds the time a reader takes.
	DefaultTimeout = 20 * time.Second
	// maxRecordBytes is the longest CSV record (a row, line breaks in
	// quoted cells included): 24 full cells of the format fit well.
	maxRecordBytes = 1 << 20
)

// Option tunes a reader.
type Option func(*options)

type options struct {
	maxBytes    int64
	maxUnzipped int64
	timeout     time.Duration
	plan        *actionplan.Plan
	sep         rune // the CSV separator, once known (for messages)
}

// MaxBytes sets the largest file a reader accepts (n <= 0: DefaultMaxBytes).
// A larger file is refused with INVALID_FILE.
func MaxBytes(n int64) Option {
	return func(o *options) { o.maxBytes = n }
}

// MaxUnzipped sets the largest unpacked size of an XLSX workbook
// (n <= 0: DefaultMaxUnzipped).
func MaxUnzipped(n int64) Option {
	return func(o *options) { o.maxUnzipped = n }
}

// Timeout sets the longest a reader may take (d <= 0: DefaultTimeout).
func Timeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// Labels lets the spreadsheet readers resolve the labels the site shows
// ("Verbindend werken", "4.2 Digitalisering", "4.2 Actie 1", region names)
// to the codes and ids of plan, which should include the regional actions.
// Without it cells are taken as codes and ids.
func Labels(plan *actionplan.Plan) Option {
	return func(o *options) { o.plan = plan }
}

func buildOptions(opts []Option) options {
	o := options{maxBytes: DefaultMaxBytes, maxUnzipped: DefaultMaxUnzipped, timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxBytes <= 0 {
		o.maxBytes = DefaultMaxBytes
	}
	if o.maxUnzipped <= 0 {
		o.maxUnzipped = DefaultMaxUnzipped
	}
	if o.timeout <= 0 {
		o.timeout = DefaultTimeout
	}
	return o
}

// problemList collects problems up to MaxProblems and counts the rest.
type problemList struct {
	items   practice.Problems
	omitted int
}

func (l *problemList) add(p practice.Problem) {
	if len(l.items) < MaxProblems {
		l.items = append(l.items, p)
		return
	}
	l.omitted++
}

// full reports whether further problems are only counted.
func (l *problemList) full() bool { return len(l.items) >= MaxProblems }

// result is the problems, with a last one that counts those left out.
func (l *problemList) result() practice.Problems {
	return practice.LimitProblems(l.items, MaxProblems, l.omitted)
}

// Merge returns the problems of a and b in the order of the file: first
// those about the file as a whole, then by row (or practice), a's before
// b's within a row.
func Merge(a, b practice.Problems) practice.Problems {
	out := make(practice.Problems, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.SortStableFunc(out, func(x, y practice.Problem) int {
		return cmp.Compare(placeOf(x.Path), placeOf(y.Path))
	})
	return out
}

// placeOf is the row ("rij 5, kolom x") or practice index ("practices[3].x")
// a path points at, or -1.
func placeOf(path string) int {
	var digits string
	if rest, ok := strings.CutPrefix(path, "rij "); ok {
		digits = rest
	} else if rest, ok := strings.CutPrefix(path, "practices["); ok {
		digits = rest
	}
	end := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' })
	if end >= 0 {
		digits = digits[:end]
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return -1
	}
	return n
}

// errTooSlow is the error of a read that ran out of time.
var errTooSlow = errors.New("reading took too long")

func slowProblem(d time.Duration) practice.Problem {
	return fileProblem(practice.CodeInvalidFile, fmt.Sprintf(
		"Het bestand lezen duurde langer dan %d seconden en werd afgebroken. Laad een kleiner bestand op of verdeel de praktijken over meer inventarissen.", int(d.Seconds())))
}

var errTooLarge = errors.New("file too large")

// readAll reads r up to max bytes into one buffer, of the right size when r
// tells its size (hint < 0: unknown), so that a large file is not copied
// from buffer to ever larger buffer.
func readAll(r io.Reader, max, hint int64) ([]byte, error) {
	if hint < 0 || hint > max {
		hint = min(max, 512<<10)
	}
	lr := &limitReader{r: r, n: max}
	buf := make([]byte, 0, hint+1) // +1: room to see the end
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			return buf, nil
		case err != nil:
			return nil, err
		}
	}
}

// sizeOf returns the size of what r still holds, or -1 when r does not
// tell: a bytes.Reader, strings.Reader or a file (uploads are files).
func sizeOf(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case io.Seeker:
		cur, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		end, err := r.Seek(0, io.SeekEnd)
		if _, err2 := r.Seek(cur, io.SeekStart); err != nil || err2 != nil {
			return -1
		}
		return end - cur
	}
	return -1
}

// limitReader reads from r until n bytes are read, and then fails with
// errTooLarge if there is more.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errTooLarge
	}
	return n, err
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
	return ReadContext(context.Background(), r, filename, meta, opts...)
}

// ReadContext is Read that stops when ctx is done. A CSV file is read as a
// stream; JSON and XLSX (a zip file needs its end first) are read whole, up
// to MaxBytes.
func ReadContext(ctx context.Context, r io.Reader, filename string, meta Meta, opts ...Option) (Result, practice.Problems) {
	o := buildOptions(opts)
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	size := sizeOf(r)
	br := bufio.NewReaderSize(&limitReader{r: r, n: o.maxBytes}, peekSize)
	head, _ := br.Peek(len(oleMagic))
	ext := strings.ToLower(filepath.Ext(filename))
	whole := func() ([]byte, *practice.Problem) {
		data, err := readAll(br, o.maxBytes, size)
		if err != nil {
			p := readProblem(err, o.maxBytes)
			return nil, &p
		}
		return data, nil
	}
	switch {
	case bytes.HasPrefix(head, zipMagic):
		data, prob := whole()
		if prob != nil {
			return Result{Kind: KindXLSX}, practice.Problems{*prob}
		}
		return readXLSX(ctx, data, meta, o)
	case bytes.HasPrefix(head, oleMagic):
		return Result{}, practice.Problems{fileProblem(practice.CodeInvalidFile,
			"Dit is een oud Excel-bestand (.xls) of een met wachtwoord beveiligd Excel-bestand. "+
				"Open het in Excel, verwijder een eventueel wachtwoord en sla het op als Excel-werkmap (.xlsx) of als CSV UTF-8.")}
	case ext == ".json" || ext == "" && looksLikeJSON(br):
		data, prob := whole()
		if prob != nil {
			return Result{Kind: KindJSON}, practice.Problems{*prob}
		}
		return readJSONResult(ctx, data, meta)
	case ext == ".csv" || ext == ".txt":
		return readCSV(ctx, br, meta, o)
	case ext == ".xlsx" || ext == ".xlsm":
		return Result{}, practice.Problems{notXLSX()}
	}
	name := filepath.Base(filename)
	if filename == "" {
		name = "zonder naam"
	}
	return Result{}, practice.Problems{fileProblem(practice.CodeInvalidFile,
		fmt.Sprintf("Het bestandstype van '%s' wordt niet ondersteund. Laad een inventaris op als JSON (.json), CSV (.csv) of Excel-werkmap (.xlsx).", name))}
}

// peekSize is how much of a file is looked at to tell its kind and, for
// CSV, its separator.
const peekSize = 64 << 10

// looksLikeJSON reports whether the start of the file is a JSON object.
func looksLikeJSON(br *bufio.Reader) bool {
	data, _ := br.Peek(peekSize)
	data = bytes.TrimPrefix(data, utf8BOM)
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

func readJSONResult(ctx context.Context, data []byte, meta Meta) (Result, practice.Problems) {
	if isExport(bytes.TrimPrefix(data, utf8BOM)) {
		return decodeExport(ctx, data, meta)
	}
	in, probs, checkable, omitted := decodeJSON(ctx, data)
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
	return Result{Input: in, Kind: KindJSON, Checkable: checkable, Omitted: omitted}, probs
}
