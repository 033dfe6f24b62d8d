package importer_test

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer/importertest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// Every attack class is refused with its code, and what reading it
// allocates in all stays far below what the file could make a reader keep.
// (Not parallel: the allocation count is the process's.)
func TestHostileFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds files of up to 32 MB")
	}
	plan := actionplan.Default()
	for _, a := range importertest.Attacks() {
		t.Run(a.Name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			res, probs := importer.Read(bytes.NewReader(a.Body), a.Filename, importer.Meta{Region: "limburg", Title: "x"}, importer.Labels(plan))
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d bytes: %d problems, %d practices, %v, %d MiB allocated", len(a.Body), len(probs), len(res.Input.Practices), took.Round(time.Millisecond), alloc>>20)
			if !hasCode(probs, a.Code) {
				t.Errorf("problems %v lack %s", first(probs, 3), a.Code)
			}
			if len(probs) > importer.MaxProblems+1 {
				t.Errorf("%d problems returned", len(probs))
			}
			if len(res.Input.Practices) > practice.MaxPractices {
				t.Errorf("%d practices kept", len(res.Input.Practices))
			}
			if limit := uint64(192 << 20); alloc > limit {
				t.Errorf("allocated %d MiB, want at most %d", alloc>>20, limit>>20)
			}
		})
	}
}

func hasCode(ps practice.Problems, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

func first(ps practice.Problems, n int) practice.Problems { return ps[:min(n, len(ps))] }

// BenchmarkHostileFiles times each attack class and reports the growth of
// the process's peak RSS while reading it (Linux: VmHWM after clear_refs).
// Run with -benchtime 1x.
func BenchmarkHostileFiles(b *testing.B) {
	plan := actionplan.Default()
	for _, a := range importertest.Attacks() {
		b.Run(strings.ReplaceAll(a.Name, " ", "_"), func(b *testing.B) {
			var peak int64
			for b.Loop() {
				runtime.GC()
				debug.FreeOSMemory()
				base := resetPeakRSS()
				importer.Read(bytes.NewReader(a.Body), a.Filename, importer.Meta{Region: "limburg", Title: "x"}, importer.Labels(plan))
				peak = max(peak, peakRSS()-base)
			}
			b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-rss")
		})
	}
}

// resetPeakRSS resets the peak RSS to the current RSS and returns it.
func resetPeakRSS() int64 {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return statusKB("VmRSS:")
}

func peakRSS() int64 { return statusKB("VmHWM:") }

func statusKB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n << 10
		}
	}
	return 0
}
