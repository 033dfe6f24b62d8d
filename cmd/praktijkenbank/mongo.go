package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

func openMongo(ctx context.Context, c config, log *slog.Logger) (store.Store, error) {
	return nil, errors.New("MongoDB-opslag: nog niet ingebouwd")
}
