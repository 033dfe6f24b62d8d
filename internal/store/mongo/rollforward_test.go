package mongo

import (
	"context"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

// submitToCommit runs a submission on the roll-forward path the way Submit
// does, through its commit point, and stops there, as a process that dies
// right after it would. It returns the ready slot and its items, which
// applyCommitted would apply next.
func submitToCommit(ctx context.Context, s *Store, sub store.Submission) (pendingDoc, []pendingItemDoc, error) {
	what, plan, _, err := s.submission(sub)
	if err != nil {
		return pendingDoc{}, nil, err
	}
	s.writeSem <- struct{}{}
	defer func() { <-s.writeSem }()
	h, items, err := s.commitPending(ctx, what, plan)
	if err != nil {
		return pendingDoc{}, nil, err
	}
	return *h, items, nil
}
