package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestThesaurusFlag: the server reads the thesaurus file it is given, and
// refuses to start on one it cannot read.
func TestThesaurusFlag(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	if err := os.WriteFile(good, []byte("fietsbib, rijwiel\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("alleen\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, wantErr string }{
		{"", ""},
		{good, ""},
		{bad, "line 1"},
		{filepath.Join(dir, "absent.txt"), "synoniemenbestand lezen"},
	} {
		a, err := openApp(context.Background(), config{DataDir: filepath.Join(dir, "data"), Thesaurus: tc.file}, log)
		if tc.wantErr == "" {
			if err != nil {
				t.Fatalf("%s: %v", tc.file, err)
			}
			a.close()
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			if err == nil {
				a.close()
			}
			t.Errorf("%s: err %v, want %q", tc.file, err, tc.wantErr)
		}
	}
}
