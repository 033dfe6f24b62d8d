package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// errInconsistent is the answer of check when the index differs from the store.
var errInconsistent = errors.New("de zoekindex wijkt af van de opslag; 'praktijkenbank reindex' of een herstart herstelt dat")

// checkCmd compares the search index with the store, document by document
// (id and seq), without changing either: run it with the server stopped.
func checkCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	asJSON := fs.Bool("json", false, "het verslag als JSON")
	if err := parseStoreCommand(fs, &c, args, stderr); err != nil {
		return err
	}
	a, err := openOffline(ctx, c, true)
	if err != nil {
		return err
	}
	defer a.close()
	rep, err := a.index.Check(ctx, a.store)
	if err != nil {
		return fmt.Errorf("zoekindex nakijken: %w", err)
	}
	if *asJSON {
		out := struct {
			search.CheckReport
			Consistent bool `json:"consistent"`
		}{rep, rep.Consistent()}
		if err := json.NewEncoder(stdout).Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "Opslag: %d levende praktijken (volgnummer %d). Zoekindex: %d documenten (bij tot volgnummer %d).\n",
			rep.Live, rep.StoreSeq, rep.Indexed, rep.AppliedSeq)
		fmt.Fprintf(stdout, "Ontbrekend %d, verouderd %d, ingetrokken maar nog vindbaar %d, overbodig %d.\n",
			rep.Missing, rep.Stale, rep.Withdrawn, rep.Extra)
	}
	if !rep.Consistent() {
		return errInconsistent
	}
	if !*asJSON {
		fmt.Fprintln(stdout, "De zoekindex klopt met de opslag.")
	}
	return nil
}
