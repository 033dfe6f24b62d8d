package bank_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
)

// TestHistoryPages: a practice with several versions pages through its
// history in both directions, each revision with the fields it changed from
// the one before (whatever page it is on), and bad pages are refused.
func TestHistoryPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := readInventory(t, "limburg.json")
	in.Practices = in.Practices[:1]
	var id string
	for v := 1; v <= 7; v++ {
		if v%2 == 0 {
			in.Practices[0].Summary = fmt.Sprintf("Samenvatting versie %d.", v)
		} else if v > 1 {
			in.Practices[0].Title = fmt.Sprintf("Titel versie %d", v)
		}
		id = submit(t, e, limburg, in).Outcomes[0].ID
	}
	versions := func(page bank.HistoryPage) ([]int, bool) {
		t.Helper()
		cs, more, err := e.bank.History(ctx, id, page)
		if err != nil {
			t.Fatalf("history %+v: %v", page, err)
		}
		var vs []int
		for _, c := range cs {
			vs = append(vs, c.Version)
			want := []string{"title"}
			if c.Version%2 == 0 {
				want = []string{"summary"}
			}
			if c.Version > 1 && !slices.Equal(c.ChangedFields, want) {
				t.Errorf("version %d changed %v, want %v", c.Version, c.ChangedFields, want)
			}
		}
		return vs, more
	}
	tests := []struct {
		page bank.HistoryPage
		want []int
		more bool
	}{
		{bank.HistoryPage{}, []int{1, 2, 3, 4, 5, 6, 7}, false},
		{bank.HistoryPage{First: 3}, []int{1, 2, 3}, true},
		{bank.HistoryPage{First: 3, AfterVersion: 3}, []int{4, 5, 6}, true},
		{bank.HistoryPage{First: 3, AfterVersion: 6}, []int{7}, false},
		{bank.HistoryPage{First: 3, NewestFirst: true}, []int{7, 6, 5}, true},
		{bank.HistoryPage{First: 3, NewestFirst: true, AfterVersion: 3}, []int{2, 1}, false},
	}
	for _, tt := range tests {
		got, more := versions(tt.page)
		if !slices.Equal(got, tt.want) || more != tt.more {
			t.Errorf("page %+v = %v (more %v), want %v (more %v)", tt.page, got, more, tt.want, tt.more)
		}
	}
	for _, bad := range []bank.HistoryPage{{First: -1}, {First: bank.MaxFirst + 1}, {AfterVersion: -2}} {
		if _, _, err := e.bank.History(ctx, id, bad); !errors.Is(err, bank.ErrInvalid) {
			t.Errorf("page %+v: err = %v, want ErrInvalid", bad, err)
		}
	}
}
