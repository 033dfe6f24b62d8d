package search

import (
	"errors"
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// ErrInvalid is wrapped by every error about a bad request; each such
// error is of one of the kinds below, a refusal.Error carrying the Dutch
// sentence the presenters show (UserMessage); its own text is English, for
// logs.
var ErrInvalid = errors.New("invalid search request")

// The kinds of invalid request, each wrapping ErrInvalid.
var (
	ErrPageSize = invalid("page size")   // first out of range
	ErrOffset   = invalid("page offset") // offset out of range, or with after
	ErrQuery    = invalid("query text")  // too long or not UTF-8
	ErrSort     = invalid("sort order")  // unknown
	ErrCursor   = invalid("cursor")      // unreadable, or of another sort
	ErrFilter   = invalid("filter")      // too many or too long values, years out of range or reversed
)

func invalid(what string) error { return fmt.Errorf("%w: %s", ErrInvalid, what) }

// ErrNotFound is returned by Similar for an id the index does not hold.
var ErrNotFound = errors.New("practice not in the search index")

// UserMessage is the Dutch message a presenter shows for a refused search
// (an error of one of the kinds above, or ErrNotFound); ok is false for
// any other error.
func UserMessage(err error) (msg string, ok bool) {
	var fe *filter.Error
	if errors.As(err, &fe) {
		return fe.Message, true // the filter's own Dutch, naming the field
	}
	if msg, ok := refusal.Dutch(err); ok {
		return msg, true
	}
	if errors.Is(err, ErrNotFound) {
		return "deze praktijk staat niet in de zoekindex", true
	}
	return "", false
}
