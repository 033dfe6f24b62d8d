package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
)

// benchCmd runs a benchmark: `bench search` (index build and search
// latencies), `bench insight` (the research aggregations) or `bench load`
// (searches at a fixed rate) or `bench hostile` (attacks, one class at a
// time and concurrently, with the server's peak memory).
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "load" {
		return benchLoad(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "hostile" {
		return benchHostile(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "search" {
		return benchSearch(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "insight" {
		return usageError{fmt.Errorf("gebruik: praktijkenbank bench search|insight|load|hostile [vlaggen]; --help toont de vlaggen")}
	}
	fs := flag.NewFlagSet("bench insight", flag.ContinueOnError)
	n := fs.Int("n", 100_000, "aantal gegenereerde praktijken")
	rounds := fs.Int("rounds", 200, "aantal keer dat elke analyse draait")
	seed := fs.Int64("seed", 1, "zaad van de generator")
	if err := parse(fs, args[1:], stderr); err != nil {
		return err
	}
	if *n < 1 || *rounds < 1 {
		return usageError{fmt.Errorf("--n en --rounds moeten positief zijn")}
	}
	plan := actionplan.Default()
	start := time.Now()
	corpus := insight.BenchCorpus(*n, *seed)
	generated := time.Since(start)
	in := insight.New(func() *actionplan.Plan { return plan })
	start = time.Now()
	in.Apply(corpus)
	built := time.Since(start)
	corpus = nil
	runtime.GC()
	fmt.Fprintf(stdout, "insight: %d praktijken (gegenereerd in %s, opgebouwd in %s), %d keer per analyse, GOMAXPROCS %d\n",
		in.Len(), generated.Round(time.Millisecond), built.Round(time.Millisecond), *rounds, runtime.GOMAXPROCS(0))
	for _, w := range insight.Workloads(plan) {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, err := insight.Measure(in, w, *rounds)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, t)
	}
	return nil
}
