package server

import (
	"net/http"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/export"
)

// mountInsight mounts the research endpoints: the exports (authenticated
// like /graphql, so that a token unlocks the contacts' personal data) and
// the printable regional reports; all rate limited.
func mountInsight(mux *http.ServeMux, d Deps, lim *limiter) {
	if d.Bank != nil {
		ex := export.New(d.Bank.Store(), d.Bank.Plan, d.Log)
		mux.Handle("GET /export.csv", limitRequests(lim, d.Auth, classExport, refuseExport, authenticate(d.Auth, ex.CSV())))
		mux.Handle("GET /export.json", limitRequests(lim, d.Auth, classExport, refuseExport, authenticate(d.Auth, ex.JSON())))
	}
	if d.Insight != nil {
		mux.Handle("GET /rapport/{region}/{year}", limitRequests(lim, d.Auth, classPage, refusePlain, d.Insight.ReportPage(d.Log)))
	}
}
