package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

func reindexCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	if err := parseStoreCommand(fs, &c, args, stderr); err != nil {
		return err
	}
	a, err := openOffline(ctx, c, true)
	if err != nil {
		return err
	}
	defer a.close()
	ix := a.index
	started := time.Now()
	if err := ix.Rebuild(ctx, a.store); err != nil {
		return fmt.Errorf("zoekindex opbouwen: %w", err)
	}
	n, err := ix.DocCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Zoekindex opnieuw opgebouwd: %d praktijken in %s.\n", n, time.Since(started).Round(time.Millisecond))
	return nil
}
