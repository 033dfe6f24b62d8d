// Package layers holds no code: it states which way Praktijkenbank's
// packages may depend on each other, and its test fails when an import goes
// the other way.
//
//	cmd/praktijkenbank                     wires everything
//	internal/server                        the HTTP face: composes the three below
//	graph  internal/web  internal/export   presentation: GraphQL, the site, exports
//	internal/bank                          the use cases
//	internal/store  internal/search  internal/insight  internal/follow  internal/metrics
//	internal/importer  internal/demo  internal/filter   inventories in and out; the one filter
//	internal/practice  internal/auth       the domain
//	internal/actionplan  internal/rest  internal/dutch  internal/refusal
//	                                       the plan; the REST error shape; Dutch text analysis; a refusal's English (logs) and Dutch (users)
//
// A package imports only packages of its own row or a lower one, and of its
// own row only what the rows below it do not see (server composes graph, web
// and export; insight uses search's filter; follow keeps search current from
// the store). graph and the site go through the bank: neither imports the
// store, and of the search and the research view they use only the value
// types and constants they hand to the bank or get from it, calling nothing
// of them: of the search and of insight graph names only the value types
// that gqlgen.yml binds as GraphQL models (the facets; the research results),
// which gqlgen names by their own package even through an alias. HTML is
// rendered in internal/web only; the server's GraphiQL page is a constant,
// the playground's static shell.
package layers
