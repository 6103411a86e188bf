package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestMetricsExposed(t *testing.T) {
	m := New()
	m.Update("text", false)
	m.Update("text", true)
	m.Handled("text", 30*time.Millisecond)
	m.Normalized("cache_hit")
	m.Notification("sent")
	m.TooManyRequests()
	m.Intro("accepted")
	m.Error("store")
	m.Limited()
	m.ReplyLost()
	m.Gauge("duijie_index_profiles", "Profiles in the match index.", func() float64 { return 42 })
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`duijie_updates_total{duplicate="true",kind="text"} 1`,
		`duijie_update_handle_seconds_count{kind="text"} 1`,
		`duijie_llm_calls_total{outcome="cache_hit"} 1`,
		`duijie_notifications_total{state="sent"} 1`,
		`duijie_telegram_429_total 1`,
		`duijie_intros_total{event="accepted"} 1`,
		`duijie_errors_total{component="store"} 1`,
		`duijie_index_profiles 42`,
		`duijie_rate_limited_total 1`,
		`duijie_replies_lost_total 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	var nilM *Metrics
	nilM.Update("text", false) // no panic on nil
}

// TestHealthWithoutDetails: /healthz names failing checks, never their
// errors (which hold addresses); the log has them, once per failure
// however often the check is probed, and says when it passes again.
func TestHealthWithoutDetails(t *testing.T) {
	var logged strings.Builder
	h := Health{Log: slog.New(slog.NewTextHandler(&logged, nil))}
	var hb Heartbeat
	h.Add("redis", func(context.Context) error { return nil })
	h.Add("updates", hb.Check(time.Minute))
	get := func() (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, `"updates":"failing"`) {
		t.Errorf("before the first beat: %d %s", code, body)
	}
	hb.Beat()
	if code, _ := get(); code != http.StatusOK {
		t.Errorf("healthy: %d", code)
	}
	h.Add("redis", func(context.Context) error { return errors.New("dial tcp 10.0.0.7:6379: connection refused") })
	if code, body := get(); code != http.StatusServiceUnavailable || strings.Contains(body, "10.0.0.7") || !strings.Contains(body, `"redis":"failing"`) {
		t.Errorf("redis down: %d %s", code, body)
	}
	if !strings.Contains(logged.String(), "10.0.0.7") {
		t.Errorf("the failure's detail is not logged: %s", logged.String())
	}
	get()
	get()
	if n := strings.Count(logged.String(), "check=redis"); n != 1 {
		t.Errorf("redis failing for three probes logged %d times, want once:\n%s", n, logged.String())
	}
	h.Add("redis", func(context.Context) error { return nil })
	if code, _ := get(); code != http.StatusOK || !strings.Contains(logged.String(), `msg="health check passes again" check=redis`) {
		t.Errorf("recovery: %d, log:\n%s", code, logged.String())
	}
}
