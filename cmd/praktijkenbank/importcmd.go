package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// errRefused means the inventory was refused; the problems were printed.
var errRefused = errors.New("de inventaris werd geweigerd; er is niets opgeslagen")

// cliPrincipal is who writes through the command line on the data dir: whoever
// can open the data dir is its administrator.
var cliPrincipal = &auth.Principal{Role: auth.RoleAdmin, Label: "cli"}

func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	region := fs.String("region", "", "de regio van de inventaris (verplicht, behalve voor een export met een kolom region): antwerpen, limburg, oost-vlaanderen, vlaams-brabant, west-vlaanderen, brussel")
	title := fs.String("title", "", "titel van de inventaris (CSV en XLSX; standaard de bestandsnaam)")
	submittedBy := fs.String("submitted-by", "", "wie de inventaris indient")
	from := fs.String("from", "", "begin van de periode, JJJJ-MM-DD")
	to := fs.String("to", "", "einde van de periode, JJJJ-MM-DD")
	dryRun := fs.Bool("dry-run", false, "alleen controleren, niets opslaan")
	serverURL := fs.String("server", "", "dien in via een draaiende server, bv. https://praktijkenbank.example")
	token := fs.String("token", getenv("PRAKTIJKENBANK_TOKEN"), "token voor --server ($PRAKTIJKENBANK_TOKEN)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("geef precies één bestand: praktijkenbank import --region R [--title T] BESTAND")}
	}
	path := fs.Arg(0)
	if *title == "" {
		*title = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	var period *practice.Period
	if *from != "" || *to != "" {
		period = &practice.Period{From: *from, To: *to}
	}
	if strings.TrimSpace(*region) == "" {
		if *serverURL != "" {
			return usageError{errors.New("--region is verplicht met --server")}
		}
		meta := importer.Meta{Title: *title, SubmittedBy: *submittedBy, Period: period}
		return importExport(ctx, c, path, meta, *dryRun, stdout)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bestand openen: %w", err)
	}
	defer f.Close()
	file := bank.File{Name: filepath.Base(path), Body: f, Region: *region, Title: *title, SubmittedBy: *submittedBy, Period: period}

	var res bank.SubmitResult
	if *serverURL != "" {
		if *token == "" {
			return usageError{errors.New("--server vraagt een --token (of $PRAKTIJKENBANK_TOKEN)")}
		}
		res, err = uploadRemote(ctx, *serverURL, *token, file, *dryRun)
	} else {
		if err := c.finishStore(); err != nil {
			return usageError{err}
		}
		log := newLogger("text", quietLevel)
		var a *app
		a, err = openApp(ctx, c, log)
		if err != nil {
			return err
		}
		defer a.close()
		res, err = a.bank.SubmitFile(ctx, cliPrincipal, file, bank.SubmitOptions{DryRun: *dryRun, Source: "import"})
	}
	if err != nil {
		return err
	}
	return report(stdout, *region, res)
}

// importExport imports a file with a region column (an export of several
// regions) without --region: one inventory per region. Every part is checked
// first (a dry run), and only when all pass are they written, each whole.
func importExport(ctx context.Context, c config, path string, meta importer.Meta, dryRun bool, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("bestand openen: %w", err)
	}
	defer f.Close()
	read, problems := importer.Read(f, filepath.Base(path), meta)
	if len(problems) > 0 {
		return report(stdout, "", bank.SubmitResult{Problems: problems})
	}
	if read.Regions == nil {
		return usageError{errors.New("--region is verplicht (het bestand heeft geen kolom region, zoals een export)")}
	}
	parts := read.SplitByRegion()
	for _, p := range parts {
		if p.Input.Region == "" {
			return usageError{errors.New("--region is verplicht: niet elke rij van het bestand heeft een regio")}
		}
	}
	if err := c.finishStore(); err != nil {
		return usageError{err}
	}
	a, err := openApp(ctx, c, newLogger("text", quietLevel))
	if err != nil {
		return err
	}
	defer a.close()
	submit := func(p importer.Result, dry bool) (bank.SubmitResult, error) {
		return a.bank.Submit(ctx, cliPrincipal, p.Input, bank.SubmitOptions{DryRun: dry, Source: "import." + string(p.Kind), Path: p.Path})
	}
	for _, p := range parts {
		res, err := submit(p, true)
		if err != nil {
			return err
		}
		if len(res.Problems) > 0 || dryRun {
			if err := report(stdout, p.Input.Region, res); err != nil {
				return err
			}
		}
	}
	if dryRun {
		return nil
	}
	for _, p := range parts {
		res, err := submit(p, false)
		if err != nil {
			return err
		}
		if err := report(stdout, p.Input.Region, res); err != nil {
			return err
		}
	}
	return nil
}

// report prints what a submission did, or why it was refused.
func report(w io.Writer, region string, res bank.SubmitResult) error {
	if len(res.Problems) > 0 {
		fmt.Fprintf(w, "De inventaris werd geweigerd: %d probleem/problemen. Er is niets opgeslagen.\n", len(res.Problems))
		for _, p := range res.Problems {
			fmt.Fprintf(w, "  %s: %s [%s]\n", p.Path, p.Message, p.Code)
		}
		return errRefused
	}
	counts := fmt.Sprintf("%d nieuw, %d gewijzigd, %d ongewijzigd", res.Created, res.Updated, res.Unchanged)
	if res.DryRun {
		fmt.Fprintf(w, "Proefrit voor regio %s: de inventaris is in orde. Bij indienen: %s. Er is niets opgeslagen.\n", region, counts)
		return nil
	}
	fmt.Fprintf(w, "Inventaris %s opgeslagen voor regio %s: %s.\n", res.Inventory.ID, res.Inventory.Region, counts)
	return nil
}

const uploadMutation = `mutation($file: Upload!, $region: ID!, $title: String, $submittedBy: String, $period: PeriodInput, $dryRun: Boolean) {
  uploadInventory(file: $file, region: $region, title: $title, submittedBy: $submittedBy, period: $period, dryRun: $dryRun) {
    inventory { id region { id } }
    errors { path code message }
    dryRun created updated unchanged
  }
}`

// serverEndpoint is path on the server given with --server, which must be an
// http(s) address.
func serverEndpoint(server, path string) (string, error) {
	u, err := url.Parse(strings.TrimSuffix(server, "/") + path)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", usageError{fmt.Errorf("--server %q is geen http(s)-adres", server)}
	}
	return u.String(), nil
}

// uploadRemote sends the file to a running server as a GraphQL multipart request.
func uploadRemote(ctx context.Context, server, token string, f bank.File, dryRun bool) (bank.SubmitResult, error) {
	endpoint, err := serverEndpoint(server, "/graphql")
	if err != nil {
		return bank.SubmitResult{}, err
	}
	ops, _ := json.Marshal(map[string]any{
		"query": uploadMutation,
		"variables": map[string]any{
			"file": nil, "region": f.Region, "title": f.Title, "submittedBy": f.SubmittedBy,
			"period": f.Period, "dryRun": dryRun,
		},
	})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0": ["variables.file"]}`)
	part, _ := mw.CreateFormFile("0", f.Name)
	if _, err := io.Copy(part, f.Body); err != nil {
		return bank.SubmitResult{}, fmt.Errorf("bestand lezen: %w", err)
	}
	_ = mw.Close()

	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, &body)
	if err != nil {
		return bank.SubmitResult{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return bank.SubmitResult{}, fmt.Errorf("server bereiken: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			UploadInventory *struct {
				Inventory *struct {
					ID     string
					Region struct{ ID string }
				}
				Errors    []practice.Problem
				DryRun    bool
				Created   int
				Updated   int
				Unchanged int
			}
		}
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&out); err != nil {
		return bank.SubmitResult{}, fmt.Errorf("antwoord van de server (%s) niet te lezen: %w", resp.Status, err)
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		return bank.SubmitResult{}, fmt.Errorf("de server weigert: %s (%s)", e.Message, e.Extensions.Code)
	}
	p := out.Data.UploadInventory
	if p == nil {
		return bank.SubmitResult{}, fmt.Errorf("leeg antwoord van de server (%s)", resp.Status)
	}
	res := bank.SubmitResult{Problems: p.Errors, DryRun: p.DryRun, Created: p.Created, Updated: p.Updated, Unchanged: p.Unchanged}
	if p.Inventory != nil {
		res.Inventory = &practice.Inventory{ID: p.Inventory.ID, Region: p.Inventory.Region.ID}
	}
	return res, nil
}
