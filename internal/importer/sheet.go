package importer

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// listSeparator separates the items of a list in one cell.
const listSeparator = "|"

// sheetMapper turns the rows of a spreadsheet (CSV or XLSX), fed one at a
// time, into an inventory: the first non-empty row is the header, every
// further non-empty row is a practice. It is the one place where the column
// rules live. Rows are mapped as they come, so a large file is never held
// as cells, and the caps (rows, columns, cells, list items, practices,
// problems) are checked before anything is kept.
type sheetMapper struct {
	kind  Kind
	opts  options
	ctx   context.Context
	res   Result
	probs problemList
	// header holds the header's names, trimmed; nil until it is seen.
	header []string
	// colOf[i] is the index in columns of cell i, or colNone for a cell
	// without a usable name, or colRegion; named[i] tells whether it has a
	// name at all.
	colOf []int
	named []bool
	fatal bool // the file as a whole cannot be read: no result
	done  bool // stop reading (fatal, or too many rows or practices)
	// regionGiven: the region was given beside the file, so every row's
	// region column must name it.
	regionGiven bool
}

const (
	colNone   = -1
	colRegion = -2
)

// regionHeaders name the optional column with the practice's region; every
// value in it must be the inventory's region.
var regionHeaders = []string{"region", "regio"}

func newSheetMapper(ctx context.Context, meta Meta, kind Kind, o options) *sheetMapper {
	m := &sheetMapper{kind: kind, opts: o, ctx: ctx, regionGiven: strings.TrimSpace(meta.Region) != ""}
	m.res = Result{Kind: kind, Rows: []int{}, Columns: map[string]string{}, Input: practice.InventoryInput{
		Region: meta.Region, Title: meta.Title, SubmittedBy: meta.SubmittedBy,
	}}
	if meta.Period != nil {
		p := *meta.Period
		m.res.Input.Period = &p
	}
	return m
}

// add adds a problem.
func (m *sheetMapper) add(path, code, msg string) {
	m.probs.add(practice.Problem{Path: path, Code: code, Message: msg})
}

// stopWith ends the reading with a problem about the file as a whole, after
// which nothing that was read counts.
func (m *sheetMapper) stopWith(p practice.Problem) {
	m.probs = problemList{}
	m.probs.add(p)
	m.fatal, m.done = true, true
}

// colName is the name of cell i's column as the file writes it, or its letter.
func (m *sheetMapper) colName(i int) string {
	if i < len(m.header) && m.named[i] {
		return m.header[i]
	}
	return colLetter(i)
}

func (m *sheetMapper) at(num, i int) string {
	return fmt.Sprintf("rij %d, kolom %s", num, m.colName(i))
}

// row maps the row with spreadsheet number num. It returns false when the
// rest of the file need not be read.
func (m *sheetMapper) row(num int, cells []string) bool {
	if m.done {
		return false
	}
	if num > MaxRows {
		m.add("", practice.CodeTooMany, fmt.Sprintf(
			"Het bestand heeft meer dan %s rijen (lege rijen meegeteld); de rest werd niet gelezen. Verwijder de lege rijen onderaan of verdeel de praktijken over meer inventarissen.", practice.DutchNumber(MaxRows)))
		m.done = true
		return false
	}
	if num%256 == 0 && m.ctx.Err() != nil {
		m.stopWith(slowProblem(m.opts.timeout))
		return false
	}
	for i, cell := range cells {
		if !utf8.ValidString(cell) {
			m.stopWith(encodingProblem(m.at(num, i), num, m.kind))
			return false
		}
	}
	if blankRow(cells) {
		return true
	}
	if m.header == nil {
		m.readHeader(num, cells)
		return !m.done
	}
	if len(m.res.Input.Practices) == practice.MaxPractices {
		// About the file as a whole (no row), so that it comes first.
		m.add("", practice.CodeTooMany, fmt.Sprintf(
			"Het bestand bevat meer dan %s praktijken (de %s-ste staat op rij %d); de rest werd niet gelezen. Verdeel de praktijken over meer inventarissen.",
			practice.DutchNumber(practice.MaxPractices), practice.DutchNumber(practice.MaxPractices+1), num))
		m.done = true
		return false
	}
	m.checkWidth(num, cells)

	var p practice.PracticeInput
	region := ""
	for i, raw := range cells {
		if i >= len(m.colOf) || m.colOf[i] == colNone {
			continue // reported by checkWidth or, for an unknown name, on the header
		}
		if m.kind == KindCSV {
			raw = unprefixFormula(raw)
		}
		v := cleanCell(raw)
		if v == "" {
			continue
		}
		if n := utf8.RuneCountInString(v); n > MaxCellChars {
			m.add(m.at(num, i), practice.CodeTooLong, fmt.Sprintf(
				"Deze cel bevat %s tekens; een cel mag er hoogstens %s bevatten.", practice.DutchNumber(n), practice.DutchNumber(MaxCellChars)))
			continue
		}
		if m.colOf[i] == colRegion {
			region = m.region(num, i, v)
			continue
		}
		col := columns[m.colOf[i]]
		switch col.kind {
		case textCol:
			if col.name == "language" {
				v = language(v)
			}
			col.setText(&p, v)
		case listCol, codeCol:
			items, more := splitList(v, col.kind == codeCol)
			if more {
				m.add(m.at(num, i), practice.CodeTooMany, fmt.Sprintf(
					"Deze cel bevat meer dan %d items (gescheiden door |); er mogen er hoogstens %d zijn.", practice.MaxListItems, practice.MaxListItems))
			}
			m.resolve(col.name, items)
			*col.list(&p) = items
		case yearCol:
			y, ok := parseYear(v)
			if !ok {
				m.add(m.at(num, i), practice.CodeInvalidFormat, fmt.Sprintf("'%s' is geen jaartal. Schrijf het jaar in cijfers, bv. 2021.", shorten(v)))
				continue
			}
			*col.year(&p) = &y
		}
	}
	if reflect.DeepEqual(p, practice.PracticeInput{}) {
		return true // nothing but separators (e.g. "|") or a region: an empty row too
	}
	m.res.Input.Practices = append(m.res.Input.Practices, p)
	m.res.Rows = append(m.res.Rows, num)
	if m.res.Regions != nil {
		m.res.Regions = append(m.res.Regions, region)
	}
	return true
}

// checkWidth reports a row with a value in a column that has no name, and a
// CSV row with more or fewer cells than the header (a separator too many or
// missing shifts every cell after it).
func (m *sheetMapper) checkWidth(num int, cells []string) {
	last := len(cells) - 1
	for last >= 0 && strings.TrimSpace(cells[last]) == "" {
		last--
	}
	if m.kind == KindCSV && len(cells) != len(m.header) && (len(cells) < len(m.header) || last >= len(m.header)) {
		n, h := len(cells), len(m.header)
		var msg string
		if n > h {
			msg = fmt.Sprintf("Rij %d heeft %d cellen, de kopregel %d: er %s te veel in deze rij. Staat er een scheidingsteken (%s) in een tekst die niet tussen aanhalingstekens staat? Zet zo'n tekst tussen aanhalingstekens (\"...\") of bewaar het bestand opnieuw vanuit Excel.",
				num, n, h, cellCount(n-h, "staat", "staan"), m.sepName())
		} else {
			msg = fmt.Sprintf("Rij %d heeft %d cellen, de kopregel %d: er %s in deze rij, zodat de waarden erna in de verkeerde kolom staan. Voeg het ontbrekende scheidingsteken (%s) toe of bewaar het bestand opnieuw vanuit Excel.",
				num, n, h, cellCount(h-n, "ontbreekt", "ontbreken"), m.sepName())
		}
		m.add(fmt.Sprintf("rij %d", num), practice.CodeInvalidFormat, msg)
		return
	}
	for i := range cells {
		if (i >= len(m.colOf) || !m.named[i]) && strings.TrimSpace(cells[i]) != "" {
			m.add(fmt.Sprintf("rij %d, kolom %s", num, colLetter(i)), practice.CodeUnknownField,
				fmt.Sprintf("Kolom %s heeft geen naam in de kopregel, maar deze rij heeft er een waarde in. Geef de kolom een naam uit het formaat of maak de cel leeg.", colLetter(i)))
			return // once a row is enough
		}
	}
}

// cellCount is "staat één cel" or "staan 3 cellen", with the verb given.
func cellCount(n int, one, more string) string {
	if n == 1 {
		return one + " één cel"
	}
	return fmt.Sprintf("%s %d cellen", more, n)
}

// sepName names the CSV separator for messages; the CSV reader sets it.
func (m *sheetMapper) sepName() string {
	switch m.opts.sep {
	case ',':
		return "een komma"
	case '\t':
		return "een tab"
	}
	return "een puntkomma"
}

// region reads a value of the region column: the region's id. Given a
// region beside the file, every row must be of it; without one, each row
// keeps its own (Result.Regions), and the caller splits the file by region
// (Result.SplitByRegion), as the import of an export of several regions does.
func (m *sheetMapper) region(num, i int, v string) string {
	id := v
	if m.opts.plan != nil {
		r, ok := m.opts.plan.FindRegion(v)
		if !ok {
			m.add(m.at(num, i), practice.CodeUnknownRegion, fmt.Sprintf("Onbekende regio '%s'. Kies uit: %s.", shorten(v), regionNames(m.opts.plan)))
			return ""
		}
		id = r.ID
	}
	if want := strings.TrimSpace(m.res.Input.Region); m.regionGiven && !strings.EqualFold(want, id) {
		m.add(m.at(num, i), practice.CodeRegionMismatch, fmt.Sprintf(
			"Deze rij is voor regio '%s', maar de inventaris wordt ingediend voor regio '%s'. Een inventaris bevat alleen praktijken van één regio: dien deze rij in voor haar eigen regio, of maak de cel leeg.", shorten(v), want))
	}
	return id
}

func regionNames(plan *actionplan.Plan) string {
	names := make([]string, len(plan.Regions))
	for i, r := range plan.Regions {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// resolve replaces the labels in the items of a column by the codes and ids
// they stand for ("Verbindend werken" by VERBINDEND, "4.2 Actie 1" by
// digitalisering-1). An item that is no known label stays as it is, for the
// validation to report.
func (m *sheetMapper) resolve(column string, items []string) {
	plan := m.opts.plan
	if plan == nil {
		return
	}
	for j, item := range items {
		switch column {
		case "krachtlijnen":
			if k, ok := plan.FindKrachtlijn(item); ok {
				items[j] = k.Code
			}
		case "challenges":
			if c, ok := plan.FindChallenge(item); ok {
				items[j] = c.ID
			}
		case "actions":
			if a, ok := plan.FindAction(item); ok {
				items[j] = a.ID
			}
		case "functions":
			if f, ok := plan.FindFunction(item); ok {
				items[j] = f.Code
			}
		case "impactDomains":
			if d, ok := plan.FindImpactDomain(item); ok {
				items[j] = d.Code
			}
		}
	}
}

// languageNames are the Dutch (and own) names of the languages v1 knows.
var languageNames = map[string]string{
	"nederlands": "nl", "frans": "fr", "français": "fr", "francais": "fr", "engels": "en", "english": "en",
}

// language reads a language cell: its code in any case, or its name.
func language(v string) string {
	l := strings.ToLower(v)
	if code, ok := languageNames[l]; ok {
		return code
	}
	if slices.Contains(practice.Languages, l) {
		return l
	}
	return v
}

func (m *sheetMapper) readHeader(num int, cells []string) {
	hrow := fmt.Sprintf("rij %d", num)
	named := 0
	for _, cell := range cells {
		if strings.TrimSpace(cell) != "" {
			named++
		}
	}
	if named > MaxColumns {
		m.stopWith(practice.Problem{Path: hrow, Code: practice.CodeTooMany, Message: fmt.Sprintf(
			"De kopregel (rij %d) heeft %s kolommen met een naam; een inventaris heeft er hoogstens %d. De kolommen van het formaat zijn: %s.",
			num, practice.DutchNumber(named), MaxColumns, strings.Join(DutchColumnNames(), ", "))})
		return
	}
	m.header = make([]string, len(cells))
	m.colOf = make([]int, len(cells))
	m.named = make([]bool, len(cells))
	seen := make(map[int]int) // column -> cell index
	for i, cell := range cells {
		m.colOf[i] = colNone
		name := strings.TrimSpace(strings.TrimPrefix(cell, "\uFEFF"))
		if name == "" {
			continue
		}
		m.header[i] = strings.Clone(name) // the reader may reuse cells
		m.named[i] = true
		ci, ok := columnByName(name)
		if !ok && slices.ContainsFunc(regionHeaders, func(h string) bool { return strings.EqualFold(h, name) }) {
			ci, ok = colRegion, true
			m.res.Regions = []string{}
		}
		if !ok && isRecordColumn(name) {
			continue // the store's id, version and dates in an export: assigned again on submission
		}
		if !ok {
			m.probs.add(unknownColumn(hrow, name))
			continue
		}
		if first, dup := seen[ci]; dup {
			m.add(hrow+", kolom "+name, practice.CodeInvalidFormat,
				fmt.Sprintf("De kolom '%s' staat twee keer in de kopregel (in kolom %s en in kolom %s). Verwijder een van beide kolommen.",
					name, colLetter(first), colLetter(i)))
			continue
		}
		seen[ci] = i
		m.colOf[i] = ci
		if ci >= 0 {
			m.res.Columns[columns[ci].name] = m.header[i]
		}
	}
	if _, ok := seen[0]; !ok {
		m.add(hrow, practice.CodeRequired,
			"De kolom 'ref' ontbreekt in de kopregel (rij "+strconv.Itoa(num)+"). Elke praktijk heeft een eigen referentie nodig, bv. ovl-2022-001; daarmee wordt ze bij een nieuwe indiening herkend.")
	}
}

// fail adds a problem that ends the reading of the file, keeping what was
// read before it (e.g. an unclosed quote that runs to the end).
func (m *sheetMapper) fail(p practice.Problem) {
	if !m.done {
		m.probs.add(p)
		m.done = true
	}
}

// finish returns the inventory and every problem.
func (m *sheetMapper) finish() (Result, practice.Problems) {
	if m.header == nil {
		if len(m.probs.items) == 0 {
			m.probs.add(fileProblem(practice.CodeInvalidFile,
				"Het bestand is leeg. De eerste rij moet de kolomnamen bevatten (ref, titel, samenvatting, krachtlijnen, ...), elke volgende rij is een praktijk."))
		}
		m.fatal = true // without a header no row means anything
	}
	if m.fatal {
		return Result{Kind: m.kind}, m.probs.result()
	}
	m.res.Checkable = true
	m.res.Omitted = m.probs.omitted
	return m.res, m.probs.result()
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
	if s := suggest(name, append(DutchColumnNames(), ColumnNames()...)); s != "" {
		msg += fmt.Sprintf(" Bedoelt u '%s'?", s)
	}
	msg += " De kolomnamen zijn: " + strings.Join(DutchColumnNames(), ", ") + " (of hun namen in het formaat v1: " + strings.Join(ColumnNames(), ", ") + ")."
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
// items is an absent list (nil). It keeps at most practice.MaxListItems
// items and reports whether there were more.
func splitList(v string, code bool) (items []string, more bool) {
	for item := range strings.SplitSeq(v, listSeparator) {
		item = strings.TrimSpace(item)
		if code {
			item = strings.TrimSpace(strings.ToUpper(item))
		}
		if item == "" {
			continue
		}
		if len(items) == practice.MaxListItems {
			return items, true
		}
		items = append(items, item)
	}
	return items, false
}

// formulaStarts are the first characters that make a spreadsheet program
// read a CSV cell as a formula.
const formulaStarts = "=+-@\t\r"

// prefixFormula makes a CSV cell safe to open in a spreadsheet program: a
// value that starts like a formula gets a leading apostrophe, and so does a
// value that is apostrophes before a formula character, so that
// unprefixFormula gives back exactly the value.
func prefixFormula(v string) string {
	if formulaLike(v) {
		return "'" + v
	}
	return v
}

// unprefixFormula removes the apostrophe that prefixFormula added, and no
// other.
func unprefixFormula(v string) string {
	if rest, ok := strings.CutPrefix(v, "'"); ok && formulaLike(rest) {
		return rest
	}
	return v
}

// formulaLike reports whether v, after any apostrophes, starts with a
// formula character.
func formulaLike(v string) bool {
	v = strings.TrimLeft(v, "'")
	return v != "" && strings.IndexByte(formulaStarts, v[0]) >= 0
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
