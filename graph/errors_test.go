package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

func TestErrorPresenterCodes(t *testing.T) {
	var counted []string
	present := ErrorPresenter(slog.New(slog.DiscardHandler), func(code string) { counted = append(counted, code) })
	tests := []struct {
		err      error
		code     string
		hideText bool
	}{
		{fmt.Errorf("x: %w", auth.ErrUnauthenticated), CodeUnauthenticated, false},
		{fmt.Errorf("x: %w", auth.ErrForbidden), CodeForbidden, false},
		{fmt.Errorf("x: %w", store.ErrNotFound), CodeNotFound, false},
		{fmt.Errorf("%w: first te groot", bank.ErrInvalid), CodeBadUserInput, false},
		{fmt.Errorf("db: %w", store.ErrUnavailable), CodeUnavailable, true},
		{errors.New("disk full at /var/lib/secret"), CodeInternal, true},
		{&gqlerror.Error{Message: "Cannot query field", Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}, CodeBadUserInput, false},
	}
	for _, tt := range tests {
		got := present(context.Background(), tt.err)
		if got.Extensions["code"] != tt.code {
			t.Errorf("%v: code %v, want %s", tt.err, got.Extensions["code"], tt.code)
		}
		if tt.hideText && strings.Contains(got.Message, "secret") || tt.hideText && strings.Contains(got.Message, "db:") {
			t.Errorf("%v: internal detail shown: %q", tt.err, got.Message)
		}
	}
	if len(counted) != len(tests) {
		t.Errorf("counted %d errors, want %d", len(counted), len(tests))
	}
}

func TestRecoverHidesThePanic(t *testing.T) {
	err := Recover(slog.New(slog.DiscardHandler))(context.Background(), "index out of range [5] with length 3")
	var gqlErr *gqlerror.Error
	if !errors.As(err, &gqlErr) || gqlErr.Extensions["code"] != CodeInternal || strings.Contains(gqlErr.Message, "index out of range") {
		t.Fatalf("recovered error = %#v", err)
	}
}
