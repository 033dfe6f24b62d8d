// Package thesaurus is the synonym list of the search index: groups of
// words of social work that mean the same, looked up by a query word's
// stem when a search is made.
package thesaurus

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
)

// A Thesaurus joins words of social work that mean the same (polarisatie,
// polarisering; daklozen, thuislozen, sans-abri): a search for one also
// finds the others, a little below the word itself. It is applied when a
// search is made (variants.go), so a changed file needs no reindex. The
// binary ships one (thesaurus.txt); the Vlaams platform may give the
// server its own (Load), in the same format: one group of words
// per line, separated by commas, # for comments.
//
// A line "broad > narrow, narrower" says the words after > are kinds of
// the word before it: a search for the broad word also finds them (below
// its synonyms), a search for one of them not the broad word
// (migrant > nieuwkomer, vluchteling).
//
// A line "a ~ b ~ c" says its entries are related: not the same thing,
// but a practice about one is of some use to a search for another (buurt ~
// wijk; sociaal verhuurkantoor ~ huisvesting). A search for one finds the
// others, and their synonyms, well below its own narrower words.
type Thesaurus struct {
	groups   [][]string       // the words of each group: lower-cased, folded
	byStem   map[string][]int // the groups of each one-word entry, by its stem
	byPhrase map[string][]int // the groups of each entry of several words, by phraseKey
	// narrower are the narrower entries of each one-word broad entry, by
	// its stem.
	narrower map[string][]string
	// related are the entries related to each entry, by its stem (one
	// word) or its phraseKey (several).
	related map[string][]string
}

//go:embed thesaurus.txt
var shippedThesaurus []byte

// Limits of a thesaurus file.
const (
	maxThesaurusBytes = 1 << 20
	maxGroupWords     = 30
	maxEntryLen       = 60 // bytes
)

// Default is the thesaurus shipped with the binary.
func Default() *Thesaurus {
	t, err := Parse(shippedThesaurus)
	if err != nil {
		panic("thesaurus: the shipped one: " + err.Error()) // a test reads it
	}
	return t
}

// Load reads a thesaurus file.
func Load(path string) (*Thesaurus, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxThesaurusBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxThesaurusBytes {
		return nil, fmt.Errorf("thesaurus %s: larger than %d bytes", path, maxThesaurusBytes)
	}
	t, perr := Parse(b)
	if perr != nil {
		return nil, fmt.Errorf("thesaurus %s: %w", path, perr)
	}
	return t, nil
}

// Parse reads a thesaurus: one group per line, its words separated
// by commas; empty lines and lines starting with # are skipped. A line with
// fewer than two words, an entry that is too long or not UTF-8 is an
// error with its line number.
func Parse(b []byte) (*Thesaurus, error) {
	t := &Thesaurus{byStem: make(map[string][]int), byPhrase: make(map[string][]int), narrower: make(map[string][]string), related: make(map[string][]string)}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("line %d: not UTF-8", line)
		}
		if strings.Contains(text, "~") {
			if err := t.addRelated(text, line); err != nil {
				return nil, err
			}
			continue
		}
		if broad, narrow, ok := strings.Cut(text, ">"); ok {
			b, err := entries(broad, line)
			if err != nil {
				return nil, err
			}
			n, err := entries(narrow, line)
			if err != nil {
				return nil, err
			}
			if len(b) != 1 || len(dutch.Words(b[0])) != 1 || len(n) == 0 || len(n) > maxGroupWords {
				return nil, fmt.Errorf("line %d: a narrower line has one word, >, and 1 to %d entries", line, maxGroupWords)
			}
			k := dutch.Stem(dutch.Words(b[0])[0])
			t.narrower[k] = append(t.narrower[k], n...)
			continue
		}
		group, err := entries(text, line)
		if err != nil {
			return nil, err
		}
		if len(group) < 2 || len(group) > maxGroupWords {
			return nil, fmt.Errorf("line %d: a group has 2 to %d words, this one %d", line, maxGroupWords, len(group))
		}
		id := len(t.groups)
		t.groups = append(t.groups, group)
		for _, e := range group {
			ws := dutch.Words(e)
			m := t.groupsBy(ws)
			if k := entryKey(ws); k != "" {
				if n := len(m[k]); n == 0 || m[k][n-1] != id {
					m[k] = append(m[k], id)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// Synonyms returns the other entries of the groups of the word w (lower-
// cased, folded), each as its words; nil when w is in no group.
func (t *Thesaurus) Synonyms(w string) [][]string { return t.synonymsOf([]string{w}) }

// synonymsOf returns the other entries of the groups of the entry of the
// words ws (one word, or several), each as its words: those whose key is
// not the entry's. (No map holds the key "" of stop words only.)
func (t *Thesaurus) synonymsOf(ws []string) [][]string {
	if t == nil {
		return nil
	}
	k := entryKey(ws)
	var out [][]string
	for _, id := range t.groupsBy(ws)[k] {
		for _, e := range t.groups[id] {
			if ews := dutch.Words(e); entryKey(ews) != k {
				out = append(out, ews)
			}
		}
	}
	return out
}

// groupsBy is the map of the groups of entries of as many words as ws:
// by stem for one word, by phraseKey for several.
func (t *Thesaurus) groupsBy(ws []string) map[string][]int {
	if len(ws) > 1 {
		return t.byPhrase
	}
	return t.byStem
}

// addRelated reads a line of related entries, "a ~ b ~ c": each entry is
// related to every other.
func (t *Thesaurus) addRelated(text string, line int) error {
	if strings.ContainsAny(text, ">,") {
		return fmt.Errorf("line %d: a related line separates its entries by ~ only", line)
	}
	es, err := entries(strings.ReplaceAll(text, "~", ","), line)
	if err != nil {
		return err
	}
	if len(es) < 2 || len(es) > maxGroupWords {
		return fmt.Errorf("line %d: a related line has 2 to %d entries, this one %d", line, maxGroupWords, len(es))
	}
	for _, e := range es {
		k := entryKey(dutch.Words(e))
		if k == "" {
			return fmt.Errorf("line %d: %q has no word to search for", line, e)
		}
		for _, o := range es {
			if o != e {
				t.related[k] = append(t.related[k], o)
			}
		}
	}
	return nil
}

// entryKey is the key of an entry of the words ws: the stem of one word,
// the phraseKey of several; "" for stop words only.
func entryKey(ws []string) string {
	switch {
	case len(ws) == 1:
		return dutch.Stem(ws[0])
	case len(ws) > 1:
		return phraseKey(ws)
	}
	return ""
}

// Related returns the entries related to the words ws (lower-cased,
// folded; one word, or several as one entry), each as its words, and
// after each its synonyms: a related thing, however it is said
// (sociaal verhuurkantoor: huisvesting, wonen, logement). Nil when ws
// is no entry of a related line.
func (t *Thesaurus) Related(ws []string) [][]string {
	if t == nil {
		return nil
	}
	var out [][]string
	for _, e := range t.related[entryKey(ws)] {
		rws := dutch.Words(e)
		out = append(out, rws)
		out = append(out, t.synonymsOf(rws)...)
	}
	return out
}

// entries are the comma-separated entries of text, folded, once each.
func entries(text string, line int) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, e := range strings.Split(text, ",") {
		e = strings.Join(strings.Fields(dutch.Fold(e)), " ")
		if e == "" || seen[e] {
			continue
		}
		if len(e) > maxEntryLen {
			return nil, fmt.Errorf("line %d: %q is longer than %d bytes", line, e, maxEntryLen)
		}
		seen[e] = true
		out = append(out, e)
	}
	return out, nil
}

// Narrower returns the entries narrower than the word w (lower-cased,
// folded), each as its words; nil when there are none.
func (t *Thesaurus) Narrower(w string) [][]string {
	if t == nil {
		return nil
	}
	var out [][]string
	for _, e := range t.narrower[dutch.Stem(w)] {
		out = append(out, dutch.Words(e))
	}
	return out
}

// PhraseSynonyms returns the other entries of the groups of the words ws
// (lower-cased, folded) as one entry ("digitale kloof": fracture
// numérique), each as its words; nil when they are no entry.
func (t *Thesaurus) PhraseSynonyms(ws []string) [][]string {
	if len(ws) < 2 {
		return nil
	}
	return t.synonymsOf(ws)
}

// phraseKey is the stems of the words of an entry that are no stop words
// ("opvang van kinderen": "opvang kinder"); "" for fewer than two.
func phraseKey(ws []string) string {
	var stems []string
	for _, w := range ws {
		if !dutch.IsStopWord(w) {
			stems = append(stems, dutch.Stem(w))
		}
	}
	if len(stems) < 2 {
		return ""
	}
	return strings.Join(stems, " ")
}

// Groups is the number of groups.
func (t *Thesaurus) Groups() int { return len(t.groups) }
