package server

import "net/http"

// MaxURLBytes bounds the request target (path and query string). A GraphQL
// query that does not fit belongs in a POST body, where the body and
// token limits apply.
const MaxURLBytes = 16 << 10

// ReasonURLTooLong is the reason of a request refused for its URL.
const ReasonURLTooLong = "URL_TOO_LONG"

// limitURL refuses a request whose URL is longer than MaxURLBytes with 414
// and a coded error, before any handler parses its query. MaxHeaderBytes
// leaves room above MaxURLBytes, so a long URL reaches this check instead
// of net/http's uncoded 431 (which stays the answer to request heads over
// MaxHeaderBytes, read no further than that).
func limitURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.RequestURI) > MaxURLBytes {
			f := refused(http.StatusRequestURITooLong, ReasonURLTooLong,
				"het adres van het verzoek is langer dan %d bytes; stuur een lange GraphQL-query met POST", MaxURLBytes)
			f.limit = MaxURLBytes
			answerTo(w, r).refuse(f)
			return
		}
		next.ServeHTTP(w, r)
	})
}
