package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
)

// TestContactPolicy: the contact e-mail of a practice is shown when the
// practice is asked by itself (practice, practiceByRef, node), and left out
// of every list for anonymous readers and for another region's platform; the
// practice's own platform and the admin see it everywhere.
func TestContactPolicy(t *testing.T) {
	e := newEnv(t)
	limburg := platformToken(t, e, "limburg")
	antwerpen := platformToken(t, e, "antwerpen")
	var sub submitResp
	e.client.MustPost(submitMutation, &sub, client.Var("in", inventoryVar(t)), bearer(limburg))
	id := practiceIDOf(t, e, "lim-2022-001")
	const email = "wijkteam@example.org"

	single := map[string]string{
		"practice":      `query($id: ID!) { practice(id: $id) { contact { email organisation } } }`,
		"practiceByRef": `{ practiceByRef(region: "limburg", ref: "lim-2022-001") { contact { email } } }`,
		"node":          `query($id: ID!) { node(id: $id) { ... on Practice { contact { email } } } }`,
	}
	lists := map[string]string{
		"searchPractices":      `{ searchPractices(query: "wijkteam") { edges { node { contact { email organisation } } } } }`,
		"action.practices":     `{ actionPlan { challenges { actions { practices { edges { node { contact { email organisation } } } } } } } }`,
		"inventory.practices":  `query($inv: ID!) { inventory(id: $inv) { practices { edges { node { contact { email organisation } } } } } }`,
		"similarPractices":     `query($id: ID!) { practice(id: $id) { similar(first: 20) { contact { email } } } similarPractices(id: $id, first: 20) { contact { email } } }`,
		"practice.similar":     `query($id: ID!) { practice(id: $id) { id similar(first: 20) { similar(first: 20) { contact { email } } } } }`,
		"two single reads":     `query($id: ID!) { a: practice(id: $id) { contact { email } } b: practice(id: $id) { contact { email } } }`,
		"single and node":      `query($id: ID!) { a: practice(id: $id) { contact { email } } node(id: $id) { ... on Practice { contact { email } } } }`,
		"inventory via single": `query($id: ID!) { practice(id: $id) { inventory { practices { edges { node { contact { email } } } } } } }`,
	}
	post := func(q string, opts ...client.Option) string {
		t.Helper()
		opts = append(opts, client.Var("id", id), client.Var("inv", sub.SubmitInventory.Inventory.ID))
		resp, err := e.client.RawPost(q, opts...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if len(resp.Errors) > 0 {
			t.Fatalf("%s: %s", q, resp.Errors)
		}
		data, _ := json.Marshal(resp.Data)
		return string(data)
	}
	for name, q := range single {
		if got := post(q); !strings.Contains(got, email) {
			t.Errorf("%s asked alone, anonymous: no e-mail in %s", name, got)
		}
	}
	for name, q := range lists {
		got := post(q)
		if strings.Contains(got, email) {
			t.Errorf("%s, anonymous: the e-mail is in %s", name, got)
		}
		if strings.Contains(q, "organisation") && !strings.Contains(got, "OCMW Genk") {
			t.Errorf("%s, anonymous: the organisation is gone: %s", name, got)
		}
		if got := post(q, bearer(antwerpen)); strings.Contains(got, email) {
			t.Errorf("%s with another region's token: the e-mail is in %s", name, got)
		}
	}
	for _, name := range []string{"searchPractices", "inventory.practices", "two single reads"} {
		for who, token := range map[string]string{"own platform": limburg, "admin": adminToken} {
			if got := post(lists[name], bearer(token)); !strings.Contains(got, email) {
				t.Errorf("%s for the %s: no e-mail in %s", name, who, got)
			}
		}
	}
}
