package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// memSource is an in-memory Source: a test double for the store.
type memSource struct {
	mu  sync.Mutex
	ps  map[string]practice.Practice
	seq uint64
}

func newMemSource(ps ...practice.Practice) *memSource {
	s := &memSource{ps: make(map[string]practice.Practice)}
	for _, p := range ps {
		s.ps[p.ID] = p
		s.seq = max(s.seq, p.Seq)
	}
	return s
}

// put writes p with the next seq, as the store does, and returns it.
func (s *memSource) put(p practice.Practice) practice.Practice {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	p.Seq = s.seq
	s.ps[p.ID] = p
	return p
}

func (s *memSource) get(id string) practice.Practice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ps[id]
}

func (s *memSource) sorted() []practice.Practice {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]practice.Practice, 0, len(s.ps))
	for _, p := range s.ps {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *memSource) ScanPractices(ctx context.Context, fn func(practice.Practice) error) error {
	for _, p := range s.sorted() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func (s *memSource) ChangedSince(ctx context.Context, seq uint64, limit int) ([]practice.Practice, error) {
	var out []practice.Practice
	for _, p := range s.sorted() {
		if p.Seq > seq {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (s *memSource) LastSeq(ctx context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq, nil
}

// testPlan is a small action plan: the names the index uses.
func testPlan() *actionplan.Plan {
	p := &actionplan.Plan{
		Krachtlijnen: []actionplan.Krachtlijn{
			{Code: "NABIJHEID", Name: "Nabijheid"}, {Code: "POLITISEREND", Name: "Politiserend werken"},
			{Code: "PROCESMATIG", Name: "Procesmatig werken"}, {Code: "GENERALISTISCH", Name: "Generalistisch werken"},
			{Code: "VERBINDEND", Name: "Verbindend werken"},
		},
		Regions: []actionplan.Region{
			{ID: "antwerpen", Name: "Antwerpen"}, {ID: "limburg", Name: "Limburg"}, {ID: "oost-vlaanderen", Name: "Oost-Vlaanderen"},
			{ID: "vlaams-brabant", Name: "Vlaams-Brabant"}, {ID: "west-vlaanderen", Name: "West-Vlaanderen"}, {ID: "brussel", Name: "Brussel"},
		},
	}
	for _, c := range []struct{ id, section, name, title string }{
		{"vermaatschappelijking", "4.1", "Vermaatschappelijking", "Vermaatschappelijking van de zorg vraagt een vernieuwende aanpak van het sociaal werk op de eerste lijn."},
		{"digitalisering", "4.2", "Digitalisering", "Sterk sociaal werk maakt deel uit van de digitale samenleving"},
		{"diversiteit", "4.3", "Diversiteit", "Sociaalwerkpraktijken reflecteren integraal de diversiteit in de samenleving en erkennen de meerwaarde"},
		{"duurzaamheid", "4.4", "Duurzaamheid", "Sociaal werk draagt bij aan een transitie naar rechtvaardige duurzaamheid"},
		{"vertrouwen", "4.5", "Vertrouwen", "De specifieke rol en positie van de sociaal werker in het omgaan met vertrouwen"},
		{"samenwerking", "4.6", "Samenwerking", "Het sociaal werk heeft een duidelijke plaats in multidisciplinaire teams op het terrein"},
		{"hybridisering", "4.7", "Hybridisering", "We formuleren antwoorden op de hybridisering van organisatievormen in het sociaal werk"},
		{"onderbescherming", "4.8", "Onderbescherming", "Sociaal werkers versterken in rechtenverkenning en rechtentoekenning"},
		{"krachtlijnen", "4.9", "Krachtlijnen", "De krachtlijnen van Sterk Sociaal Werk vinden hun ingang in sociaalwerkpraktijken"},
		{"draagvlak", "4.10", "Draagvlak", "Het maatschappelijk draagvlak voor Sterk Sociaal Werk wordt verhoogd"},
		{"innovatie", "4.11", "Innovatie", "Sociaalwerkpraktijken zetten in op maatschappelijke, technische en methodische innovatie"},
	} {
		p.Challenges = append(p.Challenges, actionplan.Challenge{ID: c.id, Section: c.section, Name: c.name, Title: c.title,
			Actions: []actionplan.Action{{ID: c.id + "-1", ChallengeID: c.id, Number: 1, Title: "Actie 1 van " + c.name,
				Initiatives: []actionplan.Initiative{{ID: c.id + "-1.1", Text: "We inventariseren goede praktijken en modellen zoals wijkteams, werkwinkels en Huizen van het Kind."}}}}})
	}
	return p
}

type corpusEntry struct {
	Ref    string `json:"ref"`
	Region string `json:"region"`
	practice.Content
}

// loadCorpus reads testdata/corpus.json as stored practices (seq 1..n).
func loadCorpus(t testing.TB) []practice.Practice {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	var es []corpusEntry
	if err := json.Unmarshal(b, &es); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	out := make([]practice.Practice, len(es))
	for i, e := range es {
		if e.Content.Language == "" {
			e.Content.Language = "nl"
		}
		out[i] = practice.Practice{
			ID: practice.ID(e.Region, e.Ref), Region: e.Region, Ref: e.Ref, Version: 1, Content: e.Content,
			Seq: uint64(i + 1), CreatedAt: base, UpdatedAt: base.Add(time.Duration(i) * time.Hour),
		}
	}
	return out
}

func refIndex(ps []practice.Practice) map[string]string {
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.ID] = p.Ref
	}
	return m
}

// searchRefs runs r on ix and returns the refs of its hits, in order.
func searchRefs(t testing.TB, ix *Index, refs map[string]string, r Request) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		got = append(got, refs[h.ID])
	}
	return got
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openFilled opens a new index in a temp dir and fills it from src.
func openFilled(t testing.TB, src Source, opts ...Option) (*Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, testPlan(), append([]Option{WithLogger(quietLogger())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Reconcile(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	return ix, dir
}

func ptr[T any](v T) *T { return &v }

// searchDiff runs req on a and b and says how the results differ, "" when
// they do not: the totals, the hits and their scores (to 1e-12, the
// order of floating-point additions), the facets.
func searchDiff(t testing.TB, a, b *Index, req Request) string {
	t.Helper()
	ctx := context.Background()
	got, err := a.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := b.Search(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != want.Total || len(got.Hits) != len(want.Hits) || !reflect.DeepEqual(got.Facets, want.Facets) {
		return fmt.Sprintf("total %d (%d hits), against %d (%d hits), or other facets", got.Total, len(got.Hits), want.Total, len(want.Hits))
	}
	for i := range got.Hits {
		g, w := got.Hits[i], want.Hits[i]
		if g.ID != w.ID || math.Abs(g.Score-w.Score) > 1e-12*math.Abs(w.Score) {
			return fmt.Sprintf("hit %d is %s (%v), against %s (%v)", i, g.ID, g.Score, w.ID, w.Score)
		}
	}
	return ""
}
