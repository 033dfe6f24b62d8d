package main

import (
	"context"
	"strings"
	"testing"
)

func TestDemoRemove(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{envDataDir: dir}
	// Load the demo inventory as the server does into an empty store.
	ctx := context.Background()
	c := config{DataDir: dir}
	a, err := openApp(ctx, c, newLogger("text", quietLevel))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.loadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	a.close()

	out, err := runCmd(t, env, "demo", "remove")
	if err != nil || !strings.Contains(out, "18 voorbeeldpraktijken verwijderd") {
		t.Fatalf("demo remove: %v\n%s", err, out)
	}
	out, err = runCmd(t, env, "demo", "remove")
	if err != nil || !strings.Contains(out, "geen voorbeeldpraktijken") {
		t.Fatalf("demo remove again: %v\n%s", err, out)
	}
	if _, err := runCmd(t, env, "demo"); exitCode(err) != 2 {
		t.Errorf("demo without a subcommand: %v, want a usage error", err)
	}

	// The server does not load the demo again into a store that had one.
	a, err = openApp(ctx, c, newLogger("text", quietLevel))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if err := a.loadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := a.bank.RemoveDemo(ctx, nil)
	if err == nil || n != 0 {
		t.Errorf("RemoveDemo without a principal = %d, %v", n, err)
	}
	found, err := a.index.DocCount()
	if err != nil || found != 0 {
		t.Errorf("index holds %d documents after the demo was removed (%v)", found, err)
	}
}
