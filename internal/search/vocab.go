package search

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/sync/errgroup"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search/vocab"
)

// readVocabulary counts the words of every document of r from its stored
// fields, with batchWriters goroutines.
func readVocabulary(r index.IndexReader, plan *actionplan.Plan) (*vocab.Vocabulary, error) {
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	var ids []string
	for {
		iid, err := all.Next()
		if err != nil {
			all.Close()
			return nil, err
		}
		if iid == nil {
			break
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			all.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := all.Close(); err != nil {
		return nil, err
	}
	var g errgroup.Group
	var counters [batchWriters]*vocab.Counter
	for i := range counters {
		wc := vocab.NewCounter()
		counters[i] = wc
		part := ids[i*len(ids)/batchWriters : (i+1)*len(ids)/batchWriters]
		g.Go(func() error {
			for _, id := range part {
				sd, err := r.Document(id)
				if err != nil {
					return err
				}
				if sd != nil {
					d := storedDoc(sd)
					wc.Add(d.texts(plan), 0, 1)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, wc := range counters[1:] {
		counters[0].Merge(wc)
	}
	return vocab.New(counters[0].Result())
}

// storedDoc reads back what the index stores of a document: its seq and the
// fields doc.texts uses.
func storedDoc(sd index.Document) doc {
	var d doc
	one := map[string]*string{fTitle: &d.Title, fSummary: &d.Summary, fDescription: &d.Description, fRegion: &d.Region, fSeq: &d.Seq}
	many := map[string]*[]string{
		fSuccessFactors: &d.SuccessFactors, fPitfalls: &d.Pitfalls, fBottlenecks: &d.Bottlenecks,
		fTargetGroups: &d.TargetGroups, fSettings: &d.Settings, fOrganisations: &d.Organisations,
		fMunicipalities: &d.Municipalities, fKrachtlijnen: &d.Krachtlijnen, fChallenges: &d.Challenges,
	}
	sd.VisitFields(func(f index.Field) {
		if v, ok := one[f.Name()]; ok {
			*v = string(f.Value())
		} else if vs, ok := many[f.Name()]; ok {
			*vs = append(*vs, string(f.Value()))
		}
	})
	return d
}

// The vocabulary file. Counting the words of every stored document takes
// seconds at 100,000 practices, so Close writes the vocabulary beside the
// index files, and Open reads it back when it is the one of the index as
// it is: Close stores the file's random token in the index after writing
// the file, and Open removes that token before anything can write to the
// index. An index closed without Close (a crash) has no valid file and
// counts its words again.
const (
	vocabFileName   = "vocabulary"
	vocabFileHeader = "praktijkenbank-vocabulary 1 "
)

// openVocabulary returns the vocabulary of bl, the index in ix.dir: from
// the vocabulary file when it is valid, else counted from the documents.
func (ix *Index) openVocabulary(bl bleve.Index) (*vocab.Vocabulary, error) {
	token, err := bl.GetInternal(keyVocabulary)
	if err != nil {
		return nil, fmt.Errorf("read vocabulary token: %w", err)
	}
	path := filepath.Join(ix.dir, vocabFileName)
	var voc *vocab.Vocabulary
	if len(token) > 0 {
		if err := bl.DeleteInternal(keyVocabulary); err != nil {
			return nil, fmt.Errorf("clear vocabulary token: %w", err)
		}
		voc, err = loadVocabularyFile(path, string(token))
		if err != nil {
			ix.log.Warn("search vocabulary file unusable; counting the words again", "path", path, "err", err)
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove vocabulary file: %w", err)
	}
	if voc != nil {
		return voc, nil
	}
	start := time.Now()
	err = withReader(bl, func(r index.IndexReader) error {
		voc, err = readVocabulary(r, ix.plan)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read vocabulary: %w", err)
	}
	if voc.Size() > 0 {
		ix.log.Info("search vocabulary counted from the index", "words", voc.Size(), "duration", time.Since(start))
	}
	return voc, nil
}

// saveVocabulary writes the vocabulary file of the index in use and
// stores its token in the index (caller holds writeMu and mu).
func (ix *Index) saveVocabulary() error {
	var t [16]byte
	if _, err := rand.Read(t[:]); err != nil {
		return err
	}
	token := hex.EncodeToString(t[:])
	path := filepath.Join(ix.dir, vocabFileName)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	w := bufio.NewWriter(f)
	w.WriteString(vocabFileHeader + token + "\n")
	ix.vocab.Each(func(word string, n int32) {
		w.WriteString(strconv.Itoa(int(n)))
		w.WriteByte('\t')
		w.WriteString(word)
		w.WriteByte('\n')
	})
	err = w.Flush()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return err
	}
	return ix.bl.SetInternal(keyVocabulary, []byte(token))
}

// loadVocabularyFile reads a vocabulary file written with token.
func loadVocabularyFile(path, token string) (*vocab.Vocabulary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	if !sc.Scan() {
		return nil, errors.New("empty file")
	}
	if sc.Text() != vocabFileHeader+token {
		return nil, errors.New("not the index's vocabulary")
	}
	counts := make(map[string]int32)
	for line := 2; sc.Scan(); line++ {
		n, word, ok := strings.Cut(sc.Text(), "\t")
		c, err := strconv.ParseInt(n, 10, 32)
		if !ok || err != nil || c <= 0 || word == "" {
			return nil, fmt.Errorf("line %d: not a count and a word", line)
		}
		counts[word] = int32(c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return vocab.New(counts)
}
