package bolt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var ctx = context.Background()

func openTemp(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nested", "dir", "praktijkenbank.db")
	s, err := Open(path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, path
}

func sub(region string, at time.Time, refs ...string) store.Submission {
	var ins []practice.PracticeInput
	for _, ref := range refs {
		ins = append(ins, practice.PracticeInput{Ref: ref, Content: practice.Content{
			Title: "Praktijk " + ref, Summary: "Over " + ref, Krachtlijnen: []string{"NABIJHEID"}, Language: "nl"}})
	}
	return store.Submission{
		Inventory: practice.Inventory{ID: store.NewInventoryID(at), Region: region, Title: "T", Principal: "test", Source: "test", SubmittedAt: at},
		Practices: ins,
	}
}

func TestOpenCreatesParentDirAndReopens(t *testing.T) {
	s, path := openTemp(t)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("data file not created: %v", err)
	}
	res, err := s.Submit(ctx, sub("limburg", time.Now(), "a", "b"))
	inv := res.Inventory
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	got, err := s2.Inventory(ctx, inv.ID)
	if err != nil || got.Created != 2 {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
	if n, err := s2.LastSeq(ctx); err != nil || n != 2 {
		t.Errorf("LastSeq after reopen = %d, %v; want 2", n, err)
	}
}

func TestOpenLockedFile(t *testing.T) {
	_, path := openTemp(t)
	start := time.Now()
	_, err := Open(path, WithOpenTimeout(100*time.Millisecond))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("second Open took %s, want about the timeout", time.Since(start))
	}
	if msg := err.Error(); !strings.Contains(msg, "in use") || !strings.Contains(msg, path) {
		t.Errorf("error %q should say that the data dir is in use, and where", msg)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	s, path := openTemp(t)
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, []byte("99"))
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(path); !errors.Is(err, ErrSchema) {
		t.Errorf("Open of a newer schema = %v, want ErrSchema", err)
	}
}

func TestOpenNotABoltFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kapot.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("niet bolt "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); err == nil {
		t.Errorf("Open of a file that is not bbolt succeeded")
	}
}

func TestBackup(t *testing.T) {
	s, _ := openTemp(t)
	res, err := s.Submit(ctx, sub("brussel", time.Now(), "x", "y", "z"))
	inv := res.Inventory
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := s.Backup(&buf)
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if n != int64(buf.Len()) || n == 0 {
		t.Errorf("Backup reported %d bytes, wrote %d", n, buf.Len())
	}
	// The store keeps working after a backup, and the copy is a store of its own.
	if _, err := s.Submit(ctx, sub("brussel", time.Now(), "w")); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(copyPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(copyPath)
	if err != nil {
		t.Fatalf("Open backup: %v", err)
	}
	defer c.Close()
	if got, err := c.Inventory(ctx, inv.ID); err != nil || len(got.PracticeIDs) != 3 {
		t.Errorf("backup inventory = %+v, %v", got, err)
	}
	if all, err := c.ListPractices(ctx, store.PracticeQuery{}); err != nil || len(all) != 3 {
		t.Errorf("backup has %d practices (%v), want 3 (taken before the fourth)", len(all), err)
	}
	s.Close()
	if _, err := s.Backup(&buf); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Backup after Close = %v, want ErrUnavailable", err)
	}
}

// Times are kept as MongoDB keeps them (UTC, milliseconds), so both stores
// give back the same values.
func TestTimesUTCMilliseconds(t *testing.T) {
	s, _ := openTemp(t)
	at := time.Date(2024, 5, 6, 7, 8, 9, 123_456_789, time.FixedZone("CEST", 2*3600))
	want := time.Date(2024, 5, 6, 5, 8, 9, 123_000_000, time.UTC)
	res, err := s.Submit(ctx, sub("antwerpen", at, "t"))
	inv := res.Inventory
	if err != nil {
		t.Fatal(err)
	}
	id := practice.ID("antwerpen", "t")
	p, err := s.Practice(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	gotInv, err := s.Inventory(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Withdraw(ctx, id, practice.Withdrawal{At: at, By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, auth.Token{ID: "t1", Hash: "h1", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	tok, err := s.TokenByHash(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]time.Time{
		"returned SubmittedAt": inv.SubmittedAt, "stored SubmittedAt": gotInv.SubmittedAt,
		"CreatedAt": p.CreatedAt, "UpdatedAt": p.UpdatedAt, "Withdrawn.At": w.Withdrawn.At, "token CreatedAt": tok.CreatedAt,
	} {
		if got != want { // == on purpose: same instant, location and precision
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}

func TestZeroTimesUseClock(t *testing.T) {
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	s, _ := openTemp(t)
	s.now = func() time.Time { return fixed }
	if _, err := s.Submit(ctx, sub("limburg", time.Time{}, "z")); err != nil {
		t.Fatal(err)
	}
	id := practice.ID("limburg", "z")
	w, err := s.Withdraw(ctx, id, practice.Withdrawal{By: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if !w.CreatedAt.Equal(fixed) || !w.Withdrawn.At.Equal(fixed) || !w.UpdatedAt.Equal(fixed) {
		t.Errorf("created %v withdrawn %v updated %v, want the clock's %v", w.CreatedAt, w.Withdrawn.At, w.UpdatedAt, fixed)
	}
}

func TestSubmitRejectsMissingIdentity(t *testing.T) {
	s, _ := openTemp(t)
	for _, bad := range []store.Submission{
		{Inventory: practice.Inventory{Region: "limburg"}, Practices: sub("limburg", time.Now(), "a").Practices},
		{Inventory: practice.Inventory{ID: "inv_x"}, Practices: sub("limburg", time.Now(), "a").Practices},
	} {
		if _, err := s.Submit(ctx, bad); err == nil {
			t.Errorf("Submit(%+v) succeeded", bad.Inventory)
		}
	}
}
