package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight/insighttest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// researchEnv is the whole server over the insight fixture (12 real, not
// demo, practices in four regions), with the analytical view fed by the
// bank's writes, as the binary wires it. Built once, on first use.
type researchEnvT struct {
	handler http.Handler
	bank    *bank.Bank
	store   store.Store
}

var (
	researchOnce sync.Once
	researchEnv  researchEnvT
	researchErr  error
)

func research(t *testing.T) researchEnvT {
	t.Helper()
	researchOnce.Do(func() { researchEnv, researchErr = newResearchEnv() })
	if researchErr != nil {
		t.Fatal(researchErr)
	}
	return researchEnv
}

func newResearchEnv() (researchEnvT, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "pkb-web-research-")
	if err != nil {
		return researchEnvT{}, err
	}
	// The files stay until the test binary ends (TestMain removes its own
	// directory; this one is small and in the system's temporary directory).
	st, err := bolt.Open(filepath.Join(dir, "pkb.db"))
	if err != nil {
		return researchEnvT{}, err
	}
	plan := actionplan.Default()
	ix, err := search.Open(filepath.Join(dir, "index"), plan)
	if err != nil {
		return researchEnvT{}, err
	}
	var b *bank.Bank
	in := insight.New(func() *actionplan.Plan { return b.Plan() })
	b, err = bank.New(ctx, st, ix, plan, nil, bank.WithInsight(in))
	if err != nil {
		return researchEnvT{}, err
	}
	if err := in.Load(ctx, st); err != nil {
		return researchEnvT{}, err
	}
	invs, err := insighttest.Inventories()
	if err != nil {
		return researchEnvT{}, err
	}
	for _, inv := range invs {
		if err := submit(ctx, b, inv); err != nil {
			return researchEnvT{}, fmt.Errorf("%s: %w", inv.Region, err)
		}
	}
	a := auth.NewService(st, "test-admin-token-0123456789", func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)
	opts := server.Defaults()
	opts.RateLimits = server.RateLimits{} // these tests follow every cell of a heat map; the limits have their own tests
	h := server.New(server.Deps{Bank: b, Auth: a, Log: slog.New(slog.DiscardHandler)}, opts)
	return researchEnvT{handler: h, bank: b, store: st}, nil
}

// rowsOf gives the cells' text of a table's body rows, by the row header.
func rowsOf(doc *html.Node, class string) map[string][]string {
	out := map[string][]string{}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode || n.Data != "table" {
			return
		}
		if c, _ := attr(n, "class"); !strings.Contains(c, class) {
			return
		}
		walk(n, func(tr *html.Node) {
			if tr.Type != html.ElementNode || tr.Data != "tr" || tr.Parent.Data != "tbody" {
				return
			}
			var head string
			var cells []string
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				switch {
				case c.Type == html.ElementNode && c.Data == "th":
					head = strings.TrimSpace(text(c))
				case c.Type == html.ElementNode && c.Data == "td":
					cells = append(cells, strings.TrimSpace(text(c)))
				}
			}
			out[head] = cells
		})
	})
	return out
}

func TestResearchFactors(t *testing.T) {
	e := research(t)
	r := get(t, e.handler, "/onderzoek")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	doc := parse(t, r.body)
	// The groups with their counts and phrasings (see the insight fixture).
	for _, want := range []string{
		"Vertrouwen opbouwen met de buurt (4 formuleringen)", "Vaste contactpersoon (3 formuleringen)",
		"vertrouwen opbouwen met buurt.", "Vertrouwen opbouwen met 't buurt", "Een vaste contactpersoon",
	} {
		if !strings.Contains(text(doc), want) {
			t.Errorf("/onderzoek lacks %q", want)
		}
	}
	if !regexp.MustCompile(`Vertrouwen opbouwen met de buurt <span class="count">\(4 formuleringen\)</span></summary>[\s\S]*?</details>\s*</td>\s*<td class="n">5</td>`).MatchString(r.body) {
		t.Errorf("the group 'Vertrouwen opbouwen met de buurt' does not count 5 practices")
	}
	// A group links to its practices by title.
	if !regexp.MustCompile(`<a href="/praktijk/pr_[0-9a-f]+">[^<]+</a>`).MatchString(r.body) {
		t.Errorf("no practice links in the groups")
	}
	if strings.Contains(r.body, "Kenmerkend voor deze selectie") {
		t.Errorf("distinctive factors without a selection")
	}

	// Filtered like the search: distinctive factors, the export with the same filter.
	r = get(t, e.handler, "/onderzoek?regio=antwerpen&krachtlijn=NABIJHEID")
	if r.status != 200 || !strings.Contains(r.body, "Kenmerkend voor deze selectie") {
		t.Fatalf("filtered: status %d, distinctive section %v", r.status, strings.Contains(r.body, "Kenmerkend"))
	}
	if !strings.Contains(r.body, `href="/export.csv?krachtlijn=NABIJHEID&amp;regio=antwerpen"`) {
		t.Errorf("the export link does not carry the filters")
	}
	if !regexp.MustCompile(`<input type="checkbox" name="regio" value="antwerpen" id="[^"]+" checked>`).MatchString(r.body) {
		t.Errorf("the filter panel does not show the chosen region")
	}

	// Bad filters are refused with the search's own messages.
	r = get(t, e.handler, "/onderzoek?regio=mars")
	if r.status != 400 || !strings.Contains(r.body, "Onbekende regio: „mars”") {
		t.Errorf("bad region: %d", r.status)
	}
}

func TestCoverageHeatMap(t *testing.T) {
	e := research(t)
	r := get(t, e.handler, "/onderzoek/dekking?rijen=actie&kolommen=regio")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	doc := parse(t, r.body)
	rows := rowsOf(doc, "heatmap")
	// Six regions and a total per row; the plan's 17 actions.
	row, ok := rows["4.1 Actie 1We zetten in op het versterken van basiswerkingen vanuit de…"]
	if !ok {
		var heads []string
		for h := range rows {
			heads = append(heads, h)
		}
		t.Fatalf("no row for 4.1 Actie 1; rows %q", heads)
	}
	if len(rows) != 17 || len(row) != 7 {
		t.Errorf("%d rows, %d cells in a row; want 17 actions, 6 regions and a total", len(rows), len(row))
	}
	// Each cell links to the search for both values; a zero is a gap.
	cell := regexp.MustCompile(`<td class="h(\d)( gap)?"><a href="([^"]+)" aria-label="([^"]+)">(\d+)</a></td>`)
	cells := cell.FindAllStringSubmatch(r.body, -1)
	if len(cells) != 17*6 {
		t.Fatalf("%d linked cells, want %d", len(cells), 17*6)
	}
	gaps := 0
	for _, c := range cells {
		n, _ := strconv.Atoi(c[5])
		if (n == 0) != (c[2] == " gap") || (n == 0) != (c[1] == "0") {
			t.Errorf("cell %s: count %d, class h%s%s", c[4], n, c[1], c[2])
		}
		if n == 0 {
			gaps++
		}
		u, err := url.Parse(html.UnescapeString(c[3]))
		if err != nil || u.Path != "/" || len(u.Query()["actie"]) != 1 || len(u.Query()["regio"]) != 1 {
			t.Errorf("cell %s links to %s", c[4], c[3])
			continue
		}
		// The linked search finds exactly the cell's count.
		s := get(t, e.handler, u.String())
		if !strings.Contains(s.body, fmt.Sprintf(`<h2 id="resultaten" aria-live="polite">%s gevonden</h2>`, map[bool]string{true: "1 praktijk", false: strconv.Itoa(n) + " praktijken"}[n == 1])) {
			t.Errorf("cell %s (%d) links to a search that finds another number", c[4], n)
		}
	}
	if !strings.Contains(r.body, fmt.Sprintf("<strong>%d lacunes</strong>", gaps)) {
		t.Errorf("the page does not count its %d gaps", gaps)
	}
	// Region columns link to the region's report.
	if !strings.Contains(r.body, `<th scope="col"><a href="/rapport/limburg/`) {
		t.Errorf("region columns do not link to their reports")
	}

	// Years as columns, within a filter.
	r = get(t, e.handler, "/onderzoek/dekking?rijen=krachtlijn&kolommen=jaar&regio=limburg")
	if r.status != 200 || !strings.Contains(r.body, `<th scope="col">2024</th>`) {
		t.Errorf("years: %d", r.status)
	}
	// Too many cells: years over two centuries against themselves.
	if r := get(t, e.handler, "/onderzoek/dekking?rijen=jaar&kolommen=jaar&van=1970&tot=2100"); r.status != 400 || !strings.Contains(r.body, "hoogstens 2500") {
		t.Errorf("a 131 × 131 table: status %d", r.status)
	}
	for _, bad := range []string{"/onderzoek/dekking?rijen=gemeente", "/onderzoek/dekking?rijen=actie&rijen=regio", "/onderzoek/dekking?van=1800"} {
		if r := get(t, e.handler, bad); r.status != 400 {
			t.Errorf("%s: status %d, want 400", bad, r.status)
		}
	}
}

func TestRegionalReport(t *testing.T) {
	e := research(t)
	year := time.Now().Year()
	r := get(t, e.handler, fmt.Sprintf("/rapport/antwerpen/%d", year))
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	doc := parse(t, r.body)
	body := text(doc)
	for _, want := range []string{"Voortgangsrapport Antwerpen", "Lacunes", "4.1 Actie 1", "Vertrouwen opbouwen met de buurt", "Buurtcafé De Brug"} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Labels, not ids: no action id is shown as text.
	ids := `(vermaatschappelijking|digitalisering|diversiteit|duurzaamheid|vertrouwen|samenwerking|hybridisering|onderbescherming|krachtlijnen|draagvlak|innovatie)-\d+`
	if m := regexp.MustCompile(`>[^<]*\b` + ids + `\b[^<]*<`).FindString(r.body); m != "" {
		t.Errorf("the report shows an action id as text: %s", m)
	}
	if !strings.Contains(r.body, `<link rel="stylesheet" href="/static/style.`) || !strings.Contains(r.body, `href="/onderzoek" aria-current="page"`) {
		t.Errorf("the report is not in the site's layout")
	}
	if n := strings.Count(r.body, `<a href="/praktijk/`); n < 4 {
		t.Errorf("%d links to practices", n)
	}
	// Every table header has text.
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "th" && strings.TrimSpace(text(n)) == "" {
			t.Errorf("an empty <th> in the report")
		}
	})
	// The year picker, and the report linked from /onderzoek.
	req := get(t, e.handler, "/rapport/limburg?jaar=2023")
	if req.status != http.StatusSeeOther || req.header.Get("Location") != "/rapport/limburg/2023" {
		t.Errorf("year picker: %d %s", req.status, req.header.Get("Location"))
	}
	if !strings.Contains(get(t, e.handler, "/onderzoek").body, fmt.Sprintf(`href="/rapport/limburg/%d"`, year)) {
		t.Errorf("/onderzoek does not link the reports")
	}
	for _, path := range []string{"/rapport/gent/2023", "/rapport/limburg/twintig", "/rapport/limburg/1800", "/rapport/limburg?jaar=abc"} {
		if r := get(t, e.handler, path); r.status != 404 || !strings.Contains(r.body, "niet gevonden") && !strings.Contains(r.body, "Geen rapport") {
			t.Errorf("%s: %d", path, r.status)
		}
	}
}

func TestEveryPageLinksResearchAndExports(t *testing.T) {
	e := research(t)
	for _, path := range []string{"/", "/actieplan", "/onderzoek", "/onderzoek/dekking", "/bestaat-niet", "/uitdaging/digitalisering"} {
		r := get(t, e.handler, path)
		if !strings.Contains(r.body, `<a href="/onderzoek"`) {
			t.Errorf("%s: no link to /onderzoek in the navigation", path)
		}
	}
	if !strings.Contains(get(t, e.handler, "/actie/vertrouwen-1").body, `href="/export.json?actie=vertrouwen-1"`) {
		t.Errorf("the action page lacks the export of its practices")
	}
	r := get(t, e.handler, "/?q=buurt&regio=limburg")
	for _, f := range []string{"csv", "xlsx", "json"} {
		if !strings.Contains(r.body, `href="/export.`+f+`?q=buurt&amp;regio=limburg"`) {
			t.Errorf("the search page lacks the %s export with its query and filter", f)
		}
	}
}

func TestFavicon(t *testing.T) {
	r := get(t, research(t).handler, "/favicon.ico")
	if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.body, "<svg") {
		t.Errorf("/favicon.ico: %d %s", r.status, r.header.Get("Content-Type"))
	}
}
