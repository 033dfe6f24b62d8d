package server_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// TestErasedLeavesNoCopy: after eraseContact the erased e-mail address is in
// no byte of the store file (free pages included) nor of a backup taken
// afterwards, and both still hold the practice.
func TestErasedLeavesNoCopy(t *testing.T) {
	e := newEnv(t)
	st := e.store.(*bolt.Store)
	email := []byte("wijkteam@example.org")
	token := platformToken(t, e, "limburg")
	in := inventoryVar(t)
	for _, summary := range []string{"", "Versie twee.", "Versie drie."} {
		if summary != "" {
			in["practices"].([]any)[0].(map[string]any)["summary"] = summary
		}
		var sub submitResp
		e.client.MustPost(submitMutation, &sub, client.Var("in", in), bearer(token))
	}
	id := practiceIDOf(t, e, "lim-2022-001")
	raw, err := os.ReadFile(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(raw, email) < 3 {
		t.Fatalf("the store file holds the e-mail %d times before the erasure; the test proves nothing", bytes.Count(raw, email))
	}

	var resp map[string]any
	e.client.MustPost(`mutation($id: ID!) { eraseContact(practiceId: $id) { practice { id } } }`, &resp, client.Var("id", id), bearer(adminToken))

	if raw, err = os.ReadFile(st.Path()); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw, email); n > 0 {
		t.Errorf("the store file still holds the erased e-mail %d times", n)
	}
	var backup bytes.Buffer
	if _, err := st.Backup(&backup); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if bytes.Contains(backup.Bytes(), email) {
		t.Errorf("a backup taken after the erasure holds the erased e-mail")
	}
	// The store and the backup still work and hold the practice.
	if _, err := e.store.Practice(context.Background(), id); err != nil {
		t.Errorf("reading the practice after the erasure: %v", err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, backup.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	restored, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	history, err := restored.History(context.Background(), id)
	if err != nil || len(history) != 3 {
		t.Errorf("the backup's history: %d versions, %v", len(history), err)
	}
}
