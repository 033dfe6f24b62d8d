package importer

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// sheetRow is one row of a spreadsheet: its number as the spreadsheet program
// shows it (the first row is 1) and its cells from column A on.
type sheetRow struct {
	num   int
	cells []string
}

// listSeparator separates the items of a list in one cell.
const listSeparator = "|"

// mapSheet turns the rows of a spreadsheet (CSV or XLSX) into an inventory:
// the first non-empty row is the header, every further non-empty row is a
// practice. It is the one place where the column rules live.
func mapSheet(rows []sheetRow, meta Meta, kind Kind) (Result, practice.Problems) {
	res := Result{Kind: kind, Input: practice.InventoryInput{
		Region: meta.Region, Title: meta.Title, SubmittedBy: meta.SubmittedBy,
	}}
	if meta.Period != nil {
		p := *meta.Period
		res.Input.Period = &p
	}
	res.Rows = []int{}

	h := 0
	for h < len(rows) && blankRow(rows[h].cells) {
		h++
	}
	if h == len(rows) {
		return res, practice.Problems{fileProblem(practice.CodeInvalidFile,
			"Het bestand is leeg. De eerste rij moet de kolomnamen bevatten (ref, title, summary, krachtlijnen, ...), elke volgende rij is een praktijk.")}
	}
	header := rows[h]
	if p, bad := checkEncoding(rows, header.cells, kind); bad {
		return res, practice.Problems{p}
	}

	var probs practice.Problems
	hrow := fmt.Sprintf("rij %d", header.num)
	// colOf[i] is the index in columns of cell i, or -1 for a cell without
	// a usable column name.
	colOf := make([]int, len(header.cells))
	named := make([]bool, len(header.cells)) // a name, even an unknown one
	seen := make(map[int]string)
	for i, cell := range header.cells {
		colOf[i] = -1
		name := strings.TrimSpace(strings.TrimPrefix(cell, "\uFEFF"))
		if name == "" {
			continue
		}
		named[i] = true
		ci, ok := columnByName(name)
		if !ok {
			probs = append(probs, unknownColumn(hrow, name))
			continue
		}
		if first, dup := seen[ci]; dup {
			probs = append(probs, practice.Problem{Path: hrow + ", kolom " + name, Code: practice.CodeInvalidFormat,
				Message: fmt.Sprintf("De kolom '%s' staat twee keer in de kopregel (ook als '%s' in kolom %s). Verwijder een van beide kolommen.",
					name, first, colLetter(indexOfName(header.cells, first)))})
			continue
		}
		seen[ci] = name
		colOf[i] = ci
	}
	if _, ok := seen[0]; !ok {
		probs = append(probs, practice.Problem{Path: hrow, Code: practice.CodeRequired,
			Message: "De kolom 'ref' ontbreekt in de kopregel (rij " + strconv.Itoa(header.num) + "). Elke praktijk heeft een eigen referentie nodig, bv. ovl-2022-001; daarmee wordt ze bij een nieuwe indiening herkend."})
	}

	for _, row := range rows[h+1:] {
		if blankRow(row.cells) {
			continue
		}
		var p practice.PracticeInput
		for i, raw := range row.cells {
			v := cleanCell(raw)
			if v == "" {
				continue
			}
			if i >= len(colOf) || (colOf[i] < 0 && !named[i]) {
				probs = append(probs, practice.Problem{
					Path: fmt.Sprintf("rij %d, kolom %s", row.num, colLetter(i)), Code: practice.CodeUnknownField,
					Message: fmt.Sprintf("Kolom %s heeft geen naam in de kopregel, maar deze rij heeft er een waarde in. Geef de kolom een naam uit het formaat of maak de cel leeg.", colLetter(i))})
				continue
			}
			if colOf[i] < 0 {
				continue // an unknown column: reported once, on the header
			}
			col := columns[colOf[i]]
			path := fmt.Sprintf("rij %d, kolom %s", row.num, col.name)
			switch col.kind {
			case textCol:
				col.setText(&p, v)
			case listCol, codeCol:
				*col.list(&p) = splitList(v, col.kind == codeCol)
			case yearCol:
				y, ok := parseYear(v)
				if !ok {
					probs = append(probs, practice.Problem{Path: path, Code: practice.CodeInvalidFormat,
						Message: fmt.Sprintf("'%s' is geen jaartal. Schrijf het jaar in cijfers, bv. 2021.", shorten(v))})
					continue
				}
				*col.year(&p) = &y
			}
		}
		if reflect.DeepEqual(p, practice.PracticeInput{}) {
			continue // nothing but separators (e.g. "|"): an empty row too
		}
		res.Input.Practices = append(res.Input.Practices, p)
		res.Rows = append(res.Rows, row.num)
	}
	return res, probs
}

// checkEncoding finds the first cell that is not UTF-8. Such a file was
// saved in another encoding (Windows-1252 by Excel's plain "CSV"); reading it
// would garble every accented letter, so nothing of it is used.
func checkEncoding(rows []sheetRow, header []string, kind Kind) (practice.Problem, bool) {
	for _, row := range rows {
		for i, cell := range row.cells {
			if utf8.ValidString(cell) {
				continue
			}
			path := fmt.Sprintf("rij %d", row.num)
			if i < len(header) && utf8.ValidString(header[i]) && strings.TrimSpace(header[i]) != "" {
				path += ", kolom " + strings.TrimSpace(header[i])
			}
			return encodingProblem(path, row.num, kind), true
		}
	}
	return practice.Problem{}, false
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

func indexOfName(cells []string, name string) int {
	for i, c := range cells {
		if strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF")) == name {
			return i
		}
	}
	return 0
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
