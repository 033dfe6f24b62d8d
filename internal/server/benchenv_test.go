package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/actionplan"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/search"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/bolt"
)

// newBenchEnv is a server (without a search index) over n generated
// practices, all of Limburg.
func newBenchEnv(b *testing.B, n int) http.Handler {
	b.Helper()
	st, err := bolt.Open(filepath.Join(b.TempDir(), "pkb.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	plan := actionplan.Default()
	bk, err := bank.New(context.Background(), st, nil, plan, nil)
	if err != nil {
		b.Fatal(err)
	}
	in := practice.InventoryInput{Region: "limburg", Title: "Gegenereerd"}
	search.GenerateEach(n, 1, func(p practice.Practice) {
		in.Practices = append(in.Practices, practice.PracticeInput{Ref: p.Ref, Content: p.Content})
	})
	res, err := bk.Submit(context.Background(), auth.Admin, in, bank.SubmitOptions{Source: "bench"})
	if err != nil || len(res.Problems) > 0 {
		b.Fatalf("%v %v", err, res.Problems[:min(3, len(res.Problems))])
	}
	a := auth.NewService(st, adminToken, func(id string) bool { _, ok := plan.Region(id); return ok }, store.ErrNotFound)
	return server.New(server.Deps{Bank: bk, Auth: a, Log: slog.New(slog.DiscardHandler)}, server.Defaults())
}
