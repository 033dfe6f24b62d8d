package refusal_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

func TestRefusalSpeaksTwoLanguages(t *testing.T) {
	errInvalid := errors.New("invalid input")
	err := fmt.Errorf("withdraw pr_1: %w", refusal.New(errInvalid, "reason of %d characters, at most %d", "geef een reden op van hoogstens %[2]d tekens", 1200, 1000))
	if got, want := err.Error(), "withdraw pr_1: invalid input: reason of 1200 characters, at most 1000"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, errInvalid) {
		t.Errorf("%v is not its kind", err)
	}
	if msg, ok := refusal.Dutch(err); !ok || msg != "geef een reden op van hoogstens 1000 tekens" {
		t.Errorf("Dutch = %q, %v", msg, ok)
	}
	plain := refusal.New(errInvalid, "100% sure", "100% zeker") // no args: the texts are kept as they are
	if msg, _ := refusal.Dutch(plain); msg != "100% zeker" || plain.Error() != "invalid input: 100% sure" {
		t.Errorf("without args: %q, %q", plain.Error(), msg)
	}
	if msg, ok := refusal.Dutch(fmt.Errorf("db: %w", errInvalid)); ok || msg != "" {
		t.Errorf("a plain error has Dutch %q", msg)
	}
}
