package bank

import (
	"context"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// ChangedFields lists the v1 fields in which a revision differs from the
// version before it; for the first version, every field that has a value.
func (b *Bank) ChangedFields(ctx context.Context, rev practice.Revision) ([]string, error) {
	if rev.Version <= 1 {
		return practice.ChangedFields(nil, rev.Content), nil
	}
	history, err := b.store.History(ctx, rev.PracticeID)
	if err != nil {
		return nil, err
	}
	for i := range history {
		if history[i].Version == rev.Version-1 {
			return practice.ChangedFields(&history[i].Content, rev.Content), nil
		}
	}
	return practice.ChangedFields(nil, rev.Content), nil
}
