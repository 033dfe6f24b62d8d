package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/graph"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/rest"
)

const backupAdminOnly = "alleen de beheerder kan een reservekopie nemen"

// backupHandler streams a consistent copy of the embedded store to the admin.
func backupHandler(a *auth.Service, backup func(io.Writer) (int64, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err == nil {
			err = auth.RequireAdmin(p)
		}
		switch {
		case err == nil:
		case errors.Is(err, auth.ErrUnauthenticated):
			w.Header().Set("WWW-Authenticate", `Bearer realm="praktijkenbank"`)
			rest.WriteError(w, rest.Error{Status: http.StatusUnauthorized, Code: graph.CodeUnauthenticated, Message: backupAdminOnly})
			return
		case errors.Is(err, auth.ErrForbidden):
			rest.WriteError(w, rest.Error{Status: http.StatusForbidden, Code: graph.CodeForbidden, Message: backupAdminOnly})
			return
		default:
			rest.WriteError(w, rest.Error{Status: http.StatusServiceUnavailable, Code: graph.CodeUnavailable,
				Message: "aanmelden is tijdelijk niet mogelijk"})
			return
		}
		if backup == nil {
			rest.WriteError(w, rest.Error{Status: http.StatusNotImplemented, Code: "NOT_IMPLEMENTED",
				Message: "deze server gebruikt MongoDB: maak een reservekopie met mongodump"})
			return
		}
		// A large store takes longer than the server's write timeout.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Minute))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="praktijkenbank-%s.db"`, time.Now().UTC().Format("20060102T150405Z")))
		w.Header().Set("Cache-Control", "no-store")
		if _, err := backup(w); err != nil {
			// Headers are gone; breaking the connection tells the client the copy is incomplete.
			panic(http.ErrAbortHandler)
		}
	})
}
