// Package demo holds the demo inventory that an empty Praktijkenbank loads (see
// PRAKTIJKENBANK_DEMO), so that a newcomer has something worth searching.
//
// It is one inventory in format v1 per regional platform, three practices
// each, embedded in the binary. Every practice is fictional and clearly marked
// as such: its title starts with "Voorbeeld: ", its summary ends with
// " (Dit is een fictief voorbeeld.)", its organisations are marked "(fictief)"
// and its links point to example.org. The contact holds an organisation and a
// website only, never personal data.
package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"sort"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// TitlePrefix starts the title of every demo practice.
const TitlePrefix = "Voorbeeld: "

// SummarySuffix ends the summary of every demo practice.
const SummarySuffix = " (Dit is een fictief voorbeeld.)"

// SubmittedBy is the submitter of every demo inventory.
const SubmittedBy = "Praktijkenbank demo"

//go:embed inventories/*.json
var files embed.FS

// Inventories returns the demo inventories, one per region, ordered by region
// id. Each file is decoded strictly: an unknown field or trailing data is an
// error. The inventories are not validated here; callers submit them through
// the normal validation (practice.Validate) like any other inventory.
func Inventories() ([]practice.InventoryInput, error) {
	names, err := fs.Glob(files, "inventories/*.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	out := make([]practice.InventoryInput, 0, len(names))
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		in, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", name, err)
		}
		out = append(out, in)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Region < out[j].Region })
	return out, nil
}

func decode(b []byte) (practice.InventoryInput, error) {
	var in practice.InventoryInput
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return practice.InventoryInput{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return practice.InventoryInput{}, fmt.Errorf("trailing data after the inventory")
	}
	return in, nil
}
