package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer/importertest"
)

// benchHostile sends what an attacker would to a running server, one attack
// class at a time, and prints per class the answer (status and error code),
// its time and the growth of the server's peak memory (VmHWM after
// resetting it through /proc/PID/clear_refs). With --attackers it then runs
// the classes concurrently for --duration while a process of its own
// (bench hostile --probe) probes /healthz, and checks that the server serves
// normally afterwards.
//
// Without --url it starts this binary's server itself on a temporary data
// dir (with GOMEMLIMIT from --gomemlimit); with --url it needs --pid for the
// memory figures (without, they are left out) and the admin token, which it
// uses to prepare a practice with many versions and a platform token.
func benchHostile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench hostile", flag.ContinueOnError)
	target := fs.String("url", "", "adres van een draaiende server; leeg: start er zelf een op een tijdelijke datamap")
	pid := fs.Int("pid", 0, "proces-id van de server op --url (voor het piekgeheugen)")
	adminToken := fs.String("admin-token", os.Getenv(envAdminToken), "beheerderstoken van de server op --url ($"+envAdminToken+")")
	memLimit := fs.String("gomemlimit", "2GiB", "GOMEMLIMIT van de zelf gestarte server")
	versions := fs.Int("versions", 250, "aantal versies van de praktijk voor de geschiedenisaanval")
	only := fs.String("classes", "", "alleen deze aanvalsklassen, met komma's gescheiden (zie de uitvoer); leeg: alle")
	attackers := fs.Int("attackers", 0, "aantal gelijktijdige aanvallers na de reeks; 0: geen")
	duration := fs.Duration("duration", time.Minute, "hoe lang de gelijktijdige aanvallers aanvallen")
	timeout := fs.Duration("timeout", 2*time.Minute, "hoe lang één aanval op een antwoord wacht")
	probe := fs.Bool("probe", false, "alleen /healthz van --url peilen, elke 50 ms gedurende --duration, en de tijden samenvatten (met --attackers doet bench hostile dat zelf in een eigen proces)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *probe {
		if *target == "" || *duration <= 0 {
			return usageError{errors.New("--probe vraagt --url en een positieve --duration")}
		}
		return probeHealth(ctx, strings.TrimRight(*target, "/"), *duration, stdout)
	}
	if *versions < 2 || *attackers < 0 || *duration <= 0 {
		return usageError{errors.New("--versions moet minstens 2 zijn, --attackers ≥ 0 en --duration positief")}
	}
	h := &hostile{client: &http.Client{Timeout: *timeout}, out: stdout}
	classes := hostileClasses(h)
	if *only != "" {
		want := strings.Split(*only, ",")
		for _, w := range want {
			if !slices.ContainsFunc(classes, func(c attackClass) bool { return c.name == w }) {
				var names []string
				for _, c := range classes {
					names = append(names, c.name)
				}
				return usageError{fmt.Errorf("onbekende aanvalsklasse %q; kies uit %s", w, strings.Join(names, ", "))}
			}
		}
		classes = slices.DeleteFunc(classes, func(c attackClass) bool { return !slices.Contains(want, c.name) })
	}
	if *target == "" {
		stop, err := h.startServer(ctx, *memLimit, stderr)
		if err != nil {
			return err
		}
		defer stop()
	} else {
		if *adminToken == "" {
			return usageError{errors.New("--url vraagt het beheerderstoken van die server (--admin-token of $" + envAdminToken + ")")}
		}
		h.url, h.pid, h.admin = strings.TrimRight(*target, "/"), *pid, *adminToken
	}
	if err := h.prepare(ctx, *versions); err != nil {
		return fmt.Errorf("voorbereiden: %w", err)
	}
	fmt.Fprintf(stdout, "server %s (pid %d); %d aanvalsklassen, één na één\n", h.url, h.pid, len(classes))
	fmt.Fprintf(stdout, "%-26s %-34s %9s %12s\n", "klasse", "antwoord", "tijd", "piek RSS +")
	for _, c := range classes {
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.prepare != nil {
			c.prepare() // the client's work is not the server's time
		}
		h.settle()
		base := h.resetPeak()
		start := time.Now()
		res := c.run(ctx)
		took := time.Since(start)
		fmt.Fprintf(stdout, "%-26s %-34s %9s %12s\n", c.name, truncateRunes(res, 34), took.Round(time.Millisecond), h.growth(base))
		if !h.alive(ctx) {
			fmt.Fprintf(stdout, "de server antwoordt niet meer na %s\n", c.name)
			return errors.New("de server is bezweken")
		}
	}
	if *attackers > 0 {
		return h.concurrent(ctx, classes, *attackers, *duration)
	}
	return nil
}

type hostile struct {
	client *http.Client
	out    io.Writer
	url    string
	pid    int
	admin  string
	token  string // a platform token of limburg
	id     string // the practice with many versions
}

// attackClass is one kind of hostile request; run sends one and says how it
// was answered.
type attackClass struct {
	name string
	run  func(ctx context.Context) string
	// prepare builds what run sends (a large body), before run is timed.
	prepare func() []byte
}

// startServer starts `praktijkenbank serve` on a temporary data dir and a
// free port, and waits until it is ready.
func (h *hostile) startServer(ctx context.Context, memLimit string, stderr io.Writer) (func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "praktijkenbank-hostile-")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	h.admin = hex.EncodeToString(secret)
	cmd := exec.CommandContext(ctx, exe, "serve")
	cmd.Env = append(os.Environ(), envDataDir+"="+dir, envAddr+"="+addr, envAdminToken+"="+h.admin,
		envDemo+"=false", envLogLevel+"=error", "GOMEMLIMIT="+memLimit)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		os.RemoveAll(dir)
	}
	h.url, h.pid = "http://"+addr, cmd.Process.Pid
	for deadline := time.Now().Add(60 * time.Second); ; {
		if resp, err := http.Get(h.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return nil, errors.New("de server werd niet klaar binnen een minuut")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// prepare makes a platform token for limburg and a practice with the given
// number of versions (through the admin token, which no rate limit holds).
func (h *hostile) prepare(ctx context.Context, versions int) error {
	var tok struct {
		Data struct{ CreatePlatformToken struct{ Token string } }
	}
	if err := h.graphql(ctx, h.admin, `mutation { createPlatformToken(region: "limburg", label: "bench hostile") { token } }`, nil, &tok); err != nil {
		return err
	}
	if h.token = tok.Data.CreatePlatformToken.Token; h.token == "" {
		return errors.New("geen platformtoken gekregen")
	}
	const mutation = `mutation($in: InventoryInput!) { submitInventory(input: $in) { errors { code path } practices: outcomes { id } } }`
	for v := 1; v <= versions; v++ {
		in := map[string]any{"region": "limburg", "title": "Bench hostile", "practices": []any{map[string]any{
			"ref": "hostile-history", "title": "Een praktijk met een lange geschiedenis",
			"summary":      fmt.Sprintf("Versie %d van de samenvatting.", v),
			"description":  strings.Repeat("Een beschrijving die bij elke versie meegaat. ", 40),
			"krachtlijnen": []string{"NABIJHEID"}, "successFactors": []string{"Vertrouwen", "Tijd"},
			"contact": map[string]any{"organisation": "Bench", "email": "bench@example.org"},
		}}}
		var res struct {
			Data struct {
				SubmitInventory struct {
					Errors    []struct{ Code, Path string }
					Practices []struct{ ID string }
				}
			}
		}
		if err := h.graphql(ctx, h.admin, mutation, map[string]any{"in": in}, &res); err != nil {
			return err
		}
		s := res.Data.SubmitInventory
		if len(s.Errors) > 0 || len(s.Practices) != 1 {
			return fmt.Errorf("versie %d geweigerd: %v", v, s.Errors)
		}
		h.id = s.Practices[0].ID
	}
	return nil
}

func (h *hostile) graphql(ctx context.Context, token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("%d: %.200s", resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// send sends one request and describes its answer as "status CODE", reading
// (and counting) the whole body without keeping it.
func (h *hostile) send(ctx context.Context, method, path, ctype, token string, body io.Reader) string {
	req, err := http.NewRequestWithContext(ctx, method, h.url+path, body)
	if err != nil {
		return "fout: " + err.Error()
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "geen antwoord (timeout)"
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "fout: " + err.Error()
	}
	defer resp.Body.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(resp.Body, head)
	rest, _ := io.Copy(io.Discard, resp.Body)
	return fmt.Sprintf("%d %s %s", resp.StatusCode, firstCode(head[:n]), byteSize(int64(n)+rest))
}

// firstCode finds the first error code in the head of an answer.
func firstCode(head []byte) string {
	for _, key := range []string{`"code":"`, `"code": "`} {
		if i := bytes.Index(head, []byte(key)); i >= 0 {
			rest := head[i+len(key):]
			if j := bytes.IndexByte(rest, '"'); j > 0 {
				return string(rest[:j])
			}
		}
	}
	return "-"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1fMB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0fkB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// settle gives the server a moment to finish the previous class's work.
func (h *hostile) settle() { time.Sleep(500 * time.Millisecond) }

// resetPeak resets the server's peak RSS to its current RSS and returns that.
func (h *hostile) resetPeak() int64 {
	if h.pid == 0 {
		return 0
	}
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", h.pid), []byte("5"), 0)
	return h.procStatus("VmRSS")
}

// growth is the peak RSS now minus base, or "?" without a pid.
func (h *hostile) growth(base int64) string {
	if h.pid == 0 {
		return "?"
	}
	peak := h.procStatus("VmHWM")
	if peak == 0 {
		return "?"
	}
	return fmt.Sprintf("%+.0f MiB", float64(peak-base)/(1<<20))
}

// procStatus reads a kB figure of /proc/PID/status, in bytes.
func (h *hostile) procStatus(key string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", h.pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (h *hostile) alive(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.url+"/healthz", nil)
	resp, err := h.client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

// hostileClasses are the attacks of issue 13's table and a few more; the
// large bodies are built once.
func hostileClasses(h *hostile) []attackClass {
	var repeated strings.Builder
	repeated.WriteString("{actionPlan{actions{")
	for i := 0; i < 1800; i++ {
		fmt.Fprintf(&repeated, `practiceCount(region:"r%d") `, i)
	}
	repeated.WriteString("}}}")
	repeatedQuery := repeated.String()
	repeatedBody, _ := json.Marshal(map[string]string{"query": repeatedQuery})

	const submit = `mutation($in: InventoryInput!, $dry: Boolean) { submitInventory(input: $in, dryRun: $dry) { errors { code } } }`
	tiny := func(n int, item string) []byte { // {"query":…,"variables":{"in":{…,"practices":[item,item,…]}}}
		var b bytes.Buffer
		q, _ := json.Marshal(submit)
		fmt.Fprintf(&b, `{"query":%s,"variables":{"in":{"region":"limburg","title":"x","practices":[`, q)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(item)
		}
		b.WriteString("]}}}")
		return b.Bytes()
	}
	// The large bodies are built on first use, once.
	tinyVars := sync.OnceValue(func() []byte { return tiny(600_000, `{"ref":"r"}`) })          // 7.2 MB: under the 8 MiB body limit
	multipartOps := sync.OnceValue(func() []byte { return tiny(15<<20/3, `{}`) })              // 15 MiB of {} in the operations part
	manyRows := sync.OnceValue(func() []byte { return importertest.CSVManyRows(1_500_000) })   // 1.5 M short rows
	wideHeader := sync.OnceValue(func() []byte { return importertest.CSVWideHeader(600_000) }) // a header of 600,000 columns
	bigXLSX := sync.OnceValue(func() []byte { return importertest.XLSXBigSheet(300 << 20) })   // unzips to ~300 MB
	historyQuery := "query($id: ID!) { practice(id: $id) { "
	for i := 0; i < 8; i++ {
		historyQuery += fmt.Sprintf("h%d: history { version changedFields } ", i)
	}
	historyQuery += "} }"

	post := func(body func() []byte, token string) func(ctx context.Context) string {
		return func(ctx context.Context) string {
			return h.send(ctx, http.MethodPost, "/graphql", "application/json", token, bytes.NewReader(body()))
		}
	}
	fixed := func(b []byte) func() []byte { return func() []byte { return b } }
	upload := func(name string, file func() []byte, vars string) func(ctx context.Context) string {
		return func(ctx context.Context) string {
			ops := `{"query":"mutation($f: Upload!) { uploadInventory(file: $f, region: \"limburg\", title: \"x\", dryRun: true) { errors { code } } }","variables":` + vars + `}`
			body, ctype := multipartRequest(ops, `{"0":["variables.f"]}`, name, file())
			return h.send(ctx, http.MethodPost, "/graphql", ctype, h.token, body)
		}
	}
	flood := func(n, workers int, one func(ctx context.Context, i int) string) func(ctx context.Context) string {
		return func(ctx context.Context) string {
			var next atomic.Int64
			var mu sync.Mutex
			seen := map[string]int{}
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := int(next.Add(1)); i <= n && ctx.Err() == nil; i = int(next.Add(1)) {
						res := one(ctx, i)
						status, _, _ := strings.Cut(res, " ")
						mu.Lock()
						seen[status]++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			var parts []string
			for s, c := range seen {
				parts = append(parts, fmt.Sprintf("%s×%d", s, c))
			}
			slices.Sort(parts)
			return strings.Join(parts, " ")
		}
	}
	historyBody, _ := json.Marshal(map[string]any{"query": historyQuery, "variables": map[string]string{"id": ""}})
	return []attackClass{
		{name: "repeated-field-post", run: post(fixed(repeatedBody), "")},
		{name: "repeated-field-get", run: func(ctx context.Context) string {
			return h.send(ctx, http.MethodGet, "/graphql?query="+url.QueryEscape(repeatedQuery), "", "", nil)
		}},
		{name: "submit-600k-objects", run: post(tinyVars, ""), prepare: tinyVars},
		{name: "multipart-15mib-ops", prepare: multipartOps, run: func(ctx context.Context) string {
			body, ctype := multipartRequest(string(multipartOps()), `{}`, "", nil)
			return h.send(ctx, http.MethodPost, "/graphql", ctype, "", body)
		}},
		{name: "csv-1.5m-rows", run: upload("rijen.csv", manyRows, `{"f":null}`), prepare: manyRows},
		{name: "csv-600k-columns", run: upload("kolommen.csv", wideHeader, `{"f":null}`), prepare: wideHeader},
		{name: "xlsx-300mb-unzipped", run: upload("bom.xlsx", bigXLSX, `{"f":null}`), prepare: bigXLSX},
		{name: "history-x8", run: func(ctx context.Context) string {
			body := bytes.Replace(historyBody, []byte(`"id":""`), []byte(`"id":"`+h.id+`"`), 1)
			return h.send(ctx, http.MethodPost, "/graphql", "application/json", "", bytes.NewReader(body))
		}},
		{name: "unknown-id-similar", run: post(fixed([]byte(`{"query":"{ similarPractices(id: \"nope\") { id } }"}`)), "")},
		{name: "aliased-searches", run: func(ctx context.Context) string {
			var q strings.Builder
			q.WriteString("{")
			for i := 0; i < 200; i++ {
				fmt.Fprintf(&q, `s%d: searchPractices(query: "buurt %d", first: 100) { total edges { node { title } } } `, i, i)
			}
			q.WriteString("}")
			body, _ := json.Marshal(map[string]string{"query": q.String()})
			return h.send(ctx, http.MethodPost, "/graphql", "application/json", "", bytes.NewReader(body))
		}},
		{name: "flood-invalid-graphql", run: flood(3000, 16, func(ctx context.Context, i int) string {
			return h.send(ctx, http.MethodPost, "/graphql", "application/json", "", strings.NewReader(`{"query":"{ nietBestaand`+strconv.Itoa(i)+` }"}`))
		})},
		{name: "flood-web-search", run: flood(2000, 16, func(ctx context.Context, i int) string {
			return h.send(ctx, http.MethodGet, "/zoeken?q=buurt+"+strconv.Itoa(i), "", "", nil)
		})},
		{name: "flood-suggestions", run: flood(2000, 16, func(ctx context.Context, i int) string {
			return h.send(ctx, http.MethodGet, "/suggesties?q=bu"+strconv.Itoa(i%10), "", "", nil)
		})},
		{name: "flood-exports", run: flood(200, 8, func(ctx context.Context, i int) string {
			return h.send(ctx, http.MethodGet, "/export.json", "", "", nil)
		})},
		{name: "flood-reports", run: flood(1000, 16, func(ctx context.Context, i int) string {
			return h.send(ctx, http.MethodGet, "/rapport/limburg/"+strconv.Itoa(2000+i%30), "", "", nil)
		})},
	}
}

// concurrent runs the classes from n attackers at once for d while probing
// /healthz every 50 ms, then checks that the server serves normally.
func (h *hostile) concurrent(ctx context.Context, classes []attackClass, n int, d time.Duration) error {
	fmt.Fprintf(h.out, "\n%d aanvallers tegelijk gedurende %s\n", n, d)
	base := h.resetPeak()
	attackCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var sent atomic.Int64
	var wg sync.WaitGroup
	// The probe runs in a process of its own: in this one it would wait
	// behind the attackers' goroutines, and measure them rather than the
	// server.
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var probeOut bytes.Buffer
	prober := exec.CommandContext(ctx, exe, "bench", "hostile", "--probe", "--url", h.url, "--duration", d.String())
	prober.Stdout, prober.Stderr = &probeOut, &probeOut
	if err := prober.Start(); err != nil {
		return err
	}
	for a := 0; a < n; a++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := a; attackCtx.Err() == nil; i++ {
				classes[i%len(classes)].run(attackCtx)
				sent.Add(1)
			}
		}()
	}
	probeErr := prober.Wait()
	wg.Wait()
	fmt.Fprintf(h.out, "aanvalsrondes (één klasse, een vloed telt als één) %d; piek RSS %s\n", sent.Load(), h.growth(base))
	_, _ = h.out.Write(probeOut.Bytes())
	if probeErr != nil {
		return fmt.Errorf("de peiling van /healthz: %w", probeErr)
	}
	time.Sleep(2 * time.Second) // rate limits refill a little
	var res struct {
		Data struct {
			SearchPractices struct{ Total int }
		}
		Errors []struct{ Message string }
	}
	err = h.graphql(ctx, h.token, `{ searchPractices(query: "praktijk") { total } }`, nil, &res)
	switch {
	case err != nil:
		fmt.Fprintf(h.out, "na afloop: de server zoekt niet normaal: %v\n", err)
		return errors.New("de server dient niet normaal na de aanvallen")
	case len(res.Errors) > 0:
		fmt.Fprintf(h.out, "na afloop: zoeken geeft fouten: %v\n", res.Errors)
		return errors.New("de server dient niet normaal na de aanvallen")
	}
	fmt.Fprintf(h.out, "na afloop: de server antwoordt normaal (zoeken: %d praktijken gevonden)\n", res.Data.SearchPractices.Total)
	return nil
}

// probeHealth asks url/healthz every 50 ms for d and prints how many
// answers took over 100 ms, and the median, 99th percentile and slowest.
func probeHealth(ctx context.Context, url string, d time.Duration, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	var took []time.Duration
	var failed int
	for ctx.Err() == nil {
		start := time.Now()
		resp, err := client.Get(url + "/healthz")
		took = append(took, time.Since(start))
		if err != nil || resp.StatusCode != http.StatusOK {
			failed++
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	slices.Sort(took)
	over := len(took) - sort.Search(len(took), func(i int) bool { return took[i] > 100*time.Millisecond })
	fmt.Fprintf(out, "/healthz (eigen proces): %d keer, %d mislukt, %d boven 100 ms; p50 %s, p99 %s, max %s\n", len(took), failed, over,
		quantile(took, 0.5), quantile(took, 0.99), quantile(took, 1))
	return nil
}

// quantile is the q-quantile of sorted durations (nearest rank), rounded.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(i, 0)].Round(time.Millisecond)
}

// multipartRequest is a GraphQL multipart request with one file (or none).
func multipartRequest(operations, fileMap, name string, file []byte) (io.Reader, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("operations", operations)
	_ = w.WriteField("map", fileMap)
	if name != "" {
		fw, _ := w.CreateFormFile("0", name)
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	return &b, w.FormDataContentType()
}
