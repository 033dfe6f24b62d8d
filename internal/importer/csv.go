package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// ReadCSV reads an inventory from a CSV file: a header row with the v1 column
// names, then one practice per row. It reads what Excel writes in Belgium
// (';' as separator, often a UTF-8 byte order mark) as well as ','-separated
// files: the separator is the one the header row uses. Quoting follows
// RFC 4180, so a quoted cell may hold separators, quotes ("") and line
// breaks. The inventory fields come from meta.
//
// Column names match case-insensitively. List cells are split on '|', their
// items trimmed and empty items dropped; an empty cell is an absent field;
// krachtlijnen, functions and impactDomains are upper-cased; years are whole
// numbers ("2021", or "2021.0" as Excel may write). Empty rows are skipped.
// A file that is not UTF-8 (Excel's plain "CSV" is Windows-1252) is refused
// with one INVALID_ENCODING problem rather than read with garbled letters.
func ReadCSV(r io.Reader, meta Meta, opts ...Option) (Result, practice.Problems) {
	o := buildOptions(opts)
	data, err := readAll(r, o.maxBytes)
	if err != nil {
		return Result{Kind: KindCSV}, practice.Problems{readProblem(err, o.maxBytes)}
	}
	return readCSV(data, meta, o)
}

func readCSV(data []byte, meta Meta, _ options) (Result, practice.Problems) {
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) {
		return Result{Kind: KindCSV}, practice.Problems{practice.Problem{Path: "", Code: practice.CodeInvalidEncoding,
			Message: "Het bestand is opgeslagen als Unicode-tekst (UTF-16). Open het in Excel, kies 'Opslaan als' met het bestandstype 'CSV UTF-8 (gescheiden door komma's)' en laad het opnieuw op."}}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	data, sep := detectSeparator(data)

	rd := csv.NewReader(bytes.NewReader(data))
	rd.Comma = sep
	rd.FieldsPerRecord = -1
	rd.LazyQuotes = false
	rd.ReuseRecord = true // each row is mapped before the next is read

	valid := utf8.Valid(data)
	m := newSheetMapper(meta, KindCSV)
	row, nextLine := 0, 1
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row += 1 + max(pe.StartLine-nextLine, 0)
			if valid { // else the encoding is the problem to report
				m.fail(quoteProblem(pe, row))
			}
			break
		}
		if err != nil {
			m.fail(fileProblem(practice.CodeInvalidFile, "Het bestand kon niet gelezen worden als CSV."))
			break
		}
		// encoding/csv skips empty lines; a spreadsheet shows them as
		// empty rows, so they count for the row numbers.
		line, _ := rd.FieldPos(0)
		row += 1 + max(line-nextLine, 0)
		last, _ := rd.FieldPos(len(rec) - 1)
		nextLine = last + strings.Count(rec[len(rec)-1], "\n") + 1
		if !m.row(row, rec) {
			break
		}
	}
	res, probs := m.finish()
	if !valid && !m.stop {
		// Invalid bytes that no row holds (after broken quotes): still
		// only the encoding counts.
		line := 1 + bytes.Count(data[:invalidUTF8Offset(data)], []byte("\n"))
		return Result{Kind: KindCSV}, practice.Problems{encodingProblem(fmt.Sprintf("regel %d", line), line, KindCSV)}
	}
	return res, probs
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// detectSeparator returns the data without an Excel "sep=;" line, and the
// separator: the one of ';' and ',' that the header line uses most (outside
// quotes), ';' when it uses neither.
func detectSeparator(data []byte) ([]byte, rune) {
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	first = bytes.TrimSuffix(first, []byte("\r"))
	if s, ok := bytes.CutPrefix(first, []byte("sep=")); ok && len(s) == 1 && (s[0] == ';' || s[0] == ',' || s[0] == '\t') {
		return rest, rune(s[0])
	}
	// The header line ends at the first line break outside quotes.
	semi, comma, tab, quoted := 0, 0, 0, false
	for _, c := range data {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' {
			break
		}
		switch c {
		case ';':
			semi++
		case ',':
			comma++
		case '\t':
			tab++
		}
	}
	switch {
	case comma > semi && comma >= tab:
		return data, ','
	case tab > semi && tab > comma:
		return data, '\t'
	}
	return data, ';'
}

func quoteProblem(pe *csv.ParseError, row int) practice.Problem {
	var what string
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		what = "er staat een aanhalingsteken (\") in een cel die niet tussen aanhalingstekens staat"
	case errors.Is(pe.Err, csv.ErrQuote):
		what = "een cel die met een aanhalingsteken (\") begint, wordt niet correct afgesloten"
	default:
		what = "de regel kon niet gelezen worden"
	}
	return practice.Problem{Path: fmt.Sprintf("rij %d", row), Code: practice.CodeInvalidFile,
		Message: fmt.Sprintf("Het bestand is geen geldige CSV vanaf rij %d (regel %d, teken %d van het bestand): %s. Een aanhalingsteken binnen een cel schrijf je als twee aanhalingstekens (\"\"). Bewaar het bestand best opnieuw vanuit Excel als 'CSV UTF-8'.",
			row, pe.Line, pe.Column, what)}
}

// CSVOptions tune the CSV writers. The zero value writes what Excel in
// Belgium reads directly: a UTF-8 byte order mark, ';' between cells, CRLF
// line ends.
type CSVOptions struct {
	Comma   rune // the separator; 0 means ';'
	OmitBOM bool // leave out the UTF-8 byte order mark
	// Records puts the record columns (RecordColumnNames) before the v1
	// columns; rows are then written with WriteRecord.
	Records bool
}

// CSVWriter writes practices as CSV, one row at a time, so an export can
// stream. Its columns are those ReadCSV reads, in the order of ColumnNames.
//
// Lists are joined with '|'. A list item that itself contains '|' cannot
// survive the round trip: it is written as is and read back as two items
// (the validation does not allow '|' in list items). Items are read back
// trimmed, and empty items are dropped; text cells are read back trimmed,
// with line ends as "\n".
type CSVWriter struct {
	w           *bufio.Writer
	cw          *csv.Writer
	bom         bool
	records     bool
	wroteHeader bool
	rec         []string
}

// NewCSVWriter returns a writer that writes to w.
func NewCSVWriter(w io.Writer, opts CSVOptions) *CSVWriter {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	if opts.Comma != 0 {
		cw.Comma = opts.Comma
	}
	cw.UseCRLF = true
	n := len(columns)
	if opts.Records {
		n += len(recordColumns)
	}
	return &CSVWriter{w: bw, cw: cw, bom: !opts.OmitBOM, records: opts.Records, rec: make([]string, n)}
}

// WriteHeader writes the byte order mark and the header row. Write calls it
// when it has not been called.
func (w *CSVWriter) WriteHeader() error {
	if w.wroteHeader {
		return nil
	}
	w.wroteHeader = true
	if w.bom {
		if _, err := w.w.Write(utf8BOM); err != nil {
			return err
		}
	}
	if w.records {
		return w.cw.Write(append(RecordColumnNames(), ColumnNames()...))
	}
	return w.cw.Write(ColumnNames())
}

// Write writes one practice as a row (without its record columns, when the
// writer has them).
func (w *CSVWriter) Write(p practice.PracticeInput) error {
	return w.WriteRecord(Record{}, p)
}

// WriteRecord writes one practice as a row, with its record first when the
// writer has the record columns.
func (w *CSVWriter) WriteRecord(r Record, p practice.PracticeInput) error {
	if err := w.WriteHeader(); err != nil {
		return err
	}
	rec := w.rec
	if w.records {
		copy(rec, recordCells(r))
		rec = rec[len(recordColumns):]
	}
	copy(rec, cellValues(&p))
	return w.cw.Write(w.rec)
}

// Flush writes any buffered data to the underlying writer.
func (w *CSVWriter) Flush() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	return w.w.Flush()
}

// WriteCSV writes practices as CSV with a header row; see CSVWriter.
func WriteCSV(w io.Writer, practices []practice.PracticeInput, opts CSVOptions) error {
	cw := NewCSVWriter(w, opts)
	if err := cw.WriteHeader(); err != nil {
		return err
	}
	for _, p := range practices {
		if err := cw.Write(p); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// cellValues are the cells of p in the order of columns.
func cellValues(p *practice.PracticeInput) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		switch c.kind {
		case textCol:
			out[i] = c.getText(p)
		case listCol, codeCol:
			out[i] = strings.Join(*c.list(p), listSeparator)
		case yearCol:
			if y := *c.year(p); y != nil {
				out[i] = strconv.Itoa(*y)
			}
		}
	}
	return out
}
