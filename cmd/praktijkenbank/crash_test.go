package main

// The crash test: the real binary, killed with SIGKILL while it takes in an
// inventory of 5,000 practices, must come back with the submission written
// whole or not at all, and with a search index that matches the store.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

const (
	crashAdmin     = "crash-test-admin-token-0123456789"
	crashRegion    = "limburg"
	crashPractices = 5000
)

// crashMarkers are words no generated practice uses and no two of which a
// typo-forgiving search confuses; variant v of the inventory carries
// crashMarkers[v % len] in every summary.
var crashMarkers = []string{"olifant", "giraf", "pinguin", "kangoeroe", "nijlpaard", "krokodil", "flamingo", "zeehond", "eekhoorn", "dolfijn", "kameel", "pelikaan"}

func crashMarker(v int) string { return crashMarkers[v%len(crashMarkers)] }

// crashInventory is variant v (≥ 1) of one inventory of 5,000 practices of
// one region: the same refs, every summary marked with the variant's word.
func crashInventory(base []practice.Practice, v int) practice.InventoryInput {
	in := practice.InventoryInput{Format: practice.Format, Region: crashRegion, Title: fmt.Sprintf("Crashtest, variant %d", v)}
	for _, p := range base {
		c := p.Content
		c.Summary = fmt.Sprintf("%s Kenmerk: %s.", c.Summary, crashMarker(v))
		in.Practices = append(in.Practices, practice.PracticeInput{Ref: p.Ref, Content: c})
	}
	return in
}

// proc is one run of the binary.
type proc struct {
	cmd  *exec.Cmd
	url  string
	log  *bytes.Buffer
	done chan error
}

func startBinary(t *testing.T, bin, dataDir string, env ...string) *proc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &proc{url: "http://" + addr, log: &bytes.Buffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, "serve", "-addr", addr, "-log-level", "info", "-rate-reads", "0", "-rate-writes", "0")
	p.cmd.Env = append(os.Environ(), envDataDir+"="+dataDir, envAdminToken+"="+crashAdmin, envDemo+"=false")
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	// Starting completes a write a crash left pending and brings the index
	// in line with the store: on FerretDB and a busy machine, minutes.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("the server stopped while starting: %v\n%s", err, p.log)
		default:
		}
		if time.Now().After(deadline) {
			p.cmd.Process.Kill()
			t.Fatalf("the server did not become ready\n%s", p.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *proc) kill(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("the server did not stop cleanly: %v\n%s", err, p.log)
		}
	case <-time.After(60 * time.Second):
		p.kill(t)
		t.Fatalf("the server did not stop within a minute\n%s", p.log)
	}
}

// gql posts one operation as the admin and returns its data; errors fail the test.
func gql(t *testing.T, url, query string, vars map[string]any) map[string]any {
	t.Helper()
	out, err := postGQL(url, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func postGQL(url, query string, vars map[string]any) (map[string]any, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+crashAdmin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("errors: %v", out.Errors)
	}
	return out.Data, nil
}

// submitCrash submits an inventory and reports how long the answer took.
func submitCrash(url string, in practice.InventoryInput) (time.Duration, error) {
	start := time.Now()
	data, err := postGQL(url, `mutation($in: InventoryInput!) { submitInventory(input: $in) { inventory { id } errors { path code } } }`,
		map[string]any{"in": in})
	if err != nil {
		return 0, err
	}
	p := data["submitInventory"].(map[string]any)
	if errs := p["errors"].([]any); len(errs) > 0 {
		return 0, fmt.Errorf("refused: %v", errs[:min(3, len(errs))])
	}
	return time.Since(start), nil
}

// storeState is what the store holds of the crash region, read through GraphQL.
type storeState struct {
	count    int         // practices of the region
	variants map[int]int // variant → practices carrying it
	versions map[int]int // version → practices
	invs     int         // inventories of the region
}

func readStore(t *testing.T, url string, refs []string) storeState {
	t.Helper()
	s := storeState{variants: map[int]int{}, versions: map[int]int{}}
	const per = 500 // 1,500 fields, within MaxFields (2,000)
	for i := 0; i < len(refs); i += per {
		var q strings.Builder
		q.WriteString("{")
		for j, ref := range refs[i:min(i+per, len(refs))] {
			// By id (the region and ref make it): a lookup every store
			// answers from its primary key.
			fmt.Fprintf(&q, " p%d: practice(id: %q) { version summary }", j, practice.ID(crashRegion, ref))
		}
		q.WriteString(" }")
		for _, v := range gql(t, url, q.String(), nil) {
			p, ok := v.(map[string]any)
			if !ok {
				continue // null: not in the store
			}
			s.count++
			s.versions[int(p["version"].(float64))]++
			variant := -1
			for k := range crashMarkers {
				if strings.HasSuffix(p["summary"].(string), "Kenmerk: "+crashMarkers[k]+".") {
					variant = k
				}
			}
			s.variants[variant]++
		}
	}
	data := gql(t, url, `query($r: ID) { inventories(region: $r, first: 100) { edges { node { id } } } }`, map[string]any{"r": crashRegion})
	s.invs = len(data["inventories"].(map[string]any)["edges"].([]any))
	return s
}

func searchTotal(t *testing.T, url, query string) int {
	t.Helper()
	data := gql(t, url, `query($q: String, $r: [ID!]) { searchPractices(query: $q, filter: { regions: $r }, first: 1) { total } }`,
		map[string]any{"q": query, "r": []string{crashRegion}})
	return int(data["searchPractices"].(map[string]any)["total"].(float64))
}

func checkOffline(t *testing.T, bin, dataDir string) search.CheckReport {
	t.Helper()
	cmd := exec.Command(bin, "check", "--json")
	cmd.Env = append(os.Environ(), envDataDir+"="+dataDir)
	out, err := cmd.Output()
	var rep search.CheckReport
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("check: %v, %v\n%s", err, jerr, out)
	}
	if err != nil {
		t.Errorf("check found the index differs from the store: %+v", rep)
	}
	return rep
}

// crashDir is a data dir and what has been submitted into it for sure.
type crashDir struct {
	path    string
	variant int // the variant the store holds (0: nothing)
	version int // the version its practices have
	invs    int // inventories recorded
}

func TestCrashDuringSubmission(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test builds the binary and kills it several times")
	}
	kills := 3
	if v := os.Getenv("PRAKTIJKENBANK_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("PRAKTIJKENBANK_CRASH_KILLS=%q: give a positive number", v)
		}
		kills = n
	}
	bin := filepath.Join(t.TempDir(), "praktijkenbank")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	base := search.GenerateCorpus(crashPractices, 42)
	refs := make([]string, len(base))
	for i := range base {
		base[i].Region = crashRegion
		refs[i] = base[i].Ref
	}

	// verify proves the all-or-nothing rule and the index after a restart,
	// and returns whether the interrupted submission of variant next landed.
	mismatches, partial := 0, 0
	verify := func(url string, d *crashDir, next int) (landed bool) {
		t.Helper()
		s := readStore(t, url, refs)
		switch {
		case s.count == 0 && d.variant == 0:
		case s.count == crashPractices && len(s.variants) == 1 && len(s.versions) == 1:
			v, ver := -1, -1
			for k := range s.variants {
				v = k
			}
			for k := range s.versions {
				ver = k
			}
			switch {
			case d.variant != 0 && v == d.variant%len(crashMarkers) && ver == d.version:
			case v == next%len(crashMarkers) && ver == d.version+1:
				landed = true
			default:
				partial++
				t.Errorf("the store holds variant %d version %d; want variant %d version %d or variant %d version %d",
					v, ver, d.variant, d.version, next, d.version+1)
			}
		default:
			partial++
			t.Errorf("partial submission: %d of %d practices, variants %v, versions %v", s.count, crashPractices, s.variants, s.versions)
		}
		wantInvs := d.invs
		if landed {
			wantInvs++
		}
		if s.invs != wantInvs {
			partial++
			t.Errorf("%d inventories recorded, want %d (landed: %v)", s.invs, wantInvs, landed)
		}
		current := d.variant
		if landed {
			current = next
		}
		all := searchTotal(t, url, "")
		marked, other := 0, 0
		if current != 0 {
			marked = searchTotal(t, url, crashMarker(current))
			other = searchTotal(t, url, crashMarker(current+1))
		}
		if all != s.count || (current != 0 && marked != s.count) || other != 0 {
			mismatches++
			t.Errorf("index: %d practices of the region found, %d with the current marker, %d with another; the store has %d",
				all, marked, other, s.count)
		}
		return landed
	}

	// Set up the long-lived data dir with two whole submissions, timing them.
	upd := &crashDir{path: t.TempDir()}
	p := startBinary(t, bin, upd.path)
	createTook, err := submitCrash(p.url, crashInventory(base, 1))
	if err != nil {
		t.Fatal(err)
	}
	upd.variant, upd.version, upd.invs = 1, 1, 1
	updateTook, err := submitCrash(p.url, crashInventory(base, 2))
	if err != nil {
		t.Fatal(err)
	}
	upd.variant, upd.version, upd.invs = 2, 2, 2
	verify(p.url, upd, 3)
	p.stop(t)
	t.Logf("a first submission of %d practices takes %v, a resubmission with every practice changed %v",
		crashPractices, createTook.Round(time.Millisecond), updateTook.Round(time.Millisecond))

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("kills: %d, seed %d", kills, seed)
	midway, landedMidway := 0, 0
	for k := 0; k < kills; k++ {
		d, took := upd, updateTook
		if k%2 == 0 { // a first submission, into a fresh data dir
			d, took = &crashDir{path: t.TempDir()}, createTook
		}
		next := d.variant + 1
		p := startBinary(t, bin, d.path)
		delay := time.Duration(rng.Int64N(int64(took) * 11 / 10))
		answered := make(chan error, 1)
		go func() {
			_, err := submitCrash(p.url, crashInventory(base, next))
			answered <- err
		}()
		time.Sleep(delay)
		var answer error
		inFlight := true
		select {
		case answer = <-answered:
			inFlight = false
		default:
		}
		p.kill(t)
		if inFlight {
			midway++
			<-answered
		} else if answer != nil {
			t.Fatalf("kill %d: the submission failed before the kill: %v", k, answer)
		}

		p = startBinary(t, bin, d.path)
		landed := verify(p.url, d, next)
		if !inFlight && !landed {
			t.Errorf("kill %d: the submission was answered but is not in the store", k)
		}
		if inFlight && landed {
			landedMidway++
		}
		if landed {
			d.variant, d.version, d.invs = next, d.version+1, d.invs+1
		}
		p.stop(t)
		rep := checkOffline(t, bin, d.path)
		if !rep.Consistent() {
			mismatches++
		}
		if d != upd {
			os.RemoveAll(d.path)
		}
		t.Logf("kill %d (%s) after %v: mid-submission %v, landed %v; check: %d live, %d indexed",
			k, map[bool]string{true: "first submission", false: "resubmission"}[d != upd], delay.Round(time.Millisecond), inFlight, landed, rep.Live, rep.Indexed)
	}
	t.Logf("SUMMARY kills %d, mid-submission %d (of which the store had taken %d), partial submissions %d, index mismatches %d",
		kills, midway, landedMidway, partial, mismatches)
}
