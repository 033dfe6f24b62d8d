package search

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func reopen(t *testing.T, ix *Index, dir string) *Index {
	t.Helper()
	if ix != nil {
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
	nix, err := Open(dir, testPlan(), WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nix.Close() })
	return nix
}

func docCount(t *testing.T, ix *Index) int {
	t.Helper()
	n, err := ix.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func findsTitle(t *testing.T, ix *Index, q, id string) bool {
	t.Helper()
	res, err := ix.Search(context.Background(), Request{Query: q, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

func TestOpenRebuildsAndReconcileRestores(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	src := newMemSource(corpus...)
	ix, dir := openFilled(t, src)
	if got := docCount(t, ix); got != len(corpus) {
		t.Fatalf("doc count %d, want %d", got, len(corpus))
	}
	if ix.AppliedSeq() != uint64(len(corpus)) {
		t.Fatalf("applied seq %d", ix.AppliedSeq())
	}

	t.Run("reopen keeps everything", func(t *testing.T) {
		ix = reopen(t, ix, dir)
		rep, err := ix.Reconcile(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		if docCount(t, ix) != len(corpus) || rep.Missing+rep.Stale+rep.Extra+rep.Withdrawn != 0 || rep.Rebuilt {
			t.Errorf("report %+v", rep)
		}
		if ix.AppliedSeq() != uint64(len(corpus)) {
			t.Errorf("applied seq %d after reopen", ix.AppliedSeq())
		}
	})

	t.Run("deleted dir", func(t *testing.T) {
		ix.Close()
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		ix = reopen(t, nil, dir)
		if docCount(t, ix) != 0 {
			t.Fatal("expected an empty index")
		}
		if _, err := ix.Reconcile(ctx, src); err != nil {
			t.Fatal(err)
		}
		if docCount(t, ix) != len(corpus) {
			t.Errorf("doc count %d", docCount(t, ix))
		}
	})

	t.Run("garbage over the files", func(t *testing.T) {
		ix.Close()
		r := rand.New(rand.NewPCG(1, 2))
		err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			junk := make([]byte, max(info.Size(), 64))
			for i := range junk {
				junk[i] = byte(r.UintN(256))
			}
			return os.WriteFile(path, junk, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
		ix = reopen(t, nil, dir)
		if docCount(t, ix) != 0 {
			t.Fatal("expected a rebuilt, empty index")
		}
		if _, err := ix.Reconcile(ctx, src); err != nil {
			t.Fatal(err)
		}
		if docCount(t, ix) != len(corpus) || !findsTitle(t, ix, "wijkteams", corpus[0].ID) {
			t.Errorf("not restored: %d docs", docCount(t, ix))
		}
	})

	t.Run("plan renames a region", func(t *testing.T) {
		ix.Close()
		plan := testPlan()
		for i := range plan.Regions {
			if plan.Regions[i].ID == "limburg" {
				plan.Regions[i].Name = "Kempenland"
			}
		}
		nix, err := Open(dir, plan, WithLogger(quietLogger()))
		if err != nil {
			t.Fatal(err)
		}
		defer nix.Close()
		if n, _ := nix.DocCount(); n != 0 {
			t.Fatal("index with the old names kept")
		}
		if _, err := nix.Reconcile(ctx, src); err != nil {
			t.Fatal(err)
		}
		inLimburg := 0
		for _, p := range corpus {
			if p.Region == "limburg" {
				inLimburg++
			}
		}
		if got := nix.vocab.Count("kempenland"); got != inLimburg {
			t.Errorf("vocabulary: kempenland in %d practices, want %d", got, inLimburg)
		}
		res, err := nix.Search(ctx, Request{Query: "kempenland"})
		if err != nil || res.Total == 0 {
			t.Errorf("new region name not found: %v, %d", err, res.Total)
		}
		nix.Close()
		ix = reopen(t, nil, dir) // the test plan again: rebuilt once more
		if _, err := ix.Reconcile(ctx, src); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("other mapping version", func(t *testing.T) {
		ix.Close()
		bl, err := bleve.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := bl.SetInternal(keyVersion, []byte("0:old")); err != nil {
			t.Fatal(err)
		}
		bl.Close()
		ix = reopen(t, nil, dir)
		if docCount(t, ix) != 0 {
			t.Fatal("expected a rebuilt, empty index")
		}
		if _, err := ix.Reconcile(ctx, src); err != nil {
			t.Fatal(err)
		}
		if docCount(t, ix) != len(corpus) {
			t.Errorf("doc count %d", docCount(t, ix))
		}
	})
}

func TestReconcileHeals(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	src := newMemSource(corpus...)
	ix, _ := openFilled(t, src)

	// "Crash" between store write and indexing: the store moves on, the index does not.
	changed := src.get(corpus[0].ID)
	changed.Title = "Zeppelinbouwers in Borgerhout"
	changed = src.put(changed)
	added := corpus[1]
	added.ID, added.Ref, added.Title = practice.ID("limburg", "new-1"), "new-1", "Nieuw kantoorproject"
	added = src.put(added)
	gone := src.get(corpus[2].ID)
	gone.Withdrawn = &practice.Withdrawal{At: time.Now(), By: "test", Reason: "dubbel"}
	gone = src.put(gone)
	extra := corpus[3].ID // the store loses it; the index still has it
	src.mu.Lock()
	delete(src.ps, extra)
	src.mu.Unlock()

	if findsTitle(t, ix, "zeppelinbouwers", changed.ID) {
		t.Fatal("index already has the change")
	}
	rep, err := ix.Reconcile(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Missing != 1 || rep.Stale != 1 || rep.Withdrawn != 1 || rep.Extra != 1 || rep.Skipped != 0 {
		t.Errorf("report %+v", rep)
	}
	if !findsTitle(t, ix, "zeppelinbouwers", changed.ID) || !findsTitle(t, ix, "kantoorproject", added.ID) {
		t.Error("changed or added practice not found")
	}
	if got := docCount(t, ix); got != len(corpus)-1 { // +1 added, -1 withdrawn, -1 extra
		t.Errorf("doc count %d, want %d", got, len(corpus)-1)
	}
	if last, _ := src.LastSeq(ctx); ix.AppliedSeq() != last {
		t.Errorf("applied seq %d, store %d", ix.AppliedSeq(), last)
	}
	rep, _ = ix.Reconcile(ctx, src)
	if rep.Missing+rep.Stale+rep.Withdrawn+rep.Extra != 0 {
		t.Errorf("second reconcile not clean: %+v", rep)
	}
}

func TestApplyAndFollow(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	src := newMemSource(corpus...)
	ix, dir := openFilled(t, src)

	p := src.get(corpus[0].ID)
	old := p
	p.Title = "Versie twee van de wijkteams"
	p = src.put(p)
	if err := ix.Apply(ctx, []practice.Practice{p}); err != nil {
		t.Fatal(err)
	}
	// Applying an older version afterwards (out of order) changes nothing.
	if err := ix.Apply(ctx, []practice.Practice{old}); err != nil {
		t.Fatal(err)
	}
	if !findsTitle(t, ix, "versie twee", p.ID) {
		t.Error("newer version lost")
	}
	if ix.AppliedSeq() != p.Seq {
		t.Errorf("applied seq %d, want %d", ix.AppliedSeq(), p.Seq)
	}
	ix = reopen(t, ix, dir)
	if ix.AppliedSeq() != p.Seq {
		t.Errorf("applied seq %d after reopen, want %d", ix.AppliedSeq(), p.Seq)
	}

	// A withdrawal and, later in the same batch, an older live version:
	// the withdrawal stands.
	wd := src.get(corpus[1].ID)
	live := wd
	wd.Withdrawn = &practice.Withdrawal{At: time.Now(), By: "test", Reason: "dubbel"}
	wd = src.put(wd)
	if err := ix.Apply(ctx, []practice.Practice{wd, live}); err != nil {
		t.Fatal(err)
	}
	if d, err := indexedDocs(ix.bl, []string{wd.ID}); err != nil || len(d) != 0 {
		t.Errorf("withdrawn practice indexed again from an older version (%d documents, %v)", len(d), err)
	}
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { ix.Follow(fctx, src, 10*time.Millisecond); close(done) }()
	q := src.get(corpus[5].ID)
	q.Title = "Gevolgd via de wijzigingsstroom"
	q = src.put(q)
	w := src.get(corpus[6].ID)
	w.Withdrawn = &practice.Withdrawal{At: time.Now(), By: "test"}
	w = src.put(w)
	deadline := time.Now().Add(5 * time.Second)
	for ix.AppliedSeq() < w.Seq && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if !findsTitle(t, ix, "wijzigingsstroom", q.ID) {
		t.Error("followed change not indexed")
	}
	if findsTitle(t, ix, strings.Fields(corpus[6].Title)[0], w.ID) {
		t.Error("withdrawn practice still found")
	}
}

func TestRebuildKeepsServing(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	src := newMemSource(corpus...)
	ix, _ := openFilled(t, src)
	if err := ix.Rebuild(ctx, src); err != nil {
		t.Fatal(err)
	}
	if docCount(t, ix) != len(corpus) || !findsTitle(t, ix, "buurtwerk", corpus[0].ID) && !findsTitle(t, ix, "wijkteams", corpus[0].ID) {
		t.Errorf("rebuilt index incomplete: %d", docCount(t, ix))
	}
}

func TestSimilarAndSuggest(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...))
	refs := refIndex(corpus)
	byRef := map[string]string{}
	for id, r := range refs {
		byRef[r] = id
	}
	hits, err := ix.Similar(ctx, byRef["ant-003"], 5) // straathoekwerk met jongeren
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, refs[h.ID])
		if h.ID == byRef["ant-003"] {
			t.Error("similar returned the practice itself")
		}
	}
	if !strings.Contains(strings.Join(got, ","), "vbr-010") {
		t.Errorf("similar to ant-003 = %v, want vbr-010 (straathoekwerk in Leuven) among them", got)
	}
	if _, err := ix.Similar(ctx, "pr_unknown", 5); err == nil {
		t.Error("similar of an unknown id should fail")
	}

	sug, err := ix.Suggest(ctx, "buurtw", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(sug) == 0 || !strings.HasPrefix(strings.ToLower(sug[0].Text), "buurtw") {
		t.Errorf("suggest(buurtw) = %+v", sug)
	}
	sug, _ = ix.Suggest(ctx, "Gen", 10)
	foundGenk := false
	for _, s := range sug {
		if s.Text == "Genk" && s.Kind == "municipality" && s.Count >= 4 {
			foundGenk = true
		}
	}
	if !foundGenk {
		t.Errorf("suggest(Gen) = %+v, want municipality Genk", sug)
	}
}
