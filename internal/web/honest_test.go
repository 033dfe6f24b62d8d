package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/web"
)

// TestHonestSearch: the search page says what a search did: partial
// results and the strict search, exclusions, filters named by query
// words, the range shown, and each result's summary with the other
// matched passages under it.
func TestHonestSearch(t *testing.T) {
	t.Run("partial, with the strict search offered", func(t *testing.T) {
		r := get(t, testEnv.handler, "/?q=jongeren+Limburg")
		if r.status != 200 || !strings.Contains(r.body, "Weinig of geen praktijken bevatten al je zoekwoorden") {
			t.Fatalf("status %d, no partial notice", r.status)
		}
		strict := regexp.MustCompile(`href="([^"]+)">Toon alleen praktijken met alle woorden`).FindStringSubmatch(r.body)
		if strict == nil || html.UnescapeString(strict[1]) != "/?alle=1&q=jongeren+Limburg" {
			t.Fatalf("strict link %v", strict)
		}
		s := get(t, testEnv.handler, html.UnescapeString(strict[1]))
		if s.status != 200 || strings.Contains(s.body, "Weinig of geen praktijken") || !strings.Contains(s.body, "Toon ook praktijken met enkele ervan") {
			t.Errorf("strict page: status %d", s.status)
		}
		if n, m := results(r.body), results(s.body); m >= n {
			t.Errorf("strict %d results, partial %d", m, n)
		}
	})
	t.Run("a word that names a region is offered as the filter", func(t *testing.T) {
		r := get(t, testEnv.handler, "/?q=jongeren+Limburg")
		if !strings.Contains(r.body, `<a href="/?q=jongeren&amp;regio=limburg">Zoek zonder „Limburg” in regio Limburg</a>`) {
			t.Errorf("no region offer:\n%s", between(r.body, `class="offers"`, "</div>"))
		}
	})
	t.Run("exclusion said and done", func(t *testing.T) {
		all := get(t, testEnv.handler, "/?q=armoede")
		r := get(t, testEnv.handler, "/?q=armoede+-energie")
		if !strings.Contains(r.body, "Gezocht naar praktijken met <strong>armoede</strong>, zonder <strong>energie</strong>.") {
			t.Errorf("the page does not say what it excluded")
		}
		if results(r.body) >= results(all.body) || strings.Contains(strings.ToLower(between(r.body, `class="results"`, "</section>")), "energiecoach") {
			t.Errorf("energie not excluded: %d of %d", results(r.body), results(all.body))
		}
	})
	t.Run("summary first, other matched passages under it", func(t *testing.T) {
		r := get(t, testEnv.handler, "/?q=armoede")
		items := regexp.MustCompile(`(?s)<li class="result">.*?</li>\s*</ul>|<li class="result">.*?</article>`).FindAllString(r.body, -1)
		withContext := 0
		for _, it := range items {
			if strings.Contains(it, `<ul class="context">`) {
				withContext++
				if !strings.Contains(it, `<span class="field">`) || !strings.Contains(between(it, `<ul class="context">`, "</ul>"), "<mark>") {
					t.Errorf("context without field or mark: %s", it)
				}
			}
		}
		if withContext == 0 {
			t.Errorf("no result shows matched passages of other fields")
		}
	})
	t.Run("numbered pages and the range", func(t *testing.T) {
		h := web.New(testEnv.bank, web.WithPageSize(3))
		r := get(t, h, "/?pagina=2&sort=titel")
		if !regexp.MustCompile(`Praktijk 4–6 van \d+`).MatchString(r.body) || !strings.Contains(r.body, `aria-current="page"><span class="visually-hidden">Pagina </span>2</a>`) {
			t.Errorf("page 2: no range or current page:\n%s", between(r.body, `class="results"`, "</ol>"))
		}
	})
	t.Run("clean URLs", func(t *testing.T) {
		r := get(t, testEnv.handler, "/?q=jongeren&van=&tot=&sort=relevantie&regio=limburg")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/?q=jongeren&regio=limburg" {
			t.Errorf("status %d, Location %q", r.status, r.header.Get("Location"))
		}
		r = get(t, testEnv.handler, "/zoeken?sort=relevantie")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/zoeken" {
			t.Errorf("status %d, Location %q", r.status, r.header.Get("Location"))
		}
	})
}

func results(body string) int { return strings.Count(body, `<li class="result">`) }
