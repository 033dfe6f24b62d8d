package insight

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

var pageFuncs = template.FuncMap{
	"date": func(t time.Time) string { return t.Format("02-01-2006") },
	"pct": func(n, total int) string {
		if total == 0 {
			return "0"
		}
		return strconv.Itoa((n*100 + total/2) / total)
	},
	"add": func(a, b int) int { return a + b },
}

var pages = template.Must(template.New("").Funcs(pageFuncs).ParseFS(templateFS, "templates/*.html"))

// ReportPage serves the printable progress report of a region for a year at
// a path with the wildcards {region} and {year}, e.g. GET
// /rapport/{region}/{year}. It is a self-contained Dutch HTML page (no
// external assets) with print styles; an unknown region or year gives a
// Dutch 404 page.
func (in *Insight) ReportPage(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		region := r.PathValue("region")
		year, err := strconv.Atoi(r.PathValue("year"))
		if err != nil {
			notFound(w, log, "Het jaartal '"+r.PathValue("year")+"' bestaat niet. Gebruik een jaar in cijfers, bv. /rapport/limburg/2023.")
			return
		}
		rep, err := in.Report(region, year)
		if errors.Is(err, ErrNotFound) {
			notFound(w, log, "Er is geen rapport voor regio '"+region+"' en jaar "+strconv.Itoa(year)+". De regio's zijn: "+regionList(in)+".")
			return
		}
		if err != nil {
			log.Error("report page", "region", region, "year", year, "err", err)
			http.Error(w, "Het rapport kon niet gemaakt worden.", http.StatusInternalServerError)
			return
		}
		render(w, log, http.StatusOK, "report.html", struct {
			Report
			Generated time.Time
		}{rep, time.Now()})
	})
}

func regionList(in *Insight) string {
	var b bytes.Buffer
	for i, r := range in.plan().Regions {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.ID)
	}
	return b.String()
}

func notFound(w http.ResponseWriter, log *slog.Logger, msg string) {
	render(w, log, http.StatusNotFound, "notfound.html", msg)
}

func render(w http.ResponseWriter, log *slog.Logger, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		log.Error("rendering page", "template", name, "err", err)
		http.Error(w, "De pagina kon niet gemaakt worden.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
