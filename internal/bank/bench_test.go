package bank_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// inventoryOf turns generated practices into one v1 inventory of one region.
func inventoryOf(region string, ps []practice.Practice) practice.InventoryInput {
	in := practice.InventoryInput{Region: region, Title: "Benchmark", Practices: make([]practice.PracticeInput, len(ps))}
	for i, p := range ps {
		c := p.Content
		var actions []string
		for _, a := range c.Actions {
			if len(a) > 0 && a[0] != '!' && !containsColon(a) {
				actions = append(actions, a)
			}
		}
		c.Actions = actions
		in.Practices[i] = practice.PracticeInput{Ref: fmt.Sprintf("bench-%05d", i), Content: c}
	}
	return in
}

func containsColon(s string) bool {
	for i := range len(s) {
		if s[i] == ':' {
			return true
		}
	}
	return false
}

// BenchmarkSubmit measures a whole submission of 5,000 practices: validation,
// the store transaction and indexing — the first time, unchanged, and with
// every practice changed.
func BenchmarkSubmit(b *testing.B) {
	in := inventoryOf("limburg", search.GenerateCorpus(5000, 1))
	for _, mode := range []string{"first", "unchanged", "changed"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				e := newEnv(b)
				if mode != "first" {
					if res, err := e.bank.Submit(ctx, auth.Admin, in, bank.SubmitOptions{}); err != nil || len(res.Problems) > 0 {
						b.Fatal(err, res.Problems)
					}
				}
				next := in
				if mode == "changed" {
					next.Practices = append([]practice.PracticeInput(nil), in.Practices...)
					for i := range next.Practices {
						next.Practices[i].Summary += " (bijgewerkt)"
					}
				}
				b.StartTimer()
				res, err := e.bank.Submit(ctx, auth.Admin, next, bank.SubmitOptions{})
				if err != nil || len(res.Problems) > 0 {
					b.Fatal(err, res.Problems)
				}
			}
			b.ReportMetric(float64(len(in.Practices))*float64(b.N)/b.Elapsed().Seconds(), "practices/s")
		})
	}
}
