// Package refusal is a request refused for a reason its user can fix, in
// the two languages it is read in: its error text is English, for logs (the
// kind of refusal and what was wrong), and it carries the Dutch sentence the
// user reads, which the presenters show (Dutch).
//
//	err := refusal.New(bank.ErrInvalid, "reason over %d characters", "geef een reden op van hoogstens %d tekens", 1000)
//	err.Error()          // "invalid input: reason over 1000 characters"
//	errors.Is(err, bank.ErrInvalid) // true
//	refusal.Dutch(err)   // "geef een reden op van hoogstens 1000 tekens", true
package refusal

import (
	"errors"
	"fmt"
)

// Error is a refusal: of a kind (a package's sentinel, such as an
// ErrInvalid or ErrNotFound), for an English detail, with the Dutch
// sentence users read.
type Error struct {
	Kind   error
	Detail string // what was wrong, in English
	Dutch  string // the same, for users, in Dutch
}

func (e *Error) Error() string { return e.Kind.Error() + ": " + e.Detail }
func (e *Error) Unwrap() error { return e.Kind }

// New is a refusal of the given kind. args, if any, fill the verbs of both
// detail and dutch, which name them in the same order.
func New(kind error, detail, dutch string, args ...any) error {
	if len(args) > 0 {
		detail, dutch = fmt.Sprintf(detail, args...), fmt.Sprintf(dutch, args...)
	}
	return &Error{Kind: kind, Detail: detail, Dutch: dutch}
}

// Dutch is the sentence users read for err, if err is (or wraps) a refusal;
// ok is false for any other error, whose text is internal.
func Dutch(err error) (msg string, ok bool) {
	var r *Error
	if errors.As(err, &r) {
		return r.Dutch, true
	}
	return "", false
}
