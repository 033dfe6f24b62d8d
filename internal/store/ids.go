package store

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync"
	"time"
)

// inventoryIDs keeps the last id handed out, so that ids made in the same
// millisecond by this process still sort in the order they were made.
var inventoryIDs struct {
	sync.Mutex
	ms   int64
	rand uint64
}

// NewInventoryID returns a new inventory id for a submission made at now:
// "inv_", 13 hex digits of Unix milliseconds, then 16 hex digits of randomness
// (33 characters in all). Ids sort lexicographically by time, which is what
// InventoryQuery.Before and the newest-first order of Inventories rely on.
// Within one process, ids of the same millisecond are made monotonic by
// incrementing the random part (as ULID does), so they keep the order in which
// they were made. Ids sort by the time given, not by call order: a clock that
// goes back gives ids that sort before earlier ones. Times before 1970 count
// as 1970.
func NewInventoryID(now time.Time) string {
	ms := max(now.UnixMilli(), 0)
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil { // crypto/rand does not fail on supported platforms
		panic(err)
	}
	r := binary.BigEndian.Uint64(b[:]) >> 1 // headroom so the increment cannot wrap

	inventoryIDs.Lock()
	if ms == inventoryIDs.ms {
		r = inventoryIDs.rand + 1
	}
	inventoryIDs.ms, inventoryIDs.rand = ms, r
	inventoryIDs.Unlock()

	return fmt.Sprintf("inv_%013x%016x", ms, r)
}
