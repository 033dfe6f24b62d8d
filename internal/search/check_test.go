package search

import (
	"context"
	"path/filepath"
	"testing"
)

func TestCheckFindsWhatReconcileRepairs(t *testing.T) {
	ctx := context.Background()
	corpus := GenerateCorpus(20, 5)
	src := newMemSource(corpus[:19]...)
	ix, err := Open(filepath.Join(t.TempDir(), "index"), testPlan(), WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// The index has 16 of the store's 19 practices, one of them at an older
	// seq, and one practice the store does not have.
	if err := ix.Apply(ctx, append(corpus[:16:16], corpus[19])); err != nil {
		t.Fatal(err)
	}
	changed := corpus[3]
	changed.Content.Summary += " Gewijzigd."
	src.put(changed)

	rep, err := ix.Check(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Live != 19 || rep.Indexed != 17 || rep.Missing != 3 || rep.Stale != 1 || rep.Extra != 1 || rep.Consistent() {
		t.Fatalf("check before reconcile: %+v", rep)
	}
	if _, err := ix.Reconcile(ctx, src); err != nil {
		t.Fatal(err)
	}
	if rep, err = ix.Check(ctx, src); err != nil || !rep.Consistent() || rep.Indexed != 19 {
		t.Fatalf("check after reconcile: %+v, %v", rep, err)
	}
}
