package practice_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func TestLimitProblems(t *testing.T) {
	var ps practice.Problems
	for i := range 1005 {
		ps = append(ps, practice.Problem{Path: fmt.Sprintf("practices[%d]", i), Code: practice.CodeRequired, Message: "x"})
	}
	got := practice.LimitProblems(ps, 1000, 12340)
	if len(got) != 1001 || got[999].Path != "practices[999]" {
		t.Fatalf("kept %d, last kept %v", len(got), got[len(got)-2])
	}
	last := got[1000]
	if last.Code != practice.CodeMoreProblems || !strings.Contains(last.Message, "en nog 12.345 problemen") {
		t.Errorf("summary = %v", last)
	}
	// A summary in the input is replaced, not repeated.
	again := practice.LimitProblems(got, 1000, 12345)
	if len(again) != 1001 || again[1000].Message != last.Message {
		t.Errorf("again: %d, %v", len(again), again[len(again)-1])
	}
	if got := practice.LimitProblems(ps[:3], 1000, 0); len(got) != 3 {
		t.Errorf("short list changed: %v", got)
	}
	if got := practice.LimitProblems(ps[:3], 1000, 1); !strings.Contains(got[3].Message, "en nog 1 probleem.") {
		t.Errorf("one more: %v", got[3])
	}
}
