package importer

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// listSeparator separates the items of a list in one cell.
const listSeparator = "|"

// sheetMapper turns the rows of a spreadsheet (CSV or XLSX), fed one at a
// time, into an inventory: the first non-empty row is the header, every
// further non-empty row is a practice. It is the one place where the column
// rules live. Rows are mapped as they come, so a large file is never held
// as cells.
type sheetMapper struct {
	kind   Kind
	res    Result
	probs  practice.Problems
	header []string // the header's cells; nil until the header is seen
	// colOf[i] is the index in columns of cell i, or -1 for a cell without
	// a usable column name; named[i] tells whether it has a name at all.
	colOf []int
	named []bool
	stop  bool // a problem that makes the rest meaningless (the encoding)
}

func newSheetMapper(meta Meta, kind Kind) *sheetMapper {
	m := &sheetMapper{kind: kind}
	m.res = Result{Kind: kind, Rows: []int{}, Input: practice.InventoryInput{
		Region: meta.Region, Title: meta.Title, SubmittedBy: meta.SubmittedBy,
	}}
	if meta.Period != nil {
		p := *meta.Period
		m.res.Input.Period = &p
	}
	return m
}

// row maps the row with spreadsheet number num. It returns false when the
// rest of the file need not be read.
func (m *sheetMapper) row(num int, cells []string) bool {
	if m.stop {
		return false
	}
	for i, cell := range cells {
		if !utf8.ValidString(cell) {
			path := fmt.Sprintf("rij %d", num)
			if i < len(m.header) && m.named[i] {
				path += ", kolom " + strings.TrimSpace(m.header[i])
			} else {
				path += ", kolom " + colLetter(i)
			}
			m.probs = practice.Problems{encodingProblem(path, num, m.kind)}
			m.res.Input.Practices, m.res.Rows = nil, nil
			m.stop = true
			return false
		}
	}
	if blankRow(cells) {
		return true
	}
	if m.header == nil {
		m.readHeader(num, cells)
		return true
	}

	var p practice.PracticeInput
	region := ""
	beyond := false
	for i, raw := range cells {
		v := cleanCell(raw)
		if v == "" {
			continue
		}
		if i >= len(m.colOf) || (m.colOf[i] < 0 && !m.named[i]) {
			if !beyond { // once a row is enough
				beyond = true
				m.probs = append(m.probs, practice.Problem{
					Path: fmt.Sprintf("rij %d, kolom %s", num, colLetter(i)), Code: practice.CodeUnknownField,
					Message: fmt.Sprintf("Kolom %s heeft geen naam in de kopregel, maar deze rij heeft er een waarde in. Geef de kolom een naam uit het formaat of maak de cel leeg.", colLetter(i))})
			}
			continue
		}
		if m.colOf[i] == colRecordRegion {
			region = v
			continue
		}
		if m.colOf[i] < 0 {
			continue // an unknown column (reported once, on the header) or a record column the bank assigns
		}
		col := columns[m.colOf[i]]
		switch col.kind {
		case textCol:
			col.setText(&p, v)
		case listCol, codeCol:
			*col.list(&p) = splitList(v, col.kind == codeCol)
		case yearCol:
			y, ok := parseYear(v)
			if !ok {
				m.probs = append(m.probs, practice.Problem{Path: fmt.Sprintf("rij %d, kolom %s", num, col.name), Code: practice.CodeInvalidFormat,
					Message: fmt.Sprintf("'%s' is geen jaartal. Schrijf het jaar in cijfers, bv. 2021.", shorten(v))})
				continue
			}
			*col.year(&p) = &y
		}
	}
	if reflect.DeepEqual(p, practice.PracticeInput{}) {
		return true // nothing but separators (e.g. "|"): an empty row too
	}
	m.res.Input.Practices = append(m.res.Input.Practices, p)
	m.res.Rows = append(m.res.Rows, num)
	if m.res.Regions != nil {
		m.res.Regions = append(m.res.Regions, region)
	}
	return true
}

func (m *sheetMapper) readHeader(num int, cells []string) {
	m.header = slices.Clone(cells) // the reader may reuse cells
	hrow := fmt.Sprintf("rij %d", num)
	m.colOf = make([]int, len(cells))
	m.named = make([]bool, len(cells))
	seen := make(map[int]int) // column -> cell index
	for i, cell := range cells {
		m.colOf[i] = -1
		name := strings.TrimSpace(strings.TrimPrefix(cell, "\uFEFF"))
		if name == "" {
			continue
		}
		m.named[i] = true
		ci, ok := columnByName(name)
		if rc, isRecord := recordColumn(name); !ok && isRecord {
			m.colOf[i] = colRecordIgnored
			if rc == "region" {
				m.colOf[i] = colRecordRegion
				m.res.Regions = []string{}
			}
			continue
		}
		if !ok {
			m.probs = append(m.probs, unknownColumn(hrow, name))
			continue
		}
		if first, dup := seen[ci]; dup {
			m.probs = append(m.probs, practice.Problem{Path: hrow + ", kolom " + name, Code: practice.CodeInvalidFormat,
				Message: fmt.Sprintf("De kolom '%s' staat twee keer in de kopregel (in kolom %s en in kolom %s). Verwijder een van beide kolommen.",
					columns[ci].name, colLetter(first), colLetter(i))})
			continue
		}
		seen[ci] = i
		m.colOf[i] = ci
	}
	if _, ok := seen[0]; !ok {
		m.probs = append(m.probs, practice.Problem{Path: hrow, Code: practice.CodeRequired,
			Message: "De kolom 'ref' ontbreekt in de kopregel (rij " + strconv.Itoa(num) + "). Elke praktijk heeft een eigen referentie nodig, bv. ovl-2022-001; daarmee wordt ze bij een nieuwe indiening herkend."})
	}
}

// fail adds a problem that ends the reading of the file (e.g. broken quotes).
func (m *sheetMapper) fail(p practice.Problem) {
	if !m.stop {
		m.probs = append(m.probs, p)
		m.stop = true
	}
}

// finish returns the inventory and every problem.
func (m *sheetMapper) finish() (Result, practice.Problems) {
	if m.header == nil && len(m.probs) == 0 {
		m.probs = practice.Problems{fileProblem(practice.CodeInvalidFile,
			"Het bestand is leeg. De eerste rij moet de kolomnamen bevatten (ref, title, summary, krachtlijnen, ...), elke volgende rij is een praktijk.")}
	}
	if !m.stop {
		m.probs = append(m.probs, m.res.regionProblems(m.res.Input.Region)...)
	}
	return m.res, m.probs
}

func encodingProblem(path string, row int, kind Kind) practice.Problem {
	msg := fmt.Sprintf("Rij %d bevat tekens die geen UTF-8 zijn: het bestand is in een andere codering opgeslagen (meestal Windows-1252, bij 'CSV (gescheiden door lijstscheidingsteken)'), waardoor letters als é en ë verkeerd zouden overkomen. ", row)
	if kind == KindCSV {
		msg += "Open het bestand in Excel, kies 'Opslaan als' met het bestandstype 'CSV UTF-8 (gescheiden door komma's)' en laad het opnieuw op."
	} else {
		msg += "Sla het bestand opnieuw op met Excel en laad het opnieuw op."
	}
	return practice.Problem{Path: path, Code: practice.CodeInvalidEncoding, Message: msg}
}

func unknownColumn(hrow, name string) practice.Problem {
	msg := fmt.Sprintf("Onbekende kolom '%s'.", shorten(name))
	if s := suggest(name, ColumnNames()); s != "" {
		msg += fmt.Sprintf(" Bedoelt u '%s'?", s)
	}
	msg += " De kolomnamen zijn die van het formaat v1: " + strings.Join(ColumnNames(), ", ") + "."
	return practice.Problem{Path: hrow + ", kolom " + name, Code: practice.CodeUnknownField, Message: msg}
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cleanCell normalises line ends to "\n" and trims white space.
func cleanCell(s string) string {
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.TrimSpace(s)
}

// splitList splits a list cell on '|', trims the items and drops empty ones;
// codes are upper-cased, so "nabijheid" reads as NABIJHEID. A cell without
// items is an absent list (nil).
func splitList(v string, code bool) []string {
	var items []string
	for item := range strings.SplitSeq(v, listSeparator) {
		item = strings.TrimSpace(item)
		if code {
			item = strings.TrimSpace(strings.ToUpper(item))
		}
		if item != "" {
			items = append(items, item)
		}
	}
	return items
}

// parseYear reads a year as a spreadsheet writes it: "2021", or "2021.0"
// (also "2021,0") from a cell that holds a number.
func parseYear(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, inYearRange(float64(n))
	}
	if strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == ',' || r == '-' || r == '+' || r == 'e' || r == 'E')
	}) || strings.Count(s, ",") > 1 {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return 0, false
	}
	r := math.Round(f)
	if math.Abs(f-r) > 1e-6 || !inYearRange(r) {
		return 0, false
	}
	return int(r), true
}

// inYearRange keeps numbers sane; the validation checks the actual range.
func inYearRange(f float64) bool { return f > -1e9 && f < 1e9 }

// colLetter is the spreadsheet name of the column with index i: A, B, ..., Z, AA.
func colLetter(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b)
}

// shorten cuts a value for quoting in a message.
func shorten(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}
