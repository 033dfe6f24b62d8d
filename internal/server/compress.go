package server

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
)

// compress answers with gzip, or zstd for a client that accepts only that,
// when the client accepts one. gzip is preferred, at its fastest level: an
// anonymous read's CPU is the server's budget, and a search's answer (26 KB
// of JSON for a page with its highlights and facets) shrinks to a few KB
// at any level. On a streamed CSV export of 5,000 practices (4.55 MB) the
// fastest level sends 680 KB in +13 ms over plain, the default level 552 KB
// in +20 ms (BenchmarkExportCompressed). Answers under 1 KiB and those
// already compressed (ZIP, XLSX, images, and /metrics, which compresses
// itself) go out as they are. Streaming answers (the exports) stay
// streaming: the writer passes on what it has compressed whenever the
// handler flushes. A compressed answer's ETag gets a suffix ("-gzip",
// "-zstd"), as it is another representation of the same content.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed), gzhttp.PreferZstd(false), gzhttp.SuffixETag("-gzip"),
		gzhttp.ContentTypeFilter(func(ct string) bool {
			// Office documents are ZIP files under their own media types.
			return gzhttp.DefaultContentTypeFilter(ct) && !strings.Contains(ct, "openxmlformats-officedocument")
		}))
	if err != nil {
		panic("server: compression options: " + err.Error()) // the options above are constant
	}
	return wrap(next)
}
