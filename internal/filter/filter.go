// Package filter is the one practice filter of Praktijkenbank: what
// searchPractices, the research fields, the search and research pages and
// the exports select by.
//
// A filter is OR within a field and AND across fields; fromYear and toYear
// select the practices with any active year in the range. One field table,
// Fields, drives everything a field needs:
//
//	GraphQL input   model.PracticeFilter converts to Filter as is (same fields)
//	URL query       ParseQuery / Filter.Encode, one set of parameter names
//	                for the web pages and the exports (older names still read)
//	validation      Filter.Validate: bounds, and every value known to the plan
//	matching        Filter.Matches (a practice), Filter.InYears (a year span)
//
// The search index and the research view keep their own interned copy of a
// practice's values; they take them from the same table (Field.Of) and
// address the list fields by their position in Lists.
package filter

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Filter selects practices: OR within a field, AND across fields. Its
// fields are those of the GraphQL input PracticeFilter, in the same order
// (graph converts one into the other).
type Filter struct {
	Krachtlijnen []string
	Challenges   []string
	Actions      []string
	Regions      []string
	TargetGroups []string
	Settings     []string
	FromYear     *int // any active year of the practice from this year
	ToYear       *int // any active year of the practice up to this year
}

// Limits of a filter.
const (
	MaxValues     = 50  // values per list field
	MaxValueBytes = 200 // bytes per value
	MinYear       = practice.MinYear
	MaxYear       = practice.MaxYear
)

// Positions of the list fields in Lists, for the indexes that keep a
// practice's values per field (search's doc table, insight's view).
const (
	ListKrachtlijnen = iota
	ListChallenges
	ListActions
	ListRegions
	ListTargetGroups
	ListSettings
	numLists
)

// A Field is one filter field: its names, how its values are read from a
// Filter and from a practice, and which values it accepts.
type Field struct {
	Name   string // the GraphQL input field, and an error's path: "regions"
	Param  string // the URL query parameter: "regio"
	Legacy string // an older URL parameter still read (the exports' "regions")
	Label  string // Dutch, in messages: "regio"
	// A list field has Values and Of; a year field has Year.
	Values func(*Filter) *[]string
	Of     func(*practice.Practice) []string // the practice's values (trimmed by matching)
	Year   func(*Filter) **int
	// Known tells whether the plan has a value (nil: free text); Code is the
	// error code of a value it does not have.
	Known func(plan *actionplan.Plan, v string) bool
	Code  string
	// Planned is the plan's values of the field, in plan order (nil for a
	// field with free values): the web's filter panel lists them so, and an
	// error message lists them as the allowed values, unless Hint says
	// where they are instead (too many to list).
	Planned func(plan *actionplan.Plan) []string
	Hint    string
}

// hint is the allowed values of the field for an error message.
func (fl *Field) hint(plan *actionplan.Plan) string {
	if fl.Hint != "" || fl.Planned == nil {
		return fl.Hint
	}
	return " Mogelijk: " + strings.Join(fl.Planned(plan), ", ") + "."
}

// Lists are the list fields, at their List… position.
var Lists = [numLists]Field{
	ListKrachtlijnen: {
		Name: "krachtlijnen", Param: "krachtlijn", Legacy: "krachtlijnen", Label: "krachtlijn",
		Values:  func(f *Filter) *[]string { return &f.Krachtlijnen },
		Of:      func(p *practice.Practice) []string { return p.Krachtlijnen },
		Known:   func(pl *actionplan.Plan, v string) bool { _, ok := pl.Krachtlijn(v); return ok },
		Code:    "UNKNOWN_KRACHTLIJN",
		Planned: krachtlijnCodes,
	},
	ListChallenges: {
		Name: "challenges", Param: "uitdaging", Legacy: "challenges", Label: "uitdaging",
		Values:  func(f *Filter) *[]string { return &f.Challenges },
		Of:      func(p *practice.Practice) []string { return p.Challenges },
		Known:   func(pl *actionplan.Plan, v string) bool { _, ok := pl.Challenge(v); return ok },
		Code:    "UNKNOWN_CHALLENGE",
		Planned: challengeIDs,
	},
	ListActions: {
		Name: "actions", Param: "actie", Legacy: "actions", Label: "actie",
		Values:  func(f *Filter) *[]string { return &f.Actions },
		Of:      func(p *practice.Practice) []string { return p.Actions },
		Known:   func(pl *actionplan.Plan, v string) bool { _, ok := pl.Action(v); return ok },
		Code:    "UNKNOWN_ACTION",
		Planned: actionIDs,
		Hint:    " De acties staan in het actieplan.",
	},
	ListRegions: {
		Name: "regions", Param: "regio", Legacy: "regions", Label: "regio",
		Values:  func(f *Filter) *[]string { return &f.Regions },
		Of:      func(p *practice.Practice) []string { return []string{p.Region} },
		Known:   func(pl *actionplan.Plan, v string) bool { _, ok := pl.Region(v); return ok },
		Code:    "UNKNOWN_REGION",
		Planned: regionIDs,
	},
	ListTargetGroups: {
		Name: "targetGroups", Param: "doelgroep", Legacy: "targetGroups", Label: "doelgroep",
		Values: func(f *Filter) *[]string { return &f.TargetGroups },
		Of:     func(p *practice.Practice) []string { return p.TargetGroups },
	},
	ListSettings: {
		Name: "settings", Param: "setting", Legacy: "settings", Label: "setting",
		Values: func(f *Filter) *[]string { return &f.Settings },
		Of:     func(p *practice.Practice) []string { return p.Settings },
	},
}

// Years are the year fields.
var Years = [2]Field{
	{Name: "fromYear", Param: "van", Legacy: "fromYear", Label: "van", Year: func(f *Filter) **int { return &f.FromYear }},
	{Name: "toYear", Param: "tot", Legacy: "toYear", Label: "tot", Year: func(f *Filter) **int { return &f.ToYear }},
}

// Fields are every field: the list fields, then the years.
var Fields = append(Lists[:], Years[:]...)

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func krachtlijnCodes(pl *actionplan.Plan) []string {
	return ids(pl.Krachtlijnen, func(k actionplan.Krachtlijn) string { return k.Code })
}

func challengeIDs(pl *actionplan.Plan) []string {
	return ids(pl.Challenges, func(c actionplan.Challenge) string { return c.ID })
}

func actionIDs(pl *actionplan.Plan) []string {
	return ids(pl.Actions(), func(a actionplan.Action) string { return a.ID })
}

func regionIDs(pl *actionplan.Plan) []string {
	return ids(pl.Regions, func(r actionplan.Region) string { return r.ID })
}

// ErrInvalid is wrapped by every *Error.
var ErrInvalid = errors.New("invalid filter")

// Error is a filter value that is not allowed. Field is the field's Name
// (the GraphQL path under filter), Param the URL parameter as the request
// wrote it ("" from GraphQL); Code is stable, Message Dutch, for users; its
// error text is English, for logs.
type Error struct {
	Field, Param, Value string
	Code                string // UNKNOWN_REGION, UNKNOWN_KRACHTLIJN, UNKNOWN_CHALLENGE, UNKNOWN_ACTION, INVALID_VALUE, TOO_MANY_VALUES, INVALID_YEAR, REPEATED_PARAMETER
	Message             string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%v: %s %s %q", ErrInvalid, e.Field, e.Code, e.Value)
}
func (e *Error) Unwrap() error { return ErrInvalid }

// Validate returns the first value of f that is not allowed, as an *Error:
// too many or too long values, a value the plan does not know (with a nil
// plan, values are not looked up), a year outside MinYear..MaxYear, or
// fromYear after toYear.
func (f Filter) Validate(plan *actionplan.Plan) error {
	for i := range Lists {
		fl := &Lists[i]
		vals := *fl.Values(&f)
		if len(vals) > MaxValues {
			return fl.tooMany("")
		}
		for _, v := range vals {
			if err := fl.check(plan, v, ""); err != nil {
				return err
			}
		}
	}
	for i := range Years {
		if y := *Years[i].Year(&f); y != nil && (*y < MinYear || *y > MaxYear) {
			return Years[i].badYear(strconv.Itoa(*y), "")
		}
	}
	if f.FromYear != nil && f.ToYear != nil && *f.FromYear > *f.ToYear {
		return yearsReversed(*f.FromYear, *f.ToYear, "", "")
	}
	return nil
}

// name is how a message calls the field: its URL parameter as written, or
// its GraphQL name.
func (fl *Field) name(param string) string {
	if param != "" {
		return param
	}
	return fl.Name
}

// check is the problem of one value of a list field, nil if it is allowed.
func (fl *Field) check(plan *actionplan.Plan, v, param string) *Error {
	if len(v) > MaxValueBytes || !utf8.ValidString(v) {
		return &Error{Field: fl.Name, Param: param, Value: shorten(v), Code: "INVALID_VALUE",
			Message: fmt.Sprintf("Een waarde voor %s is ongeldig of langer dan %d tekens.", fl.Label, MaxValueBytes)}
	}
	if plan != nil && fl.Known != nil && !fl.Known(plan, v) {
		return &Error{Field: fl.Name, Param: param, Value: v, Code: fl.Code,
			Message: fmt.Sprintf("Onbekende %s: „%s” (%s).%s", fl.Label, v, fl.name(param), fl.hint(plan))}
	}
	return nil
}

func (fl *Field) tooMany(param string) *Error {
	return &Error{Field: fl.Name, Param: param, Code: "TOO_MANY_VALUES",
		Message: fmt.Sprintf("Kies hoogstens %d waarden voor %s (%s).", MaxValues, fl.Label, fl.name(param))}
}

func (fl *Field) badYear(v, param string) *Error {
	return &Error{Field: fl.Name, Param: param, Value: shorten(v), Code: "INVALID_YEAR",
		Message: fmt.Sprintf("„%s” is geen geldig jaar voor „%s”: kies een jaar van %d tot %d.", shorten(v), fl.name(param), MinYear, MaxYear)}
}

func yearsReversed(from, to int, fromParam, toParam string) *Error {
	return &Error{Field: Years[0].Name, Param: fromParam, Value: strconv.Itoa(from), Code: "INVALID_YEAR",
		Message: fmt.Sprintf("Het jaar „%s” (%d) ligt na het jaar „%s” (%d).", Years[0].name(fromParam), from, Years[1].name(toParam), to)}
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// Params are the URL parameters a filter reads, current and older names.
func Params() []string {
	out := make([]string, 0, 2*len(Fields))
	for _, fl := range Fields {
		out = append(out, fl.Param, fl.Legacy)
	}
	return out
}

// ParseQuery reads the filter parameters of a URL query (others are left
// to the caller) and checks them against plan. Values are trimmed, empty
// and repeated ones dropped; a field may be given by its parameter or its
// older name. The filter holds the allowed values only; problems lists the
// others, in field order.
func ParseQuery(q url.Values, plan *actionplan.Plan) (f Filter, problems []*Error) {
	for i := range Lists {
		fl := &Lists[i]
		out := fl.Values(&f)
		for _, param := range fl.params(q) {
			for _, v := range q[param] {
				v = strings.TrimSpace(v)
				if v == "" || slices.Contains(*out, v) {
					continue
				}
				if err := fl.check(plan, v, param); err != nil {
					problems = append(problems, err)
					continue
				}
				if len(*out) == MaxValues {
					problems = append(problems, fl.tooMany(param))
					break
				}
				*out = append(*out, v)
			}
		}
	}
	var given [len(Years)]string // the parameter each year came by
	for i := range Years {
		fl := &Years[i]
		var vals []string
		for _, param := range fl.params(q) {
			if given[i] == "" {
				given[i] = param
			}
			vals = append(vals, q[param]...)
		}
		if len(vals) == 0 {
			continue
		}
		if len(vals) > 1 {
			problems = append(problems, fl.repeated(given[i]))
		}
		v := strings.TrimSpace(vals[0])
		if v == "" {
			continue
		}
		y, err := strconv.Atoi(v)
		if err != nil || y < MinYear || y > MaxYear {
			problems = append(problems, fl.badYear(v, given[i]))
			continue
		}
		*fl.Year(&f) = &y
	}
	if f.FromYear != nil && f.ToYear != nil && *f.FromYear > *f.ToYear {
		problems = append(problems, yearsReversed(*f.FromYear, *f.ToYear, given[0], given[1]))
		f.FromYear, f.ToYear = nil, nil
	}
	return f, problems
}

// params are the parameters of q that give field fl, the current name first.
func (fl *Field) params(q url.Values) []string {
	var out []string
	for _, p := range []string{fl.Param, fl.Legacy} {
		if _, ok := q[p]; ok && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func (fl *Field) repeated(param string) *Error {
	return &Error{Field: fl.Name, Param: param, Code: "REPEATED_PARAMETER",
		Message: fmt.Sprintf("De parameter „%s” staat meer dan eens in het adres; alleen de eerste telt.", param)}
}

// Encode adds f to q under the current parameter names.
func (f Filter) Encode(q url.Values) {
	for i := range Lists {
		for _, v := range *Lists[i].Values(&f) {
			q.Add(Lists[i].Param, v)
		}
	}
	for i := range Years {
		if y := *Years[i].Year(&f); y != nil {
			q.Set(Years[i].Param, strconv.Itoa(*y))
		}
	}
}

// Empty reports whether f selects every practice.
func (f Filter) Empty() bool {
	for i := range Lists {
		if len(*Lists[i].Values(&f)) > 0 {
			return false
		}
	}
	return f.FromYear == nil && f.ToYear == nil
}

// Clone returns a copy of f that shares nothing with it.
func (f Filter) Clone() Filter {
	for i := range Lists {
		v := Lists[i].Values(&f)
		*v = slices.Clone(*v)
	}
	return f
}

// Key identifies what f selects: the values of a field are a set, so their
// order and repetition do not matter.
func (f Filter) Key() string {
	var b strings.Builder
	for i := range Lists {
		vals := slices.Clone(*Lists[i].Values(&f))
		slices.Sort(vals)
		b.WriteString(strings.Join(slices.Compact(vals), "\x1f"))
		b.WriteByte('\x1e')
	}
	for i := range Years {
		if y := *Years[i].Year(&f); y != nil {
			b.WriteString(strconv.Itoa(*y))
		} else {
			b.WriteByte('-')
		}
		b.WriteByte('\x1e')
	}
	return b.String()
}

// Matches reports whether practice p passes f (live or not: the caller
// decides). Values are compared with the practice's values trimmed. (A
// pointer receiver: a scan over every practice copies nothing.)
func (f *Filter) Matches(p *practice.Practice) bool {
	for i := range Lists {
		want := *Lists[i].Values(f)
		if len(want) > 0 && !anyIn(want, Lists[i].Of(p)) {
			return false
		}
	}
	if f.FromYear == nil && f.ToYear == nil {
		return true
	}
	from, to, ok := p.ActiveYears()
	return ok && f.InYears(from, to)
}

// InYears reports whether the years from..to overlap f's year range.
func (f Filter) InYears(from, to int) bool {
	return (f.FromYear == nil || to >= *f.FromYear) && (f.ToYear == nil || from <= *f.ToYear)
}

func anyIn(want, have []string) bool {
	for _, h := range have {
		if slices.Contains(want, strings.TrimSpace(h)) {
			return true
		}
	}
	return false
}
