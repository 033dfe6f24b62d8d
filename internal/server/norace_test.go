//go:build !race

package server_test

// raceSlowdown is 1 without the race detector: the time bounds hold as written.
const raceSlowdown = 1
