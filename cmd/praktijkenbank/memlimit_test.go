package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestSetMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	mem := func(n int64) func() (int64, string) { return func() (int64, string) { return n, "machine memory" } }
	tests := []struct {
		name      string
		env       map[string]string
		available int64
		want      int64
		source    string
	}{
		{"room: the budget", nil, 24 << 30, serverMemoryBudget, "default budget, machine memory 24.0 GiB"},
		{"small container: half of it", nil, 1 << 30, 512 << 20, "half the machine memory"},
		{"unknown memory: the budget", nil, 0, serverMemoryBudget, "default budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := setMemoryLimit(env(tt.env), mem(tt.available))
			if got.Bytes != tt.want || got.Source != tt.source {
				t.Errorf("got %+v, want %d from %q", got, tt.want, tt.source)
			}
			if in := debug.SetMemoryLimit(-1); in != tt.want {
				t.Errorf("limit in force %d, want %d", in, tt.want)
			}
		})
	}
	t.Run("GOMEMLIMIT wins", func(t *testing.T) {
		debug.SetMemoryLimit(3 << 30) // as the runtime does from GOMEMLIMIT=3GiB
		got := setMemoryLimit(env(map[string]string{"GOMEMLIMIT": "3GiB"}), mem(1<<30))
		if got.Bytes != 3<<30 || !strings.Contains(got.String(), "GOMEMLIMIT=3GiB") {
			t.Errorf("got %+v (%s)", got, got)
		}
	})
}

func TestAvailableMemoryFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if n := memTotal(write("meminfo", "MemTotal:       24683748 kB\nMemFree: 1 kB\n")); n != 24683748<<10 {
		t.Errorf("memTotal = %d", n)
	}
	for s, want := range map[string]int64{"max\n": 0, "9223372036854771712\n": 0, "2147483648\n": 2 << 30, "junk": 0} {
		if n := cgroupLimit(write("limit", s)); n != want {
			t.Errorf("cgroupLimit(%q) = %d, want %d", s, n, want)
		}
	}
	if n := cgroupLimit(filepath.Join(dir, "absent")); n != 0 {
		t.Errorf("absent file: %d", n)
	}
}
