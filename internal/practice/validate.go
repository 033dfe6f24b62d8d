package practice

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

// Limits of the inventory exchange format v1.
const (
	MaxPractices      = 5000
	MinTitle          = 3
	MaxTitle          = 200
	MaxSummary        = 1000
	MaxDescription    = 20000
	MaxListItems      = 30
	MaxListItem       = 500
	MaxKrachtlijnen   = 5
	MinYear           = 1970
	MaxYear           = 2100
	MaxInventoryTitle = 200
	MaxSubmittedBy    = 200
	MaxRef            = 64
	MaxShortField     = 500 // contact fields
)

// Languages a practice may be written in; the first is the default.
var Languages = []string{"nl", "fr", "en"}

var refPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Validate checks an inventory against every rule of format v1 and the given
// plan (with the regional actions known at this moment). It returns the
// normalised inventory (text trimmed and in Unicode NFC, line ends as \n,
// language defaulted to nl) and every problem at once; the inventory may only
// be written when there are no problems.
func Validate(in InventoryInput, plan *actionplan.Plan) (InventoryInput, Problems) {
	v := validator{plan: plan}
	out := InventoryInput{
		Format:      clean(in.Format),
		Region:      clean(in.Region),
		Title:       clean(in.Title),
		SubmittedBy: clean(in.SubmittedBy),
	}
	if out.Format != "" && out.Format != Format {
		v.add("format", CodeUnknownFormat, "onbekend formaat %q: verwacht %q", out.Format, Format)
	}
	if out.Region == "" {
		v.add("region", CodeRequired, "de regio ontbreekt")
	} else if !v.identifier("region", out.Region, "de regio") {
	} else if _, ok := plan.Region(out.Region); !ok {
		v.add("region", CodeUnknownRegion, "onbekende regio %q: kies uit %s", out.Region, regionIDs(plan))
	}
	v.text("title", out.Title, 1, MaxInventoryTitle, true, "de titel van de inventaris")
	v.text("submittedBy", out.SubmittedBy, 0, MaxSubmittedBy, false, "de indiener")
	if in.Period != nil {
		p := Period{From: clean(in.Period.From), To: clean(in.Period.To)}
		from, okFrom := v.date("period.from", p.From)
		to, okTo := v.date("period.to", p.To)
		if okFrom && okTo && p.From != "" && p.To != "" && to.Before(from) {
			v.add("period.to", CodeEndBeforeStart, "de periode eindigt (%s) vóór ze begint (%s)", p.To, p.From)
		}
		if p.From != "" || p.To != "" {
			out.Period = &p
		}
	}
	switch n := len(in.Practices); {
	case n == 0:
		v.add("practices", CodeRequired, "de inventaris bevat geen praktijken")
	case n > MaxPractices:
		v.add("practices", CodeTooMany, "de inventaris bevat %d praktijken; het maximum is %d per inzending", n, MaxPractices)
	}
	seen := make(map[string]bool, len(in.Practices))
	out.Practices = make([]PracticeInput, len(in.Practices))
	for i, p := range in.Practices {
		path := fmt.Sprintf("practices[%d]", i)
		out.Practices[i] = v.practice(path, p, out.Region)
		ref := out.Practices[i].Ref
		if ref == "" {
			continue
		}
		if seen[ref] {
			v.add(path+".ref", CodeDuplicateRef, "de referentie %q komt al eerder in deze inventaris voor; elke praktijk heeft een eigen referentie", ref)
		} else {
			seen[ref] = true
		}
	}
	return out, v.problems
}

type validator struct {
	plan     *actionplan.Plan
	problems Problems
}

func (v *validator) add(path, code, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) practice(path string, in PracticeInput, region string) PracticeInput {
	out := PracticeInput{Ref: clean(in.Ref)}
	switch {
	case out.Ref == "":
		v.add(path+".ref", CodeRequired, "de referentie (ref) ontbreekt")
	case len(out.Ref) > MaxRef:
		v.add(path+".ref", CodeTooLong, "de referentie is %d tekens lang; het maximum is %d", len(out.Ref), MaxRef)
	case !v.identifier(path+".ref", out.Ref, "de referentie"):
	case !refPattern.MatchString(out.Ref):
		v.add(path+".ref", CodeInvalidFormat, "de referentie %q mag alleen letters, cijfers, punt, liggend streepje en underscore bevatten", out.Ref)
	}
	c := in.Content
	o := &out.Content
	o.Title = clean(c.Title)
	v.text(path+".title", o.Title, MinTitle, MaxTitle, true, "de titel")
	o.Summary = clean(c.Summary)
	v.text(path+".summary", o.Summary, 1, MaxSummary, true, "de samenvatting")
	o.Description = clean(c.Description)
	v.text(path+".description", o.Description, 0, MaxDescription, false, "de beschrijving")

	o.Organisations = v.list(path+".organisations", c.Organisations, "organisatie")
	o.Municipalities = v.list(path+".municipalities", c.Municipalities, "gemeente")
	o.TargetGroups = v.list(path+".targetGroups", c.TargetGroups, "doelgroep")
	o.Settings = v.list(path+".settings", c.Settings, "setting")
	o.SuccessFactors = v.list(path+".successFactors", c.SuccessFactors, "succesfactor")
	o.Pitfalls = v.list(path+".pitfalls", c.Pitfalls, "valkuil")
	o.Bottlenecks = v.list(path+".bottlenecks", c.Bottlenecks, "knelpunt")

	o.Krachtlijnen = v.codes(path+".krachtlijnen", c.Krachtlijnen, CodeUnknownKrachtlijn, "krachtlijn", func(s string) bool {
		_, ok := v.plan.Krachtlijn(s)
		return ok
	})
	if len(c.Krachtlijnen) == 0 {
		v.add(path+".krachtlijnen", CodeRequired, "geef minstens één krachtlijn op (%s)", krachtlijnCodes(v.plan))
	} else if len(c.Krachtlijnen) > MaxKrachtlijnen {
		v.add(path+".krachtlijnen", CodeTooMany, "er zijn maar %d krachtlijnen", MaxKrachtlijnen)
	}
	o.Challenges = v.codes(path+".challenges", c.Challenges, CodeUnknownChallenge, "uitdaging", func(s string) bool {
		_, ok := v.plan.Challenge(s)
		return ok
	})
	o.Actions = v.actions(path+".actions", c.Actions, region)
	o.Functions = v.codes(path+".functions", c.Functions, CodeUnknownFunction, "functie", func(s string) bool {
		_, ok := v.plan.Function(s)
		return ok
	})
	o.ImpactDomains = v.codes(path+".impactDomains", c.ImpactDomains, CodeUnknownImpactDomain, "impactdomein", func(s string) bool {
		_, ok := v.plan.ImpactDomain(s)
		return ok
	})

	o.StartYear = v.year(path+".startYear", c.StartYear)
	o.EndYear = v.year(path+".endYear", c.EndYear)
	if o.StartYear != nil && o.EndYear != nil && *o.EndYear < *o.StartYear {
		v.add(path+".endYear", CodeEndBeforeStart, "het eindjaar %d ligt vóór het startjaar %d", *o.EndYear, *o.StartYear)
	}
	o.Links = v.list(path+".links", c.Links, "link")
	for i, l := range o.Links {
		v.url(fmt.Sprintf("%s.links[%d]", path, i), l)
	}
	if c.Contact != nil {
		ct := Contact{
			Organisation: clean(c.Contact.Organisation),
			Email:        clean(c.Contact.Email),
			Website:      clean(c.Contact.Website),
			Phone:        clean(c.Contact.Phone),
		}
		v.text(path+".contact.organisation", ct.Organisation, 0, MaxShortField, false, "de contactorganisatie")
		v.text(path+".contact.phone", ct.Phone, 0, 50, false, "het telefoonnummer")
		if ct.Email != "" && v.identifier(path+".contact.email", ct.Email, "het e-mailadres") {
			if a, err := mail.ParseAddress(ct.Email); err != nil || a.Address != ct.Email || len(ct.Email) > 254 {
				v.add(path+".contact.email", CodeInvalidFormat, "%q is geen geldig e-mailadres", ct.Email)
			}
		}
		if ct.Website != "" {
			v.url(path+".contact.website", ct.Website)
		}
		if ct != (Contact{}) {
			o.Contact = &ct
		}
	}
	o.Language = clean(c.Language)
	if o.Language == "" {
		o.Language = Languages[0]
	} else if !v.identifier(path+".language", o.Language, "de taal") {
	} else if !slices.Contains(Languages, o.Language) {
		v.add(path+".language", CodeUnknownLanguage, "onbekende taal %q: kies nl, fr of en", o.Language)
	}
	return out
}

// text checks a single text field that has already been cleaned.
func (v *validator) text(path, s string, min, max int, required bool, what string) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && required:
		v.add(path, CodeRequired, "%s ontbreekt", what)
	case n == 0:
	case n < min:
		v.add(path, CodeTooShort, "%s is %d tekens lang; minstens %d", what, n, min)
	case n > max:
		v.add(path, CodeTooLong, "%s is %d tekens lang; het maximum is %d", what, n, max)
	}
	v.controls(path, s, what)
}

// controls refuses control characters, noncharacters and what a free text
// may not hold (bidi controls, hiding invisible characters): one problem at
// most per text.
func (v *validator) controls(path, s, what string) {
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t') || isNonCharacter(r) {
			v.add(path, CodeInvalidValue, "%s bevat een ongeldig teken (%U)", what, r)
			return
		}
	}
	if code, r := freeTextProblem(s); code != "" {
		v.addHidden(path, code, what, r)
	}
}

// identifier refuses bidi controls and invisible characters in a ref, an
// id, a code, an e-mail address or a link, and reports whether s is free of
// them.
func (v *validator) identifier(path, s, what string) bool {
	code, r := identifierProblem(s)
	if code != "" {
		v.addHidden(path, code, what, r)
	}
	return code == ""
}

func (v *validator) addHidden(path, code, what string, r rune) {
	if n := len(v.problems); n > 0 && v.problems[n-1].Path == path && v.problems[n-1].Code == code {
		return // a link is checked as text and as a link
	}
	if code == CodeBidiControl {
		v.add(path, code, "%s bevat een teken dat de leesrichting van de tekst omkeert (%U); haal het weg", what, r)
		return
	}
	v.add(path, code, "%s bevat een onzichtbaar teken (%U); haal het weg", what, r)
}

// isNonCharacter reports the Unicode noncharacters (U+FDD0-U+FDEF and the last
// two code points of every plane), which no spreadsheet or XML can carry.
func isNonCharacter(r rune) bool {
	return (r >= 0xFDD0 && r <= 0xFDEF) || r&0xFFFE == 0xFFFE
}

// list cleans and checks a list of short texts.
func (v *validator) list(path string, items []string, what string) []string {
	if len(items) == 0 {
		return nil
	}
	if len(items) > MaxListItems {
		v.add(path, CodeTooMany, "%d items; het maximum is %d", len(items), MaxListItems)
	}
	out := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for i, raw := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		s := clean(raw)
		switch {
		case s == "":
			v.add(p, CodeInvalidValue, "lege %s: laat lege items weg", what)
			continue
		case utf8.RuneCountInString(s) > MaxListItem:
			v.add(p, CodeTooLong, "deze %s is %d tekens lang; het maximum is %d", what, utf8.RuneCountInString(s), MaxListItem)
		case strings.Contains(s, "|"):
			v.add(p, CodeInvalidValue, "een %s mag geen '|' bevatten: dat teken scheidt de items in CSV en Excel", what)
		case strings.Contains(s, "\n"):
			v.add(p, CodeInvalidValue, "een %s past op één regel", what)
		}
		v.controls(p, s, what)
		if seen[s] {
			v.add(p, CodeDuplicateValue, "%q staat al eerder in deze lijst", s)
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// codes checks a list of codes or ids against known and returns the cleaned list.
func (v *validator) codes(path string, items []string, unknownCode, what string, known func(string) bool) []string {
	if len(items) == 0 {
		return nil
	}
	out := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for i, raw := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		s := clean(raw)
		switch {
		case s == "":
			v.add(p, CodeInvalidValue, "lege %s: laat lege items weg", what)
		case seen[s]:
			v.add(p, CodeDuplicateValue, "%s %q staat al eerder in deze lijst", what, s)
		case !v.identifier(p, s, "de "+what):
		case !known(s):
			v.add(p, unknownCode, "onbekende %s %q", what, s)
		default:
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (v *validator) actions(path string, items []string, region string) []string {
	if len(items) == 0 {
		return nil
	}
	out := make([]string, 0, len(items))
	seen := make(map[string]bool, len(items))
	for i, raw := range items {
		p := fmt.Sprintf("%s[%d]", path, i)
		s := clean(raw)
		a, ok := v.plan.Action(s)
		switch {
		case s == "":
			v.add(p, CodeInvalidValue, "lege actie: laat lege items weg")
		case seen[s]:
			v.add(p, CodeDuplicateValue, "actie %q staat al eerder in deze lijst", s)
		case !v.identifier(p, s, "de actie"):
		case !ok:
			v.add(p, CodeUnknownAction, "onbekende actie %q: gebruik een actie uit het actieplan (bv. digitalisering-3) of een regionale actie van je eigen regio", s)
		case a.Regional() && a.Region != region:
			v.add(p, CodeForeignAction, "actie %q is een regionale actie van %s; een regio kan alleen haar eigen regionale acties aanhalen", s, a.Region)
		default:
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func (v *validator) year(path string, y *int) *int {
	if y == nil {
		return nil
	}
	if *y < MinYear || *y > MaxYear {
		v.add(path, CodeOutOfRange, "het jaar %d ligt niet tussen %d en %d", *y, MinYear, MaxYear)
	}
	n := *y
	return &n
}

func (v *validator) date(path, s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		v.add(path, CodeInvalidFormat, "%q is geen datum van de vorm JJJJ-MM-DD", s)
		return t, false
	}
	return t, true
}

func (v *validator) url(path, s string) {
	if !v.identifier(path, s, "de link") {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, " \t\n") {
		v.add(path, CodeInvalidFormat, "%q is geen geldige http(s)-link", s)
	}
}

// clean trims surrounding white space, writes line ends as \n and puts the
// text in Unicode NFC, so the same text typed on different systems is equal.
func clean(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimSpace(s)
	if utf8.ValidString(s) {
		s = norm.NFC.String(s)
	}
	return s
}

func regionIDs(plan *actionplan.Plan) string {
	ids := make([]string, len(plan.Regions))
	for i, r := range plan.Regions {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

func krachtlijnCodes(plan *actionplan.Plan) string {
	codes := make([]string, len(plan.Krachtlijnen))
	for i, k := range plan.Krachtlijnen {
		codes[i] = k.Code
	}
	return strings.Join(codes, ", ")
}
