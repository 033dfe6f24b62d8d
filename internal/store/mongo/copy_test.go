package mongo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/storetest"
)

// ---- without a server ----

// sliceNext feeds a slice to joinHistories as a cursor would.
func sliceNext[D any](ds []D) func() (*D, error) {
	return func() (*D, error) {
		if len(ds) == 0 {
			return nil, nil
		}
		d := ds[0]
		ds = ds[1:]
		return &d, nil
	}
}

func TestJoinHistories(t *testing.T) {
	pd := func(id string, version int64) practiceDoc { return practiceDoc{ID: id, Version: version, Seq: 1} }
	rd := func(id string, version int64) revisionDoc {
		return revisionDoc{ID: revisionID(id, int(version)), PracticeID: id, Version: version}
	}
	tests := []struct {
		name    string
		ps      []practiceDoc
		rs      []revisionDoc
		want    string // "id:versions;..."
		wantErr string
	}{
		{"empty", nil, nil, "", ""},
		{"each with its history", []practiceDoc{pd("pr_a", 2), pd("pr_b", 1), pd("pr_c", 3)},
			[]revisionDoc{rd("pr_a", 1), rd("pr_a", 2), rd("pr_b", 1), rd("pr_c", 1), rd("pr_c", 2), rd("pr_c", 3)},
			"pr_a:1,2;pr_b:1;pr_c:1,2,3;", ""},
		{"a practice without revisions is handed on (Copy refuses it)", []practiceDoc{pd("pr_a", 1), pd("pr_b", 1)},
			[]revisionDoc{rd("pr_b", 1)}, "pr_a:;pr_b:1;", ""},
		{"orphan in between", []practiceDoc{pd("pr_a", 1), pd("pr_c", 1)},
			[]revisionDoc{rd("pr_a", 1), rd("pr_b", 1), rd("pr_c", 1)}, "", "revision 1 of practice pr_b"},
		{"orphan at the end", []practiceDoc{pd("pr_a", 1)},
			[]revisionDoc{rd("pr_a", 1), rd("pr_z", 4)}, "", "revision 4 of practice pr_z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got strings.Builder
			err := joinHistories(sliceNext(tt.ps), sliceNext(tt.rs), func(r store.Record) error {
				fmt.Fprintf(&got, "%s:", r.Practice.ID)
				for i, h := range r.History {
					if h.PracticeID != r.Practice.ID {
						t.Errorf("revision of %s in the history of %s", h.PracticeID, r.Practice.ID)
					}
					if i > 0 {
						got.WriteString(",")
					}
					fmt.Fprint(&got, h.Version)
				}
				got.WriteString(";")
				return nil
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Errorf("joinHistories = %q, %v; want %q", got.String(), err, tt.want)
			}
		})
	}
	stop := errors.New("stop")
	if err := joinHistories(sliceNext([]practiceDoc{pd("pr_a", 1)}), sliceNext([]revisionDoc{rd("pr_a", 1)}), func(store.Record) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn's error = %v, want it returned", err)
	}
}

func TestLoadDocuments(t *testing.T) {
	p := practiceFromDoc(samplePracticeDoc())
	w := practice.Withdrawal{At: t0.Add(time.Hour), By: "admin", Reason: "dubbel"}
	p.Withdrawn, p.Demo, p.Version, p.Seq = &w, true, 2, 77
	v1 := practice.RevisionOf(p)
	v1.Version, v1.Withdrawn = 1, nil
	revoked := t0.Add(2 * time.Hour)
	batch := []store.Record{
		{Practice: &p, History: []practice.Revision{v1, practice.RevisionOf(p)}},
		{Inventory: &practice.Inventory{ID: "inv_1", Region: "limburg", Title: "I", SubmittedAt: t0, PracticeIDs: []string{p.ID}, Demo: true}},
		{Action: &actionplan.Action{ID: "limburg:x", ChallengeID: "samenwerking", Title: "X", Region: "limburg"}},
		{Token: &auth.Token{ID: "tok_1", Label: "L", Region: "limburg", Role: auth.RolePlatform, Hash: "abc", CreatedAt: t0, RevokedAt: &revoked}},
	}
	ld, err := loadDocuments(batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(ld.practices) != 1 || len(ld.revisions) != 2 || len(ld.inventories) != 1 || len(ld.actions) != 1 || len(ld.tokens) != 1 {
		t.Fatalf("documents per collection: %d %d %d %d %d", len(ld.practices), len(ld.revisions), len(ld.inventories), len(ld.actions), len(ld.tokens))
	}
	if ld.maxSeq != 77 {
		t.Errorf("maxSeq = %d, want 77", ld.maxSeq)
	}
	// The documents are exactly what the store's own writes produce: ids,
	// versions, seq, times, withdrawal and demo flag kept.
	pdoc := ext(t, ld.practices[0])
	for _, want := range []string{`"_id":"pr_1"`, `"version":2,`, `"seq":77,`, `"withdrawn":{"at":{"$date":`, `"demo":true`, `"hash":"` + p.Hash + `"`} {
		if !strings.Contains(pdoc, want) {
			t.Errorf("practice document lacks %s:\n%s", want, pdoc)
		}
	}
	wantExt(t, "revision ids", bson.A{ld.revisions[0].(revisionDoc).ID, ld.revisions[1].(revisionDoc).ID}, `["pr_1/0000000001","pr_1/0000000002"]`)
	if tok := ext(t, ld.tokens[0]); !strings.Contains(tok, `"hash":"abc"`) || !strings.Contains(tok, `"revokedAt":{"$date":`) {
		t.Errorf("token document: %s", tok)
	}
	if inv := ext(t, ld.inventories[0]); !strings.Contains(inv, `"practiceIds":["pr_1"]`) || !strings.Contains(inv, `"demo":true`) {
		t.Errorf("inventory document: %s", inv)
	}
	wantExt(t, "counter update after a load", counterAtLeastUpdate(ld.maxSeq), `{"$max":{"value":77}}`)

	bad := []struct {
		name string
		r    store.Record
	}{
		{"practice without seq", store.Record{Practice: &practice.Practice{ID: "pr_x"}}},
		{"revision of another practice", store.Record{Practice: &p, History: []practice.Revision{{PracticeID: "pr_other", Version: 1}}}},
		{"token without hash", store.Record{Token: &auth.Token{ID: "tok"}}},
		{"action without region", store.Record{Action: &actionplan.Action{ID: "x"}}},
		{"seq beyond int64", store.Record{Practice: &practice.Practice{ID: "pr_x", Seq: 1 << 63}}},
	}
	for _, b := range bad {
		if _, err := loadDocuments([]store.Record{b.r}); err == nil {
			t.Errorf("loadDocuments(%s): no error", b.name)
		}
	}
}

// ---- against a server ----

// TestCopyConformance runs the copy suite against the server.
func TestCopyConformance(t *testing.T) {
	ts := newTestServer(t)
	storetest.RunCopy(t, func(t *testing.T) store.Store {
		return ts.open(t, ts.freshDatabase(t))
	})
}

// TestCopyBetweenStores moves a filled embedded store to MongoDB and back,
// and verifies both copies.
func TestCopyBetweenStores(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	open := func(name string) *bolt.Store {
		s, err := bolt.Open(filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	src := open("bron.db")
	for i, region := range []string{"limburg", "antwerpen"} {
		if _, err := src.Submit(ctx, sub(region, t0.Add(time.Duration(i)*time.Minute), in("a", "A"), in("b", "B"))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.Withdraw(ctx, practice.ID("limburg", "a"), practice.Withdrawal{At: t0.Add(time.Hour), By: "admin"}); err != nil {
		t.Fatal(err)
	}
	m := ts.open(t, ts.freshDatabase(t))
	t.Cleanup(func() { _ = m.Close() })
	if _, err := store.Copy(ctx, src, m); err != nil {
		t.Fatalf("bolt → mongo: %v", err)
	}
	if _, _, err := store.Verify(ctx, src, m); err != nil {
		t.Fatalf("verify bolt → mongo: %v", err)
	}
	back := open("terug.db")
	if _, err := store.Copy(ctx, m, back); err != nil {
		t.Fatalf("mongo → bolt: %v", err)
	}
	if _, _, err := store.Verify(ctx, src, back); err != nil {
		t.Fatalf("verify mongo → bolt: %v", err)
	}
}

// ---- watching ----

func TestChangeStreamsSupported(t *testing.T) {
	tests := []struct {
		h    helloReply
		want bool
	}{
		{helloReply{}, false},
		{helloReply{SetName: "rs0"}, true},
		{helloReply{Msg: "isdbgrid"}, true},
	}
	for _, tt := range tests {
		if got := changeStreamsSupported(tt.h); got != tt.want {
			t.Errorf("changeStreamsSupported(%+v) = %v", tt.h, got)
		}
	}
}

func TestWatchErr(t *testing.T) {
	tests := []struct {
		code int32
		want error
	}{
		{286, store.ErrHistoryLost}, // ChangeStreamHistoryLost
		{260, store.ErrHistoryLost}, // InvalidResumeToken
		{280, store.ErrHistoryLost}, // ChangeStreamFatalError
		{136, store.ErrHistoryLost}, // CappedPositionLost
		{40573, store.ErrNoChangeStreams},
	}
	for _, tt := range tests {
		err := watchErr("change stream", fmt.Errorf("wrapped: %w", mongo.CommandError{Code: tt.code, Message: "x"}))
		if !errors.Is(err, tt.want) {
			t.Errorf("watchErr(code %d) = %v, want %v", tt.code, err, tt.want)
		}
	}
	err := watchErr("change stream", mongo.CommandError{Code: 13, Message: "Unauthorized"})
	if errors.Is(err, store.ErrHistoryLost) || errors.Is(err, store.ErrNoChangeStreams) {
		t.Errorf("an authorisation error is mapped to %v", err)
	}
}

func TestWatchPipelineAndOptions(t *testing.T) {
	wantExt(t, "pipeline", watchPipeline(), `[{"$match":{"operationType":{"$in":["insert","update","replace","delete"]}}},{"$project":{"operationType":1}}]`)
	tok, _ := bson.Marshal(bson.D{{Key: "_data", Value: "8266"}})
	var o struct{ set int }
	for range watchOptions(tok).List() {
		o.set++
	}
	if o.set != 2 {
		t.Errorf("watchOptions with a token sets %d options, want 2 (maxAwaitTime, resumeAfter)", o.set)
	}
	o.set = 0
	for range watchOptions(nil).List() {
		o.set++
	}
	if o.set != 1 {
		t.Errorf("watchOptions without a token sets %d options, want 1", o.set)
	}
}

// TestWatchSeesAnotherStoresWrite: a write through one store is reported
// within 2 s to a watcher on another store of the same database, with a
// token from which a new watch resumes.
func TestWatchSeesAnotherStoresWrite(t *testing.T) {
	ts := newTestServer(t)
	db := ts.freshDatabase(t)
	writer, watcher := ts.open(t, db), ts.open(t, db)
	t.Cleanup(func() { _ = writer.Close(); _ = watcher.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	type notice struct {
		token   []byte
		changed bool
	}
	notices := make(chan notice, 100)
	watchCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- watcher.Watch(watchCtx, nil, func(tok []byte, changed bool) error {
			notices <- notice{append([]byte(nil), tok...), changed}
			return nil
		})
	}()
	select {
	case n := <-notices:
		if !n.changed {
			t.Errorf("the first notice (stream open) has changed false")
		}
	case err := <-done:
		if errors.Is(err, store.ErrNoChangeStreams) {
			t.Skip("the test server is standalone: no change streams")
		}
		t.Fatalf("Watch: %v", err)
	case <-ctx.Done():
		t.Fatal("no notice that the stream is open")
	}
	if _, err := writer.Submit(ctx, sub("limburg", t0, in("w", "Gezien door de ander"))); err != nil {
		t.Fatal(err)
	}
	written := time.Now()
	var token []byte
	for token == nil {
		select {
		case n := <-notices:
			if n.changed {
				token = n.token
			}
		case <-time.After(2*time.Second - time.Since(written)):
			t.Fatal("the write was not reported within 2 s")
		}
	}
	stop()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch after cancel = %v, want context.Canceled", err)
	}

	// Resuming after the token reports the write that followed it.
	if _, err := writer.Submit(ctx, sub("antwerpen", t0, in("x", "Na het token"))); err != nil {
		t.Fatal(err)
	}
	rctx, rstop := context.WithTimeout(ctx, 5*time.Second)
	defer rstop()
	changes := 0
	err := watcher.Watch(rctx, token, func(_ []byte, changed bool) error {
		if changed {
			changes++
		}
		if changes == 2 { // the open notice, then the write after the token
			rstop()
		}
		return nil
	})
	if changes < 2 {
		t.Errorf("resumed watch saw %d notices (%v), want the open notice and the write after the token", changes, err)
	}
}
