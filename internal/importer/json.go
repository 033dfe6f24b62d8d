package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// ReadJSON reads an inventory in the exchange format v1 (one JSON document).
// It is strict: a field that v1 does not have is an UNKNOWN_FIELD problem, a
// value of the wrong type (a year as text, a list as a single text) an
// INVALID_FORMAT problem, each with its path ("practices[2].titel"), and all
// of them are reported at once. A document that is not JSON is one
// INVALID_FILE problem with the line and column; one that is not UTF-8 is
// INVALID_ENCODING. A UTF-8 byte order mark is accepted; null for a field is
// the same as leaving the field out, and an empty list is an absent list.
func ReadJSON(r io.Reader, opts ...Option) (practice.InventoryInput, practice.Problems) {
	o := buildOptions(opts)
	data, err := readAll(r, o.maxBytes)
	if err != nil {
		return practice.InventoryInput{}, practice.Problems{readProblem(err, o.maxBytes)}
	}
	return decodeJSON(data)
}

func decodeJSON(data []byte) (practice.InventoryInput, practice.Problems) {
	var in practice.InventoryInput
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) {
		return in, practice.Problems{fileProblem(practice.CodeInvalidEncoding,
			"Het bestand is opgeslagen als UTF-16. Sla het op met de codering UTF-8 en laad het opnieuw op.")}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		line, col := lineCol(data, invalidUTF8Offset(data))
		return in, practice.Problems{fileProblem(practice.CodeInvalidEncoding,
			fmt.Sprintf("Het bestand is geen geldige UTF-8 (regel %d, kolom %d): het is in een andere codering opgeslagen, waardoor letters als é en ë verkeerd zouden overkomen. Sla het op met de codering UTF-8 en laad het opnieuw op.", line, col))}
	}
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return in, practice.Problems{syntaxProblem(data, err)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := parseNode(dec)
	if err != nil { // cannot happen for valid JSON; be safe anyway
		return in, practice.Problems{fileProblem(practice.CodeInvalidFile, "Het bestand is geen geldige JSON.")}
	}
	var m jsonMapper
	m.inventory(root, &in)
	return in, m.probs
}

// lineCol is the 1-based line and column (in characters) of byte offset off.
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := 1 + bytes.Count(before, []byte("\n"))
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[start:])
}

func syntaxProblem(data []byte, err error) practice.Problem {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fileProblem(practice.CodeInvalidFile, "Het bestand is geen geldige JSON.")
	}
	what := "er staat een onverwacht teken"
	msg := se.Error()
	switch {
	case strings.Contains(msg, "unexpected end of JSON input"):
		what = "het bestand houdt onverwacht op (ontbreekt er een } of ] op het einde, of is het bestand leeg?)"
	case strings.Contains(msg, "looking for beginning of object key string"):
		what = "hier hoort een veldnaam tussen aanhalingstekens (staat er een komma te veel voor een }?)"
	case strings.Contains(msg, "after object key:value pair"):
		what = "hier hoort een komma of een } (ontbreekt er een komma tussen twee velden?)"
	case strings.Contains(msg, "after object key"):
		what = "hier hoort een dubbele punt (:) na de veldnaam"
	case strings.Contains(msg, "after array element"):
		what = "hier hoort een komma of een ] (ontbreekt er een komma tussen twee waarden?)"
	case strings.Contains(msg, "after top-level value"):
		what = "na het einde van het document staat nog iets"
	case strings.Contains(msg, "in string literal"), strings.Contains(msg, "in string escape code"):
		what = "een tekst bevat een ongeldig teken (een regeleinde binnen een tekst schrijf je als \\n, een \" als \\\", een \\ als \\\\)"
	case strings.Contains(msg, "looking for beginning of value"):
		what = "hier hoort een waarde: tekst tussen dubbele aanhalingstekens, een getal, een lijst [...], een object {...}, true, false of null (staat er een komma te veel voor een ]?)"
	case strings.Contains(msg, "max depth"):
		what = "het document is te diep genest"
	}
	line, col := lineCol(data, int(se.Offset)-1)
	return fileProblem(practice.CodeInvalidFile,
		fmt.Sprintf("Het bestand is geen geldige JSON: %s, op regel %d, kolom %d.", what, line, col))
}

// jsonNode is a JSON value that keeps the order of an object's fields and
// fields that occur twice, which map[string]any would lose.
type jsonNode struct {
	kind  byte   // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, '0' null
	text  string // a string, or a number's literal
	keys  []string
	items []*jsonNode // an object's values (beside keys) or an array's items
}

// parseNode reads one value from dec, which must hold valid JSON.
func parseNode(dec *json.Decoder) (*jsonNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &jsonNode{kind: 'a'}
		if t == '{' {
			n.kind = 'o'
		}
		for dec.More() {
			if n.kind == 'o' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := k.(string)
				n.keys = append(n.keys, key)
			}
			v, err := parseNode(dec)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &jsonNode{kind: 's', text: t}, nil
	case json.Number:
		return &jsonNode{kind: 'n', text: string(t)}, nil
	case bool:
		return &jsonNode{kind: 'b'}, nil
	case nil:
		return &jsonNode{kind: '0'}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// typeName says in Dutch what kind of value n is.
func (n *jsonNode) typeName() string {
	switch n.kind {
	case 'o':
		return "een object ({...})"
	case 'a':
		return "een lijst ([...])"
	case 's':
		return fmt.Sprintf("tekst (\"%s\")", shorten(n.text))
	case 'n':
		return "een getal (" + shorten(n.text) + ")"
	case 'b':
		return "true of false"
	}
	return "null"
}

// jsonMapper maps a parsed document onto the v1 types, collecting problems.
type jsonMapper struct {
	probs practice.Problems
}

func (m *jsonMapper) add(path, code, msg string) {
	m.probs = append(m.probs, practice.Problem{Path: path, Code: code, Message: msg})
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// fields calls f for each field of object n; it reports fields that occur
// twice and, for names that are not in known, UNKNOWN_FIELD.
func (m *jsonMapper) fields(n *jsonNode, path string, known []string, f func(key string, v *jsonNode, path string)) {
	seen := make(map[string]bool, len(n.keys))
	for i, key := range n.keys {
		p := join(path, shorten(key))
		if seen[key] {
			m.add(p, practice.CodeInvalidFormat, fmt.Sprintf("Het veld '%s' staat meer dan eens in hetzelfde object. Laat het maar één keer staan.", shorten(key)))
			continue
		}
		seen[key] = true
		found := false
		for _, k := range known {
			if k == key {
				found = true
				break
			}
		}
		if !found {
			msg := fmt.Sprintf("Onbekend veld '%s'.", shorten(key))
			if s := suggest(key, known); s != "" {
				msg += fmt.Sprintf(" Bedoelt u '%s'?", s)
			}
			msg += " Hier kent het formaat v1 alleen: " + strings.Join(known, ", ") + "."
			m.add(p, practice.CodeUnknownField, msg)
			continue
		}
		f(key, n.items[i], p)
	}
}

// object reports whether n is an object (null counts as absent, and is no
// problem).
func (m *jsonMapper) object(n *jsonNode, path string) bool {
	switch n.kind {
	case 'o':
		return true
	case '0':
		return false
	}
	where := "'" + path + "'"
	if path == "" {
		where = "Het document"
	}
	m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("%s moet een object ({...}) zijn, maar is %s.", where, n.typeName()))
	return false
}

func (m *jsonMapper) str(n *jsonNode, path string) string {
	switch n.kind {
	case 's':
		return n.text
	case '0':
		return ""
	}
	m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet tekst zijn (tussen dubbele aanhalingstekens), maar is %s.", n.typeName()))
	return ""
}

func (m *jsonMapper) list(n *jsonNode, path string) []string {
	switch n.kind {
	case '0':
		return nil
	case 'a':
	default:
		m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een lijst van teksten zijn, bv. [\"a\", \"b\"], maar is %s. Zet ook één enkele waarde tussen [ en ].", n.typeName()))
		return nil
	}
	var out []string
	for i, item := range n.items {
		if item.kind != 's' {
			m.add(fmt.Sprintf("%s[%d]", path, i), practice.CodeInvalidFormat, fmt.Sprintf("Elke waarde in de lijst moet tekst zijn (tussen dubbele aanhalingstekens), maar dit is %s.", item.typeName()))
			continue
		}
		out = append(out, item.text)
	}
	return out
}

func (m *jsonMapper) year(n *jsonNode, path string) *int {
	switch n.kind {
	case '0':
		return nil
	case 'n':
		if y, ok := parseYear(n.text); ok {
			return &y
		}
		m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een jaartal zijn, een geheel getal zoals 2021, maar is %s.", n.typeName()))
		return nil
	}
	m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een jaartal zijn, als getal zonder aanhalingstekens, bv. 2021, maar is %s.", n.typeName()))
	return nil
}

var (
	inventoryFields = []string{"format", "region", "title", "submittedBy", "period", "practices"}
	periodFields    = []string{"from", "to"}
	contactFields   = []string{"organisation", "email", "website", "phone"}
	practiceFields  = func() []string {
		var out []string
		for _, c := range columns {
			if c.contact == nil {
				out = append(out, c.name)
			}
		}
		return append(out, "contact")
	}()
)

func (m *jsonMapper) inventory(n *jsonNode, in *practice.InventoryInput) {
	if n.kind != 'o' {
		m.add("", practice.CodeInvalidFormat, fmt.Sprintf("Het document moet een object ({...}) zijn met de velden van het formaat v1 (region, title, practices, ...), maar is %s.", n.typeName()))
		return
	}
	m.fields(n, "", inventoryFields, func(key string, v *jsonNode, path string) {
		switch key {
		case "format":
			in.Format = m.str(v, path)
		case "region":
			in.Region = m.str(v, path)
		case "title":
			in.Title = m.str(v, path)
		case "submittedBy":
			in.SubmittedBy = m.str(v, path)
		case "period":
			if !m.object(v, path) {
				return
			}
			var p practice.Period
			m.fields(v, path, periodFields, func(key string, v *jsonNode, path string) {
				if key == "from" {
					p.From = m.str(v, path)
				} else {
					p.To = m.str(v, path)
				}
			})
			in.Period = &p
		case "practices":
			switch v.kind {
			case '0':
				return
			case 'a':
			default:
				m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een lijst van praktijken zijn ([{...}, {...}]), maar is %s.", v.typeName()))
				return
			}
			in.Practices = make([]practice.PracticeInput, 0, len(v.items))
			for i, item := range v.items {
				var p practice.PracticeInput
				m.practice(item, fmt.Sprintf("%s[%d]", path, i), &p)
				in.Practices = append(in.Practices, p)
			}
		}
	})
}

func (m *jsonMapper) practice(n *jsonNode, path string, p *practice.PracticeInput) {
	if n.kind != 'o' {
		m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Een praktijk moet een object ({...}) zijn, maar dit is %s.", n.typeName()))
		return
	}
	m.fields(n, path, practiceFields, func(key string, v *jsonNode, path string) {
		if key == "contact" {
			if !m.object(v, path) {
				return
			}
			var c practice.Contact
			m.fields(v, path, contactFields, func(key string, v *jsonNode, path string) {
				ci, _ := columnByName("contact." + key)
				*columns[ci].contact(&c) = m.str(v, path)
			})
			if c != (practice.Contact{}) {
				p.Contact = &c
			}
			return
		}
		ci, _ := columnByName(key)
		col := columns[ci]
		switch col.kind {
		case textCol:
			*col.text(p) = m.str(v, path)
		case listCol, codeCol:
			*col.list(p) = m.list(v, path)
		case yearCol:
			*col.year(p) = m.year(v, path)
		}
	})
}
