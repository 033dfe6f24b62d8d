package insight

import (
	"sync"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

var benchView = sync.OnceValue(func() *Insight {
	in := New(actionplan.Default)
	in.Apply(BenchCorpus(100_000, 1))
	return in
})

// BenchmarkAggregations runs every aggregation over 100,000 practices and
// reports its p50 and p99 latency (target: p99 ≤ 200 ms on 2 cores).
func BenchmarkAggregations(b *testing.B) {
	in := benchView()
	for _, w := range Workloads(actionplan.Default()) {
		b.Run(w.Name, func(b *testing.B) {
			ds := make([]time.Duration, 0, b.N)
			i := 0
			for b.Loop() {
				start := time.Now()
				if err := w.Run(in, i); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
				i++
			}
			t := timingFrom(w.Name, ds)
			b.ReportMetric(float64(t.P50)/1e6, "p50-ms")
			b.ReportMetric(float64(t.P99)/1e6, "p99-ms")
		})
	}
}

// BenchmarkApply measures keeping the view current: one submission of 500
// changed practices.
func BenchmarkApply(b *testing.B) {
	in := New(actionplan.Default)
	ps := BenchCorpus(20_000, 2)
	in.Apply(ps)
	for b.Loop() {
		for i := range ps[:500] {
			ps[i].Seq += 20_000
		}
		in.Apply(ps[:500])
	}
}
