package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// The research pages: /onderzoek (success factors, pitfalls and bottlenecks
// with their phrasings, and the factors distinctive for a selection),
// /onderzoek/dekking (the coverage heat map of two dimensions) and
// /rapport/{region}/{year} (the progress report of a regional platform).
// They take the search page's filter parameters, checked by the same
// parser, and link to the exports with the same selection.

// URL parameters of the research pages besides the search's filters.
const (
	pRows    = "rijen"
	pColumns = "kolommen"
	pYear    = "jaar"
)

// maxCells bounds the heat map (each cell is a link): a larger one (years
// over a long period) is refused with the advice to narrow the years.
const maxCells = 2500

// researchFirst is how many groups of each kind /onderzoek shows.
const researchFirst = 25

// practicesPerGroup is how many practices a factor group links to.
const practicesPerGroup = 5

// dimensions are the axes of the heat map by their URL name, in the order
// the form offers them.
var dimensions = []struct {
	Param string
	Dim   insight.Dimension
	Label string
}{
	{"krachtlijn", insight.DimKrachtlijn, "Krachtlijn"},
	{"uitdaging", insight.DimChallenge, "Uitdaging"},
	{"actie", insight.DimAction, "Actie"},
	{"regio", insight.DimRegion, "Regio"},
	{"jaar", insight.DimYear, "Jaar"},
}

func dimensionByParam(p string) (insight.Dimension, string, bool) {
	for _, d := range dimensions {
		if d.Param == p {
			return d.Dim, d.Label, true
		}
	}
	return "", "", false
}

// exportLinks are the addresses of the exports of a selection.
type exportLinks struct{ CSV, JSON, XLSX string }

// exportsOf gives the export addresses for what a search state selects (its
// filters and text query): the exports take the search page's parameters.
func exportsOf(s searchState) exportLinks {
	v := url.Values{}
	if s.Q != "" {
		v.Set(pQuery, s.Q)
	}
	s.Filter.Encode(v)
	q := ""
	if len(v) > 0 {
		q = "?" + v.Encode()
	}
	return exportLinks{CSV: "/export.csv" + q, JSON: "/export.json" + q, XLSX: "/export.xlsx" + q}
}

// filterPanel is what the filter panel (partials.html) shows; the search
// page has the same fields.
type filterPanel struct {
	Facets   []facetGroup
	Years    []yearOption
	From, To string
	ActiveN  int
	Active   []activeFilter
	ClearURL string
}

// panel runs the search for the state's filters (without a text query, one
// hit) to give the filter panel its counts.
func (h *handler) panel(r *http.Request, s searchState, clear string) (filterPanel, int, error) {
	plan := h.bank.Plan()
	res, err := h.bank.Search(r.Context(), search.Request{Filter: s.Filter, First: 1})
	if err != nil {
		return filterPanel{}, 0, err
	}
	l := labeler{plan}
	p := filterPanel{Facets: facetGroups(l, plan, s, res.Facets), Active: activeFiltersAt(l, s, clear)}
	p.Years, p.From, p.To = yearOptions(s, res.Facets.Years)
	p.ActiveN = len(p.Active)
	p.ClearURL = clear
	return p, res.Total, nil
}

// activeFiltersAt lists the chosen filters with links that drop them on the
// page at base (a path that may carry its own parameters).
func activeFiltersAt(l labeler, s searchState, base string) []activeFilter {
	out := activeFilters(l, s)
	for i := range out {
		out[i].RemoveURL = rebase(out[i].RemoveURL, base)
	}
	return out
}

// rebase moves a search URL ("/?…") onto base, keeping base's parameters.
func rebase(searchURL, base string) string {
	_, q, _ := strings.Cut(searchURL, "?")
	path, bq, _ := strings.Cut(base, "?")
	switch {
	case q == "" && bq == "":
		return path
	case q == "":
		return path + "?" + bq
	case bq == "":
		return path + "?" + q
	}
	return path + "?" + bq + "&" + q
}

// researchFilter reads the filters of a research page: the search's
// parameters without text query, sort or page.
func researchFilter(r *http.Request, plan *actionplan.Plan) (searchState, []string) {
	s, problems := parseState(r.URL.RawQuery, plan)
	s.Q, s.Sort, s.Page, s.Strict = "", "", 0, false
	return s, problems
}

// The factors page.

type researchView struct {
	Panel       filterPanel
	Problems    []string
	Selected    int // practices that pass the filter
	Filtered    bool
	Kinds       []factorKindView
	Distinct    []factorKindView
	Export      exportLinks
	CoverageURL string
	Reports     []tag
	Action      string // the form's action
}

type factorKindView struct {
	ID, Title, Intro string
	Groups           []groupView
}

type groupView struct {
	Text      string
	Count     int
	Total     int
	Lift      string
	Phrasings []string
	Practices []tag
	More      int // practices beyond those linked
}

var factorKinds = []struct {
	kind             insight.Kind
	id, title, intro string
}{
	{insight.SuccessFactors, "succesfactoren", "Succesfactoren", "Wat praktijken zelf noemen als wat hen doet werken."},
	{insight.Pitfalls, "valkuilen", "Valkuilen", "Waar praktijken voor waarschuwen."},
	{insight.Bottlenecks, "knelpunten", "Knelpunten", "Wat praktijken tegenhoudt, bv. bij het realiseren van een recht."},
}

func (h *handler) research(w http.ResponseWriter, r *http.Request) {
	if !h.bank.HasInsight() {
		h.noResearch(w, r)
		return
	}
	plan := h.bank.Plan()
	s, problems := researchFilter(r, plan)
	v := researchView{Action: "/onderzoek", Filtered: s.filtered(), Export: exportsOf(s)}
	cov := s.clone()
	v.CoverageURL = rebase(cov.url(), "/onderzoek/dekking")
	year := time.Now().Year()
	for _, reg := range plan.Regions {
		v.Reports = append(v.Reports, tag{reg.Name, fmt.Sprintf("/rapport/%s/%d", url.PathEscape(reg.ID), year)})
	}
	title := "Onderzoek: wat doet praktijken werken?"
	if len(problems) > 0 {
		v.Problems = problems
		v.Panel.ClearURL = "/onderzoek"
		h.render(w, r, "research", page{Title: title, Nav: "onderzoek", Status: http.StatusBadRequest, Content: v})
		return
	}
	var err error
	v.Panel, v.Selected, err = h.panel(r, s, "/onderzoek")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	f := s.Filter
	var ids []string
	for _, k := range factorKinds {
		gs, err := h.bank.Factors(insight.FactorQuery{Kind: k.kind, Filter: f, First: researchFirst})
		if err != nil {
			h.researchError(w, r, err)
			return
		}
		v.Kinds = append(v.Kinds, factorKindView{ID: k.id, Title: k.title, Intro: k.intro, Groups: groupViews(gs, &ids)})
		if v.Filtered && k.kind != insight.Bottlenecks {
			ds, err := h.bank.Distinctive(insight.DistinctiveQuery{Kind: k.kind, Filter: f, First: 10})
			if err != nil {
				h.researchError(w, r, err)
				return
			}
			v.Distinct = append(v.Distinct, factorKindView{ID: "kenmerkend-" + k.id, Title: k.title, Groups: groupViews(ds, &ids)})
		}
	}
	if err := h.namePractices(r, ids, v.Kinds, v.Distinct); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, "research", page{Title: title, Nav: "onderzoek", Content: v})
}

// groupViews turns groups into views; the ids of the practices to link are
// added to ids (their titles are read afterwards, all at once).
func groupViews(gs []insight.Group, ids *[]string) []groupView {
	out := make([]groupView, 0, len(gs))
	for _, g := range gs {
		gv := groupView{Text: g.Text, Count: g.Count, Total: g.Total, Phrasings: g.Variants}
		if g.Lift != nil {
			gv.Lift = strings.Replace(strconv.FormatFloat(*g.Lift, 'f', 1, 64), ".", ",", 1)
		}
		n := min(len(g.PracticeIDs), practicesPerGroup)
		for _, id := range g.PracticeIDs[:n] {
			gv.Practices = append(gv.Practices, tag{id, "/praktijk/" + url.PathEscape(id)})
			*ids = append(*ids, id)
		}
		gv.More = len(g.PracticeIDs) - n
		out = append(out, gv)
	}
	return out
}

// namePractices replaces the practice ids in the groups' links by titles.
func (h *handler) namePractices(r *http.Request, ids []string, lists ...[]factorKindView) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ps, err := h.bank.Practices(r.Context(), ids)
	if err != nil {
		return err
	}
	titles := make(map[string]string, len(ps))
	for _, p := range ps {
		titles[p.ID] = p.Title
	}
	for _, list := range lists {
		for i := range list {
			for j := range list[i].Groups {
				for k, t := range list[i].Groups[j].Practices {
					if title, ok := titles[t.Text]; ok {
						list[i].Groups[j].Practices[k].Text = title
					}
				}
			}
		}
	}
	return nil
}

// researchError shows a refused analysis as a 400 and anything else as a 500.
func (h *handler) researchError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, bank.ErrInvalid) {
		why, ok := bank.UserMessage(err)
		if !ok {
			why = "Deze vraag kan niet beantwoord worden."
		}
		h.render(w, r, "message", page{Title: "Ongeldige vraag", Nav: "onderzoek", Status: http.StatusBadRequest, Content: messagePage{
			Heading: "Deze analyse kan niet gemaakt worden", Message: why,
			Links: []link{{"/onderzoek", "Begin opnieuw bij Onderzoek"}},
		}})
		return
	}
	h.serverError(w, r, err)
}

func (h *handler) noResearch(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "message", page{Title: "Onderzoek niet beschikbaar", Nav: "onderzoek", Status: http.StatusNotFound, Content: messagePage{
		Heading: "Onderzoek is hier niet beschikbaar",
		Message: "Deze server toont geen analyses. Zoek de praktijken zelf op of gebruik de GraphQL-verkenner.",
		Links:   []link{{"/", "Zoek een praktijk"}, {"/graphiql", "GraphQL-verkenner"}},
	}})
}

// The coverage heat map.

type coverageView struct {
	Panel        filterPanel
	Problems     []string
	Dimensions   []dimOption
	RowParam     string
	ColParam     string
	RowLabel     string
	ColLabel     string
	Columns      []coverageHead
	Rows         []coverageRow
	ColumnTotals []int
	Total        int
	Gaps         int
	Export       exportLinks
	FactorsURL   string
	Action       string
	Empty        bool
}

type dimOption struct {
	Value, Label string
	Rows, Cols   bool // selected as rows, as columns
}

type coverageHead struct {
	Label, Sub, URL string
}

type coverageRow struct {
	Head  coverageHead
	Cells []coverageCell
	Total int
}

type coverageCell struct {
	Count int
	URL   string
	Level int // 0 (a gap) .. 5
	Label string
}

func (h *handler) coverage(w http.ResponseWriter, r *http.Request) {
	if !h.bank.HasInsight() {
		h.noResearch(w, r)
		return
	}
	plan := h.bank.Plan()
	s, problems := researchFilter(r, plan)
	q, _ := url.ParseQuery(r.URL.RawQuery)
	rowsP, colsP := q.Get(pRows), q.Get(pColumns)
	if rowsP == "" {
		rowsP = "actie"
	}
	if colsP == "" {
		colsP = "regio"
	}
	rows, rowLabel, okR := dimensionByParam(rowsP)
	cols, colLabel, okC := dimensionByParam(colsP)
	if !okR || !okC || len(q[pRows]) > 1 || len(q[pColumns]) > 1 {
		problems = append(problems, "Kies voor rijen en kolommen één van: krachtlijn, uitdaging, actie, regio of jaar.")
		rowsP, colsP = "actie", "regio"
		rows, rowLabel, cols, colLabel = insight.DimAction, "Actie", insight.DimRegion, "Regio"
	}
	base := "/onderzoek/dekking?" + url.Values{pRows: {rowsP}, pColumns: {colsP}}.Encode()
	v := coverageView{RowParam: rowsP, ColParam: colsP, RowLabel: rowLabel, ColLabel: colLabel,
		Export: exportsOf(s), Action: "/onderzoek/dekking", FactorsURL: rebase(s.clone().url(), "/onderzoek")}
	for _, d := range dimensions {
		v.Dimensions = append(v.Dimensions, dimOption{d.Param, d.Label, d.Param == rowsP, d.Param == colsP})
	}
	title := "Dekking: " + rowLabel + " × " + colLabel
	if len(problems) > 0 {
		v.Problems = problems
		v.Panel.ClearURL = base
		h.render(w, r, "coverage", page{Title: title, Nav: "onderzoek", Status: http.StatusBadRequest, Content: v})
		return
	}
	var err error
	v.Panel, _, err = h.panel(r, s, base)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	cov, err := h.bank.Coverage(rows, cols, s.Filter)
	if err != nil {
		h.researchError(w, r, err)
		return
	}
	if n := len(cov.Rows) * len(cov.Columns); n > maxCells {
		v.Problems = []string{fmt.Sprintf("Deze tabel zou %d cellen hebben; er kunnen er hoogstens %d getoond worden. Kies een kortere periode (van/tot) of andere rijen of kolommen.", n, maxCells)}
		h.render(w, r, "coverage", page{Title: title, Nav: "onderzoek", Status: http.StatusBadRequest, Content: v})
		return
	}
	l := labeler{plan}
	maxCount := 0
	for _, row := range cov.Counts {
		for _, n := range row {
			maxCount = max(maxCount, n)
		}
	}
	for _, c := range cov.Columns {
		v.Columns = append(v.Columns, h.coverageHead(l, cols, c, s))
	}
	v.ColumnTotals, v.Total = cov.ColumnTotals, cov.Total
	for i, rl := range cov.Rows {
		row := coverageRow{Head: h.coverageHead(l, rows, rl, s), Total: cov.RowTotals[i]}
		for j, n := range cov.Counts[i] {
			cell := s.clone()
			narrow(&cell, rows, rl.ID)
			narrow(&cell, cols, cov.Columns[j].ID)
			c := coverageCell{Count: n, URL: cell.url(), Level: level(n, maxCount),
				Label: fmt.Sprintf("%s × %s: %s", row.Head.Label, v.Columns[j].Label, plural(n, "praktijk", "praktijken"))}
			if n == 0 {
				v.Gaps++
			}
			row.Cells = append(row.Cells, c)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Empty = len(v.Rows) == 0 || len(v.Columns) == 0
	h.render(w, r, "coverage", page{Title: title, Nav: "onderzoek", Content: v})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// level is a cell's shade: 0 for a gap, else 1..5 by its share of the largest.
func level(n, maxCount int) int {
	if n == 0 || maxCount == 0 {
		return 0
	}
	return 1 + (n-1)*5/maxCount
}

// narrow sets the state's filter of a dimension to one value.
func narrow(s *searchState, d insight.Dimension, id string) {
	switch d {
	case insight.DimKrachtlijn:
		s.Krachtlijnen = []string{id}
	case insight.DimChallenge:
		s.Challenges = []string{id}
	case insight.DimAction:
		s.Actions = []string{id}
	case insight.DimRegion:
		s.Regions = []string{id}
	case insight.DimYear:
		if y, err := strconv.Atoi(id); err == nil {
			s.FromYear, s.ToYear = &y, &y
		}
	}
}

// coverageHead labels a row or column in the site's words, with a link to
// what the value is (an action's page, a region's report, …).
func (h *handler) coverageHead(l labeler, d insight.Dimension, c insight.Label, s searchState) coverageHead {
	switch d {
	case insight.DimKrachtlijn:
		return coverageHead{Label: l.krachtlijn(c.ID), URL: searchState{Filter: filter.Filter{Krachtlijnen: []string{c.ID}}}.url()}
	case insight.DimChallenge:
		return coverageHead{Label: l.challenge(c.ID), URL: "/uitdaging/" + url.PathEscape(c.ID)}
	case insight.DimAction:
		if a, ok := l.plan.Action(c.ID); ok {
			return coverageHead{Label: strings.TrimSuffix(actionPrefix(l.plan, a), ": "), Sub: shorten(capitalize(a.Title), 60),
				URL: "/actie/" + url.PathEscape(c.ID)}
		}
	case insight.DimRegion:
		year := time.Now().Year()
		if s.ToYear != nil {
			year = *s.ToYear
		}
		return coverageHead{Label: l.region(c.ID), URL: fmt.Sprintf("/rapport/%s/%d", url.PathEscape(c.ID), year)}
	}
	return coverageHead{Label: c.Label}
}

// The regional report.

type reportView struct {
	R           insight.Report
	Years       []int
	Challenges  []reportRow
	Actions     []reportRow
	Gaps        []tag
	New         []reportPractice
	Updated     []reportPractice
	Factors     []factorKindView
	Export      exportLinks
	SearchURL   string
	CoverageURL string
	Generated   string
	Regions     []tag
}

type reportRow struct {
	Label, Sub, URL, SearchURL string
	Count, Pct                 int
}

type reportPractice struct {
	Title, URL, Ref, Created, Updated string
	Version                           int
}

// reportYears bounds the year picker: from this year back, and forward one.
const reportYears = 12

func (h *handler) reportYear(w http.ResponseWriter, r *http.Request) {
	region := r.PathValue("region")
	y := time.Now().Year()
	if v := r.URL.Query().Get(pYear); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1970 || n > 2100 {
			h.notFoundWith(w, r, "Geen rapport voor dit jaar", "Kies een jaar van 1970 tot 2100, in cijfers (bv. 2024).")
			return
		}
		y = n
	}
	http.Redirect(w, r, fmt.Sprintf("/rapport/%s/%d", url.PathEscape(region), y), http.StatusSeeOther)
}

func (h *handler) report(w http.ResponseWriter, r *http.Request) {
	if !h.bank.HasInsight() {
		h.noResearch(w, r)
		return
	}
	plan := h.bank.Plan()
	region := r.PathValue("region")
	year, err := strconv.Atoi(r.PathValue("year"))
	regionNames := func() string {
		var names []string
		for _, reg := range plan.Regions {
			names = append(names, reg.Name)
		}
		return strings.Join(names, ", ")
	}
	if err != nil || len(r.PathValue("year")) > 4 {
		h.notFoundWith(w, r, "Rapport niet gevonden", "Het jaar in het adres is geen jaartal. Gebruik een jaar in cijfers, bv. /rapport/limburg/2024.")
		return
	}
	rep, err := h.bank.RegionReport(region, year)
	if errors.Is(err, bank.ErrNotFound) {
		h.notFoundWith(w, r, "Rapport niet gevonden", "Er is geen rapport voor deze regio en dit jaar (1970 tot 2100). De regio's zijn: "+regionNames()+".")
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	l := labeler{plan}
	s := searchState{Filter: filter.Filter{Regions: []string{region}, FromYear: &year, ToYear: &year}}
	v := reportView{R: rep, Export: exportsOf(searchState{Filter: filter.Filter{Regions: []string{region}}}), Generated: dutchDate(time.Now()),
		SearchURL:   searchState{Filter: filter.Filter{Regions: []string{region}}}.url(),
		CoverageURL: rebase(searchState{Filter: filter.Filter{Regions: []string{region}}}.url(), "/onderzoek/dekking")}
	now := time.Now().Year()
	for y := now + 1; y > now-reportYears; y-- {
		v.Years = append(v.Years, y)
	}
	if !slices.Contains(v.Years, year) {
		v.Years = append(v.Years, year)
		slices.Sort(v.Years)
		slices.Reverse(v.Years)
	}
	for _, reg := range plan.Regions {
		v.Regions = append(v.Regions, tag{reg.Name, fmt.Sprintf("/rapport/%s/%d", url.PathEscape(reg.ID), year)})
	}
	pct := func(n int) int {
		if rep.Practices == 0 {
			return 0
		}
		return (n*100 + rep.Practices/2) / rep.Practices
	}
	for _, c := range rep.Challenges {
		cs := s.clone()
		cs.Challenges = []string{c.Challenge.ID}
		v.Challenges = append(v.Challenges, reportRow{Label: c.Challenge.Section + " " + c.Challenge.Name,
			URL: "/uitdaging/" + url.PathEscape(c.Challenge.ID), SearchURL: cs.url(), Count: c.Count, Pct: pct(c.Count)})
	}
	for _, a := range rep.Actions {
		as := s.clone()
		as.Actions = []string{a.Action.ID}
		v.Actions = append(v.Actions, reportRow{Label: strings.TrimSuffix(actionPrefix(plan, a.Action), ": "),
			Sub: capitalize(a.Action.Title), URL: "/actie/" + url.PathEscape(a.Action.ID), SearchURL: as.url(), Count: a.Count, Pct: pct(a.Count)})
	}
	for _, a := range rep.Gaps {
		v.Gaps = append(v.Gaps, tag{l.action(a.ID), "/actie/" + url.PathEscape(a.ID)})
	}
	refs := func(ps []insight.PracticeRef) []reportPractice {
		var out []reportPractice
		for _, p := range ps {
			out = append(out, reportPractice{Title: p.Title, URL: "/praktijk/" + url.PathEscape(p.ID), Ref: p.Ref,
				Version: p.Version, Created: dutchDate(p.Created), Updated: dutchDate(p.Updated)})
		}
		return out
	}
	v.New, v.Updated = refs(rep.NewPractices), refs(rep.UpdatedPractices)
	var ids []string
	v.Factors = []factorKindView{
		{ID: "succesfactoren", Title: "Meest genoemde succesfactoren", Groups: groupViews(rep.SuccessFactors, &ids)},
		{ID: "valkuilen", Title: "Meest genoemde valkuilen", Groups: groupViews(rep.Pitfalls, &ids)},
	}
	if err := h.namePractices(r, ids, v.Factors); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.render(w, r, "report", page{Title: fmt.Sprintf("Voortgangsrapport %s %d", rep.Region.Name, year), Nav: "onderzoek", Content: v})
}
