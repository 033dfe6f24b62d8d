package server

import (
	"net/http"
	"time"
)

// Timeouts bound how long one client may hold a connection: slow headers
// (slowloris), slow bodies, a client that never reads its answer, and idle
// keep-alive connections.
type Timeouts struct {
	ReadHeader time.Duration // request line and headers
	Read       time.Duration // the whole request, body included
	Write      time.Duration // from the end of the request headers to the end of the answer
	Idle       time.Duration // between requests on a keep-alive connection
}

// DefaultTimeouts leave room for the upload of a large spreadsheet over a
// slow line and nothing more.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 5 * time.Second, Read: 60 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}
}

// MaxHeaderBytes bounds the request line and headers together, and so
// what one connection holds while its request head is read. It is well
// above MaxURLBytes, so that an over-long URL is read whole and refused
// with a coded 414 (see limitURL); only a head beyond it gets net/http's
// own 431.
const MaxHeaderBytes = 128 << 10

// HTTPServer returns the http.Server the binary runs h in, with the
// timeouts and the header limit; the caller sets Addr and BaseContext.
func HTTPServer(h http.Handler, t Timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}
