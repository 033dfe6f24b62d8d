package main

import (
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// maxInventoryPractices is the most practices one inventory may carry (v1).
const maxInventoryPractices = 5000

// generatedInventories groups generated practices (search.GenerateCorpus)
// into v1 inventories: per region, at most 5000 practices each.
func generatedInventories(ps []practice.Practice, title string) []practice.InventoryInput {
	var out []practice.InventoryInput
	open := map[string]int{} // region → index in out of its inventory being filled
	for _, p := range ps {
		i, ok := open[p.Region]
		if !ok || len(out[i].Practices) == maxInventoryPractices {
			out = append(out, practice.InventoryInput{Format: practice.Format, Region: p.Region, Title: title})
			i = len(out) - 1
			open[p.Region] = i
		}
		out[i].Practices = append(out[i].Practices, practice.PracticeInput{Ref: p.Ref, Content: p.Content})
	}
	return out
}
