package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/filter"
)

// Error codes in extensions.code.
const (
	CodeBadUserInput    = "BAD_USER_INPUT"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeForbidden       = "FORBIDDEN"
	CodeNotFound        = "NOT_FOUND"
	CodeInternal        = "INTERNAL"
	CodeUnavailable     = "UNAVAILABLE"
)

var ourCodes = map[string]bool{
	CodeBadUserInput: true, CodeUnauthenticated: true, CodeForbidden: true,
	CodeNotFound: true, CodeInternal: true, CodeUnavailable: true, "RATE_LIMITED": true,
}

// codeOf maps the domain's sentinel errors to a GraphQL error code; unknown
// errors are INTERNAL and their text is not shown.
func codeOf(err error) string {
	switch {
	case errors.Is(err, auth.ErrUnauthenticated):
		return CodeUnauthenticated
	case errors.Is(err, auth.ErrForbidden):
		return CodeForbidden
	case errors.Is(err, bank.ErrNotFound), errors.Is(err, auth.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, bank.ErrInvalid), errors.Is(err, auth.ErrInvalid), errors.Is(err, filter.ErrInvalid):
		return CodeBadUserInput
	case errors.Is(err, bank.ErrUnavailable):
		return CodeUnavailable
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return CodeUnavailable
	}
	return CodeInternal
}

// ErrorPresenter is the one place where errors become GraphQL errors with
// extensions.code. Errors gqlgen made itself (parse, validation, variable
// coercion) already are *gqlerror.Error and are BAD_USER_INPUT unless coded.
// count, if not nil, is told the code of every error presented.
func ErrorPresenter(log *slog.Logger, count func(code string)) graphql.ErrorPresenterFunc {
	present := presenter(log)
	return func(ctx context.Context, err error) *gqlerror.Error {
		e := present(ctx, err)
		if count != nil {
			code, _ := e.Extensions["code"].(string)
			count(code)
		}
		return e
	}
}

func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// gqlgen's own errors (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
			// COMPLEXITY_LIMIT_EXCEEDED, ...) are the client's mistakes: they get
			// our code, and their own stays as the reason.
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			code, _ := gqlErr.Extensions["code"].(string)
			if !ourCodes[code] {
				if code != "" {
					gqlErr.Extensions["reason"] = code
				}
				gqlErr.Extensions["code"] = CodeBadUserInput
				if code == "COMPLEXITY_LIMIT_EXCEEDED" { // unexported in gqlgen's complexity extension
					// gqlgen says it in English, with the figures: keep those as detail.
					gqlErr.Extensions["detail"] = gqlErr.Message
					gqlErr.Message = "de vraag is te zwaar: vraag minder velden, kleinere pagina's (first) of minder aliassen tegelijk"
					if m := complexityLimit.FindStringSubmatch(gqlErr.Extensions["detail"].(string)); m != nil {
						gqlErr.Extensions["limit"], _ = strconv.Atoi(m[1])
					}
				} else if code == "GRAPHQL_PARSE_FAILED" || code == "GRAPHQL_VALIDATION_FAILED" {
					translate(gqlErr, code)
				}
			}
			return gqlErr
		}
		pres := graphql.DefaultErrorPresenter(ctx, err)
		code := codeOf(err)
		if code == CodeInternal || code == CodeUnavailable {
			log.ErrorContext(ctx, "request failed", "code", code, "err", err, "path", pres.Path.String())
		}
		pres.Message = UserMessage(err)
		pres.Extensions = map[string]any{"code": code}
		var fe *filter.Error
		if errors.As(err, &fe) {
			// A filter value: the input field it is in, and why.
			pres.Extensions["field"] = "filter." + fe.Field
			pres.Extensions["reason"] = fe.Code
		}
		return pres
	}
}

// UserMessage is the Dutch a user reads for err, chosen by its kind. A
// refusal from below carries the Dutch written for it (bank.UserMessage);
// every error's own text is internal, in English, and never shown.
func UserMessage(err error) string {
	var forbidden *auth.ForbiddenError
	code := codeOf(err)
	if code == CodeBadUserInput || code == CodeNotFound {
		if msg, ok := bank.UserMessage(err); ok {
			return msg
		}
	}
	switch {
	case code == CodeInternal || code == CodeUnavailable:
		return internalMessage(code)
	case code == CodeUnauthenticated:
		return "niet aangemeld: stuur een geldig token als 'Authorization: Bearer <token>'"
	case errors.As(err, &forbidden) && forbidden.AdminOnly:
		return "geen toegang: alleen de beheerder mag dit"
	case errors.As(err, &forbidden):
		return fmt.Sprintf("geen toegang: dit token schrijft alleen in regio %q, niet in %q", forbidden.TokenRegion, forbidden.Region)
	case code == CodeForbidden:
		return "geen toegang"
	case errors.Is(err, auth.ErrNotFound):
		return "dit token bestaat niet"
	case code == CodeNotFound:
		return "niet gevonden"
	}
	return "ongeldige invoer"
}

// complexityLimit finds the limit in gqlgen's complexity error.
var complexityLimit = regexp.MustCompile(`exceeds the limit of (\d+)`)

func internalMessage(code string) string {
	if code == CodeUnavailable {
		return "de dienst is tijdelijk niet beschikbaar; probeer het later opnieuw"
	}
	return "interne fout; de beheerders zijn verwittigd"
}

// Recover turns a panic into an INTERNAL error without a stack trace for the
// client; the panic is logged.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", v)
		return &gqlerror.Error{Message: internalMessage(CodeInternal), Extensions: map[string]any{"code": CodeInternal}}
	}
}
