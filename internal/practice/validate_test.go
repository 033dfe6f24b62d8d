package practice_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func minimal() practice.InventoryInput {
	return practice.InventoryInput{
		Region: "limburg", Title: "Inventaris",
		Practices: []practice.PracticeInput{{
			Ref:     "lim-1",
			Content: practice.Content{Title: "Buurtwerk", Summary: "Een samenvatting.", Krachtlijnen: []string{"NABIJHEID"}},
		}},
	}
}

func TestNormalisation(t *testing.T) {
	in := minimal()
	in.Practices[0].Title = "  Cafe\u0301 voor iedereen \r\n" // decomposed é, CRLF
	in.Practices[0].Description = "Regel een\r\nRegel twee"
	in.Practices[0].Organisations = []string{" vzw De Brug "}
	out, problems := practice.Validate(in, actionplan.Default())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	p := out.Practices[0]
	if p.Title != "Caf\u00e9 voor iedereen" || p.Description != "Regel een\nRegel twee" || p.Organisations[0] != "vzw De Brug" || p.Language != "nl" {
		t.Errorf("normalised = %q %q %q %q", p.Title, p.Description, p.Organisations, p.Language)
	}
	// The same practice typed differently hashes the same.
	in2 := minimal()
	in2.Practices[0].Title = "Caf\u00e9 voor iedereen"
	in2.Practices[0].Description = "Regel een\nRegel twee"
	in2.Practices[0].Organisations = []string{"vzw De Brug"}
	in2.Practices[0].Language = "nl"
	out2, _ := practice.Validate(in2, actionplan.Default())
	if practice.ContentHash(out.Practices[0].Content) != practice.ContentHash(out2.Practices[0].Content) {
		t.Error("equal practices hash differently after normalisation")
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*practice.InventoryInput)
		path   string
		code   string
	}{
		{"title 201 chars", func(in *practice.InventoryInput) { in.Practices[0].Title = strings.Repeat("é", 201) }, "practices[0].title", practice.CodeTooLong},
		{"title 200 chars is fine", func(in *practice.InventoryInput) { in.Practices[0].Title = strings.Repeat("é", 200) }, "", ""},
		{"summary too long", func(in *practice.InventoryInput) { in.Practices[0].Summary = strings.Repeat("a", 1001) }, "practices[0].summary", practice.CodeTooLong},
		{"31 list items", func(in *practice.InventoryInput) {
			for i := range 31 {
				in.Practices[0].TargetGroups = append(in.Practices[0].TargetGroups, strings.Repeat("x", i+1))
			}
		}, "practices[0].targetGroups", practice.CodeTooMany},
		{"list item too long", func(in *practice.InventoryInput) { in.Practices[0].Pitfalls = []string{strings.Repeat("a", 501)} }, "practices[0].pitfalls[0]", practice.CodeTooLong},
		{"duplicate list item", func(in *practice.InventoryInput) { in.Practices[0].Settings = []string{"OCMW", "OCMW"} }, "practices[0].settings[1]", practice.CodeDuplicateValue},
		{"ref of 65", func(in *practice.InventoryInput) { in.Practices[0].Ref = strings.Repeat("a", 65) }, "practices[0].ref", practice.CodeTooLong},
		{"5001 practices", func(in *practice.InventoryInput) {
			p := in.Practices[0]
			in.Practices = make([]practice.PracticeInput, 5001)
			for i := range in.Practices {
				in.Practices[i] = p
				in.Practices[i].Ref = "r" + strconv.Itoa(i)
			}
		}, "practices", practice.CodeTooMany},
		{"noncharacter", func(in *practice.InventoryInput) { in.Practices[0].Title = "Buurt\uFFFEwerk" }, "practices[0].title", practice.CodeInvalidValue},
		{"control character", func(in *practice.InventoryInput) { in.Practices[0].Summary = "a\x00b" }, "practices[0].summary", practice.CodeInvalidValue},
		{"unknown region", func(in *practice.InventoryInput) { in.Region = "gent" }, "region", practice.CodeUnknownRegion},
		{"bad period", func(in *practice.InventoryInput) { in.Period = &practice.Period{From: "2022-13-01"} }, "period.from", practice.CodeInvalidFormat},
		{"period backwards", func(in *practice.InventoryInput) { in.Period = &practice.Period{From: "2022-06-01", To: "2022-01-01"} }, "period.to", practice.CodeEndBeforeStart},
		{"javascript link", func(in *practice.InventoryInput) { in.Practices[0].Links = []string{"javascript:alert(1)"} }, "practices[0].links[0]", practice.CodeInvalidFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := minimal()
			tt.mutate(&in)
			_, problems := practice.Validate(in, actionplan.Default())
			if tt.code == "" {
				if len(problems) > 0 {
					t.Fatalf("unexpected problems: %v", problems)
				}
				return
			}
			for _, p := range problems {
				if p.Path == tt.path && p.Code == tt.code {
					return
				}
			}
			t.Fatalf("problems = %.500v, want %s at %s", problems, tt.code, tt.path)
		})
	}
}

func TestApplyVersions(t *testing.T) {
	c := practice.Content{Title: "Buurtwerk", Summary: "S", Krachtlijnen: []string{"NABIJHEID"}, Language: "nl"}
	p, o := practice.Apply(nil, "limburg", "r1", c, "inv_1", fixedTime, 1, false)
	if o != practice.Created || p.Version != 1 || p.ID != practice.ID("limburg", "r1") {
		t.Fatalf("create: %v %+v", o, p)
	}
	same, o := practice.Apply(&p, "limburg", "r1", c, "inv_2", fixedTime, 2, false)
	if o != practice.Unchanged || same.Version != 1 || same.Inventory != "inv_1" || same.Seq != 1 {
		t.Fatalf("unchanged: %v %+v", o, same)
	}
	c.Summary = "Nieuw"
	next, o := practice.Apply(&p, "limburg", "r1", c, "inv_3", fixedTime, 3, false)
	if o != practice.Updated || next.Version != 2 || next.Seq != 3 || next.Inventory != "inv_3" {
		t.Fatalf("update: %v %+v", o, next)
	}
	if ch := practice.Changes([]practice.Revision{practice.RevisionOf(p), practice.RevisionOf(next)}); len(ch[1].ChangedFields) != 1 || ch[1].ChangedFields[0] != "summary" {
		t.Errorf("changed fields = %v", ch[1].ChangedFields)
	}
}
