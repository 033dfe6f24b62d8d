package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// ErrMismatch is returned by Verify when two stores differ.
var ErrMismatch = errors.New("the stores differ")

// Summary describes a store's content through the public Store interface:
// counts per kind and digests that Verify compares.
type Summary struct {
	Counts      CopyReport        // the counts; LastSeq is the store's LastSeq
	Practices   map[string]string // practice id -> digest of its current state and full history
	Inventories string            // digest of every inventory record
	Actions     string            // digest of every regional action
	Tokens      string            // digest of every token record
}

// summaryWorkers is how many History calls Summarize runs at once.
const summaryWorkers = 8

// Summarize reads the whole store through its public interface
// (ScanPractices, History, Inventories, RegionalActions, Tokens, LastSeq)
// and returns its counts and digests. Digests compare times by instant and
// treat an empty list as an absent one, as the conformance suite does.
func Summarize(ctx context.Context, s Store) (Summary, error) {
	sum := Summary{Practices: map[string]string{}}
	last, err := s.LastSeq(ctx)
	if err != nil {
		return sum, err
	}

	// Practices: the scan feeds workers that read each history.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var mu sync.Mutex
	jobs := make(chan practice.Practice, summaryWorkers)
	var wg sync.WaitGroup
	for range summaryWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				h, err := s.History(ctx, p.ID)
				if err != nil {
					cancel(fmt.Errorf("history of %s: %w", p.ID, err))
					continue
				}
				d := digest(struct {
					Practice practice.Practice
					History  []practice.Revision
				}{p, h})
				mu.Lock()
				sum.Practices[p.ID] = d
				sum.Counts.Revisions += len(h)
				mu.Unlock()
			}
		}()
	}
	scanErr := s.ScanPractices(ctx, func(p practice.Practice) error {
		sum.Counts.Practices++
		if !p.Live() {
			sum.Counts.Withdrawn++
		}
		if p.Demo {
			sum.Counts.Demo++
		}
		select {
		case jobs <- p:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	if scanErr != nil {
		return sum, scanErr
	}
	sum.Counts.LastSeq = last

	var invs []practice.Inventory
	for before := ""; ; {
		page, err := s.Inventories(ctx, InventoryQuery{Before: before, Limit: 500})
		if err != nil {
			return sum, err
		}
		invs = append(invs, page...)
		if len(page) < 500 {
			break
		}
		before = page[len(page)-1].ID
	}
	sum.Counts.Inventories, sum.Inventories = len(invs), digest(invs)

	actions, err := s.RegionalActions(ctx)
	if err != nil {
		return sum, err
	}
	sum.Actions, sum.Counts.Actions = digest(actions), len(actions)

	tokens, err := s.Tokens(ctx)
	if err != nil {
		return sum, err
	}
	sum.Counts.Tokens, sum.Tokens = len(tokens), digest(tokens)
	return sum, nil
}

// maxDifferences is how many differences a Verify error lists.
const maxDifferences = 20

// Differences lists how target differs from source; none means the copy is
// complete. The target's LastSeq may be greater than the source's (never
// smaller), every other count and digest must be equal.
func Differences(source, target Summary) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	counts := []struct {
		what string
		a, b int
	}{
		{"practices", source.Counts.Practices, target.Counts.Practices},
		{"withdrawn practices", source.Counts.Withdrawn, target.Counts.Withdrawn},
		{"demo practices", source.Counts.Demo, target.Counts.Demo},
		{"revisions", source.Counts.Revisions, target.Counts.Revisions},
		{"inventories", source.Counts.Inventories, target.Counts.Inventories},
		{"regional actions", source.Counts.Actions, target.Counts.Actions},
		{"tokens", source.Counts.Tokens, target.Counts.Tokens},
	}
	for _, c := range counts {
		if c.a != c.b {
			add("%s: %d in the source, %d in the target", c.what, c.a, c.b)
		}
	}
	if target.Counts.LastSeq < source.Counts.LastSeq {
		add("last Seq: %d in the source, %d in the target", source.Counts.LastSeq, target.Counts.LastSeq)
	}
	ids := make([]string, 0, len(source.Practices))
	for id := range source.Practices {
		ids = append(ids, id)
	}
	for id := range target.Practices {
		if _, ok := source.Practices[id]; !ok {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		a, inA := source.Practices[id]
		b, inB := target.Practices[id]
		switch {
		case !inB:
			add("practice %s is missing from the target", id)
		case !inA:
			add("practice %s is in the target but not in the source", id)
		case a != b:
			add("practice %s differs (current state or history)", id)
		}
	}
	if source.Inventories != target.Inventories {
		add("the inventories differ")
	}
	if source.Actions != target.Actions {
		add("the regional actions differ")
	}
	if source.Tokens != target.Tokens {
		add("the tokens differ")
	}
	return out
}

// Verify compares target with source through the public Store interface:
// counts per kind, LastSeq (target at least source), and a digest of every
// practice's current state and history, of the inventories, the regional
// actions and the tokens. It returns both summaries, and an error wrapping
// ErrMismatch that lists the differences when there are any.
func Verify(ctx context.Context, source, target Store) (src, dst Summary, err error) {
	if src, err = Summarize(ctx, source); err != nil {
		return src, dst, fmt.Errorf("read the source store: %w", err)
	}
	if dst, err = Summarize(ctx, target); err != nil {
		return src, dst, fmt.Errorf("read the target store: %w", err)
	}
	if diffs := Differences(src, dst); len(diffs) > 0 {
		more := ""
		if len(diffs) > maxDifferences {
			more = fmt.Sprintf("\n  … and %d more", len(diffs)-maxDifferences)
			diffs = diffs[:maxDifferences]
		}
		return src, dst, fmt.Errorf("%w:\n  %s%s", ErrMismatch, strings.Join(diffs, "\n  "), more)
	}
	return src, dst, nil
}

// digest is a SHA-256 over the canonical JSON of v: times in UTC (so equal
// instants digest alike) and empty lists as absent ones.
func digest(v any) string {
	b, err := json.Marshal(canonical(reflect.ValueOf(v)))
	if err != nil { // only strings, numbers, times and lists: cannot fail
		panic(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

var timeType = reflect.TypeFor[time.Time]()

// canonical turns v into plain JSON values with times in UTC and empty
// lists as nil. Struct fields keep their Go names (json tags ignored), so
// fields that the JSON omits still count.
func canonical(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time).UTC().Format(time.RFC3339Nano)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return canonical(v.Elem())
	case reflect.Struct:
		m := map[string]any{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				for k, x := range canonical(v.Field(i)).(map[string]any) {
					m[k] = x
				}
				continue
			}
			m[f.Name] = canonical(v.Field(i))
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = canonical(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		out := map[string]any{}
		it := v.MapRange()
		for it.Next() {
			out[fmt.Sprint(it.Key().Interface())] = canonical(it.Value())
		}
		return out
	}
	return v.Interface()
}
