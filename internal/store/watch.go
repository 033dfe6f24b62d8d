package store

import (
	"context"
	"errors"
)

// Watching: a store that can push a notice of its writes (MongoDB change
// streams) lets the search index catch up at once instead of at the next
// poll. Polling ChangedSince works on every store and stays the safety net.

var (
	// ErrNoChangeStreams means the deployment cannot watch (a standalone
	// MongoDB server): poll instead.
	ErrNoChangeStreams = errors.New("this store cannot report changes (change streams need a replica set)")
	// ErrHistoryLost means the watch cannot resume from the token it was
	// given (too old, or not a token of this stream): changes in between are
	// unknown, so compare everything and watch again without a token.
	ErrHistoryLost = errors.New("the change stream cannot resume from the stored point")
)

// Watcher is implemented by stores that report their writes as they happen.
type Watcher interface {
	// Watch follows the writes to practices until ctx is done or the stream
	// fails. It starts after resume (a token fn was given before; nil: from
	// now). fn is called once when the stream is open (changed true: catch up
	// now, changes from before are not reported), after every change to a
	// practice (changed true), and now and then while nothing changes
	// (changed false) with a newer token to keep. A token is opaque; fn must
	// not keep the slice. Watch returns an error wrapping ErrNoChangeStreams
	// or ErrHistoryLost in those cases, ctx's error when ctx is done, and
	// fn's error when fn fails.
	Watch(ctx context.Context, resume []byte, fn func(token []byte, changed bool) error) error
}
