package insight

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// The benchmark of the aggregations, shared by the package's Go
// benchmarks and `praktijkenbank bench insight`.

// BenchCorpus returns n generated practices (search.GenerateCorpus) whose
// factor texts are varied the way people write them: other case, a full
// stop, an article, a plural, a qualifying word, so that there are many
// phrasings and groups.
func BenchCorpus(n int, seed int64) []practice.Practice {
	ps := search.GenerateCorpus(n, seed)
	r := rand.New(rand.NewPCG(uint64(seed), 0xfac7))
	vary := func(ss []string) []string {
		out := make([]string, 0, len(ss))
		for _, s := range ss {
			switch r.IntN(8) {
			case 0:
				s = strings.ToUpper(s[:1]) + s[1:]
			case 1:
				s += "."
			case 2:
				s = "de " + s
			case 3, 4:
				s += " " + benchQualifiers[r.IntN(len(benchQualifiers))]
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	for i := range ps {
		ps[i].SuccessFactors = vary(ps[i].SuccessFactors)
		ps[i].Pitfalls = vary(ps[i].Pitfalls)
		ps[i].Bottlenecks = vary(ps[i].Bottlenecks)
	}
	return ps
}

var benchQualifiers = []string{
	"in de wijk", "bij jongeren", "met het OCMW", "op lange termijn", "van bij de start", "voor ouderen",
	"in kleine gemeenten", "met vrijwilligers", "in de school", "met het lokaal bestuur", "op het platteland",
	"bij nieuwkomers", "in Brussel", "met huisartsen", "voor gezinnen", "in het buurthuis", "via huisbezoeken",
	"met ervaringsdeskundigen", "tijdens de winter", "na de coronacrisis", "in samenwerking met het CAW",
	"met een vaste coach", "in de eerstelijnszone", "bij mensen in armoede", "met digitale hulpmiddelen",
}

// Workload is one aggregation as the benchmark runs it; i varies the filter.
type Workload struct {
	Name string
	Run  func(in *Insight, i int) error
}

// Workloads are the aggregations measured: the ones with a target of p99 ≤
// 200 ms at 100,000 practices first.
func Workloads(plan *actionplan.Plan) []Workload {
	var regions, krachtlijnen []string
	for _, r := range plan.Regions {
		regions = append(regions, r.ID)
	}
	for _, k := range plan.Krachtlijnen {
		krachtlijnen = append(krachtlijnen, k.Code)
	}
	reg := func(i int) string { return regions[i%len(regions)] }
	filtered := func(i int) filter.Filter {
		from := 2010 + i%12
		return filter.Filter{Regions: []string{reg(i)}, Krachtlijnen: []string{krachtlijnen[i%len(krachtlijnen)]}, FromYear: &from}
	}
	discard := func(_ any, err error) error { return err }
	return []Workload{
		{"successFactors(filter)", func(in *Insight, i int) error {
			return discard(in.Factors(FactorQuery{Kind: SuccessFactors, Filter: filtered(i), First: 20}))
		}},
		{"coverage(ACTION×REGION)", func(in *Insight, i int) error {
			return discard(in.Coverage(DimAction, DimRegion, filter.Filter{}))
		}},
		{"distinctiveFactors(region)", func(in *Insight, i int) error {
			return discard(in.Distinctive(DistinctiveQuery{Kind: Kind(i % 2), Filter: filter.Filter{Regions: []string{reg(i)}}, First: 20}))
		}},
		{"regionReport", func(in *Insight, i int) error {
			return discard(in.Report(reg(i), 2020+i%5))
		}},
		{"successFactors(all)", func(in *Insight, i int) error {
			return discard(in.Factors(FactorQuery{Kind: SuccessFactors, First: 100}))
		}},
		{"factorTerms(all)", func(in *Insight, i int) error {
			return discard(in.Terms(FactorQuery{Kind: Pitfalls, First: 50}))
		}},
		{"coverage(YEAR×CHALLENGE, filter)", func(in *Insight, i int) error {
			return discard(in.Coverage(DimYear, DimChallenge, filtered(i)))
		}},
		{"coverage(KRACHTLIJN×KRACHTLIJN)", func(in *Insight, i int) error {
			return discard(in.Coverage(DimKrachtlijn, DimKrachtlijn, filter.Filter{}))
		}},
	}
}

// Timing is the distribution of one workload's latencies.
type Timing struct {
	Name          string
	Runs          int
	P50, P99, Max time.Duration
}

func (t Timing) String() string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf("%-34s runs %4d  p50 %9s  p99 %9s  max %9s", t.Name, t.Runs, ms(t.P50), ms(t.P99), ms(t.Max))
}

// Measure runs w rounds times on in and returns its latencies.
func Measure(in *Insight, w Workload, rounds int) (Timing, error) {
	ds := make([]time.Duration, 0, rounds)
	for i := range rounds {
		start := time.Now()
		if err := w.Run(in, i); err != nil {
			return Timing{}, fmt.Errorf("%s: %w", w.Name, err)
		}
		ds = append(ds, time.Since(start))
	}
	return timingFrom(w.Name, ds), nil
}

// timingFrom summarises latencies (sorting ds).
func timingFrom(name string, ds []time.Duration) Timing {
	if len(ds) == 0 {
		return Timing{Name: name}
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return Timing{Name: name, Runs: len(ds), P50: q(0.50), P99: q(0.99), Max: ds[len(ds)-1]}
}
