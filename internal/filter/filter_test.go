package filter

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func y(n int) *int { return &n }

func TestTableIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for i, fl := range Fields {
		for _, name := range []string{fl.Name, fl.Param} {
			if name == "" || seen[name] {
				t.Errorf("field %d: name %q empty or used twice", i, name)
			}
			seen[name] = true
		}
		if fl.Label == "" || fl.Legacy == "" || (fl.Values == nil) == (fl.Year == nil) || (fl.Values != nil) != (fl.Of != nil) ||
			(fl.Known == nil) != (fl.Code == "") || (fl.Known == nil) != (fl.Planned == nil) || (fl.Planned == nil && fl.Hint != "") {
			t.Errorf("field %s: incomplete entry", fl.Name)
		}
	}
	// Every field of Filter has exactly one entry (a struct field without
	// one would be neither parsed nor matched).
	var f Filter
	ptrs := map[any]bool{}
	for _, fl := range Fields {
		if fl.Values != nil {
			ptrs[fl.Values(&f)] = true
		} else {
			ptrs[fl.Year(&f)] = true
		}
	}
	v := reflect.ValueOf(&f).Elem()
	if v.NumField() != len(ptrs) || len(ptrs) != len(Fields) {
		t.Errorf("Filter has %d fields, the table %d entries for %d of them", v.NumField(), len(Fields), len(ptrs))
	}
	for i := range v.NumField() {
		if !ptrs[v.Field(i).Addr().Interface()] {
			t.Errorf("Filter.%s has no entry", v.Type().Field(i).Name)
		}
	}
}

func TestValidate(t *testing.T) {
	plan := actionplan.Default()
	many := make([]string, MaxValues+1)
	for i := range many {
		many[i] = "x"
	}
	for _, tc := range []struct {
		name        string
		f           Filter
		code, field string
	}{
		{"empty", Filter{}, "", ""},
		{"known values", Filter{Krachtlijnen: []string{"NABIJHEID"}, Challenges: []string{"digitalisering"}, Actions: []string{"digitalisering-3"},
			Regions: []string{"limburg"}, TargetGroups: []string{"wat dan ook"}, Settings: []string{"OCMW"}, FromYear: y(1970), ToYear: y(2100)}, "", ""},
		{"unknown region", Filter{Regions: []string{"limburg", "nergens"}}, "UNKNOWN_REGION", "regions"},
		{"unknown krachtlijn", Filter{Krachtlijnen: []string{"nabijheid"}}, "UNKNOWN_KRACHTLIJN", "krachtlijnen"},
		{"unknown challenge", Filter{Challenges: []string{"armoede"}}, "UNKNOWN_CHALLENGE", "challenges"},
		{"unknown action", Filter{Actions: []string{"digitalisering-99"}}, "UNKNOWN_ACTION", "actions"},
		{"year before MinYear", Filter{FromYear: y(MinYear - 1)}, "INVALID_YEAR", "fromYear"},
		{"year after MaxYear", Filter{ToYear: y(MaxYear + 1)}, "INVALID_YEAR", "toYear"},
		{"years reversed", Filter{FromYear: y(2024), ToYear: y(2020)}, "INVALID_YEAR", "fromYear"},
		{"too many values", Filter{Settings: many}, "TOO_MANY_VALUES", "settings"},
		{"value too long", Filter{TargetGroups: []string{strings.Repeat("a", MaxValueBytes+1)}}, "INVALID_VALUE", "targetGroups"},
		{"not UTF-8", Filter{Settings: []string{"\xff"}}, "INVALID_VALUE", "settings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Validate(plan)
			var fe *Error
			switch {
			case tc.code == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.code != "" && (!errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || fe.Code != tc.code || fe.Field != tc.field || fe.Message == ""):
				t.Errorf("got %#v, want %s on %s", err, tc.code, tc.field)
			}
		})
	}
	// Without a plan only the bounds count: an unknown value matches nothing.
	if err := (Filter{Regions: []string{"nergens"}}).Validate(nil); err != nil {
		t.Errorf("no plan: %v", err)
	}
	if err := (Filter{FromYear: y(0)}).Validate(nil); err == nil {
		t.Errorf("no plan: year 0 accepted")
	}
}

func TestParseQuery(t *testing.T) {
	plan := actionplan.Default()
	for _, tc := range []struct {
		name, query string
		want        Filter
		problems    []string // code:param
	}{
		{"page names", "regio=limburg&regio=brussel&krachtlijn=NABIJHEID&uitdaging=digitalisering&actie=digitalisering-1&doelgroep=jongeren&setting=OCMW&van=2020&tot=2024",
			Filter{Krachtlijnen: []string{"NABIJHEID"}, Challenges: []string{"digitalisering"}, Actions: []string{"digitalisering-1"},
				Regions: []string{"limburg", "brussel"}, TargetGroups: []string{"jongeren"}, Settings: []string{"OCMW"}, FromYear: y(2020), ToYear: y(2024)}, nil},
		{"older names", "regions=limburg&krachtlijnen=NABIJHEID&challenges=digitalisering&actions=digitalisering-1&targetGroups=jongeren&settings=OCMW&fromYear=2020&toYear=2024",
			Filter{Krachtlijnen: []string{"NABIJHEID"}, Challenges: []string{"digitalisering"}, Actions: []string{"digitalisering-1"},
				Regions: []string{"limburg"}, TargetGroups: []string{"jongeren"}, Settings: []string{"OCMW"}, FromYear: y(2020), ToYear: y(2024)}, nil},
		{"both names, one set", "regio=limburg&regions=limburg&regions=brussel", Filter{Regions: []string{"limburg", "brussel"}}, nil},
		{"trimmed, empty and repeated values dropped", "doelgroep=+jongeren+&doelgroep=&doelgroep=jongeren", Filter{TargetGroups: []string{"jongeren"}}, nil},
		{"other parameters ignored", "q=buurt&sort=titel", Filter{}, nil},
		{"unknown values dropped, the rest kept", "regio=nergens&regio=limburg&krachtlijnen=HELDENMOED",
			Filter{Regions: []string{"limburg"}}, []string{"UNKNOWN_KRACHTLIJN:krachtlijnen", "UNKNOWN_REGION:regio"}},
		{"year bounds", "van=1970&tot=2100", Filter{FromYear: y(1970), ToYear: y(2100)}, nil},
		{"year out of range", "van=1969&tot=2101", Filter{}, []string{"INVALID_YEAR:van", "INVALID_YEAR:tot"}},
		{"not a year", "fromYear=twintig", Filter{}, []string{"INVALID_YEAR:fromYear"}},
		{"year twice: the first counts", "van=2020&fromYear=2021", Filter{FromYear: y(2020)}, []string{"REPEATED_PARAMETER:van"}},
		{"years reversed: both dropped", "van=2024&tot=2020", Filter{}, []string{"INVALID_YEAR:van"}},
		{"too long", "setting=" + strings.Repeat("a", MaxValueBytes+1), Filter{}, []string{"INVALID_VALUE:setting"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			f, problems := ParseQuery(q, plan)
			var got []string
			for _, p := range problems {
				got = append(got, p.Code+":"+p.Param)
				if p.Message == "" || !errors.Is(p, ErrInvalid) {
					t.Errorf("problem %+v without message or ErrInvalid", p)
				}
			}
			if !reflect.DeepEqual(f, tc.want) || !reflect.DeepEqual(got, tc.problems) {
				t.Errorf("got %+v %v, want %+v %v", f, got, tc.want, tc.problems)
			}
			if len(problems) == 0 {
				if err := f.Validate(plan); err != nil {
					t.Errorf("a parsed filter does not validate: %v", err)
				}
			}
		})
	}
	// Too many values: the first MaxValues are kept.
	q := url.Values{}
	for i := range MaxValues + 5 {
		q.Add("doelgroep", strings.Repeat("d", i+1))
	}
	f, problems := ParseQuery(q, plan)
	if len(f.TargetGroups) != MaxValues || len(problems) != 1 || problems[0].Code != "TOO_MANY_VALUES" {
		t.Errorf("%d values kept, problems %v", len(f.TargetGroups), problems)
	}
}

// Encode writes what ParseQuery reads, under the page's names.
func TestEncodeParseRoundTrip(t *testing.T) {
	f := Filter{Krachtlijnen: []string{"VERBINDEND"}, Actions: []string{"innovatie-1"}, Regions: []string{"brussel", "antwerpen"},
		Settings: []string{"CAW"}, ToYear: y(2023)}
	q := url.Values{}
	f.Encode(q)
	if q.Encode() != "actie=innovatie-1&krachtlijn=VERBINDEND&regio=brussel&regio=antwerpen&setting=CAW&tot=2023" {
		t.Errorf("encoded %s", q.Encode())
	}
	back, problems := ParseQuery(q, actionplan.Default())
	if !reflect.DeepEqual(back, f) || problems != nil {
		t.Errorf("round trip: %+v %v", back, problems)
	}
	if (Filter{}).Empty() != true || f.Empty() || (Filter{FromYear: y(2000)}).Empty() {
		t.Errorf("Empty is wrong")
	}
}

func TestMatches(t *testing.T) {
	start, end := 2019, 2021
	p := &practice.Practice{Region: "limburg", Content: practice.Content{
		Krachtlijnen: []string{"NABIJHEID", "VERBINDEND"}, Challenges: []string{"digitalisering"}, Actions: []string{"digitalisering-1"},
		TargetGroups: []string{" jongeren "}, Settings: []string{"OCMW"}, StartYear: &start, EndYear: &end,
	}}
	p.UpdatedAt = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Regions: []string{"brussel", "limburg"}}, true},
		{Filter{Regions: []string{"brussel"}}, false},
		{Filter{Regions: []string{"limburg"}, Krachtlijnen: []string{"POLITISEREND"}}, false},
		{Filter{Krachtlijnen: []string{"POLITISEREND", "VERBINDEND"}, Challenges: []string{"digitalisering"}, Actions: []string{"digitalisering-1"}}, true},
		{Filter{TargetGroups: []string{"jongeren"}, Settings: []string{"OCMW"}}, true}, // the practice's values trimmed
		{Filter{Settings: []string{"CAW"}}, false},
		{Filter{FromYear: y(2021)}, true},
		{Filter{FromYear: y(2022)}, false},
		{Filter{ToYear: y(2019)}, true},
		{Filter{ToYear: y(2018)}, false},
		{Filter{FromYear: y(2020), ToYear: y(2020)}, true},
	} {
		if got := tc.f.Matches(p); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.f, got, tc.want)
		}
	}
	noYears := &practice.Practice{Region: "limburg"}
	if (&Filter{FromYear: y(2000)}).Matches(noYears) || !(&Filter{Regions: []string{"limburg"}}).Matches(noYears) {
		t.Errorf("a practice without years")
	}
}

func TestKeyIgnoresOrderAndRepeats(t *testing.T) {
	a := Filter{Regions: []string{"limburg", "brussel", "limburg"}, FromYear: y(2020)}
	b := Filter{Regions: []string{"brussel", "limburg"}, FromYear: y(2020)}
	if a.Key() != b.Key() {
		t.Errorf("%q != %q", a.Key(), b.Key())
	}
	for _, other := range []Filter{
		{Regions: []string{"brussel"}, FromYear: y(2020)},
		{Regions: []string{"brussel", "limburg"}, ToYear: y(2020)},
		{Settings: []string{"brussel", "limburg"}, FromYear: y(2020)},
	} {
		if other.Key() == b.Key() {
			t.Errorf("%+v has the key of %+v", other, b)
		}
	}
}

// TestUnknownValueHint: a value the plan does not have is answered with the
// plan's values of its field, or for actions (too many) where they are.
func TestUnknownValueHint(t *testing.T) {
	plan := actionplan.Default()
	for _, tc := range []struct {
		f    Filter
		want string
	}{
		{Filter{Regions: []string{"nergens"}}, " Mogelijk: " + strings.Join(regionIDs(plan), ", ") + "."},
		{Filter{Krachtlijnen: []string{"HELDENMOED"}}, " Mogelijk: " + plan.Krachtlijnen[0].Code + ", "},
		{Filter{Actions: []string{"digitalisering-99"}}, " De acties staan in het actieplan."},
	} {
		err := tc.f.Validate(plan)
		var fe *Error
		if !errors.As(err, &fe) || !strings.Contains(fe.Message, tc.want) {
			t.Errorf("%+v: %v, want a message with %q", tc.f, err, tc.want)
		}
	}
}
