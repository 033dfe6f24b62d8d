package main

// Crash and outage tests on FerretDB (a MongoDB-compatible server without
// transactions: the store's roll-forward path). They start FerretDB
// themselves from the binary .ci/ferretdb builds (PRAKTIJKENBANK_TEST_FERRETDB),
// so that they can kill it.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

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
// (reads answering again, the store read, a sample read through the server,
// the index equal). Before the followers' idle polls stopped making passes
// over all practices and the store was read in one pass instead of 5,000
// reads by id through the server, a check took up to 10 minutes here.
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
func allOrNothing(t *testing.T, p *proc, uri string, refs []string, answered bool) {
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
	s, seen := readFerret(t, uri)
	sampleThroughServer(t, url, refs, seen)
	switch {
	case s.count == 0 && s.invs == 0:
		if answered {
			t.Errorf("the submission was answered but is not in the store")
		}
	case s.count == len(refs) && s.invs == 1 && len(s.versions) == 1 && s.versions[1] == len(refs):
	default:
		t.Errorf("half a submission: %d of %d practices, versions %v, %d inventories", s.count, len(refs), s.versions, s.invs)
	}
	// A running server that follows a whole submission completed behind its
	// back (FerretDB killed after the commit point) reads it in batches of
	// 500 practices, each a pass over all practices on FerretDB: 30 s and
	// more on a loaded machine.
	lag, ok := waitUntil(readLimit, func() bool { return searchTotal(t, url, "") == s.count })
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
		allOrNothing(t, p, uri, refs, answered)
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
		allOrNothing(t, p, uri, refs, err == nil)
	})
}

// seenPractice is what the store holds of one practice of the crash region.
type seenPractice struct{ version, variant int }

// variantOf is the crash inventory variant a summary carries (-1: none).
func variantOf(summary string) int {
	for k := range crashMarkers {
		if strings.HasSuffix(summary, "Kenmerk: "+crashMarkers[k]+".") {
			return k
		}
	}
	return -1
}

// readFerret reads what the store at uri holds of the crash region straight
// from FerretDB, in one pass over the practices. Through the server, 5,000
// reads by id cost FerretDB a pass over the practices each (it answers even
// a lookup by _id with a scan in SQLite): 10 to 15 minutes on a loaded
// machine. The store package is not used: opening a store completes a
// pending write, which would hide what the server left.
func readFerret(t *testing.T, uri string) (storeState, map[string]seenPractice) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readLimit)
	defer cancel()
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		t.Fatal(err)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.WithoutCancel(ctx))
	db := client.Database(cs.Database)
	region := bson.D{{Key: "region", Value: crashRegion}}
	var docs []struct {
		ID      string `bson:"_id"`
		Version int    `bson:"version"`
		Content struct {
			Summary string `bson:"summary"`
		} `bson:"content"`
	}
	cur, err := db.Collection("practices").Find(ctx, region,
		options.Find().SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "content.summary", Value: 1}}))
	if err != nil {
		t.Fatalf("reading the practices from FerretDB: %v", err)
	}
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatalf("reading the practices from FerretDB: %v", err)
	}
	s := storeState{variants: map[int]int{}, versions: map[int]int{}}
	seen := make(map[string]seenPractice, len(docs))
	for _, d := range docs {
		v := variantOf(d.Content.Summary)
		s.count++
		s.versions[d.Version]++
		s.variants[v]++
		seen[d.ID] = seenPractice{version: d.Version, variant: v}
	}
	n, err := db.Collection("inventories").CountDocuments(ctx, region)
	if err != nil {
		t.Fatalf("counting the inventories in FerretDB: %v", err)
	}
	s.invs = int(n)
	return s, seen
}

// sampleThroughServer reads practices of the crash region through the
// server (the first, the last and random others) and checks that it shows
// each as the store holds it.
func sampleThroughServer(t *testing.T, url string, refs []string, seen map[string]seenPractice) {
	t.Helper()
	const n = 50
	sample := []string{refs[0], refs[len(refs)-1]}
	for _, i := range rand.Perm(len(refs))[:n] {
		sample = append(sample, refs[i])
	}
	var q strings.Builder
	q.WriteString("{")
	for j, ref := range sample {
		fmt.Fprintf(&q, " p%d: practice(id: %q) { version summary }", j, practice.ID(crashRegion, ref))
	}
	q.WriteString(" }")
	data := gql(t, url, q.String(), nil)
	for j, ref := range sample {
		id := practice.ID(crashRegion, ref)
		want, inStore := seen[id]
		p, shown := data[fmt.Sprintf("p%d", j)].(map[string]any)
		switch {
		case shown != inStore:
			t.Errorf("practice %s: shown by the server %v, in the store %v", id, shown, inStore)
		case shown:
			got := seenPractice{version: int(p["version"].(float64)), variant: variantOf(p["summary"].(string))}
			if got != want {
				t.Errorf("practice %s: the server shows %+v, the store holds %+v", id, got, want)
			}
		}
	}
}

func errText(err error) string {
	if err == nil {
		return "accepted"
	}
	return fmt.Sprintf("failed (%v)", err)
}
