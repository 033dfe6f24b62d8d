package practice

import (
	"fmt"
	"slices"
	"strconv"
)

// Problem codes of a rejected inventory. They are stable: clients match on them.
const (
	CodeRequired            = "REQUIRED"
	CodeTooLong             = "TOO_LONG"
	CodeTooShort            = "TOO_SHORT"
	CodeTooMany             = "TOO_MANY"
	CodeInvalidFormat       = "INVALID_FORMAT" // a value of the wrong shape (ref, date, url, email, number)
	CodeUnknownField        = "UNKNOWN_FIELD"  // a field or column that v1 does not have
	CodeUnknownFormat       = "UNKNOWN_FORMAT" // format is not praktijkenbank.inventory/v1
	CodeUnknownRegion       = "UNKNOWN_REGION"
	CodeUnknownKrachtlijn   = "UNKNOWN_KRACHTLIJN"
	CodeUnknownChallenge    = "UNKNOWN_CHALLENGE"
	CodeUnknownAction       = "UNKNOWN_ACTION"
	CodeForeignAction       = "FOREIGN_ACTION" // a regional action of another region
	CodeUnknownFunction     = "UNKNOWN_FUNCTION"
	CodeUnknownImpactDomain = "UNKNOWN_IMPACT_DOMAIN"
	CodeUnknownLanguage     = "UNKNOWN_LANGUAGE"
	CodeDuplicateRef        = "DUPLICATE_REF"
	CodeDuplicateValue      = "DUPLICATE_VALUE" // the same value twice in one list
	CodeOutOfRange          = "OUT_OF_RANGE"    // years, counts
	CodeEndBeforeStart      = "END_BEFORE_START"
	CodeRegionMismatch      = "REGION_MISMATCH"  // file region differs from the one given
	CodeInvalidEncoding     = "INVALID_ENCODING" // a file that is not UTF-8
	CodeInvalidFile         = "INVALID_FILE"     // unreadable JSON, CSV or XLSX
	CodeInvalidValue        = "INVALID_VALUE"    // a value that is not allowed (e.g. an empty list item)
	CodeMoreProblems        = "MORE_PROBLEMS"    // the last problem of a cut list: how many were left out
)

// Problem is one reason an inventory is refused, at a path such as
// "practices[3].krachtlijnen[0]" or, for files, "rij 4, kolom krachtlijnen".
type Problem struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"` // Dutch, for the chair of a regional platform
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s (%s)", p.Path, p.Message, p.Code) }

// Problems is a list of problems that is also an error.
type Problems []Problem

func (ps Problems) Error() string {
	switch len(ps) {
	case 0:
		return "geen problemen"
	case 1:
		return ps[0].String()
	}
	return fmt.Sprintf("%s (en nog %d problemen)", ps[0].String(), len(ps)-1)
}

// LimitProblems returns at most max of ps, followed, when any were left out
// (those beyond max, plus omitted ones already counted elsewhere), by one
// MORE_PROBLEMS problem that says how many ("en nog 12.345 problemen").
// A MORE_PROBLEMS problem already in ps is dropped; pass its count as omitted.
func LimitProblems(ps Problems, max, omitted int) Problems {
	if len(ps) <= max && omitted == 0 && !slices.ContainsFunc(ps, func(p Problem) bool { return p.Code == CodeMoreProblems }) {
		return ps
	}
	kept := make(Problems, 0, min(len(ps), max)+1)
	for _, p := range ps {
		switch {
		case p.Code == CodeMoreProblems:
		case len(kept) < max:
			kept = append(kept, p)
		default:
			omitted++
		}
	}
	if omitted > 0 {
		word := "problemen"
		if omitted == 1 {
			word = "probleem"
		}
		kept = append(kept, Problem{Code: CodeMoreProblems, Message: fmt.Sprintf(
			"… en nog %s %s. Los eerst de problemen hierboven op en laad het bestand dan opnieuw op om de rest te zien.", DutchNumber(omitted), word)})
	}
	return kept
}

// DutchNumber writes n with a dot between thousands: 12.345.
func DutchNumber(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}
