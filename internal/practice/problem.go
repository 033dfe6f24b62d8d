package practice

import "fmt"

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
