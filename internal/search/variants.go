package search

import (
	"context"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

// Dutch as people type it. A query word may stand in the texts in a form
// the stemmer does not join to it. expand looks such forms up in the
// vocabulary (the indexed words as written) and adds each to the word as an
// alternative (qword.alts), scored below the word itself:
//
//   - a synonym or variant from the thesaurus: polarisatie, polarisering;
//     a narrower word (migranten: vluchtelingen); far below, a related
//     word and its synonyms (buurt: wijk; "sociaal verhuurkantoor":
//     huisvesting, wonen); for two query words that are together an
//     entry, its group ("digitale kloof": fracture numérique); for a
//     typo, the synonyms and narrower words of the word it stands for;
//   - for a compound the texts do not hold, its parts' synonyms in every
//     language (woonbegeleiding: accompagnement, logement), and relaxed,
//     the words a long part starts (energiearmoede: energieleverancier);
//   - a derivation: begeleiden, begeleiding; informeren, informatie;
//     participeren, participatief; landbouwers, landbouw; huurders, huur;
//     verhuren, verhuurkantoor;
//   - a compound split into words the texts hold: budgetmeter, "budget
//     meter"; schuldbemiddeling, "schulden", "bemiddeling";
//   - two query words the texts write as one: "budget meter", budgetmeter;
//   - for a word the texts hold seldom or not at all, the compounds it
//     ends (buurtwerker in jeugdbuurtwerker) and, when short, starts
//     (taal: taalles);
//   - for a typo, the parts of the compound it stands for and its near
//     words in the other languages (accompagner: accompagnent).
//
// and, for the typos and the words a query word starts, its near terms
// (expandWords). weighByRarity then keeps each below the word itself.

// qalt is another way to say a query word: terms that together stand for
// it, in the practices of language lang ("": any).
type qalt struct {
	terms []string
	boost float64
	lang  string
}

const (
	synonymBoost    = 0.8
	narrowerBoost   = 0.6 // a kind of the word (thesaurus: broad > narrow)
	relatedBoost    = 0.3 // a related thing (thesaurus: a ~ b), far below
	derivationBoost = 0.7
	splitBoost      = 0.6
	joinBoost       = 1.0
	rootBoost       = 0.5 // the words a verb's root starts
	// maxAlts caps the alternatives of one word.
	maxAlts = 24
	// maxJoinPrefixed caps the indexed words a joined pair may start.
	maxJoinPrefixed = 8
)

// expand adds to the query words their near terms (expandWords) and their
// alternatives, weighed in the snapshot rd the search reads.
func (ix *Index) expand(rd index.IndexReader, v *request) error {
	if err := expandWords(ix.vocab, v.words); err != nil {
		return err
	}
	tails := maxTailLookups
	for i := range v.words {
		w := &v.words[i]
		ix.addTypoParts(w)
		ix.addForeignNear(w)
		ix.addSynonyms(w)
		ix.addPartSynonyms(w)
		if err := addPartStarts(ix.vocab, w); err != nil {
			return err
		}
		addDerivations(ix.vocab, w)
		if len(w.parts) == 0 {
			addKnownSplit(ix.vocab, w)
		}
		tails -= addTails(ix.vocab, w, tails)
		if err := addHeads(ix.vocab, w); err != nil {
			return err
		}
	}
	ix.addPhraseSynonyms(v.words, v.clauses)
	if err := addJoins(ix.vocab, v.words, v.clauses); err != nil {
		return err
	}
	return weighByRarity(rd, v.words)
}

// weighByRarity keeps each other way of saying a word the texts hold below
// the word itself. A term scores by its boost times its idf squared (BM25
// and Bleve's query weight), so a synonym rarer than the word would score
// above it in a text of the same length: polarisering, rarer than
// polarisatie, or a French stem, rare in an index of mostly Dutch texts.
// Its boost is scaled by (idf(word)/idf(term))², never raised.
func weighByRarity(rd index.IndexReader, words []qword) error {
	docs, err := rd.DocCount()
	if err != nil {
		return err
	}
	idfs := map[string]float64{}
	idf := func(t string) (float64, error) {
		if v, ok := idfs[t]; ok {
			return v, nil
		}
		r, err := rd.TermFieldReader(context.Background(), []byte(t), fAll, false, false, false)
		if err != nil {
			return 0, err
		}
		df := float64(r.Count())
		if err := r.Close(); err != nil {
			return 0, err
		}
		v := math.Log(1 + (float64(docs)-df+0.5)/(df+0.5))
		idfs[t] = v
		return v, nil
	}
	// scale is the factor of a term of idf it against a word of idf iw.
	scale := func(iw, it float64) float64 { return min(1, (iw*iw)/(it*it)) }
	for i := range words {
		w := &words[i]
		if w.whole == "" {
			continue
		}
		iw, err := idf(w.whole)
		if err != nil {
			return err
		}
		if none := math.Log(1 + (float64(docs)+0.5)/0.5); iw >= none {
			// The word is in no text: a typo stays below the most
			// used word it stands for.
			for _, n := range w.near {
				if n.boost == typoBoost {
					it, err := idf(n.stem)
					if err != nil {
						return err
					}
					iw = min(iw, it)
				}
			}
			if iw >= none {
				continue
			}
		}
		for j := range w.near {
			it, err := idf(w.near[j].stem)
			if err != nil {
				return err
			}
			w.near[j].boost *= scale(iw, it)
		}
		for j := range w.alts {
			rarest := 0.0
			for _, t := range w.alts[j].terms {
				it, err := idf(t)
				if err != nil {
					return err
				}
				rarest = max(rarest, it)
			}
			w.alts[j].boost *= scale(iw, rarest)
		}
	}
	return nil
}

// addPhraseSynonyms adds, for two query words that follow each other and
// are together an entry of the thesaurus, the other entries of its group
// and, far below, its related entries as an alternative of both, so a
// practice that says it otherwise has both ("digitale kloof": fracture
// numérique; "sociaal verhuurkantoor": huisvesting).
func (ix *Index) addPhraseSynonyms(words []qword, clauses []qclause) {
	for i := 0; i+1 < len(clauses); i++ {
		a, b := clauses[i].opts, clauses[i+1].opts
		if len(a) != 1 || len(b) != 1 || a[0].word < 0 || b[0].word < 0 {
			continue
		}
		wa, wb := &words[a[0].word], &words[b[0].word]
		for _, syn := range ix.thesaurus.PhraseSynonyms([]string{wa.raw, wb.raw}) {
			ix.addEntry(syn, synonymBoost, wa, wb)
		}
		for _, r := range ix.thesaurus.Related([]string{wa.raw, wb.raw}) {
			ix.addEntry(r, relatedBoost, wa, wb)
		}
	}
}

// addTypoParts gives a typo the compound parts of the words one edit
// away, as the word itself would have them (armoedebestrjding -> armoede
// bestrijding): those of the first as its own parts (so a relaxed search
// may find a part alone, as for the word typed right), those of the others
// as alternatives scored as the typo.
func (ix *Index) addTypoParts(w *qword) {
	if !w.typo || ix.dc == nil {
		return
	}
	for _, c := range w.corrections {
		parts := ix.compoundParts(c)
		if len(parts) < 2 {
			continue
		}
		if len(w.parts) == 0 {
			w.setParts(parts)
			continue
		}
		var words []string
		for _, p := range parts {
			words = append(words, p.word)
		}
		w.addAlt(stems(words), typoBoost*splitBoost)
	}
}

// maxForeignNear caps the near words of an unknown word looked up in the
// other languages.
const maxForeignNear = 16

// addForeignNear adds, for a word the texts do not hold, the terms of its
// near words in the other languages, in the practices of that language:
// a French text indexes accompagnent with the French stemmer
// (accompagner: accompagnent). Only the terms its analyzer changed: a
// word it leaves as written is likely none of that language.
func (ix *Index) addForeignNear(w *qword) {
	if !w.typo {
		return
	}
	for _, n := range w.near[:min(len(w.near), maxForeignNear)] {
		for _, a := range ix.foreignTerms(n.word, n.stem) {
			// A term as written is no word of that language (a Dutch
			// tag in a French practice), only rarer there.
			if a.terms[0] != n.word {
				a.boost = n.boost
				w.addLangAlt(a)
			}
		}
	}
}

// addAlt adds an alternative of the given terms unless the word has them.
func (w *qword) addAlt(terms []string, boost float64) {
	if len(terms) == 0 || len(w.alts) >= maxAlts {
		return
	}
	if len(terms) == 1 && (terms[0] == w.whole || terms[0] == w.lemma) {
		return
	}
	for _, a := range w.alts {
		if a.lang == "" && slices.Equal(a.terms, terms) {
			return
		}
	}
	w.alts = append(w.alts, qalt{terms: terms, boost: boost})
	w.terms = append(w.terms, terms...)
}

// addLangAlt adds an alternative in another language (languages.go); its
// terms highlight that language's practices only.
func (w *qword) addLangAlt(a qalt) {
	if len(w.alts) >= maxAlts {
		return
	}
	for _, b := range w.alts {
		if b.lang == a.lang && slices.Equal(a.terms, b.terms) {
			return
		}
	}
	w.alts = append(w.alts, a)
	if w.langTerms == nil {
		w.langTerms = make(map[string][]string)
	}
	w.langTerms[a.lang] = append(w.langTerms[a.lang], a.terms...)
}

// stems are the stems of words, stop words left out.
func stems(words []string) []string {
	var out []string
	for _, w := range words {
		if !dutch.IsStopWord(w) {
			out = append(out, dutch.Stem(w))
		}
	}
	return out
}

// addSynonyms adds the word's synonyms, narrower and related words in the
// thesaurus and, for a typo, the synonyms and narrower words of the words
// it stands for, scored as the typo (scool: school, école; gelt: geld,
// budget).
func (ix *Index) addSynonyms(w *qword) {
	add := func(word string, scale float64, related bool) {
		for _, syn := range ix.thesaurus.Synonyms(word) {
			ix.addEntry(syn, synonymBoost*scale, w)
		}
		for _, n := range ix.thesaurus.Narrower(word) {
			ix.addEntry(n, narrowerBoost*scale, w)
		}
		if !related {
			return
		}
		for _, r := range ix.thesaurus.Related([]string{word}) {
			ix.addEntry(r, relatedBoost*scale, w)
		}
	}
	add(w.raw, 1, true)
	if w.typo {
		// The typo stands for its corrections, and for what they stand
		// for; not for what they are related to: a guess followed by a
		// loose relation finds more that is not meant than that is
		// (wjik: wijk, not buurt).
		for _, c := range w.corrections {
			add(c, typoBoost, false)
		}
	}
}

// addEntry adds the thesaurus entry of the words entry as an alternative
// of each of ws, with boost: its Dutch stems, and its terms in each other
// language where they differ.
func (ix *Index) addEntry(entry []string, boost float64, ws ...*qword) {
	dutch := stems(entry)
	foreign := ix.foreignAlts(entry, dutch, boost)
	for _, w := range ws {
		w.addAlt(dutch, boost)
		for _, a := range foreign {
			w.addLangAlt(a)
		}
	}
}

// maxPartAlts caps the alternatives of one compound part (a synonym may
// take three: its Dutch stems and its French and English analyses).
const maxPartAlts = 12

// addPartSynonyms adds, for a compound the texts do not hold, the
// synonyms of each of its parts, in every language, as alternatives of
// that part: woonbegeleiding is also an accompagnement towards a logement;
// ouderenzorg is care of personnes âgées (all of a synonym's words).
func (ix *Index) addPartSynonyms(w *qword) {
	if !w.typo || len(w.parts) < 2 {
		return
	}
	for i := range w.parts {
		p := &w.parts[i]
		add := func(a qalt) {
			if len(p.alts) >= maxPartAlts || slices.Equal(a.terms, []string{p.stem}) {
				return
			}
			for _, b := range p.alts {
				if b.lang == a.lang && slices.Equal(b.terms, a.terms) {
					return
				}
			}
			p.alts = append(p.alts, a)
			if a.lang == "" {
				w.terms = append(w.terms, a.terms...)
				return
			}
			if w.langTerms == nil {
				w.langTerms = make(map[string][]string)
			}
			w.langTerms[a.lang] = append(w.langTerms[a.lang], a.terms...)
		}
		for _, syn := range ix.thesaurus.Synonyms(p.word) {
			d := stems(syn)
			if len(d) == 0 {
				continue
			}
			add(qalt{terms: d, boost: synonymBoost})
			for _, a := range ix.foreignAlts(syn, d, synonymBoost) {
				add(a)
			}
		}
	}
}

// maxPartStarts caps the indexed words a compound part stands for alone.
const maxPartStarts = 8

// addPartStarts adds to each long part of a compound the indexed words it
// starts, for a relaxed search: a text may speak of the thing in other
// compounds (energiearmoede: energieleverancier, energieconsulent).
func addPartStarts(v *vocab.Vocabulary, w *qword) error {
	if len(w.parts) < 2 {
		return nil
	}
	for i := range w.parts {
		p := &w.parts[i]
		if utf8.RuneCountInString(p.word) < prefixMinLen {
			continue
		}
		have := map[string]bool{p.stem: true, w.whole: true}
		if err := v.WithPrefix(p.word, func(word string, _ int) bool {
			if st := dutch.Stem(word); !have[st] && !strings.HasPrefix(word, w.raw) {
				have[st] = true
				p.starts = append(p.starts, st)
			}
			return len(p.starts) < maxPartStarts
		}); err != nil {
			return err
		}
	}
	return nil
}

// derivationSuffixes are the endings of Dutch words of one family that the
// stemmer leaves apart: the verb, the action noun and the person
// (begeleiden, begeleiding, begeleider), -eren verbs and their -atie and
// -ering nouns and -atief adjectives (informeren, informatie; polariseren,
// polarisering; participeren, participatief).
var derivationSuffixes = [][]string{
	{"en", "ing", "er", "ers"},
	{"eren", "atie", "ering", "ator", "atief", "atieve"},
}

// adjectiveSuffixes make an adjective of the family, a looser match
// (participatief ontwerp is not yet participeren).
var adjectiveSuffixes = map[string]bool{"atief": true, "atieve": true}

const adjectiveBoost = 0.4

// personSuffixes make a person of a thing: landbouw, landbouwer; after an
// r with a d between (huur, huurder; bestuur, bestuurder).
var personSuffixes = []string{"er", "ers", "der", "ders"}

// maxRootRatio: a person's thing stands for the person only when the texts
// use it at most this many times as often as the word typed (werkers is
// no werk).
const maxRootRatio = 20

const minDerivationStem = 4 // letters left when the suffix is taken off

// addDerivations adds the words of w's family that the texts hold.
func addDerivations(v *vocab.Vocabulary, w *qword) {
	for _, family := range derivationSuffixes {
		for _, from := range family {
			base, ok := strings.CutSuffix(w.raw, from)
			if !ok || utf8.RuneCountInString(base) < minDerivationStem {
				continue
			}
			for _, to := range family {
				if to != from && v.Count(base+to) > 0 {
					b := derivationBoost
					if adjectiveSuffixes[to] {
						b = adjectiveBoost
					}
					w.addAlt([]string{dutch.Stem(base + to)}, b)
				}
			}
		}
	}
	for _, suffix := range personSuffixes {
		base, ok := strings.CutSuffix(w.raw, suffix)
		if !ok || utf8.RuneCountInString(base) < minDerivationStem || (suffix[0] == 'd' && !strings.HasSuffix(base, "r")) {
			continue
		}
		if n := v.Count(base); n > 0 && n <= maxRootRatio*max(1, v.Count(w.raw)) {
			w.addAlt([]string{dutch.Stem(base)}, derivationBoost)
		}
	}
	// The verb's root starts its other forms: verhuren -> verhuur ->
	// verhuurt, verhuurkantoor.
	if root := verbRoot(w.raw); utf8.RuneCountInString(root) >= prefixMinLen {
		_ = v.WithPrefix(root, func(word string, _ int) bool {
			w.addAlt([]string{dutch.Stem(word)}, rootBoost)
			return true
		})
	}
}

// verbRoot is the root of a Dutch infinitive whose root the texts write
// otherwise: a long vowel doubles in a closed syllable (huren -> huur),
// v and z harden (leven -> leef); "" when there is none.
func verbRoot(w string) string {
	base, ok := strings.CutSuffix(w, "en")
	n := len(base)
	if !ok || n < 4 {
		return ""
	}
	isVowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	last := base[n-1]
	switch last {
	case 'v':
		base, last = base[:n-1]+"f", 'f'
	case 'z':
		base, last = base[:n-1]+"s", 's'
	}
	if isVowel(last) || !isVowel(base[n-2]) || isVowel(base[n-3]) {
		return ""
	}
	return base[:n-1] + string(base[n-2]) + string(last)
}

// Tails of compounds.
const (
	minTailWord = 4  // letters of a query word looked up as a tail
	maxTails    = 16 // compounds a word may stand for
	tailBoost   = 0.7
	// maxTailSource is the most a word may be used in the texts to be
	// looked up as a tail: a word used more is found as it is.
	maxTailSource = 3
	// maxTailLookups bounds the words of one search looked up as tails:
	// each lookup reads the whole vocabulary.
	maxTailLookups = 2
)

// addTails adds, for a word the texts hold seldom or not at all, the
// compounds they hold that end with it: a jeugdbuurtwerker is a
// buurtwerker, a moestuin a tuin. For a typo, the same for the words it
// stands for (tuim: tuin, moestuin). It looks up at most budget words and
// returns how many it looked up.
func addTails(v *vocab.Vocabulary, w *qword, budget int) int {
	if w.whole == "" {
		return 0
	}
	type source struct {
		word  string
		boost float64
	}
	var sources []source
	if !w.typo || utf8.RuneCountInString(w.raw) >= shortWordLen {
		sources = append(sources, source{w.raw, tailBoost})
	}
	if w.typo {
		for _, n := range w.near {
			if n.boost == typoBoost {
				sources = append(sources, source{n.word, tailBoost * typoBoost})
			}
		}
	}
	used := 0
	for _, src := range sources {
		if used >= budget {
			break
		}
		if utf8.RuneCountInString(src.word) < minTailWord || v.Count(src.word) > maxTailSource {
			continue
		}
		used++
		short := utf8.RuneCountInString(src.word) < shortTailWord
		for _, c := range v.EndingWith(src.word, maxTails) {
			if head := strings.TrimSuffix(c, src.word); short && !knownHead(v, head) && !endsInConsonant(head) {
				continue
			}
			w.addAlt([]string{dutch.Stem(c)}, src.boost)
		}
	}
	return used
}

// addHeads adds, for a short word (4 or 5 letters) the texts hold seldom,
// and for the short words a typo stands for, the compounds the texts hold
// that start with it, as longer words match the words they start
// (expandWords): taal: taalles, taalbarrière. Only where the rest starts
// with a consonant, as a compound's second word mostly does, not an
// inflection or a suffix (taalen, tuinieren).
func addHeads(v *vocab.Vocabulary, w *qword) error {
	if w.whole == "" {
		return nil
	}
	type source struct {
		word  string
		boost float64
	}
	var sources []source
	if !w.typo {
		sources = append(sources, source{w.raw, tailBoost})
	} else {
		for _, n := range w.near {
			if n.boost == typoBoost {
				sources = append(sources, source{n.word, tailBoost * typoBoost})
			}
		}
	}
	for _, src := range sources {
		n := utf8.RuneCountInString(src.word)
		if n < minTailWord || n >= prefixMinLen || v.Count(src.word) > maxTailSource {
			continue
		}
		added := 0
		if err := v.WithPrefix(src.word, func(c string, _ int) bool {
			if rest := c[len(src.word):]; len(rest) >= 3 && endsInConsonant(rest[:1]) {
				w.addAlt([]string{dutch.Stem(c)}, src.boost)
				added++
			}
			return added < maxTails
		}); err != nil {
			return err
		}
	}
	return nil
}

// shortTailWord: a tail shorter than this ends many words that are no
// compounds of it (digi-taal, vergade-ring), so the rest of the compound
// must be a word the texts hold, or end as the first word of a compound
// mostly does, in a consonant (moes-tuin), not as a word's syllables
// before a suffix do.
const shortTailWord = 6

// endsInConsonant reports whether w ends in a consonant.
func endsInConsonant(w string) bool {
	return w != "" && !strings.ContainsRune("aeiouy", rune(w[len(w)-1]))
}

// knownHead reports whether head, the start of a compound, is a word the
// texts hold, with or without a linking s or e (gemeenschaps-, kinder-).
func knownHead(v *vocab.Vocabulary, head string) bool {
	if v.Count(head) > 0 {
		return true
	}
	for _, link := range []string{"s", "e"} {
		if h, ok := strings.CutSuffix(head, link); ok && len(h) >= dutch.MinPartLen && v.Count(h) > 0 {
			return true
		}
	}
	return false
}

// addKnownSplit splits a compound that the decompounding dictionary does
// not into two words the texts hold (with a linking s, e or en between),
// for the texts that write it in two words or do not hold it at all:
// budgetmeter -> budget meter.
func addKnownSplit(v *vocab.Vocabulary, w *qword) {
	if w.whole == "" || len(w.raw) < 2*dutch.MinPartLen {
		return
	}
	known := func(s string) bool {
		return v.Count(s) > 0 || v.Count(s+"en") > 0 || v.Count(s+"e") > 0 || v.Count(s+"s") > 0
	}
	for j := len(w.raw) - dutch.MinPartLen; j >= dutch.MinPartLen; j-- {
		head := w.raw[:j]
		if dutch.IsStopWord(head) || !known(head) {
			continue
		}
		for _, link := range dutch.LinkMorphemes {
			if tail, ok := strings.CutPrefix(w.raw[j:], link); ok && len(tail) >= dutch.MinPartLen && !dutch.IsStopWord(tail) && known(tail) {
				w.addAlt([]string{dutch.Stem(head), dutch.Stem(tail)}, splitBoost)
				return
			}
		}
	}
}

// addJoins joins each two query words that follow each other, when the
// texts write them as one word (budget meter -> budgetmeter) or as the
// start of words (energie coach -> energiecoaches): the joined word is an
// alternative of both.
func addJoins(v *vocab.Vocabulary, words []qword, clauses []qclause) error {
	for i := 0; i+1 < len(clauses); i++ {
		a, b := clauses[i].opts, clauses[i+1].opts
		if len(a) != 1 || len(b) != 1 || a[0].word < 0 || b[0].word < 0 {
			continue
		}
		wa, wb := &words[a[0].word], &words[b[0].word]
		for _, link := range []string{"", "s"} {
			joined := wa.raw + link + wb.raw
			var found []string
			if v.Count(joined) > 0 {
				found = append(found, joined)
			} else if err := v.WithPrefix(joined, func(word string, _ int) bool {
				found = append(found, word)
				return len(found) < maxJoinPrefixed
			}); err != nil {
				return err
			}
			for _, f := range found {
				wa.addAlt([]string{dutch.Stem(f)}, joinBoost)
				wb.addAlt([]string{dutch.Stem(f)}, joinBoost)
			}
		}
	}
	return nil
}
