// Package metrics is what operators see of a running Duijie: Prometheus
// metrics and a health check, served over HTTP on a listener of their own
// (METRICS_ADDR), apart from the public webhook.
//
// Components report through a *Metrics; every method is safe on a nil
// receiver, so a component built without metrics (a test, the console)
// needs no special case.
package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds Duijie's collectors on its own registry.
type Metrics struct {
	reg *prometheus.Registry

	updates       *prometheus.CounterVec
	handle        *prometheus.HistogramVec
	llmCalls      *prometheus.CounterVec
	notifications *prometheus.CounterVec
	tooMany       prometheus.Counter
	intros        *prometheus.CounterVec
	errors        *prometheus.CounterVec
	limited       prometheus.Counter
	repliesLost   prometheus.Counter
}

// New returns metrics registered on a fresh registry, with the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duijie_updates_total",
			Help: "Telegram updates received, by kind (text, command, button, unsupported) and whether they were duplicates."}, []string{"kind", "duplicate"}),
		handle: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "duijie_update_handle_seconds",
			Help: "Time to handle one update, LLM calls included.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10)}, []string{"kind"}),
		llmCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duijie_llm_calls_total",
			Help: "Normalizations, by outcome: llm, cache_hit, capped, offline, fallback, error."}, []string{"outcome"}),
		notifications: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duijie_notifications_total",
			Help: "Notifications by state: queued, sent, failed, skipped, dead."}, []string{"state"}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{Name: "duijie_telegram_429_total",
			Help: "Telegram flood-control answers (429)."}),
		intros: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duijie_intros_total",
			Help: "Introduction events: requested, accepted, declined."}, []string{"event"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "duijie_errors_total",
			Help: "Errors by component."}, []string{"component"}),
		limited: prometheus.NewCounter(prometheus.CounterOpts{Name: "duijie_rate_limited_total",
			Help: "Updates refused because their sender went over the per-user limit or filled their chat's queue."}),
		repliesLost: prometheus.NewCounter(prometheus.CounterOpts{Name: "duijie_replies_lost_total",
			Help: "Direct replies that could not be sent after the retries."}),
	}
	m.reg.MustRegister(m.updates, m.handle, m.llmCalls, m.notifications, m.tooMany, m.intros, m.errors, m.limited, m.repliesLost,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Update counts a received update.
func (m *Metrics) Update(kind string, duplicate bool) {
	if m == nil {
		return
	}
	d := "false"
	if duplicate {
		d = "true"
	}
	m.updates.WithLabelValues(kind, d).Inc()
}

// Handled records how long handling an update took.
func (m *Metrics) Handled(kind string, d time.Duration) {
	if m == nil {
		return
	}
	m.handle.WithLabelValues(kind).Observe(d.Seconds())
}

// Normalized counts one normalization by outcome.
func (m *Metrics) Normalized(outcome string) {
	if m == nil {
		return
	}
	m.llmCalls.WithLabelValues(outcome).Inc()
}

// Notification counts a notification reaching a state.
func (m *Metrics) Notification(state string) {
	if m == nil {
		return
	}
	m.notifications.WithLabelValues(state).Inc()
}

// TooManyRequests counts a 429 from Telegram.
func (m *Metrics) TooManyRequests() {
	if m == nil {
		return
	}
	m.tooMany.Inc()
}

// Intro counts an introduction event.
func (m *Metrics) Intro(event string) {
	if m == nil {
		return
	}
	m.intros.WithLabelValues(event).Inc()
}

// Error counts an error of a component.
func (m *Metrics) Error(component string) {
	if m == nil {
		return
	}
	m.errors.WithLabelValues(component).Inc()
}

// Limited counts an update refused by the per-user limit or a full chat
// queue.
func (m *Metrics) Limited() {
	if m == nil {
		return
	}
	m.limited.Inc()
}

// ReplyLost counts a direct reply that could not be sent.
func (m *Metrics) ReplyLost() {
	if m == nil {
		return
	}
	m.repliesLost.Inc()
}

// Gauge registers a value read at each scrape, such as the index size.
func (m *Metrics) Gauge(name, help string, value func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, value))
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Check is one health condition: nil when fine.
type Check func(ctx context.Context) error

// Health answers /healthz: 200 when every check passes, 503 otherwise,
// with each check's name and "ok" or "failing" as JSON. What failed, which
// may name addresses, goes to Log only, once when a check starts failing
// and once when it passes again, however often it is probed meanwhile.
type Health struct {
	Log *slog.Logger // default slog.Default()

	mu      sync.Mutex
	checks  map[string]Check
	failing map[string]bool // checks whose last run failed
}

// Add registers a named check.
func (h *Health) Add(name string, c Check) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.checks == nil {
		h.checks = map[string]Check{}
	}
	h.checks[name] = c
}

// ServeHTTP runs every check with a short deadline.
func (h *Health) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	h.mu.Lock()
	checks := make(map[string]Check, len(h.checks))
	for k, v := range h.checks {
		checks[k] = v
	}
	h.mu.Unlock()
	log := h.Log
	if log == nil {
		log = slog.Default()
	}
	res := map[string]string{}
	code := http.StatusOK
	for name, c := range checks {
		err := c(ctx)
		if changed := h.record(name, err != nil); changed && err != nil {
			log.Warn("health check failed", "check", name, "err", err)
		} else if changed {
			log.Info("health check passes again", "check", name)
		}
		if err != nil {
			res[name] = "failing"
			var shown Shown
			if errors.As(err, &shown) {
				res[name] = string(shown)
			}
			code = http.StatusServiceUnavailable
		} else {
			res[name] = "ok"
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(res)
}

// record notes whether the check name failed and reports whether that
// differs from its last run (a first run that fails counts as a change).
func (h *Health) record(name string, failed bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failing == nil {
		h.failing = map[string]bool{}
	}
	was, seen := h.failing[name]
	h.failing[name] = failed
	return was != failed && (seen || failed)
}

// Shown is a check's failure that /healthz shows as it is, such as
// "loading": its text must say nothing about where services are.
type Shown string

func (s Shown) Error() string { return string(s) }

// Heartbeat is a liveness mark a loop (the poller, an inbox consumer)
// beats; its check fails when the last beat is older than max.
type Heartbeat struct {
	mu   sync.Mutex
	last time.Time
}

// Beat records that the loop is alive.
func (b *Heartbeat) Beat() {
	b.mu.Lock()
	b.last = time.Now()
	b.mu.Unlock()
}

// Check fails when the loop has not beaten within max.
func (b *Heartbeat) Check(max time.Duration) Check {
	return func(context.Context) error {
		b.mu.Lock()
		last := b.last
		b.mu.Unlock()
		if last.IsZero() {
			return errNotStarted
		}
		if time.Since(last) > max {
			return errStalled
		}
		return nil
	}
}

type healthError string

func (e healthError) Error() string { return string(e) }

const (
	errNotStarted healthError = "not started"
	errStalled    healthError = "stalled"
)
