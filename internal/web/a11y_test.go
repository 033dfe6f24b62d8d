package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// The accessibility audit: axe-core (installed from npm in testdata/axe,
// see its package.json; CI runs `npm ci` there) runs in the browser on every
// page type, on a desktop and a phone, and must find nothing at WCAG 2.2 A
// and AA.

// axeTags are the rule sets of WCAG 2.2 level A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeScript is axe.min.js, or a skip when axe-core is not installed.
func axeScript(t *testing.T) string {
	t.Helper()
	p := filepath.Join("testdata", "axe", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("axe-core is not installed (%s missing): run `npm ci` in internal/web/testdata/axe to run the accessibility audit", p)
	}
	return string(b)
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// audit runs axe on the current page and reports every violation.
func audit(t *testing.T, ctx context.Context, script, page string) {
	t.Helper()
	if !eval[bool](t, ctx, "typeof axe !== 'undefined'") {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](script+";true")); err != nil {
			t.Fatalf("%s: injecting axe: %v", page, err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	js := fmt.Sprintf(`axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.slice(0, 6).map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 300))
	})))`, tags)
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe: %v", page, err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe %s (%s): %s\n\t%s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

// pageTypes are the site's kinds of pages, each with a condition that holds
// once it is rendered.
func pageTypes(t *testing.T) []struct{ name, path, ready string } {
	e := research(t)
	year := time.Now().Year()
	pages := []struct{ name, path, ready string }{
		{"home", "/", "document.querySelector('#resultaten')"},
		{"zoeken", "/?q=buurt&regio=antwerpen&regio=limburg", "document.querySelector('.result')"},
		{"praktijk", "/praktijk/" + practice.ID("antwerpen", "ant-01"), "document.querySelector('h1')"},
		{"actieplan", "/actieplan", "document.querySelector('.cards')"},
		{"actie", "/actie/vertrouwen-1", "document.querySelector('.result')"},
		{"uitdaging", "/uitdaging/digitalisering", "document.querySelector('h1')"},
		{"onderzoek", "/onderzoek?regio=antwerpen", "document.querySelector('table.factors')"},
		{"dekking", "/onderzoek/dekking", "document.querySelector('table.heatmap')"},
		{"rapport", fmt.Sprintf("/rapport/antwerpen/%d", year), "document.querySelector('table.report')"},
		{"graphiql", "/graphiql", "document.querySelector('.graphiql-query-editor .CodeMirror-scroll[tabindex=\"0\"]') && document.querySelector('.graphiql-response textarea[aria-label]')"},
		{"niet-gevonden", "/bestaat-niet", "document.querySelector('h1')"},
		{"ongeldige-zoekopdracht", "/?regio=mars", "document.querySelector('.notice.error')"},
		{"melding", "/rapport/gent/2023", "document.querySelector('h1')"},
	}
	if r := get(t, e.handler, "/indienen"); r.status != 404 {
		pages = append(pages, struct{ name, path, ready string }{"indienen", "/indienen", "document.querySelector('h1')"})
	}
	return pages
}

func TestAccessibilityDesktop(t *testing.T) { testAccessibility(t, 1280, 900, false, "desktop") }
func TestAccessibilityPhone(t *testing.T)   { testAccessibility(t, 375, 812, true, "telefoon") }

func testAccessibility(t *testing.T, width, height int64, mobile bool, prefix string) {
	script := axeScript(t)
	pages := pageTypes(t)
	// Fourteen pages, each audited: more time than one flow needs.
	ctx, base := browserFor(t, research(t).handler, width, height, mobile, 6*time.Minute)
	shots := screenshotDir(t)
	for _, p := range pages {
		run(t, ctx, chromedp.Navigate(base+p.path))
		waitFor(t, ctx, p.ready)
		if w := eval[int](t, ctx, "document.documentElement.scrollWidth"); w > int(width) && p.name != "graphiql" {
			t.Errorf("%s: the page is %dpx wide on a %dpx screen", p.name, w, width)
		}
		audit(t, ctx, script, fmt.Sprintf("%s %s (%dpx)", p.name, p.path, width))
		screenshot(t, ctx, shots, prefix+"-"+p.name)
	}
}

// TestNoLayoutShift loads the search on a phone, where the filter panel is
// folded: it must be folded before it is first painted, not after.
func TestNoLayoutShift(t *testing.T) {
	ctx, base := browser(t, research(t).handler, 375, 812, true)
	for _, path := range []string{"/", "/?q=buurt", "/onderzoek"} {
		run(t, ctx, chromedp.Navigate(base+path))
		waitFor(t, ctx, "document.querySelector('details.filters')")
		cls, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`new Promise(done => {
			let cls = 0;
			new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) cls += e.value; })
				.observe({type: "layout-shift", buffered: true});
			setTimeout(() => done(cls), 300);
		})`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if cls > 0.01 {
			t.Errorf("%s: cumulative layout shift %.3f on a phone", path, cls)
		}
		if eval[bool](t, ctx, "document.querySelector('details.filters').open") {
			t.Errorf("%s: the filter panel is open on a phone", path)
		}
	}
}
