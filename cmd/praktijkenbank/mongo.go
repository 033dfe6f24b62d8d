package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/mongo"
)

// openMongo opens the MongoDB store; the database is the URI's path, else
// PRAKTIJKENBANK_MONGODB_DATABASE, else "praktijkenbank".
func openMongo(ctx context.Context, c config, log *slog.Logger) (store.Store, error) {
	opts := []mongo.Option{mongo.WithAppName("praktijkenbank"), mongo.WithServerSelectionTimeout(10 * time.Second)}
	if c.MongoDatabase != "" {
		opts = append(opts, mongo.WithDatabase(c.MongoDatabase))
	}
	st, err := mongo.Open(ctx, c.MongoURI, opts...)
	if err != nil {
		return nil, fmt.Errorf("MongoDB openen (%s): %w", maskURI(c.MongoURI), err)
	}
	guarantee := "transactions"
	if !st.Transactions() {
		guarantee = "roll-forward record (no transactions on this deployment)"
	}
	log.Info("MongoDB store opened", "database", st.Database(), "atomic submissions", guarantee)
	return st, nil
}
