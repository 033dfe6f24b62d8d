package practice_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// FuzzValidate feeds the validation (the rules every GraphQL submission goes
// through) arbitrary inventories. It must never panic, and what it accepts
// must be a fixed point: validating the normalised result again finds no
// problem and changes nothing, so a resubmission is reported unchanged.
func FuzzValidate(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "bank", "testdata", "*.json"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"region":"limburg","title":"T","practices":[{"ref":"a","title":"Caf\u0065\u0301","summary":"s","krachtlijnen":["NABIJHEID"],"startYear":2100,"endYear":2100}]}`))
	f.Add([]byte(`{"region":"brussel","title":" x ","practices":[{"ref":"a.b-c_d","title":"  abc\r\n","summary":"\u00a0s\u00a0","krachtlijnen":["VERBINDEND"],"links":["https://x.be/a b"],"contact":{"email":"a@b.be"}}]}`))
	plan := actionplan.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		var in practice.InventoryInput
		if json.Unmarshal(data, &in) != nil {
			return
		}
		out, problems := practice.Validate(in, plan)
		for _, p := range problems {
			if p.Path == "" || p.Code == "" || p.Message == "" {
				t.Fatalf("problem without path, code or message: %+v", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		again, problems := practice.Validate(out, plan)
		if len(problems) > 0 {
			t.Fatalf("the normalised inventory is refused: %v", problems)
		}
		for i := range out.Practices {
			if practice.ContentHash(out.Practices[i].Content) != practice.ContentHash(again.Practices[i].Content) {
				t.Fatalf("normalisation is not stable for practice %d:\n%+v\n%+v", i, out.Practices[i], again.Practices[i])
			}
		}
	})
}
