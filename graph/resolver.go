// Package graph is the GraphQL layer of Praktijkenbank: the gqlgen-generated
// executable schema, thin resolvers over internal/bank, the error presenter
// and the per-request loaders.
package graph

//go:generate go tool gqlgen generate

import (
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/bank"
)

// Resolver holds the dependencies of every resolver.
type Resolver struct {
	Bank *bank.Bank
	Auth *auth.Service
}
