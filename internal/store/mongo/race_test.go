//go:build race

package mongo

import "time"

// raceSlack is the extra scheduling time the stall test allows under the
// race detector, where every goroutine of the 19 concurrent calls (and the
// packages tested beside this one) runs several times slower; without it
// the slack holds as written (see norace_test.go).
const raceSlack = 3 * time.Second
