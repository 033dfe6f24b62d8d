package server

import (
	"mime"
	"net/http"
)

// limitBody guards /graphql before anything reads the request: it refuses
// methods and content types no transport takes, clients that accept no
// media type of GraphQL over HTTP, and bodies announced over the limit; it
// bounds the bodies it lets through (a JSON body by MaxBodyBytes, a
// multipart upload by MaxUploadBytes), so that reading stops as soon as the
// limit is passed. Every refusal is a coded GraphQL error in the media type
// the client accepts, and never echoes the request. The transport reads the
// body (see transportHTTP).
func limitBody(o Options, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		media := responseMedia(r.Header.Get("Accept"))
		out := answer{w: w, media: media}
		if media == "" {
			out.media = mediaJSON
		}
		switch r.Method {
		case http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		case http.MethodGet, http.MethodHead, http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			out.refuse(refused(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "gebruik GET of POST voor /graphql"))
			return
		}
		if media == "" {
			out.refuse(refused(http.StatusNotAcceptable, "NOT_ACCEPTABLE",
				"het antwoord is %s of %s; vraag een van beide in de Accept-header", mediaGraphQLResponse, mediaJSON))
			return
		}
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		limit := o.MaxBodyBytes
		switch ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct {
		case "application/json":
		case "multipart/form-data":
			limit = o.MaxUploadBytes
		default:
			out.refuse(refused(http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
				"stuur een GraphQL-verzoek als JSON (Content-Type: application/json) of een bestand als multipart/form-data"))
			return
		}
		if r.ContentLength > limit {
			out.refuse(tooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}
