//go:build race

package main

// raceSlowdown scales down the load the in-process load test sends under
// the race detector, which makes searching several times slower: at full
// rate the server's gate of heavy work (one slot on two cores) rightly
// refuses what queues over a second. Without it the load is as written
// (see norace_test.go).
const raceSlowdown = 10
