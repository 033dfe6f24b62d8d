package bank

import (
	"context"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// HistoryPage asks for part of a practice's history: at most First
// revisions (1..MaxFirst; 0 gives MaxFirst), oldest first, of the versions
// after AfterVersion (0: from the first).
type HistoryPage struct {
	First        int
	AfterVersion int
	NewestFirst  bool // the newest First revisions before AfterVersion (0: the newest)
}

// History returns a page of a practice's revisions with the fields each
// changed, and whether more follow in the page's direction.
func (b *Bank) History(ctx context.Context, id string, page HistoryPage) ([]practice.Change, bool, error) {
	if err := page.check(); err != nil {
		return nil, false, err
	}
	all, err := b.Changes(ctx, id)
	if err != nil {
		return nil, false, err
	}
	out, more, err := page.Of(all)
	return out, more, err
}

// Changes returns every revision of a practice, oldest first, with the
// fields each changed. The store's history is read once and compared
// revision by revision in one pass, however long it is.
func (b *Bank) Changes(ctx context.Context, id string) ([]practice.Change, error) {
	revs, err := b.store.History(ctx, id)
	if err != nil {
		return nil, err
	}
	return practice.Changes(revs), nil
}

func (page HistoryPage) check() error {
	if page.First < 0 || page.First > MaxFirst {
		return refusal.New(ErrInvalid, "first not in 1-%d", "first moet tussen 1 en %d liggen", MaxFirst)
	}
	if page.AfterVersion < 0 {
		return refusal.New(ErrInvalid, "negative afterVersion", "afterVersion kan niet negatief zijn")
	}
	return nil
}

// Of takes the page out of a whole history (as Changes gives it), and says
// whether more follow in the page's direction.
func (page HistoryPage) Of(all []practice.Change) ([]practice.Change, bool, error) {
	if err := page.check(); err != nil {
		return nil, false, err
	}
	n := page.First
	if n == 0 {
		n = MaxFirst
	}
	if page.NewestFirst {
		end := len(all)
		if page.AfterVersion > 0 {
			end = 0
			for end < len(all) && all[end].Version < page.AfterVersion {
				end++
			}
		}
		start := max(end-n, 0)
		out := make([]practice.Change, 0, end-start)
		for i := end - 1; i >= start; i-- {
			out = append(out, all[i])
		}
		return out, start > 0, nil
	}
	start := 0
	for start < len(all) && all[start].Version <= page.AfterVersion {
		start++
	}
	end := min(start+n, len(all))
	return all[start:end], end < len(all), nil
}
