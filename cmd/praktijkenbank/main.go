// Command praktijkenbank is the one binary of Praktijkenbank: the server
// (default), and the commands that regional platforms and administrators use
// on the data dir or against a running server.
//
//	praktijkenbank [serve] [flags]          start the server
//	praktijkenbank import --region R FILE   submit an inventory (JSON, CSV, XLSX)
//	praktijkenbank token create --region R  make a platform token
//	praktijkenbank token list | revoke ID
//	praktijkenbank demo remove              take the demo practices out (the first real inventory does too)
//	praktijkenbank reindex                  rebuild the search index from the store
//	praktijkenbank bench insight [--n N]    time the research aggregations on a generated corpus
//	praktijkenbank migrate --from A --to B  copy a whole store into an empty one and verify it
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "praktijkenbank:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError is a mistake in how the command was called (exit code 2).
type usageError struct{ error }

// dutchError says in Dutch, for the one who runs the command, what an
// internal error (kept for errors.Is, not shown) means.
type dutchError struct {
	msg string
	err error
}

func (e dutchError) Error() string { return e.msg }
func (e dutchError) Unwrap() error { return e.err }

// dataDirInUse presents bolt.ErrLocked: another process holds the data file.
func dataDirInUse(path, advice string, err error) error {
	return dutchError{fmt.Sprintf("de datamap (%s) is in gebruik door een ander proces: %s", path, advice), err}
}

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `Praktijkenbank — goede praktijken van Sterk Sociaal Werk.

Gebruik:
  praktijkenbank [serve] [vlaggen]                start de server (standaard)
  praktijkenbank import --region R [--title T] BESTAND
                                                  dien een inventaris in (JSON, CSV of XLSX)
  praktijkenbank token create --region R [--label L]
                                                  maak een token voor een regionaal platform
  praktijkenbank token list                       toon de tokens (zonder geheimen)
  praktijkenbank token revoke ID                  trek een token in
  praktijkenbank demo remove                      verwijder de voorbeeldpraktijken (gebeurt vanzelf bij de eerste echte inventaris)
  praktijkenbank reindex                          bouw de zoekindex opnieuw op uit de opslag
  praktijkenbank check [--json]                   vergelijk de zoekindex met de opslag (server gestopt)
  praktijkenbank migrate --from BRON --to DOEL    verhuis alles naar een lege opslag (datamap of mongodb://-URI) en controleer de kopie
  praktijkenbank backup --to BESTAND [--server URL --token T]
                                                  neem een reservekopie van de ingebouwde opslag
  praktijkenbank restore --from BESTAND           zet een reservekopie terug (server gestopt)
  praktijkenbank bench insight [--n 100000]      meet de snelheid van de analyses op een gegenereerd corpus
  praktijkenbank bench load [--url URL] [--rate 200] [--duration 60s] [--n 10000]
                                                  zoekopdrachten aan een vast tempo; meet p50, p99 en max
  praktijkenbank healthcheck                      vraag /healthz van de lokale server (voor containers)

'praktijkenbank COMMANDO -h' toont de vlaggen van een commando.
`

// run dispatches to a subcommand; it is main without the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stderr)
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "token":
		return tokenCmd(ctx, args, getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, args, getenv, stdout, stderr)
	case "reindex":
		return reindexCmd(ctx, args, getenv, stdout, stderr)
	case "check":
		return checkCmd(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args, getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args, getenv, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, getenv, stdout)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Errorf("onbekend commando %q", cmd)}
}

// parse parses a flag set, turning its errors into usage errors.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}
