//go:build !race

package mongo

// raceSlack is 0 without the race detector: the slack holds as written.
const raceSlack = 0
