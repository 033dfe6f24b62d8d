//go:build race

package server_test

// raceSlowdown widens the time bounds of the hostile tests under the race
// detector; without it they hold as written (see norace_test.go).
const raceSlowdown = 5
