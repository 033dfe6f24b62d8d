package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// maxInventoryPractices is the most practices one inventory may carry (v1).
const maxInventoryPractices = 5000

// generatedInventories groups generated practices (search.GenerateCorpus)
// into v1 inventories: per region, at most 5000 practices each.
func generatedInventories(ps []practice.Practice, title string) []practice.InventoryInput {
	var out []practice.InventoryInput
	open := map[string]int{} // region → index in out of its inventory being filled
	for _, p := range ps {
		i, ok := open[p.Region]
		if !ok || len(out[i].Practices) == maxInventoryPractices {
			out = append(out, practice.InventoryInput{Format: practice.Format, Region: p.Region, Title: title})
			i = len(out) - 1
			open[p.Region] = i
		}
		out[i].Practices = append(out[i].Practices, practice.PracticeInput{Ref: p.Ref, Content: p.Content})
	}
	return out
}

// benchLoad is `praktijkenbank bench load`: searches at a fixed rate (an
// open model: every request starts on its schedule whether or not earlier
// ones have been answered, and its latency counts from its scheduled time,
// so a slow server cannot hide behind a slow client), against a running
// server or an in-process one on a temporary data dir with generated
// practices.
func benchLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench load", flag.ContinueOnError)
	url := fs.String("url", "", "basis-URL van een draaiende server; leeg: een server in dit proces met gegenereerde praktijken")
	rate := fs.Float64("rate", 200, "zoekopdrachten per seconde")
	duration := fs.Duration("duration", time.Minute, "hoe lang")
	n := fs.Int("n", 10_000, "aantal gegenereerde praktijken (zonder --url)")
	seed := fs.Int64("seed", 1, "zaad van de generator en van de zoekopdrachten")
	timeout := fs.Duration("timeout", 10*time.Second, "een antwoord dat langer duurt telt als fout")
	settle := fs.Duration("settle", 15*time.Second, "wachttijd na het vullen, zodat de index zijn segmenten samenvoegt zoals bij een draaiende server (zonder --url)")
	cpuProfile := fs.String("cpuprofile", "", "schrijf een CPU-profiel van dit proces (server inbegrepen zonder --url) naar dit bestand")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *rate <= 0 || *duration <= 0 || *n < 1 {
		return usageError{errors.New("--rate, --duration en --n moeten positief zijn")}
	}
	target := strings.TrimSuffix(*url, "/")
	cacheStats := func() (search.CacheStats, bool) { return search.CacheStats{}, false }
	if target == "" {
		serverGC(os.Getenv)
		setMemoryLimit(os.Getenv, availableMemory)
		u, ix, stop, err := benchServer(ctx, *n, *seed, stdout)
		if err != nil {
			return err
		}
		defer stop()
		target = u
		time.Sleep(*settle)
		before := ix.CacheStats()
		cacheStats = func() (search.CacheStats, bool) {
			s := ix.CacheStats()
			return search.CacheStats{Hits: s.Hits - before.Hits, Misses: s.Misses - before.Misses}, true
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	fmt.Fprintf(stdout, "belasting: %.0f zoekopdrachten/s gedurende %s tegen %s (GOMAXPROCS %d, load average %s)\n",
		*rate, *duration, target, runtime.GOMAXPROCS(0), loadAverage())
	r := runLoad(ctx, target, *rate, *duration, *timeout, *seed)
	fmt.Fprintln(stdout, r)
	if cs, ok := cacheStats(); ok {
		fmt.Fprintf(stdout, "resultaatcache (aan, zoals in productie): %d uit de cache, %d berekend\n", cs.Hits, cs.Misses)
	}
	fmt.Fprintf(stdout, "load average na afloop: %s\n", loadAverage())
	if r.errors > 0 {
		return fmt.Errorf("%d van %d zoekopdrachten mislukt", r.errors, r.sent)
	}
	return nil
}

// benchServer starts an in-process server on a temporary data dir filled
// with n generated practices; rate limits are off.
func benchServer(ctx context.Context, n int, seed int64, stdout io.Writer) (url string, ix *search.Index, stop func(), err error) {
	dir, err := os.MkdirTemp("", "praktijkenbank-bench-")
	if err != nil {
		return "", nil, nil, err
	}
	log := slog.New(slog.DiscardHandler)
	a, err := openApp(ctx, config{DataDir: dir}, log)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, nil, err
	}
	cleanup := func() { a.close(); os.RemoveAll(dir) }
	started := time.Now()
	for _, in := range generatedInventories(search.GenerateCorpus(n, seed), "Gegenereerd voor de belastingstest") {
		res, err := a.bank.Submit(ctx, auth.Admin, in, bank.SubmitOptions{Source: "bench"})
		if err == nil && len(res.Problems) > 0 {
			err = res.Problems
		}
		if err != nil {
			cleanup()
			return "", nil, nil, fmt.Errorf("gegenereerde inventaris %s: %w", in.Region, err)
		}
	}
	fmt.Fprintf(stdout, "%d gegenereerde praktijken ingediend in %s\n", n, time.Since(started).Round(time.Millisecond))
	opts := server.Defaults()
	opts.RateLimits = server.RateLimits{}
	srv := server.HTTPServer(server.New(server.Deps{Bank: a.bank, Auth: a.auth, Log: log}, opts), server.DefaultTimeouts())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cleanup()
		return "", nil, nil, err
	}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), a.index, func() { srv.Close(); cleanup() }, nil
}

// loadResult is what a load run measured; latencies count from the scheduled start.
type loadResult struct {
	sent, errors int
	sending      time.Duration   // from the first scheduled start to the last actual one
	elapsed      time.Duration   // until the last answer
	latencies    []time.Duration // of the successful searches
	firstErrors  []string
}

func (r loadResult) String() string {
	q := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))].Round(10 * time.Microsecond)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "verstuurd %d (%.1f/s), fouten %d, beantwoord %.1f/s; latentie p50 %s, p90 %s, p99 %s, max %s",
		r.sent, float64(r.sent)/max(r.sending, time.Second).Seconds(), r.errors, float64(len(r.latencies))/r.elapsed.Seconds(), q(0.50), q(0.90), q(0.99), q(1))
	for _, e := range r.firstErrors {
		fmt.Fprintf(&b, "\n  fout: %s", e)
	}
	return b.String()
}

func runLoad(ctx context.Context, url string, rate float64, duration, timeout time.Duration, seed int64) loadResult {
	client := &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute},
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0xbe7c4))
	total := int(rate * duration.Seconds())
	bodies := make([][]byte, total)
	for i := range bodies {
		bodies[i] = loadQuery(rng)
	}
	var (
		mu  sync.Mutex
		res = loadResult{latencies: make([]time.Duration, 0, total)}
		wg  sync.WaitGroup
	)
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := 0; i < total && ctx.Err() == nil; i++ {
		at := start.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		res.sent++
		wg.Add(1)
		go func(body []byte) {
			defer wg.Done()
			err := loadSearch(ctx, client, url, body)
			took := time.Since(at)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.errors++
				if len(res.firstErrors) < 5 {
					res.firstErrors = append(res.firstErrors, err.Error())
				}
				return
			}
			res.latencies = append(res.latencies, took)
		}(bodies[i])
	}
	mu.Lock()
	res.sending = time.Since(start)
	mu.Unlock()
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.latencies)
	return res
}

func loadSearch(ctx context.Context, client *http.Client, url string, body []byte) error {
	_, err := postSearch(ctx, client, url+"/graphql", body)
	return err
}

// The mix: what practitioners type (with plurals, compounds and typos),
// filters and facets, the way the web site and scripts ask.
var (
	loadTexts = []string{
		"", "", "jongeren", "nabijheid bij jongeren in Limburg", "digitale kloof OCMW", "armoede", "kinderarmoede",
		"eenzaamheid bij ouderen", "buurtwerk", "mantelzorg", "wijkgericht werken", "vluchtelingen", "schuldhulpverlening",
		"betaalbaar wonen", "dak- en thuisloosheid", "outreachend werken", "jeugdwerk", "digitale vaardigheden", "ontmoeting",
		"samenwerking met huisartsen", "participatie", "vrijwilligers", "jongerne", "eenzaamhied", "buurtgerichte zorg",
		"onderbescherming van rechten", "sociale kruidenier", "laagdrempelig", "drempels OCMW", "gezondheid", "nieuwkomers Gent",
		"samenwerken met scholen", "politiserend werken", "recht op energie", "digipunt", "wijkteams",
	}
	loadRegions      = []string{"antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"}
	loadKrachtlijnen = []string{"NABIJHEID", "POLITISEREND", "PROCESMATIG", "GENERALISTISCH", "VERBINDEND"}
	loadChallenges   = []string{"vermaatschappelijking", "digitalisering", "diversiteit", "duurzaamheid", "vertrouwen", "samenwerking", "hybridisering", "onderbescherming"}
	loadSorts        = []string{"RELEVANCE", "RELEVANCE", "RELEVANCE", "NEWEST", "TITLE"}
)

const loadFacets = ` facets { krachtlijnen { value count } challenges { value count } regions { value count } years { value count } }`

// loadQuery makes one search request body.
func loadQuery(r *rand.Rand) []byte {
	pick := func(ss []string, max int) []string {
		k := 1 + r.IntN(max)
		out := make([]string, 0, k)
		for _, i := range r.Perm(len(ss))[:k] {
			out = append(out, ss[i])
		}
		return out
	}
	filter := map[string]any{}
	if r.IntN(3) == 0 {
		filter["regions"] = pick(loadRegions, 2)
	}
	if r.IntN(4) == 0 {
		filter["krachtlijnen"] = pick(loadKrachtlijnen, 2)
	}
	if r.IntN(5) == 0 {
		filter["challenges"] = pick(loadChallenges, 2)
	}
	if r.IntN(6) == 0 {
		from := 2008 + r.IntN(12)
		filter["fromYear"], filter["toYear"] = from, from+r.IntN(6)
	}
	fields := ` total edges { cursor score node { id title summary region { id name } krachtlijnen } highlights { field fragments } } pageInfo { hasNextPage endCursor }`
	if r.IntN(10) < 7 { // the web site always asks the facets; scripts often don't
		fields += loadFacets
	}
	first := []int{10, 20, 20, 50}[r.IntN(4)]
	body, _ := json.Marshal(map[string]any{
		"query": `query Zoek($q: String, $f: PracticeFilter, $s: PracticeSort, $n: Int) { searchPractices(query: $q, filter: $f, sort: $s, first: $n) {` + fields + ` } }`,
		"variables": map[string]any{
			"q": loadTexts[r.IntN(len(loadTexts))], "f": filter, "s": loadSorts[r.IntN(len(loadSorts))], "n": first,
		},
		"operationName": "Zoek",
	})
	return body
}

// loadAverage is the machine's load average (1, 5 and 15 minutes), where known.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "onbekend"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "onbekend"
	}
	return strings.Join(f[:3], " ")
}
