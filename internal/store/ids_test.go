package store

import (
	"regexp"
	"sort"
	"testing"
	"time"
)

func TestNewInventoryID(t *testing.T) {
	shape := regexp.MustCompile(`^inv_[0-9a-f]{13}[0-9a-f]{16}$`)
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

	tests := []struct {
		name  string
		times []time.Time
	}{
		{"increasing milliseconds", []time.Time{base, base.Add(time.Millisecond), base.Add(time.Second), base.AddDate(1, 0, 0)}},
		{"same millisecond", []time.Time{base, base, base.Add(100 * time.Microsecond), base}},
		{"far future and epoch", []time.Time{time.Unix(0, 0), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			for _, at := range tt.times {
				id := NewInventoryID(at)
				if !shape.MatchString(id) {
					t.Fatalf("NewInventoryID(%v) = %q, want inv_ + 29 hex digits", at, id)
				}
				ids = append(ids, id)
			}
			if !sort.StringsAreSorted(ids) {
				t.Errorf("ids made in order do not sort in order: %q", ids)
			}
			seen := map[string]bool{}
			for _, id := range ids {
				if seen[id] {
					t.Errorf("duplicate id %q", id)
				}
				seen[id] = true
			}
		})
	}

	t.Run("sorts by the time given, not by call order", func(t *testing.T) {
		late := NewInventoryID(base.Add(time.Hour))
		early := NewInventoryID(base)
		if !(early < late) {
			t.Errorf("%q (earlier time) should sort before %q", early, late)
		}
	})
	t.Run("sorts by time across calls", func(t *testing.T) {
		earlier := NewInventoryID(time.Now().Add(time.Hour))
		later := NewInventoryID(time.Now().Add(2 * time.Hour))
		if !(earlier < later) {
			t.Errorf("%q should sort before %q", earlier, later)
		}
	})
	t.Run("before 1970 counts as 1970", func(t *testing.T) {
		id := NewInventoryID(time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC))
		if !shape.MatchString(id) {
			t.Errorf("got %q", id)
		}
	})
}
