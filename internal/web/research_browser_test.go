package web_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

func printMedia(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}

// TestBrowserResearcher: a researcher opens the heat map from /onderzoek,
// follows a gap (a search that finds nothing), then a filled cell, exports
// what that search shows, and the export re-imports into an empty bank.
func TestBrowserResearcher(t *testing.T) {
	ctx, base := browser(t, research(t).handler, 1280, 900, false)
	shots := screenshotDir(t)

	run(t, ctx, chromedp.Navigate(base+"/onderzoek"))
	waitFor(t, ctx, "document.querySelector('table.factors')")
	// A group unfolds to its phrasings and practices.
	run(t, ctx, chromedp.Click(chromedp.CSS("table.factors summary")))
	waitFor(t, ctx, "document.querySelector('table.factors details').open")
	if n := eval[int](t, ctx, "document.querySelector('table.factors details').querySelectorAll('.phrasings li').length"); n < 2 {
		t.Errorf("the first group shows %d phrasings", n)
	}
	screenshot(t, ctx, shots, "onderzoeker-factoren")
	run(t, ctx, chromedp.Click(chromedp.CSS(`.subnav a[href^="/onderzoek/dekking"]`)))
	waitFor(t, ctx, "location.pathname === '/onderzoek/dekking' && document.querySelector('table.heatmap')")
	screenshot(t, ctx, shots, "onderzoeker-heatmap")
	heatmap := eval[string](t, ctx, "location.href")

	// In print: the table and its numbers, without the menu, filters and forms.
	run(t, ctx, printMedia("print"))
	if !eval[bool](t, ctx, "getComputedStyle(document.querySelector('.filters')).display === 'none' && getComputedStyle(document.querySelector('header.site nav')).display === 'none'") {
		t.Errorf("the filters or the menu are printed")
	}
	if !eval[bool](t, ctx, "getComputedStyle(document.querySelector('table.heatmap')).display !== 'none' && document.querySelector('table.heatmap td.gap').innerText.trim() === '0'") {
		t.Errorf("the heat map or its gaps' numbers are not printed")
	}
	screenshot(t, ctx, shots, "onderzoeker-heatmap-afdruk")
	run(t, ctx, printMedia(""))

	// A gap: its link is the search for both values, and it finds nothing.
	gap := eval[string](t, ctx, "document.querySelector('td.gap a').getAttribute('aria-label')")
	run(t, ctx, chromedp.Click(chromedp.CSS("td.gap a")))
	waitFor(t, ctx, "location.pathname === '/' && document.querySelector('#resultaten')")
	if got := eval[string](t, ctx, "document.querySelector('#resultaten').textContent"); got != "0 praktijken gevonden" {
		t.Errorf("the gap %q leads to %q", gap, got)
	}
	if q := eval[string](t, ctx, "location.search"); !strings.Contains(q, "actie=") || !strings.Contains(q, "regio=") {
		t.Errorf("the gap's search %q lacks the action or region", q)
	}
	screenshot(t, ctx, shots, "onderzoeker-lacune")

	// Krachtlijnen as rows (the form applies at once), then the fullest
	// cell: its search shows as many practices as the cell says.
	run(t, ctx, chromedp.Navigate(heatmap))
	waitFor(t, ctx, "document.querySelector('table.heatmap')")
	eval[bool](t, ctx, `(() => { const s = document.getElementById('rijen'); s.value = 'krachtlijn'; s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
	waitFor(t, ctx, "location.search.includes('rijen=krachtlijn') && document.querySelector('table.heatmap')")
	if n := eval[int](t, ctx, "document.querySelectorAll('table.heatmap tbody tr').length"); n != 5 {
		t.Errorf("%d rows with krachtlijnen as rows, want 5", n)
	}
	screenshot(t, ctx, shots, "onderzoeker-heatmap-krachtlijnen")
	best := eval[string](t, ctx, `(() => {
		let best = null;
		for (const a of document.querySelectorAll('td:not(.gap) a')) if (!best || +a.textContent > +best.textContent) best = a;
		best.id = 'beste-cel';
		return best.textContent;
	})()`)
	want, _ := strconv.Atoi(best)
	if want < 2 {
		t.Errorf("the fullest cell has %d practices; the fixture has cells of 3", want)
	}
	run(t, ctx, chromedp.Click(chromedp.ID("beste-cel")))
	waitFor(t, ctx, "location.pathname === '/' && document.querySelector('.result')")
	titles := eval[[]string](t, ctx, "[...document.querySelectorAll('.result h3')].map(h => h.textContent)")
	if len(titles) != want {
		t.Fatalf("the cell says %d, its search shows %d practices", want, len(titles))
	}
	screenshot(t, ctx, shots, "onderzoeker-cel")

	// Export what the search shows, as the link on the page fetches it.
	for _, f := range []string{"csv", "xlsx", "json"} {
		if !eval[bool](t, ctx, `!!document.querySelector('.export a[href^="/export.`+f+`?"]')`) {
			t.Errorf("no %s export on the search page", f)
		}
	}
	href := eval[string](t, ctx, `document.querySelector('.export a[href^="/export.csv"]').getAttribute('href')`)
	csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(r => r.ok ? r.text() : Promise.reject(r.status))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetching %s: %v", href, err)
	}
	res, probs := importer.Read(strings.NewReader(csv), "export.csv", importer.Meta{Title: "Heringelezen export"})
	if len(probs) > 0 {
		t.Fatalf("the export does not read back: %v", probs)
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "pkb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, err := bank.New(context.Background(), st, nil, actionplan.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, part := range res.SplitByRegion() {
		if err := submit(context.Background(), b, part.Input); err != nil {
			t.Fatalf("re-importing %s: %v", part.Input.Region, err)
		}
		for _, p := range part.Input.Practices {
			q, ok, err := b.PracticeByRef(context.Background(), part.Input.Region, p.Ref)
			if err != nil || !ok {
				t.Fatalf("%s/%s not stored: %v", part.Input.Region, p.Ref, err)
			}
			orig, _, _ := research(t).bank.Practice(context.Background(), practice.ID(part.Input.Region, p.Ref))
			if q.Title != orig.Title || q.Summary != orig.Summary || !slices.Equal(q.Actions, orig.Actions) {
				t.Errorf("%s differs after the round trip", q.ID)
			}
			got = append(got, q.Title)
		}
	}
	slices.Sort(got)
	slices.Sort(titles)
	if !slices.Equal(got, titles) {
		t.Errorf("re-imported %q, the search showed %q", got, titles)
	}
}
