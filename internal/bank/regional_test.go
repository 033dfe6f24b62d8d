package bank_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
)

func TestRemoveRegionalAction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	in := bank.RegionalActionInput{ID: "limburg:buurtpensioen", Title: "Buurtpensioen", Challenge: "vermaatschappelijking"}
	if _, err := e.bank.PutRegionalAction(ctx, limburg, in); err != nil {
		t.Fatal(err)
	}
	inv := readInventory(t, "limburg.json")
	inv.Practices[0].Actions = append(inv.Practices[0].Actions, in.ID)
	res := submit(t, e, limburg, inv)

	if err := e.bank.RemoveRegionalAction(ctx, antwerpen, in.ID); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("removed by another region: err = %v, want ErrForbidden", err)
	}
	err := e.bank.RemoveRegionalAction(ctx, limburg, in.ID)
	if msg, _ := bank.UserMessage(err); !errors.Is(err, bank.ErrInvalid) || !strings.HasPrefix(msg, "1 praktijk(en) verwijzen nog") {
		t.Errorf("removing a cited action: err = %v, want ErrInvalid naming 1 practice", err)
	}
	if err := e.bank.RemoveRegionalAction(ctx, limburg, "digitalisering-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing a plan action: err = %v, want ErrNotFound", err)
	}
	if _, err := e.bank.Withdraw(ctx, limburg, res.Outcomes[0].ID, "Gestopt."); err != nil {
		t.Fatal(err)
	}
	if err := e.bank.RemoveRegionalAction(ctx, limburg, in.ID); err != nil {
		t.Fatalf("removing an action only a withdrawn practice cites: %v", err)
	}
	if _, ok := e.bank.Plan().Action(in.ID); ok {
		t.Error("the action is still in the plan")
	}
	if err := e.bank.RemoveRegionalAction(ctx, limburg, in.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing it again: err = %v, want ErrNotFound", err)
	}
}
