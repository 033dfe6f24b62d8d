package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// The practice page.

type practiceView struct {
	P             practice.Practice
	Region        tag
	Krachtlijnen  []tag
	Challenges    []tag
	Actions       []tag
	Functions     []string
	ImpactDomains []string
	TargetGroups  []tag
	Settings      []tag
	Years         string
	Language      string
	Email         string // mailto: URL
	History       []revisionView
	Similar       []tag
	WithdrawnAt   string
	Description   []string
}

type revisionView struct {
	Version   int
	Date      string
	Changed   []string
	Withdrawn bool
}

func (h *handler) practice(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	notFound := func() {
		h.notFoundWith(w, r, "Praktijk niet gevonden",
			"Er is geen praktijk met dit adres. Misschien is de link verouderd; zoek de praktijk op naam.")
	}
	if id == "" || len(id) > 100 {
		notFound()
		return
	}
	ctx := r.Context()
	p, ok, err := h.bank.Practice(ctx, id)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !ok {
		notFound()
		return
	}
	plan := h.bank.Plan()
	l := labeler{plan}
	// The page shows one practice: the contact policy gives its contact whole.
	p.Contact = bank.ContactOf(nil, &p, true)
	v := practiceView{P: p, Years: yearsText(p), Description: paragraphs(p.Description)}
	v.Region = tag{l.region(p.Region), searchState{Filter: filter.Filter{Regions: []string{p.Region}}}.url()}
	for _, k := range p.Krachtlijnen {
		v.Krachtlijnen = append(v.Krachtlijnen, tag{l.krachtlijn(k), searchState{Filter: filter.Filter{Krachtlijnen: []string{k}}}.url()})
	}
	for _, c := range p.Challenges {
		v.Challenges = append(v.Challenges, tag{l.challenge(c), "/uitdaging/" + url.PathEscape(c)})
	}
	for _, a := range p.Actions {
		text := a
		if act, ok := plan.Action(a); ok {
			text = actionPrefix(plan, act) + capitalize(act.Title)
		}
		v.Actions = append(v.Actions, tag{text, "/actie/" + url.PathEscape(a)})
	}
	for _, f := range p.Functions {
		v.Functions = append(v.Functions, l.function(f))
	}
	for _, d := range p.ImpactDomains {
		v.ImpactDomains = append(v.ImpactDomains, l.impactDomain(d))
	}
	for _, t := range p.TargetGroups {
		v.TargetGroups = append(v.TargetGroups, tag{t, searchState{Filter: filter.Filter{TargetGroups: []string{strings.TrimSpace(t)}}}.url()})
	}
	for _, s := range p.Settings {
		v.Settings = append(v.Settings, tag{s, searchState{Filter: filter.Filter{Settings: []string{strings.TrimSpace(s)}}}.url()})
	}
	if name, ok := languageNames[p.Language]; ok {
		v.Language = name
	} else {
		v.Language = p.Language
	}
	if p.Contact != nil && p.Contact.Email != "" && !strings.ContainsAny(p.Contact.Email, "?&#/ \t\r\n") {
		v.Email = "mailto:" + p.Contact.Email
	}
	if p.Withdrawn != nil {
		v.WithdrawnAt = dutchDate(p.Withdrawn.At)
	}

	history, _, err := h.bank.History(ctx, p.ID, bank.HistoryPage{NewestFirst: true})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, rev := range history {
		rv := revisionView{Version: rev.Version, Date: dutchDate(rev.At), Withdrawn: rev.Withdrawn != nil}
		for _, f := range rev.ChangedFields {
			rv.Changed = append(rv.Changed, fieldLabel(f))
		}
		v.History = append(v.History, rv)
	}

	if p.Live() {
		similar, err := h.bank.Similar(ctx, p.ID, 5)
		if err != nil {
			// Similar practices are a bonus: the page stands without them.
			h.cfg.log.WarnContext(ctx, "web: similar practices unavailable", "practice", p.ID, "err", err)
		}
		for _, s := range similar {
			v.Similar = append(v.Similar, tag{s.Title, "/praktijk/" + url.PathEscape(s.ID)})
		}
	}
	h.render(w, r, "practice", page{Title: p.Title, Content: v})
}

// The action plan pages.

type planView struct {
	Krachtlijnen []krachtlijnView
	Uitdagingen  []challengeView
	Themas       []challengeView
}

type krachtlijnView struct {
	Name, URL   string
	Description []string
}

type challengeView struct {
	ID, Section, Name, Title, URL, SearchURL string
	Thema                                    bool
	Actions                                  []actionView
	Total                                    int
}

type actionView struct {
	ID, Label, Title, URL, SearchURL string
	Description                      []string
	Initiatives                      []actionplan.Initiative
	Regional                         string // region name of a regional action
	Challenge                        tag
}

func (h *handler) actionPlan(w http.ResponseWriter, r *http.Request) {
	plan := h.bank.Plan()
	var v planView
	for _, k := range plan.Krachtlijnen {
		v.Krachtlijnen = append(v.Krachtlijnen, krachtlijnView{
			Name: k.Name, URL: searchState{Filter: filter.Filter{Krachtlijnen: []string{k.Code}}}.url(), Description: paragraphs(k.Description),
		})
	}
	for i := range plan.Challenges {
		c := challengeOf(plan, &plan.Challenges[i])
		if c.Thema {
			v.Themas = append(v.Themas, c)
		} else {
			v.Uitdagingen = append(v.Uitdagingen, c)
		}
	}
	h.render(w, r, "actionplan", page{Title: "Actieplan Sterk Sociaal Werk", Nav: "actieplan", Content: v})
}

func challengeOf(plan *actionplan.Plan, c *actionplan.Challenge) challengeView {
	cv := challengeView{
		ID: c.ID, Section: c.Section, Name: c.Name, Title: c.Title, Thema: c.Kind == actionplan.KindThema,
		URL: "/uitdaging/" + url.PathEscape(c.ID), SearchURL: searchState{Filter: filter.Filter{Challenges: []string{c.ID}}}.url(),
	}
	for i := range c.Actions {
		cv.Actions = append(cv.Actions, actionOf(plan, &c.Actions[i]))
	}
	return cv
}

func actionOf(plan *actionplan.Plan, a *actionplan.Action) actionView {
	av := actionView{
		ID: a.ID, Label: strings.TrimSuffix(actionPrefix(plan, a), ": "), Title: capitalize(a.Title),
		URL: "/actie/" + url.PathEscape(a.ID), SearchURL: searchState{Filter: filter.Filter{Actions: []string{a.ID}}}.url(),
		Description: paragraphs(a.Description), Initiatives: a.Initiatives,
	}
	if a.Regional() {
		r, _ := plan.Region(a.Region)
		av.Regional = r.Name
	}
	if c, ok := plan.Challenge(a.ChallengeID); ok {
		av.Challenge = tag{c.Section + " " + c.Name, "/uitdaging/" + url.PathEscape(c.ID)}
	}
	return av
}

type actionPageView struct {
	A         actionView
	Total     int
	Results   []resultItem
	NextURL   string
	FirstURL  string
	BadCursor bool
	Export    exportLinks
}

func (h *handler) action(w http.ResponseWriter, r *http.Request) {
	plan := h.bank.Plan()
	a, ok := plan.Action(r.PathValue("id"))
	if !ok {
		h.notFoundWith(w, r, "Actie niet gevonden", "Het actieplan kent geen actie met dit adres. Bekijk de acties in het actieplan.")
		return
	}
	v := actionPageView{A: actionOf(plan, a), Export: exportsOf(searchState{Filter: filter.Filter{Actions: []string{a.ID}}})}
	title := v.A.Label + ": " + shorten(v.A.Title, 80)
	q, err := url.ParseQuery(r.URL.RawQuery)
	after := q.Get(pAfter)
	if err != nil || len(after) > maxCursor {
		v.BadCursor = true
		h.render(w, r, "action", page{Title: title, Nav: "actieplan", Status: http.StatusBadRequest, Content: v})
		return
	}
	res, err := h.bank.Search(r.Context(), search.Request{
		Filter: search.Filter{Actions: []string{a.ID}}, Sort: search.SortNewest, First: h.cfg.pageSize, After: after,
	})
	if err != nil {
		if errors.Is(err, bank.ErrInvalid) {
			v.BadCursor = true
			h.render(w, r, "action", page{Title: title, Nav: "actieplan", Status: http.StatusBadRequest, Content: v})
			return
		}
		h.serverError(w, r, err)
		return
	}
	l := labeler{plan}
	v.Total = res.Total
	for i, p := range res.Practices {
		v.Results = append(v.Results, h.resultItem(l, p, res.Hits[i]))
	}
	if res.HasNextPage && res.EndCursor != "" {
		v.NextURL = v.A.URL + "?" + url.Values{pAfter: {res.EndCursor}}.Encode()
	}
	if after != "" {
		v.FirstURL = v.A.URL
	}
	h.render(w, r, "action", page{Title: title, Nav: "actieplan", Content: v})
}

func (h *handler) challenge(w http.ResponseWriter, r *http.Request) {
	plan := h.bank.Plan()
	c, ok := plan.Challenge(r.PathValue("id"))
	if !ok {
		h.notFoundWith(w, r, "Uitdaging niet gevonden", "Het actieplan kent geen uitdaging met dit adres. Bekijk de uitdagingen in het actieplan.")
		return
	}
	v := challengeOf(plan, c)
	res, err := h.bank.Search(r.Context(), search.Request{Filter: search.Filter{Challenges: []string{c.ID}}, First: 1})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Total = res.Total
	h.render(w, r, "challenge", page{Title: c.Section + " " + c.Name, Nav: "actieplan", Content: v})
}

// suggestions answers the search box's completions as JSON:
// {"suggesties":["…", …]}.
func (h *handler) suggestions(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get(pQuery))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	out := struct {
		Suggesties []string `json:"suggesties"`
	}{Suggesties: []string{}}
	if q == "" || !utf8.ValidString(q) || utf8.RuneCountInString(q) > 100 {
		if q != "" {
			w.WriteHeader(http.StatusBadRequest)
		}
		_ = json.NewEncoder(w).Encode(out)
		return
	}
	sugg, err := h.bank.Suggest(r.Context(), q, 8)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, bank.ErrInvalid) {
			status = http.StatusBadRequest
		} else {
			h.cfg.log.WarnContext(r.Context(), "web: suggestions failed", "err", err)
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(out)
		return
	}
	for _, s := range sugg {
		out.Suggesties = append(out.Suggesties, s.Text)
	}
	_ = json.NewEncoder(w).Encode(out)
}
