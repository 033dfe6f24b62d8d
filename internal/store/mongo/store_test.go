package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/storetest"
)

const uriEnv = "PRAKTIJKENBANK_TEST_MONGODB_URI"

// testURI returns the URI of the test server or skips the test.
func testURI(t *testing.T) string {
	t.Helper()
	uri := os.Getenv(uriEnv)
	if uri == "" {
		t.Skip(uriEnv + " is not set: the MongoDB conformance run needs a real server (none can be installed on this machine)")
	}
	return uri
}

// uriWithDatabase returns uri with its path (the database) set to db.
func uriWithDatabase(uri, db string) string {
	i := strings.Index(uri, "://")
	if i < 0 {
		return uri
	}
	rest, query := uri[i+3:], ""
	if j := strings.IndexByte(rest, '?'); j >= 0 {
		rest, query = rest[:j], rest[j:]
	}
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return uri[:i+3] + rest + "/" + db + query
}

func TestURIWithDatabase(t *testing.T) {
	tests := []struct{ uri, want string }{
		{"mongodb://localhost:27017", "mongodb://localhost:27017/t1"},
		{"mongodb://localhost:27017/", "mongodb://localhost:27017/t1"},
		{"mongodb://u:p@h1:1,h2:2/prod?replicaSet=rs0&w=majority", "mongodb://u:p@h1:1,h2:2/t1?replicaSet=rs0&w=majority"},
		{"mongodb+srv://cluster.example.net/?retryWrites=true", "mongodb+srv://cluster.example.net/t1?retryWrites=true"},
	}
	for _, tt := range tests {
		if got := uriWithDatabase(tt.uri, "t1"); got != tt.want {
			t.Errorf("uriWithDatabase(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
}

// testServer is a connection to the test server for creating and dropping
// the per-test databases.
type testServer struct {
	uri    string
	client *mongo.Client
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	uri := testURI(t)
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second))
	if err != nil {
		t.Fatalf("connect to %s: %v", uriEnv, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Disconnect(ctx)
	})
	return &testServer{uri: uri, client: client}
}

// freshDatabase returns a new database name, dropped when t ends.
func (ts *testServer) freshDatabase(t *testing.T) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "pbtest_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := ts.client.Database(name).Drop(ctx); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return name
}

func (ts *testServer) open(t *testing.T, db string, opts ...Option) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Open(ctx, uriWithDatabase(ts.uri, db), opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// TestConformance runs the store suite against the server, on whatever path
// the deployment gives (transactions on a replica set).
func TestConformance(t *testing.T) {
	ts := newTestServer(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		return ts.open(t, ts.freshDatabase(t))
	})
}

// TestConformanceWithoutTransactions runs the suite on the roll-forward path,
// as a standalone server would force it.
func TestConformanceWithoutTransactions(t *testing.T) {
	ts := newTestServer(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		s := ts.open(t, ts.freshDatabase(t), WithTransactions(false))
		if s.Transactions() {
			t.Fatal("WithTransactions(false) ignored")
		}
		return s
	})
}

func sub(region string, when time.Time, ins ...practice.PracticeInput) store.Submission {
	return store.Submission{
		Inventory: practice.Inventory{ID: store.NewInventoryID(when), Region: region, Title: "Inventaris " + region,
			Principal: "test", Source: "graphql", SubmittedAt: when},
		Practices: ins,
	}
}

// TestCrashAfterPending stops a write right after its pending record is
// durable, as a crash would, and checks that nothing counts as done until a
// fresh Open completes it, and that it is then complete and consistent.
func TestCrashAfterPending(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	db := ts.freshDatabase(t)

	normal := ts.open(t, db, WithTransactions(false))
	first := sub("limburg", t0, in("a", "A"), in("b", "B"), in("c", "C"))
	if _, err := normal.Submit(ctx, first); err != nil {
		t.Fatal(err)
	}
	lastBefore, _ := normal.LastSeq(ctx)
	_ = normal.Close()

	crashing := ts.open(t, db, WithTransactions(false))
	changed := in("b", "B")
	changed.Summary = "Tweede versie."
	second := sub("limburg", t0.Add(time.Hour), in("a", "A"), changed, in("d", "D"))
	if _, _, err := submitToCommit(ctx, crashing, second); err != nil {
		t.Fatalf("Submit up to its commit point: %v", err)
	}
	// Not final: the inventory is not there, nothing of the write is applied,
	// and the pending record is ready.
	if _, err := crashing.Inventory(ctx, second.Inventory.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Inventory of the crashed write: %v, want ErrNotFound", err)
	}
	if _, err := crashing.Practice(ctx, practice.ID("limburg", "d")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("practice d visible before the roll-forward: %v", err)
	}
	var h pendingDoc
	if err := ts.client.Database(db).Collection(collPending).FindOne(ctx, idFilter(pendingSlot)).Decode(&h); err != nil || h.State != stateReady || h.Items != 2 {
		t.Errorf("pending record: %+v, %v; want ready with 2 items", h, err)
	}
	_ = crashing.Close()

	// A fresh Open completes it.
	s := ts.open(t, db, WithTransactions(false))
	defer s.Close()
	inv, err := s.Inventory(ctx, second.Inventory.ID)
	if err != nil {
		t.Fatalf("Inventory after recovery: %v", err)
	}
	if inv.Created != 1 || inv.Updated != 1 || inv.Unchanged != 1 {
		t.Errorf("recovered inventory counts %d/%d/%d, want 1/1/1", inv.Created, inv.Updated, inv.Unchanged)
	}
	b, err := s.Practice(ctx, practice.ID("limburg", "b"))
	if err != nil || b.Version != 2 || b.Summary != "Tweede versie." {
		t.Errorf("practice b after recovery: v%d %q, %v", b.Version, b.Summary, err)
	}
	if h, err := s.History(ctx, b.ID); err != nil || len(h) != 2 {
		t.Errorf("history of b: %d revisions, %v", len(h), err)
	}
	changes, err := s.ChangedSince(ctx, lastBefore, 0)
	if err != nil || len(changes) != 2 {
		t.Errorf("ChangedSince after recovery: %d practices, %v; want b and d", len(changes), err)
	}
	if n, err := s.pending.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Errorf("pending records left: %d, %v", n, err)
	}
	if n, err := s.pendingItems.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Errorf("pending items left: %d, %v", n, err)
	}
	// Completing it again changes nothing.
	if err := s.recoverPending(ctx); err != nil {
		t.Errorf("recoverPending with nothing pending: %v", err)
	}
}

// TestCrashCompletedByNextWrite leaves a crashed write for the next write of
// another store (no Open in between) and a second crashed roll-forward that
// a completion repeats.
func TestCrashCompletedByNextWrite(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	db := ts.freshDatabase(t)
	crashing := ts.open(t, db, WithTransactions(false))
	s := ts.open(t, db, WithTransactions(false))
	defer s.Close()

	one := sub("brussel", t0, in("x", "X"))
	if _, _, err := submitToCommit(ctx, crashing, one); err != nil {
		t.Fatalf("Submit up to its commit point: %v", err)
	}
	// Half of it applied, as if the crash came in the middle of the apply.
	var h pendingDoc
	if err := s.pending.FindOne(ctx, idFilter(pendingSlot)).Decode(&h); err != nil {
		t.Fatal(err)
	}
	var it pendingItemDoc
	if err := s.pendingItems.FindOne(ctx, itemsFilter(h.Token)).Decode(&it); err != nil {
		t.Fatal(err)
	}
	if err := s.applyItems(ctx, []pendingItemDoc{it}); err != nil {
		t.Fatal(err)
	}
	two := sub("brussel", t0.Add(time.Minute), in("y", "Y"))
	if _, err := s.Submit(ctx, two); err != nil {
		t.Fatalf("the next Submit: %v", err)
	}
	for _, id := range []string{one.Inventory.ID, two.Inventory.ID} {
		if _, err := s.Inventory(ctx, id); err != nil {
			t.Errorf("Inventory(%s): %v", id, err)
		}
	}
	px, _ := s.Practice(ctx, practice.ID("brussel", "x"))
	py, _ := s.Practice(ctx, practice.ID("brussel", "y"))
	if px.Seq == 0 || py.Seq <= px.Seq {
		t.Errorf("Seqs x %d y %d: the completed write comes first", px.Seq, py.Seq)
	}
	_ = crashing.Close()
}

// TestAbandonedSlot drops a locked slot whose lease has run out.
func TestAbandonedSlot(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	db := ts.freshDatabase(t)
	s := ts.open(t, db, WithTransactions(false), WithWriteLockLease(time.Second))
	defer s.Close()
	if _, err := s.pending.InsertOne(ctx, lockSlotDoc("dead", time.Now().Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pendingItems.InsertOne(ctx, pendingItemDoc{ID: "dead/00000000", Token: "dead"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, sub("antwerpen", t0, in("z", "Z"))); err != nil {
		t.Fatalf("Submit past an abandoned slot: %v", err)
	}
	if n, _ := s.pendingItems.CountDocuments(ctx, bson.D{}); n != 0 {
		t.Errorf("%d items of the abandoned slot left", n)
	}
}

// TestPingReconnects puts a TCP proxy between the store and the server,
// stops it (Ping: ErrUnavailable) and starts it again (Ping: fine, with the
// same store).
func TestPingReconnects(t *testing.T) {
	ts := newTestServer(t)
	p, uri := proxied(t, ts)
	defer p.stop()
	db := ts.freshDatabase(t)
	ctx := context.Background()
	s, err := Open(ctx, uriWithDatabase(uri, db), WithServerSelectionTimeout(time.Second), WithPingTimeout(time.Second))
	if err != nil {
		t.Fatalf("Open through the proxy: %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	p.stop()
	if err := s.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Ping with the server gone: %v, want ErrUnavailable", err)
	}
	if _, err := s.LastSeq(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("LastSeq with the server gone: %v, want ErrUnavailable", err)
	}
	p.start(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.Ping(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Ping still failing after the server came back: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := s.LastSeq(ctx); err != nil {
		t.Errorf("LastSeq after the server came back: %v", err)
	}
}

// TestUnreachable needs no server: nothing listens at the address, so Open
// fails with ErrUnavailable within the server selection timeout, and Ping on
// a client to it does too.
func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // a port nothing listens on
	ctx := context.Background()
	start := time.Now()
	_, err = Open(ctx, "mongodb://"+addr+"/x?connectTimeoutMS=200", WithServerSelectionTimeout(300*time.Millisecond))
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Open of an unreachable server: %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Open took %s", d)
	}

	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + addr).SetServerSelectionTimeout(300 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{client: client, o: options_{pingTimeout: 300 * time.Millisecond}}
	if err := s.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Ping of an unreachable server: %v, want ErrUnavailable", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Ping(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("Ping with a cancelled context: %v, want context.Canceled", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Ping after Close: %v, want ErrUnavailable", err)
	}
	if _, err := s.Practice(ctx, "pr_x"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Practice after Close: %v, want ErrUnavailable", err)
	}
}

func TestOpenRejectsBadURI(t *testing.T) {
	_, err := Open(context.Background(), "mongodb://user:geheim@host:notaport/db")
	if err == nil {
		t.Fatal("Open accepted a bad URI")
	}
	if strings.Contains(err.Error(), "geheim") {
		t.Errorf("the password is in the error: %v", err)
	}
}

// proxied starts a proxy to the test server (the first host of its URI)
// and returns it with the URI through it (a direct connection).
func proxied(t *testing.T, ts *testServer) (*proxy, string) {
	t.Helper()
	cs, err := connstring.ParseAndValidate(ts.uri)
	if err != nil || cs.Scheme != connstring.SchemeMongoDB || len(cs.Hosts) == 0 {
		t.Skipf("needs a mongodb:// URI with a host (%v)", err)
	}
	p := startProxy(t, cs.Hosts[0])
	uri := strings.Replace(ts.uri, strings.Join(cs.RawHosts, ","), p.addr, 1)
	if strings.Contains(uri, "?") {
		uri += "&directConnection=true"
	} else {
		uri = uriWithDatabase(uri, "") + "?directConnection=true"
	}
	return p, uri
}

// proxy forwards TCP connections to a target and can be stopped and
// started again on the same address, or frozen: connections stay open but
// no byte goes through until it thaws (a server that stops answering). With
// a lag, every chunk a client sends waits that long before it is forwarded
// (a slow server).
type proxy struct {
	target, addr string
	mu           sync.Mutex
	l            net.Listener
	conns        []net.Conn
	frozen       bool
	lag          time.Duration
	thawed       *sync.Cond // on mu
}

// slow sets the lag (0: none).
func (p *proxy) slow(lag time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lag = lag
}

// freeze stops forwarding; thaw forwards again what was held.
func (p *proxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frozen = true
}

func (p *proxy) thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frozen = false
	p.thawed.Broadcast()
}

// pump copies src to dst, holding every chunk while the proxy is frozen,
// and a chunk from a client for the lag.
func (p *proxy) pump(dst, src net.Conn, fromClient bool) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.frozen {
				p.thawed.Wait()
			}
			lag := p.lag
			p.mu.Unlock()
			if fromClient && lag > 0 {
				time.Sleep(lag)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{target: target, addr: l.Addr().String()}
	p.thawed = sync.NewCond(&p.mu)
	p.serve(l)
	return p
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("proxy restart on %s: %v", p.addr, err)
	}
	p.serve(l)
}

func (p *proxy) serve(l net.Listener) {
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go p.pump(u, c, true)
			go p.pump(c, u, false)
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frozen = false
	p.thawed.Broadcast()
	if p.l != nil {
		_ = p.l.Close()
		p.l = nil
	}
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}
