package server

import (
	"net/http"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/rest"
)

// A route answers the requests its guards refuse (a bad token, the rate
// limit) in its own shape: /graphql in GraphQL's ({"errors":[{"message",
// "extensions":{"code","reason"}}]}, see answer.go), the REST routes (the
// exports, /metrics, /admin/backup) in the REST shape of internal/rest
// ({"error":{"code","message"}}), with the same codes and the same status.

// refuser writes the answer to a refused request.
type refuser func(w http.ResponseWriter, r *http.Request, f *refusal)

// inGraphQL answers a refusal as a GraphQL request that never ran, in the
// media type the client accepts.
func inGraphQL(w http.ResponseWriter, r *http.Request, f *refusal) { answerTo(w, r).refuse(f) }

// inREST answers a refusal in the REST shape.
func inREST(w http.ResponseWriter, _ *http.Request, f *refusal) {
	rest.WriteError(w, rest.Error{Status: f.status, Code: f.code, Message: f.msg, RetryAfter: f.retryAfter})
}

// refuseREST answers a REST request refused by the rate limiter.
func refuseREST(w http.ResponseWriter, _ *http.Request, secs int) {
	rest.WriteError(w, rest.Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
		Message: rateLimitedMessage(secs), RetryAfter: secs})
}
