package importer

import (
	"strings"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// colKind is how a field of a practice is written in a cell.
type colKind int

const (
	textCol colKind = iota // one text
	listCol                // texts joined with '|'
	codeCol                // like listCol, items are codes: upper-cased on reading
	yearCol                // an integer
)

// column is one v1 field of a practice as a spreadsheet column (and, for
// JSON, as a field of a practice object; the contact.* columns are the fields
// of the contact object there).
type column struct {
	name  string // the v1 name
	dutch string // the Dutch name (contract), also accepted in a header
	kind  colKind
	// Exactly one accessor is set. text and contact return nil when the
	// field does not exist and alloc is false (a nil Contact).
	text func(p *practice.PracticeInput) *string
	list func(p *practice.PracticeInput) *[]string
	year func(p *practice.PracticeInput) **int
	// contact selects a field of the contact; p.Contact is allocated by the
	// reader when a value is set.
	contact func(c *practice.Contact) *string
}

// columns are the v1 practice fields in the order of the format; the writers
// use this order, the readers accept any order.
var columns = []column{
	{name: "ref", dutch: "ref", kind: textCol, text: func(p *practice.PracticeInput) *string { return &p.Ref }},
	{name: "title", dutch: "titel", kind: textCol, text: func(p *practice.PracticeInput) *string { return &p.Title }},
	{name: "summary", dutch: "samenvatting", kind: textCol, text: func(p *practice.PracticeInput) *string { return &p.Summary }},
	{name: "description", dutch: "beschrijving", kind: textCol, text: func(p *practice.PracticeInput) *string { return &p.Description }},
	{name: "organisations", dutch: "organisaties", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Organisations }},
	{name: "municipalities", dutch: "gemeenten", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Municipalities }},
	{name: "krachtlijnen", dutch: "krachtlijnen", kind: codeCol, list: func(p *practice.PracticeInput) *[]string { return &p.Krachtlijnen }},
	{name: "challenges", dutch: "uitdagingen", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Challenges }},
	{name: "actions", dutch: "acties", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Actions }},
	{name: "targetGroups", dutch: "doelgroepen", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.TargetGroups }},
	{name: "settings", dutch: "settings", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Settings }},
	{name: "successFactors", dutch: "succesfactoren", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.SuccessFactors }},
	{name: "pitfalls", dutch: "valkuilen", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Pitfalls }},
	{name: "bottlenecks", dutch: "knelpunten", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Bottlenecks }},
	{name: "functions", dutch: "functies", kind: codeCol, list: func(p *practice.PracticeInput) *[]string { return &p.Functions }},
	{name: "impactDomains", dutch: "impactdomeinen", kind: codeCol, list: func(p *practice.PracticeInput) *[]string { return &p.ImpactDomains }},
	{name: "startYear", dutch: "startjaar", kind: yearCol, year: func(p *practice.PracticeInput) **int { return &p.StartYear }},
	{name: "endYear", dutch: "eindjaar", kind: yearCol, year: func(p *practice.PracticeInput) **int { return &p.EndYear }},
	{name: "links", dutch: "links", kind: listCol, list: func(p *practice.PracticeInput) *[]string { return &p.Links }},
	{name: "contact.organisation", dutch: "contact.organisatie", kind: textCol, contact: func(c *practice.Contact) *string { return &c.Organisation }},
	{name: "contact.email", dutch: "contact.email", kind: textCol, contact: func(c *practice.Contact) *string { return &c.Email }},
	{name: "contact.website", dutch: "contact.website", kind: textCol, contact: func(c *practice.Contact) *string { return &c.Website }},
	{name: "contact.phone", dutch: "contact.telefoon", kind: textCol, contact: func(c *practice.Contact) *string { return &c.Phone }},
	{name: "language", dutch: "taal", kind: textCol, text: func(p *practice.PracticeInput) *string { return &p.Language }},
}

// ColumnNames returns the spreadsheet column names of the format v1, in the
// order the writers use.
func ColumnNames() []string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	return names
}

// DutchColumnNames returns the Dutch column names, in the order of
// ColumnNames; the template uses them, and the readers accept them.
func DutchColumnNames() []string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.dutch
	}
	return names
}

// columnByName finds a column by its v1 or Dutch name, case-insensitively.
func columnByName(name string) (int, bool) {
	for i, c := range columns {
		if strings.EqualFold(c.name, name) || strings.EqualFold(c.dutch, name) {
			return i, true
		}
	}
	return -1, false
}

// setText sets a text field (including the contact fields) of p.
func (c column) setText(p *practice.PracticeInput, v string) {
	if c.contact != nil {
		if p.Contact == nil {
			p.Contact = &practice.Contact{}
		}
		*c.contact(p.Contact) = v
		return
	}
	*c.text(p) = v
}

// getText returns a text field (including the contact fields) of p.
func (c column) getText(p *practice.PracticeInput) string {
	if c.contact != nil {
		if p.Contact == nil {
			return ""
		}
		return *c.contact(p.Contact)
	}
	return *c.text(p)
}

// dutchNames are the names a chair may write for a v1 field, by their lower
// case; they only serve to suggest the right name.
var dutchNames = map[string]string{
	"referentie": "ref", "id": "ref", "code": "ref", "nummer": "ref",
	"titel": "title", "naam": "title",
	"samenvatting": "summary", "korte beschrijving": "summary",
	"beschrijving": "description", "omschrijving": "description",
	"organisatie": "organisations", "organisaties": "organisations", "organisations": "organisations",
	"gemeente": "municipalities", "gemeenten": "municipalities", "gemeentes": "municipalities",
	"krachtlijn": "krachtlijnen",
	"uitdaging":  "challenges", "uitdagingen": "challenges",
	"actie": "actions", "acties": "actions",
	"doelgroep": "targetGroups", "doelgroepen": "targetGroups",
	"setting": "settings", "context": "settings",
	"succesfactor": "successFactors", "succesfactoren": "successFactors", "werkzame factoren": "successFactors",
	"valkuil": "pitfalls", "valkuilen": "pitfalls",
	"knelpunt": "bottlenecks", "knelpunten": "bottlenecks",
	"functie": "functions", "functies": "functions",
	"impactdomein": "impactDomains", "impactdomeinen": "impactDomains",
	"startjaar": "startYear", "beginjaar": "startYear", "start": "startYear",
	"eindjaar": "endYear", "einde": "endYear",
	"link": "links", "url": "links", "urls": "links",
	"contact": "contact.organisation", "contactorganisatie": "contact.organisation",
	"email": "contact.email", "e-mail": "contact.email", "mail": "contact.email",
	"website": "contact.website", "site": "contact.website",
	"telefoon": "contact.phone", "phone": "contact.phone", "tel": "contact.phone",
	"taal":         "language",
	"organisation": "contact.organisation",
}

// suggest returns the known name that name most likely means, or "".
func suggest(name string, known []string) string {
	lower := strings.ToLower(strings.TrimSpace(name))
	for _, k := range known {
		if strings.ToLower(k) == lower {
			return k
		}
	}
	if s, ok := dutchNames[lower]; ok {
		for _, k := range known {
			if k == s {
				return k
			}
		}
	}
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(lower, strings.ToLower(k), bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or limit when it is
// at least limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 100 || len(rb) > 100 {
		return limit
	}
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}
