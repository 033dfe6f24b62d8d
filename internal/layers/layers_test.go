package layers_test

import (
	"go/types"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

const module = "github.com/sterk-sociaal-werk/praktijkenbank/"

// rank is the row of a package in the picture of the package doc: a package
// imports only packages of a lower rank, or of its own where allowed below.
// Test helper packages (…test) rank with what they help test.
var ranks = []struct {
	prefix string
	rank   int
}{
	{"cmd/", 7},
	{"internal/server", 6},
	{"graph", 5}, {"internal/web", 5}, {"internal/export", 5},
	{"internal/bank", 4},
	{"internal/store", 3}, {"internal/search", 3}, {"internal/insight", 3}, {"internal/follow", 3}, {"internal/metrics", 3},
	{"internal/importer", 2}, {"internal/demo", 2}, {"internal/filter", 2},
	{"internal/practice", 1}, {"internal/auth", 1},
	{"internal/actionplan", 0}, {"internal/rest", 0}, {"internal/dutch", 0}, {"internal/layers", 0}, {"internal/refusal", 0},
}

// sameRank are the imports allowed within a rank.
var sameRank = map[string][]string{
	"internal/insight": {"internal/search"},                   // the search's filter
	"internal/follow":  {"internal/search", "internal/store"}, // keeps the index current from the store
	"internal/metrics": {"internal/store"},                    // measures the store
}

func rankOf(t *testing.T, path string) int {
	for _, r := range ranks {
		if path == r.prefix || strings.HasPrefix(path, r.prefix+"/") || (strings.HasSuffix(r.prefix, "/") && strings.HasPrefix(path, r.prefix)) {
			return r.rank
		}
	}
	t.Errorf("package %s has no rank: add it to the picture in doc.go and to ranks", path)
	return -1
}

// area is the first two elements of a path (internal/store/bolt: internal/store).
func area(path string) string {
	parts := strings.SplitN(path, "/", 3)
	if len(parts) >= 2 && parts[0] == "internal" {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

func load(t *testing.T, mode packages.LoadMode, patterns ...string) []*packages.Package {
	t.Helper()
	pkgs, err := packages.Load(&packages.Config{Mode: mode, Dir: "../.."}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("packages did not load")
	}
	return pkgs
}

// TestImportsGoDown checks every production import between the module's
// packages against the ranks.
func TestImportsGoDown(t *testing.T) {
	pkgs := load(t, packages.NeedName|packages.NeedImports, "./...")
	if len(pkgs) < 20 {
		t.Fatalf("only %d packages loaded", len(pkgs))
	}
	for _, p := range pkgs {
		from := strings.TrimPrefix(p.PkgPath, module)
		rf := rankOf(t, from)
		for imp := range p.Imports {
			to, ok := strings.CutPrefix(imp, module)
			if !ok {
				continue
			}
			rt := rankOf(t, to)
			switch {
			case rt < rf, area(from) == area(to), from == "graph" && to == "graph/model":
			case rt == rf && slices.Contains(sameRank[area(from)], area(to)):
			default:
				t.Errorf("%s imports %s: an import goes down the layers only (see internal/layers)", from, to)
			}
		}
	}
}

// The presentation packages reach the store, the index and the research
// view through the bank: they do not import the store, and of the search and
// the research view they use only types, constants and struct fields — the
// values they hand to the bank or get from it — never a function, method or
// variable. The GraphQL models gqlgen.yml binds to the search's facets and
// the research view's results are such types.
var throughTheBank = []struct {
	pkg       string
	forbidden []string // areas it may not import at all
}{
	{"graph", []string{"internal/store"}},
	{"internal/web", []string{"internal/store"}},
}

// TestPresentationGoesThroughTheBank checks throughTheBank.
func TestPresentationGoesThroughTheBank(t *testing.T) {
	var patterns []string
	for _, c := range throughTheBank {
		patterns = append(patterns, "./"+c.pkg)
	}
	pkgs := load(t, packages.NeedName|packages.NeedImports|packages.NeedTypes|packages.NeedTypesInfo|packages.NeedSyntax, patterns...)
	for i, c := range throughTheBank {
		p := pkgs[i]
		if p.PkgPath != module+c.pkg {
			t.Fatalf("loaded %s for %s", p.PkgPath, c.pkg)
		}
		for imp := range p.Imports {
			if to, _ := strings.CutPrefix(imp, module); slices.Contains(c.forbidden, area(to)) {
				t.Errorf("%s imports %s: that is the bank's to call", c.pkg, to)
			}
		}
		for id, obj := range p.TypesInfo.Uses {
			if obj.Pkg() == nil {
				continue
			}
			if a := area(strings.TrimPrefix(obj.Pkg().Path(), module)); a != "internal/search" && a != "internal/insight" {
				continue
			}
			switch o := obj.(type) {
			case *types.TypeName, *types.Const:
			case *types.Var:
				if !o.IsField() {
					t.Errorf("%s: %s uses the variable %s.%s", p.Fset.Position(id.Pos()), c.pkg, o.Pkg().Name(), o.Name())
				}
			default:
				t.Errorf("%s: %s calls %s.%s: go through the bank", p.Fset.Position(id.Pos()), c.pkg, obj.Pkg().Name(), obj.Name())
			}
		}
	}
}

// TestHTMLOnlyInWeb: only the web site renders HTML with templates.
func TestHTMLOnlyInWeb(t *testing.T) {
	for _, p := range load(t, packages.NeedName|packages.NeedImports, "./...") {
		from := strings.TrimPrefix(p.PkgPath, module)
		for _, tmpl := range []string{"html/template", "text/template"} {
			if _, ok := p.Imports[tmpl]; ok && area(from) != "internal/web" {
				t.Errorf("%s imports %s: HTML belongs in internal/web", from, tmpl)
			}
		}
	}
}
