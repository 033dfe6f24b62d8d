package server_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// One filter, every entry point: searchPractices and the research fields
// over GraphQL, the search page, the research page and the exports give the
// same practices for the same filter, and refuse the same filters (a value
// the plan does not know, a year outside 1970..2100) with the field named.
func TestOneFilterEveryEntryPoint(t *testing.T) {
	e := newFilterEnv(t)
	var live []practice.Practice
	if err := e.store.ScanPractices(context.Background(), func(p practice.Practice) error {
		if p.Live() {
			live = append(live, p)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "doelgroep-" + strconv.Itoa(i)
	}
	type filterIn struct {
		Krachtlijnen, Challenges, Actions, Regions, TargetGroups, Settings []string
		FromYear, ToYear                                                   *int
	}
	y := func(n int) *int { return &n }
	for _, tc := range []struct {
		name string
		f    filterIn
		// refused: the error code and the GraphQL input field; "" passes.
		code, field string
		enum        bool // GraphQL refuses it before the resolver (an enum)
	}{
		{name: "no filter"},
		{name: "one region", f: filterIn{Regions: []string{"antwerpen"}}},
		{name: "two regions and a krachtlijn", f: filterIn{Regions: []string{"limburg", "brussel"}, Krachtlijnen: []string{"NABIJHEID"}}},
		{name: "challenge and action", f: filterIn{Challenges: []string{"onderbescherming", "digitalisering"}, Actions: []string{"digitalisering-1", "onderbescherming-1", "vertrouwen-1"}}},
		{name: "target group and setting", f: filterIn{TargetGroups: []string{"jongeren"}, Settings: []string{"OCMW"}}},
		{name: "one year", f: filterIn{FromYear: y(2024), ToYear: y(2024)}},
		{name: "the lowest and highest years", f: filterIn{FromYear: y(1970), ToYear: y(2100)}},
		{name: "a region no practice has", f: filterIn{Regions: []string{"west-vlaanderen"}}},
		{name: "unknown region", f: filterIn{Regions: []string{"antwerpen", "nergens"}}, code: "UNKNOWN_REGION", field: "regions"},
		{name: "unknown krachtlijn", f: filterIn{Krachtlijnen: []string{"HELDENMOED"}}, code: "UNKNOWN_KRACHTLIJN", field: "krachtlijnen", enum: true},
		{name: "unknown challenge", f: filterIn{Challenges: []string{"vrede"}}, code: "UNKNOWN_CHALLENGE", field: "challenges"},
		{name: "unknown action", f: filterIn{Actions: []string{"digitalisering-99"}}, code: "UNKNOWN_ACTION", field: "actions"},
		{name: "year before 1970", f: filterIn{FromYear: y(1969)}, code: "INVALID_YEAR", field: "fromYear"},
		{name: "year after 2100", f: filterIn{ToYear: y(2101)}, code: "INVALID_YEAR", field: "toYear"},
		{name: "years reversed", f: filterIn{FromYear: y(2024), ToYear: y(2020)}, code: "INVALID_YEAR", field: "fromYear"},
		{name: "too many values", f: filterIn{TargetGroups: many}, code: "TOO_MANY_VALUES", field: "targetGroups"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := -1
			if tc.code == "" {
				want = 0
				for i := range live {
					if naiveMatch(tc.f.Krachtlijnen, tc.f.Challenges, tc.f.Actions, tc.f.Regions, tc.f.TargetGroups, tc.f.Settings, tc.f.FromYear, tc.f.ToYear, &live[i]) {
						want++
					}
				}
			}
			t.Logf("want %d practices", want)
			gqlFilter := map[string]any{}
			for name, vals := range map[string][]string{"krachtlijnen": tc.f.Krachtlijnen, "challenges": tc.f.Challenges, "actions": tc.f.Actions,
				"regions": tc.f.Regions, "targetGroups": tc.f.TargetGroups, "settings": tc.f.Settings} {
				if vals != nil {
					gqlFilter[name] = vals
				}
			}
			q := url.Values{}
			for param, vals := range map[string][]string{"krachtlijn": tc.f.Krachtlijnen, "uitdaging": tc.f.Challenges, "actie": tc.f.Actions,
				"regio": tc.f.Regions, "doelgroep": tc.f.TargetGroups, "setting": tc.f.Settings} {
				for _, v := range vals {
					q.Add(param, v)
				}
			}
			if tc.f.FromYear != nil {
				gqlFilter["fromYear"] = *tc.f.FromYear
				q.Set("van", strconv.Itoa(*tc.f.FromYear))
			}
			if tc.f.ToYear != nil {
				gqlFilter["toYear"] = *tc.f.ToYear
				q.Set("tot", strconv.Itoa(*tc.f.ToYear))
			}

			// GraphQL: searchPractices, and coverage REGION x REGION (each
			// practice has one region: the diagonal sums the selection).
			for _, field := range []string{"searchPractices", "coverage"} {
				query := `query($f: PracticeFilter) { searchPractices(filter: $f) { total } }`
				if field == "coverage" {
					query = `query($f: PracticeFilter) { coverage(rows: REGION, columns: REGION, filter: $f) { counts } }`
				}
				got, code, gqlField, msg := graphqlCount(t, e, query, gqlFilter)
				switch {
				case tc.code == "" && got != want:
					t.Errorf("%s: %d practices (%s %s), want %d", field, got, code, msg, want)
				case tc.code != "" && code != "BAD_USER_INPUT":
					t.Errorf("%s: code %q (%s), want BAD_USER_INPUT", field, code, msg)
				case tc.code != "" && !tc.enum && gqlField != "filter."+tc.field:
					t.Errorf("%s: extensions.field %q (%s), want filter.%s", field, gqlField, msg, tc.field)
				}
			}

			// The search page and the research page.
			for _, page := range []struct{ path, count string }{
				{"/", `(\d+) praktijk(?:en)? gevonden`},
				{"/onderzoek", `<strong>(\d+) praktijk(?:en)?</strong>`},
			} {
				w := getPage(e.handler, page.path+"?"+q.Encode())
				body := html.UnescapeString(w.Body.String())
				if tc.code != "" {
					if w.Code != http.StatusBadRequest || !strings.Contains(body, dutchProblem[tc.code]) {
						t.Errorf("%s: %d, no %q in the page", page.path, w.Code, dutchProblem[tc.code])
					}
					continue
				}
				m := regexp.MustCompile(page.count).FindStringSubmatch(body)
				if w.Code != http.StatusOK || m == nil || m[1] != strconv.Itoa(want) {
					t.Errorf("%s: %d, count %v, want %d", page.path, w.Code, m, want)
				}
			}

			// The export, with the page's parameters.
			w := getPage(e.handler, "/export.json?"+q.Encode())
			raw, _ := io.ReadAll(w.Body)
			if tc.code != "" {
				var body struct {
					Error struct{ Code, Parameter string }
				}
				_ = json.Unmarshal(raw, &body)
				param := map[string]string{"regions": "regio", "krachtlijnen": "krachtlijn", "challenges": "uitdaging", "actions": "actie",
					"targetGroups": "doelgroep", "fromYear": "van", "toYear": "tot"}[tc.field]
				if w.Code != http.StatusBadRequest || body.Error.Code != tc.code || body.Error.Parameter != param {
					t.Errorf("export: %d %s, want 400 %s on %s", w.Code, raw, tc.code, param)
				}
				return
			}
			var doc struct{ Practices []json.RawMessage }
			if err := json.Unmarshal(raw, &doc); err != nil || w.Code != http.StatusOK || len(doc.Practices) != want {
				t.Errorf("export: %d, %d practices (%v), want %d", w.Code, len(doc.Practices), err, want)
			}
		})
	}
}

// dutchProblem is what the web pages say of a refused filter, per code.
var dutchProblem = map[string]string{
	"UNKNOWN_REGION": "Onbekende regio: „nergens”", "UNKNOWN_KRACHTLIJN": "Onbekende krachtlijn: „HELDENMOED”",
	"UNKNOWN_CHALLENGE": "Onbekende uitdaging: „vrede”", "UNKNOWN_ACTION": "Onbekende actie: „digitalisering-99”",
	"INVALID_YEAR": "jaar", "TOO_MANY_VALUES": "Kies hoogstens 50 waarden voor doelgroep",
}

// The exports' older parameter names still work, and the search page
// redirects them to its own.
func TestFilterOlderParameterNames(t *testing.T) {
	e := newFilterEnv(t)
	count := func(path string) int {
		w := getPage(e.handler, path)
		var doc struct{ Practices []json.RawMessage }
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		return len(doc.Practices)
	}
	old, current := count("/export.json?regions=limburg&fromYear=2020&query=buurt"), count("/export.json?regio=limburg&van=2020&q=buurt")
	if old != current {
		t.Errorf("older names: %d practices, current names: %d", old, current)
	}
	if all := count("/export.json"); old >= all {
		t.Errorf("the older names do not filter: %d of %d", old, all)
	}
	w := getPage(e.handler, "/?regions=limburg&fromYear=2020")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/?regio=limburg&van=2020" {
		t.Errorf("search page with older names: %d to %q", w.Code, w.Header().Get("Location"))
	}
}

// newFilterEnv is the insight env with rate limits high enough for the
// many requests of one test.
func newFilterEnv(t *testing.T) env {
	return newInsightEnv(t, func(o *server.Options) {
		o.RateLimits = server.RateLimits{ReadsPerSecond: 1000, ReadBurst: 1000, WritesPerMinute: 1000, WriteBurst: 1000,
			PagesPerSecond: 1000, PageBurst: 1000, ExportsPerMinute: 1000, ExportBurst: 1000}
	})
}

// graphqlCount runs a searchPractices or coverage query and returns the
// practices it counts, or the first error's code, extensions.field and message.
func graphqlCount(t *testing.T, e env, query string, f map[string]any) (n int, code, field, msg string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"f": f}})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	var resp struct {
		Data *struct {
			SearchPractices *struct{ Total int }
			Coverage        *struct{ Counts [][]int }
		}
		Errors []struct {
			Message    string
			Extensions struct{ Code, Field string }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("%s: %v", w.Body, err)
	}
	if len(resp.Errors) > 0 {
		return -1, resp.Errors[0].Extensions.Code, resp.Errors[0].Extensions.Field, resp.Errors[0].Message
	}
	switch {
	case resp.Data == nil:
	case resp.Data.SearchPractices != nil:
		return resp.Data.SearchPractices.Total, "", "", ""
	case resp.Data.Coverage != nil:
		for i, row := range resp.Data.Coverage.Counts {
			n += row[i]
		}
		return n, "", "", ""
	}
	return -1, "", "", w.Body.String()
}

func getPage(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// naiveMatch is the filter's meaning written out without the filter
// package: OR within a field, AND across fields, any active year in range.
func naiveMatch(krachtlijnen, challenges, actions, regions, targets, settings []string, from, to *int, p *practice.Practice) bool {
	anyOf := func(want, have []string) bool {
		if len(want) == 0 {
			return true
		}
		for _, h := range have {
			if slices.Contains(want, strings.TrimSpace(h)) {
				return true
			}
		}
		return false
	}
	if !anyOf(krachtlijnen, p.Krachtlijnen) || !anyOf(challenges, p.Challenges) || !anyOf(actions, p.Actions) ||
		!anyOf(regions, []string{p.Region}) || !anyOf(targets, p.TargetGroups) || !anyOf(settings, p.Settings) {
		return false
	}
	if from == nil && to == nil {
		return true
	}
	lo, hi, ok := p.ActiveYears()
	return ok && (from == nil || hi >= *from) && (to == nil || lo <= *to)
}
