package bank

import (
	"context"
	"errors"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/insight"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// errNoInsight answers a research query of a bank built without the
// analytical view.
var errNoInsight = errors.New("no analytical view")

// WithInsight has the bank answer the research queries (factor groups,
// coverage, regional reports, practice counts) from the analytical view in,
// and keep in current with the bank's own writes (another replica's reach
// it through the follower).
func WithInsight(in *insight.Insight) Option {
	return func(b *Bank) {
		b.insight = in
		b.afterWrite = append(b.afterWrite, func(_ context.Context, ps []practice.Practice) { in.Apply(ps) })
	}
}

// HasInsight reports whether the bank answers research queries (it was
// given the analytical view with WithInsight).
func (b *Bank) HasInsight() bool { return b.insight != nil }

// Factors groups the factor texts of one kind in the practices that pass
// the query's filter, the groups with the most practices first.
func (b *Bank) Factors(q insight.FactorQuery) ([]insight.Group, error) {
	if b.insight == nil {
		return nil, errNoInsight
	}
	gs, err := b.insight.Factors(q)
	return gs, researchError(err)
}

// FactorTerms counts the words of the factor texts of one kind in the
// practices that pass the query's filter.
func (b *Bank) FactorTerms(q insight.FactorQuery) ([]insight.Term, error) {
	if b.insight == nil {
		return nil, errNoInsight
	}
	ts, err := b.insight.Terms(q)
	return ts, researchError(err)
}

// Distinctive returns the factor groups over-represented in the practices
// that pass the query's filter.
func (b *Bank) Distinctive(q insight.DistinctiveQuery) ([]insight.Group, error) {
	if b.insight == nil {
		return nil, errNoInsight
	}
	gs, err := b.insight.Distinctive(q)
	return gs, researchError(err)
}

// Coverage counts the practices that pass f per pair of values of two
// dimensions; a zero cell is a gap.
func (b *Bank) Coverage(rows, cols insight.Dimension, f Filter) (insight.Coverage, error) {
	if b.insight == nil {
		return insight.Coverage{}, errNoInsight
	}
	c, err := b.insight.Coverage(rows, cols, f)
	return c, researchError(err)
}

// RegionReport is the progress report of a regional platform for a year;
// an unknown region or a year outside the plan's is ErrNotFound.
func (b *Bank) RegionReport(region string, year int) (insight.Report, error) {
	if b.insight == nil {
		return insight.Report{}, errNoInsight
	}
	r, err := b.insight.Report(region, year)
	return r, researchError(err)
}

// ActionPracticeCount is the number of live practices that support an
// action, in one region when region is not "".
func (b *Bank) ActionPracticeCount(action, region string) (int, error) {
	if b.insight == nil {
		return 0, errNoInsight
	}
	n, err := b.insight.ActionCount(action, region)
	return n, researchError(err)
}

// researchError marks the analytical view's input errors as the bank's
// ErrInvalid and its unknown regions and years as ErrNotFound; their text
// and their Dutch (UserMessage) stay theirs.
func researchError(err error) error {
	switch {
	case errors.Is(err, insight.ErrInvalid):
		return sentinelError{err, ErrInvalid}
	case errors.Is(err, insight.ErrNotFound):
		return sentinelError{err, ErrNotFound}
	}
	return err
}

// sentinelError is err that is also the bank's sentinel kind (errors.Is),
// with err's text.
type sentinelError struct{ err, kind error }

func (e sentinelError) Error() string   { return e.err.Error() }
func (e sentinelError) Unwrap() []error { return []error{e.err, e.kind} }

// UserMessage is the Dutch sentence written for users that err carries: a
// refusal's, of the bank, the tokens or the research view (refusal.Dutch),
// or a refused search's or filter's (search.UserMessage). ok is false for
// any other error, whose text is internal and English.
func UserMessage(err error) (msg string, ok bool) {
	if msg, ok := refusal.Dutch(err); ok {
		return msg, true
	}
	return search.UserMessage(err)
}
