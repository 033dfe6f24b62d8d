package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
)

// demoCmd manages the demo inventory: "demo remove" takes its practices out
// of search, lists and analyses (as the first real inventory does by itself).
func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "remove" {
		return usageError{errors.New("gebruik: praktijkenbank demo remove")}
	}
	var c config
	fs := flag.NewFlagSet("demo remove", flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	if err := parseStoreCommand(fs, &c, args[1:], stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("onverwachte argumenten: %v", fs.Args())}
	}
	a, err := openApp(ctx, c, newLogger("text", quietLevel))
	if err != nil {
		return err
	}
	defer a.close()
	n, err := a.bank.RemoveDemo(ctx, auth.Admin)
	if err != nil {
		return fmt.Errorf("voorbeeldpraktijken verwijderen (%d al verwijderd): %w", n, err)
	}
	if n == 0 {
		fmt.Fprintln(stdout, "Er zijn geen voorbeeldpraktijken (meer).")
		return nil
	}
	fmt.Fprintf(stdout, "%d voorbeeldpraktijken verwijderd: ze staan niet meer in de zoekresultaten, lijsten en analyses.\n", n)
	return nil
}
