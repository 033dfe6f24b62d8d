package bolt

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

const benchPractices = 1000

// benchInventory is a 1,000-practice inventory of realistic size (about
// 1.5 kB of JSON per practice); version changes the summary of every one.
func benchInventory(region string, version int) []practice.PracticeInput {
	ins := make([]practice.PracticeInput, benchPractices)
	start := 2021
	for i := range ins {
		ins[i] = practice.PracticeInput{
			Ref: fmt.Sprintf("%s-%04d", region, i),
			Content: practice.Content{
				Title:          fmt.Sprintf("Buurtgerichte praktijk nummer %d", i),
				Summary:        fmt.Sprintf("Versie %d: sociaal werkers gaan naar de mensen toe, in de wijk, en bouwen vertrouwen op.", version),
				Description:    strings.Repeat("Een beschrijving van de aanpak, de partners en wat werkt. ", 12),
				Organisations:  []string{"CAW", "OCMW", "Samenlevingsopbouw"},
				Municipalities: []string{"Gent", "Lokeren"},
				Krachtlijnen:   []string{"NABIJHEID", "VERBINDEND"},
				Challenges:     []string{"onderbescherming", "vertrouwen"},
				Actions:        []string{"onderbescherming-1"},
				TargetGroups:   []string{"jongeren", "gezinnen in armoede"},
				Settings:       []string{"OCMW", "straathoek"},
				SuccessFactors: []string{"laagdrempelig", "vaste gezichten", "samenwerking met scholen"},
				Pitfalls:       []string{"versnipperde financiering"},
				Bottlenecks:    []string{"niet-gebruik van rechten"},
				Functions:      []string{"WAARBORG"},
				ImpactDomains:  []string{"PRAKTIJK", "SAMENLEVING"},
				StartYear:      &start,
				Links:          []string{"https://example.org/praktijk"},
				Contact:        &practice.Contact{Organisation: "CAW", Email: "info@example.org"},
				Language:       "nl",
			},
		}
	}
	return ins
}

func benchSubmission(region string, at time.Time, ins []practice.PracticeInput) store.Submission {
	return store.Submission{
		Inventory: practice.Inventory{ID: store.NewInventoryID(at), Region: region, Title: "Benchmark",
			Principal: "bench", Source: "bench", SubmittedAt: at},
		Practices: ins,
	}
}

func reportPractices(b *testing.B) {
	b.ReportMetric(float64(benchPractices*b.N)/b.Elapsed().Seconds(), "practices/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(benchPractices*b.N), "ns/practice")
}

// BenchmarkSubmit measures one Submit of a 1,000-practice inventory: the
// first submission into an empty store, an unchanged resubmission (reads and
// hashes only), and a resubmission that changes every practice.
func BenchmarkSubmit(b *testing.B) {
	b.Run("first", func(b *testing.B) {
		ins := benchInventory("oost-vlaanderen", 1)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := Open(filepath.Join(b.TempDir(), fmt.Sprintf("first-%d.db", i)))
			if err != nil {
				b.Fatal(err)
			}
			sub := benchSubmission("oost-vlaanderen", time.Now(), ins)
			b.StartTimer()
			inv, err := s.Submit(ctx, sub)
			b.StopTimer()
			if err != nil || inv.Inventory.Created != benchPractices {
				b.Fatalf("Submit: %+v, %v", inv, err)
			}
			s.Close()
			b.StartTimer()
		}
		reportPractices(b)
	})

	b.Run("unchanged", func(b *testing.B) {
		s, err := Open(filepath.Join(b.TempDir(), "unchanged.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ins := benchInventory("limburg", 1)
		if _, err := s.Submit(ctx, benchSubmission("limburg", time.Now(), ins)); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			inv, err := s.Submit(ctx, benchSubmission("limburg", time.Now(), ins))
			if err != nil || inv.Inventory.Unchanged != benchPractices {
				b.Fatalf("Submit: %+v, %v", inv, err)
			}
		}
		reportPractices(b)
	})

	b.Run("changed", func(b *testing.B) {
		s, err := Open(filepath.Join(b.TempDir(), "changed.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		versions := [2][]practice.PracticeInput{benchInventory("brussel", 1), benchInventory("brussel", 2)}
		if _, err := s.Submit(ctx, benchSubmission("brussel", time.Now(), versions[0])); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			inv, err := s.Submit(ctx, benchSubmission("brussel", time.Now(), versions[(i+1)%2]))
			if err != nil || inv.Inventory.Updated != benchPractices {
				b.Fatalf("Submit: %+v, %v", inv, err)
			}
		}
		reportPractices(b)
	})
}
