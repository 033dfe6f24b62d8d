package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

func TestErrorPresenterCodes(t *testing.T) {
	var counted []string
	present := ErrorPresenter(slog.New(slog.DiscardHandler), func(code string) { counted = append(counted, code) })
	tests := []struct {
		err      error
		code     string
		hideText bool
		message  string // the Dutch the user reads ("": not checked)
	}{
		{fmt.Errorf("x: %w", auth.ErrUnauthenticated), CodeUnauthenticated, false, "niet aangemeld: stuur een geldig token als 'Authorization: Bearer <token>'"},
		{fmt.Errorf("x: %w", auth.ErrForbidden), CodeForbidden, false, "geen toegang"},
		{auth.CanWrite(&auth.Principal{Role: auth.RolePlatform, Region: "limburg"}, "antwerpen"), CodeForbidden, false, `geen toegang: dit token schrijft alleen in regio "limburg", niet in "antwerpen"`},
		{auth.RequireAdmin(&auth.Principal{Role: auth.RolePlatform, Region: "limburg"}), CodeForbidden, false, "geen toegang: alleen de beheerder mag dit"},
		{fmt.Errorf("bolt: practice pr_1: %w", store.ErrNotFound), CodeNotFound, true, "niet gevonden"},
		{fmt.Errorf("revoke: %w: tok_1", auth.ErrNotFound), CodeNotFound, true, "dit token bestaat niet"},
		{fmt.Errorf("field first: %w", refusal.New(bank.ErrInvalid, "first too large", "first te groot")), CodeBadUserInput, false, "first te groot"},
		{refusal.New(auth.ErrInvalid, "label too long", "het label is te lang"), CodeBadUserInput, false, "het label is te lang"},
		{fmt.Errorf("%w: db: first too large", bank.ErrInvalid), CodeBadUserInput, true, "ongeldige invoer"},
		{fmt.Errorf("db: %w", store.ErrUnavailable), CodeUnavailable, true, "de dienst is tijdelijk niet beschikbaar; probeer het later opnieuw"},
		{errors.New("disk full at /var/lib/secret"), CodeInternal, true, "interne fout; de beheerders zijn verwittigd"},
		{&gqlerror.Error{Message: "Cannot query field", Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}, CodeBadUserInput, false, ""},
	}
	for _, tt := range tests {
		got := present(context.Background(), tt.err)
		if got.Extensions["code"] != tt.code {
			t.Errorf("%v: code %v, want %s", tt.err, got.Extensions["code"], tt.code)
		}
		if tt.message != "" && got.Message != tt.message {
			t.Errorf("%v: message %q, want %q", tt.err, got.Message, tt.message)
		}
		if tt.hideText && (strings.Contains(got.Message, "pr_1") || strings.Contains(got.Message, "tok_1")) {
			t.Errorf("%v: internal detail shown: %q", tt.err, got.Message)
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

func TestGqlparserMessagesInDutch(t *testing.T) {
	present := ErrorPresenter(slog.New(slog.DiscardHandler), nil)
	tests := []struct {
		english, reason string
		path            ast.Path
		want            string
	}{
		{`Cannot query field "regios" on type "ActionPlan". Did you mean "regions"?`, "GRAPHQL_VALIDATION_FAILED", nil,
			`het veld "regios" bestaat niet op het type "ActionPlan"; bedoelt u "regions"?`},
		{`Variable "$in" of required type "InventoryInput!" was not provided.`, "GRAPHQL_VALIDATION_FAILED", nil,
			`de variabele $in (type InventoryInput!) ontbreekt`},
		{"cannot be null", "GRAPHQL_VALIDATION_FAILED", ast.Path{ast.PathName("variable"), ast.PathName("in"), ast.PathName("practices"), ast.PathIndex(3), ast.PathName("title")},
			"variabele $in.practices[3].title: mag niet null zijn"},
		{"Expected Name, found <EOF>", "GRAPHQL_PARSE_FAILED", nil, "syntaxfout: verwacht Name, gevonden <EOF>"},
		{`There can be only one input field named "fromYear".`, "GRAPHQL_VALIDATION_FAILED", nil, `het invoerveld "fromYear" staat er meer dan eens`},
		{`There can be only one variable named "$v".`, "GRAPHQL_VALIDATION_FAILED", nil, `de variabele $v staat er meer dan eens`},
		{"a message nobody foresaw", "GRAPHQL_VALIDATION_FAILED", nil, "de query past niet bij het schema"},
	}
	for _, tt := range tests {
		e := &gqlerror.Error{Message: tt.english, Path: tt.path, Extensions: map[string]any{"code": tt.reason}}
		got := present(context.Background(), e)
		if got.Message != tt.want || got.Extensions["detail"] != tt.english || got.Extensions["code"] != CodeBadUserInput ||
			got.Extensions["reason"] != tt.reason || len(got.Path) != len(tt.path) {
			t.Errorf("%q: %q %v", tt.english, got.Message, got.Extensions)
		}
	}
	// An error of execution without a code keeps its message.
	e := present(context.Background(), &gqlerror.Error{Message: "must not be null"})
	if e.Message != "must not be null" || e.Extensions["code"] != CodeBadUserInput {
		t.Errorf("execution error: %q %v", e.Message, e.Extensions)
	}
}

// TestSearchRefusalsInDutch: the search index's errors are English; a
// refused search reaches the user with the index's Dutch message.
func TestSearchRefusalsInDutch(t *testing.T) {
	present := ErrorPresenter(slog.New(slog.DiscardHandler), nil)
	ix, err := search.Open(filepath.Join(t.TempDir(), "index"), actionplan.Default(), search.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, refused := ix.Search(context.Background(), search.Request{After: "not-a-cursor"})
	got := present(context.Background(), fmt.Errorf("%w: %w", bank.ErrInvalid, refused))
	if got.Extensions["code"] != CodeBadUserInput || !strings.Contains(got.Message, "onleesbare cursor") || strings.Contains(got.Message, "unreadable") {
		t.Errorf("got %q (%v), want the Dutch message", got.Message, got.Extensions["code"])
	}
}
