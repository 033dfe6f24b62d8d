package search

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/thesaurus"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

func TestVerbRoot(t *testing.T) {
	for w, want := range map[string]string{"verhuren": "verhuur", "beleven": "beleef", "genezen": "genees", "werken": "", "begeleiden": "", "zien": "", "huis": ""} {
		if got := verbRoot(w); got != want {
			t.Errorf("verbRoot(%q) = %q, want %q", w, got, want)
		}
	}
}

// TestDutchAsTyped: each way of typing finds the practice that writes it
// otherwise, and only through its own rule (the word alone finds nothing).
func TestDutchAsTyped(t *testing.T) {
	corpus := loadCorpus(t)
	ix, _ := openFilled(t, newMemSource(corpus...), WithThesaurus(nil))
	refs := refIndex(corpus)
	for _, tc := range []struct {
		rule, query, want string
	}{
		{"derivation -eren/-atie", "isoleren", "ovl-006"},
		{"derivation -en/-ing", "inburgeren", "bru-011"},
		{"verb root", "verhuren", "lim-010"},
		{"derivation -eren/-atief", "participeren", "bru-002"},      // participatief ontwerp
		{"the thing of a person", "landbouwers", "wvl-004"},         // landbouw
		{"the thing of a person, d after r", "huurders", "bru-003"}, // huur
		{"split into known words", "budgetmeter", "lim-012"},
		{"two words written as one", "budget meter", "wvl-012"},
		{"two words starting a word", "energie coach", "ant-008"},
		{"one typo in a short word", "tuim", "vbr-007"},
		{"one typo in a short word", "gelt", "vbr-011"},
		{"a short typo of an inflected word", "fietz", "lim-005"},
		{"a typo stands for the compounds its word ends", "tuim", "ovl-001"},                     // moestuin
		{"a typo of a compound has its correction's parts", "opvoedingsondersteunig", "ovl-013"}, // opvoeding
		{"a part alone stands for the words it starts", "energiearmoede", "lim-012"},
		{"an unknown word's stem starts its forms, in their language", "accompagner", "bru-012"},
	} {
		res, err := ix.Search(context.Background(), Request{Query: tc.query, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, refs[h.ID])
		}
		if !slices.Contains(got, tc.want) {
			t.Errorf("%s: %q found %v, want %s", tc.rule, tc.query, got, tc.want)
		}
	}
	// A word the texts hold only as the tail of a compound stands for it.
	tw, tc, te := ix.analyzeQuery("gezondheidscentrum")
	tv := request{words: tw, clauses: tc, exclude: te}
	if err := ix.expand(openReader(t, ix), &tv); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(tv.words[0].alts, func(a qalt) bool { return slices.Equal(a.terms, []string{dutch.Stem("wijkgezondheidscentrum")}) }) {
		t.Errorf("gezondheidscentrum does not stand for wijkgezondheidscentrum: %+v", tv.words[0].alts)
	}
	// A short typo matches few words: "buurd" is one edit from buurt only
	// among the words starting with "bu", not from every word of 5 letters.
	words, clauses, exclude := ix.analyzeQuery("buurd")
	v := request{words: words, clauses: clauses, exclude: exclude}
	if err := ix.expand(openReader(t, ix), &v); err != nil {
		t.Fatal(err)
	}
	if n := len(v.words[0].near); n == 0 || n > maxShortTypos {
		t.Errorf("buurd expands to %d near words: %v", n, v.words[0].near)
	}
}

// TestThesaurusRules: a compound the texts do not hold finds the
// practices that say each of its parts otherwise, in any language; two
// query words that are together an entry find the practices that say it
// otherwise. Without the thesaurus they do not.
func TestThesaurusRules(t *testing.T) {
	corpus := loadCorpus(t)
	th, err := thesaurus.Parse([]byte("begeleiding, accompagnement\nwonen, logement\ndigitale kloof, fracture numérique\nschool, école\nmigrant > vluchteling"))
	if err != nil {
		t.Fatal(err)
	}
	refs := refIndex(corpus)
	without, _ := openFilled(t, newMemSource(corpus...), WithThesaurus(nil))
	with, _ := openFilled(t, newMemSource(corpus...), WithThesaurus(th))
	found := func(ix *Index, q string) []string {
		return searchRefs(t, ix, refs, Request{Query: q, First: 10, Strict: true})
	}
	for _, tc := range []struct{ rule, query, want string }{
		{"synonyms of the parts", "woonbegeleiding", "bru-013"},        // accompagnement vers un logement
		{"synonyms of two words", "digitale kloof", "bru-016"},         // la fracture numérique
		{"synonyms of the word a typo stands for", "scool", "bru-012"}, // l'école
		{"a kind of the word", "migranten", "lim-009"},                 // vluchtelingen
	} {
		if got := found(without, tc.query); slices.Contains(got, tc.want) {
			t.Fatalf("%s: without a thesaurus %q finds %s: %v", tc.rule, tc.query, tc.want, got)
		}
		if got := found(with, tc.query); !slices.Contains(got, tc.want) {
			t.Errorf("%s: %q found %v, want %s", tc.rule, tc.query, got, tc.want)
		}
	}
}

// TestAlternativesStayBelowTheWord: a synonym rarer than the word it
// stands for scores below the word in a text alike, though its idf is
// higher.
func TestAlternativesStayBelowTheWord(t *testing.T) {
	base := GenerateCorpus(1, 1)[0]
	var ps []practice.Practice
	for i, desc := range []string{
		"De begeleiding van gezinnen thuis.",
		"De ondersteuning van gezinnen thuis.",
	} {
		p := base
		p.Ref = fmt.Sprintf("alt-%d", i)
		p.ID, p.Seq = practice.ID(p.Region, p.Ref), uint64(i+1)
		p.Title, p.Summary, p.Description = "Een praktijk", "", desc
		ps = append(ps, p)
	}
	for i := range 8 { // begeleiding is common, ondersteuning rare
		p := base
		p.Ref = fmt.Sprintf("common-%d", i)
		p.ID, p.Seq = practice.ID(p.Region, p.Ref), uint64(len(ps)+1)
		p.Title, p.Summary, p.Description = "Een praktijk", "", "De begeleiding van jongeren op school."
		ps = append(ps, p)
	}
	th, err := thesaurus.Parse([]byte("begeleiding, ondersteuning"))
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := openFilled(t, newMemSource(ps...), WithThesaurus(th))
	res, err := ix.Search(context.Background(), Request{Query: "begeleiding", First: 20})
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]float64{}
	for _, h := range res.Hits {
		scores[h.ID] = h.Score
	}
	word, syn := scores[ps[0].ID], scores[ps[1].ID]
	if word == 0 || syn == 0 {
		t.Fatalf("word %v, synonym %v: both should match", word, syn)
	}
	if syn >= word {
		t.Errorf("the rarer synonym scores %v, the word itself %v", syn, word)
	}
}

// TestShortTails: a short word stands for the compounds it ends where the
// rest is a word of the texts or ends as a compound's first word does,
// not for words it merely ends (digitaal is no taal).
func TestShortTails(t *testing.T) {
	v, err := vocab.New(map[string]int32{"digitaal": 3, "vergadering": 2, "taal": 1, "tuin": 1, "moestuin": 1, "gemeenschapstuin": 1, "gemeenschap": 2, "ring": 1})
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string][]string{
		"tuin": {"gemeenschapstuin", "moestuin"},
		"taal": nil,
		"ring": nil,
	} {
		w := qword{raw: word, whole: dutch.Stem(word)}
		if n := addTails(v, &w, maxTailLookups); n != 1 {
			t.Fatalf("%s: %d lookups", word, n)
		}
		checkAltStems(t, word, w, want)
	}
}

// checkAltStems wants w's alternatives to be the stems of want, in any order.
func checkAltStems(t *testing.T, word string, w qword, want []string) {
	t.Helper()
	var got, stems []string
	for _, a := range w.alts {
		got = append(got, a.terms...)
	}
	for _, c := range want {
		stems = append(stems, dutch.Stem(c))
	}
	slices.Sort(got)
	slices.Sort(stems)
	if !slices.Equal(got, stems) {
		t.Errorf("%s stands for %v, want %v", word, got, stems)
	}
}

// TestShortHeads: a short word the texts hold seldom stands for the
// compounds it starts, not for its inflections and derivations.
func TestShortHeads(t *testing.T) {
	v, err := vocab.New(map[string]int32{"taal": 1, "taalles": 1, "taalbarriere": 2, "talen": 1, "tuin": 1, "tuinieren": 1, "tuinen": 1, "buurt": 9, "buurthuis": 3})
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string][]string{
		"taal":  {"taalbarriere", "taalles"},
		"tuin":  nil,
		"buurt": nil, // used more than seldom: found as it is
	} {
		w := qword{raw: word, whole: dutch.Stem(word)}
		if err := addHeads(v, &w); err != nil {
			t.Fatal(err)
		}
		checkAltStems(t, word, w, want)
	}
}
