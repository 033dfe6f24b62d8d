// Package model holds the GraphQL types that have no domain type of their own:
// payloads, connections and edges (generated in models_gen.go).
package model

// Node is any object with a global id. The domain types (practice.Practice,
// actionplan.Challenge, ...) are nodes without knowing about GraphQL, so the
// interface asks nothing of them; the node resolver decides what an id is.
type Node interface{}
