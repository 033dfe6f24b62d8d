package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

func reindexCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if err := c.finishStore(); err != nil {
		return usageError{err}
	}
	log := newLogger("text", quietLevel)
	st, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer st.Close()
	ix, err := search.Open(filepath.Join(c.DataDir, "index"), actionplan.Default(), search.WithLogger(log))
	if err != nil {
		return fmt.Errorf("zoekindex openen: %w", err)
	}
	defer ix.Close()
	started := time.Now()
	if err := ix.Rebuild(ctx, st); err != nil {
		return fmt.Errorf("zoekindex opbouwen: %w", err)
	}
	n, err := ix.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Zoekindex opnieuw opgebouwd: %d praktijken in %s.\n", n, time.Since(started).Round(time.Millisecond))
	return nil
}
