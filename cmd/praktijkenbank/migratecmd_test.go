package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

func openBolt(t *testing.T, dir string) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(filepath.Join(dir, "praktijkenbank.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMigrateBoltToBolt(t *testing.T) {
	ctx := context.Background()
	from, to := t.TempDir(), filepath.Join(t.TempDir(), "nieuw")
	env := map[string]string{envDataDir: from}

	// A data dir with some of everything: imports (one resubmitted with a
	// change), a token, a withdrawal, an erased contact, a regional action.
	if out, err := runCmd(t, env, "import", "--region", "limburg", fixture("limburg.json")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := runCmd(t, env, "token", "create", "--region", "limburg", "--label", "Platform Limburg"); err != nil {
		t.Fatalf("token: %v\n%s", err, out)
	}
	s := openBolt(t, from)
	ps, err := s.ListPractices(ctx, store.PracticeQuery{})
	if err != nil || len(ps) < 2 {
		t.Fatalf("practices after import: %d, %v", len(ps), err)
	}
	if _, err := s.Withdraw(ctx, ps[0].ID, practice.Withdrawal{At: time.Now(), By: "admin", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EraseContact(ctx, ps[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRegionalAction(ctx, actionplan.Action{ID: "limburg:zorgzame-buurt", ChallengeID: "samenwerking", Title: "Zorgzame buurten", Region: "limburg"}); err != nil {
		t.Fatal(err)
	}
	lastSeq, _ := s.LastSeq(ctx)
	s.Close()

	out, err := runCmd(t, nil, "migrate", "--from", from, "--to", to)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Gekopieerd in", "praktijken", "waarvan 1 ingetrokken", "regionale acties            1", "tokens                      1",
		"Controle geslaagd", "De zoekindex wordt niet gekopieerd",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// The copy is the same store, checked once more from here.
	src, dst := openBolt(t, from), openBolt(t, to)
	if _, _, err := store.Verify(ctx, src, dst); err != nil {
		t.Errorf("Verify after migrate: %v", err)
	}
	if got, _ := dst.LastSeq(ctx); got != lastSeq {
		t.Errorf("target LastSeq = %d, want the source's %d", got, lastSeq)
	}
	before, err := store.Summarize(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	src.Close()
	dst.Close()

	// Again into the now filled target: refused, and nothing written.
	out, err = runCmd(t, nil, "migrate", "--from", from, "--to", to)
	if err == nil || !strings.Contains(err.Error(), "niet leeg") || exitCode(err) != 1 {
		t.Fatalf("migrate into a non-empty target: %v (exit %d)\n%s", err, exitCode(err), out)
	}
	dst = openBolt(t, to)
	after, err := store.Summarize(ctx, dst)
	dst.Close()
	if err != nil {
		t.Fatal(err)
	}
	if d := store.Differences(before, after); len(d) > 0 || after.Counts != before.Counts {
		t.Errorf("a refused migration changed the target: %v", d)
	}

	// The server starts on the migrated data dir with the practices.
	url, stop := startServer(t, map[string]string{envDataDir: to, envDemo: "false"})
	defer stop()
	res := graphql(t, url, "", `{ searchPractices { total } }`, nil)
	total := res["searchPractices"].(map[string]any)["total"].(float64)
	if int(total) != len(ps)-1 {
		t.Errorf("server on the migrated data dir finds %v practices, want %d (the live ones)", total, len(ps)-1)
	}
}

func TestMigrateRefusals(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no target", []string{"migrate", "--from", dir}, true, "--to"},
		{"same place", []string{"migrate", "--from", dir, "--to", dir + "/."}, true, "dezelfde opslag"},
		{"extra argument", []string{"migrate", "--from", dir, "--to", dir + "2", "x"}, true, "onverwachte"},
		{"no store in the source", []string{"migrate", "--from", filepath.Join(dir, "leeg"), "--to", filepath.Join(dir, "doel")}, false, "geen ingebouwde opslag gevonden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCmd(t, nil, tt.args...)
			if err == nil {
				t.Fatalf("no error\n%s", out)
			}
			var u usageError
			if errors.As(err, &u) != tt.usage {
				t.Errorf("usage error = %v, want %v (%v)", !tt.usage, tt.usage, err)
			}
			if !strings.Contains(err.Error()+out, tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}
