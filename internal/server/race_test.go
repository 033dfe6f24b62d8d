//go:build race

package server_test

// raceSlowdown widens the time bounds of the hostile tests under the race
// detector, which makes Go code (encoding/json's scanner over a body of
// megabytes most of all) 2 to 20 times slower; without it they hold as
// written (see norace_test.go).
const raceSlowdown = 10
