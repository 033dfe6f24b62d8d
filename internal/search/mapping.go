package search

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/dutch"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// MappingVersion names the shape of the index: the document mapping, the
// analyzers and the meaning of the stored fields. Bump it whenever any of
// them changes; Open rebuilds an index stored with another version.
const MappingVersion = 12

const docType = "practice"

// Field names in the index.
const (
	fTitle          = "title"
	fSummary        = "summary"
	fDescription    = "description"
	fSuccessFactors = "successFactors"
	fPitfalls       = "pitfalls"
	fBottlenecks    = "bottlenecks"
	fTargetGroups   = "targetGroups"
	fSettings       = "settings"
	fOrganisations  = "organisations"
	fMunicipalities = "municipalities"
	fAll            = "body" // the text fields above and the plan's names of the practice's krachtlijnen, challenges and region, analysed once
	fSuggest        = "suggest"

	fKrachtlijnen    = "krachtlijnen"
	fChallenges      = "challenges"
	fActions         = "actions"
	fRegion          = "region"
	fTargetGroupsKey = "targetGroupsKey"
	fSettingsKey     = "settingsKey"
	fYearKeys        = "yearKey" // keyword (four digits), for the years facet and range
	fSeq             = "seq"     // stored only: the store seq of the indexed version
	fSortDate        = "sortDate"
	fSortTitle       = "sortTitle"
	fLanguage        = "language" // stored keyword: the practice's language (languages.go)
)

// highlightFields are the stored text fields that get highlight fragments.
var highlightFields = []string{fTitle, fSummary, fDescription, fSuccessFactors, fPitfalls, fBottlenecks, fTargetGroups, fSettings, fOrganisations, fMunicipalities}

// doc is what the index stores of a practice.
type doc struct {
	Title          string   `json:"title"`
	Summary        string   `json:"summary"`
	Description    string   `json:"description,omitempty"`
	SuccessFactors []string `json:"successFactors,omitempty"`
	Pitfalls       []string `json:"pitfalls,omitempty"`
	Bottlenecks    []string `json:"bottlenecks,omitempty"`
	TargetGroups   []string `json:"targetGroups,omitempty"`
	Settings       []string `json:"settings,omitempty"`
	Organisations  []string `json:"organisations,omitempty"`
	Municipalities []string `json:"municipalities,omitempty"`
	Body           string   `json:"body"`
	Suggest        []string `json:"suggest,omitempty"`

	Krachtlijnen []string `json:"krachtlijnen,omitempty"`
	Challenges   []string `json:"challenges,omitempty"`
	Actions      []string `json:"actions,omitempty"`
	Region       string   `json:"region"`
	YearKeys     []string `json:"yearKey,omitempty"`
	Seq          string   `json:"seq"`
	SortDate     string   `json:"sortDate"`
	SortTitle    string   `json:"sortTitle"`
	Language     string   `json:"language"`
}

// seq is the store seq of the indexed version.
func (d *doc) seq() uint64 {
	n, _ := strconv.ParseUint(d.Seq, 10, 64)
	return n
}

// BleveType is the document type of the practice's language (languages.go).
func (d doc) BleveType() string { return docTypeOf(d.Language) }

// buildMapping is the one place the index mapping is built. dict is the
// decompounding dictionary, stored with the mapping.
func buildMapping(dict []string) (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.DefaultMapping.Enabled = false
	im.DefaultMapping.Dynamic = false
	im.TypeField = "type"
	im.DefaultType = docType
	im.DefaultAnalyzer = textAnalyzerName
	im.DefaultField = fAll
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.ScoringModel = index.BM25Scoring

	tokenMaps, filters, analyzers := customAnalysis(dict)
	for name, cfg := range tokenMaps {
		if err := im.AddCustomTokenMap(name, cfg); err != nil {
			return nil, err
		}
	}
	for name, cfg := range filters {
		if err := im.AddCustomTokenFilter(name, cfg); err != nil {
			return nil, err
		}
	}
	for name, cfg := range analyzers {
		if err := im.AddCustomAnalyzer(name, cfg); err != nil {
			return nil, err
		}
	}

	for lang, analyzer := range languageAnalyzers {
		im.AddDocumentMapping(docTypeOf(lang), documentMapping(analyzer))
	}
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// documentMapping is the mapping of a practice document whose texts are
// analysed with analyzer (one per language; the same fields in each).
func documentMapping(analyzer string) *mapping.DocumentMapping {
	// text is an analysed field. index is false for the fields that are
	// searched only through body and stored for highlighting.
	text := func(name string, index, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = name != fAll
		f.Index = index
		f.IncludeInAll = false
		f.IncludeTermVectors = vectors
		f.DocValues = false
		return f
	}
	kw := func(name string, store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Name = name
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true
		return f
	}
	words := func(name, analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}

	dm := bleve.NewDocumentMapping()
	dm.Dynamic = false
	// No _all composite: body holds the text once, analysed once.
	all := bleve.NewDocumentDisabledMapping()
	dm.AddSubDocumentMapping("_all", all)
	add := func(prop string, fms ...*mapping.FieldMapping) {
		for _, f := range fms {
			dm.AddFieldMappingsAt(prop, f)
		}
	}
	add("title", text(fTitle, true, true))
	// Title, summary and body are searched: the summary says what a
	// practice does, so a word there scores above the same word further in
	// its texts (begeleiden: the practices that guide people, not those
	// that mention a guide once). The other texts are stored for
	// highlighting and searched through body (fields of their own were
	// boosts the judged queries did not need, at a sixth of the indexing).
	add("summary", text(fSummary, true, false))
	add("description", text(fDescription, false, false))
	add("successFactors", text(fSuccessFactors, false, false))
	add("pitfalls", text(fPitfalls, false, false))
	add("bottlenecks", text(fBottlenecks, false, false))
	add("targetGroups", text(fTargetGroups, false, false), kw(fTargetGroupsKey, false))
	add("settings", text(fSettings, false, false), kw(fSettingsKey, false))
	add("organisations", text(fOrganisations, false, false))
	add("municipalities", text(fMunicipalities, false, false))
	add("body", text(fAll, true, true))
	add("language", kw(fLanguage, true))
	add("suggest", words(fSuggest, rawAnalyzerName))
	add("krachtlijnen", kw(fKrachtlijnen, true))
	add("challenges", kw(fChallenges, true))
	add("actions", kw(fActions, true))
	add("region", kw(fRegion, true))
	add("yearKey", kw(fYearKeys, false))
	add("sortDate", kw(fSortDate, false))
	add("sortTitle", kw(fSortTitle, false))
	seq := bleve.NewKeywordFieldMapping()
	seq.Name = fSeq
	seq.Index = false
	seq.Store = true
	seq.IncludeInAll = false
	seq.DocValues = false
	add("seq", seq)

	return dm
}

// versionTag is what is stored with the index: the mapping version and the
// hash of the base dictionary (base word list + action plan vocabulary) and
// of the plan's names that documents hold (themeNames). An index whose tag
// differs is rebuilt, because its documents were analysed with another
// mapping or dictionary, or hold other names.
func versionTag(baseDict []string, plan *actionplan.Plan) string {
	h := sha256.New()
	put := func(ss ...string) {
		for _, s := range ss {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
	}
	put(baseDict...)
	if plan != nil {
		for _, k := range plan.Krachtlijnen {
			put("k", k.Code, k.Name)
		}
		for _, c := range plan.Challenges {
			put("c", c.ID, c.Name)
		}
		for _, r := range plan.Regions {
			put("r", r.ID, r.Name)
		}
	}
	return strconv.Itoa(MappingVersion) + ":" + hex.EncodeToString(h.Sum(nil)[:8])
}

// years returns every year the practice ran (practice.ActiveYears).
func years(p practice.Practice) []int {
	from, to, ok := p.ActiveYears()
	if !ok {
		return nil
	}
	out := make([]int, 0, to-from+1)
	for y := from; y <= to; y++ {
		out = append(out, y)
	}
	return out
}

// yearKey is the indexed form of a year: four digits, so that the terms
// sort as the years do (validation keeps years between 1970 and 2100).
func yearKey(y int) string { return fmt.Sprintf("%04d", y) }

// sortDate is the NEWEST sort key: the time the practice last changed, as a
// string that sorts in time order.
func sortDate(t time.Time) string { return t.UTC().Format("20060102150405.000000000") }

// sortTitle is the TITLE sort key: folded, lower-cased, without leading
// punctuation.
func sortTitle(title string) string {
	t := strings.TrimLeftFunc(dutch.Fold(title), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	if len(t) > 200 {
		t = t[:200]
	}
	return t
}

// toDoc maps a live practice to its index document, and returns the texts
// its body joins (doc.texts), whose words are the vocabulary's.
func toDoc(p practice.Practice, plan *actionplan.Plan) (doc, []string) {
	d := doc{
		Title: p.Title, Summary: p.Summary, Description: p.Description,
		SuccessFactors: p.SuccessFactors, Pitfalls: p.Pitfalls, Bottlenecks: p.Bottlenecks,
		TargetGroups: trimAll(p.TargetGroups), Settings: trimAll(p.Settings),
		Organisations: p.Organisations, Municipalities: p.Municipalities,
		Krachtlijnen: p.Krachtlijnen, Challenges: p.Challenges, Actions: p.Actions,
		Region:    p.Region,
		Language:  p.Language,
		Seq:       strconv.FormatUint(p.Seq, 10),
		SortDate:  sortDate(p.UpdatedAt),
		SortTitle: sortTitle(p.Title),
	}
	for _, y := range years(p) {
		d.YearKeys = append(d.YearKeys, yearKey(y))
	}
	// One value, not one per text: every value is a field of its own in
	// Bleve, with its own analysis and merge. A phrase can match across
	// two texts; phrases only add to the score.
	texts := d.texts(plan)
	d.Body = strings.Join(texts, "\n")
	d.Suggest = append(d.Suggest, p.Title)
	d.Suggest = append(d.Suggest, p.Organisations...)
	d.Suggest = append(d.Suggest, p.Municipalities...)
	return d, texts
}

// texts are the texts body holds: the practice's own, then the plan's names
// of its krachtlijnen, challenges and region. Its words are the vocabulary's
// (vocab.go), which reads them back from the stored fields, so they come
// from stored fields only.
func (d *doc) texts(plan *actionplan.Plan) []string {
	t := []string{d.Title, d.Summary, d.Description}
	for _, ts := range [][]string{d.SuccessFactors, d.Pitfalls, d.Bottlenecks, d.TargetGroups, d.Settings, d.Organisations, d.Municipalities} {
		t = append(t, ts...)
	}
	return append(t, themeNames(d.Krachtlijnen, d.Challenges, d.Region, plan)...)
}

// extraTexts are the texts of p that body holds besides its own
// (practiceTexts): its organisations and municipalities and the plan's
// names of its krachtlijnen, challenges and region. Together they have the
// words of doc.texts.
func extraTexts(p practice.Practice, plan *actionplan.Plan) []string {
	t := append(slices.Clip(p.Organisations), p.Municipalities...)
	return append(t, themeNames(p.Krachtlijnen, p.Challenges, p.Region, plan)...)
}

func trimAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// themeNames are the plan's names for the practice's codes and ids (not the
// long action titles, which would make every tagged practice match their words), so a
// query "onderbescherming" or "nabijheid" finds the practices tagged so.
func themeNames(krachtlijnen, challenges []string, region string, plan *actionplan.Plan) []string {
	if plan == nil {
		return nil
	}
	var out []string
	for _, code := range krachtlijnen {
		for _, k := range plan.Krachtlijnen {
			if k.Code == code {
				out = append(out, k.Name)
			}
		}
	}
	for _, id := range challenges {
		for _, c := range plan.Challenges {
			if c.ID == id {
				out = append(out, c.Name)
			}
		}
	}
	for _, r := range plan.Regions {
		if r.ID == region {
			out = append(out, r.Name)
		}
	}
	return out
}
