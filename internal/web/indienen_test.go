package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// platformEnv is a server of its own (the tests write), a platform token of
// Limburg, and everything the server logs.
type platformEnv struct {
	*env
	url, token string
	logs       *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newPlatformEnv(t *testing.T, mutate ...func(*server.Options)) platformEnv {
	t.Helper()
	e, cleanup, err := newEnv(t.TempDir())
	if err != nil {
		cleanup()
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	token, _, err := e.auth.CreatePlatformToken(context.Background(), auth.Admin, "limburg", "Platform Limburg")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	opts := server.Defaults()
	for _, m := range mutate {
		m(&opts)
	}
	h := server.New(server.Deps{Bank: e.bank, Auth: e.auth, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, opts)
	e.handler = h
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return platformEnv{env: e, url: srv.URL, token: token, logs: logs}
}

// visitor is a browser without JavaScript: a cookie jar that follows redirects.
type visitor struct {
	t    *testing.T
	c    *http.Client
	base string
	urls []string // every URL requested, redirects included
}

func newVisitor(t *testing.T, base string) *visitor {
	jar, _ := cookiejar.New(nil)
	v := &visitor{t: t, base: base}
	v.c = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		v.urls = append(v.urls, req.URL.String())
		return nil
	}}
	return v
}

type answer struct {
	status int
	body   string
	header http.Header
}

func (v *visitor) do(req *http.Request) answer {
	v.t.Helper()
	v.urls = append(v.urls, req.URL.String())
	resp, err := v.c.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), resp.Header}
}

func (v *visitor) get(path string) answer {
	v.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, v.base+path, nil)
	return v.do(req)
}

func (v *visitor) post(path string, form url.Values) answer {
	v.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, v.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

func (v *visitor) upload(csrf, title, name string, file []byte) answer {
	v.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	mw.WriteField("titel", title)
	fw, _ := mw.CreateFormFile("bestand", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, v.base+"/indienen/controleren", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return v.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the page:\n%s", body)
	}
	return m[1]
}

func (v *visitor) signIn(token string) answer {
	v.t.Helper()
	a := v.get("/indienen")
	return v.post("/indienen/aanmelden", url.Values{"csrf": {csrfOf(v.t, a.body)}, "token": {token}})
}

func TestIndienenSignIn(t *testing.T) {
	e := newPlatformEnv(t)
	v := newVisitor(t, e.url)

	login := v.get("/indienen")
	if login.status != 200 || !strings.Contains(login.body, `<label for="token">`) || !strings.Contains(login.body, `type="password"`) {
		t.Fatalf("sign-in page: %d\n%s", login.status, login.body)
	}
	if cc := login.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("sign-in page Cache-Control %q", cc)
	}
	csrf := csrfOf(t, login.body)
	for _, tt := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"no CSRF token", url.Values{"token": {e.token}}, 403, "formulier was verlopen"},
		{"wrong CSRF token", url.Values{"csrf": {"00" + csrf[2:]}, "token": {e.token}}, 403, "formulier was verlopen"},
		{"empty token", url.Values{"csrf": {csrf}, "token": {" "}}, 400, "Vul het token"},
		{"unknown token", url.Values{"csrf": {csrf}, "token": {"pkb_unknown-token-value"}}, 401, "Dit token kennen we niet"},
		{"admin token", url.Values{"csrf": {csrf}, "token": {"test-admin-token-0123456789"}}, 403, "niet met het beheerderstoken"},
	} {
		a := v.post("/indienen/aanmelden", tt.form)
		if a.status != tt.status || !strings.Contains(a.body, tt.want) {
			t.Errorf("%s: %d, want %d with %q", tt.name, a.status, tt.status, tt.want)
		}
	}

	// Sign in without following the redirect, to read the cookie.
	noRedirect := &http.Client{Jar: v.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(e.url+"/indienen/aanmelden", url.Values{"csrf": {csrf}, "token": {e.token}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/indienen" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "pkb_sessie" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/indienen" || session.Secure || session.MaxAge <= 0 {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, Path=/indienen, not Secure over plain HTTP", session)
	}
	if strings.Contains(session.Value, e.token) || strings.Contains(session.Value, strings.TrimPrefix(e.token, "pkb_")) {
		t.Errorf("the session cookie holds the token")
	}

	page := v.get("/indienen")
	if page.status != 200 || !strings.Contains(page.body, "Indienen voor Limburg") || !strings.Contains(page.body, "Platform Limburg") {
		t.Fatalf("platform page: %d", page.status)
	}
	// The navigation of every page links /indienen.
	for _, path := range []string{"/", "/actieplan", "/indienen"} {
		if a := v.get(path); !strings.Contains(a.body, `<a href="/indienen"`) {
			t.Errorf("%s: no link to /indienen in the navigation", path)
		}
	}

	// Behind a TLS proxy the cookie is Secure.
	e2 := newPlatformEnv(t, func(o *server.Options) { o.TLSProxy = true })
	v2 := newVisitor(t, e2.url)
	req, _ := http.NewRequest(http.MethodGet, e2.url+"/indienen", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	pre := v2.do(req)
	req, _ = http.NewRequest(http.MethodPost, e2.url+"/indienen/aanmelden", strings.NewReader(url.Values{"csrf": {csrfOf(t, pre.body)}, "token": {e2.token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = (&http.Client{Jar: v2.c.Jar, CheckRedirect: noRedirect.CheckRedirect}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	secure := false
	for _, c := range resp.Cookies() {
		if c.Name == "pkb_sessie" {
			secure = c.Secure
		}
	}
	if resp.StatusCode != http.StatusSeeOther || !secure {
		t.Errorf("behind a TLS proxy: %d, Secure %v", resp.StatusCode, secure)
	}

	// Sign out: the page asks to sign in again, and a copy of the old cookie
	// no longer works.
	old := v.c.Jar.Cookies(mustURL(t, e.url+"/indienen"))
	out := v.post("/indienen/afmelden", url.Values{"csrf": {csrfOf(t, page.body)}})
	if out.status != 200 || !strings.Contains(out.body, "Je bent afgemeld") {
		t.Errorf("after signing out: %d", out.status)
	}
	replay := newVisitor(t, e.url)
	replay.c.Jar.SetCookies(mustURL(t, e.url+"/indienen"), old)
	if a := replay.get("/indienen"); !strings.Contains(a.body, `<label for="token">`) {
		t.Errorf("a signed-out session's cookie still opens the platform page")
	}

	// The token is never in a URL or a log line.
	for _, u := range append(v.urls, v2.urls...) {
		if strings.Contains(u, e.token) || strings.Contains(u, e2.token) {
			t.Errorf("the token is in a URL: %s", u)
		}
	}
	if logs := e.logs.String() + e2.logs.String(); strings.Contains(logs, e.token) || strings.Contains(logs, e2.token) {
		t.Errorf("the token is in the log:\n%s", logs)
	} else if !strings.Contains(logs, "platform signed in") {
		t.Errorf("the sign-in is not logged:\n%s", logs)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestIndienenRevokedTokenEndsTheSession: revoking the token signs its
// sessions out at the next request.
func TestIndienenRevokedTokenEndsTheSession(t *testing.T) {
	e := newPlatformEnv(t)
	v := newVisitor(t, e.url)
	if a := v.signIn(e.token); !strings.Contains(a.body, "Indienen voor Limburg") {
		t.Fatalf("sign-in failed: %d", a.status)
	}
	toks, err := e.auth.Tokens(context.Background(), auth.Admin)
	if err != nil || len(toks) != 1 {
		t.Fatal(toks, err)
	}
	if _, err := e.auth.Revoke(context.Background(), auth.Admin, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	if a := v.get("/indienen"); !strings.Contains(a.body, `<label for="token">`) {
		t.Errorf("the platform page still opens with a revoked token")
	}
}

const badCSV = "ref;titel;samenvatting;krachtlijnen;acties;startjaar\n" +
	"lim-1;Buurtwerk in Genk;Samen met bewoners;Nabijheid;4.2 Actie 1;2021\n" +
	"lim-2;X;;Onbekend;9.9 Actie 9;19\n" +
	"lim-1;Dubbel;Iets;Verbindend werken;;\n"

const goodCSV = "ref;titel;samenvatting;krachtlijnen;acties;startjaar\n" +
	"lim-1;Buurtwerk in Genk;Samen met bewoners;Nabijheid;4.2 Actie 1;2021\n" +
	"lim-2;Taalcafé in Hasselt;Nederlands oefenen bij een koffie;Verbindend werken;;2022\n"

// TestIndienenUploadPreviewSubmit uploads a CSV with problems, sees each by
// row and column with a fix, uploads it fixed, previews, submits once (the
// file is not sent again) and sees the outcome with links.
func TestIndienenUploadPreviewSubmit(t *testing.T) {
	e := newPlatformEnv(t)
	v := newVisitor(t, e.url)
	page := v.signIn(e.token)
	csrf := csrfOf(t, page.body)

	if a := v.upload("wrong", "Inventaris", "inventaris.csv", []byte(goodCSV)); a.status != 403 {
		t.Errorf("upload with a wrong CSRF token: %d", a.status)
	}
	if a := v.upload(csrf, "Inventaris", "inventaris.pdf", []byte("%PDF")); a.status != 415 || !strings.Contains(a.body, "XLSX") {
		t.Errorf("a PDF: %d", a.status)
	}

	bad := v.upload(csrf, "Inventaris 2024", "inventaris.csv", []byte(badCSV))
	if bad.status != 200 {
		t.Fatalf("upload with problems: %d", bad.status)
	}
	for _, want := range []string{
		"rij 3, kolom titel", "rij 3, kolom samenvatting", "rij 3, kolom krachtlijnen", "rij 3, kolom acties",
		"rij 3, kolom startjaar", "rij 4, kolom ref",
		"Vul deze cel in", "Geef elke praktijk een eigen ref", "Gebruik een jaartal tussen 1970 en 2100",
		"Er werd niets bewaard",
	} {
		if !strings.Contains(bad.body, want) {
			t.Errorf("problem page lacks %q", want)
		}
	}
	if strings.Contains(bad.body, `action="/indienen/indienen"`) {
		t.Errorf("a file with problems can be submitted")
	}
	if _, found, _ := e.bank.PracticeByRef(context.Background(), "limburg", "lim-1"); found {
		t.Fatal("a refused upload wrote a practice")
	}

	preview := v.upload(csrf, "Inventaris 2024", "inventaris.csv", []byte(goodCSV))
	if preview.status != 200 || !strings.Contains(preview.body, "Klaar om in te dienen") || !strings.Contains(preview.body, "2 nieuwe praktijken") {
		t.Fatalf("preview: %d\n%s", preview.status, preview.body)
	}
	if _, found, _ := e.bank.PracticeByRef(context.Background(), "limburg", "lim-1"); found {
		t.Fatal("the preview wrote a practice")
	}
	id := regexp.MustCompile(`name="bestand" value="([^"]+)"`).FindStringSubmatch(preview.body)
	if id == nil {
		t.Fatal("no upload id on the preview")
	}
	// Another session cannot submit this session's file.
	other := newVisitor(t, e.url)
	op := other.signIn(e.token)
	if a := other.post("/indienen/indienen", url.Values{"csrf": {csrfOf(t, op.body)}, "bestand": {id[1]}}); a.status != http.StatusGone {
		t.Errorf("another session submitting the file: %d", a.status)
	}
	if a := v.post("/indienen/indienen", url.Values{"bestand": {id[1]}}); a.status != 403 {
		t.Errorf("submit without CSRF token: %d", a.status)
	}

	done := v.post("/indienen/indienen", url.Values{"csrf": {csrf}, "bestand": {id[1]}})
	if done.status != 200 || !strings.Contains(done.body, "Je inventaris is ingediend") {
		t.Fatalf("submit: %d\n%s", done.status, done.body)
	}
	p, found, err := e.bank.PracticeByRef(context.Background(), "limburg", "lim-1")
	if err != nil || !found || p.Title != "Buurtwerk in Genk" || len(p.Actions) != 1 || p.Actions[0] != "digitalisering-1" {
		t.Fatalf("submitted practice: %+v %v %v", p, found, err)
	}
	if !strings.Contains(done.body, `href="/praktijk/`+p.ID+`"`) || strings.Count(done.body, ">nieuw<") != 2 {
		t.Errorf("the outcome lacks the links or the two new practices")
	}
	// The file is gone after submitting: a second "Indienen" asks to upload again.
	if a := v.post("/indienen/indienen", url.Values{"csrf": {csrf}, "bestand": {id[1]}}); a.status != http.StatusGone || !strings.Contains(a.body, "Laad het bestand opnieuw op") {
		t.Errorf("second submit of the same preview: %d", a.status)
	}

	// Again with one change: one changed, one unchanged.
	changed := strings.Replace(goodCSV, "bij een koffie", "bij een koffie of thee", 1)
	again := v.upload(csrf, "Inventaris 2024", "inventaris.csv", []byte(changed))
	if !strings.Contains(again.body, "0 nieuwe praktijken, 1 gewijzigd, 1 ongewijzigd") {
		t.Errorf("resubmission preview lacks the counts:\n%s", again.body)
	}

	// The platform's page lists the inventory and the practices.
	page = v.get("/indienen")
	for _, want := range []string{"Inventaris 2024", "Buurtwerk in Genk", "Taalcafé in Hasselt", `href="/indienen/intrekken/` + p.ID + `"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("platform page lacks %q", want)
		}
	}
}

func TestIndienenUploadLimit(t *testing.T) {
	e := newPlatformEnv(t, func(o *server.Options) { o.MaxUploadBytes = 1 << 20 })
	v := newVisitor(t, e.url)
	csrf := csrfOf(t, v.signIn(e.token).body)
	big := bytes.Repeat([]byte("x"), 2<<20)
	if a := v.upload(csrf, "Groot", "groot.csv", big); a.status != http.StatusRequestEntityTooLarge || !strings.Contains(a.body, "groter dan 1 MB") {
		t.Errorf("a 2 MB upload with a 1 MB limit: %d", a.status)
	}
}

func TestIndienenTemplate(t *testing.T) {
	e := newPlatformEnv(t)
	v := newVisitor(t, e.url)
	if a := v.get("/indienen/sjabloon.xlsx"); a.status != 200 || !strings.Contains(a.body, `<label for="token">`) {
		t.Errorf("template without signing in: %d, want the sign-in form", a.status)
	}
	v.signIn(e.token)
	a := v.get("/indienen/sjabloon.xlsx")
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/vnd.openxmlformats") || !strings.Contains(a.header.Get("Content-Disposition"), "limburg") {
		t.Fatalf("template: %d %s %s", a.status, a.header.Get("Content-Type"), a.header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(strings.NewReader(a.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) == 0 || !strings.Contains(strings.Join(rows[0], ";"), "titel") {
		t.Errorf("template header: %v %v", rows, err)
	}
}

func TestIndienenWithdraw(t *testing.T) {
	e := newPlatformEnv(t)
	v := newVisitor(t, e.url)
	csrf := csrfOf(t, v.signIn(e.token).body)
	preview := v.upload(csrf, "Inventaris", "inventaris.csv", []byte(goodCSV))
	id := regexp.MustCompile(`name="bestand" value="([^"]+)"`).FindStringSubmatch(preview.body)
	v.post("/indienen/indienen", url.Values{"csrf": {csrf}, "bestand": {id[1]}})
	pid := practice.ID("limburg", "lim-2")

	form := v.get("/indienen/intrekken/" + pid)
	if form.status != 200 || !strings.Contains(form.body, `<label for="reden">`) || !strings.Contains(form.body, "Taalcafé in Hasselt") {
		t.Fatalf("withdraw form: %d", form.status)
	}
	if a := v.post("/indienen/intrekken/"+pid, url.Values{"csrf": {csrf}, "reden": {" "}}); a.status != 400 || !strings.Contains(a.body, "Geef een reden op") {
		t.Errorf("withdraw without a reason: %d", a.status)
	}
	if a := v.post("/indienen/intrekken/"+pid, url.Values{"reden": {"Gestopt"}}); a.status != 403 {
		t.Errorf("withdraw without CSRF token: %d", a.status)
	}
	// Another region's practice is not this platform's to withdraw.
	if a := v.get("/indienen/intrekken/" + e.xssID); a.status != 404 {
		t.Errorf("withdraw form of an Oost-Vlaanderen practice: %d", a.status)
	}
	if a := v.post("/indienen/intrekken/"+e.xssID, url.Values{"csrf": {csrf}, "reden": {"x"}}); a.status != 404 {
		t.Errorf("withdrawing an Oost-Vlaanderen practice: %d", a.status)
	}
	done := v.post("/indienen/intrekken/"+pid, url.Values{"csrf": {csrf}, "reden": {"Het taalcafé is gestopt in 2024."}})
	if done.status != 200 || !strings.Contains(done.body, "De praktijk is ingetrokken") {
		t.Fatalf("withdraw: %d", done.status)
	}
	p, _, _ := e.bank.Practice(context.Background(), pid)
	if p.Live() || p.Withdrawn.Reason != "Het taalcafé is gestopt in 2024." || p.Withdrawn.By != "Platform Limburg" {
		t.Errorf("withdrawn practice: %+v", p.Withdrawn)
	}
	if a := v.get("/indienen/intrekken/" + pid); a.status != 409 {
		t.Errorf("withdraw form of a withdrawn practice: %d", a.status)
	}
}

func TestIndienenRegionalActions(t *testing.T) {
	e := newPlatformEnv(t)
	v := newVisitor(t, e.url)
	csrf := csrfOf(t, v.signIn(e.token).body)
	add := url.Values{"csrf": {csrf}, "titel": {"Buurtpensioen in Limburg"}, "naam": {"buurtpensioen"}, "uitdaging": {"vermaatschappelijking"}, "beschrijving": {"Buren helpen elkaar."}}

	for _, tt := range []struct {
		name string
		set  func(url.Values)
		want string
	}{
		{"bad name", func(f url.Values) { f.Set("naam", "Buurt Pensioen!") }, "korte naam van kleine letters"},
		{"no challenge", func(f url.Values) { f.Set("uitdaging", "") }, "Kies de uitdaging"},
		{"short title", func(f url.Values) { f.Set("titel", "X") }, "titel van 3 tot"},
	} {
		f := url.Values{}
		for k, vs := range add {
			f[k] = append([]string(nil), vs...)
		}
		tt.set(f)
		if a := v.post("/indienen/acties", f); a.status != 400 || !strings.Contains(a.body, tt.want) {
			t.Errorf("%s: %d, want 400 with %q", tt.name, a.status, tt.want)
		}
	}
	done := v.post("/indienen/acties", add)
	if done.status != 200 || !strings.Contains(done.body, "De actie is bewaard") || !strings.Contains(done.body, "Buurtpensioen in Limburg") {
		t.Fatalf("add action: %d", done.status)
	}
	if a, ok := e.bank.Plan().Action("limburg:buurtpensioen"); !ok || a.Region != "limburg" || a.ChallengeID != "vermaatschappelijking" {
		t.Fatalf("action not in the plan: %+v", a)
	}
	if a := v.post("/indienen/acties", add); a.status != 400 || !strings.Contains(a.body, "Er is al een actie") {
		t.Errorf("adding the same name twice: %d", a.status)
	}
	edit := v.get("/indienen/acties/limburg:buurtpensioen")
	if edit.status != 200 || !strings.Contains(edit.body, `value="Buurtpensioen in Limburg"`) {
		t.Fatalf("edit form: %d", edit.status)
	}
	changed := v.post("/indienen/acties", url.Values{"csrf": {csrf}, "bestaand": {"limburg:buurtpensioen"}, "titel": {"Buurtpensioen: buren helpen buren"}, "uitdaging": {"samenwerking"}})
	if changed.status != 200 {
		t.Fatalf("edit: %d", changed.status)
	}
	if a, _ := e.bank.Plan().Action("limburg:buurtpensioen"); a.Title != "Buurtpensioen: buren helpen buren" || a.ChallengeID != "samenwerking" {
		t.Errorf("after editing: %+v", a)
	}
	// Remove it: refused while a practice cites it.
	inv := strings.Replace(goodCSV, "4.2 Actie 1", "4.2 Actie 1|limburg:buurtpensioen", 1)
	preview := v.upload(csrf, "Met eigen actie", "inventaris.csv", []byte(inv))
	uid := regexp.MustCompile(`name="bestand" value="([^"]+)"`).FindStringSubmatch(preview.body)
	if uid == nil {
		t.Fatalf("preview with the regional action:\n%s", preview.body)
	}
	v.post("/indienen/indienen", url.Values{"csrf": {csrf}, "bestand": {uid[1]}})
	if a := v.post("/indienen/acties/limburg:buurtpensioen/verwijderen", url.Values{"csrf": {csrf}}); a.status != 409 || !strings.Contains(a.body, "De actie kan niet weg: 1 praktijk(en) verwijzen nog naar deze actie") || strings.Contains(a.body, "invalid input") {
		t.Errorf("removing a cited action: %d", a.status)
	}
	if a := v.post("/indienen/acties/limburg:buurtpensioen/verwijderen", url.Values{}); a.status != 403 {
		t.Errorf("removing without CSRF token: %d", a.status)
	}
	v.post("/indienen/intrekken/"+practice.ID("limburg", "lim-1"), url.Values{"csrf": {csrf}, "reden": {"Gestopt."}})
	if a := v.post("/indienen/acties/limburg:buurtpensioen/verwijderen", url.Values{"csrf": {csrf}}); a.status != 200 || !strings.Contains(a.body, "De actie is verwijderd") {
		t.Errorf("removing an action no live practice cites: %d", a.status)
	}
	if _, ok := e.bank.Plan().Action("limburg:buurtpensioen"); ok {
		t.Error("the removed action is still in the plan")
	}

	// Another region's action is not this platform's.
	if _, err := e.bank.PutRegionalAction(context.Background(), auth.Admin, bankAction("antwerpen:stadsbuurt")); err != nil {
		t.Fatal(err)
	}
	if a := v.get("/indienen/acties/antwerpen:stadsbuurt"); a.status != 404 {
		t.Errorf("edit form of Antwerp's action: %d", a.status)
	}
	if a := v.post("/indienen/acties", url.Values{"csrf": {csrf}, "bestaand": {"antwerpen:stadsbuurt"}, "titel": {"Overgenomen"}, "uitdaging": {"samenwerking"}}); a.status != 404 {
		t.Errorf("editing Antwerp's action: %d", a.status)
	}
	if a := v.post("/indienen/acties/antwerpen:stadsbuurt/verwijderen", url.Values{"csrf": {csrf}}); a.status != 404 {
		t.Errorf("removing Antwerp's action: %d", a.status)
	}
	if _, ok := e.bank.Plan().Action("antwerpen:stadsbuurt"); !ok {
		t.Error("Antwerp's action is gone")
	}
}

func bankAction(id string) bank.RegionalActionInput {
	return bank.RegionalActionInput{ID: id, Title: "Een actie van een andere regio", Challenge: "samenwerking"}
}
