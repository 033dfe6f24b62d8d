package server

import (
	"net/http"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/export"
)

// mountInsight mounts the exports (authenticated like /graphql, so that a
// token unlocks the contacts' personal data), rate limited. The research
// pages and the regional reports are pages of the web site (internal/web).
// An export is heavy work: it passes the gate.
func mountInsight(mux *http.ServeMux, d Deps, lim *limiter, heavy *gate) {
	if d.Bank != nil {
		ex := export.New(d.Bank, d.Log)
		mux.Handle("GET /export.csv", limitRequests(lim, d.Auth, classExport, refuseREST, authenticate(d.Auth, inREST, gateHeavy(heavy, always, inREST, ex.CSV()))))
		mux.Handle("GET /export.json", limitRequests(lim, d.Auth, classExport, refuseREST, authenticate(d.Auth, inREST, gateHeavy(heavy, always, inREST, ex.JSON()))))
		mux.Handle("GET /export.xlsx", limitRequests(lim, d.Auth, classExport, refuseREST, authenticate(d.Auth, inREST, gateHeavy(heavy, always, inREST, ex.XLSX()))))
	}
}
