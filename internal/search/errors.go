package search

import (
	"errors"
	"fmt"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// ErrInvalid is wrapped by every error about a bad request; each such
// error also wraps one of the kinds below, which the presenters word for
// the user (the error's own text is English, for logs).
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
	switch {
	case errors.Is(err, ErrPageSize):
		return fmt.Sprintf("Vraag 1 tot %d resultaten per pagina (first).", MaxFirst), true
	case errors.Is(err, ErrOffset):
		return fmt.Sprintf("Deze pagina bestaat niet: blader hoogstens %d resultaten ver, en niet samen met een cursor (after).", MaxOffset), true
	case errors.Is(err, ErrQuery):
		return fmt.Sprintf("De zoektekst is te lang (hoogstens %d tekens) of bevat ongeldige tekens.", MaxQueryLen), true
	case errors.Is(err, ErrSort):
		return "Deze sortering bestaat niet.", true
	case errors.Is(err, ErrCursor):
		return "Deze cursor is onleesbaar of hoort bij een andere sortering; gebruik een cursor uit een eerder antwoord.", true
	case errors.As(err, &fe):
		return fe.Message, true // the filter's own Dutch, naming the field
	case errors.Is(err, ErrFilter):
		return fmt.Sprintf("Deze filter kan niet gebruikt worden: hoogstens %d waarden per veld, en het beginjaar niet na het eindjaar.", filter.MaxValues), true
	case errors.Is(err, ErrNotFound):
		return "Deze praktijk staat niet in de zoekindex.", true
	}
	return "", false
}
