package store

import (
	"strings"
	"testing"
	"time"

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
	for _, want := range []string{"laatste volgnummer: 5 in de bron, 4 in het doel", "praktijk p1 verschilt", "praktijk p2 ontbreekt", "praktijk p3 staat in het doel maar niet in de bron", "tokens verschillen"} {
		if !strings.Contains(got, want) {
			t.Errorf("differences lack %q:\n%s", want, got)
		}
	}
}
