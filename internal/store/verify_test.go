package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func TestDigestNormalises(t *testing.T) {
	at := time.Date(2024, 3, 1, 9, 30, 0, 123_000_000, time.UTC)
	brussels := time.FixedZone("CET", 3600)
	p := practice.Practice{ID: "pr_1", Version: 2, Content: practice.Content{Title: "T", Krachtlijnen: []string{}}, CreatedAt: at}
	q := p
	q.CreatedAt = at.In(brussels)
	q.Krachtlijnen = nil
	if digest(p) != digest(q) {
		t.Errorf("same instant in another zone, or an empty list as nil, digests differently")
	}
	for name, change := range map[string]func(*practice.Practice){
		"version":    func(p *practice.Practice) { p.Version = 3 },
		"time":       func(p *practice.Practice) { p.CreatedAt = at.Add(time.Millisecond) },
		"embedded":   func(p *practice.Practice) { p.Title = "U" },
		"withdrawal": func(p *practice.Practice) { p.Withdrawn = &practice.Withdrawal{At: at} },
		"demo":       func(p *practice.Practice) { p.Demo = true },
	} {
		r := p
		change(&r)
		if digest(r) == digest(p) {
			t.Errorf("a changed %s digests the same", name)
		}
	}
}

func TestDifferences(t *testing.T) {
	a := Summary{Counts: CopyReport{Practices: 2, LastSeq: 5}, Practices: map[string]string{"p1": "x", "p2": "y"}, Tokens: "t"}
	b := Summary{Counts: CopyReport{Practices: 2, LastSeq: 7}, Practices: map[string]string{"p1": "x", "p2": "y"}, Tokens: "t"}
	if d := Differences(a, b); len(d) != 0 {
		t.Errorf("a target ahead in LastSeq only: %v", d)
	}
	b.Counts.LastSeq = 4
	b.Practices = map[string]string{"p1": "z", "p3": "y"}
	b.Tokens = "u"
	got := strings.Join(Differences(a, b), "\n")
	for _, want := range []string{"last Seq: 5 in the source, 4 in the target", "practice p1 differs", "practice p2 is missing", "practice p3 is in the target but not in the source", "tokens differ"} {
		if !strings.Contains(got, want) {
			t.Errorf("differences lack %q:\n%s", want, got)
		}
	}
}

// memStore is a Dumper and Loader over records in memory, for Copy's batching.
type memStore struct {
	records []Record
	batches []int
}

func (m *memStore) Dump(_ context.Context, fn func(Record) error) error {
	for _, r := range m.records {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) IsEmpty(context.Context) (bool, error) { return len(m.records) == 0, nil }

func (m *memStore) Load(_ context.Context, batch []Record) error {
	m.records = append(m.records, batch...)
	m.batches = append(m.batches, len(batch))
	return nil
}

func TestCopyBatchesAndProgress(t *testing.T) {
	src := &memStore{}
	for i := range 700 {
		p := practice.Practice{ID: fmt.Sprintf("pr_%04d", i), Version: 2, Seq: uint64(i + 1)}
		src.records = append(src.records, Record{Practice: &p, History: []practice.Revision{{Version: 1}, {Version: 2}}})
	}
	src.records = append(src.records, Record{Token: &auth.Token{ID: "t", Hash: "h"}})
	dst := &memStore{}
	var progress []int
	rep, err := Copy(context.Background(), src, dst, WithProgress(func(r CopyReport) { progress = append(progress, r.Practices) }))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Practices != 700 || rep.Revisions != 1400 || rep.Tokens != 1 || rep.LastSeq != 700 {
		t.Errorf("report %+v", rep)
	}
	if len(dst.records) != 701 || len(dst.batches) != 3 || dst.batches[0] != 334 {
		t.Errorf("loaded %d records in batches %v, want 701 in batches of at most %d documents", len(dst.records), dst.batches, copyBatch)
	}
	if len(progress) != 3 || progress[2] != 700 {
		t.Errorf("progress %v", progress)
	}
	if _, err := Copy(context.Background(), src, src); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("Copy into a non-empty store = %v", err)
	}
	bad := &memStore{records: []Record{{Practice: &practice.Practice{ID: "pr_x", Version: 3}, History: []practice.Revision{{Version: 1}}}}}
	if _, err := Copy(context.Background(), bad, &memStore{}); err == nil || !strings.Contains(err.Error(), "no complete history") {
		t.Errorf("Copy of a practice with a short history = %v", err)
	}
}
