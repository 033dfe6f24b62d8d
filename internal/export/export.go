// Package export streams practices out of Praktijkenbank for analysis, in
// formats that re-import: GET /export.csv, /export.json and /export.xlsx,
// with the search filter and text query as query parameters
// (?regions=limburg&regions=antwerpen&krachtlijnen=NABIJHEID&fromYear=2020&query=jongeren).
//
// Every format is one flat table: a row per practice with its record (region,
// id, version, createdAt, updatedAt) and then the v1 fields, so one file
// holds several regions. The importer reads the record columns back: the
// region says which inventory a row belongs to (importer.Result.SplitByRegion),
// the rest is the store's and is ignored, so an export re-imports unchanged.
//
//   - CSV: UTF-8 with a byte order mark, ';' between cells, lists joined with
//     '|': what Belgian Excel opens directly.
//   - XLSX: one sheet "Praktijken" with the same columns.
//   - JSON: {"format":"praktijkenbank.export/v1","practices":[{"region",
//     "id","version","createdAt","updatedAt","practice":{a v1 practice}}]}.
//
// Without a text query the practices are read from the store (the truth)
// with ScanPractices and written one by one as they pass the filter; the
// result is never held in memory. With a query, the search gives the ids
// first (at most MaxSearchExport of them, else 400 TOO_MANY_RESULTS). Only
// live practices are exported.
//
// Contact e-mail addresses and phone numbers are personal data: an export
// is a list, so bank.ContactOf leaves them out unless the request carries the
// admin token or the platform token of the practice's region; the contact's
// organisation and website stay.
//
// A bad request (an unknown parameter, region, krachtlijn, challenge or
// action, a year that is not a number or out of range, a query too long) is
// refused with 400 and a JSON body {"error":{"code":…,"message":…,"parameter":…}}
// in Dutch.
package export

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// MaxSearchExport is the most practices an export with a text query holds.
const MaxSearchExport = 10000

// Searcher finds the practices of a text query; *bank.Bank satisfies it.
type Searcher interface {
	MatchingIDs(ctx context.Context, query string, f search.Filter, limit int) (map[string]bool, error)
}

// Source is what an export reads; store.Store satisfies it.
type Source interface {
	ScanPractices(ctx context.Context, fn func(practice.Practice) error) error
}

// Exporter serves the exports.
type Exporter struct {
	src    Source
	plan   func() *actionplan.Plan
	log    *slog.Logger
	now    func() time.Time
	search Searcher
}

// New returns an exporter over src; plan gives the action plan (with the
// regional actions) to check filters against.
func New(src Source, plan func() *actionplan.Plan, log *slog.Logger) *Exporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Exporter{src: src, plan: plan, log: log, now: time.Now}
}

// WithSearch lets the exports take a text query (the parameter query),
// answered by s.
func (e *Exporter) WithSearch(s Searcher) *Exporter {
	e.search = s
	return e
}

// Query parameters of an export: the fields of search.Filter.
var listParams = map[string]func(*search.Filter) *[]string{
	"regions":      func(f *search.Filter) *[]string { return &f.Regions },
	"krachtlijnen": func(f *search.Filter) *[]string { return &f.Krachtlijnen },
	"challenges":   func(f *search.Filter) *[]string { return &f.Challenges },
	"actions":      func(f *search.Filter) *[]string { return &f.Actions },
	"targetGroups": func(f *search.Filter) *[]string { return &f.TargetGroups },
	"settings":     func(f *search.Filter) *[]string { return &f.Settings },
}

// ParseFilter reads a filter from query parameters: every list field may be
// repeated (regions=limburg&regions=antwerpen); fromYear and toYear are
// years. It is checked against the plan.
func ParseFilter(q url.Values, plan *actionplan.Plan) (search.Filter, error) {
	var f search.Filter
	for name, vals := range q {
		if get, ok := listParams[name]; ok {
			for _, v := range vals {
				if v = strings.TrimSpace(v); v != "" {
					*get(&f) = append(*get(&f), v)
				}
			}
			continue
		}
		var year **int
		switch name {
		case "fromYear":
			year = &f.FromYear
		case "toYear":
			year = &f.ToYear
		default:
			return f, &insight.FilterError{Field: name, Code: "UNKNOWN_PARAMETER",
				Message: fmt.Sprintf("Onbekende parameter %q. Mogelijk: query, regions, krachtlijnen, challenges, actions, targetGroups, settings, fromYear, toYear.", name)}
		}
		if len(vals) != 1 {
			return f, &insight.FilterError{Field: name, Code: "INVALID_YEAR", Message: fmt.Sprintf("Geef %s één keer op.", name)}
		}
		y, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err != nil {
			return f, &insight.FilterError{Field: name, Value: vals[0], Code: "INVALID_YEAR",
				Message: fmt.Sprintf("%s moet een jaartal zijn, bv. 2021, niet %q.", name, vals[0])}
		}
		*year = &y
	}
	return f, insight.ValidateFilter(plan, f)
}

// CSV serves GET /export.csv.
func (e *Exporter) CSV() http.Handler {
	return e.handler("csv", "text/csv; charset=utf-8", func(w io.Writer, rows rowFunc) error {
		cw := importer.NewCSVWriter(w, importer.CSVOptions{Records: true})
		err := cw.WriteHeader()
		if err == nil {
			err = rows(cw.WriteRecord)
		}
		if err == nil {
			err = cw.Flush()
		}
		return err
	})
}

// XLSX serves GET /export.xlsx.
func (e *Exporter) XLSX() http.Handler {
	return e.handler("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", func(w io.Writer, rows rowFunc) error {
		xw, err := importer.NewXLSXWriter(true)
		if err != nil {
			return err
		}
		defer xw.Close()
		if err := rows(xw.Write); err != nil {
			return err
		}
		return xw.Finish(w)
	})
}

// JSON serves GET /export.json.
func (e *Exporter) JSON() http.Handler {
	return e.handler("json", "application/json; charset=utf-8", func(w io.Writer, rows rowFunc) error {
		bw := bufio.NewWriterSize(w, 32<<10)
		if _, err := fmt.Fprintf(bw, "{\"format\":%q,\"practices\":[", importer.ExportFormat); err != nil {
			return err
		}
		sep := "\n"
		err := rows(func(r importer.Record, p practice.PracticeInput) error {
			b, err := json.Marshal(Row{Record: r, Practice: p})
			if err != nil {
				return err
			}
			if _, err := bw.WriteString(sep); err != nil {
				return err
			}
			sep = ",\n"
			_, err = bw.Write(b)
			return err
		})
		if err == nil {
			_, err = bw.WriteString("\n]}\n")
		}
		if err == nil {
			err = bw.Flush()
		}
		return err
	})
}

// Row is one practice of a JSON export.
type Row struct {
	importer.Record
	Practice practice.PracticeInput `json:"practice"`
}

// Document is a JSON export.
type Document struct {
	Format    string `json:"format"`
	Practices []Row  `json:"practices"`
}

// rowFunc calls write with every row of an export.
type rowFunc func(write func(importer.Record, practice.PracticeInput) error) error

func (e *Exporter) handler(ext, contentType string, write func(io.Writer, rowFunc) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, ok := e.request(w, r)
		if !ok {
			return
		}
		who := auth.FromContext(r.Context())
		name := "praktijkenbank"
		if len(req.filter.Regions) == 1 {
			name += "-" + req.filter.Regions[0]
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", attachment(name+"-"+e.now().Format("20060102")+"."+ext))
		w.Header().Set("Cache-Control", "no-store")
		err := write(w, func(fn func(importer.Record, practice.PracticeInput) error) error {
			return e.scan(r.Context(), req, who, fn)
		})
		e.failed(r, err)
	})
}

// scan calls fn with every live practice that the request selects, as a v1
// practice with its record and its contact as the contact policy gives it
// to who.
func (e *Exporter) scan(ctx context.Context, req exportRequest, who *auth.Principal, fn func(importer.Record, practice.PracticeInput) error) error {
	return e.src.ScanPractices(ctx, func(p practice.Practice) error {
		if !p.Live() || !insight.Matches(req.filter, &p) || (req.ids != nil && !req.ids[p.ID]) {
			return nil
		}
		in := practice.PracticeInput{Ref: p.Ref, Content: p.Content}
		in.Contact = bank.ContactOf(who, &p, false)
		rec := importer.Record{Region: p.Region, ID: p.ID, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
		return fn(rec, in)
	})
}

// exportRequest is what an export request selects.
type exportRequest struct {
	filter search.Filter
	ids    map[string]bool // with a text query: the practices the search finds
}

// request parses and checks the filter and the query; with a query it asks
// the search for the ids (bounded by MaxSearchExport).
func (e *Exporter) request(w http.ResponseWriter, r *http.Request) (exportRequest, bool) {
	plan := e.plan()
	q := r.URL.Query()
	queries := q["query"]
	delete(q, "query")
	query := ""
	if len(queries) > 0 {
		query = strings.TrimSpace(queries[0])
	}
	f, err := ParseFilter(q, plan)
	if err == nil && (len(queries) > 1 || !utf8.ValidString(query) || utf8.RuneCountInString(query) > search.MaxQueryLen) {
		err = &insight.FilterError{Field: "query", Code: "INVALID_QUERY",
			Message: fmt.Sprintf("Geef de zoektekst (query) één keer op, in hoogstens %d tekens.", search.MaxQueryLen)}
	}
	if err != nil {
		writeError(w, err)
		return exportRequest{}, false
	}
	req := exportRequest{filter: f}
	if query != "" {
		if e.search == nil {
			writeError(w, &insight.FilterError{Field: "query", Code: "INVALID_QUERY", Message: "Zoeken in een export is hier niet mogelijk."})
			return req, false
		}
		req.ids, err = e.search.MatchingIDs(r.Context(), query, f, MaxSearchExport)
		switch {
		case errors.Is(err, bank.ErrTooMany):
			writeError(w, &insight.FilterError{Field: "query", Code: "TOO_MANY_RESULTS",
				Message: fmt.Sprintf("Deze zoekopdracht vindt meer dan %d praktijken. Verfijn ze met filters, of exporteer zonder zoektekst (dan is er geen grens).", MaxSearchExport)})
			return req, false
		case errors.Is(err, bank.ErrInvalid):
			msg := "Deze zoektekst kan niet gebruikt worden."
			if why, ok := search.UserMessage(err); ok {
				msg = "Deze zoektekst kan niet gebruikt worden: " + why + "."
			}
			writeError(w, &insight.FilterError{Field: "query", Code: "INVALID_QUERY", Message: msg})
			return req, false
		case err != nil:
			e.log.ErrorContext(r.Context(), "export search failed", "err", err)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"error":{"code":"UNAVAILABLE","message":"Het zoeken lukt nu niet. Probeer het zo meteen opnieuw."}}`+"\n")
			return req, false
		}
	}
	// Exports run longer than an ordinary request.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(15 * time.Minute))
	return req, true
}

// failed logs an error after the response started (its status is sent).
func (e *Exporter) failed(r *http.Request, err error) {
	if err != nil && r.Context().Err() == nil {
		e.log.ErrorContext(r.Context(), "export broken off", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
	}
}

func writeError(w http.ResponseWriter, err error) {
	body := struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			Parameter string `json:"parameter,omitempty"`
		} `json:"error"`
	}{}
	var fe *insight.FilterError
	if errors.As(err, &fe) {
		body.Error.Code, body.Error.Message, body.Error.Parameter = fe.Code, fe.Message, fe.Field
	} else {
		body.Error.Code, body.Error.Message = "BAD_REQUEST", "Ongeldige vraag: "+err.Error()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(body)
}

func attachment(name string) string { return `attachment; filename="` + name + `"` }
