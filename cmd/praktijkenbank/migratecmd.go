package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// migrateCmd copies a whole store into an empty one (a data dir to MongoDB,
// or back) and verifies the copy.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	from := fs.String("from", "", "bron: een datamap (ingebouwde opslag) of een mongodb://-URI")
	to := fs.String("to", "", "doel, leeg: een datamap of een mongodb://-URI (de database is het pad van de URI, anders $"+envMongoDatabase+", anders praktijkenbank)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Gebruik: praktijkenbank migrate --from BRON --to DOEL\n\n"+
			"Kopieert alles (praktijken met hun volledige geschiedenis, inventarissen, regionale acties,\n"+
			"tokens) naar een lege opslag en controleert de kopie. Stop eerst de servers.\n\n")
		fs.PrintDefaults()
	}
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("onverwachte argumenten: %v", fs.Args())}
	case strings.TrimSpace(*from) == "" || strings.TrimSpace(*to) == "":
		return usageError{errors.New("geef zowel --from als --to (een datamap of een mongodb://-URI)")}
	case sameLocation(*from, *to):
		return usageError{errors.New("--from en --to wijzen naar dezelfde opslag")}
	}
	log := newLogger("text", quietLevel)

	src, srcName, err := openLocation(ctx, *from, true, getenv, log)
	if err != nil {
		return fmt.Errorf("bron: %w", err)
	}
	defer src.Close()
	dst, dstName, err := openLocation(ctx, *to, false, getenv, log)
	if err != nil {
		return fmt.Errorf("doel: %w", err)
	}
	defer dst.Close()
	dumper, ok := src.(store.Dumper)
	if !ok {
		return fmt.Errorf("bron %s kan niet gedumpt worden", srcName)
	}
	loader, ok := dst.(store.Loader)
	if !ok {
		return fmt.Errorf("doel %s kan niet geladen worden", dstName)
	}

	fmt.Fprintf(stdout, "Verhuizen van %s\n          naar %s\n", srcName, dstName)
	started := time.Now()
	lastProgress := started
	rep, err := store.Copy(ctx, dumper, loader, store.WithProgress(func(r store.CopyReport) {
		if time.Since(lastProgress) >= 2*time.Second {
			lastProgress = time.Now()
			fmt.Fprintf(stderr, "  … %d praktijken, %d versies gekopieerd\n", r.Practices, r.Revisions)
		}
	}))
	if errors.Is(err, store.ErrNotEmpty) {
		return fmt.Errorf("%s is niet leeg: verhuizen kan alleen naar een lege opslag, zodat gegevens nooit vermengd raken; kies een nieuwe datamap of database", dstName)
	}
	if err != nil {
		return fmt.Errorf("kopiëren mislukt: %w\nDe doelopslag kan nu half gevuld zijn: maak hem leeg (verwijder de datamap of de database) en probeer opnieuw", err)
	}
	copied := time.Since(started)
	fmt.Fprintf(stdout, "Gekopieerd in %s:\n", copied.Round(time.Millisecond))
	printCounts(stdout, rep)
	if rep.Practices == 0 && rep.Inventories == 0 && rep.Tokens == 0 && rep.Actions == 0 {
		fmt.Fprintln(stdout, "Let op: de bron was leeg. Klopt de datamap of de database?")
	}

	srcSum, dstSum, err := store.Verify(ctx, src, dst)
	if err != nil {
		return fmt.Errorf("controle van de kopie: %w", err)
	}
	fmt.Fprintf(stdout, "Controle geslaagd: het doel is gelijk aan de bron — %d praktijken, elk met zijn huidige toestand en volledige geschiedenis (%d versies), %d inventarissen, %d regionale acties en %d tokens; laatste volgnummer %d in de bron, %d in het doel.\n",
		dstSum.Counts.Practices, dstSum.Counts.Revisions, dstSum.Counts.Inventories, dstSum.Counts.Actions, dstSum.Counts.Tokens,
		srcSum.Counts.LastSeq, dstSum.Counts.LastSeq)
	fmt.Fprintln(stdout, "De zoekindex wordt niet gekopieerd: de server bouwt hem bij de start opnieuw op uit de opslag.")
	return nil
}

func printCounts(w io.Writer, rep store.CopyReport) {
	rows := []struct {
		label string
		n     any
		note  string
	}{
		{"praktijken", rep.Practices, fmt.Sprintf(" (waarvan %d ingetrokken, %d uit de voorbeeldinventaris)", rep.Withdrawn, rep.Demo)},
		{"versies", rep.Revisions, ""},
		{"inventarissen", rep.Inventories, ""},
		{"regionale acties", rep.Actions, ""},
		{"tokens", rep.Tokens, " (alleen de hashes)"},
		{"laatste volgnummer", rep.LastSeq, ""},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-20s %8v%s\n", r.label, r.n, r.note)
	}
}

func isMongoURI(s string) bool {
	return strings.HasPrefix(s, "mongodb://") || strings.HasPrefix(s, "mongodb+srv://")
}

// sameLocation reports whether from and to name the same data dir or URI.
func sameLocation(from, to string) bool {
	if isMongoURI(from) || isMongoURI(to) {
		return from == to
	}
	a, err1 := filepath.Abs(from)
	b, err2 := filepath.Abs(to)
	return err1 == nil && err2 == nil && a == b
}

// openLocation opens a data dir (the embedded store) or a MongoDB URI. A
// source data dir must hold a store already; a target one is created.
func openLocation(ctx context.Context, loc string, source bool, getenv func(string) string, log *slog.Logger) (store.Store, string, error) {
	if isMongoURI(loc) {
		c := config{MongoURI: loc, MongoDatabase: getenv(envMongoDatabase)}
		if err := c.finishStore(); err != nil {
			return nil, "", err
		}
		st, err := openMongo(ctx, c, log)
		if err != nil {
			return nil, "", err
		}
		name := "MongoDB " + maskURI(loc)
		if db, ok := st.(interface{ Database() string }); ok {
			name += " (database " + db.Database() + ")"
		}
		return st, name, nil
	}
	path := filepath.Join(loc, "praktijkenbank.db")
	name := "datamap " + loc + " (ingebouwde opslag)"
	if source {
		if _, err := os.Stat(path); err != nil {
			return nil, "", fmt.Errorf("geen ingebouwde opslag gevonden in %s (verwacht %s)", loc, path)
		}
	}
	st, err := bolt.Open(path, bolt.WithOpenTimeout(2*time.Second))
	if errors.Is(err, bolt.ErrLocked) {
		return nil, "", dataDirInUse(loc, "stop eerst de server die hem gebruikt", err)
	}
	if err != nil {
		return nil, "", fmt.Errorf("opslag %s openen: %w", path, err)
	}
	return st, name, nil
}
