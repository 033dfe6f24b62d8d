package mongo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

var _ store.Watcher = (*Store)(nil)

const (
	// watchAwait is how long one getMore of the change stream waits for
	// events before it returns empty, so that the token can move on.
	watchAwait = time.Second
	// tokenRefresh is how often Watch reports a newer token while nothing
	// changes, so that a kept token does not fall out of the oplog.
	tokenRefresh = time.Minute
)

// Server error codes of change streams.
const (
	codeInvalidResumeToken       = 260
	codeChangeStreamFatal        = 280
	codeChangeStreamHistoryLost  = 286
	codeCappedPositionLost       = 136
	codeChangeStreamNotSupported = 40573 // "only supported on replica sets"
)

// changeStreamsSupported decides from a hello reply: replica set members and
// mongos have change streams, a standalone server has none.
func changeStreamsSupported(h helloReply) bool {
	return h.SetName != "" || h.Msg == "isdbgrid"
}

// watchPipeline keeps the writes to practices and only the event ids (the
// resume tokens): the event is a signal to catch up, not the data.
func watchPipeline() mongo.Pipeline {
	return mongo.Pipeline{
		{{Key: "$match", Value: bson.D{{Key: "operationType", Value: bson.D{{Key: "$in", Value: bson.A{"insert", "update", "replace", "delete"}}}}}}},
		{{Key: "$project", Value: bson.D{{Key: "operationType", Value: 1}}}},
	}
}

// watchOptions resumes after the token, if any, and waits watchAwait per getMore.
func watchOptions(resume []byte) *options.ChangeStreamOptionsBuilder {
	o := options.ChangeStream().SetMaxAwaitTime(watchAwait)
	if len(resume) > 0 {
		o.SetResumeAfter(bson.Raw(resume))
	}
	return o
}

// watchErr maps a change stream error: too old or unknown resume token to
// ErrHistoryLost, a deployment without change streams to
// ErrNoChangeStreams, the rest as every other driver error.
func watchErr(what string, err error) error {
	var se mongo.ServerError
	if errors.As(err, &se) {
		switch {
		case se.HasErrorCode(codeChangeStreamHistoryLost), se.HasErrorCode(codeInvalidResumeToken),
			se.HasErrorCode(codeChangeStreamFatal), se.HasErrorCode(codeCappedPositionLost):
			return fmt.Errorf("mongo: %s: %w: %w", what, store.ErrHistoryLost, err)
		case se.HasErrorCode(codeChangeStreamNotSupported):
			return fmt.Errorf("mongo: %s: %w: %w", what, store.ErrNoChangeStreams, err)
		}
	}
	return mapDriverErr(what, err)
}

// Watch follows the writes to the practices collection with a change stream
// (see store.Watcher). A standalone server gives ErrNoChangeStreams; a
// resume token the server no longer has (or a malformed one) gives
// ErrHistoryLost, as does a stream the server invalidates (the collection
// was dropped or renamed).
func (s *Store) Watch(ctx context.Context, resume []byte, fn func(token []byte, changed bool) error) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	h, err := s.hello(ctx)
	if err != nil {
		return err
	}
	if !changeStreamsSupported(h) {
		return fmt.Errorf("mongo: %w", store.ErrNoChangeStreams)
	}
	if len(resume) > 0 {
		if err := bson.Raw(resume).Validate(); err != nil {
			return fmt.Errorf("mongo: resume-token: %w: %w", store.ErrHistoryLost, err)
		}
	}
	cs, err := s.practices.Watch(ctx, watchPipeline(), watchOptions(resume))
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return watchErr("open the change stream", err)
	}
	defer cs.Close(context.WithoutCancel(ctx))

	last := slices.Clone(cs.ResumeToken())
	if err := fn(last, true); err != nil {
		return err
	}
	reported := time.Now()
	for {
		if cs.TryNext(ctx) {
			last = slices.Clone(cs.ResumeToken())
			reported = time.Now()
			if err := fn(last, true); err != nil {
				return err
			}
			continue
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err := cs.Err(); err != nil {
			return watchErr("change stream", err)
		}
		if cs.ID() == 0 {
			return fmt.Errorf("mongo: the server ended the change stream (collection dropped or renamed?): %w", store.ErrHistoryLost)
		}
		if tok := cs.ResumeToken(); len(tok) > 0 && !bytes.Equal(tok, last) && time.Since(reported) >= tokenRefresh {
			last = slices.Clone(tok)
			reported = time.Now()
			if err := fn(last, false); err != nil {
				return err
			}
		}
	}
}
