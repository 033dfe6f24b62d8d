package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// quietLevel keeps the commands' own output readable.
const quietLevel = slog.LevelWarn

func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("gebruik: praktijkenbank token create --region R [--label L] | token list | token revoke ID")}
	}
	sub, args := args[0], args[1:]
	var c config
	fs := flag.NewFlagSet("token "+sub, flag.ContinueOnError)
	storeFlags(fs, &c, getenv)
	region := fs.String("region", "", "de regio die het token mag schrijven (bij create)")
	label := fs.String("label", "", "een naam om het token te herkennen (bij create)")
	if err := parseStoreCommand(fs, &c, args, stderr); err != nil {
		return err
	}
	a, err := openOffline(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.close()
	st := a.store
	plan := actionplan.Default()
	svc := auth.NewService(st, "", func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)

	switch sub {
	case "create":
		if *region == "" || fs.NArg() > 0 {
			return usageError{errors.New("gebruik: praktijkenbank token create --region R [--label L]")}
		}
		secret, t, err := svc.CreatePlatformToken(ctx, auth.Admin, *region, *label)
		if msg, ok := refusal.Dutch(err); ok {
			return dutchError{msg, err}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Token %s voor regio %s (%s). Bewaar het nu: het wordt niet meer getoond.\n%s\n", t.ID, t.Region, t.Label, secret)
	case "list":
		tokens, err := svc.Tokens(ctx, auth.Admin)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tREGIO\tLABEL\tAANGEMAAKT\tSTATUS")
		for _, t := range tokens {
			status := "actief"
			if !t.Active() {
				status = "ingetrokken " + t.RevokedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Region, t.Label, t.CreatedAt.Format("2006-01-02 15:04"), status)
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return usageError{errors.New("gebruik: praktijkenbank token revoke ID")}
		}
		t, err := svc.Revoke(ctx, auth.Admin, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Token %s (%s, %s) is ingetrokken.\n", t.ID, t.Region, t.Label)
	default:
		return usageError{fmt.Errorf("onbekend token-commando %q: create, list of revoke", sub)}
	}
	return nil
}
