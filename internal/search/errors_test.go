package search

import (
	"context"
	"errors"
	"testing"
)

// TestUserMessages: every refusal of a search is an ErrInvalid of one kind,
// and each kind has a Dutch message for the presenters.
func TestUserMessages(t *testing.T) {
	ix, _ := openFilled(t, newMemSource())
	ctx := context.Background()
	two, one := 2020, 2010
	for kind, r := range map[error]Request{
		ErrPageSize: {First: MaxFirst + 1},
		ErrOffset:   {Offset: MaxOffset + 1},
		ErrQuery:    {Query: string([]byte{0xff, 0xfe})},
		ErrSort:     {Sort: "RANDOM"},
		ErrCursor:   {After: "not-a-cursor!"},
		ErrFilter:   {Filter: Filter{FromYear: &two, ToYear: &one}},
	} {
		_, err := ix.Search(ctx, r)
		if !errors.Is(err, kind) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want %v", r, err, kind)
			continue
		}
		if msg, ok := UserMessage(err); !ok || msg == "" {
			t.Errorf("%v: no message for users", err)
		}
	}
	if _, err := ix.Similar(ctx, "nergens", 5); !errors.Is(err, ErrNotFound) {
		t.Errorf("Similar of an unknown id: %v", err)
	} else if _, ok := UserMessage(err); !ok {
		t.Errorf("%v: no message for users", err)
	}
	if _, ok := UserMessage(errors.New("disk full")); ok {
		t.Error("an internal error has a message for users")
	}
}
