package insight

import (
	"context"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight/insighttest"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// fixture returns the 12 practices of the hand-counted test inventory, as
// the store holds them.
func fixture(t testing.TB) []practice.Practice {
	t.Helper()
	rows, err := insighttest.Rows()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]practice.Practice, len(rows))
	for i, r := range rows {
		out[i] = practice.Practice{
			ID: practice.ID(r.Region, r.Ref), Region: r.Region, Ref: r.Ref, Version: 1,
			Content: r.Content, Hash: practice.ContentHash(r.Content), Seq: uint64(i + 1),
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		}
		if !r.UpdatedAt.Equal(r.CreatedAt) {
			out[i].Version = 2
		}
	}
	return out
}

// memSource is a Source over a slice, for Load and Follow.
type memSource struct{ ps []practice.Practice }

func (m *memSource) ScanPractices(ctx context.Context, fn func(practice.Practice) error) error {
	for _, p := range m.ps {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (m *memSource) ChangedSince(ctx context.Context, seq uint64, limit int) ([]practice.Practice, error) {
	var out []practice.Practice
	for _, p := range m.ps {
		if p.Seq > seq && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

func (m *memSource) LastSeq(ctx context.Context) (uint64, error) {
	var last uint64
	for _, p := range m.ps {
		last = max(last, p.Seq)
	}
	return last, nil
}

func loaded(t testing.TB) *Insight {
	t.Helper()
	in := New(actionplan.Default)
	if err := in.Load(context.Background(), &memSource{ps: fixture(t)}); err != nil {
		t.Fatal(err)
	}
	return in
}

func id(region, ref string) string { return practice.ID(region, ref) }
