package main

// Two server replicas on one MongoDB-compatible server (FerretDB in CI): a
// write through one is searchable and known on the other within 2 s, through
// the follower alone (FerretDB has no change streams: polling).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

const testMongoEnv = "PRAKTIJKENBANK_TEST_MONGODB_URI"

// testMongoDatabase returns the test server's URI with a fresh database,
// dropped when t ends, or skips the test.
func testMongoDatabase(t *testing.T) string {
	t.Helper()
	uri := os.Getenv(testMongoEnv)
	if uri == "" {
		t.Skip(testMongoEnv + " is not set: the replica tests need a MongoDB-compatible server (.ci/ferretdb starts one)")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := "pbreplica_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		client, err := mongo.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			return
		}
		defer client.Disconnect(ctx)
		_ = client.Database(db).Drop(ctx)
	})
	return withDatabase(uri, db)
}

// withDatabase sets the URI's path (its database) to db.
func withDatabase(uri, db string) string {
	i := strings.Index(uri, "://")
	rest, query := uri[i+3:], ""
	if j := strings.IndexByte(rest, '?'); j >= 0 {
		rest, query = rest[:j], rest[j:]
	}
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[:j]
	}
	return uri[:i+3] + rest + "/" + db + query
}

// buildBinary builds the server once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "praktijkenbank")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitUntil polls cond every 10 ms until it holds or limit passes, and
// returns how long it took (limit+ when it never held).
func waitUntil(limit time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > limit {
			return time.Since(start), false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestReplicasFollowEachOther(t *testing.T) {
	uri := testMongoDatabase(t)
	if testing.Short() {
		t.Skip("builds the binary and starts two servers")
	}
	bin := buildBinary(t)
	a := startBinary(t, bin, t.TempDir(), envMongoURI+"="+uri)
	defer a.stop(t)
	b := startBinary(t, bin, t.TempDir(), envMongoURI+"="+uri)
	defer b.stop(t)

	const within = 2 * time.Second
	in := practice.InventoryInput{Format: practice.Format, Region: crashRegion, Title: "Replica's", Practices: []practice.PracticeInput{{
		Ref: "rep-1", Content: practice.Content{Title: "Buurtwerk met de zebravinken", Summary: "Een praktijk die de andere replica moet vinden.",
			Krachtlijnen: []string{"NABIJHEID"}, Language: "nl"}}}}
	if _, err := submitCrash(a.url, in); err != nil {
		t.Fatal(err)
	}
	lag, ok := waitUntil(within, func() bool { return searchTotal(t, b.url, "zebravinken") == 1 })
	if !ok {
		t.Errorf("a practice submitted through replica A is not searchable on B after %s", lag.Round(time.Millisecond))
	}
	t.Logf("LAG submission: searchable on the other replica %s after the answer", lag.Round(time.Millisecond))

	gql(t, a.url, `mutation($in: RegionalActionInput!) { putRegionalAction(input: $in) { action { id } } }`,
		map[string]any{"in": map[string]any{"id": crashRegion + ":zebravinken", "title": "Zebravinken tellen", "challenge": "samenwerking"}})
	known := func() bool {
		data := gql(t, b.url, `{ actionPlan { actions { id } } }`, nil)
		for _, x := range data["actionPlan"].(map[string]any)["actions"].([]any) {
			if x.(map[string]any)["id"] == crashRegion+":zebravinken" {
				return true
			}
		}
		return false
	}
	lag, ok = waitUntil(within, known)
	if !ok {
		t.Errorf("a regional action added through replica A is unknown on B after %s", lag.Round(time.Millisecond))
	}
	t.Logf("LAG regional action: known on the other replica %s after the answer", lag.Round(time.Millisecond))

	// B can now take a practice that cites the new action (validated against its plan).
	in2 := in
	in2.Title = "Replica's 2"
	in2.Practices = []practice.PracticeInput{in.Practices[0]}
	in2.Practices[0].Content.Actions = []string{crashRegion + ":zebravinken"}
	if _, err := submitCrash(b.url, in2); err != nil {
		t.Errorf("B refuses a practice citing the regional action A added: %v", err)
	}
	lag, ok = waitUntil(within, func() bool {
		data := gql(t, a.url, `query { practiceByRef(region: "`+crashRegion+`", ref: "rep-1") { version } }`, nil)
		p, _ := data["practiceByRef"].(map[string]any)
		return p != nil && p["version"].(float64) == 2
	})
	if !ok {
		t.Errorf("the resubmission through B is not seen on A after %s", lag.Round(time.Millisecond))
	}
}
