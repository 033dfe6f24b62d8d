package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/rest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// dbFile is the embedded store's file in the data dir.
const dbFile = "praktijkenbank.db"

// backupCmd writes a consistent copy of the embedded store: through a running
// server (GET /admin/backup, admin token) or, when none runs, from the data dir.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	to := fs.String("to", "", "het bestand waarin de reservekopie komt (verplicht)")
	serverURL := fs.String("server", "", "neem de kopie via een draaiende server, bv. http://localhost:8080")
	token := fs.String("token", getenv(envAdminToken), "beheerderstoken voor --server ($"+envAdminToken+")")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *to == "" || fs.NArg() > 0 {
		return usageError{errors.New("gebruik: praktijkenbank backup --to BESTAND [--server URL --token T]")}
	}
	if c.MongoURI != "" {
		return usageError{errors.New("backup kopieert de ingebouwde opslag; maak van MongoDB een reservekopie met mongodump (zie README)")}
	}
	tmp, err := os.CreateTemp(filepath.Dir(*to), ".backup-*")
	if err != nil {
		return fmt.Errorf("reservekopie aanmaken: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	var n int64
	if *serverURL != "" {
		n, err = downloadBackup(ctx, *serverURL, *token, tmp)
	} else {
		var st *bolt.Store
		st, err = bolt.Open(filepath.Join(c.DataDir, dbFile), bolt.WithOpenTimeout(time.Second))
		if errors.Is(err, bolt.ErrLocked) {
			return dataDirInUse(c.DataDir, "de server draait; neem de reservekopie via de server: praktijkenbank backup --to "+*to+" --server http://localhost:8080 --token <beheerderstoken>", err)
		}
		if err != nil {
			return err
		}
		n, err = st.Backup(tmp)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	summary, err := inspectBackup(ctx, tmp.Name())
	if err != nil {
		return fmt.Errorf("de reservekopie is niet bruikbaar: %w", err)
	}
	if err := os.Rename(tmp.Name(), *to); err != nil {
		return fmt.Errorf("reservekopie bewaren: %w", err)
	}
	fmt.Fprintf(stdout, "Reservekopie %s geschreven (%d bytes): %s.\n", *to, n, summary)
	return nil
}

func downloadBackup(ctx context.Context, server, token string, w io.Writer) (int64, error) {
	endpoint, err := serverEndpoint(server, "/admin/backup")
	if err != nil {
		return 0, err
	}
	if token == "" {
		return 0, usageError{errors.New("--server vraagt het beheerderstoken (--token of $" + envAdminToken + ")")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("server bereiken: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return 0, fmt.Errorf("de server weigert de reservekopie: %s %s", resp.Status, rest.Message(msg))
	}
	return io.Copy(w, resp.Body)
}

// inspectBackup opens a copy of a backup and says what it holds.
func inspectBackup(ctx context.Context, path string) (string, error) {
	probe, err := os.CreateTemp("", "praktijkenbank-probe-*.db")
	if err != nil {
		return "", err
	}
	defer os.Remove(probe.Name())
	src, err := os.Open(path)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(probe, src)
	src.Close()
	probe.Close()
	if err != nil {
		return "", err
	}
	st, err := bolt.Open(probe.Name(), bolt.WithOpenTimeout(time.Second))
	if err != nil {
		return "", err
	}
	defer st.Close()
	practices := 0
	if err := st.ScanPractices(ctx, func(practice.Practice) error { practices++; return nil }); err != nil {
		return "", err
	}
	invs, err := st.Inventories(ctx, store.InventoryQuery{})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d praktijken, %d inventarissen", practices, len(invs)), nil
}

// restoreCmd puts a backup back as the embedded store of a data dir whose
// server is stopped. The old file is kept beside it, and the search index is
// removed so that it is rebuilt from the restored store at the next start.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	from := fs.String("from", "", "de reservekopie om terug te zetten (verplicht)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *from == "" || fs.NArg() > 0 {
		return usageError{errors.New("gebruik: praktijkenbank restore --from BESTAND [--data-dir D]")}
	}
	if c.MongoURI != "" {
		return usageError{errors.New("restore zet de ingebouwde opslag terug; gebruik mongorestore voor MongoDB (zie README)")}
	}
	summary, err := inspectBackup(ctx, *from)
	if err != nil {
		return fmt.Errorf("%s is geen bruikbare reservekopie: %w", *from, err)
	}
	target := filepath.Join(c.DataDir, dbFile)
	// Holding the store open proves no server uses the data dir meanwhile.
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return err
	}
	current, err := bolt.Open(target, bolt.WithOpenTimeout(time.Second))
	if err != nil {
		if errors.Is(err, bolt.ErrLocked) {
			return dataDirInUse(c.DataDir, "stop de server voor je een reservekopie terugzet", err)
		}
		return err
	}
	staged := target + ".restore"
	if err := copyFile(*from, staged); err != nil {
		current.Close()
		return fmt.Errorf("reservekopie klaarzetten: %w", err)
	}
	kept := fmt.Sprintf("%s.voor-restore-%s", target, time.Now().UTC().Format("20060102T150405Z"))
	if err := copyFile(target, kept); err != nil {
		current.Close()
		os.Remove(staged)
		return fmt.Errorf("huidige opslag bewaren: %w", err)
	}
	if err := current.Close(); err != nil {
		return err
	}
	if err := os.Rename(staged, target); err != nil {
		return fmt.Errorf("reservekopie terugzetten: %w", err)
	}
	if err := os.RemoveAll(filepath.Join(c.DataDir, "index")); err != nil {
		return fmt.Errorf("oude zoekindex verwijderen: %w", err)
	}
	fmt.Fprintf(stdout, "Reservekopie teruggezet in %s (%s). De vorige opslag staat in %s. De zoekindex wordt bij de volgende start opnieuw opgebouwd.\n", target, summary, kept)
	return nil
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
