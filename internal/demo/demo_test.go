package demo

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

var regions = []string{"antwerpen", "brussel", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen"}

func TestInventories(t *testing.T) {
	invs, err := Inventories()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	n := 0
	for _, in := range invs {
		got = append(got, in.Region)
		n += len(in.Practices)
	}
	if !slices.Equal(got, regions) { // each region once, ordered by id
		t.Fatalf("regions = %v, want %v", got, regions)
	}
	if n != 18 {
		t.Errorf("%d practices, want 18", n)
	}
}

func TestValid(t *testing.T) {
	invs, err := Inventories()
	if err != nil {
		t.Fatal(err)
	}
	plan := actionplan.Default()
	for _, in := range invs {
		out, problems := practice.Validate(in, plan)
		for _, p := range problems {
			t.Errorf("%s: %s", in.Region, p)
		}
		// The files are already in normal form: validation changes nothing
		// but the defaults, so what is embedded is what gets stored.
		for i := range out.Practices {
			if out.Practices[i].Ref != in.Practices[i].Ref || out.Practices[i].Title != in.Practices[i].Title ||
				out.Practices[i].Summary != in.Practices[i].Summary {
				t.Errorf("%s: practices[%d] changes under normalisation", in.Region, i)
			}
		}
	}
}

func TestClearlyMarked(t *testing.T) {
	invs, err := Inventories()
	if err != nil {
		t.Fatal(err)
	}
	plan := actionplan.Default()
	for _, in := range invs {
		if in.Format != practice.Format {
			t.Errorf("%s: format %q", in.Region, in.Format)
		}
		if !strings.HasPrefix(in.Title, "Voorbeeldinventaris ") || !strings.HasSuffix(in.Title, " (demo)") {
			t.Errorf("%s: inventory title %q is not marked as demo", in.Region, in.Title)
		}
		if in.SubmittedBy != SubmittedBy {
			t.Errorf("%s: submittedBy %q", in.Region, in.SubmittedBy)
		}
		for i, p := range in.Practices {
			where := in.Region + "/" + p.Ref
			if !strings.HasPrefix(p.Ref, "demo-") {
				t.Errorf("%s: practices[%d].ref %q does not start with demo-", in.Region, i, p.Ref)
			}
			if !strings.HasPrefix(p.Title, TitlePrefix) {
				t.Errorf("%s: title %q does not start with %q", where, p.Title, TitlePrefix)
			}
			if !strings.HasSuffix(p.Summary, SummarySuffix) {
				t.Errorf("%s: summary does not end with %q", where, SummarySuffix)
			}
			if p.Contact == nil || p.Contact.Organisation == "" || p.Contact.Website == "" {
				t.Errorf("%s: contact needs an organisation and a website", where)
			} else if p.Contact.Email != "" || p.Contact.Phone != "" {
				t.Errorf("%s: contact holds personal data", where)
			}
			for _, l := range append(slices.Clone(p.Links), contactWebsite(p)) {
				if !strings.HasPrefix(l, "https://example.org/") {
					t.Errorf("%s: link %q is not on example.org", where, l)
				}
			}
			if p.Description == "" || len(p.SuccessFactors) < 2 || len(p.Pitfalls) < 1 || p.StartYear == nil {
				t.Errorf("%s: incomplete practice", where)
			}
			for _, id := range p.Actions {
				a, ok := plan.Action(id)
				if ok && !slices.Contains(p.Challenges, a.ChallengeID) {
					t.Errorf("%s: action %s belongs to challenge %s, which the practice does not list", where, id, a.ChallengeID)
				}
			}
		}
	}
}

func contactWebsite(p practice.PracticeInput) string {
	if p.Contact == nil {
		return ""
	}
	return p.Contact.Website
}

// Each file is named after its region, so a reader finds a region's demo.
func TestFileNames(t *testing.T) {
	entries, err := files.ReadDir("inventories")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := files.ReadFile(path.Join("inventories", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		in, err := decode(b)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if want := in.Region + ".json"; e.Name() != want {
			t.Errorf("%s holds region %q; name it %s", e.Name(), in.Region, want)
		}
	}
}

func TestDecodeStrict(t *testing.T) {
	for _, doc := range []string{
		`{"region":"limburg","title":"x","practices":[],"extra":1}`,
		`{"region":"limburg","title":"x","practices":[{"ref":"a","titel":"typo"}]}`,
		`{"region":"limburg","title":"x","practices":[]} {}`,
	} {
		if _, err := decode([]byte(doc)); err == nil {
			t.Errorf("decode(%s) succeeded, want an error", doc)
		}
	}
}
