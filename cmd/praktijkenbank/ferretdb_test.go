package main

// Crash and outage tests on FerretDB (a MongoDB-compatible server without
// transactions: the store's roll-forward path). They start FerretDB
// themselves from the binary .ci/ferretdb builds (PRAKTIJKENBANK_TEST_FERRETDB),
// so that they can kill it.

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

const testFerretEnv = "PRAKTIJKENBANK_TEST_FERRETDB"

// slowWrites lets a 5,000-practice submission take its time on a busy test
// machine (FerretDB on SQLite is no fast store).
const slowWrites = envWriteTimeout + "=10m"

// readLimit bounds how long the server's reads may fail after a restart (a
// committed submission being completed) and how long checking the store
// through it may take; past it the server's goroutines are dumped.
const readLimit = 2 * time.Minute

// checkLimit bounds the whole check of the store through a restarted server
// (reads answering again, 5,000 practices read by id, the index equal). On
// two cores at a load of 20 a check took about 7 minutes, FerretDB spending
// most of its time on the followers' polls (a pass over all practices for
// LastSeq and one for ChangedSince, each second). Before the fix of the
// hang, one read alone waited longer than 8 minutes.
const checkLimit = 15 * time.Minute

// ferret is one FerretDB on SQLite in a directory, on a fixed port, so that
// it can be killed and started again with the same data.
type ferret struct {
	bin, dir, addr string
	cmd            *exec.Cmd
	done           chan error
}

func startFerret(t *testing.T) *ferret {
	t.Helper()
	bin := os.Getenv(testFerretEnv)
	if bin == "" {
		t.Skip(testFerretEnv + " is not set: the FerretDB outage tests start their own FerretDB (.ci/ferretdb sets it)")
	}
	f := &ferret{bin: bin, dir: t.TempDir(), addr: freeAddr(t)}
	f.start(t)
	t.Cleanup(func() { f.kill() })
	return f
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func (f *ferret) start(t *testing.T) {
	t.Helper()
	f.cmd = exec.Command(f.bin, "--handler=sqlite", "--sqlite-url=file:"+f.dir+"/", "--listen-addr="+f.addr,
		"--debug-addr="+freeAddr(t), "--telemetry=disable", "--state-dir="+f.dir, "--log-level=error")
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f.done = make(chan error, 1)
	go func() { f.done <- f.cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if c, err := net.Dial("tcp", f.addr); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("FerretDB does not listen on %s", f.addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *ferret) kill() {
	if f.cmd != nil && f.cmd.Process != nil {
		_ = f.cmd.Process.Signal(syscall.SIGKILL)
		<-f.done
		f.cmd = nil
	}
}

func (f *ferret) uri(db string) string { return "mongodb://" + f.addr + "/" + db }

func readyz(url string) int {
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// allOrNothing checks the store through the server after an interrupted
// first submission of the crash inventory: none of it or all of it (one
// version, one inventory), all of it when the submission was answered, and
// the search index equal to the store once the follower has caught up.
func allOrNothing(t *testing.T, p *proc, refs []string, answered bool) {
	t.Helper()
	url := p.url
	// A hang shows where it hangs: past checkLimit, the server dumps its
	// goroutines into its log (SIGQUIT), the read fails, and so does the test.
	watchdog := time.AfterFunc(checkLimit, func() { _ = p.cmd.Process.Signal(syscall.SIGQUIT) })
	defer watchdog.Stop()
	// A submission committed before its server or FerretDB went down is
	// completed by the store before a read sees any of it (at Open, or in
	// the background after FerretDB is back); until then a read answers
	// UNAVAILABLE, each within the store's deadline.
	took, ok := waitUntil(readLimit, func() bool {
		_, err := postGQL(url, fmt.Sprintf(`{ practice(id: %q) { id } }`, practice.ID(crashRegion, refs[0])), nil)
		return err == nil
	})
	if !ok {
		t.Fatalf("the server's reads still fail %s after it is ready\n%s", readLimit, p.log)
	}
	s := readStore(t, url, refs)
	switch {
	case s.count == 0 && s.invs == 0:
		if answered {
			t.Errorf("the submission was answered but is not in the store")
		}
	case s.count == len(refs) && s.invs == 1 && len(s.versions) == 1 && s.versions[1] == len(refs):
	default:
		t.Errorf("half a submission: %d of %d practices, versions %v, %d inventories", s.count, len(refs), s.versions, s.invs)
	}
	lag, ok := waitUntil(30*time.Second, func() bool { return searchTotal(t, url, "") == s.count })
	if !ok {
		t.Errorf("index: %d practices of the region found, the store has %d", searchTotal(t, url, ""), s.count)
	}
	t.Logf("store: %d practices, %d inventories (reads answered after %s); index equal after %s",
		s.count, s.invs, took.Round(time.Millisecond), lag.Round(time.Millisecond))
}

func TestFerretDBOutages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, starts FerretDB and kills it and the server")
	}
	f := startFerret(t)
	bin := buildBinary(t)
	base := search.GenerateCorpus(crashPractices, 7)
	refs := make([]string, len(base))
	for i := range base {
		base[i].Region = crashRegion
		refs[i] = base[i].Ref
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 2))

	// How long a whole submission takes here, so that the kills below fall
	// anywhere in one: before the commit point, while it is applied, after.
	p := startBinary(t, bin, t.TempDir(), envMongoURI+"="+f.uri("pbtime"), slowWrites)
	took, err := submitCrash(p.url, crashInventory(base, 1))
	p.stop(t)
	if err != nil {
		t.Fatalf("%v\n%s", err, p.log)
	}
	killAt := func() time.Duration { return time.Duration(rng.Int64N(int64(took) * 11 / 10)) }
	t.Logf("a first submission of %d practices on FerretDB takes %s; seed %d", crashPractices, took.Round(time.Millisecond), seed)

	// The server killed with SIGKILL during a 5,000-practice submission: after
	// a restart, all or nothing, and the index equal to the store.
	t.Run("ServerKilled", func(t *testing.T) {
		uri := f.uri("pbkill")
		p := startBinary(t, bin, t.TempDir(), envMongoURI+"="+uri, slowWrites)
		answer := make(chan error, 1)
		go func() { _, err := submitCrash(p.url, crashInventory(base, 1)); answer <- err }()
		delay := killAt()
		time.Sleep(delay)
		answered, inFlight := false, true
		select {
		case err := <-answer:
			answered, inFlight = err == nil, false
		default:
		}
		p.kill(t)
		if inFlight {
			<-answer // the answer already taken above would never come again
		}
		dir := t.TempDir() // a replica with a fresh index: built from the store
		restart := time.Now()
		p = startBinary(t, bin, dir, envMongoURI+"="+uri, slowWrites)
		defer p.stop(t)
		t.Logf("killed %s into the submission (answered: %v); the restarted server was ready in %s",
			delay.Round(time.Millisecond), answered, time.Since(restart).Round(time.Millisecond))
		allOrNothing(t, p, refs, answered)
	})

	// FerretDB killed with SIGKILL during a submission and started again: the
	// submission fails cleanly or completes, never half; /readyz is 503 while
	// it is down and 200 again after, without restarting the server.
	t.Run("FerretDBKilled", func(t *testing.T) {
		uri := f.uri("pbdown")
		p := startBinary(t, bin, t.TempDir(), envMongoURI+"="+uri, slowWrites)
		defer p.stop(t)
		answer := make(chan error, 1)
		go func() { _, err := submitCrash(p.url, crashInventory(base, 1)); answer <- err }()
		delay := killAt()
		time.Sleep(delay)
		f.kill()
		start := time.Now()
		err := <-answer
		took := time.Since(start)
		t.Logf("FerretDB killed %s into the submission; the answer came %s later: %v", delay, took.Round(time.Millisecond), errText(err))
		if took > 2*time.Minute {
			t.Errorf("the submission took %s to answer after FerretDB died", took)
		}
		if _, ok := waitUntil(10*time.Second, func() bool { return readyz(p.url) == http.StatusServiceUnavailable }); !ok {
			t.Errorf("/readyz answers %d with FerretDB down, want 503", readyz(p.url))
		}
		f.start(t)
		lag, ok := waitUntil(30*time.Second, func() bool { return readyz(p.url) == http.StatusOK })
		if !ok {
			t.Fatalf("/readyz answers %d after FerretDB came back, want 200", readyz(p.url))
		}
		t.Logf("/readyz 200 again %s after FerretDB came back", lag.Round(time.Millisecond))
		allOrNothing(t, p, refs, err == nil)
	})
}

func errText(err error) string {
	if err == nil {
		return "accepted"
	}
	return fmt.Sprintf("failed (%v)", err)
}
