package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/demo"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// env is the real server stack over a bbolt store and a Bleve index in a
// temporary directory, with the demo inventories and a few test practices.
// It is built once for the package (and only read by the tests).
type env struct {
	bank    *bank.Bank
	auth    *auth.Service
	handler http.Handler // the whole server, as the binary serves it

	xssID       string // titled <script>alert(1)</script>, version 2
	withdrawnID string
	demoID      string // a demo practice with actions
	demoAction  string // one of its actions
	live        int    // live practices
}

var testEnv *env

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pkb-web-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	e, cleanup, err := newEnv(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "test environment:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	testEnv = e
	code := m.Run()
	cleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

const xssTitle = `<script>alert(1)</script>`

func newEnv(dir string) (*env, func(), error) {
	ctx := context.Background()
	var closers []func()
	cleanup := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	st, err := bolt.Open(filepath.Join(dir, "pkb.db"))
	if err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, func() { st.Close() })
	plan := actionplan.Default()
	ix, err := search.Open(filepath.Join(dir, "index"), plan)
	if err != nil {
		return nil, cleanup, err
	}
	closers = append(closers, func() { ix.Close() })
	b, err := bank.New(ctx, st, ix, plan, nil)
	if err != nil {
		return nil, cleanup, err
	}
	e := &env{bank: b}

	start, end := 2021, 2023
	xss := practice.PracticeInput{Ref: "xss-1", Content: practice.Content{
		Title:        xssTitle,
		Summary:      `Een praktijk met <b>opmaak</b> & "aanhalingstekens" in de tekst.`,
		Description:  "Eerste alinea over <img src=x onerror=alert(2)>.\n\nTweede alinea.",
		Krachtlijnen: []string{"NABIJHEID"}, Challenges: []string{"digitalisering"}, Actions: []string{"digitalisering-3"},
		TargetGroups: []string{"<i>jongeren</i>"}, SuccessFactors: []string{"<u>Vertrouwen</u>"},
		StartYear: &start, EndYear: &end,
		Links:   []string{"https://example.org/praktijk?a=1&b=<2>"},
		Contact: &practice.Contact{Organisation: "Testorganisatie", Email: "info@example.org", Website: "https://example.org"},
	}}
	gone := practice.PracticeInput{Ref: "weg-1", Content: practice.Content{
		Title: "Buurtrestaurant dat stopte", Summary: "Een buurtrestaurant in Gent.", Krachtlijnen: []string{"VERBINDEND"},
	}}
	in := practice.InventoryInput{Region: "oost-vlaanderen", Title: "Testinventaris", Practices: []practice.PracticeInput{xss, gone}}
	if err := submit(ctx, b, in); err != nil {
		return nil, cleanup, err
	}
	xss.Summary += " Aangevuld."
	in.Practices = []practice.PracticeInput{xss}
	if err := submit(ctx, b, in); err != nil {
		return nil, cleanup, err
	}
	e.xssID = practice.ID("oost-vlaanderen", "xss-1")
	e.withdrawnID = practice.ID("oost-vlaanderen", "weg-1")
	if _, err := b.Withdraw(ctx, auth.Admin, e.withdrawnID, "Het project is gestopt in 2023."); err != nil {
		return nil, cleanup, err
	}
	e.live++ // the xss practice

	// The demo inventory last: a real submission after it would remove it.
	invs, err := demo.Inventories()
	if err != nil {
		return nil, cleanup, err
	}
	for _, in := range invs {
		res, err := b.Submit(ctx, auth.Admin, in, bank.SubmitOptions{Source: "demo", Demo: true})
		if err != nil {
			return nil, cleanup, err
		}
		if len(res.Problems) > 0 {
			return nil, cleanup, res.Problems
		}
		e.live += res.Created
		if e.demoID == "" {
			for i, p := range in.Practices {
				if len(p.Actions) > 0 {
					e.demoID, e.demoAction = res.Outcomes[i].ID, p.Actions[0]
					break
				}
			}
		}
	}

	a := auth.NewService(st, "test-admin-token-0123456789", func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)
	e.auth = a
	e.handler = server.New(server.Deps{Bank: b, Auth: a, Log: slog.New(slog.DiscardHandler)}, server.Defaults())
	return e, cleanup, nil
}

func submit(ctx context.Context, b *bank.Bank, in practice.InventoryInput) error {
	res, err := b.Submit(ctx, auth.Admin, in, bank.SubmitOptions{Source: "test"})
	if err != nil {
		return err
	}
	if len(res.Problems) > 0 {
		return res.Problems
	}
	return nil
}
