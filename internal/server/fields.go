package server

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// expandedFields counts the field selections of the document with fragments
// expanded — every operation, and every fragment definition once more, since
// validation walks those too — stopping a little above limit. Validation, the
// depth and the complexity limit all walk the expanded selections, so a small
// document whose fragments spread each other twice over (a "fragment bomb")
// or thousands of copies of one field would otherwise cost exponential or
// quadratic time before any limit answers. Fragments are counted once each
// (memoised), so the count itself is linear in the document.
func expandedFields(doc *ast.QueryDocument, limit int) int {
	memo := map[string]int{}
	visiting := map[string]bool{}
	var count func(set ast.SelectionSet) int
	fragment := func(name string) int {
		if v, ok := memo[name]; ok {
			return v
		}
		f := doc.Fragments.ForName(name)
		if f == nil || visiting[name] {
			return 0 // unknown or cyclic: validation refuses it
		}
		visiting[name] = true
		v := count(f.SelectionSet)
		delete(visiting, name)
		memo[name] = v
		return v
	}
	count = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				n += 1 + count(s.SelectionSet)
			case *ast.InlineFragment:
				n += count(s.SelectionSet)
			case *ast.FragmentSpread:
				n += fragment(s.Name)
			}
			if n > limit {
				return limit + 1
			}
		}
		return n
	}
	total := 0
	for _, op := range doc.Operations {
		total += count(op.SelectionSet)
		if total > limit {
			return limit + 1
		}
	}
	for _, f := range doc.Fragments {
		total += fragment(f.Name)
		if total > limit {
			return limit + 1
		}
	}
	return total
}

// repeatedField finds a response name that one selection set selects more
// than limit times, counting the fields its inline fragments and fragment
// spreads add, and the fields that merge into it from same-named fields
// above it. gqlparser's check that such fields can be merged compares them
// pairwise, and reports each differing pair: 1,800 copies of one field with
// different arguments cost seconds, gigabytes and an error body of hundreds
// of megabytes. Bounding the fields of one name bounds that work. It returns
// the name and its count, or "" and 0. The walk is linear in the expanded
// fields, so it runs after expandedFields has bounded those; past budget
// fields (only a fragment cycle through a field gets there) it answers "", -1.
func repeatedField(doc *ast.QueryDocument, limit, budget int) (string, int) {
	steps := 0
	var check func(sets []ast.SelectionSet) (string, int)
	check = func(sets []ast.SelectionSet) (string, int) {
		var order []string
		groups := map[string][]*ast.Field{}
		visiting := map[string]bool{}
		var collect func(set ast.SelectionSet)
		collect = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch s := sel.(type) {
				case *ast.Field:
					steps++
					name := s.Alias
					if name == "" {
						name = s.Name
					}
					if _, ok := groups[name]; !ok {
						order = append(order, name)
					}
					groups[name] = append(groups[name], s)
				case *ast.InlineFragment:
					collect(s.SelectionSet)
				case *ast.FragmentSpread:
					f := doc.Fragments.ForName(s.Name)
					if f == nil || visiting[s.Name] {
						continue
					}
					visiting[s.Name] = true
					collect(f.SelectionSet)
					delete(visiting, s.Name)
				}
			}
		}
		for _, set := range sets {
			collect(set)
		}
		if steps > budget {
			return "", -1
		}
		for _, name := range order {
			fields := groups[name]
			if len(fields) > limit {
				return name, len(fields)
			}
			var subs []ast.SelectionSet
			for _, f := range fields {
				if len(f.SelectionSet) > 0 {
					subs = append(subs, f.SelectionSet)
				}
			}
			if len(subs) > 0 {
				if name, n := check(subs); n != 0 {
					return name, n
				}
			}
		}
		return "", 0
	}
	for _, op := range doc.Operations {
		if name, n := check([]ast.SelectionSet{op.SelectionSet}); n != 0 {
			return name, n
		}
	}
	for _, f := range doc.Fragments {
		if name, n := check([]ast.SelectionSet{f.SelectionSet}); n != 0 {
			return name, n
		}
	}
	return "", 0
}
