package bank_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
)

// exported runs an export of query and f for who and returns the refs and
// contact e-mails it holds.
func exported(t *testing.T, e env, who *auth.Principal, query string, f search.Filter) (refs, emails []string) {
	t.Helper()
	ctx := context.Background()
	sel, err := e.bank.SelectExport(ctx, query, f, 100)
	if err != nil {
		t.Fatal(err)
	}
	err = e.bank.ScanExport(ctx, sel, who, func(p practice.Practice) error {
		refs = append(refs, p.Ref)
		if p.Contact != nil && p.Contact.Email != "" {
			emails = append(emails, p.Contact.Email)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(refs)
	return refs, emails
}

func TestExportSelectsByFilterAndQuery(t *testing.T) {
	e := newEnv(t)
	submit(t, e, limburg, readInventory(t, "limburg.json"))
	for _, tc := range []struct {
		name  string
		query string
		f     search.Filter
		want  []string
	}{
		{"everything", "", search.Filter{}, []string{"lim-2022-001", "lim-2022-002"}},
		{"filter", "", search.Filter{Krachtlijnen: []string{"VERBINDEND"}}, []string{"lim-2022-001"}},
		{"query", "digipunt", search.Filter{}, []string{"lim-2022-002"}},
		{"query within filter", "digipunt", search.Filter{Krachtlijnen: []string{"VERBINDEND"}}, nil},
		{"other region", "", search.Filter{Regions: []string{"antwerpen"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if refs, _ := exported(t, e, auth.Admin, tc.query, tc.f); !slices.Equal(refs, tc.want) {
				t.Errorf("export holds %v, want %v", refs, tc.want)
			}
		})
	}
	if _, err := e.bank.Withdraw(context.Background(), limburg, practice.ID("limburg", "lim-2022-002"), "test"); err != nil {
		t.Fatal(err)
	}
	if refs, _ := exported(t, e, auth.Admin, "", search.Filter{}); !slices.Equal(refs, []string{"lim-2022-001"}) {
		t.Errorf("after a withdrawal the export holds %v, want only the live lim-2022-001", refs)
	}
}

func TestExportRefusesTooManyMatches(t *testing.T) {
	e := newEnv(t)
	submit(t, e, limburg, readInventory(t, "limburg.json"))
	_, err := e.bank.SelectExport(context.Background(), "limburg OR genk OR hasselt", search.Filter{}, 1)
	if !errors.Is(err, bank.ErrTooMany) {
		t.Errorf("two matches with room for one: %v, want ErrTooMany", err)
	}
}

// An export is a list: the contact's e-mail only for the admin and the
// practice's own region.
func TestExportFollowsTheContactPolicy(t *testing.T) {
	e := newEnv(t)
	submit(t, e, limburg, readInventory(t, "limburg.json"))
	for _, tc := range []struct {
		who  *auth.Principal
		want int
	}{{nil, 0}, {antwerpen, 0}, {limburg, 1}, {auth.Admin, 1}} {
		if _, emails := exported(t, e, tc.who, "", search.Filter{}); len(emails) != tc.want {
			t.Errorf("%v sees e-mails %v, want %d", tc.who, emails, tc.want)
		}
	}
	p, _, err := e.bank.Practice(context.Background(), practice.ID("limburg", "lim-2022-001"))
	if err != nil || p.Contact == nil || p.Contact.Email == "" {
		t.Errorf("an anonymous export changed the stored contact: %+v %v", p.Contact, err)
	}
}
