package search

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSearch searches 10,000 generated practices with a query, filters
// and all facets (three of them disjunctive), with the result cache off (the
// requests repeat): "onepass" is Search, "bleve" the former search that ran
// filters, facets and sort in Bleve (reference_test.go), for comparison.
func BenchmarkSearch(b *testing.B) {
	corpus := GenerateCorpus(10_000, 1)
	src := newMemSource(corpus...)
	dir := filepath.Join(b.TempDir(), "index")
	ix, err := Open(dir, testPlan(), WithLogger(quietLogger()))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	if _, err := ix.Reconcile(context.Background(), src); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed %d practices in %s", len(corpus), time.Since(start))
	// Measure a settled index, as a server sees it after start: reopen it
	// so that background merging of the bulk load is not measured.
	ix.Close()
	if ix, err = Open(dir, testPlan(), WithLogger(quietLogger()), WithCacheSize(0)); err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	time.Sleep(2 * time.Second)
	reqs := []Request{
		{Query: "buurtwerk jongeren", Filter: Filter{Regions: []string{"limburg", "antwerpen"}, Krachtlijnen: []string{"NABIJHEID"}}},
		{Query: "armoedebestrijding", Filter: Filter{Challenges: []string{"onderbescherming"}, FromYear: ptr(2015), ToYear: ptr(2020)}},
		{Query: "digitale inclusie voor ouderen", Filter: Filter{Regions: []string{"brussel"}}},
		{Query: "nabijheit", Filter: Filter{Actions: []string{"vermaatschappelijking-1"}}},
		{Filter: Filter{Regions: []string{"west-vlaanderen"}}, Sort: SortNewest},
	}
	ctx := context.Background()
	for _, impl := range []struct {
		name   string
		search func(context.Context, Request) (Result, error)
	}{{"onepass", ix.Search}, {"bleve", ix.searchRef}} {
		b.Run(impl.name, func(b *testing.B) {
			cpu0 := cpuTime()
			i := 0
			for b.Loop() {
				if _, err := impl.search(ctx, reqs[i%len(reqs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			// Wall time per op depends on what else runs on the machine; the
			// process CPU time per op does much less.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(i), "cpu-ms/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBuild builds the index of 10,000 generated practices from an
// empty directory (what Reconcile does for an absent index and what
// `praktijkenbank reindex` does) and reports practices per second.
func BenchmarkBuild(b *testing.B) {
	corpus := GenerateCorpus(10_000, 1)
	src := newMemSource(corpus...)
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "index")
		ix, err := Open(dir, testPlan(), WithLogger(quietLogger()))
		if err != nil {
			b.Fatal(err)
		}
		start, cpu0 := time.Now(), cpuTime()
		if _, err := ix.Reconcile(context.Background(), src); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(corpus))/time.Since(start).Seconds(), "practices/s")
		// Background merging goes on after Reconcile; the CPU time is a
		// steadier figure than the wall time on a shared machine.
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(len(corpus)), "cpu-µs/practice")
		ix.Close()
	}
}
