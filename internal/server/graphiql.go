package server

import (
	"compress/gzip"
	"embed"
	"io"
	"net/http"
	"path"
	"strings"
)

// GraphiQL is served from the binary itself (no CDN): the server may run
// offline. The vendored assets are gzip-compressed; see graphiql/LICENSES.txt.
//
//go:embed graphiql/*.gz graphiql/init.js graphiql/wrapper.css
var graphiqlAssets embed.FS

const graphiqlPage = `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Praktijkenbank GraphiQL</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
<link rel="stylesheet" href="/graphiql/assets/wrapper.css">
</head>
<body>
<header class="pkb-bar">
<a class="pkb-brand" href="/">Praktijkenbank</a>
<nav aria-label="Hoofdmenu"><ul><li><a href="/">Zoeken</a></li><li><a href="/actieplan">Actieplan</a></li><li><a href="/onderzoek">Onderzoek</a></li><li><a href="/indienen">Indienen</a></li><li><a href="/graphiql" aria-current="page">GraphQL</a></li></ul></nav>
</header>
<main id="graphiql">GraphiQL wordt geladen…</main>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script src="/graphiql/assets/init.js"></script>
</body>
</html>
`

// graphiqlCSP lets GraphiQL run its own scripts and styles (React sets
// inline styles) and talk to /graphql, and nothing else; nobody may frame it.
const graphiqlCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func graphiqlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /graphiql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", graphiqlCSP)
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = io.WriteString(w, graphiqlPage)
	})
	mux.HandleFunc("GET /graphiql/assets/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.PathValue("name"))
		ctype := "text/javascript; charset=utf-8"
		if strings.HasSuffix(name, ".css") {
			ctype = "text/css; charset=utf-8"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if plain, err := graphiqlAssets.ReadFile("graphiql/" + name); err == nil {
			_, _ = w.Write(plain)
			return
		}
		gz, err := graphiqlAssets.Open("graphiql/" + name + ".gz")
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer gz.Close()
		w.Header().Add("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = io.Copy(w, gz)
			return
		}
		zr, err := gzip.NewReader(gz)
		if err != nil {
			http.Error(w, "beschadigd bestand", http.StatusInternalServerError)
			return
		}
		_, _ = io.Copy(w, zr)
	})
	return mux
}
