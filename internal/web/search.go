package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// URL query parameters of the search page besides the filter's
// (filter.Fields), which the research pages and the exports share.
const (
	pQuery  = "q"
	pSort   = "sort"
	pPage   = "pagina" // 1-based page number (search page)
	pStrict = "alle"   // "1": only practices with every word
	pAfter  = "na"     // a cursor (action pages)
)

// The filter parameters of the fields a query word may name (filterOffers).
var (
	pKrachtlijn = filter.Lists[filter.ListKrachtlijnen].Param
	pChallenge  = filter.Lists[filter.ListChallenges].Param
	pRegion     = filter.Lists[filter.ListRegions].Param
)

// maxCursor bounds a cursor in the URL (the search enforces its own as well).
const maxCursor = 2048

// sortNames maps the sort parameter to the search's sort.
var sortNames = map[string]search.Sort{
	"relevantie": search.SortRelevance,
	"nieuwste":   search.SortNewest,
	"titel":      search.SortTitle,
}

// searchState is everything a search page shows, as its URL carries it.
type searchState struct {
	Q string
	filter.Filter
	Sort   string // "" (relevance), "nieuwste" or "titel"
	Page   int    // 0 or 1: the first
	Strict bool   // only practices with every word of Q
}

// list is the filter's list field with URL parameter param.
func (s *searchState) list(param string) *[]string {
	for i := range filter.Lists {
		if filter.Lists[i].Param == param {
			return filter.Lists[i].Values(&s.Filter)
		}
	}
	panic("web: unknown list parameter " + param)
}

// clone returns a deep copy at the first page (every change of a search
// starts there).
func (s searchState) clone() searchState {
	c := s
	c.Page = 0
	c.Filter = s.Filter.Clone()
	return c
}

// values encodes the state in a URL query, leaving out what is empty.
func (s searchState) values() url.Values {
	v := url.Values{}
	if s.Q != "" {
		v.Set(pQuery, s.Q)
	}
	s.Filter.Encode(v)
	if s.Sort != "" {
		v.Set(pSort, s.Sort)
	}
	if s.Strict && s.Q != "" {
		v.Set(pStrict, "1")
	}
	if s.Page > 1 {
		v.Set(pPage, strconv.Itoa(s.Page))
	}
	return v
}

// url is the search page's address for the state.
func (s searchState) url() string {
	if q := s.values().Encode(); q != "" {
		return "/?" + q
	}
	return "/"
}

func (s searchState) filtered() bool { return !s.Filter.Empty() }

// parseState reads and checks the URL query. Problems are Dutch sentences
// for the user; the returned state keeps only the valid values. The filter
// is read by filter.ParseQuery, which also takes the older parameter names
// of the exports (regions=…), so their links keep working: the page
// redirects them to its own names.
func parseState(raw string, plan *actionplan.Plan) (searchState, []string) {
	var s searchState
	var problems []string
	q, err := url.ParseQuery(raw)
	if err != nil {
		problems = append(problems, "Het adres van deze pagina is beschadigd (een teken is verkeerd gecodeerd).")
	}
	one := func(name string) string {
		vals := q[name]
		if len(vals) == 0 {
			return ""
		}
		if len(vals) > 1 {
			problems = append(problems, fmt.Sprintf("De parameter „%s” staat meer dan eens in het adres; alleen de eerste telt.", name))
		}
		return strings.TrimSpace(vals[0])
	}

	s.Q = one(pQuery)
	switch {
	case !utf8.ValidString(s.Q):
		problems = append(problems, "De zoekvraag bevat ongeldige tekens.")
		s.Q = ""
	case utf8.RuneCountInString(s.Q) > search.MaxQueryLen:
		problems = append(problems, fmt.Sprintf("De zoekvraag is te lang: gebruik hoogstens %d tekens.", search.MaxQueryLen))
		s.Q = string([]rune(s.Q)[:search.MaxQueryLen])
	}

	var bad []*filter.Error
	s.Filter, bad = filter.ParseQuery(q, plan)
	for _, e := range bad {
		problems = append(problems, e.Message)
	}

	if v := one(pSort); v != "" {
		if _, ok := sortNames[v]; !ok {
			problems = append(problems, fmt.Sprintf("Onbekende sortering „%s”: kies relevantie, nieuwste of titel.", shorten(v, 30)))
		} else if v != "relevantie" { // the default needs no parameter
			s.Sort = v
		}
	}
	if v := one(pStrict); v != "" {
		s.Strict = v == "1"
	}
	if v := one(pPage); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			problems = append(problems, badPage)
		} else {
			s.Page = n
		}
	}
	return s, problems
}

// maxPage is the deepest page a search shows (the search's MaxOffset).
const maxPage = 50

const (
	badCursor = "Deze paginalink is niet (meer) geldig. Begin opnieuw bij de eerste pagina van de resultaten."
	badPage   = "Dit paginanummer bestaat niet. Begin opnieuw bij de eerste pagina van de resultaten."
)

// The search page's view.

type searchView struct {
	State         searchState
	Problems      []string
	FixURL        string // the search without the invalid parts, when there are problems
	Searched      bool   // a search ran (no problems)
	Total         int
	Results       []resultItem
	Facets        []facetGroup
	Years         []yearOption
	From, To      string
	Active        []activeFilter
	ActiveN       int
	Sorts         []sortOption
	NextURL       string // cursor pages (the shared results template); unused here
	FirstURL      string
	Range         string     // "21–40 van 46"
	Pages         []pageLink // numbered pages, with gaps
	PrevURL       string
	NextPageURL   string
	DidYouMean    string
	DidYouMeanURL string
	ClearURL      string // the query without filters
	Export        exportLinks
	// Partial: no practice, or only a few, has every word; StrictURL
	// shows those alone, BroadURL (in a strict search) all again.
	Partial   bool
	StrictURL string
	BroadURL  string
	Parts     *search.QueryParts // what the query asked, when it used the syntax
	Offers    []filterOffer      // query words that name a filter
}

// pageLink is a numbered page; a zero Number is a gap (…).
type pageLink struct {
	Number  int
	URL     string
	Current bool
}

// filterOffer proposes a query word as the filter it names.
type filterOffer struct {
	Word, What, Label, URL string
}

type resultItem struct {
	URL          string
	Title        template.HTML // escaped, matches in <mark>
	Region       string
	Years        string
	Krachtlijnen []tag
	Snippet      template.HTML // the summary, matches marked
	Context      []contextLine // matched passages of the other fields
	Demo         bool
}

// contextLine is a matched passage of a field other than title and summary.
type contextLine struct {
	Field string
	Text  template.HTML
}

type tag struct{ Text, URL string }

type facetGroup struct {
	Param, Legend string
	Options       []facetOption
}

type facetOption struct {
	ID, Value, Label string
	Count            int
	Checked          bool
}

type yearOption struct {
	Value, Label string
}

type activeFilter struct{ Label, RemoveURL string }

type sortOption struct {
	Value, Label string
	Selected     bool
}

func (h *handler) search(w http.ResponseWriter, r *http.Request) {
	plan := h.bank.Plan()
	state, problems := parseState(r.URL.RawQuery, plan)
	view := searchView{State: state, ClearURL: searchState{Q: state.Q, Sort: state.Sort}.url(), Export: exportsOf(state)}
	view.Sorts = sortOptions(state.Sort)
	title := "Praktijken zoeken"
	if state.Q != "" {
		title = "Zoeken naar „" + shorten(state.Q, 60) + "”"
	}
	if len(problems) > 0 {
		h.searchProblems(w, r, title, view, problems)
		return
	}
	if clean := state.values().Encode(); clean != r.URL.RawQuery {
		// One address per search: no empty or default parameters.
		u := r.URL.Path
		if clean != "" {
			u += "?" + clean
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
		return
	}
	pageNo := max(state.Page, 1)
	offset := (pageNo - 1) * h.cfg.pageSize
	if offset > search.MaxOffset {
		view.State.Page = 0
		h.searchProblems(w, r, title, view, []string{badPage})
		return
	}
	res, err := h.bank.Search(r.Context(), search.Request{
		Query: state.Q, Filter: state.Filter, Sort: sortNames[state.Sort],
		First: h.cfg.pageSize, Offset: offset, Strict: state.Strict,
	})
	if err != nil {
		if errors.Is(err, bank.ErrInvalid) {
			view.State.Page = 0
			h.searchProblems(w, r, title, view, []string{"Deze zoekopdracht kan niet uitgevoerd worden. Pas de zoekwoorden of filters aan."})
			return
		}
		h.serverError(w, r, err)
		return
	}
	l := labeler{plan}
	view.Searched = true
	view.Total = res.Total
	for i, p := range res.Practices {
		view.Results = append(view.Results, h.resultItem(l, p, res.Hits[i]))
	}
	view.Facets = facetGroups(l, plan, state, res.Facets)
	view.Years, view.From, view.To = yearOptions(state, res.Facets.Years)
	view.Active = activeFilters(l, state)
	view.ActiveN = len(view.Active)
	view.pages(state, pageNo, h.cfg.pageSize, res.Total, len(res.Hits))
	if res.DidYouMean != "" && res.DidYouMean != state.Q {
		s := state.clone()
		s.Q, s.Strict = res.DidYouMean, false
		view.DidYouMean, view.DidYouMeanURL = res.DidYouMean, s.url()
	}
	view.Partial = res.Partial
	if res.Partial {
		s := state.clone()
		s.Strict = true
		view.StrictURL = s.url()
	}
	if state.Strict {
		s := state.clone()
		s.Strict = false
		view.BroadURL = s.url()
	}
	if parts := bank.QueryParts(state.Q); usesSyntax(parts) {
		view.Parts = &parts
	}
	view.Offers = filterOffers(plan, state)
	h.render(w, r, "search", page{Title: title, Nav: "zoeken", Content: view})
}

// pages sets the range shown ("21–40 van 46") and the numbered page links:
// the first, the last and two around the current one.
func (v *searchView) pages(s searchState, page, size, total, shown int) {
	if shown == 0 {
		return
	}
	from := (page-1)*size + 1
	v.Range = fmt.Sprintf("%d–%d van %d", from, from+shown-1, total)
	last := min((total+size-1)/size, maxPage, search.MaxOffset/size+1)
	link := func(n int) string {
		c := s.clone()
		c.Page = n
		return c.url()
	}
	if page > 1 {
		v.PrevURL = link(page - 1)
	}
	if page < last {
		v.NextPageURL = link(page + 1)
	}
	if last <= 1 {
		return
	}
	for n := 1; n <= last; n++ {
		switch {
		case n == 1 || n == last || (n >= page-2 && n <= page+2):
			v.Pages = append(v.Pages, pageLink{Number: n, URL: link(n), Current: n == page})
		case len(v.Pages) > 0 && v.Pages[len(v.Pages)-1].Number != 0:
			v.Pages = append(v.Pages, pageLink{})
		}
	}
}

// usesSyntax reports whether a query excludes, quotes or joins with OF, so
// that the page says how it read it.
func usesSyntax(p search.QueryParts) bool {
	if len(p.Without) > 0 {
		return true
	}
	for _, alts := range p.Wanted {
		if len(alts) > 1 || strings.HasPrefix(alts[0], `"`) {
			return true
		}
	}
	return false
}

// filterOffers are the query's words that name a region, krachtlijn or
// challenge not yet chosen, each with the search that has the word as a
// filter instead ("jongeren Limburg" -> "jongeren" in regio Limburg).
func filterOffers(plan *actionplan.Plan, s searchState) []filterOffer {
	words := strings.Fields(s.Q)
	if len(words) == 0 {
		return nil
	}
	var out []filterOffer
	for i, w := range words {
		key := foldName(strings.Trim(w, `"-,.;:!?`))
		if key == "" || strings.HasPrefix(w, "-") {
			continue
		}
		c := s.clone()
		c.Q = strings.Join(append(slices.Clone(words[:i]), words[i+1:]...), " ")
		c.Strict = false
		add := func(param, what, id, label string) {
			if slices.Contains(*s.list(param), id) {
				return
			}
			*c.list(param) = append(*c.list(param), id)
			out = append(out, filterOffer{Word: w, What: what, Label: label, URL: c.url()})
		}
		for _, r := range plan.Regions {
			if key == foldName(r.ID) || key == foldName(r.Name) {
				add(pRegion, "regio", r.ID, r.Name)
			}
		}
		for _, k := range plan.Krachtlijnen {
			if key == foldName(k.Code) || key == foldName(k.Name) {
				add(pKrachtlijn, "krachtlijn", k.Code, k.Name)
			}
		}
		for _, ch := range plan.Challenges {
			if key == foldName(ch.ID) || key == foldName(ch.Name) {
				add(pChallenge, "uitdaging", ch.ID, ch.Name)
			}
		}
	}
	return out
}

// foldName lower-cases a name and drops its accents for comparison.
func foldName(s string) string { return accents.Replace(strings.ToLower(s)) }

// accents folds the accented letters of Dutch names; built once (building
// a Replacer is most of the cost of using it once).
var accents = strings.NewReplacer("é", "e", "è", "e", "ë", "e", "ï", "i", "ö", "o", "ü", "u", "â", "a", "ê", "e")

func (h *handler) searchProblems(w http.ResponseWriter, r *http.Request, title string, view searchView, problems []string) {
	view.Problems = problems
	view.FixURL = view.State.clone().url() // start over at page one
	view.Active = activeFilters(labeler{h.bank.Plan()}, view.State)
	h.render(w, r, "search", page{Title: "Ongeldige zoekopdracht", Nav: "zoeken", Status: http.StatusBadRequest, Content: view})
}

func sortOptions(cur string) []sortOption {
	if cur == "" {
		cur = "relevantie"
	}
	return []sortOption{
		{"relevantie", "Relevantie", cur == "relevantie"},
		{"nieuwste", "Nieuwste eerst", cur == "nieuwste"},
		{"titel", "Titel (A-Z)", cur == "titel"},
	}
}

func (h *handler) resultItem(l labeler, p practice.Practice, hit search.Hit) resultItem {
	it := resultItem{
		URL:    "/praktijk/" + url.PathEscape(p.ID),
		Title:  template.HTML(template.HTMLEscapeString(p.Title)),
		Region: l.region(p.Region),
		Years:  yearsText(p),
		Demo:   p.Demo,
	}
	for _, k := range p.Krachtlijnen {
		it.Krachtlijnen = append(it.Krachtlijnen, tag{l.krachtlijn(k), searchState{Filter: filter.Filter{Krachtlijnen: []string{k}}}.url()})
	}
	for _, hl := range hit.Highlights {
		if len(hl.Fragments) == 0 {
			continue
		}
		switch hl.Field {
		case "title":
			if safe, ok := markedHTML(hl.Fragments[0]); ok {
				it.Title = safe
			}
		case "summary":
			var parts []string
			for _, f := range hl.Fragments {
				if safe, ok := markedHTML(f); ok {
					parts = append(parts, string(safe))
				}
			}
			it.Snippet = template.HTML(strings.Join(parts, " … "))
		default:
			label := contextLabels[hl.Field]
			if label == "" || len(it.Context) >= maxContext {
				continue
			}
			if safe, ok := markedHTML(hl.Fragments[0]); ok {
				it.Context = append(it.Context, contextLine{Field: label, Text: safe})
			}
		}
	}
	if it.Snippet == "" {
		it.Snippet = template.HTML(template.HTMLEscapeString(shorten(p.Summary, 300)))
	}
	return it
}

// maxContext is how many matched passages of other fields a result shows.
const maxContext = 2

// contextLabels name the fields whose matches a result shows under its
// summary, one passage each.
var contextLabels = map[string]string{
	"description": "Beschrijving", "successFactors": "Succesfactor", "pitfalls": "Valkuil",
	"bottlenecks": "Knelpunt", "targetGroups": "Doelgroep", "settings": "Setting",
	"organisations": "Organisatie", "municipalities": "Gemeente",
}

// markTags are the only tags a highlight fragment may contain.
var markTags = regexp.MustCompile(`</?mark>`)

// markedHTML accepts a highlight fragment as HTML only when, apart from its
// <mark> tags, it holds no markup: the search escapes the text, and this
// check keeps a mistake there from becoming a script on the page.
func markedHTML(f string) (template.HTML, bool) {
	rest := markTags.ReplaceAllString(f, "")
	if strings.ContainsAny(rest, "<>\"") {
		return "", false
	}
	return template.HTML(f), true
}

func yearsText(p practice.Practice) string {
	switch {
	case p.StartYear != nil && p.EndYear != nil && *p.StartYear == *p.EndYear:
		return strconv.Itoa(*p.StartYear)
	case p.StartYear != nil && p.EndYear != nil:
		return fmt.Sprintf("%d–%d", *p.StartYear, *p.EndYear)
	case p.StartYear != nil:
		return fmt.Sprintf("sinds %d", *p.StartYear)
	case p.EndYear != nil:
		return fmt.Sprintf("tot %d", *p.EndYear)
	}
	return ""
}

// facetView shows a filter list field as a checkbox group and as active
// filters: the legend, a value's label, the order of the plan's values (nil:
// by count) and the field's counts in a result (nil: not a facet of the
// search, so only its chosen values are shown).
type facetView struct {
	legend string
	label  func(labeler, string) string
	counts func(search.Facets) []search.FacetCount
}

// viewOf is the view of filter.Lists[i]; a field without an entry in
// facetViews shows its values as they are, under its label.
func viewOf(i int) facetView {
	fv := facetViews[i]
	if fv.legend == "" {
		fv.legend = capitalize(filter.Lists[i].Label)
	}
	if fv.label == nil {
		fv.label = asIs
	}
	if fv.counts == nil {
		fv.counts = func(search.Facets) []search.FacetCount { return nil }
	}
	return fv
}

// facetViews are the views of the filter's list fields, at their positions
// in filter.Lists.
var facetViews = [len(filter.Lists)]facetView{
	filter.ListKrachtlijnen: {"Krachtlijn", labeler.krachtlijn, func(f search.Facets) []search.FacetCount { return f.Krachtlijnen }},
	filter.ListChallenges:   {"Uitdaging", labeler.challenge, func(f search.Facets) []search.FacetCount { return f.Challenges }},
	filter.ListActions:      {"Actie", labeler.action, func(f search.Facets) []search.FacetCount { return f.Actions }},
	filter.ListRegions:      {"Regio", labeler.region, func(f search.Facets) []search.FacetCount { return f.Regions }},
	filter.ListTargetGroups: {"Doelgroep", asIs, func(f search.Facets) []search.FacetCount { return f.TargetGroups }},
	filter.ListSettings:     {"Setting", asIs, func(f search.Facets) []search.FacetCount { return f.Settings }},
}

func asIs(_ labeler, v string) string { return v }

// facetGroups builds the checkbox groups: the plan's own values in plan
// order, free values (doelgroep, setting) by count; values with no
// practices are left out unless they are checked.
func facetGroups(l labeler, plan *actionplan.Plan, s searchState, f search.Facets) []facetGroup {
	counts := func(fc []search.FacetCount) map[string]int {
		m := make(map[string]int, len(fc))
		for _, c := range fc {
			m[c.Value] = c.Count
		}
		return m
	}
	group := func(param, legend string, order []string, fc []search.FacetCount, label func(string) string) facetGroup {
		g := facetGroup{Param: param, Legend: legend}
		m := counts(fc)
		checked := *s.list(param)
		if order == nil {
			for _, c := range fc {
				order = append(order, c.Value)
			}
			for _, v := range checked {
				if !slices.Contains(order, v) {
					order = append(order, v)
				}
			}
		}
		for _, v := range order {
			on := slices.Contains(checked, v)
			if m[v] == 0 && !on {
				continue
			}
			g.Options = append(g.Options, facetOption{
				ID: fmt.Sprintf("f-%s-%d", param, len(g.Options)), Value: v, Label: label(v), Count: m[v], Checked: on,
			})
		}
		return g
	}
	groups := make([]facetGroup, 0, len(facetViews))
	for i := range facetViews {
		fv := viewOf(i)
		var order []string
		if planned := filter.Lists[i].Planned; planned != nil {
			order = planned(plan)
		}
		groups = append(groups, group(filter.Lists[i].Param, fv.legend, order, fv.counts(f), func(v string) string { return fv.label(l, v) }))
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// yearOptions are the choices of the van/tot selects: the years of the
// result (ignoring the year filter) with their counts, and the chosen ones.
func yearOptions(s searchState, fc []search.FacetCount) (opts []yearOption, from, to string) {
	years := map[int]int{}
	for _, c := range fc {
		if y, err := strconv.Atoi(c.Value); err == nil {
			years[y] = c.Count
		}
	}
	for _, y := range []*int{s.FromYear, s.ToYear} {
		if y != nil {
			if _, ok := years[*y]; !ok {
				years[*y] = 0
			}
		}
	}
	keys := make([]int, 0, len(years))
	for y := range years {
		keys = append(keys, y)
	}
	sort.Ints(keys)
	for _, y := range keys {
		opts = append(opts, yearOption{strconv.Itoa(y), fmt.Sprintf("%d (%d)", y, years[y])})
	}
	if s.FromYear != nil {
		from = strconv.Itoa(*s.FromYear)
	}
	if s.ToYear != nil {
		to = strconv.Itoa(*s.ToYear)
	}
	return opts, from, to
}

// activeFilters lists the chosen filters, each with the link that drops it.
func activeFilters(l labeler, s searchState) []activeFilter {
	var out []activeFilter
	for i, fl := range filter.Lists {
		p, fv := fl.Param, viewOf(i)
		for _, v := range *s.list(p) {
			c := s.clone()
			*c.list(p) = slices.DeleteFunc(*c.list(p), func(x string) bool { return x == v })
			out = append(out, activeFilter{fv.legend + ": " + fv.label(l, v), c.url()})
		}
	}
	if s.FromYear != nil {
		c := s.clone()
		c.FromYear = nil
		out = append(out, activeFilter{fmt.Sprintf("Van %d", *s.FromYear), c.url()})
	}
	if s.ToYear != nil {
		c := s.clone()
		c.ToYear = nil
		out = append(out, activeFilter{fmt.Sprintf("Tot %d", *s.ToYear), c.url()})
	}
	return out
}
