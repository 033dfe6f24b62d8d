package bank

import (
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// ContactOf is the contact policy, the one place that decides who sees the
// personal data of a practice's contact (e-mail and phone). A practitioner
// must be able to reach the people behind a practice, so a practice read by
// itself (its page, GraphQL practice, practiceByRef or node) shows them to
// anyone. Everything that returns many practices (searches, lists, similar
// practices, factor groups, exports) leaves them out, unless who may write
// the practice's region: its regional platform or the admin. Organisation and
// website are not personal and always stay. The result is a copy: callers may
// not change the practice's own contact through it.
func ContactOf(who *auth.Principal, p *practice.Practice, alone bool) *practice.Contact {
	if p == nil || p.Contact == nil {
		return nil
	}
	c := *p.Contact
	if alone || auth.CanWrite(who, p.Region) == nil {
		return &c
	}
	c.Email, c.Phone = "", ""
	if c == (practice.Contact{}) {
		return nil
	}
	return &c
}
