package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// ReadXLSX reads an inventory from the first sheet of an Excel workbook
// (.xlsx), with the same columns and rules as ReadCSV. Numbers are read as
// Excel stores them, not as it displays them, so a year in a cell with a
// number format still reads as 2021. A file that is not a valid workbook is
// one INVALID_FILE problem.
func ReadXLSX(r io.Reader, meta Meta, opts ...Option) (Result, practice.Problems) {
	o := buildOptions(opts)
	data, err := readAll(r, o.maxBytes, sizeOf(r))
	if err != nil {
		return Result{Kind: KindXLSX}, practice.Problems{readProblem(err, o.maxBytes)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	return readXLSX(ctx, data, meta, o)
}

func notXLSX() practice.Problem {
	return fileProblem(practice.CodeInvalidFile,
		"Het bestand is geen geldige Excel-werkmap (.xlsx). Open het in Excel en sla het opnieuw op als 'Excel-werkmap (*.xlsx)' of als 'CSV UTF-8'.")
}

func readXLSX(ctx context.Context, data []byte, meta Meta, o options) (Result, practice.Problems) {
	if prob := checkZip(data, o); prob != nil {
		return Result{Kind: KindXLSX}, practice.Problems{*prob}
	}
	m := newSheetMapper(ctx, meta, KindXLSX, o)
	if prob := xlsxRows(data, o, m.row); prob != nil {
		return Result{Kind: KindXLSX}, practice.Problems{*prob}
	}
	return m.finish()
}

// Caps on the parts of a workbook, checked before excelize opens it.
const (
	// maxZipEntries is the most parts a workbook may have.
	maxZipEntries = 1000
	// maxSharedStrings is the most texts in the shared string table:
	// every cell of 5000 practices, and more.
	maxSharedStrings = 150_000
	// xmlInMemory is the largest worksheet or shared string table that
	// excelize keeps in memory; larger ones it reads from a temporary
	// file as it goes.
	xmlInMemory = 4 << 20
	// maxOtherParts bounds the parts excelize always holds in memory
	// (styles, pictures, ...).
	maxOtherParts = 16 << 20
)

// checkZip checks the workbook's parts before anything is unpacked: how
// many, how large unpacked in all (their declared sizes; archive/zip
// refuses to unpack more than a part declares, so a part that lies is a
// broken file, not a bigger one: each part is unpacked once to find out),
// the parts that excelize holds in memory, and the number of shared strings
// (counted while unpacking that part).
func checkZip(data []byte, o options) *practice.Problem {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		p := notXLSX()
		return &p
	}
	tooBig := func() *practice.Problem {
		p := fileProblem(practice.CodeInvalidFile, fmt.Sprintf(
			"De werkmap is uitgepakt groter dan %s. Laad een kleinere werkmap op (zonder afbeeldingen of andere werkbladen) of verdeel de praktijken over meer inventarissen.", humanBytes(o.maxUnzipped)))
		return &p
	}
	if len(zr.File) > maxZipEntries {
		p := fileProblem(practice.CodeInvalidFile, fmt.Sprintf(
			"De werkmap bestaat uit meer dan %d onderdelen. Kopieer de praktijken naar een nieuwe, lege werkmap en laad die op.", maxZipEntries))
		return &p
	}
	var total, other uint64
	var sst *zip.File
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		switch {
		case name == "xl/sharedstrings.xml":
			sst = f
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
		default:
			other += f.UncompressedSize64
		}
		if total > uint64(o.maxUnzipped) || other > maxOtherParts {
			return tooBig()
		}
	}
	// Unpack every part once, counting: archive/zip stops a part that
	// unpacks to more than it declares with an error, which excelize would
	// take for the end of the part and read a cut-off sheet.
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			p := notXLSX()
			return &p
		}
		var n int
		if f == sst {
			n, err = countElements(rc, "si", maxSharedStrings+1)
		} else {
			_, err = io.Copy(io.Discard, rc)
		}
		rc.Close()
		switch {
		case err != nil:
			p := notXLSX()
			return &p
		case n > maxSharedStrings:
			p := fileProblem(practice.CodeInvalidFile, fmt.Sprintf(
				"De werkmap bevat meer dan %s verschillende teksten. Een inventaris van hoogstens %s praktijken heeft er veel minder nodig: kopieer de praktijken naar een nieuwe werkmap en laad die op.",
				practice.DutchNumber(maxSharedStrings), practice.DutchNumber(practice.MaxPractices)))
			return &p
		}
	}
	return nil
}

// countElements counts the start tags of the XML element local (with or
// without a namespace prefix) in r, up to limit; it reads r to its end
// unless the limit is reached, so a part that unpacks to more than it
// declares is an error.
func countElements(r io.Reader, local string, limit int) (int, error) {
	want, wantPrefixed := []byte(local), []byte(":"+local)
	var (
		n      int
		inName bool
		name   []byte // the tag name so far, only its last len(wantPrefixed) bytes
		length int    // the tag name's whole length
	)
	buf := make([]byte, 64<<10)
	for {
		k, err := r.Read(buf)
		for _, c := range buf[:k] {
			switch {
			case c == '<':
				inName, name, length = true, name[:0], 0
			case !inName:
			case c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r':
				inName = false
				if length == len(want) && bytes.Equal(name, want) || length > len(want) && bytes.HasSuffix(name, wantPrefixed) {
					if n++; n >= limit {
						return n, nil
					}
				}
			default:
				length++
				name = append(name, c)
				if len(name) > len(wantPrefixed) {
					name = append(name[:0], name[1:]...)
				}
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// xlsxRows feeds the rows of the first sheet to row, until it returns false.
func xlsxRows(data []byte, o options, row func(num int, cells []string) bool) (prob *practice.Problem) {
	// excelize parses a file from outside; whatever goes wrong in it is a
	// bad file, not a reason to take the server down.
	defer func() {
		if recover() != nil {
			p := notXLSX()
			prob = &p
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    o.maxUnzipped,
		UnzipXMLSizeLimit: min(o.maxUnzipped, xmlInMemory),
	})
	if err != nil {
		p := notXLSX()
		switch {
		case strings.Contains(err.Error(), "unzip size exceeds"): // excelize has no sentinel for it
			p = fileProblem(practice.CodeInvalidFile, fmt.Sprintf("De werkmap is uitgepakt groter dan %s. Laad een kleinere werkmap op of verdeel de praktijken over meer inventarissen.", humanBytes(o.maxUnzipped)))
		case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
			p = fileProblem(practice.CodeInvalidFile, "De werkmap is met een wachtwoord beveiligd of in een oud formaat opgeslagen. Verwijder het wachtwoord en sla ze op als 'Excel-werkmap (*.xlsx)'.")
		}
		return &p
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		p := notXLSX()
		return &p
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		p := notXLSX()
		return &p
	}
	defer it.Close()
	for num := 1; it.Next(); num++ {
		cells, err := it.Columns()
		if err != nil {
			p := fileProblem(practice.CodeInvalidFile, fmt.Sprintf("Rij %d van het eerste werkblad kon niet gelezen worden: de werkmap is beschadigd. Sla ze opnieuw op vanuit Excel.", num))
			return &p
		}
		if !row(num, cells) {
			break
		}
	}
	if it.Error() != nil {
		p := notXLSX()
		return &p
	}
	return nil
}

// maxCellChars is the most UTF-16 units a spreadsheet cell holds.
const maxCellChars = 32767

// WriteXLSX writes practices as an Excel workbook with one sheet,
// "Praktijken": a header row with the columns ReadXLSX reads, then one
// practice per row; lists are joined with '|' as in CSV (see CSVWriter for
// what cannot round trip), years are numbers. A text that a cell cannot hold
// unchanged (longer than 32767 characters, characters XML does not allow
// such as U+FFFE, or "_x0041_x0041_"-like escape sequences) is an error
// wrapping ErrCellText rather than written otherwise.
func WriteXLSX(w io.Writer, practices []practice.PracticeInput) error {
	xw, err := NewXLSXWriter(false)
	if err != nil {
		return err
	}
	defer xw.Close()
	for _, p := range practices {
		if err := xw.Write(Record{}, p); err != nil {
			return err
		}
	}
	return xw.Finish(w)
}

// XLSXWriter writes a workbook as WriteXLSX does, one practice at a time
// (excelize's stream writer keeps the rows in a temporary file, not in
// memory), optionally with the record columns first.
type XLSXWriter struct {
	f       *excelize.File
	sw      *excelize.StreamWriter
	wrap    int
	records bool
	row     []any
	n       int
	offset  int
}

// NewXLSXWriter starts a workbook; with records the record columns
// (RecordColumnNames) come before the v1 columns. Close it when done.
func NewXLSXWriter(records bool) (*XLSXWriter, error) {
	f := excelize.NewFile()
	xw := &XLSXWriter{f: f, records: records}
	if err := xw.start(); err != nil {
		f.Close()
		return nil, err
	}
	return xw, nil
}

func (xw *XLSXWriter) start() error {
	f := xw.f
	const sheet = "Praktijken"
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	xw.sw = sw
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	xw.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	names := ColumnNames()
	if xw.records {
		xw.offset = len(recordColumns)
		names = append(RecordColumnNames(), names...)
		if err := sw.SetColWidth(1, xw.offset, 20); err != nil {
			return err
		}
	}
	for i, c := range columns {
		width := 24.0
		switch {
		case c.name == "ref" || c.kind == yearCol || c.name == "language":
			width = 12
		case c.name == "summary" || c.name == "description":
			width = 60
		}
		if err := sw.SetColWidth(xw.offset+i+1, xw.offset+i+1, width); err != nil {
			return err
		}
	}
	xw.row = make([]any, len(names))
	for i, name := range names {
		xw.row[i] = excelize.Cell{StyleID: bold, Value: name}
	}
	return sw.SetRow("A1", xw.row)
}

// Write adds one practice as a row, with its record when the workbook has
// the record columns.
func (xw *XLSXWriter) Write(r Record, p practice.PracticeInput) error {
	row := xw.row
	if xw.records {
		for i, v := range recordCells(r) {
			row[i] = nil
			if v != "" {
				row[i] = excelize.Cell{Value: v}
			}
		}
		if r.Version > 0 {
			row[2] = excelize.Cell{Value: r.Version}
		}
	}
	values := cellValues(&p)
	for i, c := range columns {
		k := xw.offset + i
		row[k] = nil
		if c.kind == yearCol {
			if y := *c.year(&p); y != nil {
				row[k] = excelize.Cell{StyleID: xw.wrap, Value: *y}
			}
			continue
		}
		v := values[i]
		if v == "" {
			continue
		}
		if err := cellText(v); err != nil {
			return fmt.Errorf("practice %q, %s: %w", p.Ref, c.name, err)
		}
		row[k] = excelize.Cell{StyleID: xw.wrap, Value: v}
	}
	xw.n++
	cell, err := excelize.CoordinatesToCellName(1, xw.n+1)
	if err != nil {
		return err
	}
	return xw.sw.SetRow(cell, row)
}

// Finish finishes the workbook and writes it to w.
func (xw *XLSXWriter) Finish(w io.Writer) error {
	if err := xw.sw.Flush(); err != nil {
		return err
	}
	return xw.f.Write(w)
}

// Close releases the workbook's temporary files.
func (xw *XLSXWriter) Close() error { return xw.f.Close() }

// ErrCellText is returned by WriteXLSX for a text that a workbook cannot
// carry unchanged. The validation refuses such texts, so stored practices
// never have them.
var ErrCellText = errors.New("text cannot be stored unchanged in a spreadsheet cell")

// escapeRun is two overlapping escape sequences of the XLSX string format
// (_xHHHH_); excelize does not escape the second one, so it would come back
// as another character.
var escapeRun = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_x[0-9A-Fa-f]{4}_`)

// cellText checks that v survives a spreadsheet cell: not too long, only
// characters XML allows, and no escape sequences excelize would garble.
func cellText(v string) error {
	if n := utf16Len(v); n > maxCellChars {
		return fmt.Errorf("%w: %d characters, a cell holds %d", ErrCellText, n, maxCellChars)
	}
	for _, r := range v {
		if !(r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return fmt.Errorf("%w: character %U is not allowed in XML", ErrCellText, r)
		}
	}
	if m := escapeRun.FindString(v); m != "" {
		return fmt.Errorf("%w: %q reads back as another character", ErrCellText, m)
	}
	return nil
}

// utf16Len is the length of s in UTF-16 code units, as spreadsheets count.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		l := utf16.RuneLen(r)
		if l < 0 {
			l = 1
		}
		n += l
	}
	return n
}
