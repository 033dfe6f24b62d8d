// Package web is the web site of Praktijkenbank: for practitioners, searching
// practices with facets, reading a practice, and browsing the action plan;
// for regional platforms, /indienen (indienen.go), where a platform signs in
// with its token (session.go), downloads the XLSX template, uploads a filled
// one for a preview of every problem, submits it (the previewed file waits
// server-side, pending.go), and manages its practices and own actions. All in
// Dutch, as server-rendered HTML that works without JavaScript.
// For researchers, /onderzoek (research.go): the factor groups with their
// phrasings, the coverage heat map and the regional reports, each with
// exports of the same selection. Templates, one
// stylesheet and one small progressive-enhancement script are embedded, so the
// site needs no build step and no outside resources; the assets' URLs carry
// their content hash and are cached for a year.
//
// Every page's state lives in its URL, so a search can be bookmarked and
// shared. Query parameters are validated at the edge: a bad value gives a
// Dutch message with status 400, an unknown path a Dutch 404.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Option configures the web handler.
type Option func(*config)

type config struct {
	pageSize   int
	log        *slog.Logger
	auth       *auth.Service
	sessionKey []byte
	trustProxy bool
	maxUpload  int64
}

// WithAuth turns on /indienen, where regional platforms sign in with their
// token and submit; without it the site only reads.
func WithAuth(a *auth.Service) Option { return func(c *config) { c.auth = a } }

// WithSessionKey sets the key that signs the sessions of /indienen (at least
// 32 bytes). Replicas that share it share sessions; without one each process
// draws its own, and a restart signs every platform out.
func WithSessionKey(key []byte) Option {
	return func(c *config) {
		if len(key) >= 32 {
			c.sessionKey = key
		}
	}
}

// WithTLSProxy says that the server runs behind a proxy that ends TLS and
// sets X-Forwarded-Proto: the session cookie is then Secure for requests the
// proxy marks https.
func WithTLSProxy(trust bool) Option { return func(c *config) { c.trustProxy = trust } }

// WithUploadLimit bounds an uploaded inventory file (default and at most
// importer.DefaultMaxBytes, the largest file the readers accept).
func WithUploadLimit(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxUpload = n
		}
	}
}

// WithPageSize sets how many practices a result page shows (1..100; default 20).
func WithPageSize(n int) Option {
	return func(c *config) {
		if n >= 1 && n <= bank.MaxFirst {
			c.pageSize = n
		}
	}
}

// WithLogger sets the logger for unexpected errors (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.log = l
		}
	}
}

// handler serves the web site.
type handler struct {
	bank    *bank.Bank
	auth    *auth.Service
	sess    *sessions
	pending *pendingFiles
	cfg     config
	pages   map[string]*template.Template
	assets  map[string]asset  // by hashed name, e.g. "style.1a2b3c4d5e.css"
	urls    map[string]string // logical name ("style.css") -> "/static/style.<hash>.css"
	mux     *http.ServeMux
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

// foldScript runs inside the filter panel as the page is parsed: on a narrow
// screen it folds the panel before it is first painted (app.js, deferred,
// would fold it after, and the page would shift), and it marks the page as
// scripted early for the same reason.
const foldScript = `document.documentElement.classList.add("js");if(matchMedia("(max-width: 50rem)").matches)document.currentScript.parentNode.open=false;`

// contentSecurityPolicy allows only the site's own styles and script, and
// the one inline script foldScript by its hash: no other inline script, no
// outside resources.
var contentSecurityPolicy = "default-src 'none'; script-src 'self' '" + scriptHash(foldScript) + "'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// scriptHash is the CSP source of an inline script: 'sha256-…' without quotes.
func scriptHash(js string) string {
	sum := sha256.Sum256([]byte(js))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// New returns the web site's handler. Mount it at "/": it answers its own
// paths and a Dutch 404 for every other one, so more specific routes of the
// server (GraphQL, health, metrics, exports) keep precedence.
func New(b *bank.Bank, opts ...Option) http.Handler {
	h := &handler{bank: b, cfg: config{pageSize: bank.DefaultFirst, log: slog.New(slog.DiscardHandler), maxUpload: 64 << 20}}
	for _, o := range opts {
		o(&h.cfg)
	}
	// A file larger than the readers accept is refused before it is read.
	h.cfg.maxUpload = min(h.cfg.maxUpload, importer.DefaultMaxBytes)
	h.auth = h.cfg.auth
	h.sess = newSessions(h.cfg.sessionKey, h.cfg.trustProxy)
	// At most 16 previews wait for "Indienen", holding at most four
	// uploads' worth of bytes.
	h.pending = newPendingFiles(16, 4*h.cfg.maxUpload, pendingTTL)
	h.loadAssets()
	h.loadTemplates()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.search)
	mux.HandleFunc("GET /zoeken", h.search)
	mux.HandleFunc("GET /praktijk/{id}", h.practice)
	mux.HandleFunc("GET /actieplan", h.actionPlan)
	mux.HandleFunc("GET /actie/{id}", h.action)
	mux.HandleFunc("GET /uitdaging/{id}", h.challenge)
	mux.HandleFunc("GET /onderzoek", h.research)
	mux.HandleFunc("GET /onderzoek/dekking", h.coverage)
	mux.HandleFunc("GET /rapport/{region}", h.reportYear)
	mux.HandleFunc("GET /rapport/{region}/{year}", h.report)
	mux.HandleFunc("GET /suggesties", h.suggestions)
	mux.HandleFunc("GET /favicon.ico", h.favicon)
	mux.HandleFunc("GET /static/{name}", h.static)
	if h.auth != nil {
		h.mountIndienen(mux)
	}
	mux.HandleFunc("/", h.notFound)
	h.mux = mux
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	hd.Set("X-Frame-Options", "DENY")
	h.mux.ServeHTTP(w, r)
}

func (h *handler) loadAssets() {
	h.assets = map[string]asset{}
	h.urls = map[string]string{}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic("web: embedded static files: " + err.Error())
	}
	for _, e := range entries {
		name := e.Name()
		body, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			panic("web: embedded static files: " + err.Error())
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:5])
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hash + ext
		h.assets[hashed] = asset{body: body, contentType: types[ext], etag: `"` + hash + `"`}
		h.urls[name] = "/static/" + hashed
	}
}

// static serves an embedded asset by its hashed name; the name changes with
// the content, so it may be cached for a year.
func (h *handler) static(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets[r.PathValue("name")]
	if !ok {
		h.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", a.etag)
	// The tag names the content's hash; a compressed copy's tag carries a
	// suffix ("-gzip"), and either is this content.
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, strings.TrimSuffix(a.etag, `"`)) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// favicon answers browsers that ask for /favicon.ico with the site's icon.
func (h *handler) favicon(w http.ResponseWriter, r *http.Request) {
	a := h.assets[strings.TrimPrefix(h.urls["favicon.svg"], "/static/")]
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

func (h *handler) loadTemplates() {
	funcs := template.FuncMap{
		"static": func(name string) string { return h.urls[name] },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"date":       func(t time.Time) string { return dutchDate(t) },
		"foldScript": func() template.JS { return template.JS(foldScript) },
		"paras":      paragraphs,
		"lower":      strings.ToLower,
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	h.pages = map[string]*template.Template{}
	for _, n := range names {
		name := path.Base(n)
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
		h.pages[strings.TrimSuffix(name, ".html")] = t
	}
}

// page is what the layout needs of every page.
type page struct {
	Title   string // the <title> before " – Praktijkenbank"
	Nav     string // the active menu item: "zoeken", "actieplan", "onderzoek" or "indienen"
	Query   string // the search box in the header
	Status  int
	Content any // the page's own data
}

// render writes a page with the given status. Templates run into a buffer
// first, so a template error becomes a clean 500 rather than half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, name string, p page) {
	t, ok := h.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	if p.Status == 0 {
		p.Status = http.StatusOK
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		h.cfg.log.ErrorContext(r.Context(), "web: rendering a page failed", "page", name, "err", err)
		http.Error(w, "Er ging iets mis bij het tonen van deze pagina.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.Nav == "indienen" { // a platform's own pages: never kept by a browser or proxy
		w.Header().Set("Cache-Control", "private, no-store")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// messagePage is a page with only a heading and a message: 404, 400, 500.
type messagePage struct {
	Heading, Message string
	Links            []link
}

type link struct{ Href, Text string }

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.render(w, r, "message", page{Title: "Niet toegelaten", Status: http.StatusMethodNotAllowed, Content: messagePage{
			Heading: "Deze handeling kan hier niet",
			Message: "Deze pagina kun je alleen bekijken, niet versturen.",
			Links:   []link{{"/", "Naar de zoekpagina"}},
		}})
		return
	}
	h.render(w, r, "message", page{Title: "Pagina niet gevonden", Status: http.StatusNotFound, Content: messagePage{
		Heading: "Pagina niet gevonden",
		Message: "Deze pagina bestaat niet (meer). Misschien is de link verouderd of zit er een tikfout in het adres.",
		Links:   []link{{"/", "Zoek een praktijk"}, {"/actieplan", "Bekijk het actieplan"}},
	}})
}

func (h *handler) notFoundWith(w http.ResponseWriter, r *http.Request, heading, msg string) {
	h.render(w, r, "message", page{Title: heading, Status: http.StatusNotFound, Content: messagePage{
		Heading: heading, Message: msg,
		Links: []link{{"/", "Zoek een praktijk"}, {"/actieplan", "Bekijk het actieplan"}},
	}})
}

// serverError logs an unexpected error and shows a Dutch 500 page without details.
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	h.cfg.log.ErrorContext(r.Context(), "web: request failed", "path", r.URL.Path, "err", err)
	h.render(w, r, "message", page{Title: "Er ging iets mis", Status: http.StatusInternalServerError, Content: messagePage{
		Heading: "Er ging iets mis",
		Message: "Deze pagina kon nu niet getoond worden. Probeer het over enkele ogenblikken opnieuw.",
		Links:   []link{{"/", "Naar de zoekpagina"}},
	}})
}

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// brussels is the time zone of the dates shown; nil (UTC) when the system
// has no time zone data.
var brussels = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		return nil
	}
	return loc
})

// dutchDate formats a date as "3 maart 2024" (in Brussels time).
func dutchDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if loc := brussels(); loc != nil {
		t = t.In(loc)
	}
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonths[t.Month()-1], t.Year())
}

// paragraphs splits a text on blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
