package server

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
)

// backupHandler streams a consistent copy of the embedded store to the admin.
func backupHandler(a *auth.Service, backup func(io.Writer) (int64, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err == nil {
			err = auth.RequireAdmin(p)
		}
		if err != nil {
			status := http.StatusForbidden
			if p == nil {
				status = http.StatusUnauthorized
			}
			http.Error(w, "alleen de beheerder kan een reservekopie nemen", status)
			return
		}
		if backup == nil {
			http.Error(w, "deze server gebruikt MongoDB: maak een reservekopie met mongodump", http.StatusNotImplemented)
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
