package practice_test

import (
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// TestTextHygiene: bidi controls and invisible characters are refused with a
// code and a path in identifiers (refs, ids, e-mails, links) and, where they
// only hide things, in free text; legitimate uses stay accepted, and text is
// stored in NFC.
func TestTextHygiene(t *testing.T) {
	base := func() practice.InventoryInput {
		return practice.InventoryInput{Region: "limburg", Title: "Inventaris", Practices: []practice.PracticeInput{{
			Ref: "lim-1",
			Content: practice.Content{
				Title: "Buurtwerk in Genk", Summary: "Samen met de buurt.", Krachtlijnen: []string{"NABIJHEID"},
				Links:   []string{"https://example.org/buurt"},
				Contact: &practice.Contact{Email: "info@example.org", Website: "https://example.org"},
			},
		}}}
	}
	tests := []struct {
		name   string
		change func(*practice.InventoryInput)
		path   string
		code   string
	}{
		{"override in a title", func(in *practice.InventoryInput) { in.Practices[0].Title = "Buurt\u202ewerk" }, "practices[0].title", practice.CodeBidiControl},
		{"isolate in a summary", func(in *practice.InventoryInput) { in.Practices[0].Summary = "Samen \u2067met\u2069 de buurt." }, "practices[0].summary", practice.CodeBidiControl},
		{"embedding in a list item", func(in *practice.InventoryInput) { in.Practices[0].TargetGroups = []string{"jongeren\u202a"} }, "practices[0].targetGroups[0]", practice.CodeBidiControl},
		{"zero-width space in a title", func(in *practice.InventoryInput) { in.Practices[0].Title = "Buurt\u200bwerk" }, "practices[0].title", practice.CodeInvisibleCharacter},
		{"tag characters in a description", func(in *practice.InventoryInput) { in.Practices[0].Description = "Tekst\U000E0041\U000E0042" }, "practices[0].description", practice.CodeInvisibleCharacter},
		{"BOM in the inventory title", func(in *practice.InventoryInput) { in.Title = "Inven\ufefftaris" }, "title", practice.CodeInvisibleCharacter},
		{"zero-width joiner in an e-mail", func(in *practice.InventoryInput) { in.Practices[0].Contact.Email = "in\u200dfo@example.org" }, "practices[0].contact.email", practice.CodeInvisibleCharacter},
		{"override in an e-mail", func(in *practice.InventoryInput) { in.Practices[0].Contact.Email = "info@exa\u202emple.org" }, "practices[0].contact.email", practice.CodeBidiControl},
		{"zero-width space in a link", func(in *practice.InventoryInput) { in.Practices[0].Links = []string{"https://exam\u200bple.org"} }, "practices[0].links[0]", practice.CodeInvisibleCharacter},
		{"soft hyphen in a website", func(in *practice.InventoryInput) { in.Practices[0].Contact.Website = "https://exam\u00adple.org" }, "practices[0].contact.website", practice.CodeInvisibleCharacter},
		{"tag in a ref", func(in *practice.InventoryInput) { in.Practices[0].Ref = "lim-1\U000E0020" }, "practices[0].ref", practice.CodeInvisibleCharacter},
		{"joiner in a region", func(in *practice.InventoryInput) { in.Region = "lim\u200cburg" }, "region", practice.CodeInvisibleCharacter},
		{"mark in an action id", func(in *practice.InventoryInput) { in.Practices[0].Actions = []string{"digitalisering-1\u200e"} }, "practices[0].actions[0]", practice.CodeInvisibleCharacter},
		{"word joiner in a krachtlijn", func(in *practice.InventoryInput) { in.Practices[0].Krachtlijnen = []string{"NABIJ\u2060HEID"} }, "practices[0].krachtlijnen[0]", practice.CodeInvisibleCharacter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.change(&in)
			_, problems := practice.Validate(in, actionplan.Default())
			if len(problems) != 1 || problems[0].Path != tt.path || problems[0].Code != tt.code || problems[0].Message == "" {
				t.Errorf("problems = %v, want one %s at %s", problems, tt.code, tt.path)
			}
		})
	}

	ok := base()
	ok.Practices[0].Title = "Buurtwerk \U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F in Genk" // the flag of England
	ok.Practices[0].Summary = "Samen met de buurt: \u05e9\u05dc\u05d5\u05dd\u200f, zelf\u00adstandig, \U0001F469\u200D\U0001F467."
	ok.Practices[0].Description = "Cafe\u0301 in de wijk" // decomposed é
	out, problems := practice.Validate(ok, actionplan.Default())
	if len(problems) > 0 {
		t.Fatalf("legitimate text refused: %v", problems)
	}
	if got := out.Practices[0].Description; got != "Café in de wijk" {
		t.Errorf("description not in NFC: %q", got)
	}
}
