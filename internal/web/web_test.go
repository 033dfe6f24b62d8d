package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/web"
)

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, h http.Handler, target string) response {
	t.Helper()
	return do(t, h, httptest.NewRequest(http.MethodGet, target, nil))
}

func do(t *testing.T, h http.Handler, req *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return response{rec.Code, rec.Header(), string(body)}
}

func TestRoutes(t *testing.T) {
	e := testEnv
	tests := []struct {
		path   string
		status int
		want   string // in the body
		ctype  string
	}{
		{"/", 200, "Zoek inspirerende praktijken", "text/html"},
		{"/zoeken?q=jongeren", 200, "praktijken gevonden", "text/html"},
		{"/praktijk/" + e.demoID, 200, "Voorbeeld", "text/html"},
		{"/praktijk/" + e.withdrawnID, 200, "Deze praktijk is ingetrokken", "text/html"},
		{"/praktijk/pr_00000000000000000000", 404, "Praktijk niet gevonden", "text/html"},
		{"/actieplan", 200, "De vijf krachtlijnen", "text/html"},
		{"/actie/digitalisering-3", 200, "Mogelijke initiatieven", "text/html"},
		{"/actie/innovatie-1", 200, "geen initiatieven", "text/html"},
		{"/actie/bestaat-niet", 404, "Actie niet gevonden", "text/html"},
		{"/uitdaging/digitalisering", 200, "4.2 Digitalisering", "text/html"},
		{"/uitdaging/bestaat-niet", 404, "Uitdaging niet gevonden", "text/html"},
		{"/bestaat/niet", 404, "Pagina niet gevonden", "text/html"},
		{"/praktijk/", 404, "Pagina niet gevonden", "text/html"},
		{"/static/style.00000000.css", 404, "Pagina niet gevonden", "text/html"},
		{"/suggesties?q=jong", 200, `"suggesties"`, "application/json"},
		// The server's own routes are not shadowed by the site.
		{"/healthz", 200, `"ok"`, "application/json"},
		{"/readyz", 200, `"klaar"`, "application/json"},
		{"/graphiql", 200, "GraphiQL", "text/html"},
		{"/graphql?query=%7B__typename%7D", 200, `"Query"`, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			r := get(t, e.handler, tt.path)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d; body:\n%.500s", r.status, tt.status, r.body)
			}
			if !strings.Contains(r.body, tt.want) {
				t.Errorf("body lacks %q:\n%.800s", tt.want, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type = %q, want %s", ct, tt.ctype)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	r := do(t, testEnv.handler, httptest.NewRequest(http.MethodPost, "/praktijk/x", strings.NewReader("a=b")))
	if r.status != http.StatusMethodNotAllowed || !strings.Contains(r.body, "niet versturen") {
		t.Fatalf("POST: status %d, body %.300s", r.status, r.body)
	}
	r = do(t, testEnv.handler, httptest.NewRequest(http.MethodHead, "/", nil))
	if r.status != 200 || r.body != "" {
		t.Fatalf("HEAD: status %d, %d bytes", r.status, len(r.body))
	}
}

func TestBadParameters(t *testing.T) {
	long := strings.Repeat("a", 501)
	tests := []struct{ query, want string }{
		{"regio=mars", "Onbekende regio: „mars”"},
		{"krachtlijn=HELDENMOED", "Onbekende krachtlijn"},
		{"uitdaging=vrede", "Onbekende uitdaging"},
		{"actie=digitalisering-99", "Onbekende actie"},
		{"van=abc", "geen geldig jaar"},
		{"tot=1200", "geen geldig jaar"},
		{"van=2024&tot=2020", "ligt na het jaar"},
		{"sort=willekeurig", "Onbekende sortering"},
		{"pagina=twee", "paginanummer bestaat niet"},
		{"pagina=0", "paginanummer bestaat niet"},
		{"pagina=51", "paginanummer bestaat niet"},
		{"q=" + long, "te lang"},
		{"q=%zz", "beschadigd"},
		{"q=a&q=b", "meer dan eens"},
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 30)], func(t *testing.T) {
			t.Parallel()
			r := get(t, testEnv.handler, "/?"+tt.query)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", r.status)
			}
			if !strings.Contains(r.body, html.EscapeString(tt.want)) && !strings.Contains(r.body, tt.want) {
				t.Errorf("body lacks %q:\n%s", tt.want, between(r.body, `role="alert"`, "</div>"))
			}
			if !strings.Contains(r.body, "Zoek zonder de ongeldige onderdelen") {
				t.Errorf("no way out of the bad search")
			}
		})
	}
	if r := get(t, testEnv.handler, "/actie/digitalisering-3?na=kapot"); r.status != 400 || !strings.Contains(r.body, "paginalink") {
		t.Errorf("action page with a bad cursor: status %d", r.status)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// checkbox is a facet checkbox as rendered.
type checkbox struct {
	name, value, label string
	checked            bool
}

func parse(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

func checkboxes(t *testing.T, body string) []checkbox {
	doc := parse(t, body)
	labels := map[string]string{}
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "label" {
			if f, ok := attr(n, "for"); ok {
				labels[f] = text(n)
			}
		}
	})
	var out []checkbox
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "input" {
			if typ, _ := attr(n, "type"); typ == "checkbox" {
				name, _ := attr(n, "name")
				value, _ := attr(n, "value")
				id, _ := attr(n, "id")
				_, on := attr(n, "checked")
				out = append(out, checkbox{name, value, labels[id], on})
			}
		}
	})
	return out
}

func TestFacetStateFromURL(t *testing.T) {
	r := get(t, testEnv.handler, "/?krachtlijn=NABIJHEID&regio=limburg&regio=brussel")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	boxes := checkboxes(t, r.body)
	find := func(name, value string) (checkbox, bool) {
		for _, c := range boxes {
			if c.name == name && c.value == value {
				return c, true
			}
		}
		return checkbox{}, false
	}
	for _, want := range []struct {
		name, value, label string
		checked            bool
	}{
		{"regio", "limburg", "Limburg", true},
		{"regio", "brussel", "Brussel", true},
		// Disjunctive: the other regions still show, unchecked, with their counts.
		{"regio", "antwerpen", "Antwerpen", false},
		{"krachtlijn", "NABIJHEID", "Nabijheid", true},
	} {
		c, ok := find(want.name, want.value)
		if !ok {
			t.Errorf("no checkbox %s=%s", want.name, want.value)
			continue
		}
		if c.checked != want.checked {
			t.Errorf("%s=%s checked = %v, want %v", want.name, want.value, c.checked, want.checked)
		}
		if !regexp.MustCompile(`^` + regexp.QuoteMeta(want.label) + ` \(\d+\)$`).MatchString(c.label) {
			t.Errorf("%s=%s label = %q, want %q with a count", want.name, want.value, c.label, want.label)
		}
	}
	checked := 0
	for _, c := range boxes {
		if c.checked {
			checked++
		}
	}
	if checked != 3 {
		t.Errorf("%d boxes checked, want 3", checked)
	}
	for _, name := range []string{"krachtlijn", "uitdaging", "actie", "regio", "doelgroep", "setting"} {
		if !slices.ContainsFunc(boxes, func(c checkbox) bool { return c.name == name }) {
			t.Errorf("no facet group %s", name)
		}
	}
	// Each active filter has a link that drops it.
	if !strings.Contains(r.body, `href="/?krachtlijn=NABIJHEID&amp;regio=brussel"`) {
		t.Errorf("no link dropping regio=limburg")
	}
	// The years appear in the van/tot selects.
	r = get(t, testEnv.handler, "/?tot=2023&van=2021")
	if r.status != 200 || !strings.Contains(r.body, `<option value="2021" selected>`) || !strings.Contains(r.body, `<option value="2023" selected>`) {
		t.Errorf("year selection not kept (status %d)", r.status)
	}
}

func TestEscaping(t *testing.T) {
	for _, path := range []string{
		"/praktijk/" + testEnv.xssID,
		"/?q=alert",
		"/?q=opmaak",
		"/?sort=titel",
		"/actie/digitalisering-3",
		"/?q=" + url.QueryEscape(`"><script>alert(3)</script>`),
		"/?doelgroep=" + url.QueryEscape("<i>jongeren</i>"),
	} {
		r := get(t, testEnv.handler, path)
		if r.status != 200 {
			t.Errorf("%s: status %d", path, r.status)
			continue
		}
		for _, bad := range []string{"<script>alert", "<b>opmaak", "<img src=x", "<i>jongeren", "<u>Vertrouwen", `"><script>`} {
			if strings.Contains(r.body, bad) {
				t.Errorf("%s: unescaped %q in the page", path, bad)
			}
		}
	}
	r := get(t, testEnv.handler, "/praktijk/"+testEnv.xssID)
	if !strings.Contains(r.body, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>") {
		t.Errorf("escaped title missing")
	}
	r = get(t, testEnv.handler, "/?q=alert")
	if !strings.Contains(r.body, "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;") {
		t.Errorf("escaped, highlighted title missing in the result:\n%s", between(r.body, `class="result-list"`, "</ol>"))
	}
}

func TestPracticePage(t *testing.T) {
	r := get(t, testEnv.handler, "/praktijk/"+testEnv.xssID)
	for _, want := range []string{
		`<a href="mailto:info@example.org">info@example.org</a>`,
		`href="/actie/digitalisering-3"`,
		`href="/uitdaging/digitalisering"`,
		"Versie 2",
		"<td>2</td>", "samenvatting", "eerste versie",
		"2021–2023",
		"Succesfactoren",
		"Testorganisatie",
		`href="https://example.org/praktijk?a=1&amp;b=%3c2%3e"`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("practice page lacks %q", want)
		}
	}
	if strings.Contains(r.body, "Voorbeeld.") {
		t.Errorf("a real practice shows the demo notice")
	}
	r = get(t, testEnv.handler, "/praktijk/"+testEnv.withdrawnID)
	for _, want := range []string{"Deze praktijk is ingetrokken", "Het project is gestopt in 2023.", "ingetrokken</td>"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("withdrawn practice page lacks %q", want)
		}
	}
	r = get(t, testEnv.handler, "/praktijk/"+testEnv.demoID)
	for _, want := range []string{"<strong>Voorbeeld.</strong>", `href="/actie/` + testEnv.demoAction + `"`, "Gelijkaardige praktijken"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("demo practice page lacks %q", want)
		}
	}
}

func TestPaging(t *testing.T) {
	h := web.New(testEnv.bank, web.WithPageSize(4))
	hrefRE := regexp.MustCompile(`<h3><a href="/praktijk/([^"]+)">`)
	nextRE := regexp.MustCompile(`href="([^"]+)" rel="next"`)
	for _, start := range []string{"/", "/?sort=titel", "/actie/" + testEnv.demoAction} {
		seen := map[string]bool{}
		target, pages := start, 0
		for target != "" {
			r := get(t, h, target)
			if r.status != 200 {
				t.Fatalf("%s: status %d", target, r.status)
			}
			pages++
			for _, m := range hrefRE.FindAllStringSubmatch(r.body, -1) {
				if seen[m[1]] {
					t.Errorf("%s: %s twice", start, m[1])
				}
				seen[m[1]] = true
			}
			target = ""
			if m := nextRE.FindStringSubmatch(r.body); m != nil {
				target = html.UnescapeString(m[1])
				if pages > 1 && !strings.Contains(r.body, "Eerste pagina") && !strings.Contains(r.body, `<span class="visually-hidden">Pagina </span>1</a>`) {
					t.Errorf("no link to the first page on page %d", pages)
				}
			}
			if pages > 20 {
				t.Fatal("paging does not end")
			}
		}
		if start == "/" && len(seen) != testEnv.live {
			t.Errorf("%s: %d practices over %d pages, want %d", start, len(seen), pages, testEnv.live)
		}
		if seen[testEnv.withdrawnID] {
			t.Errorf("the withdrawn practice is listed")
		}
	}
}

func TestNoResults(t *testing.T) {
	r := get(t, testEnv.handler, "/?krachtlijn=POLITISEREND&q=jongren&regio=antwerpen")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	if !strings.Contains(r.body, "Geen resultaten") {
		t.Fatalf("no 'Geen resultaten':\n%s", between(r.body, `class="results"`, "</section>"))
	}
	for _, want := range []string{
		`Zoek zonder de filter „Regio: Antwerpen”`,
		`href="/?krachtlijn=POLITISEREND&amp;q=jongren"`, // drops the region
		`href="/?q=jongren&amp;regio=antwerpen"`,         // drops the krachtlijn
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("no-results help lacks %q", want)
		}
	}
	if strings.Contains(r.body, "Bedoelde je") && !strings.Contains(r.body, `q=jongeren`) {
		t.Errorf("did-you-mean without a link")
	}
	r = get(t, testEnv.handler, "/?q=jongren")
	if !strings.Contains(r.body, "Bedoelde je") {
		t.Logf("no did-you-mean for 'jongren' (the index found matches by itself)")
	}
}

func TestSizeBudget(t *testing.T) {
	r := get(t, testEnv.handler, "/")
	total := len(r.body)
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(r.body, -1) {
		a := get(t, testEnv.handler, m[1])
		if a.status != 200 {
			t.Fatalf("%s: status %d", m[1], a.status)
		}
		if cc := a.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", m[1], cc)
		}
		req := httptest.NewRequest(http.MethodGet, m[1], nil)
		req.Header.Set("If-None-Match", a.header.Get("ETag"))
		if nm := do(t, testEnv.handler, req); nm.status != http.StatusNotModified {
			t.Errorf("%s with its ETag: status %d, want 304", m[1], nm.status)
		}
		t.Logf("%s: %d bytes", m[1], len(a.body))
		total += len(a.body)
	}
	t.Logf("first page: HTML %d bytes, with CSS and JS %d bytes", len(r.body), total)
	if total > 100*1024 {
		t.Errorf("first page weighs %d bytes, budget 100 KB", total)
	}
}

func TestSecurityHeaders(t *testing.T) {
	for _, path := range []string{"/", "/praktijk/" + testEnv.demoID, "/bestaat-niet", "/?regio=mars"} {
		r := get(t, testEnv.handler, path)
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, r.header)
		}
		if regexp.MustCompile(`<script [^>]*>[^<]|\son[a-z]+=`).MatchString(r.body) {
			t.Errorf("%s: event handler or script with attributes and content in the page", path)
		}
		// The one inline script (the filter panel's fold) is allowed by its hash.
		for _, m := range regexp.MustCompile(`<script>([^<]*)</script>`).FindAllStringSubmatch(r.body, -1) {
			sum := sha256.Sum256([]byte(m[1]))
			if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, h) {
				t.Errorf("%s: inline script %q is not allowed by the CSP %q", path, m[1], csp)
			}
		}
	}
}

// TestMarkup checks every page for the basics of accessible HTML.
func TestMarkup(t *testing.T) {
	for _, path := range []string{"/", "/?q=jongeren&regio=limburg", "/?q=zzzzqqqq", "/?regio=mars",
		"/praktijk/" + testEnv.xssID, "/praktijk/" + testEnv.demoID, "/actieplan", "/actie/digitalisering-3",
		"/uitdaging/digitalisering", "/bestaat-niet"} {
		r := get(t, testEnv.handler, path)
		doc := parse(t, r.body)
		var h1, main int
		var langOK, skip bool
		labels := map[string]bool{}
		var fields []string
		levels := []int{}
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			switch n.Data {
			case "html":
				lang, _ := attr(n, "lang")
				langOK = lang == "nl"
			case "h1", "h2", "h3", "h4":
				levels = append(levels, int(n.Data[1]-'0'))
				if n.Data == "h1" {
					h1++
				}
			case "main":
				main++
			case "a":
				if href, _ := attr(n, "href"); href == "#inhoud" {
					skip = true
				}
			case "label":
				if f, ok := attr(n, "for"); ok {
					labels[f] = true
				}
			case "input", "select", "textarea":
				typ, _ := attr(n, "type")
				if typ != "submit" && typ != "hidden" {
					id, _ := attr(n, "id")
					fields = append(fields, id)
				}
			}
		})
		if !langOK || h1 != 1 || main != 1 || !skip {
			t.Errorf("%s: lang nl %v, h1 %d, main %d, skip link %v", path, langOK, h1, main, skip)
		}
		for _, id := range fields {
			if id == "" || !labels[id] {
				t.Errorf("%s: field %q without a label", path, id)
			}
		}
		for i := 1; i < len(levels); i++ {
			if levels[i] > levels[i-1]+1 {
				t.Errorf("%s: heading h%d follows h%d", path, levels[i], levels[i-1])
			}
		}
	}
}

func TestSuggestions(t *testing.T) {
	r := get(t, testEnv.handler, "/suggesties?q=jong")
	var out struct{ Suggesties []string }
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || r.status != 200 {
		t.Fatalf("status %d, %v: %s", r.status, err, r.body)
	}
	if len(out.Suggesties) == 0 {
		t.Errorf("no suggestions for 'jong'")
	}
	if r := get(t, testEnv.handler, "/suggesties?q="+strings.Repeat("x", 200)); r.status != 400 {
		t.Errorf("long prefix: status %d", r.status)
	}
	if r := get(t, testEnv.handler, "/suggesties"); r.status != 200 || !strings.Contains(r.body, `"suggesties":[]`) {
		t.Errorf("empty prefix: %d %s", r.status, r.body)
	}
}
