package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

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
//
// Reading stops at the 5001st practice (TOO_MANY), a list keeps at most
// practice.MaxListItems items (TOO_MANY for more), and at most MaxProblems
// problems are returned, the last counting the rest.
func ReadJSON(r io.Reader, opts ...Option) (practice.InventoryInput, practice.Problems) {
	o := buildOptions(opts)
	data, err := readAll(r, o.maxBytes, sizeOf(r))
	if err != nil {
		return practice.InventoryInput{}, practice.Problems{readProblem(err, o.maxBytes)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	in, probs, _, _ := decodeJSON(ctx, data)
	return in, probs
}

// decodeJSON maps data onto the v1 types. checkable tells that the document
// could be read (its problems are about fields and values); omitted counts
// the problems left out.
func decodeJSON(ctx context.Context, data []byte) (in practice.InventoryInput, probs practice.Problems, checkable bool, omitted int) {
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) {
		return in, practice.Problems{fileProblem(practice.CodeInvalidEncoding,
			"Het bestand is opgeslagen als UTF-16. Sla het op met de codering UTF-8 en laad het opnieuw op.")}, false, 0
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		line, col := lineCol(data, invalidUTF8Offset(data))
		return in, practice.Problems{fileProblem(practice.CodeInvalidEncoding,
			fmt.Sprintf("Het bestand is geen geldige UTF-8 (regel %d, kolom %d): het is in een andere codering opgeslagen, waardoor letters als é en ë verkeerd zouden overkomen. Sla het op met de codering UTF-8 en laad het opnieuw op.", line, col))}, false, 0
	}
	if !json.Valid(data) {
		var v any
		return in, practice.Problems{syntaxProblem(data, json.Unmarshal(data, &v))}, false, 0
	}
	m := jsonMapper{ctx: ctx, dec: jsontext.NewDecoder(bytes.NewReader(data),
		jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))} // both checked here
	m.inventory(&in)
	switch {
	case errors.Is(m.err, errTooSlow):
		return in, practice.Problems{slowProblem(DefaultTimeout)}, false, 0
	case m.err != nil: // cannot happen for valid JSON; be safe anyway
		return in, practice.Problems{fileProblem(practice.CodeInvalidFile, "Het bestand is geen geldige JSON.")}, false, 0
	}
	return in, m.probs.result(), true, m.probs.omitted
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

// jsonMapper maps a JSON document onto the v1 types while it reads the
// tokens (with jsontext, which reads a token without allocating), so nothing
// but the result is kept; it collects every problem. Each method gets the
// first token of its value and consumes the rest; values that are not kept
// (unknown fields, list items beyond the cap) are skipped unread.
type jsonMapper struct {
	ctx   context.Context
	dec   *jsontext.Decoder
	err   error
	probs problemList
}

// token is a JSON token kept beyond the next read: its kind, and the text
// of a string or number.
type token struct {
	kind jsontext.Kind // 0 after an error
	text string
}

// next returns the next token; after an error it returns the zero token,
// and more reports false, so every loop ends.
func (m *jsonMapper) next() token {
	if m.err != nil {
		return token{}
	}
	tok, err := m.dec.ReadToken()
	if err != nil {
		m.err = err
		return token{}
	}
	t := token{kind: tok.Kind()}
	if t.kind == '"' || t.kind == '0' {
		t.text = tok.String()
	}
	return t
}

// more reports whether the object or array being read has another member.
func (m *jsonMapper) more() bool {
	if m.err != nil {
		return false
	}
	k := m.dec.PeekKind()
	return k != 0 && k != '}' && k != ']'
}

// skipNext skips the next value without reading it.
func (m *jsonMapper) skipNext() {
	if m.err == nil {
		m.err = m.dec.SkipValue()
	}
}

// skip consumes the rest of a value that starts with tok.
func (m *jsonMapper) skip(tok token) {
	if tok.kind != '{' && tok.kind != '[' {
		return
	}
	for depth := 1; depth > 0 && m.err == nil; {
		t, err := m.dec.ReadToken()
		if err != nil {
			m.err = err
			return
		}
		switch t.Kind() {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
}

func isDelim(tok token, d jsontext.Kind) bool { return tok.kind == d }

// typeName says in Dutch what kind of value starts with tok.
func typeName(tok token) string {
	switch tok.kind {
	case '{':
		return "een object ({...})"
	case '[':
		return "een lijst ([...])"
	case '"':
		return fmt.Sprintf("tekst (\"%s\")", shorten(tok.text))
	case '0':
		return "een getal (" + shorten(tok.text) + ")"
	case 't', 'f':
		return "true of false"
	}
	return "null"
}

func (m *jsonMapper) add(path, code, msg string) {
	m.probs.add(practice.Problem{Path: path, Code: code, Message: msg})
}

// problem adds a problem whose message is only written when it is kept:
// a document with a million unknown fields costs a count, not a million
// messages.
func (m *jsonMapper) problem(path, code string, msg func() string) {
	if m.probs.full() {
		m.probs.omitted++
		return
	}
	m.add(path, code, msg())
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// fields reads the fields of the object whose '{' has been read, calling f
// with each field's first token; it reports fields that occur twice and,
// for names that are not in known, UNKNOWN_FIELD.
func (m *jsonMapper) fields(path string, known []string, f func(key string, tok token, path string)) {
	seen := make(map[string]bool)
	for n := 0; m.more(); n++ {
		if n == MaxColumns {
			m.add(path, practice.CodeTooMany, fmt.Sprintf(
				"Dit object heeft meer dan %d velden; het formaat v1 kent er %d. De rest van het bestand werd niet gelezen.", MaxColumns, len(known)))
			m.err = errStop
			return
		}
		key := m.next().text
		p := join(path, shorten(key))
		switch {
		case seen[key]:
			m.problem(p, practice.CodeInvalidFormat, func() string {
				return fmt.Sprintf("Het veld '%s' staat meer dan eens in hetzelfde object. Laat het maar één keer staan.", shorten(key))
			})
			m.skipNext()
		case !slices.Contains(known, key):
			m.problem(p, practice.CodeUnknownField, func() string {
				msg := fmt.Sprintf("Onbekend veld '%s'.", shorten(key))
				if s := suggest(key, known); s != "" {
					msg += fmt.Sprintf(" Bedoelt u '%s'?", s)
				}
				return msg + " Hier kent het formaat v1 alleen: " + strings.Join(known, ", ") + "."
			})
			m.skipNext()
		default:
			seen[key] = true // known keys only: the map stays small
			f(key, m.next(), p)
		}
	}
	m.next() // '}'
}

// object reports whether tok starts an object; null is an absent object
// and no problem.
func (m *jsonMapper) object(tok token, path string) bool {
	if isDelim(tok, '{') {
		return true
	}
	if tok.kind != 'n' && tok.kind != 0 {
		m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("'%s' moet een object ({...}) zijn, maar is %s.", path, typeName(tok)))
		m.skip(tok)
	}
	return false
}

func (m *jsonMapper) str(tok token, path string) string {
	switch tok.kind {
	case '"':
		return tok.text
	case 'n', 0:
		return ""
	}
	m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet tekst zijn (tussen dubbele aanhalingstekens), maar is %s.", typeName(tok)))
	m.skip(tok)
	return ""
}

func (m *jsonMapper) list(tok token, path string) []string {
	if tok.kind == 'n' || tok.kind == 0 {
		return nil
	}
	if !isDelim(tok, '[') {
		m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een lijst van teksten zijn, bv. [\"a\", \"b\"], maar is %s. Zet ook één enkele waarde tussen [ en ].", typeName(tok)))
		m.skip(tok)
		return nil
	}
	var out []string
	over := false
	for i := 0; m.more(); i++ {
		if i == maxJSONListItems {
			m.add(path, practice.CodeTooMany, fmt.Sprintf(
				"De lijst bevat meer dan %s waarden (er mogen er hoogstens %d zijn); de rest van het bestand werd niet gelezen.", practice.DutchNumber(maxJSONListItems), practice.MaxListItems))
			m.err = errStop
			return out
		}
		if len(out) == practice.MaxListItems && m.dec.PeekKind() == '"' {
			if !over {
				over = true
				m.add(path, practice.CodeTooMany, fmt.Sprintf("De lijst bevat meer dan %d items; er mogen er hoogstens %d zijn.", practice.MaxListItems, practice.MaxListItems))
			}
			m.skipNext()
			continue
		}
		item := m.next()
		if item.kind != '"' {
			m.problem(fmt.Sprintf("%s[%d]", path, i), practice.CodeInvalidFormat, func() string {
				return fmt.Sprintf("Elke waarde in de lijst moet tekst zijn (tussen dubbele aanhalingstekens), maar dit is %s.", typeName(item))
			})
			m.skip(item)
			continue
		}
		out = append(out, item.text)
	}
	m.next() // ']'
	return out
}

func (m *jsonMapper) year(tok token, path string) *int {
	switch tok.kind {
	case 'n', 0:
		return nil
	case '0':
		if y, ok := parseYear(tok.text); ok {
			return &y
		}
		m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een jaartal zijn, een geheel getal zoals 2021, maar is %s.", typeName(tok)))
		return nil
	}
	m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een jaartal zijn, als getal zonder aanhalingstekens, bv. 2021, maar is %s.", typeName(tok)))
	m.skip(tok)
	return nil
}

// maxJSONListItems is the most values a list may have before reading
// stops: far more than practice.MaxListItems, so that the problem names the
// list, but not the millions a file could hold.
const maxJSONListItems = 1000

// errStop ends the reading of a document that has too many practices.
var errStop = errors.New("stop reading")

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

func (m *jsonMapper) inventory(in *practice.InventoryInput) {
	tok := m.next()
	if !isDelim(tok, '{') {
		m.add("", practice.CodeInvalidFormat, fmt.Sprintf("Het document moet een object ({...}) zijn met de velden van het formaat v1 (region, title, practices, ...), maar is %s.", typeName(tok)))
		return
	}
	defer func() {
		if m.err == errStop {
			m.err = nil
		}
	}()
	m.fields("", inventoryFields, func(key string, tok token, path string) {
		switch key {
		case "format":
			in.Format = m.str(tok, path)
		case "region":
			in.Region = m.str(tok, path)
		case "title":
			in.Title = m.str(tok, path)
		case "submittedBy":
			in.SubmittedBy = m.str(tok, path)
		case "period":
			if !m.object(tok, path) {
				return
			}
			var p practice.Period
			m.fields(path, periodFields, func(key string, tok token, path string) {
				if key == "from" {
					p.From = m.str(tok, path)
				} else {
					p.To = m.str(tok, path)
				}
			})
			in.Period = &p
		case "practices":
			if tok.kind == 'n' || tok.kind == 0 {
				return
			}
			if !isDelim(tok, '[') {
				m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Moet een lijst van praktijken zijn ([{...}, {...}]), maar is %s.", typeName(tok)))
				m.skip(tok)
				return
			}
			in.Practices = []practice.PracticeInput{}
			for i := 0; m.more(); i++ {
				if i == practice.MaxPractices {
					m.add(path, practice.CodeTooMany, fmt.Sprintf(
						"De inventaris bevat meer dan %s praktijken; de rest werd niet gelezen. Verdeel de praktijken over meer inventarissen.", practice.DutchNumber(practice.MaxPractices)))
					m.err = errStop
					return
				}
				if i%256 == 255 && m.ctx.Err() != nil {
					m.err = errTooSlow
					return
				}
				var p practice.PracticeInput
				m.practice(m.next(), fmt.Sprintf("%s[%d]", path, i), &p)
				in.Practices = append(in.Practices, p)
			}
			m.next() // ']'
		}
	})
}

func (m *jsonMapper) practice(tok token, path string, p *practice.PracticeInput) {
	if !isDelim(tok, '{') {
		m.add(path, practice.CodeInvalidFormat, fmt.Sprintf("Een praktijk moet een object ({...}) zijn, maar dit is %s.", typeName(tok)))
		m.skip(tok)
		return
	}
	m.fields(path, practiceFields, func(key string, tok token, path string) {
		if key == "contact" {
			if !m.object(tok, path) {
				return
			}
			var c practice.Contact
			m.fields(path, contactFields, func(key string, tok token, path string) {
				ci, _ := columnByName("contact." + key)
				*columns[ci].contact(&c) = m.str(tok, path)
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
			*col.text(p) = m.str(tok, path)
		case listCol, codeCol:
			*col.list(p) = m.list(tok, path)
		case yearCol:
			*col.year(p) = m.year(tok, path)
		}
	})
}
