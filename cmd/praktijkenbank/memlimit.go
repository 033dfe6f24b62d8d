package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// The server's soft memory limit. The server collects garbage half as
// often as Go's default (serverGC) because that is faster; without a limit
// the heap then grows to about three times what is live. A soft limit (GOMEMLIMIT semantics: the collector works harder
// as the heap nears it, it never refuses memory) lets the high GOGC buy
// speed only while memory is free.
//
// The limit is the server's memory budget, or half of the memory the
// process may use (its cgroup's limit, else the machine's) when that is
// less. GOMEMLIMIT, when set, wins.

// serverMemoryBudget is the default soft limit on a machine with room: it
// holds a 100,000-practice bank with its index and caches with room to
// spare (bench search; the live heap is about 600 MiB there).
const serverMemoryBudget = 1 << 30

// memoryLimit is the soft memory limit in force and where it comes from.
type memoryLimit struct {
	Bytes  int64
	Source string
}

func (m memoryLimit) String() string {
	if m.Bytes <= 0 || m.Bytes == math.MaxInt64 {
		return "none (" + m.Source + ")"
	}
	return fmt.Sprintf("%.0f MiB (%s)", float64(m.Bytes)/(1<<20), m.Source)
}

// setMemoryLimit sets the soft memory limit unless GOMEMLIMIT is set, and
// returns the limit in force. available reads the memory the process may use
// (availableMemory), 0 when unknown.
func setMemoryLimit(getenv func(string) string, available func() (int64, string)) memoryLimit {
	if v := getenv("GOMEMLIMIT"); v != "" {
		return memoryLimit{Bytes: debug.SetMemoryLimit(-1), Source: "GOMEMLIMIT=" + v}
	}
	limit := memoryLimit{Bytes: serverMemoryBudget, Source: "default budget"}
	if mem, from := available(); mem > 0 {
		if mem/2 < limit.Bytes {
			limit = memoryLimit{Bytes: mem / 2, Source: "half the " + from}
		} else {
			limit.Source += fmt.Sprintf(", %s %.1f GiB", from, float64(mem)/(1<<30))
		}
	}
	debug.SetMemoryLimit(limit.Bytes)
	return limit
}

// availableMemory is the memory the process may use: its cgroup's limit
// (v2, then v1) when there is one, else the machine's total; 0 when neither
// can be read.
func availableMemory() (int64, string) {
	machine := memTotal("/proc/meminfo")
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if n := cgroupLimit(path); n > 0 && (machine == 0 || n < machine) {
			return n, "cgroup memory limit"
		}
	}
	return machine, "machine memory"
}

// cgroupLimit reads a cgroup memory limit file: a number of bytes, or "max"
// (v2) or a huge number (v1) for none, which give 0.
func cgroupLimit(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n <= 0 || n >= 1<<60 {
		return 0
	}
	return n
}

// memTotal reads MemTotal from a meminfo file, in bytes; 0 if absent.
func memTotal(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
