// Package metrics holds the Prometheus metrics of Praktijkenbank: GraphQL
// latency per root field, errors by code, submissions and practices written,
// store latency, and the state of the search index.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry with the server's metrics. Labels only take values
// from bounded sets (schema field names, error codes, store methods, regions).
type Metrics struct {
	Registry *prometheus.Registry

	FieldDuration    *prometheus.HistogramVec // root field
	Errors           *prometheus.CounterVec   // code
	RateLimited      *prometheus.CounterVec   // kind: read, write, page, export
	Busy             prometheus.Counter       // heavy requests refused for want of a slot
	Submissions      *prometheus.CounterVec   // region
	PracticesWritten *prometheus.CounterVec   // outcome: created, updated, unchanged
	StoreDuration    *prometheus.HistogramVec // method
	StoreErrors      *prometheus.CounterVec   // method
}

// New returns metrics registered on a fresh registry, with the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		FieldDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "praktijkenbank_graphql_field_duration_seconds",
			Help:    "Duration of GraphQL root fields (operations), by field name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"field"}),
		Errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "praktijkenbank_graphql_errors_total",
			Help: "GraphQL errors returned, by extensions.code.",
		}, []string{"code"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "praktijkenbank_rate_limited_total",
			Help: "Requests refused by the rate limiter, by kind (read, write, page, export).",
		}, []string{"kind"}),
		Busy: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "praktijkenbank_busy_total",
			Help: "Heavy requests refused (503 BUSY) because every slot was taken and the waiting room full or the wait over.",
		}),
		Submissions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "praktijkenbank_submissions_total",
			Help: "Inventories written, by region.",
		}, []string{"region"}),
		PracticesWritten: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "praktijkenbank_practices_submitted_total",
			Help: "Practices in written inventories, by outcome (created, updated, unchanged).",
		}, []string{"outcome"}),
		StoreDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "praktijkenbank_store_duration_seconds",
			Help:    "Duration of store calls, by method.",
			Buckets: []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5},
		}, []string{"method"}),
		StoreErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "praktijkenbank_store_errors_total",
			Help: "Store calls that failed (not counting not-found), by method.",
		}, []string{"method"}),
	}
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.FieldDuration, m.Errors, m.RateLimited, m.Busy, m.Submissions, m.PracticesWritten, m.StoreDuration, m.StoreErrors,
	)
	return m
}

// Gauge registers a gauge whose value is read at scrape time.
func (m *Metrics) Gauge(name, help string, value func() float64) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, value))
}

// Counter registers a counter whose value is read at scrape time.
func (m *Metrics) Counter(name, help string, value func() float64) {
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, value))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
