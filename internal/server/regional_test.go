package server_test

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
)

// TestRemoveRegionalAction: a platform removes its own action once no live
// practice cites it; another region's platform may not; an unknown id is
// NOT_FOUND.
func TestRemoveRegionalAction(t *testing.T) {
	e := newEnv(t)
	limburg, antwerpen := platformToken(t, e, "limburg"), platformToken(t, e, "antwerpen")
	var put struct {
		PutRegionalAction struct{ Action struct{ ID string } }
	}
	e.client.MustPost(`mutation { putRegionalAction(input: {id: "limburg:buurtpensioen", title: "Buurtpensioen", challenge: "vermaatschappelijking"}) { action { id } } }`,
		&put, bearer(limburg))
	in := inventoryVar(t)
	practices := in["practices"].([]any)
	first := practices[0].(map[string]any)
	first["actions"] = append(first["actions"].([]any), "limburg:buurtpensioen")
	var sub submitResp
	e.client.MustPost(submitMutation, &sub, client.Var("in", in), bearer(limburg))
	if sub.SubmitInventory.Created != 2 {
		t.Fatalf("submit: %+v", sub.SubmitInventory)
	}

	const remove = `mutation { removeRegionalAction(id: "limburg:buurtpensioen") { id } }`
	var resp struct{ RemoveRegionalAction struct{ ID string } }
	for _, tt := range []struct {
		name string
		opts []client.Option
		code string
	}{
		{"no token", nil, "UNAUTHENTICATED"},
		{"other region", []client.Option{bearer(antwerpen)}, "FORBIDDEN"},
		{"still cited", []client.Option{bearer(limburg)}, "BAD_USER_INPUT"},
	} {
		if err := e.client.Post(remove, &resp, tt.opts...); err == nil || !strings.Contains(err.Error(), tt.code) {
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.code)
		}
	}
	var w struct {
		WithdrawPractice struct{ Practice struct{ ID string } }
	}
	e.client.MustPost(`mutation($id: ID!) { withdrawPractice(id: $id, reason: "Gestopt.") { practice { id } } }`, &w,
		client.Var("id", practiceIDOf(t, e, first["ref"].(string))), bearer(limburg))
	e.client.MustPost(remove, &resp, bearer(limburg))
	if resp.RemoveRegionalAction.ID != "limburg:buurtpensioen" {
		t.Errorf("removed %q", resp.RemoveRegionalAction.ID)
	}
	if err := e.client.Post(remove, &resp, bearer(limburg)); err == nil || !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Errorf("removing it again: err = %v, want NOT_FOUND", err)
	}
}
