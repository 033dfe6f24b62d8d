package search

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

// wantVocabulary counts the words of the live practices of src the slow
// and obvious way: Bleve's raw analyzer over every text of each practice's
// index document.
func wantVocabulary(t *testing.T, raw analysis.Analyzer, src *memSource) map[string]int32 {
	t.Helper()
	out := make(map[string]int32)
	for _, p := range src.sorted() {
		if !p.Live() {
			continue
		}
		_, texts := toDoc(p, testPlan())
		seen := map[string]bool{}
		for _, text := range texts {
			for _, tok := range raw.Analyze([]byte(text)) {
				if w := string(tok.Term); !seen[w] {
					seen[w] = true
					out[w]++
				}
			}
		}
	}
	return out
}

func vocabCounts(ix *Index) map[string]int32 {
	out := make(map[string]int32)
	ix.vocab.Each(func(w string, n int32) { out[w] = n })
	return out
}

func sameCounts(t *testing.T, what string, got, want map[string]int32) {
	t.Helper()
	if maps.Equal(got, want) {
		return
	}
	var diff []string
	for w, n := range want {
		if got[w] != n {
			diff = append(diff, w)
		}
	}
	for w := range got {
		if _, ok := want[w]; !ok {
			diff = append(diff, w)
		}
	}
	slices.Sort(diff)
	if len(diff) > 10 {
		diff = diff[:10]
	}
	for _, w := range diff {
		t.Errorf("%s: %q counted %d, want %d", what, w, got[w], want[w])
	}
}

// TestWordCounterIsTheRawAnalyzer: the word counter finds the raw
// analyzer's terms, on the corpora and on text that needs lower-casing and
// folding beyond ASCII.
func TestWordCounterIsTheRawAnalyzer(t *testing.T) {
	ix, _ := openFilled(t, newMemSource())
	texts := []string{
		"ÉÉN Ideeën voor Coördinatie, İstanbul en ΣΟΦΊΑ; Ⱥbc sa\u00ADmen\u200Bwerking labo's WWW.Sociaalwerk.BE 1,5 Straße",
		"  ", "", "ǅemal Ǆ ǆ K (Kelvin) ÅNGSTRÖM Øresund Œuvre",
	}
	for _, p := range append(loadCorpus(t), GenerateCorpus(300, 3)...) {
		_, ts := toDoc(p, testPlan())
		texts = append(texts, ts...)
	}
	for _, text := range texts {
		want := map[string]int32{}
		for _, tok := range ix.raw.Analyze([]byte(text)) {
			want[string(tok.Term)] = 1
		}
		wc := vocab.NewCounter()
		wc.Add([]string{text}, 0, 1)
		sameCounts(t, text[:min(len(text), 40)], wc.Result(), want)
	}
}

// TestVocabularyFollowsTheIndex: whatever writes the index (Apply with new,
// changed and withdrawn practices and duplicates, Reconcile, Rebuild, a
// rebuild while the store changes, reopening, a crash) the vocabulary holds
// the words of exactly the indexed practices.
func TestVocabularyFollowsTheIndex(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	src := newMemSource(corpus...)
	ix, dir := openFilled(t, src)
	check := func(what string) {
		t.Helper()
		sameCounts(t, what, vocabCounts(ix), wantVocabulary(t, ix.raw, src))
	}
	check("filled")

	// Apply: a change (new words, words gone), a withdrawal, a new practice,
	// and the same practice twice in one batch.
	p := src.get(corpus[0].ID)
	p.Title, p.Summary = "Zeppelinbouwers in Borgerhout", "Een nieuwe samenvatting zonder de oude woorden."
	changed := src.put(p)
	gone := src.get(corpus[1].ID)
	gone.Withdrawn = &practice.Withdrawal{At: time.Now(), By: "test", Reason: "dubbel"}
	gone = src.put(gone)
	fresh := corpus[2]
	fresh.ID, fresh.Ref, fresh.Title = practice.ID("limburg", "new-1"), "new-1", "Kwartiermakers in Genk"
	first := src.put(fresh)
	fresh.Title = "Kwartiermakers en ervaringsdeskundigen in Genk"
	second := src.put(fresh)
	if err := ix.Apply(ctx, []practice.Practice{changed, gone, first, second}); err != nil {
		t.Fatal(err)
	}
	check("after Apply")
	if !findsTitle(t, ix, "zeppelinbouwer", changed.ID) {
		t.Error("prefix of a new word not found")
	}

	// A large Apply, in batches written two at a time.
	var all []practice.Practice
	for _, p := range src.sorted() {
		if p.Live() {
			p.Description += " Extra zin over kwartiermaken."
			all = append(all, src.put(p))
		}
	}
	ix.batchSize = 7
	if err := ix.Apply(ctx, all); err != nil {
		t.Fatal(err)
	}
	check("after a large Apply")

	// Reconcile after a "crash": the store moved on without the index.
	p = src.get(corpus[3].ID)
	p.Pitfalls = append(p.Pitfalls, "Te weinig schrijfkracht")
	src.put(p)
	src.mu.Lock()
	delete(src.ps, corpus[4].ID)
	src.mu.Unlock()
	if _, err := ix.Reconcile(ctx, src); err != nil {
		t.Fatal(err)
	}
	check("after Reconcile")

	// Reopened after Close: read from the vocabulary file, which is then gone.
	ix = reopen(t, ix, dir)
	check("reopened")
	if _, err := os.Stat(filepath.Join(dir, vocabFileName)); !os.IsNotExist(err) {
		t.Errorf("vocabulary file still there after Open: %v", err)
	}

	// A crash: the index closes without writing the vocabulary file, and
	// changes it first. The next Open counts the words of the documents.
	p = src.get(corpus[5].ID)
	p.Title = "Schrijfwerkplaats voor buurtbewoners"
	if err := ix.Apply(ctx, []practice.Practice{src.put(p)}); err != nil {
		t.Fatal(err)
	}
	if err := ix.bl.Close(); err != nil {
		t.Fatal(err)
	}
	ix.bl = nil
	ix = reopen(t, nil, dir)
	check("after a crash")

	// A vocabulary file that does not belong to the index is not read.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, vocabFileName), []byte(vocabFileHeader+"0000\n1\tonzin\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix = reopen(t, nil, dir)
	check("with a stranger's file")
	if ix.vocab.Count("onzin") != 0 {
		t.Error("read a vocabulary file of another index")
	}

	// Rebuild, and a rebuild during which the store changes.
	if err := ix.Rebuild(ctx, src); err != nil {
		t.Fatal(err)
	}
	check("after Rebuild")
	moving := &changingSource{memSource: src, change: func() {
		p := src.get(corpus[6].ID)
		p.Title = "Opbouwwerkers tussen twee scans"
		src.put(p)
	}}
	if err := ix.Rebuild(ctx, moving); err != nil {
		t.Fatal(err)
	}
	if moving.scans < 2 {
		t.Fatalf("%d scans", moving.scans)
	}
	check("after a rebuild while the store changed")
}

// changingSource calls change once, after its first full scan.
type changingSource struct {
	*memSource
	change func()
	scans  int
}

func (s *changingSource) ScanPractices(ctx context.Context, fn func(practice.Practice) error) error {
	err := s.memSource.ScanPractices(ctx, fn)
	if s.scans++; s.scans == 1 {
		s.change()
	}
	return err
}
