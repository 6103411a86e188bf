package httpretry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// server answers with the statuses in turn (the last one from then on);
// 0 drops the connection. It records the bodies it read.
func server(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32, func() []string) {
	var n atomic.Int32
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		st := statuses[min(i, len(statuses)-1)]
		if st == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			return
		}
		w.WriteHeader(st)
		io.WriteString(w, `{"ok":`+map[bool]string{true: "true", false: "false"}[st == 200]+`}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &n, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), bodies...) }
}

func client(waits *[]time.Duration) *http.Client {
	return &http.Client{Transport: New(nil, Options{
		Sleep:  func(ctx context.Context, d time.Duration) error { *waits = append(*waits, d); return ctx.Err() },
		Jitter: func() float64 { return 1 },
	})}
}

// TestTransientErrorsRetried: a 5xx or a dropped connection from
// the Bot API is tried again with the same body; 4xx (429 included) is not.
func TestTransientErrorsRetried(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		want     int // final status, 0 for an error
		tries    int32
	}{
		{"502 then ok", []int{502, 200}, 200, 2},
		{"500, 503 then ok", []int{500, 503, 200}, 200, 3},
		{"504 always", []int{504}, 504, DefaultAttempts},
		{"dropped then ok", []int{0, 200}, 200, 2},
		{"dropped always", []int{0}, 0, DefaultAttempts},
		{"400 not retried", []int{400, 200}, 400, 1},
		{"403 not retried", []int{403, 200}, 403, 1},
		{"429 left to the caller", []int{429, 200}, 429, 1},
		{"501 not retried", []int{501, 200}, 501, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n, bodies := server(t, tc.statuses...)
			var waits []time.Duration
			resp, err := client(&waits).Post(srv.URL+"/bot1:x/sendMessage", "application/json", strings.NewReader(`{"chat_id":1}`))
			got := 0
			if err == nil {
				got = resp.StatusCode
				resp.Body.Close()
			}
			if got != tc.want || n.Load() != tc.tries {
				t.Errorf("status %d (%v) after %d tries, want %d after %d", got, err, n.Load(), tc.want, tc.tries)
			}
			for _, b := range bodies() {
				if b != `{"chat_id":1}` {
					t.Errorf("a try sent %q", b)
				}
			}
			if len(waits) != int(tc.tries)-1 {
				t.Errorf("%d waits for %d tries", len(waits), tc.tries)
			}
		})
	}
}

func TestBackoffBounded(t *testing.T) {
	var waits []time.Duration
	tr := New(nil, Options{Attempts: 6, BaseDelay: time.Second, MaxDelay: 3 * time.Second,
		Sleep:  func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil },
		Jitter: func() float64 { return 1 }})
	srv, _, _ := server(t, 503)
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}
	if diff := cmp.Diff(want, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestStopsWithContext(t *testing.T) {
	srv, n, _ := server(t, 502)
	ctx, cancel := context.WithCancel(context.Background())
	tr := New(nil, Options{Sleep: func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if _, err := tr.RoundTrip(req); err == nil || n.Load() != 1 {
		t.Errorf("cancelled while waiting: %v after %d tries, want an error after 1", err, n.Load())
	}
}

func TestBodyThatCannotBeReadAgainIsSentOnce(t *testing.T) {
	srv, n, _ := server(t, 502, 200)
	tr := New(nil, Options{Sleep: func(context.Context, time.Duration) error { return nil }})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, io.NopCloser(strings.NewReader("x")))
	req.GetBody = nil
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 || n.Load() != 1 {
		t.Errorf("status %d after %d tries, want 502 after 1", resp.StatusCode, n.Load())
	}
}
