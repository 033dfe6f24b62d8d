// Package export streams practices out of Praktijkenbank for analysis, in
// formats that re-import: GET /export.csv, /export.json and /export.xlsx,
// with the search page's filter and text query as query parameters
// (?regio=limburg&regio=antwerpen&krachtlijn=NABIJHEID&van=2020&q=jongeren;
// the older names regions, krachtlijnen, challenges, actions, targetGroups,
// settings, fromYear, toYear and query are still read: see filter.Fields).
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
// What an export holds is the bank's use case (bank.SelectExport and
// bank.ScanExport); this package parses the request and writes the formats.
// Without a text query the practices are read from the store (the truth)
// and written one by one as they pass the filter; the result is never held
// in memory. With a query, the search gives the ids first (at most
// MaxSearchExport of them, else 400 TOO_MANY_RESULTS). Only live practices
// are exported.
//
// Contact e-mail addresses and phone numbers are personal data: an export
// is a list, so the bank's contact policy leaves them out unless the request
// carries the admin token or the platform token of the practice's region;
// the contact's organisation and website stay.
//
// A bad request (an unknown parameter, region, krachtlijn, challenge or
// action, a year that is not a number or out of range, a query too long) is
// refused with 400 and a JSON body {"error":{"code":…,"message":…,"parameter":…}}
// in Dutch: the REST error shape of internal/rest.
package export

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/rest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// MaxSearchExport is the most practices an export with a text query holds.
const MaxSearchExport = 10000

// Source is what the exports need of the bank (*bank.Bank satisfies it):
// the action plan to check filters against, and the export use case, which
// settles the selection first and then reads it practice by practice.
type Source interface {
	Plan() *actionplan.Plan
	SelectExport(ctx context.Context, query string, f search.Filter, limit int) (bank.ExportSelection, error)
	ScanExport(ctx context.Context, sel bank.ExportSelection, who *auth.Principal, fn func(practice.Practice) error) error
}

// Exporter serves the exports.
type Exporter struct {
	src Source
	log *slog.Logger
	now func() time.Time
}

// New returns an exporter over the bank's export use case.
func New(src Source, log *slog.Logger) *Exporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Exporter{src: src, log: log, now: time.Now}
}

// The text query's parameter: the search page's, and its older name.
var queryParams = []string{"q", "query"}

// ParseFilter reads a filter from query parameters (filter.ParseQuery: the
// search page's names or their older ones; a list field may be repeated)
// and checks it against the plan. Any other parameter but the text query
// is refused.
func ParseFilter(q url.Values, plan *actionplan.Plan) (filter.Filter, error) {
	known := append(filter.Params(), queryParams...)
	for name := range q {
		if !slices.Contains(known, name) {
			return filter.Filter{}, &requestError{param: name, code: "UNKNOWN_PARAMETER",
				message: fmt.Sprintf("Onbekende parameter %q. Mogelijk: %s.", name, strings.Join(known, ", "))}
		}
	}
	f, problems := filter.ParseQuery(q, plan)
	if len(problems) > 0 {
		return f, problems[0]
	}
	return f, nil
}

// requestError is a refused parameter other than a filter's.
type requestError struct{ param, code, message string }

func (e *requestError) Error() string { return e.message }

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
		if len(req.Filter.Regions) == 1 {
			name += "-" + req.Filter.Regions[0]
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

// scan calls fn with every practice the request selects, as a v1 practice
// with its record; the bank applies the contact policy for who.
func (e *Exporter) scan(ctx context.Context, sel bank.ExportSelection, who *auth.Principal, fn func(importer.Record, practice.PracticeInput) error) error {
	return e.src.ScanExport(ctx, sel, who, func(p practice.Practice) error {
		in := practice.PracticeInput{Ref: p.Ref, Content: p.Content}
		in.Contact = p.Contact
		rec := importer.Record{Region: p.Region, ID: p.ID, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
		return fn(rec, in)
	})
}

// request parses and checks the filter and the query, and has the bank
// settle the selection (with a query: the ids the search finds, at most
// MaxSearchExport), all before anything is written.
func (e *Exporter) request(w http.ResponseWriter, r *http.Request) (bank.ExportSelection, bool) {
	q := r.URL.Query()
	var queries []string
	queryParam := queryParams[0]
	for _, p := range queryParams {
		if len(q[p]) > 0 && len(queries) == 0 {
			queryParam = p
		}
		queries = append(queries, q[p]...)
	}
	query := ""
	if len(queries) > 0 {
		query = strings.TrimSpace(queries[0])
	}
	f, err := ParseFilter(q, e.src.Plan())
	if err == nil && (len(queries) > 1 || !utf8.ValidString(query) || utf8.RuneCountInString(query) > search.MaxQueryLen) {
		err = &requestError{param: queryParam, code: "INVALID_QUERY",
			message: fmt.Sprintf("Geef de zoektekst (%s) één keer op, in hoogstens %d tekens.", queryParam, search.MaxQueryLen)}
	}
	if err != nil {
		writeError(w, err)
		return bank.ExportSelection{}, false
	}
	sel, err := e.src.SelectExport(r.Context(), query, f, MaxSearchExport)
	switch {
	case errors.Is(err, bank.ErrTooMany):
		writeError(w, &requestError{param: queryParam, code: "TOO_MANY_RESULTS",
			message: fmt.Sprintf("Deze zoekopdracht vindt meer dan %d praktijken. Verfijn ze met filters, of exporteer zonder zoektekst (dan is er geen grens).", MaxSearchExport)})
		return sel, false
	case errors.Is(err, bank.ErrInvalid):
		msg := "Deze zoektekst kan niet gebruikt worden."
		if why, ok := bank.UserMessage(err); ok {
			msg = "Deze zoektekst kan niet gebruikt worden: " + why + "."
		}
		writeError(w, &requestError{param: queryParam, code: "INVALID_QUERY", message: msg})
		return sel, false
	case err != nil:
		e.log.ErrorContext(r.Context(), "export search failed", "err", err)
		rest.WriteError(w, rest.Error{Status: http.StatusServiceUnavailable, Code: "UNAVAILABLE",
			Message: "Het zoeken lukt nu niet. Probeer het zo meteen opnieuw."})
		return sel, false
	}
	// Exports run longer than an ordinary request.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(15 * time.Minute))
	return sel, true
}

// failed logs an error after the response started (its status is sent).
func (e *Exporter) failed(r *http.Request, err error) {
	if err != nil && r.Context().Err() == nil {
		e.log.ErrorContext(r.Context(), "export broken off", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
	}
}

// writeError answers a bad request: 400 with the code, the Dutch message
// and the parameter at fault.
func writeError(w http.ResponseWriter, err error) {
	e := rest.Error{Status: http.StatusBadRequest, Code: "BAD_REQUEST", Message: "Ongeldige vraag: " + err.Error()}
	var fe *filter.Error
	var re *requestError
	switch {
	case errors.As(err, &fe):
		e.Code, e.Message, e.Parameter = fe.Code, fe.Message, cmp.Or(fe.Param, fe.Field)
	case errors.As(err, &re):
		e.Code, e.Message, e.Parameter = re.code, re.message, re.param
	}
	rest.WriteError(w, e)
}

func attachment(name string) string { return `attachment; filename="` + name + `"` }
