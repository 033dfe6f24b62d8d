package bank_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// TestResearchGoesThroughTheBank: the bank keeps the analytical view current
// with its writes and answers the research queries, its input errors as
// ErrInvalid and ErrNotFound with the view's own Dutch text.
func TestResearchGoesThroughTheBank(t *testing.T) {
	ctx := context.Background()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "pkb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var b *bank.Bank
	in := insight.New(func() *actionplan.Plan { return b.Plan() })
	b, err = bank.New(ctx, st, nil, actionplan.Default(), nil, bank.WithInsight(in))
	if err != nil {
		t.Fatal(err)
	}
	submit(t, env{bank: b, store: st}, limburg, readInventory(t, "limburg.json"))

	n, err := b.ActionPracticeCount("digitalisering-3", "limburg")
	if err != nil {
		t.Fatal(err)
	}
	if in.Len() != 2 || n != 1 {
		t.Errorf("after a submission the view holds %d practices (want 2), digitalisering-3 counts %d (want 1)", in.Len(), n)
	}
	cov, err := b.Coverage(insight.DimRegion, insight.DimKrachtlijn, search.Filter{})
	if err != nil || cov.Total != 2 {
		t.Errorf("coverage total %d, %v; want 2", cov.Total, err)
	}

	_, err = b.Factors(insight.FactorQuery{Kind: insight.SuccessFactors, Filter: search.Filter{Regions: []string{"nergens"}}})
	if msg, ok := bank.UserMessage(err); !errors.Is(err, bank.ErrInvalid) || !ok || !strings.HasPrefix(msg, "Onbekende regio: „nergens”") {
		t.Errorf("unknown region in a filter: %v, Dutch %q; want ErrInvalid with the filter's Dutch", err, msg)
	}
	_, err = b.ActionPracticeCount("digitalisering-3", "nergens")
	if msg, ok := bank.UserMessage(err); !errors.Is(err, bank.ErrInvalid) || !ok || msg != "Onbekende regio: „nergens”." ||
		err.Error() != `invalid analysis request: unknown region "nergens"` {
		t.Errorf("unknown region of an action count: %v, Dutch %q; want ErrInvalid, English text, the view's Dutch", err, msg)
	}
	_, err = b.RegionReport("nergens", 2024)
	if msg, ok := bank.UserMessage(err); !errors.Is(err, bank.ErrNotFound) || !ok || msg != `onbekende regio "nergens"` || strings.Contains(err.Error(), "onbekende") {
		t.Errorf("report of an unknown region: %v, Dutch %q; want ErrNotFound, English text, the view's Dutch", err, msg)
	}

	plain, err := bank.New(ctx, st, nil, actionplan.Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Factors(insight.FactorQuery{}); err == nil || errors.Is(err, bank.ErrInvalid) {
		t.Errorf("a bank without the view answered a research query: %v", err)
	}
}
