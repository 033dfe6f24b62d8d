package bank_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer/importertest"
)

// BenchmarkHostileUpload sends each attack class through SubmitFile as a
// dry run (reading, validation, problems: what uploadInventory does) and
// reports its time, the growth of the process's peak RSS (Linux: VmHWM
// after clear_refs), the number of problems returned and the first code.
// Run one class at a time with -benchtime 1x, e.g.
//
//	go test ./internal/bank -run '^$' -bench 'HostileUpload/csv_1.5M' -benchtime 1x
func BenchmarkHostileUpload(b *testing.B) {
	e := newEnv(b)
	for _, a := range importertest.Attacks() {
		b.Run(strings.ReplaceAll(a.Name, " ", "_"), func(b *testing.B) {
			var peak int64
			var took time.Duration
			var problems int
			code := ""
			for b.Loop() {
				runtime.GC()
				debug.FreeOSMemory()
				base := resetPeakRSS()
				start := time.Now()
				res, err := e.bank.SubmitFile(context.Background(), limburg, bank.File{
					Name: a.Filename, Body: bytes.NewReader(a.Body), Region: "limburg", Title: "Aanval",
				}, bank.SubmitOptions{DryRun: true})
				took = time.Since(start)
				peak = max(peak, peakRSS()-base)
				if err != nil {
					b.Fatal(err)
				}
				problems = len(res.Problems)
				for _, p := range res.Problems {
					if p.Code == a.Code {
						code = p.Code
					}
				}
				if code == "" && len(res.Problems) > 0 {
					code = "other:" + res.Problems[0].Code
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-rss")
			b.ReportMetric(float64(problems), "problems")
			b.Logf("%s: %d bytes, %v, peak RSS +%d MiB, %d problems, code %s (want %s)",
				a.Name, len(a.Body), took.Round(time.Millisecond), peak>>20, problems, code, a.Code)
		})
	}
}

// resetPeakRSS resets the process's peak RSS to its current RSS, and
// returns that.
func resetPeakRSS() int64 {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	return statusBytes("VmRSS:")
}

func peakRSS() int64 { return statusBytes("VmHWM:") }

func statusBytes(field string) int64 {
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
