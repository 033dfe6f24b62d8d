package search

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
)

type judgement struct {
	Query    string         `json:"query"`
	Note     string         `json:"note"`
	Relevant map[string]int `json:"relevant"` // ref -> grade 1..3
}

// TestRelevance runs the judged query set and checks recall@10 and nDCG@10.
// recall@10 is the share of relevant practices in the top 10 (out of at
// most 10); nDCG@10 uses gain 2^grade-1.
func TestRelevance(t *testing.T) {
	t.Run("test plan", func(t *testing.T) { testRelevance(t, testPlan()) })
	// The full plan adds its whole vocabulary to the decompounding dictionary.
	t.Run("full plan", func(t *testing.T) { testRelevance(t, actionplan.Default()) })
}

func testRelevance(t *testing.T, plan *actionplan.Plan) {
	corpus := loadCorpus(t)
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, plan, WithLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Reconcile(context.Background(), newMemSource(corpus...)); err != nil {
		t.Fatal(err)
	}
	refs := refIndex(corpus)
	b, err := os.ReadFile(filepath.Join("testdata", "judgements.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js []judgement
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if len(js) < 30 {
		t.Fatalf("only %d judged queries", len(js))
	}
	var sumRecall, sumNDCG float64
	for _, j := range js {
		res, err := ix.Search(context.Background(), Request{Query: j.Query, First: 10})
		if err != nil {
			t.Fatalf("%q: %v", j.Query, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, refs[h.ID])
		}
		r, n := recallAt(got, j.Relevant, 10), ndcgAt(got, j.Relevant, 10)
		sumRecall += r
		sumNDCG += n
		if r < 1 || testing.Verbose() {
			t.Logf("%-36q recall@10=%.2f nDCG@10=%.2f total=%d top=%s", j.Query, r, n, res.Total, strings.Join(got[:min(5, len(got))], ","))
		}
	}
	mr, mn := sumRecall/float64(len(js)), sumNDCG/float64(len(js))
	t.Logf("%d queries: mean recall@10 = %.3f, mean nDCG@10 = %.3f", len(js), mr, mn)
	if mr < 0.85 {
		t.Errorf("mean recall@10 = %.3f, want ≥ 0.85", mr)
	}
	if mn < 0.75 {
		t.Errorf("mean nDCG@10 = %.3f, want ≥ 0.75", mn)
	}
}

func recallAt(got []string, rel map[string]int, k int) float64 {
	found := 0
	for i, g := range got {
		if i >= k {
			break
		}
		if rel[g] > 0 {
			found++
		}
	}
	return float64(found) / float64(min(k, len(rel)))
}

func ndcgAt(got []string, rel map[string]int, k int) float64 {
	dcg := 0.0
	for i, g := range got {
		if i >= k {
			break
		}
		dcg += (math.Pow(2, float64(rel[g])) - 1) / math.Log2(float64(i+2))
	}
	var grades []int
	for _, g := range rel {
		grades = append(grades, g)
	}
	for i := range grades { // sort descending
		for j := i + 1; j < len(grades); j++ {
			if grades[j] > grades[i] {
				grades[i], grades[j] = grades[j], grades[i]
			}
		}
	}
	idcg := 0.0
	for i, g := range grades {
		if i >= k {
			break
		}
		idcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}
