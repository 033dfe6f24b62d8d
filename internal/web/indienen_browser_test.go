package web_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// TestBrowserIndienen walks a regional platform's submission end to end in
// Chromium: sign in, download the template, fill it (excelize), upload it,
// read the problems by row and column, fix them, upload again, submit, and
// follow the outcome to the new practice.
func TestBrowserIndienen(t *testing.T) {
	e := newPlatformEnv(t)
	ctx, base := browser(t, e.handler, 1280, 900, false)
	shots := screenshotDir(t)
	downloads := t.TempDir()

	run(t, ctx, chromedp.Navigate(base+"/"))
	waitFor(t, ctx, "document.querySelector('h1')")
	run(t, ctx, chromedp.Click(chromedp.CSS(`header nav a[href="/indienen"]`)))
	waitFor(t, ctx, "location.pathname === '/indienen' && document.querySelector('#token')")
	if got := eval[string](t, ctx, "document.querySelector('header nav [aria-current=page]').textContent"); got != "Indienen" {
		t.Errorf("current menu item %q", got)
	}
	screenshot(t, ctx, shots, "indienen-aanmelden")
	run(t, ctx, chromedp.SendKeys(chromedp.ID("token"), e.token+"\r"))
	waitFor(t, ctx, "document.querySelector('h1') && document.querySelector('h1').textContent === 'Indienen voor Limburg'")
	if strings.Contains(eval[string](t, ctx, "location.href"), e.token) {
		t.Fatal("the token is in the URL")
	}
	if eval[string](t, ctx, "document.cookie") != "" {
		t.Error("a script can read the session cookie")
	}

	// Download the template.
	run(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	}))
	run(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/indienen/sjabloon.xlsx"]`)))
	template := waitForFile(t, downloads, ".xlsx")

	// Fill it in with two mistakes in row 2 and two in row 3.
	f, err := excelize.OpenFile(template)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetName(0)
	header, err := f.GetRows(sheet)
	if err != nil || len(header) == 0 {
		t.Fatalf("template rows: %v %v", header, err)
	}
	set := func(row int, values map[string]any) {
		t.Helper()
		for col, v := range values {
			i := slices.Index(header[0], col)
			if i < 0 {
				t.Fatalf("the template has no column %q (has %v)", col, header[0])
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	set(2, map[string]any{"ref": "lim-br-1", "titel": "Buurtwerk in Genk", "samenvatting": "",
		"krachtlijnen": "Nabijheid", "acties": "4.2 Actie 1", "startjaar": 2021})
	set(3, map[string]any{"ref": "lim-br-2", "titel": "Taalcafé in Hasselt", "samenvatting": "Nederlands oefenen bij een koffie",
		"krachtlijnen": "Onbekend", "startjaar": 1900})
	filled := filepath.Join(t.TempDir(), "inventaris-limburg.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}

	upload := func(path string) {
		t.Helper()
		run(t, ctx,
			chromedp.SetUploadFiles(chromedp.ID("bestand"), []string{path}),
			chromedp.SetValue(chromedp.ID("titel"), "Praktijken Limburg 2024"),
			chromedp.Click(chromedp.CSS(`form.upload button[type=submit]`)),
		)
	}
	upload(filled)
	waitFor(t, ctx, "location.pathname === '/indienen/controleren' && document.querySelector('table.problems')")
	places := eval[[]string](t, ctx, "[...document.querySelectorAll('table.problems td.place')].map(td => td.textContent)")
	for _, want := range []string{"rij 2, kolom samenvatting", "rij 3, kolom krachtlijnen", "rij 3, kolom startjaar"} {
		if !slices.Contains(places, want) {
			t.Errorf("problems %v lack %q", places, want)
		}
	}
	if eval[bool](t, ctx, "!!document.querySelector('form[action=\"/indienen/indienen\"]')") {
		t.Error("a file with problems offers to submit")
	}
	screenshot(t, ctx, shots, "indienen-problemen")

	// Fix them and upload again.
	set(2, map[string]any{"samenvatting": "Samen met bewoners de buurt versterken"})
	set(3, map[string]any{"krachtlijnen": "Verbindend werken", "startjaar": 2022})
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}
	f.Close()
	upload(filled)
	waitFor(t, ctx, "document.querySelector('h1').textContent === 'Klaar om in te dienen'")
	if n := eval[int](t, ctx, "document.querySelectorAll('.outcome.new').length"); n != 2 {
		t.Errorf("%d new practices in the preview, want 2", n)
	}
	screenshot(t, ctx, shots, "indienen-voorbeeld")

	// Submit: the file is not asked for again.
	run(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/indienen/indienen"] button`)))
	waitFor(t, ctx, "document.querySelector('h1').textContent === 'Je inventaris is ingediend'")
	if got := eval[string](t, ctx, "document.querySelector('.notice').textContent"); !strings.Contains(got, "2 nieuwe praktijken") {
		t.Errorf("outcome notice %q", got)
	}
	screenshot(t, ctx, shots, "indienen-resultaat")
	p, found, err := e.bank.PracticeByRef(context.Background(), "limburg", "lim-br-1")
	if err != nil || !found || p.Summary != "Samen met bewoners de buurt versterken" || len(p.Actions) != 1 || p.Actions[0] != "digitalisering-1" {
		t.Fatalf("submitted practice %+v (%v, %v)", p, found, err)
	}

	// The outcome links to the practices.
	run(t, ctx, chromedp.Click(chromedp.CSS(`table.outcomes a[href="/praktijk/`+p.ID+`"]`)))
	waitFor(t, ctx, "location.pathname.startsWith('/praktijk/') && document.querySelector('h1')")
	if got := eval[string](t, ctx, "document.querySelector('h1').textContent"); !strings.Contains(got, "Buurtwerk in Genk") {
		t.Errorf("practice page h1 %q", got)
	}

	// The platform's page lists them, with targets of at least 24×24 px.
	run(t, ctx, chromedp.Navigate(base+"/indienen"))
	waitFor(t, ctx, "document.querySelector('#praktijken')")
	if n := eval[int](t, ctx, "document.querySelectorAll('a[href^=\"/indienen/intrekken/\"]').length"); n != 2 {
		t.Errorf("%d withdraw links, want 2", n)
	}
	small := eval[[]string](t, ctx, `[...document.querySelectorAll('main button, main input:not([type=hidden]), main select, main textarea, main .action-link')]
		.filter(el => { const r = el.getBoundingClientRect(); return r.width < 24 || r.height < 24 })
		.map(el => el.outerHTML.slice(0, 80))`)
	if len(small) > 0 {
		t.Errorf("targets smaller than 24×24 px: %v", small)
	}
	unlabelled := eval[[]string](t, ctx, `[...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
		.filter(el => !el.labels || el.labels.length === 0).map(el => el.name)`)
	if len(unlabelled) > 0 {
		t.Errorf("form fields without a label: %v", unlabelled)
	}
	screenshot(t, ctx, shots, "indienen-overzicht")

	// Withdraw one with a reason.
	run(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/indienen/intrekken/`+p.ID+`"]`)))
	waitFor(t, ctx, "document.querySelector('#reden')")
	screenshot(t, ctx, shots, "indienen-intrekken")
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("reden"), "Het project is gestopt in 2024."),
		chromedp.Click(chromedp.CSS(`form[action^="/indienen/intrekken/"] button`)),
	)
	waitFor(t, ctx, "location.pathname === '/indienen' && document.querySelector('.notice')")
	if n := eval[int](t, ctx, "document.querySelectorAll('a[href^=\"/indienen/intrekken/\"]').length"); n != 1 {
		t.Errorf("%d withdraw links after withdrawing one, want 1", n)
	}

	// Add an action of the region's own, then open it to edit.
	run(t, ctx,
		chromedp.SendKeys(chromedp.ID("actie-titel"), "Buurtpensioen in Limburg"),
		chromedp.SendKeys(chromedp.ID("actie-naam"), "buurtpensioen"),
		chromedp.SetValue(chromedp.ID("actie-uitdaging"), "vermaatschappelijking"),
		chromedp.Click(chromedp.CSS(`form[action="/indienen/acties"] button`)),
	)
	waitFor(t, ctx, "document.querySelector('a[href=\"/indienen/acties/limburg:buurtpensioen\"]')")
	run(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/indienen/acties/limburg:buurtpensioen"]`)))
	waitFor(t, ctx, "document.querySelector('h1').textContent === 'Actie wijzigen'")
	screenshot(t, ctx, shots, "indienen-actie")

	// Sign out, from the platform's page.
	run(t, ctx, chromedp.Navigate(base+"/indienen"))
	waitFor(t, ctx, "document.querySelector('form[action=\"/indienen/afmelden\"]')")
	run(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/indienen/afmelden"] button`)))
	waitFor(t, ctx, "document.querySelector('#token')")
	if !strings.Contains(eval[string](t, ctx, "document.querySelector('main').textContent"), "Je bent afgemeld") {
		t.Error("no confirmation after signing out")
	}
}

// waitForFile waits for a finished download with the given extension.
func waitForFile(t *testing.T, dir, ext string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, en := range entries {
			if strings.HasSuffix(en.Name(), ext) {
				return filepath.Join(dir, en.Name())
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s file downloaded into %s", ext, dir)
	return ""
}

// TestBrowserIndienenPhone: the platform's pages fit a 375px phone.
func TestBrowserIndienenPhone(t *testing.T) {
	e := newPlatformEnv(t)
	ctx, base := browser(t, e.handler, 375, 812, true)
	shots := screenshotDir(t)
	run(t, ctx, chromedp.Navigate(base+"/indienen"))
	waitFor(t, ctx, "document.querySelector('#token')")
	run(t, ctx, chromedp.SendKeys(chromedp.ID("token"), e.token+"\r"))
	waitFor(t, ctx, "document.querySelector('#praktijken')")
	if w := eval[int](t, ctx, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("the platform page is %dpx wide on a 375px phone: %v", w, eval[[]string](t, ctx, wideElements))
	}
	screenshot(t, ctx, shots, "telefoon-indienen")
	csv := filepath.Join(t.TempDir(), "inventaris.csv")
	if err := os.WriteFile(csv, []byte(badCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, ctx,
		chromedp.SetUploadFiles(chromedp.ID("bestand"), []string{csv}),
		chromedp.Click(chromedp.CSS(`form.upload button[type=submit]`)),
	)
	waitFor(t, ctx, "document.querySelector('table.problems')")
	if w := eval[int](t, ctx, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("the problems page is %dpx wide on a 375px phone: %v", w, eval[[]string](t, ctx, wideElements))
	}
	screenshot(t, ctx, shots, "telefoon-indienen-problemen")
}

// wideElements lists the elements that reach beyond the viewport.
const wideElements = `[...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))`
