package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// benchSearch is `praktijkenbank bench search`: for each corpus size it
// fills an embedded store with generated practices, builds the search index
// from it (the rebuild that `reindex` and a missing index do), and runs one
// fixed mixed set of searches both over HTTP GraphQL against an in-process
// server and straight on the index (search.Index.Search: the Bleve query,
// filters, the seven facets and highlights, without HTTP, GraphQL and the
// store). Searches run one at a time, the two ways interleaved, with the
// result cache off so that every search is computed.
func benchSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	sizes := fs.String("n", "10000,100000", "aantallen gegenereerde praktijken, door komma's gescheiden")
	rounds := fs.Int("rounds", 10, "aantal keer dat de vaste reeks zoekopdrachten draait")
	seed := fs.Int64("seed", 1, "zaad van de generator")
	settle := fs.Duration("settle", 5*time.Second, "wachttijd na het opbouwen, zodat de index zijn segmenten samenvoegt")
	keep := fs.String("dir", "", "datamap om te gebruiken en te bewaren (leeg: een tijdelijke, achteraf gewist)")
	cpuProfile := fs.String("cpuprofile", "", "schrijf een CPU-profiel van de zoekopdrachten naar dit bestand (met meer aantallen: bestand.N)")
	perQuery := fs.Bool("per-query", false, "toon ook de mediaan per zoekopdracht")
	buildProfile := fs.String("build-cpuprofile", "", "schrijf een CPU-profiel van het opbouwen van de index naar dit bestand")
	postingsMiB := fs.Int("postings-cache", search.DefaultPostingsCacheBytes>>20, "MiB aan postinglijsten die de index tussen zoekopdrachten bewaart (0: uit, elke zoekopdracht leest ze)")
	distinct := fs.Int("distinct", 0, "zoek dit aantal verschillende zoekopdrachten (1 tot 3 woorden, een derde met een filter, de top 10 en alle facetten) in plaats van de vaste reeks")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return usageError{fmt.Errorf("--n: %q is geen positief aantal", s)}
		}
		ns = append(ns, n)
	}
	if *rounds < 1 || *settle < 0 || *distinct < 0 || *distinct > maxDistinctSearches || *postingsMiB < 0 || *postingsMiB > maxPostingsCacheMiB {
		return usageError{fmt.Errorf("--rounds moet positief zijn, --settle mag niet negatief zijn, --distinct ligt tussen 0 en %d en --postings-cache tussen 0 en %d", maxDistinctSearches, maxPostingsCacheMiB)}
	}
	searches := benchSearches
	if *distinct > 0 {
		searches = distinctSearches(*distinct, *seed)
	}
	if *keep != "" && len(ns) > 1 {
		return usageError{errors.New("--dir kan maar met één aantal in --n")}
	}
	fmt.Fprintf(stdout, "zoeken: %d zoekopdrachten × %d rondes per grootte, GOMAXPROCS %d, GOGC %s, geheugenlimiet %s, load average %s\n",
		len(searches), *rounds, runtime.GOMAXPROCS(0), serverGC(os.Getenv), setMemoryLimit(os.Getenv, availableMemory), loadAverage())
	for _, n := range ns {
		profile := func(path string) string { // one file per size
			if path == "" || len(ns) == 1 {
				return path
			}
			return fmt.Sprintf("%s.%d", path, n)
		}
		r, err := benchSearchSize(ctx, n, *seed, searches, *rounds, *settle, *keep, profile(*cpuProfile), profile(*buildProfile), *postingsMiB<<20)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, r)
		if *perQuery {
			for i, q := range searches {
				var raw, e2e []time.Duration
				for j := i; j < len(r.raw); j += len(searches) {
					raw, e2e = append(raw, r.raw[j]), append(e2e, r.e2e[j])
				}
				fmt.Fprintf(stdout, "  %-40s index %8s  GraphQL %8s\n", q, quantiles(raw)[0], quantiles(e2e)[0])
			}
		}
	}
	return nil
}

// searchBenchResult is what one corpus size measured.
type searchBenchResult struct {
	n          int
	build      time.Duration // index build from the store
	load       time.Duration // filling the store
	indexBytes int64
	peakRSS    int64 // bytes; -1 when unknown
	raw, e2e   []time.Duration
	postings   search.PostingsCacheStats // after the searches
}

func (r searchBenchResult) String() string {
	var b strings.Builder
	rss := "onbekend"
	if r.peakRSS >= 0 {
		rss = fmt.Sprintf("%.0f MiB", float64(r.peakRSS)/(1<<20))
	}
	filled := "opslag hergebruikt"
	if r.load > 0 {
		filled = "opslag gevuld in " + r.load.Round(time.Millisecond).String()
	}
	fmt.Fprintf(&b, "%d praktijken: %s; index opgebouwd in %s = %.0f praktijken/s; index %.1f MiB op schijf; piek-RSS %s\n",
		r.n, filled, r.build.Round(time.Millisecond), float64(r.n)/r.build.Seconds(),
		float64(r.indexBytes)/(1<<20), rss)
	raw, e2e := quantiles(slices.Clone(r.raw)), quantiles(slices.Clone(r.e2e))
	fmt.Fprintf(&b, "  rechtstreeks op de index: p50 %s  p95 %s  p99 %s  max %s\n", raw[0], raw[1], raw[2], raw[3])
	fmt.Fprintf(&b, "  via HTTP GraphQL:         p50 %s  p95 %s  p99 %s  max %s\n", e2e[0], e2e[1], e2e[2], e2e[3])
	ratio := func(i int) float64 { return float64(e2e[i]) / float64(max(raw[i], 1)) }
	fmt.Fprintf(&b, "  verhouding GraphQL/index: p50 %.2f  p95 %.2f  p99 %.2f\n", ratio(0), ratio(1), ratio(2))
	pc := r.postings
	if pc.Most == 0 {
		b.WriteString("  postinglijsten: cache uit, elke zoekopdracht leest ze")
	} else {
		fmt.Fprintf(&b, "  postinglijsten: %d uit de cache, %d gelezen (%.0f%% uit de cache, ook bij het opwarmen); cache %.1f van %d MiB",
			pc.Hits, pc.Misses, 100*float64(pc.Hits)/float64(max(pc.Hits+pc.Misses, 1)), float64(pc.Bytes)/(1<<20), pc.Most>>20)
	}
	return b.String()
}

// quantiles returns p50, p95, p99 and the maximum of ds (sorted in place).
func quantiles(ds []time.Duration) [4]time.Duration {
	var out [4]time.Duration
	if len(ds) == 0 {
		return out
	}
	slices.Sort(ds)
	for i, p := range []float64{0.50, 0.95, 0.99, 1} {
		out[i] = ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(10 * time.Microsecond)
	}
	return out
}

func benchSearchSize(ctx context.Context, n int, seed int64, searches []benchQuery, rounds int, settle time.Duration, keep, cpuProfile, buildProfile string, postingsCache int) (searchBenchResult, error) {
	res := searchBenchResult{n: n, peakRSS: -1}
	dir := keep
	if dir == "" {
		d, err := os.MkdirTemp("", "praktijkenbank-bench-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return res, err
	}
	runtime.GC()
	resetPeakRSS()
	st, err := bolt.Open(filepath.Join(dir, "praktijkenbank.db"))
	if err != nil {
		return res, err
	}
	defer st.Close()
	start := time.Now()
	empty, err := st.IsEmpty(ctx)
	if err != nil {
		return res, err
	}
	if empty {
		if err := fillStore(ctx, st, n, seed); err != nil {
			return res, err
		}
		res.load = time.Since(start)
	} else if last, err := st.LastSeq(ctx); err != nil || last != uint64(n) {
		return res, fmt.Errorf("%s houdt al andere praktijken (seq %d); gebruik een lege map", dir, last)
	}

	log := slog.New(slog.DiscardHandler)
	plan := actionplan.Default()
	indexDir := filepath.Join(dir, "index")
	os.RemoveAll(indexDir) // a kept dir is rebuilt: the build is what is measured
	ix, err := search.Open(indexDir, plan, search.WithLogger(log), search.WithCacheSize(0))
	if err != nil {
		return res, err
	}
	stopProfile, err := startProfile(buildProfile)
	if err != nil {
		ix.Close()
		return res, err
	}
	start = time.Now()
	_, err = ix.Reconcile(ctx, st)
	res.build = time.Since(start)
	stopProfile()
	if err != nil {
		ix.Close()
		return res, err
	}
	// Search a settled index, as a server does after starting: reopen it and
	// give background merging its time.
	if err := ix.Close(); err != nil {
		return res, err
	}
	if ix, err = search.Open(indexDir, plan, search.WithLogger(log), search.WithCacheSize(0), search.WithPostingsCache(postingsCache)); err != nil {
		return res, err
	}
	defer ix.Close()
	time.Sleep(settle)
	res.indexBytes = dirSize(indexDir)

	b, err := bank.New(ctx, st, ix, plan, log)
	if err != nil {
		return res, err
	}
	authSvc := auth.NewService(st, "", func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)
	opts := server.Defaults()
	opts.RateLimits = server.RateLimits{}
	srv := server.HTTPServer(server.New(server.Deps{Bank: b, Auth: authSvc, Log: log}, opts), server.DefaultTimeouts())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/graphql"
	client := &http.Client{Timeout: 30 * time.Second}

	reqs := make([]search.Request, len(searches))
	bodies := make([][]byte, len(searches))
	for i, s := range searches {
		reqs[i], bodies[i] = s.request(), s.graphQL()
	}
	// Warm up: each search once both ways, and check they agree on the total.
	for i := range reqs {
		r, err := ix.Search(ctx, reqs[i])
		if err != nil {
			return res, fmt.Errorf("zoekopdracht %d: %w", i, err)
		}
		total, err := postSearch(ctx, client, url, bodies[i])
		if err != nil {
			return res, fmt.Errorf("zoekopdracht %d via GraphQL: %w", i, err)
		}
		if total != r.Total {
			return res, fmt.Errorf("zoekopdracht %d: GraphQL geeft %d resultaten, de index %d", i, total, r.Total)
		}
	}
	stopProfile, err = startProfile(cpuProfile)
	if err != nil {
		return res, err
	}
	defer stopProfile()
	for range rounds {
		for i := range reqs {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			t := time.Now()
			if _, err := ix.Search(ctx, reqs[i]); err != nil {
				return res, err
			}
			res.raw = append(res.raw, time.Since(t))
			t = time.Now()
			if _, err := postSearch(ctx, client, url, bodies[i]); err != nil {
				return res, err
			}
			res.e2e = append(res.e2e, time.Since(t))
		}
	}
	res.peakRSS = peakRSS()
	res.postings = ix.PostingsCacheStats()
	return res, nil
}

// startProfile starts a CPU profile into path ("": none) and returns what stops it.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// fillStore writes n generated practices, each with its first revision,
// straight into the empty store.
func fillStore(ctx context.Context, st *bolt.Store, n int, seed int64) error {
	batch := make([]store.Record, 0, 500)
	var err error
	flush := func() {
		if err == nil && len(batch) > 0 {
			err = st.Load(ctx, batch)
		}
		batch = batch[:0]
	}
	search.GenerateEach(n, seed, func(p practice.Practice) {
		p.Inventory = "bench"
		rev := practice.Revision{PracticeID: p.ID, Version: 1, Inventory: p.Inventory, At: p.CreatedAt,
			Content: p.Content, Hash: practice.ContentHash(p.Content)}
		batch = append(batch, store.Record{Practice: &p, History: []practice.Revision{rev}})
		if len(batch) == cap(batch) {
			flush()
		}
	})
	flush()
	return err
}

// postSearch sends one searchPractices request (bench search and bench
// load) and returns its total; an answer without one is an error.
func postSearch(ctx context.Context, client *http.Client, url string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		Data *struct {
			SearchPractices *struct{ Total int }
		}
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, fmt.Errorf("HTTP %d: %w", resp.StatusCode, err)
	}
	if len(out.Errors) > 0 {
		return 0, fmt.Errorf("HTTP %d: %s", resp.StatusCode, out.Errors[0].Message)
	}
	if resp.StatusCode != http.StatusOK || out.Data == nil || out.Data.SearchPractices == nil {
		return 0, fmt.Errorf("HTTP %d zonder resultaat", resp.StatusCode)
	}
	return out.Data.SearchPractices.Total, nil
}

// benchSearch is one search of the fixed set.
type benchQuery struct {
	q       string
	filter  search.Filter
	sort    search.Sort
	first   int
	noFacet bool
}

func (b benchQuery) String() string {
	s := fmt.Sprintf("%q", b.q)
	f := b.filter
	n := len(f.Krachtlijnen) + len(f.Challenges) + len(f.Actions) + len(f.Regions) + len(f.TargetGroups) + len(f.Settings)
	if f.FromYear != nil || f.ToYear != nil {
		n++
	}
	if n > 0 {
		s += fmt.Sprintf(" +%d filters", n)
	}
	if b.sort != "" {
		s += " " + strings.ToLower(string(b.sort))
	}
	return s
}

func (b benchQuery) request() search.Request {
	return search.Request{Query: b.q, Filter: b.filter, Sort: b.sort, First: b.first, NoFacets: b.noFacet}
}

const benchSearchQuery = `query Zoek($q: String, $f: PracticeFilter, $s: PracticeSort, $n: Int) {
  searchPractices(query: $q, filter: $f, sort: $s, first: $n) {
    total
    edges { cursor score node { id title summary region { id name } krachtlijnen } highlights { field fragments } }
    pageInfo { hasNextPage endCursor }
    %s
  }
}`

const benchFacets = `facets {
      krachtlijnen { value count } challenges { value count } actions { value count } regions { value count }
      targetGroups { value count } settings { value count } years { value count }
    }`

func (b benchQuery) graphQL() []byte {
	facets := benchFacets
	if b.noFacet {
		facets = ""
	}
	f := map[string]any{}
	set := func(k string, v []string) {
		if len(v) > 0 {
			f[k] = v
		}
	}
	set("krachtlijnen", b.filter.Krachtlijnen)
	set("challenges", b.filter.Challenges)
	set("actions", b.filter.Actions)
	set("regions", b.filter.Regions)
	set("targetGroups", b.filter.TargetGroups)
	set("settings", b.filter.Settings)
	if b.filter.FromYear != nil {
		f["fromYear"] = *b.filter.FromYear
	}
	if b.filter.ToYear != nil {
		f["toYear"] = *b.filter.ToYear
	}
	var sort any // null: the default order
	if b.sort != "" {
		sort = string(b.sort)
	}
	body, _ := json.Marshal(map[string]any{
		"query":         fmt.Sprintf(benchSearchQuery, facets),
		"variables":     map[string]any{"q": b.q, "f": f, "s": sort, "n": b.first},
		"operationName": "Zoek",
	})
	return body
}

func year(y int) *int { return &y }

// benchSearches is the fixed mix: one to three words as practitioners type
// them (plurals, compounds, a typo), without and with filters of every
// kind, sorted three ways; all ask the seven facets except a few scripted ones.
var benchSearches = []benchQuery{
	{q: "jongeren", first: 20},
	{q: "buurtwerk", first: 20},
	{q: "armoedebestrijding", first: 20},
	{q: "nabijheit", first: 20},
	{q: "wijkteam", first: 20},
	{q: "mantelzorgers ondersteunen", first: 20},
	{q: "digitale inclusie", first: 20},
	{q: "werken in de buurt", first: 20},
	{q: "vertrouwen opbouwen ouderen", first: 20},
	{q: "schuldhulpverlening gezinnen", first: 10},
	{q: "taalcafé nieuwkomers Gent", first: 20},
	{q: "vrijwiligers", first: 20},
	{q: "straathoekwerk", filter: search.Filter{Regions: []string{"antwerpen"}}, first: 20},
	{q: "jongeren", filter: search.Filter{Regions: []string{"limburg", "brussel"}, Krachtlijnen: []string{"NABIJHEID"}}, first: 20},
	{q: "armoede", filter: search.Filter{Challenges: []string{"onderbescherming"}, FromYear: year(2015), ToYear: year(2020)}, first: 20},
	{q: "digitale kloof", filter: search.Filter{Actions: []string{"digitalisering-1", "digitalisering-2"}}, first: 20},
	{q: "ouderen", filter: search.Filter{TargetGroups: []string{"ouderen", "senioren"}}, first: 20},
	{q: "buurthuis ontmoeting", filter: search.Filter{Settings: []string{"buurthuis"}}, first: 20},
	{q: "energiecoaching", filter: search.Filter{Krachtlijnen: []string{"POLITISEREND", "VERBINDEND"}, Regions: []string{"oost-vlaanderen"}}, first: 20},
	{q: "samenwerking huisartsen", filter: search.Filter{FromYear: year(2020)}, first: 20},
	{q: "casusoverleg", sort: search.SortNewest, first: 20},
	{q: "sociale restaurants", sort: search.SortTitle, first: 20},
	{q: "rechten", filter: search.Filter{Regions: []string{"west-vlaanderen"}}, sort: search.SortNewest, first: 50},
	{q: "vorming", first: 10, noFacet: true},
	{first: 20},
	{filter: search.Filter{Regions: []string{"vlaams-brabant"}}, sort: search.SortNewest, first: 20},
	{filter: search.Filter{Krachtlijnen: []string{"GENERALISTISCH"}, Challenges: []string{"samenwerking", "vertrouwen"}}, first: 20},
	{filter: search.Filter{FromYear: year(2010), ToYear: year(2012)}, sort: search.SortTitle, first: 20},
	{filter: search.Filter{Regions: []string{"brussel"}}, sort: search.SortNewest, first: 50, noFacet: true},
	{q: "gemeenschapstuinen duurzaamheid", first: 20},
}

// benchWords are the words the distinct searches are made of: the fixed
// mix's and others practitioners use, some as they mistype them.
var benchWords = []string{
	"jongeren", "buurtwerk", "armoede", "armoedebestrijding", "wijkteam", "mantelzorgers", "ondersteunen",
	"digitale", "inclusie", "kloof", "werken", "buurt", "vertrouwen", "opbouwen", "ouderen", "schuldhulpverlening",
	"gezinnen", "taalcafé", "nieuwkomers", "vrijwilligers", "vrijwiligers", "straathoekwerk", "buurthuis",
	"ontmoeting", "energiecoaching", "samenwerking", "huisartsen", "casusoverleg", "sociale", "restaurants",
	"rechten", "vorming", "gemeenschapstuinen", "duurzaamheid", "eenzaamheid", "dakloosheid", "huiswerkbegeleiding",
	"ervaringsdeskundigen", "onderbescherming", "wonen", "gezondheid", "school", "ouders", "kinderen", "participatie",
	"netwerk", "toegankelijk", "hulpverlening", "outreach", "nabijheid", "nabijheit", "psychisch", "welzijn",
	"Gent", "Antwerpen", "Brussel", "Hasselt", "Leuven", "Brugge",
}

// maxDistinctSearches bounds --distinct: distinctSearches draws from
// benchWords and the filters below, which make far more than this.
const maxDistinctSearches = 1000

// maxPostingsCacheMiB bounds --postings-cache.
const maxPostingsCacheMiB = 4096

// distinctSearches are n different searches of one to three of benchWords,
// a third with a region, krachtlijn or challenge filter, each asking the top
// 10 and every facet: the mix of issue 16, in which no search repeats
// within a round. The same n and seed give the same searches.
func distinctSearches(n int, seed int64) []benchQuery {
	r := rand.New(rand.NewPCG(uint64(seed), 16))
	regions := []string{"antwerpen", "limburg", "brussel", "oost-vlaanderen", "west-vlaanderen", "vlaams-brabant"}
	krachtlijnen := []string{"NABIJHEID", "POLITISEREND", "VERBINDEND", "GENERALISTISCH"}
	challenges := []string{"onderbescherming", "samenwerking", "vertrouwen", "digitalisering"}
	seen := map[string]bool{}
	out := make([]benchQuery, 0, n)
	for len(out) < n {
		words := make([]string, 1+r.IntN(3))
		for i := range words {
			words[i] = benchWords[r.IntN(len(benchWords))]
		}
		b := benchQuery{q: strings.Join(words, " "), first: 10}
		switch r.IntN(9) {
		case 0:
			b.filter.Regions = []string{regions[r.IntN(len(regions))]}
		case 1:
			b.filter.Krachtlijnen = []string{krachtlijnen[r.IntN(len(krachtlijnen))]}
		case 2:
			b.filter.Challenges = []string{challenges[r.IntN(len(challenges))]}
		}
		if key := fmt.Sprint(b.q, b.filter); !seen[key] {
			seen[key] = true
			out = append(out, b)
		}
	}
	return out
}

// dirSize is the size of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// resetPeakRSS starts a new peak resident set size measurement (Linux).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the peak resident set size since resetPeakRSS, in bytes; -1
// where unknown.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
	}
	return -1
}
