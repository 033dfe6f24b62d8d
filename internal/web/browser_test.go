package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/web"
)

func setScriptsDisabled(off bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
		return err
	})
}

// The browser tests drive the real server stack in a headless Chromium. They
// skip when no Chromium is installed (see .ci/run for how CI gets one) and
// write screenshots to PRAKTIJKENBANK_SCREENSHOTS, or to a temporary directory.

func findChromium() string {
	if p := os.Getenv("PRAKTIJKENBANK_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "" // a browser named but absent: skip rather than fail
		}
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts the server over HTTP on 127.0.0.1 and a fresh headless
// Chromium, and returns a tab's context and the server's URL.
func browser(t *testing.T, h http.Handler, width, height int64, mobile bool) (context.Context, string) {
	t.Helper()
	return browserFor(t, h, width, height, mobile, 90*time.Second)
}

// browserFor is browser with a time limit for the whole test's browsing.
func browserFor(t *testing.T, h http.Handler, width, height int64, mobile bool, limit time.Duration) (context.Context, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	path := findChromium()
	if path == "" {
		t.Skip("no Chromium found (looked for $PRAKTIJKENBANK_CHROMIUM, /usr/bin/chromium, chromium, chromium-browser, google-chrome); install one (apt-get install chromium) to run the browser tests")
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(int(width), int(height)),
	)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	tctx, tcancel := chromedp.NewContext(actx)
	t.Cleanup(tcancel)

	vp := []chromedp.EmulateViewportOption{}
	if mobile {
		vp = append(vp, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	if err := chromedp.Do(tctx, chromedp.EmulateViewport(width, height, vp...)); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	watchConsole(t, tctx)
	return tctx, srv.URL
}

// watchConsole fails the test on a JavaScript exception, a console error or a
// browser log error (a Content-Security-Policy violation is one).
func watchConsole(t *testing.T, ctx context.Context) {
	msgs := chromedp.Console(ctx)
	var mu sync.Mutex
	var problems []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			typ := string(m.Type)
			if m.Source == "network" && expectedErrorPage(m.URL) {
				continue // the status of a page visited for its error
			}
			if typ == "error" || typ == "exception" || strings.Contains(typ, "xception") {
				mu.Lock()
				problems = append(problems, typ+": "+m.Text)
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("browser console: %s", p)
		}
	})
}

// expectedErrorPage tells whether a URL is one of the pages the tests visit
// for their 4xx answer.
func expectedErrorPage(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.RequestURI() {
	case "/bestaat-niet", "/?regio=mars", "/rapport/gent/2023":
		return true
	}
	return false
}

func screenshotDir(t *testing.T) string {
	if d := os.Getenv("PRAKTIJKENBANK_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", p, len(png))
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// waitFor waits until the JavaScript condition holds on the current page,
// across navigations.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	js := "document.readyState === 'complete' && !!(" + cond + ")"
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("timed out waiting for %s (at %s, last error %v)", cond, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserDesktop searches in Dutch, ticks a facet, opens a practice and
// follows an action link, on a 1280px wide screen.
func TestBrowserDesktop(t *testing.T) {
	ctx, base := browser(t, testEnv.handler, 1280, 900, false)
	shots := screenshotDir(t)

	// The skip link is the first thing the keyboard reaches.
	run(t, ctx, chromedp.Navigate(base+"/"))
	waitFor(t, ctx, "document.querySelector('h1')")
	run(t, ctx, chromedp.KeyEvent("\t"))
	if got := eval[string](t, ctx, "document.activeElement.textContent"); got != "Ga naar de inhoud" {
		t.Errorf("first tab stop = %q, want the skip link", got)
	}
	if !eval[bool](t, ctx, "getComputedStyle(document.activeElement).outlineStyle !== 'none'") {
		t.Errorf("the focused skip link has no visible outline")
	}

	// Search in Dutch: typing and pressing Enter submits the form.
	run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "jongeren\r"))
	waitFor(t, ctx, "location.search.includes('q=jongeren') && document.querySelector('#resultaten')")
	heading := eval[string](t, ctx, "document.querySelector('#resultaten').textContent")
	results := eval[int](t, ctx, "document.querySelectorAll('.result').length")
	if !strings.HasSuffix(heading, "gevonden") || results == 0 {
		t.Fatalf("after searching: heading %q, %d results", heading, results)
	}
	if eval[int](t, ctx, "document.querySelectorAll('.result mark').length") == 0 {
		t.Errorf("no highlighted words in the results")
	}
	if !eval[bool](t, ctx, "document.querySelector('details.filters').open") {
		t.Errorf("the filters are folded on a wide screen")
	}
	// Suggestions from /suggesties arrive in the datalist while typing.
	eval[bool](t, ctx, `(() => { const q = document.getElementById('q'); q.value = 'jong'; q.dispatchEvent(new Event('input')); return true })()`)
	waitFor(t, ctx, "document.querySelectorAll('#suggesties option').length > 0")
	eval[bool](t, ctx, `(() => { document.getElementById('q').value = 'jongeren'; return true })()`)
	screenshot(t, ctx, shots, "desktop-zoeken")

	// Tick a facet: the page reloads with the filter in the URL, the box
	// checked, fewer results, and the focus back on the box.
	box := `input[name="regio"][value="limburg"]`
	run(t, ctx, chromedp.Navigate(base+"/?q=jongeren"))
	waitFor(t, ctx, "document.querySelector('"+box+"')")
	run(t, ctx, chromedp.Click(chromedp.CSS(box)))
	waitFor(t, ctx, "location.search.includes('regio=limburg')")
	if !eval[bool](t, ctx, "document.querySelector('"+box+"').checked") {
		t.Errorf("the ticked facet is not checked after the reload")
	}
	if n := eval[int](t, ctx, "document.querySelectorAll('.result').length"); n == 0 || n >= results {
		t.Errorf("%d results with the region filter, %d without", n, results)
	}
	if got := eval[string](t, ctx, "document.activeElement.value"); got != "limburg" {
		t.Errorf("focus after the reload is on %q, want the checkbox", got)
	}
	if eval[int](t, ctx, "document.querySelectorAll('.active .chip').length") != 1 {
		t.Errorf("the active filter is not listed")
	}
	screenshot(t, ctx, shots, "desktop-facet")

	// Open the first practice, then one of its actions.
	run(t, ctx, chromedp.Click(chromedp.CSS(".result h3 a")))
	waitFor(t, ctx, "location.pathname.startsWith('/praktijk/') && document.querySelector('h1')")
	title := eval[string](t, ctx, "document.querySelector('h1').textContent")
	if !strings.HasPrefix(title, "Voorbeeld:") {
		t.Errorf("practice title %q", title)
	}
	if !eval[bool](t, ctx, "!!document.querySelector('.notice.demo')") {
		t.Errorf("no demo notice on a demo practice")
	}
	screenshot(t, ctx, shots, "desktop-praktijk")
	run(t, ctx, chromedp.Click(chromedp.CSS(`#acties ~ ul a[href^="/actie/"]`)))
	waitFor(t, ctx, "location.pathname.startsWith('/actie/') && document.querySelector('h1')")
	if !eval[bool](t, ctx, fmt.Sprintf("[...document.querySelectorAll('.result h3')].some(h => h.textContent === %q)", title)) {
		t.Errorf("the action page does not list the practice %q", title)
	}
	if eval[int](t, ctx, "document.querySelectorAll('.initiatives li').length") == 0 {
		t.Logf("this action has no initiatives")
	}
	screenshot(t, ctx, shots, "desktop-actie")

	run(t, ctx, chromedp.Navigate(base+"/actieplan"))
	waitFor(t, ctx, "document.querySelector('h1')")
	if n := eval[int](t, ctx, "document.querySelectorAll('.cards .card').length"); n != 5 {
		t.Errorf("%d krachtlijnen on the action plan page, want 5", n)
	}
	screenshot(t, ctx, shots, "desktop-actieplan")

	// Nothing found: the help offers the did-you-mean and dropping filters.
	run(t, ctx, chromedp.Navigate(base+"/?q=jongren&regio=antwerpen&krachtlijn=POLITISEREND"))
	waitFor(t, ctx, "document.querySelector('.empty')")
	screenshot(t, ctx, shots, "desktop-geen-resultaten")
}

// TestBrowserWithoutJavaScript searches and filters with scripts off.
func TestBrowserWithoutJavaScript(t *testing.T) {
	ctx, base := browser(t, testEnv.handler, 1280, 900, false)
	run(t, ctx, chromedp.Navigate(base+"/?q=digitale+kloof"))
	waitFor(t, ctx, "document.querySelector('#resultaten')")
	// Turn scripts off for the next page loads, the way a user's browser would.
	if err := chromedp.Do(ctx, setScriptsDisabled(true), chromedp.Navigate(base+"/?q=digitale+kloof")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "document.querySelector('#resultaten')")
	if eval[bool](t, ctx, "document.documentElement.classList.contains('js')") {
		t.Fatal("the script ran although scripts are off")
	}
	// Tick a krachtlijn and press "Filter toepassen".
	run(t, ctx,
		chromedp.Click(chromedp.CSS(`input[name="krachtlijn"]`)),
		chromedp.Click(chromedp.CSS(`button.apply`)),
	)
	waitFor(t, ctx, "location.search.includes('krachtlijn=')")
	if !eval[bool](t, ctx, `document.querySelector('input[name="krachtlijn"]:checked') !== null`) {
		t.Errorf("no krachtlijn checked after applying the filter")
	}
	if !eval[bool](t, ctx, "getComputedStyle(document.querySelector('.sort button')).display !== 'none'") {
		t.Errorf("without JavaScript the sort button must show")
	}
}

// TestBrowserPhone reads the search and a practice on a 375px wide phone.
func TestBrowserPhone(t *testing.T) {
	ctx, base := browser(t, testEnv.handler, 375, 812, true)
	shots := screenshotDir(t)
	run(t, ctx, chromedp.Navigate(base+"/?q=wijkteams"))
	waitFor(t, ctx, "document.querySelector('#resultaten') && document.documentElement.classList.contains('js')")
	if eval[bool](t, ctx, "document.querySelector('details.filters').open") {
		t.Errorf("the filters are open on a phone")
	}
	if w := eval[int](t, ctx, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("the search page is %dpx wide on a 375px phone", w)
	}
	screenshot(t, ctx, shots, "telefoon-zoeken")
	run(t, ctx, chromedp.Click(chromedp.CSS("details.filters summary")))
	waitFor(t, ctx, "document.querySelector('details.filters').open")
	screenshot(t, ctx, shots, "telefoon-filters")

	run(t, ctx, chromedp.Click(chromedp.CSS(".result h3 a")))
	waitFor(t, ctx, "location.pathname.startsWith('/praktijk/') && document.querySelector('h1')")
	if w := eval[int](t, ctx, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("the practice page is %dpx wide on a 375px phone", w)
	}
	screenshot(t, ctx, shots, "telefoon-praktijk")
}

// TestBrowserPaging follows "Volgende", then the number of the first page.
func TestBrowserPaging(t *testing.T) {
	ctx, base := browser(t, web.New(testEnv.bank, web.WithPageSize(5)), 1280, 900, false)
	run(t, ctx, chromedp.Navigate(base+"/?sort=titel"))
	waitFor(t, ctx, "document.querySelector('a[rel=next]')")
	first := eval[string](t, ctx, "document.querySelector('.result h3').textContent")
	run(t, ctx, chromedp.Click(chromedp.CSS("a[rel=next]")))
	waitFor(t, ctx, "location.search.includes('pagina=2') && document.querySelector('.range')")
	if got := eval[string](t, ctx, "document.querySelector('.result h3').textContent"); got == first {
		t.Fatalf("the second page starts with the first page's %q", got)
	}
	if got := eval[string](t, ctx, "document.querySelector('.range').textContent"); !strings.HasPrefix(got, "Praktijk 6–10 van ") {
		t.Errorf("range on page 2: %q", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(".pager a[href='/?sort=titel']")))
	waitFor(t, ctx, "!location.search.includes('pagina=') && document.querySelector('.result h3')")
	if got := eval[string](t, ctx, "document.querySelector('.result h3').textContent"); got != first {
		t.Errorf("back on the first page: %q, want %q", got, first)
	}
}

// TestBrowserHonestSearch: a practitioner's partial and excluding searches
// say what they did, and the strict search is one click away.
func TestBrowserHonestSearch(t *testing.T) {
	ctx, base := browser(t, testEnv.handler, 1280, 900, false)
	shots := screenshotDir(t)
	run(t, ctx, chromedp.Navigate(base+"/"))
	run(t, ctx, chromedp.SendKeys(chromedp.ID("q"), "jongeren Limburg\r"))
	waitFor(t, ctx, "document.querySelector('.notice.partial')")
	if got := eval[string](t, ctx, "location.search"); got != "?q=jongeren+Limburg" {
		t.Errorf("the form's address is not clean: %q", got)
	}
	partial := eval[int](t, ctx, "document.querySelectorAll('.result').length")
	screenshot(t, ctx, shots, "zoeken-gedeeltelijk")
	run(t, ctx, chromedp.Click(chromedp.CSS(".notice.partial a")))
	waitFor(t, ctx, "location.search.includes('alle=1') && document.querySelector('#resultaten')")
	if strict := eval[int](t, ctx, "document.querySelectorAll('.result').length"); strict >= partial {
		t.Errorf("strict search: %d results, partial %d", strict, partial)
	}

	run(t, ctx, chromedp.Navigate(base+"/?q=armoede+-energie"))
	waitFor(t, ctx, "document.querySelector('.query-parts')")
	if got := eval[string](t, ctx, "document.querySelector('.query-parts').textContent"); got != "Gezocht naar praktijken met armoede, zonder energie." {
		t.Errorf("query parts: %q", got)
	}
	screenshot(t, ctx, shots, "zoeken-zonder")
}
