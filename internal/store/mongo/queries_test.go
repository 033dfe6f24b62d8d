package mongo

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// These tests check the filters, updates and options the store sends,
// without a server: the bson.D that small pure functions build.

// ext is the extended JSON of v, for readable comparisons.
func ext(t *testing.T, v any) string {
	t.Helper()
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		t.Fatalf("MarshalExtJSON(%v): %v", v, err)
	}
	return string(b)
}

func wantExt(t *testing.T, what string, got any, want string) {
	t.Helper()
	if g := ext(t, got); g != `{"v":`+want+`}` {
		t.Errorf("%s:\n got %s\nwant {\"v\":%s}", what, g, want)
	}
}

func findOpts(t *testing.T, b options.Lister[options.FindOptions]) options.FindOptions {
	t.Helper()
	var o options.FindOptions
	for _, f := range b.List() {
		if err := f(&o); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

func TestListPracticesFilter(t *testing.T) {
	tests := []struct {
		q    store.PracticeQuery
		want string
	}{
		{store.PracticeQuery{}, `{"withdrawn":{"$exists":false}}`},
		{store.PracticeQuery{IncludeWithdrawn: true}, `{}`},
		{store.PracticeQuery{Region: "limburg"}, `{"region":"limburg","withdrawn":{"$exists":false}}`},
		{store.PracticeQuery{Region: "limburg", IncludeWithdrawn: true, After: "pr_5", Limit: 2}, `{"region":"limburg","_id":{"$gt":"pr_5"}}`},
		{store.PracticeQuery{After: "pr_a"}, `{"_id":{"$gt":"pr_a"},"withdrawn":{"$exists":false}}`},
	}
	for _, tt := range tests {
		wantExt(t, fmt.Sprintf("listPracticesFilter(%+v)", tt.q), listPracticesFilter(tt.q), tt.want)
	}
}

func TestPagingOptions(t *testing.T) {
	for _, limit := range []int{-1, 0, 3} {
		o := findOpts(t, listPracticesOptions(limit))
		wantExt(t, "ListPractices sort", o.Sort, `{"_id":1}`)
		if (o.Limit != nil) != (limit > 0) || (limit > 0 && *o.Limit != int64(limit)) {
			t.Errorf("ListPractices limit %d: option %v", limit, o.Limit)
		}
		o = findOpts(t, changedSinceOptions(limit))
		wantExt(t, "ChangedSince sort", o.Sort, `{"seq":1}`)
		if (o.Limit != nil) != (limit > 0) {
			t.Errorf("ChangedSince limit %d: option %v", limit, o.Limit)
		}
		o = findOpts(t, inventoriesOptions(limit))
		wantExt(t, "Inventories sort", o.Sort, `{"_id":-1}`)
		if (o.Limit != nil) != (limit > 0) {
			t.Errorf("Inventories limit %d: option %v", limit, o.Limit)
		}
	}
	o := findOpts(t, scanOptions())
	wantExt(t, "scan sort", o.Sort, `{"_id":1}`)
	if o.BatchSize == nil || *o.BatchSize != scanBatch || o.Limit != nil {
		t.Errorf("scan: batch size %v limit %v, want %d and none", o.BatchSize, o.Limit, scanBatch)
	}
	var one options.FindOneOptions
	for _, f := range lastSeqOptions().List() {
		_ = f(&one)
	}
	wantExt(t, "LastSeq sort", one.Sort, `{"seq":-1}`)
	wantExt(t, "LastSeq projection", one.Projection, `{"seq":1}`)
}

func TestChangedSinceFilter(t *testing.T) {
	f, ok := changedSinceFilter(0)
	if !ok {
		t.Fatal("changedSinceFilter(0) not ok")
	}
	wantExt(t, "changedSinceFilter(0)", f, `{"seq":{"$gt":0}}`)
	f, _ = changedSinceFilter(41)
	if v := f[0].Value.(bson.D)[0].Value; reflect.TypeOf(v) != reflect.TypeFor[int64]() {
		t.Errorf("seq compared as %T, want int64 as stored", v)
	}
	for _, seq := range []uint64{math.MaxInt64, math.MaxUint64} {
		if _, ok := changedSinceFilter(seq); ok {
			t.Errorf("changedSinceFilter(%d) ok: beyond any stored Seq it must select nothing", seq)
		}
	}
}

func TestInventoriesFilter(t *testing.T) {
	tests := []struct {
		q    store.InventoryQuery
		want string
	}{
		{store.InventoryQuery{}, `{}`},
		{store.InventoryQuery{Limit: 3}, `{}`},
		{store.InventoryQuery{Region: "brussel"}, `{"region":"brussel"}`},
		{store.InventoryQuery{Before: "inv_2"}, `{"_id":{"$lt":"inv_2"}}`},
		{store.InventoryQuery{Region: "brussel", Before: "inv_2"}, `{"region":"brussel","_id":{"$lt":"inv_2"}}`},
	}
	for _, tt := range tests {
		wantExt(t, fmt.Sprintf("inventoriesFilter(%+v)", tt.q), inventoriesFilter(tt.q), tt.want)
	}
}

func TestSmallFilters(t *testing.T) {
	wantExt(t, "idFilter", idFilter("pr_1"), `{"_id":"pr_1"}`)
	wantExt(t, "idsFilter", idsFilter([]string{"a", "b"}), `{"_id":{"$in":["a","b"]}}`)
	wantExt(t, "historyFilter", historyFilter("pr_1"), `{"practiceId":"pr_1"}`)
	wantExt(t, "tokenByHashFilter", tokenByHashFilter("ab"), `{"hash":"ab"}`)
	wantExt(t, "counterIncUpdate", counterIncUpdate(3), `{"$inc":{"value":3}}`)
	wantExt(t, "counterAtLeastUpdate", counterAtLeastUpdate(9), `{"$max":{"value":9}}`)
	wantExt(t, "revokeTokenFilter", revokeTokenFilter("tok_1"), `{"_id":"tok_1","revokedAt":{"$exists":false}}`)
	wantExt(t, "revokeTokenUpdate", revokeTokenUpdate(t0), `{"$set":{"revokedAt":{"$date":"2024-03-01T09:30:00.123Z"}}}`)
	if got := uniqueNonEmpty([]string{"a", "", "b", "a"}); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("uniqueNonEmpty = %q", got)
	}
}

func samplePracticeDoc() practiceDoc {
	p := practice.Practice{ID: "pr_1", Region: "limburg", Ref: "l-1", Version: 2,
		Content: practice.Content{Title: "Titel", Summary: "S", Krachtlijnen: []string{"NABIJHEID"}, Language: "nl"},
		Seq:     42, Inventory: "inv_1", CreatedAt: t0, UpdatedAt: t0}
	p.Hash = practice.ContentHash(p.Content)
	return practiceToDoc(p)
}

func TestUpsertPracticeModel(t *testing.T) {
	d := samplePracticeDoc()
	m := upsertPracticeModel(d)
	wantExt(t, "transaction filter", m.Filter, `{"_id":"pr_1"}`)
	if m.Upsert == nil || !*m.Upsert || !reflect.DeepEqual(m.Replacement, d) {
		t.Errorf("upsertPracticeModel: upsert %v replacement %+v", m.Upsert, m.Replacement)
	}
	older, same, fresh := d, d, d
	older.ID, same.ID, fresh.ID = "pr_old", "pr_same", "pr_new"
	models := rollForwardPracticeModels([]practiceDoc{older, same, fresh}, map[string]int64{"pr_old": 41, "pr_same": 42})
	if len(models) != 2 {
		t.Fatalf("rollForwardPracticeModels: %d models, want 2 (the practice at the same Seq is left alone)", len(models))
	}
	rf, ok := models[0].(*mongo.ReplaceOneModel)
	if !ok {
		t.Fatalf("model for a practice at an older Seq is %T, want a replace", models[0])
	}
	wantExt(t, "roll-forward filter", rf.Filter, `{"_id":"pr_old"}`)
	if rf.Upsert != nil && *rf.Upsert || !reflect.DeepEqual(rf.Replacement, older) {
		t.Errorf("roll-forward replace: upsert %v, replacement %+v", rf.Upsert, rf.Replacement)
	}
	if in, ok := models[1].(*mongo.InsertOneModel); !ok || !reflect.DeepEqual(in.Document, fresh) {
		t.Errorf("model for a new practice: %#v, want an insert of it", models[1])
	}
	r := revisionToDoc(practice.RevisionOf(practiceFromDoc(d)))
	rm := replaceRevisionModel(r)
	wantExt(t, "replaceRevisionModel filter", rm.Filter, `{"_id":"pr_1/0000000002"}`)
	if rm.Upsert != nil && *rm.Upsert {
		t.Errorf("an erased revision must only overwrite an existing one, not upsert")
	}
}

func TestInsertIfAbsent(t *testing.T) {
	r := revisionToDoc(practice.RevisionOf(practiceFromDoc(samplePracticeDoc())))
	u, err := insertIfAbsentUpdate(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(u) != 1 || u[0].Key != "$setOnInsert" {
		t.Fatalf("update %v, want only $setOnInsert", u)
	}
	fields := u[0].Value.(bson.D)
	keys := map[string]bool{}
	for _, e := range fields {
		keys[e.Key] = true
	}
	if keys["_id"] {
		t.Errorf("$setOnInsert sets _id; it must come from the filter")
	}
	for _, k := range []string{"practiceId", "version", "inventory", "at", "content", "hash"} {
		if !keys[k] {
			t.Errorf("$setOnInsert lacks %s", k)
		}
	}
	// What it inserts is the revision.
	raw, err := bson.Marshal(append(bson.D{{Key: "_id", Value: r.ID}}, fields...))
	if err != nil {
		t.Fatal(err)
	}
	var back revisionDoc
	if err := bson.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("inserted revision:\n got %+v\nwant %+v", back, r)
	}
}

func TestIndexModels(t *testing.T) {
	got := map[string]string{}
	for coll, models := range indexModels() {
		for _, m := range models {
			var o options.IndexOptions
			for _, f := range m.Options.List() {
				_ = f(&o)
			}
			unique := o.Unique != nil && *o.Unique
			got[coll+"."+*o.Name] = fmt.Sprintf("%s unique=%v", ext(t, m.Keys), unique)
		}
	}
	want := map[string]string{
		"practices.region_ref":       `{"v":{"region":1,"ref":1}} unique=true`,
		"practices.seq":              `{"v":{"seq":1}} unique=false`,
		"practices.region_id":        `{"v":{"region":1,"_id":1}} unique=false`,
		"revisions.practice_version": `{"v":{"practiceId":1,"version":1}} unique=true`,
		"inventories.region_id_desc": `{"v":{"region":1,"_id":-1}} unique=false`,
		"tokens.hash":                `{"v":{"hash":1}} unique=true`,
		"tokens.created_id":          `{"v":{"createdAt":1,"_id":1}} unique=false`,
		"pending_items.token_n":      `{"v":{"token":1,"n":1}} unique=true`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("indexes:\n got %v\nwant %v", got, want)
	}
}

func TestTransactionsSupported(t *testing.T) {
	sessions := int64(30)
	tests := []struct {
		name string
		h    helloReply
		want bool
	}{
		{"replica set", helloReply{SetName: "rs0", LogicalSessionTimeoutMinutes: &sessions, MaxWireVersion: 21}, true},
		{"mongos", helloReply{Msg: "isdbgrid", LogicalSessionTimeoutMinutes: &sessions, MaxWireVersion: 21}, true},
		{"standalone", helloReply{LogicalSessionTimeoutMinutes: &sessions, MaxWireVersion: 21}, false},
		{"replica set without sessions", helloReply{SetName: "rs0", MaxWireVersion: 21}, false},
		{"replica set of MongoDB 3.6", helloReply{SetName: "rs0", LogicalSessionTimeoutMinutes: &sessions, MaxWireVersion: 6}, false},
		{"mongos of MongoDB 4.0", helloReply{Msg: "isdbgrid", LogicalSessionTimeoutMinutes: &sessions, MaxWireVersion: 7}, false},
	}
	for _, tt := range tests {
		if got := transactionsSupported(tt.h); got != tt.want {
			t.Errorf("%s: transactionsSupported = %v, want %v", tt.name, got, tt.want)
		}
	}
	// The reply decodes from what a server sends.
	raw, _ := bson.Marshal(bson.D{{Key: "isWritablePrimary", Value: true}, {Key: "setName", Value: "rs0"},
		{Key: "logicalSessionTimeoutMinutes", Value: int32(30)}, {Key: "maxWireVersion", Value: int32(21)}, {Key: "ok", Value: 1.0}})
	var h helloReply
	if err := bson.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	if !transactionsSupported(h) {
		t.Errorf("decoded hello %+v: no transactions", h)
	}
}

func TestMapDriverErr(t *testing.T) {
	dup := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key"}}}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"no documents", mongo.ErrNoDocuments, store.ErrNotFound},
		{"duplicate key", dup, store.ErrConflict},
		{"duplicate key in bulk", mongo.BulkWriteException{WriteErrors: []mongo.BulkWriteError{{WriteError: mongo.WriteError{Code: 11000}}}}, store.ErrConflict},
		{"client closed", mongo.ErrClientDisconnected, store.ErrUnavailable},
		{"network", mongo.CommandError{Code: 6, Labels: []string{"NetworkError"}}, store.ErrUnavailable},
	}
	for _, tt := range tests {
		if got := mapDriverErr("x", tt.err); !errors.Is(got, tt.want) {
			t.Errorf("%s: mapDriverErr = %v, want it to wrap %v", tt.name, got, tt.want)
		}
	}
	other := errors.New("iets anders")
	if got := mapDriverErr("x", other); errors.Is(got, store.ErrUnavailable) || errors.Is(got, store.ErrConflict) || !errors.Is(got, other) {
		t.Errorf("an unknown error maps to %v", got)
	}
}

func TestSkipDuplicate(t *testing.T) {
	bw := func(codes ...int) error {
		var e mongo.BulkWriteException
		for i, c := range codes {
			e.WriteErrors = append(e.WriteErrors, mongo.BulkWriteError{WriteError: mongo.WriteError{Index: 3 + i, Code: c}})
		}
		return e
	}
	if next, ok := skipDuplicate(fmt.Errorf("wrapped: %w", bw(11000))); !ok || next != 4 {
		t.Errorf("skipDuplicate(duplicate at 3) = %d, %v; want 4, true", next, ok)
	}
	if _, ok := skipDuplicate(bw(121)); ok {
		t.Errorf("skipDuplicate of a validation error is ok")
	}
	if _, ok := skipDuplicate(errors.New("x")); ok {
		t.Errorf("skipDuplicate of a plain error is ok")
	}
	if !onlyDuplicates(bw(11000, 11000)) || onlyDuplicates(bw(11000, 2)) || onlyDuplicates(errors.New("x")) {
		t.Errorf("onlyDuplicates is wrong")
	}
}

func TestDatabaseOptions(t *testing.T) {
	for _, majority := range []bool{true, false} {
		var o options.DatabaseOptions
		for _, set := range databaseOptions(majority).List() {
			if err := set(&o); err != nil {
				t.Fatal(err)
			}
		}
		wantRC := "majority"
		if !majority {
			wantRC = "local"
		}
		if o.ReadConcern == nil || o.ReadConcern.Level != wantRC {
			t.Errorf("majority reads %v: read concern %+v, want %s", majority, o.ReadConcern, wantRC)
		}
		if o.WriteConcern == nil || o.WriteConcern.W != "majority" {
			t.Errorf("write concern %+v, want majority", o.WriteConcern)
		}
		if o.ReadPreference == nil || o.ReadPreference.Mode() != readpref.PrimaryMode {
			t.Errorf("read preference %v, want primary (a URI's secondary read preference must not reach the store)", o.ReadPreference)
		}
	}
}

func TestTransactionOptions(t *testing.T) {
	var o options.TransactionOptions
	for _, set := range transactionOptions().List() {
		if err := set(&o); err != nil {
			t.Fatal(err)
		}
	}
	if o.ReadConcern == nil || o.ReadConcern.Level != "snapshot" {
		t.Errorf("read concern %+v, want snapshot", o.ReadConcern)
	}
	if o.WriteConcern == nil || o.WriteConcern.W != "majority" {
		t.Errorf("write concern %+v, want majority", o.WriteConcern)
	}
	if o.ReadPreference == nil || o.ReadPreference.Mode() != readpref.PrimaryMode {
		t.Errorf("read preference %v, want primary", o.ReadPreference)
	}
}

func TestCommandSize(t *testing.T) {
	ins := func(n int) []mongo.WriteModel {
		out := make([]mongo.WriteModel, n)
		for i := range out {
			out[i] = mongo.NewInsertOneModel()
		}
		return out
	}
	upd := func(n int) []mongo.WriteModel {
		out := make([]mongo.WriteModel, n)
		for i := range out {
			out[i] = mongo.NewReplaceOneModel()
		}
		return out
	}
	tests := []struct {
		name   string
		models []mongo.WriteModel
		want   int
	}{
		{"few inserts", ins(3), 3},
		{"inserts up to a batch", ins(itemBatch + 7), itemBatch},
		{"updates up to updateBatch", upd(updateBatch + 1), updateBatch},
		{"inserts ride along", append(append(ins(5), upd(updateBatch)...), append(ins(2), upd(1)...)...), 5 + updateBatch + 2},
	}
	for _, tt := range tests {
		if got := commandSize(tt.models); got != tt.want {
			t.Errorf("%s: commandSize = %d, want %d", tt.name, got, tt.want)
		}
	}
}
