// Package export streams practices out of Praktijkenbank for analysis, in
// formats that re-import unchanged: GET /export.csv and GET /export.json,
// with the search filter as query parameters
// (?regions=limburg&regions=antwerpen&krachtlijnen=NABIJHEID&fromYear=2020).
//
// The practices are read from the store (the truth) with ScanPractices and
// written one by one as they pass the filter; the result is never held in
// memory. Only live practices are exported.
//
//   - CSV: the import's own columns (importer.ColumnNames), UTF-8 with a
//     byte order mark, ';' between cells, lists joined with '|': what
//     Belgian Excel opens directly and what `praktijkenbank import --region
//     R` or the upload reads back. A CSV has no region column (the importer
//     refuses unknown columns; the region is given beside the file), so a
//     request for exactly one region gets one CSV file, and any other request
//     gets a ZIP archive with one CSV file per region ("limburg.csv", …; a
//     region without matching practices has no file).
//   - JSON: for exactly one region one inventory document of format v1
//     (praktijkenbank.inventory/v1); otherwise a bundle
//     {"format":"praktijkenbank.bundle/v1","inventories":[…]} with one v1
//     document per region that has matching practices, in the plan's order
//     of regions. Each document of a bundle can be submitted as it is.
//
// Contact e-mail addresses and phone numbers are personal data: an export
// is a list, so bank.ContactOf leaves them out unless the request carries the
// admin token or the platform token of the practice's region; the contact's
// organisation and website stay.
//
// A bad request (an unknown parameter, region, krachtlijn, challenge or
// action, a year that is not a number or out of range) is refused with 400
// and a JSON body {"error":{"code":…,"message":…,"parameter":…}} in Dutch.
package export

import (
	"archive/zip"
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

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// BundleFormat is the format of a JSON export of several regions.
const BundleFormat = "praktijkenbank.bundle/v1"

// Source is what an export reads; store.Store satisfies it.
type Source interface {
	ScanPractices(ctx context.Context, fn func(practice.Practice) error) error
}

// Exporter serves the exports.
type Exporter struct {
	src  Source
	plan func() *actionplan.Plan
	log  *slog.Logger
	now  func() time.Time
}

// New returns an exporter over src; plan gives the action plan (with the
// regional actions) to check filters against.
func New(src Source, plan func() *actionplan.Plan, log *slog.Logger) *Exporter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Exporter{src: src, plan: plan, log: log, now: time.Now}
}

// Bundle is a JSON export of several regions.
type Bundle struct {
	Format      string                    `json:"format"`
	Inventories []practice.InventoryInput `json:"inventories"`
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
				Message: fmt.Sprintf("Onbekende parameter %q. Mogelijk: regions, krachtlijnen, challenges, actions, targetGroups, settings, fromYear, toYear.", name)}
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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, regions, ok := e.request(w, r)
		if !ok {
			return
		}
		who := auth.FromContext(r.Context())
		stamp := e.now().Format("20060102")
		if len(f.Regions) == 1 {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", attachment("praktijkenbank-"+regions[0]+"-"+stamp+".csv"))
			cw := importer.NewCSVWriter(w, importer.CSVOptions{})
			err := cw.WriteHeader()
			if err == nil {
				err = e.scan(r.Context(), regions[0], f, who, func(p practice.PracticeInput) error { return cw.Write(p) })
			}
			if err == nil {
				err = cw.Flush()
			}
			e.failed(r, err)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", attachment("praktijkenbank-"+stamp+".zip"))
		zw := zip.NewWriter(w)
		var err error
		for _, region := range regions {
			var cw *importer.CSVWriter
			err = e.scan(r.Context(), region, f, who, func(p practice.PracticeInput) error {
				if cw == nil {
					fw, err := zw.CreateHeader(&zip.FileHeader{Name: region + ".csv", Method: zip.Deflate, Modified: e.now()})
					if err != nil {
						return err
					}
					cw = importer.NewCSVWriter(fw, importer.CSVOptions{})
				}
				return cw.Write(p)
			})
			if err == nil && cw != nil {
				err = cw.Flush()
			}
			if err != nil {
				break
			}
		}
		if err == nil {
			err = zw.Close()
		}
		e.failed(r, err)
	})
}

// JSON serves GET /export.json.
func (e *Exporter) JSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, regions, ok := e.request(w, r)
		if !ok {
			return
		}
		who := auth.FromContext(r.Context())
		stamp := e.now().Format("20060102")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		bw := bufio.NewWriterSize(w, 32<<10)
		var err error
		if len(f.Regions) == 1 {
			w.Header().Set("Content-Disposition", attachment("praktijkenbank-"+regions[0]+"-"+stamp+".json"))
			_, err = e.writeDoc(r.Context(), bw, "", regions[0], f, who, true)
		} else {
			w.Header().Set("Content-Disposition", attachment("praktijkenbank-"+stamp+".json"))
			_, err = fmt.Fprintf(bw, "{\"format\":%q,\"inventories\":[", BundleFormat)
			sep := "\n"
			for _, region := range regions {
				var wrote bool
				if wrote, err = e.writeDoc(r.Context(), bw, sep, region, f, who, false); err != nil {
					break
				}
				if wrote {
					sep = ",\n"
				}
			}
			if err == nil {
				_, err = bw.WriteString("\n]}\n")
			}
		}
		if err == nil {
			err = bw.Flush()
		}
		e.failed(r, err)
	})
}

// writeDoc writes the v1 document of one region, after before. With
// always false, a region without matching practices writes nothing; wrote
// tells whether anything was written.
func (e *Exporter) writeDoc(ctx context.Context, w io.Writer, before, region string, f search.Filter, who *auth.Principal, always bool) (wrote bool, err error) {
	name := region
	if reg, ok := e.plan().Region(region); ok {
		name = reg.Name
	}
	head, err := json.Marshal(struct {
		Format      string `json:"format"`
		Region      string `json:"region"`
		Title       string `json:"title"`
		SubmittedBy string `json:"submittedBy"`
	}{practice.Format, region, "Export uit de Praktijkenbank: " + name + " (" + e.now().Format("2006-01-02") + ")", "Praktijkenbank"})
	if err != nil {
		return false, err
	}
	head = append([]byte(before), head[:len(head)-1]...)
	head = append(head, `,"practices":[`...)
	n := 0
	if always {
		if _, err := w.Write(head); err != nil {
			return true, err
		}
	}
	err = e.scan(ctx, region, f, who, func(p practice.PracticeInput) error {
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if n == 0 && !always {
			if _, err := w.Write(head); err != nil {
				return err
			}
		}
		sep := ",\n"
		if n == 0 {
			sep = "\n"
		}
		n++
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	wrote = always || n > 0
	if err == nil && wrote {
		_, err = io.WriteString(w, "\n]}")
	}
	return wrote, err
}

// scan calls fn with every live practice of region that passes f, as a v1
// practice, with its contact as the contact policy gives it to who.
func (e *Exporter) scan(ctx context.Context, region string, f search.Filter, who *auth.Principal, fn func(practice.PracticeInput) error) error {
	return e.src.ScanPractices(ctx, func(p practice.Practice) error {
		if p.Region != region || !p.Live() || !insight.Matches(f, &p) {
			return nil
		}
		in := practice.PracticeInput{Ref: p.Ref, Content: p.Content}
		in.Contact = bank.ContactOf(who, &p, false)
		return fn(in)
	})
}

// request parses and checks the filter and gives the regions to export:
// the filter's (in the plan's order), or all.
func (e *Exporter) request(w http.ResponseWriter, r *http.Request) (search.Filter, []string, bool) {
	plan := e.plan()
	f, err := ParseFilter(r.URL.Query(), plan)
	if err != nil {
		writeError(w, err)
		return f, nil, false
	}
	var regions []string
	for _, reg := range plan.Regions {
		if len(f.Regions) == 0 || contains(f.Regions, reg.ID) {
			regions = append(regions, reg.ID)
		}
	}
	// Exports run longer than an ordinary request.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(15 * time.Minute))
	return f, regions, true
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

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
