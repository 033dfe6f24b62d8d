package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// /indienen is where a regional platform submits: it signs in with its
// platform token (see session.go), downloads the XLSX template, uploads a
// filled one (or CSV, JSON), sees every problem by row and column with how
// to fix it, submits, and manages its practices and its own actions. Every
// write goes through the bank's use cases with the platform's principal, so
// the rules are those of GraphQL and the command line.
//
//	GET  /indienen                       sign-in form, or the platform's page
//	POST /indienen/aanmelden             sign in (token in the form body)
//	POST /indienen/afmelden              sign out
//	GET  /indienen/sjabloon.xlsx         the template, with the region's own actions
//	POST /indienen/controleren           upload (multipart) and preview: a dry run
//	POST /indienen/indienen              submit the previewed file
//	GET  /indienen/intrekken/{id}        withdraw a practice: the form
//	POST /indienen/intrekken/{id}        withdraw it
//	GET  /indienen/acties/{id}           edit one of the region's own actions
//	POST /indienen/acties                add or change one
//	POST /indienen/acties/{id}/verwijderen  remove one no practice cites

const (
	// pagePractices is how many of its practices the platform's page lists at once.
	pagePractices = 50
	// pendingTTL is how long a previewed file waits for "Indienen".
	pendingTTL = 30 * time.Minute
	// maxFormBytes bounds a form without a file.
	maxFormBytes = 16 << 10
	// maxInventories is how many submissions the platform's page lists.
	maxInventories = 20
)

func (h *handler) mountIndienen(mux *http.ServeMux) {
	mux.HandleFunc("GET /indienen", h.indienen)
	mux.HandleFunc("POST /indienen/aanmelden", h.signIn)
	mux.HandleFunc("POST /indienen/afmelden", h.signOut)
	mux.HandleFunc("GET /indienen/sjabloon.xlsx", h.template)
	mux.HandleFunc("POST /indienen/controleren", h.checkUpload)
	mux.HandleFunc("POST /indienen/indienen", h.submitUpload)
	mux.HandleFunc("GET /indienen/intrekken/{id}", h.withdrawForm)
	mux.HandleFunc("POST /indienen/intrekken/{id}", h.withdraw)
	mux.HandleFunc("GET /indienen/acties/{id}", h.actionForm)
	mux.HandleFunc("POST /indienen/acties", h.putAction)
	mux.HandleFunc("POST /indienen/acties/{id}/verwijderen", h.removeAction)
}

// platform is a signed-in platform on a request.
type platform struct {
	who    *auth.Principal
	se     session
	csrf   string
	region actionplan.Region
}

// signedIn returns the request's platform. When there is none it answers
// itself (the sign-in form for a GET, a redirect to it otherwise) and
// returns false.
func (h *handler) signedIn(w http.ResponseWriter, r *http.Request) (platform, bool) {
	se, ok := h.sess.read(r)
	if ok {
		who, err := h.auth.Resume(r.Context(), se.tokenHash)
		switch {
		case err == nil && who.Role == auth.RolePlatform:
			reg, _ := h.bank.Plan().Region(who.Region)
			return platform{who: who, se: se, csrf: h.sess.csrf(se), region: reg}, true
		case err != nil && !errors.Is(err, auth.ErrUnauthenticated):
			h.serverError(w, r, err)
			return platform{}, false
		}
		h.sess.setCookie(w, r, sessionCookie, "", -1) // the token was revoked
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		h.renderSignIn(w, r, http.StatusOK, "")
	} else {
		http.Redirect(w, r, "/indienen?afgemeld=1", http.StatusSeeOther)
	}
	return platform{}, false
}

type signInPage struct {
	CSRF, Problem string
	SignedOut     bool
}

func (h *handler) renderSignIn(w http.ResponseWriter, r *http.Request, status int, problem string) {
	csrf := h.sess.preSession(w, r)
	h.render(w, r, "indienen_aanmelden", page{Title: "Aanmelden om in te dienen", Nav: "indienen", Status: status, Content: signInPage{
		CSRF: csrf, Problem: problem, SignedOut: r.URL.Query().Get("afgemeld") != "",
	}})
}

func (h *handler) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.badForm(w, r)
		return
	}
	if !h.sess.checkPreSession(r, r.PostForm.Get("csrf")) {
		h.renderSignIn(w, r, http.StatusForbidden, "Het formulier was verlopen. Probeer opnieuw aan te melden.")
		return
	}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	if token == "" {
		h.renderSignIn(w, r, http.StatusBadRequest, "Vul het token van je regionaal platform in.")
		return
	}
	who, err := h.auth.Authenticate(r.Context(), "Bearer "+token)
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		h.cfg.log.InfoContext(r.Context(), "web: sign-in refused", "reason", "unknown or revoked token")
		h.renderSignIn(w, r, http.StatusUnauthorized, "Dit token kennen we niet, of het werd ingetrokken. Kijk na of je het volledig hebt gekopieerd (het begint met pkb_), of vraag een nieuw token aan de beheerder.")
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	case who.Role != auth.RolePlatform:
		h.renderSignIn(w, r, http.StatusForbidden, "Meld je hier aan met het token van een regionaal platform, niet met het beheerderstoken.")
		return
	}
	h.sess.start(w, r, auth.Hash(token))
	h.cfg.log.InfoContext(r.Context(), "web: platform signed in", "region", who.Region, "token", who.TokenID)
	http.Redirect(w, r, "/indienen", http.StatusSeeOther)
}

func (h *handler) signOut(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.badForm(w, r)
		return
	}
	if se, ok := h.sess.read(r); ok {
		if !h.sess.checkCSRF(se, r.PostForm.Get("csrf")) {
			h.forbiddenForm(w, r)
			return
		}
		h.pending.forget(se.sid)
		h.sess.end(w, r, se)
	}
	http.Redirect(w, r, "/indienen?afgemeld=1", http.StatusSeeOther)
}

// checkForm parses a small form and checks its CSRF token; false when it
// answered itself.
func (h *handler) checkForm(w http.ResponseWriter, r *http.Request, p platform) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		h.badForm(w, r)
		return false
	}
	if !h.sess.checkCSRF(p.se, r.PostForm.Get("csrf")) {
		h.forbiddenForm(w, r)
		return false
	}
	return true
}

func (h *handler) badForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "message", page{Title: "Formulier niet gelezen", Nav: "indienen", Status: http.StatusBadRequest, Content: messagePage{
		Heading: "Dit formulier konden we niet lezen",
		Message: "Het formulier was te groot of onvolledig. Ga terug en probeer het opnieuw.",
		Links:   []link{{"/indienen", "Terug naar indienen"}},
	}})
}

func (h *handler) forbiddenForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "message", page{Title: "Formulier verlopen", Nav: "indienen", Status: http.StatusForbidden, Content: messagePage{
		Heading: "Dit formulier is verlopen",
		Message: "Het formulier hoort niet (meer) bij je aanmelding, bijvoorbeeld omdat je intussen opnieuw aanmeldde. Open de pagina opnieuw en probeer nog eens; er is niets gewijzigd.",
		Links:   []link{{"/indienen", "Terug naar indienen"}},
	}})
}

// --- the platform's page ---

type platformPage struct {
	CSRF          string
	Title         string // of the upload form: empty
	Region        actionplan.Region
	Label         string
	Notice        string
	Inventories   []inventoryRow
	Practices     []practiceRow
	NextPractices string
	Actions       []actionRow
	Challenges    []option
	NewAction     actionFormData
	MaxUploadMB   int64
}

type inventoryRow struct {
	Title, Date, Source         string
	Created, Updated, Unchanged int
	Demo                        bool
}

type practiceRow struct {
	ID, Title, Ref, URL, WithdrawURL string
	Version                          int
}

type actionRow struct {
	ID, Title, Challenge, EditURL string
}

type option struct {
	Value, Label string
	Selected     bool
}

func (h *handler) indienen(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	h.renderPlatform(w, r, p, http.StatusOK, actionFormData{}, platformNotice(r.URL.Query()))
}

// platformNotice is the message after a redirect (Post/Redirect/Get).
func platformNotice(q url.Values) string {
	switch {
	case q.Get("ingetrokken") != "":
		return "De praktijk is ingetrokken. Ze staat niet meer in de zoekresultaten; haar geschiedenis blijft bewaard."
	case q.Get("verwijderd") != "":
		return "De actie is verwijderd."
	case q.Get("actie") != "":
		return "De actie is bewaard. Ze staat nu in de keuzelijst van het sjabloon en kan in je inventaris gebruikt worden."
	}
	return ""
}

func (h *handler) renderPlatform(w http.ResponseWriter, r *http.Request, p platform, status int, form actionFormData, notice string) {
	ctx := r.Context()
	invs, _, err := h.bank.Inventories(ctx, p.who.Region, maxInventories, "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	after := r.URL.Query().Get("na")
	if len(after) > 100 {
		after = ""
	}
	ps, more, err := h.bank.RegionPractices(ctx, p.who.Region, after, pagePractices)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	plan := h.bank.Plan()
	data := platformPage{
		CSRF: p.csrf, Region: p.region, Label: p.who.Label, Notice: notice,
		Challenges: challengeOptions(plan, form.Challenge), NewAction: form,
		MaxUploadMB: h.cfg.maxUpload >> 20,
	}
	for _, inv := range invs {
		data.Inventories = append(data.Inventories, inventoryRow{
			Title: inv.Title, Date: dutchDate(inv.SubmittedAt), Source: sourceLabel(inv.Source),
			Created: inv.Created, Updated: inv.Updated, Unchanged: inv.Unchanged, Demo: inv.Demo,
		})
	}
	for _, x := range ps {
		data.Practices = append(data.Practices, practiceRow{
			ID: x.ID, Title: x.Title, Ref: x.Ref, Version: x.Version,
			URL: "/praktijk/" + x.ID, WithdrawURL: "/indienen/intrekken/" + x.ID,
		})
	}
	if more && len(ps) > 0 {
		data.NextPractices = "/indienen?na=" + url.QueryEscape(ps[len(ps)-1].ID) + "#praktijken"
	}
	l := labeler{plan}
	for _, c := range plan.Challenges {
		for _, a := range c.Actions {
			if a.Region == p.who.Region {
				data.Actions = append(data.Actions, actionRow{ID: a.ID, Title: a.Title, Challenge: l.challenge(c.ID), EditURL: "/indienen/acties/" + url.PathEscape(a.ID)})
			}
		}
	}
	h.render(w, r, "indienen", page{Title: "Indienen voor " + p.region.Name, Nav: "indienen", Status: status, Content: data})
}

func sourceLabel(s string) string {
	switch {
	case strings.HasSuffix(s, ".xlsx"):
		return "Excel (XLSX)"
	case strings.HasSuffix(s, ".csv"):
		return "CSV"
	case strings.HasSuffix(s, ".json"):
		return "JSON"
	case s == "graphql":
		return "GraphQL"
	case s == "demo":
		return "voorbeeld"
	}
	return s
}

func challengeOptions(plan *actionplan.Plan, selected string) []option {
	out := make([]option, 0, len(plan.Challenges))
	for _, c := range plan.Challenges {
		out = append(out, option{Value: c.ID, Label: c.Section + " " + c.Name, Selected: c.ID == selected})
	}
	return out
}

// --- template ---

func (h *handler) template(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	data, err := importer.Template(h.bank.Plan(), p.who.Region)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="praktijkenbank-sjabloon-%s.xlsx"`, p.who.Region))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}

// --- upload, preview, submit ---

// previewPage is the answer to an upload: its problems, or what submitting
// it would do.
type previewPage struct {
	CSRF, FileName, Title, UploadID string
	Region                          actionplan.Region
	Problems                        []problemRow
	Omitted                         int
	Created, Updated, Unchanged     int
	Outcomes                        []outcomeRow
	Submitted                       bool // the outcome of "Indienen", not a preview
	Expired                         bool // the previewed file is gone: upload again
	MaxUploadMB                     int64
}

type problemRow struct{ Place, Message, Fix, Code string }

type outcomeRow struct {
	Ref, Title, URL, Outcome, Class string
	Version                         int
}

func (h *handler) checkUpload(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	up, status, msg := h.readUpload(w, r, p)
	if msg != "" {
		h.render(w, r, "indienen_voorbeeld", page{Title: "Bestand niet gelezen", Nav: "indienen", Status: status, Content: previewPage{
			CSRF: p.csrf, Region: p.region, Title: up.title, MaxUploadMB: h.cfg.maxUpload >> 20,
			Problems: []problemRow{{Place: "bestand", Message: msg, Fix: "Kies het bestand opnieuw en probeer nog eens."}},
		}})
		return
	}
	res, err := h.bank.SubmitFile(r.Context(), p.who, bank.File{
		Name: up.name, Body: bytes.NewReader(up.body), Size: int64(len(up.body)), Region: p.who.Region, Title: up.title,
	}, bank.SubmitOptions{DryRun: true, Source: "site"})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	data := h.preview(p, up, res)
	if len(res.Problems) == 0 {
		data.UploadID = h.pending.put(&pendingFile{sid: p.se.sid, name: up.name, title: up.title, body: up.body})
	}
	// Problems in the file are the page's content, not a failed request:
	// the answer is 200 either way.
	title := "Voorbeeld van je inventaris"
	if len(res.Problems) > 0 {
		title = "Problemen in je inventaris"
	}
	h.render(w, r, "indienen_voorbeeld", page{Title: title, Nav: "indienen", Content: data})
}

func (h *handler) submitUpload(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok || !h.checkForm(w, r, p) {
		return
	}
	f, found := h.pending.get(r.PostForm.Get("bestand"), p.se.sid)
	if !found {
		h.render(w, r, "indienen_voorbeeld", page{Title: "Bestand opnieuw opladen", Nav: "indienen", Status: http.StatusGone, Content: previewPage{
			CSRF: p.csrf, Region: p.region, Expired: true, MaxUploadMB: h.cfg.maxUpload >> 20,
		}})
		return
	}
	up := upload{name: f.name, title: f.title, body: f.body}
	res, err := h.bank.SubmitFile(r.Context(), p.who, bank.File{
		Name: f.name, Body: bytes.NewReader(f.body), Size: int64(len(f.body)), Region: p.who.Region, Title: f.title,
	}, bank.SubmitOptions{Source: "site"})
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	data := h.preview(p, up, res)
	if len(res.Problems) > 0 { // the data changed since the preview (e.g. an action was removed)
		data.UploadID = f.id
		h.render(w, r, "indienen_voorbeeld", page{Title: "Problemen in je inventaris", Nav: "indienen", Content: data})
		return
	}
	h.pending.forget(p.se.sid)
	data.Submitted = true
	h.render(w, r, "indienen_voorbeeld", page{Title: "Inventaris ingediend", Nav: "indienen", Content: data})
}

type upload struct {
	name, title string
	body        []byte
}

// readUpload reads the multipart upload form: the CSRF token, the title and
// one file, within the upload limit. On a problem it returns a status and a
// Dutch message.
func (h *handler) readUpload(w http.ResponseWriter, r *http.Request, p platform) (upload, int, string) {
	var up upload
	limit := h.cfg.maxUpload
	if r.ContentLength > limit+maxFormBytes {
		return up, http.StatusRequestEntityTooLarge, fmt.Sprintf("Het bestand is groter dan %d MB. Splits de inventaris in delen, of laat bijlagen en afbeeldingen uit het bestand weg.", limit>>20)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+maxFormBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return up, http.StatusBadRequest, "Het formulier kwam niet volledig aan."
	}
	csrfOK, gotFile := false, false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return up, uploadStatus(err), uploadMessage(err, limit)
		}
		switch part.FormName() {
		case "csrf":
			v, _ := readField(part)
			csrfOK = h.sess.checkCSRF(p.se, v)
		case "titel":
			up.title, _ = readField(part)
			up.title = strings.TrimSpace(up.title)
		case "bestand":
			if gotFile {
				return up, http.StatusBadRequest, "Laad één bestand tegelijk op."
			}
			gotFile = true
			up.name = filepath.Base(part.FileName())
			body, err := io.ReadAll(io.LimitReader(part, limit+1))
			if err != nil {
				return up, uploadStatus(err), uploadMessage(err, limit)
			}
			if int64(len(body)) > limit {
				return up, http.StatusRequestEntityTooLarge, uploadMessage(&http.MaxBytesError{Limit: limit}, limit)
			}
			up.body = body
		}
		part.Close()
	}
	switch {
	case !csrfOK:
		return up, http.StatusForbidden, "Het formulier is verlopen. Open de pagina Indienen opnieuw en laad het bestand nog eens op."
	case !gotFile || up.name == "" || up.name == "." || len(up.body) == 0:
		return up, http.StatusBadRequest, "Kies een bestand om op te laden: het ingevulde sjabloon (XLSX), een CSV- of een JSON-bestand."
	}
	switch strings.ToLower(filepath.Ext(up.name)) {
	case ".xlsx", ".csv", ".json":
	default:
		return up, http.StatusUnsupportedMediaType, "Dit soort bestand kunnen we niet lezen. Laad een XLSX-bestand (het sjabloon), een CSV-bestand of een JSON-bestand op."
	}
	if up.title == "" {
		up.title = strings.TrimSuffix(up.name, filepath.Ext(up.name))
	}
	if utf8.RuneCountInString(up.title) > practice.MaxTitle {
		up.title = string([]rune(up.title)[:practice.MaxTitle])
	}
	return up, 0, ""
}

func readField(part *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, 1024))
	return string(b), err
}

func uploadStatus(err error) int {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

func uploadMessage(err error, limit int64) string {
	if uploadStatus(err) == http.StatusRequestEntityTooLarge {
		return fmt.Sprintf("Het bestand is groter dan %d MB. Splits de inventaris in delen, of laat bijlagen en afbeeldingen uit het bestand weg.", limit>>20)
	}
	return "Het bestand kwam niet volledig aan. Probeer het opnieuw."
}

// preview turns a submission's result into the page's rows.
func (h *handler) preview(p platform, up upload, res bank.SubmitResult) previewPage {
	data := previewPage{
		CSRF: p.csrf, Region: p.region, FileName: up.name, Title: up.title, MaxUploadMB: h.cfg.maxUpload >> 20,
		Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged,
	}
	for _, pr := range res.Problems {
		if pr.Code == practice.CodeMoreProblems {
			data.Omitted++
		}
		data.Problems = append(data.Problems, problemRow{Place: problemPlace(pr.Path), Message: sentence(pr.Message), Fix: fixHint(pr.Code), Code: pr.Code})
	}
	if len(res.Problems) > 0 {
		return data
	}
	for _, o := range res.Outcomes {
		row := outcomeRow{Ref: o.Ref, Title: o.Title, Version: o.Version}
		switch o.Outcome {
		case practice.Created:
			row.Outcome, row.Class = "nieuw", "new"
		case practice.Updated:
			row.Outcome, row.Class = "gewijzigd", "changed"
		default:
			row.Outcome, row.Class = "ongewijzigd", "same"
		}
		if !res.DryRun || o.Outcome != practice.Created { // a new practice has no page before it is submitted
			row.URL = "/praktijk/" + o.ID
		}
		data.Outcomes = append(data.Outcomes, row)
	}
	// New and changed first, each in file order.
	slices.SortStableFunc(data.Outcomes, func(a, b outcomeRow) int { return outcomeRank(a.Class) - outcomeRank(b.Class) })
	return data
}

func outcomeRank(class string) int {
	switch class {
	case "new":
		return 0
	case "changed":
		return 1
	}
	return 2
}

// problemPlace says where a problem is in words: "rij 5, kolom titel"
// stays; a JSON path is shown as it is; a problem of the whole file says so.
func problemPlace(path string) string {
	if path == "" {
		return "het hele bestand"
	}
	return path
}

// fixHints say how to fix each kind of problem, for a chair who fills in a
// spreadsheet.
var fixHints = map[string]string{
	practice.CodeRequired:            "Vul deze cel in; het sjabloon zegt op het blad ‘Uitleg’ wat erin hoort.",
	practice.CodeTooLong:             "Maak de tekst korter; een lange uitleg hoort in de kolom beschrijving.",
	practice.CodeTooShort:            "Maak de tekst langer: een titel telt minstens 3 tekens.",
	practice.CodeTooMany:             "Laat enkele waarden weg uit deze cel.",
	practice.CodeInvalidFormat:       "Controleer de schrijfwijze: een ref met letters, cijfers, punt, streepje of liggend streepje; een jaartal als 2023; een link die met https:// begint; een e-mailadres met @.",
	practice.CodeUnknownField:        "Gebruik de kolomnamen van het sjabloon, of verwijder deze kolom.",
	practice.CodeUnknownFormat:       "Gebruik het sjabloon, of het JSON-formaat praktijkenbank.inventory/v1.",
	practice.CodeUnknownRegion:       "Kies je eigen regio uit de keuzelijst van het sjabloon.",
	practice.CodeUnknownKrachtlijn:   "Kies een krachtlijn uit de keuzelijst, bv. ‘Nabijheid’; meerdere scheid je met |.",
	practice.CodeUnknownChallenge:    "Kies een uitdaging uit de keuzelijst, bv. ‘4.2 Digitalisering’.",
	practice.CodeUnknownAction:       "Kies een actie uit de keuzelijst, bv. ‘4.2 Actie 1’. Een eigen actie van je regio voeg je eerst onderaan de pagina Indienen toe.",
	practice.CodeForeignAction:       "Deze actie hoort bij een andere regio. Kies een actie van het actieplan of van je eigen regio.",
	practice.CodeUnknownFunction:     "Kies een functie uit de keuzelijst van het sjabloon.",
	practice.CodeUnknownImpactDomain: "Kies een impactdomein uit de keuzelijst van het sjabloon.",
	practice.CodeUnknownLanguage:     "Kies Nederlands, Frans of Engels, of laat de cel leeg (dan is het Nederlands).",
	practice.CodeDuplicateRef:        "Geef elke praktijk een eigen ref, bv. lim-2024-001, lim-2024-002.",
	practice.CodeDuplicateValue:      "Noem elke waarde maar één keer in deze cel.",
	practice.CodeOutOfRange:          "Gebruik een jaartal tussen 1970 en 2100.",
	practice.CodeEndBeforeStart:      "Het eindjaar mag niet vóór het startjaar liggen; laat het leeg als de praktijk nog loopt.",
	practice.CodeRegionMismatch:      "Het bestand is voor een andere regio. Pas de regio in het bestand aan, of meld je aan met het token van die regio.",
	practice.CodeInvalidEncoding:     "Bewaar het bestand in Excel als ‘CSV UTF-8’, of laad het als XLSX op.",
	practice.CodeInvalidFile:         "Laad een XLSX-, CSV- of JSON-bestand op, bij voorkeur het ingevulde sjabloon.",
	practice.CodeInvalidValue:        "Verwijder lege of ongeldige waarden, bv. twee | na elkaar.",
	practice.CodeMoreProblems:        "Los eerst de problemen hierboven op en laad het bestand opnieuw op; dan tonen we de rest.",
}

func fixHint(code string) string {
	if h, ok := fixHints[code]; ok {
		return h
	}
	return "Pas de cel aan zoals hiernaast staat, en laad het bestand opnieuw op."
}

// writeError answers an error of a use case: a platform's own mistakes in
// Dutch with 4xx, the rest as a 500.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, auth.ErrForbidden):
		h.render(w, r, "message", page{Title: "Geen toegang", Nav: "indienen", Status: http.StatusForbidden, Content: messagePage{
			Heading: "Dit mag je platform niet", Message: "Je kunt alleen de praktijken en acties van je eigen regio wijzigen.",
			Links: []link{{"/indienen", "Terug naar indienen"}},
		}})
	case errors.Is(err, auth.ErrUnauthenticated):
		http.Redirect(w, r, "/indienen?afgemeld=1", http.StatusSeeOther)
	case errors.Is(err, bank.ErrNotFound):
		h.notFoundWith(w, r, "Praktijk niet gevonden", "Deze praktijk bestaat niet (meer).")
	default:
		h.serverError(w, r, err)
	}
}

// --- withdraw ---

type withdrawPage struct {
	CSRF, ID, Title, URL, Reason, Problem string
}

func (h *handler) ownPractice(w http.ResponseWriter, r *http.Request, p platform) (practice.Practice, bool) {
	x, found, err := h.bank.Practice(r.Context(), r.PathValue("id"))
	if err != nil {
		h.serverError(w, r, err)
		return x, false
	}
	if !found || x.Region != p.who.Region {
		h.notFoundWith(w, r, "Praktijk niet gevonden", "Deze praktijk bestaat niet, of hoort niet bij je regio.")
		return x, false
	}
	if !x.Live() {
		h.render(w, r, "message", page{Title: "Al ingetrokken", Nav: "indienen", Status: http.StatusConflict, Content: messagePage{
			Heading: "Deze praktijk is al ingetrokken", Message: "‘" + x.Title + "’ werd eerder ingetrokken.",
			Links: []link{{"/praktijk/" + x.ID, "Bekijk de praktijk"}, {"/indienen", "Terug naar indienen"}},
		}})
		return x, false
	}
	return x, true
}

func (h *handler) withdrawForm(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	x, ok := h.ownPractice(w, r, p)
	if !ok {
		return
	}
	h.render(w, r, "indienen_intrekken", page{Title: "Praktijk intrekken", Nav: "indienen", Content: withdrawPage{
		CSRF: p.csrf, ID: x.ID, Title: x.Title, URL: "/praktijk/" + x.ID,
	}})
}

func (h *handler) withdraw(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok || !h.checkForm(w, r, p) {
		return
	}
	x, ok := h.ownPractice(w, r, p)
	if !ok {
		return
	}
	reason := strings.TrimSpace(r.PostForm.Get("reden"))
	_, err := h.bank.Withdraw(r.Context(), p.who, x.ID, reason)
	if errors.Is(err, bank.ErrInvalid) {
		h.render(w, r, "indienen_intrekken", page{Title: "Praktijk intrekken", Nav: "indienen", Status: http.StatusBadRequest, Content: withdrawPage{
			CSRF: p.csrf, ID: x.ID, Title: x.Title, URL: "/praktijk/" + x.ID, Reason: reason,
			Problem: "Geef een reden op (hoogstens 1000 tekens), bv. ‘Het project is gestopt in 2024.’",
		}})
		return
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/indienen?ingetrokken=1#praktijken", http.StatusSeeOther)
}

// --- the region's own actions ---

type actionFormData struct {
	ID, Slug, Title, Description, Challenge, Problem string
	Existing                                         bool
}

type actionPage struct {
	CSRF       string
	Region     actionplan.Region
	Form       actionFormData
	Challenges []option
}

func (h *handler) actionForm(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	a, found := h.bank.Plan().Action(r.PathValue("id"))
	if !found || a.Region != p.who.Region {
		h.notFoundWith(w, r, "Actie niet gevonden", "Deze actie bestaat niet, of is geen eigen actie van je regio.")
		return
	}
	form := actionFormData{ID: a.ID, Title: a.Title, Description: a.Description, Challenge: a.ChallengeID, Existing: true}
	h.render(w, r, "indienen_actie", page{Title: "Actie wijzigen", Nav: "indienen", Content: actionPage{
		CSRF: p.csrf, Region: p.region, Form: form, Challenges: challengeOptions(h.bank.Plan(), a.ChallengeID),
	}})
}

func (h *handler) putAction(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok || !h.checkForm(w, r, p) {
		return
	}
	f := r.PostForm
	form := actionFormData{
		Title: strings.TrimSpace(f.Get("titel")), Description: strings.TrimSpace(f.Get("beschrijving")),
		Challenge: f.Get("uitdaging"), Slug: strings.TrimSpace(strings.ToLower(f.Get("naam"))),
	}
	if id := f.Get("bestaand"); id != "" {
		a, found := h.bank.Plan().Action(id)
		if !found || a.Region != p.who.Region {
			h.notFoundWith(w, r, "Actie niet gevonden", "Deze actie bestaat niet, of is geen eigen actie van je regio.")
			return
		}
		form.ID, form.Existing = id, true
	} else {
		form.ID = p.who.Region + ":" + form.Slug
		if _, taken := h.bank.Plan().Action(form.ID); taken {
			form.Problem = "Er is al een actie met de korte naam ‘" + form.Slug + "’. Kies een andere, of wijzig die actie."
		}
	}
	if form.Problem == "" {
		_, err := h.bank.PutRegionalAction(r.Context(), p.who, bank.RegionalActionInput{
			ID: form.ID, Title: form.Title, Description: form.Description, Challenge: form.Challenge,
		})
		switch {
		case err == nil:
			http.Redirect(w, r, "/indienen?actie=1#acties", http.StatusSeeOther)
			return
		case errors.Is(err, bank.ErrInvalid):
			form.Problem = actionProblem(err, form)
		default:
			h.writeError(w, r, err)
			return
		}
	}
	if form.Existing {
		h.render(w, r, "indienen_actie", page{Title: "Actie wijzigen", Nav: "indienen", Status: http.StatusBadRequest, Content: actionPage{
			CSRF: p.csrf, Region: p.region, Form: form, Challenges: challengeOptions(h.bank.Plan(), form.Challenge),
		}})
		return
	}
	h.renderPlatform(w, r, p, http.StatusBadRequest, form, "")
}

// actionProblem says in Dutch what is wrong with an action form.
func actionProblem(err error, f actionFormData) string {
	switch {
	case !f.Existing && !actionplan.ValidRegionalActionID(strings.SplitN(f.ID, ":", 2)[0], f.ID):
		return "Kies een korte naam van kleine letters, cijfers en streepjes, bv. buurtpensioen."
	case f.Challenge == "":
		return "Kies de uitdaging waaronder de actie valt."
	case utf8.RuneCountInString(f.Title) < practice.MinTitle || utf8.RuneCountInString(f.Title) > practice.MaxTitle:
		return fmt.Sprintf("Geef de actie een titel van %d tot %d tekens.", practice.MinTitle, practice.MaxTitle)
	}
	if msg, ok := bank.UserMessage(err); ok {
		return capitalize(msg) + "."
	}
	return "Deze actie kan niet bewaard worden."
}

// sentence capitalizes a message and ends it with a full stop.
func sentence(s string) string {
	s = capitalize(strings.TrimSpace(s))
	if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?") {
		s += "."
	}
	return s
}

func (h *handler) removeAction(w http.ResponseWriter, r *http.Request) {
	p, ok := h.signedIn(w, r)
	if !ok || !h.checkForm(w, r, p) {
		return
	}
	a, found := h.bank.Plan().Action(r.PathValue("id"))
	if !found || a.Region != p.who.Region {
		h.notFoundWith(w, r, "Actie niet gevonden", "Deze actie bestaat niet (meer), of is geen eigen actie van je regio.")
		return
	}
	err := h.bank.RemoveRegionalAction(r.Context(), p.who, a.ID)
	switch {
	case err == nil:
		http.Redirect(w, r, "/indienen?verwijderd=1#acties", http.StatusSeeOther)
	case errors.Is(err, bank.ErrInvalid):
		why, _ := bank.UserMessage(err)
		form := actionFormData{ID: a.ID, Title: a.Title, Description: a.Description, Challenge: a.ChallengeID, Existing: true,
			Problem: "De actie kan niet weg: " + why + "."}
		h.render(w, r, "indienen_actie", page{Title: "Actie wijzigen", Nav: "indienen", Status: http.StatusConflict, Content: actionPage{
			CSRF: p.csrf, Region: p.region, Form: form, Challenges: challengeOptions(h.bank.Plan(), a.ChallengeID),
		}})
	default:
		h.writeError(w, r, err)
	}
}
