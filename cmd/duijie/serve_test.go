package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/internal/tgfake"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// webhookServe is `duijie serve` in webhook mode against a fake Bot API
// server and a Redis: the webhook on addr, /metrics and /healthz on
// metricsAddr.
type webhookServe struct {
	fake              *tgfake.Server
	mr                *miniredis.Miniredis
	addr, metricsAddr string
	cancel            context.CancelFunc
	done              chan error
}

func startWebhookServe(t *testing.T) *webhookServe {
	t.Helper()
	w := &webhookServe{fake: tgfake.New(t), mr: miniredis.RunT(t), addr: freeAddr(t), metricsAddr: freeAddr(t), done: make(chan error, 1)}
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": w.fake.Token(), "TELEGRAM_API_URL": w.fake.URL(), "REDIS_URL": "redis://" + w.mr.Addr(),
		"WEBHOOK_URL": "https://bot.example/tg/hook", "WEBHOOK_SECRET": "abc_123-long-enough", "HTTP_ADDR": w.addr, "LOG_LEVEL": "error",
		"METRICS_ADDR": w.metricsAddr,
	}
	var ctx context.Context
	ctx, w.cancel = context.WithCancel(context.Background())
	go func() {
		w.done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	return w
}

// post sends an update as Telegram does and returns the status.
func (w *webhookServe) post(t *testing.T, update string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+w.addr+"/tg/hook", bytes.NewBufferString(update))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "abc_123-long-enough")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// get fetches path from the metrics listener, waiting for it to listen.
func (w *webhookServe) get(t *testing.T, path string) (int, string) {
	t.Helper()
	var res *http.Response
	var err error
	for range 50 {
		if res, err = http.Get("http://" + w.metricsAddr + path); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// stop ends serve and checks it returns cleanly.
func (w *webhookServe) stop(t *testing.T) {
	t.Helper()
	w.cancel()
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeWebhook starts `duijie serve` in webhook mode against a fake
// Bot API server and a Redis, and talks to it over HTTP as Telegram and
// an operator would: the webhook on HTTP_ADDR, /metrics and /healthz on
// METRICS_ADDR only, never on the public listener.
func TestServeWebhook(t *testing.T) {
	w := startWebhookServe(t)
	fake := w.fake
	c := fake.WaitFor(t, 10*time.Second, func(c tgfake.Call) bool { return c.Method == "setWebhook" })
	if c.Params["secret_token"] != "abc_123-long-enough" {
		t.Errorf("setWebhook secret_token = %q", c.Params["secret_token"])
	}
	// Healthy once the update loop runs, which follows setWebhook closely.
	healthy := false
	var code int
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if code, body = w.get(t, "/healthz"); code == http.StatusOK {
			healthy = true
			break
		}
	}
	if !healthy {
		t.Errorf("/healthz = %d %s", code, body)
	}
	update := `{"update_id":900,"message":{"message_id":1,"date":1700000000,"chat":{"id":55,"type":"private"},"from":{"id":55,"first_name":"U"},"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}`
	if code := w.post(t, update); code != http.StatusOK {
		t.Fatalf("webhook status %d", code)
	}
	fake.WaitFor(t, 10*time.Second, func(tgfake.Call) bool { return len(fake.Messages(55)) > 0 })
	if code, body := w.get(t, "/metrics"); code != http.StatusOK || !strings.Contains(body, `duijie_updates_total{duplicate="false",kind="command"} 1`) {
		t.Errorf("/metrics = %d, lacks the update:\n%.500s", code, body)
	}
	for _, path := range []string{"/metrics", "/healthz"} {
		res, err := http.Get("http://" + w.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s on the public webhook listener: %d", path, res.StatusCode)
		}
	}
	raddr := w.mr.Addr()
	w.mr.Close() // Redis down: /healthz fails without saying where Redis is
	if code, body := w.get(t, "/healthz"); code != http.StatusServiceUnavailable || strings.Contains(body, raddr) || strings.Contains(body, "127.0.0.1") {
		t.Errorf("/healthz with Redis down = %d %s", code, body)
	}
	w.mr.Restart()
	w.stop(t)
}

func TestWebhookConfigChecked(t *testing.T) {
	for _, env := range []map[string]string{
		{"WEBHOOK_URL": "http://bot.example/hook", "WEBHOOK_SECRET": "abc"},
		{"WEBHOOK_URL": "https://bot.example/hook"},
		{"WEBHOOK_URL": "https://bot.example/hook", "WEBHOOK_SECRET": "has space"},
	} {
		if _, err := fromEnv(func(k string) string { return env[k] }); err == nil {
			t.Errorf("%v accepted", env)
		}
	}
	c, err := fromEnv(func(k string) string {
		return map[string]string{"WEBHOOK_URL": "https://bot.example/hook", "WEBHOOK_SECRET": "abc_0123456789_xyz"}[k]
	})
	if err != nil || c.HTTPAddr != DefaultHTTPAddr || strings.Contains(c.String(), "abc") {
		t.Errorf("config %v, %v: want the default address and no secret in String", c.String(), err)
	}
}

func TestNextDigest(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct{ now, want time.Time }{
		{time.Date(2026, 11, 20, 0, 30, 0, 0, time.UTC), time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 20, 23, 0, 0, 0, cst), time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)},
	} {
		if got := nextDigest(tc.now); !got.Equal(tc.want) {
			t.Errorf("nextDigest(%v) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

// TestServeAnswersAfterLoading: while serve loads the index, /healthz says
// so and an update Telegram sends waits in the inbox; it is answered once
// loading ends.
func TestServeAnswersAfterLoading(t *testing.T) {
	loading, release := make(chan struct{}), make(chan struct{})
	beforeLoad = func(ctx context.Context) error {
		close(loading)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return ctx.Err()
	}
	defer func() { beforeLoad = func(context.Context) error { return nil } }()
	w := startWebhookServe(t)
	select {
	case <-loading:
	case err := <-w.done:
		t.Fatalf("serve returned %v before loading", err)
	}
	if code, body := w.get(t, "/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "loading") {
		t.Errorf("/healthz while loading = %d %s, want 503 loading", code, body)
	}
	update := `{"update_id":901,"message":{"message_id":1,"date":1700000000,"chat":{"id":56,"type":"private"},"from":{"id":56,"first_name":"U"},"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}`
	if code := w.post(t, update); code != http.StatusOK {
		t.Fatalf("webhook status while loading %d, want 200 (kept in the inbox)", code)
	}
	if n := len(w.fake.Messages(56)); n != 0 {
		t.Fatalf("answered %d messages before the index was loaded", n)
	}
	close(release)
	w.fake.WaitFor(t, 10*time.Second, func(tgfake.Call) bool { return len(w.fake.Messages(56)) > 0 })
	w.stop(t)
}
