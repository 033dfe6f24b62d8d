// Package insighttest holds the hand-counted test inventory of the insight
// package — 12 practices over several regions and years, with differently
// phrased equal success factors — for the tests of every package that
// computes, shows or exports insights.
package insighttest

import (
	_ "embed"
	"encoding/json"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

//go:embed practices.json
var practicesJSON []byte

// Row is one practice of the fixture: a v1 practice with its region and the
// times the store would have given it.
type Row struct {
	Region    string    `json:"region"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	practice.PracticeInput
}

// Rows returns the fixture's practices in file order.
func Rows() ([]Row, error) {
	var rows []Row
	err := json.Unmarshal(practicesJSON, &rows)
	return rows, err
}

// Inventories returns the fixture as one v1 inventory per region, in the
// order the regions first appear.
func Inventories() ([]practice.InventoryInput, error) {
	rows, err := Rows()
	if err != nil {
		return nil, err
	}
	var out []practice.InventoryInput
	idx := map[string]int{}
	for _, r := range rows {
		i, ok := idx[r.Region]
		if !ok {
			i = len(out)
			idx[r.Region] = i
			out = append(out, practice.InventoryInput{Region: r.Region, Title: "Testinventaris " + r.Region})
		}
		out[i].Practices = append(out[i].Practices, r.PracticeInput)
	}
	return out, nil
}
