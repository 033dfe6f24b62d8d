package importer

import (
	"bufio"
	"bytes"
	"context"
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
// Columns carry the v1 names or the Dutch ones (titel, samenvatting, ...),
// matched case-insensitively; an optional column region (regio) must hold
// the inventory's region. With Labels, cells may carry the labels the site
// shows ("Verbindend werken", "4.2 Actie 1"). A cell that starts with an
// apostrophe before = + - @ tab or CR loses that apostrophe (CSVWriter adds
// it so that a spreadsheet program does not run the cell as a formula). A
// row with more or fewer cells than the header is reported, as is a row
// that cannot be parsed, and reading goes on with the next.
//
// List cells are split on '|', their items trimmed and empty items dropped; an empty cell is an absent field;
// krachtlijnen, functions and impactDomains are upper-cased; years are whole
// numbers ("2021", or "2021.0" as Excel may write). Empty rows are skipped.
// A file that is not UTF-8 (Excel's plain "CSV" is Windows-1252) is refused
// with one INVALID_ENCODING problem rather than read with garbled letters.
func ReadCSV(r io.Reader, meta Meta, opts ...Option) (Result, practice.Problems) {
	o := buildOptions(opts)
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	return readCSV(ctx, bufio.NewReaderSize(&limitReader{r: r, n: o.maxBytes}, peekSize), meta, o)
}

// readCSV reads CSV from br as a stream: a row is mapped before the next is
// read, no row may exceed maxRecordBytes, and reading stops at the first cap
// the sheetMapper hits, so a huge file costs no more than its first rows.
func readCSV(ctx context.Context, br *bufio.Reader, meta Meta, o options) (Result, practice.Problems) {
	if head, _ := br.Peek(2); bytes.HasPrefix(head, utf16LEBOM) || bytes.HasPrefix(head, utf16BEBOM) {
		return Result{Kind: KindCSV}, practice.Problems{practice.Problem{Path: "", Code: practice.CodeInvalidEncoding,
			Message: "Het bestand is opgeslagen als Unicode-tekst (UTF-16). Open het in Excel, kies 'Opslaan als' met het bestandstype 'CSV UTF-8 (gescheiden door komma's)' en laad het opnieuw op."}}
	}
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	head, _ := br.Peek(peekSize)
	sepLine, sep := detectSeparator(head)
	br.Discard(sepLine)
	o.sep = sep

	watch := &utf8Watch{r: br}
	rd := csv.NewReader(&recordLimiter{r: watch, sep: byte(sep), max: maxRecordBytes})
	rd.Comma = sep
	rd.FieldsPerRecord = -1
	rd.LazyQuotes = false
	rd.ReuseRecord = true // each row is mapped before the next is read

	m := newSheetMapper(ctx, meta, KindCSV, o)
	row, nextLine := 0, 1
	for !m.done {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe) && !errors.Is(err, errRecordTooLong) && !errors.Is(err, errTooLarge):
			// The row cannot be read, but the next one can: report it and
			// go on, so one stray quote hides no other problem.
			row += 1 + max(pe.StartLine-nextLine, 0)
			nextLine = pe.Line + 1
			if m.header == nil {
				m.fail(quoteProblem(pe, row))
			} else {
				m.probs.add(quoteProblem(pe, row))
			}
			continue
		case errors.Is(err, errRecordTooLong):
			m.fail(practice.Problem{Path: fmt.Sprintf("rij %d", row+1), Code: practice.CodeTooLong, Message: fmt.Sprintf(
				"Rij %d is langer dan %s: begint er een cel met een aanhalingsteken (\") dat nooit wordt afgesloten? De rest van het bestand werd niet gelezen.", row+1, humanBytes(maxRecordBytes))})
			continue
		case errors.Is(err, errTooLarge):
			m.stopWith(readProblem(err, o.maxBytes))
			continue
		case err != nil:
			m.stopWith(fileProblem(practice.CodeInvalidFile, "Het bestand kon niet gelezen worden als CSV."))
			continue
		}
		// encoding/csv skips empty lines; a spreadsheet shows them as
		// empty rows, so they count for the row numbers.
		line, _ := rd.FieldPos(0)
		row += 1 + max(line-nextLine, 0)
		last, _ := rd.FieldPos(len(rec) - 1)
		nextLine = last + strings.Count(rec[len(rec)-1], "\n") + 1
		m.row(row, rec)
	}
	res, probs := m.finish()
	if watch.badLine > 0 && !m.fatal {
		// Invalid bytes that no row holds (in a row that could not be
		// parsed): still only the encoding counts.
		return Result{Kind: KindCSV}, practice.Problems{encodingProblem(fmt.Sprintf("regel %d", watch.badLine), watch.badLine, KindCSV)}
	}
	return res, probs
}

// errRecordTooLong is the error of a CSV record longer than maxRecordBytes.
var errRecordTooLong = errors.New("csv record too long")

// recordLimiter passes a CSV stream through and fails once a record (a row,
// with the line breaks in its quoted cells) grows beyond max bytes, so that
// the csv reader never buffers more. It follows the quoting as encoding/csv
// does: a quote opens a quoted cell only at the start of a cell.
type recordLimiter struct {
	r     io.Reader
	sep   byte
	max   int
	n     int // bytes of the current record so far
	state uint8
}

const (
	atCellStart   = iota
	inCell        // an unquoted cell
	inQuotes      // a quoted cell
	quoteInQuotes // a quote in a quoted cell: its end, or the first of ""
)

func (l *recordLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		l.n++
		switch l.state {
		case atCellStart, inCell, quoteInQuotes:
			switch {
			case c == '"' && l.state == atCellStart:
				l.state = inQuotes
			case c == '"' && l.state == quoteInQuotes:
				l.state = inQuotes
			case c == l.sep:
				l.state = atCellStart
			case c == '\n':
				l.state, l.n = atCellStart, 0
			default:
				l.state = inCell
			}
		case inQuotes:
			if c == '"' {
				l.state = quoteInQuotes
			}
		}
		if l.n > l.max {
			return n, errRecordTooLong
		}
	}
	return n, err
}

// utf8Watch passes a stream through and notes the line of its first byte
// that is not UTF-8.
type utf8Watch struct {
	r       io.Reader
	carry   []byte // the start of a character split over two reads
	lines   int    // line breaks before the current position
	badLine int    // 1-based line of the first invalid byte; 0 while none
}

func (w *utf8Watch) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if w.badLine == 0 {
		w.scan(p[:n], err != nil)
	}
	return n, err
}

func (w *utf8Watch) scan(b []byte, end bool) {
	if len(w.carry) > 0 {
		take := min(len(b), utf8.UTFMax-len(w.carry))
		c := append(w.carry, b[:take]...)
		if !utf8.FullRune(c) && !end {
			w.carry = c
			return
		}
		r, size := utf8.DecodeRune(c)
		if r == utf8.RuneError && size <= 1 {
			w.badLine = w.lines + 1
			return
		}
		b = b[size-len(w.carry):]
		w.carry = w.carry[:0]
	}
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				w.lines++
			}
			i++
			continue
		}
		if !utf8.FullRune(b[i:]) && !end {
			w.carry = append(w.carry[:0], b[i:]...)
			return
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			w.badLine = w.lines + 1
			return
		}
		i += size
	}
}

// detectSeparator returns the length of an Excel "sep=;" first line (0 when
// there is none) and the separator: the one such a line names, or else the
// one of ';', ',' and tab that the header line (as far as head holds it)
// uses most outside quotes, ';' when it uses none.
func detectSeparator(head []byte) (int, rune) {
	first, _, found := bytes.Cut(head, []byte("\n"))
	n := len(first)
	if found {
		n++
	}
	first = bytes.TrimSuffix(first, []byte("\r"))
	if s, ok := bytes.CutPrefix(first, []byte("sep=")); ok && len(s) == 1 && (s[0] == ';' || s[0] == ',' || s[0] == '\t') {
		return n, rune(s[0])
	}
	// The header line ends at the first line break outside quotes.
	semi, comma, tab, quoted := 0, 0, 0, false
	for _, c := range head {
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
		return 0, ','
	case tab > semi && tab > comma:
		return 0, '\t'
	}
	return 0, ';'
}

func quoteProblem(pe *csv.ParseError, row int) practice.Problem {
	var what string
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		what = "er staat een aanhalingsteken (\") in een cel die niet tussen aanhalingstekens staat"
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		what = fmt.Sprintf("een cel die met een aanhalingsteken (\") begint, wordt niet correct afgesloten; alles tot regel %d werd als één cel gelezen", pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote):
		what = "een cel die met een aanhalingsteken (\") begint, wordt niet correct afgesloten"
	default:
		what = "de regel kon niet gelezen worden"
	}
	return practice.Problem{Path: fmt.Sprintf("rij %d", row), Code: practice.CodeInvalidFile,
		Message: fmt.Sprintf("Rij %d kon niet gelezen worden (regel %d, teken %d van het bestand): %s. Een aanhalingsteken binnen een cel schrijf je als twee aanhalingstekens (\"\"). Bewaar het bestand best opnieuw vanuit Excel als 'CSV UTF-8'.",
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
// A cell that a spreadsheet program would take for a formula (starting with
// = + - @ tab or CR, or apostrophes before one of those) is written with a
// leading apostrophe, which ReadCSV takes off again.
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
	for i, v := range cellValues(&p) {
		rec[i] = prefixFormula(v)
	}
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
