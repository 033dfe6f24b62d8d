package bank_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

func TestAfterWriteSeesEveryChange(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "pkb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var seen [][]practice.Practice
	b, err := bank.New(context.Background(), st, nil, actionplan.Default(), nil,
		bank.WithAfterWrite(func(_ context.Context, ps []practice.Practice) { seen = append(seen, ps) }))
	if err != nil {
		t.Fatal(err)
	}
	e := env{bank: b, store: st}
	in := readInventory(t, "limburg.json")
	res := submit(t, e, limburg, in)
	if len(seen) != 1 || len(seen[0]) != res.Created {
		t.Fatalf("after submit: %d calls, %v", len(seen), seen)
	}
	submit(t, e, limburg, in) // unchanged: nothing to tell
	if len(seen) != 1 {
		t.Fatalf("unchanged resubmission notified: %d calls", len(seen))
	}
	id := res.Outcomes[0].ID
	if _, err := b.Withdraw(context.Background(), limburg, id, "dubbel ingediend"); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || len(seen[1]) != 1 || seen[1][0].ID != id || seen[1][0].Live() {
		t.Fatalf("after withdraw: %v", seen)
	}
}
