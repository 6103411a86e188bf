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

// TestServeWebhook starts `duijie serve` in webhook mode against a fake
// Bot API server and a Redis, and talks to it over HTTP as Telegram and
// an operator would: the webhook on HTTP_ADDR, /metrics and /healthz on
// METRICS_ADDR only (finding 7).
func TestServeWebhook(t *testing.T) {
	fake := tgfake.New(t)
	mr := miniredis.RunT(t)
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": fake.Token(), "TELEGRAM_API_URL": fake.URL(), "REDIS_URL": "redis://" + mr.Addr(),
		"WEBHOOK_URL": "https://bot.example/tg/hook", "WEBHOOK_SECRET": "abc_123-long-enough", "HTTP_ADDR": addr, "LOG_LEVEL": "error",
		"METRICS_ADDR": metricsAddr,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	c := fake.WaitFor(t, 10*time.Second, func(c tgfake.Call) bool { return c.Method == "setWebhook" })
	if c.Params["secret_token"] != "abc_123-long-enough" {
		t.Errorf("setWebhook secret_token = %q", c.Params["secret_token"])
	}
	get := func(path string) (int, string) {
		var res *http.Response
		var err error
		for range 50 {
			if res, err = http.Get("http://" + metricsAddr + path); err == nil {
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
	// Healthy once the update loop runs, which follows setWebhook closely.
	healthy := false
	var code int
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if code, body = get("/healthz"); code == http.StatusOK {
			healthy = true
			break
		}
	}
	if !healthy {
		t.Errorf("/healthz = %d %s", code, body)
	}
	update := `{"update_id":900,"message":{"message_id":1,"date":1700000000,"chat":{"id":55,"type":"private"},"from":{"id":55,"first_name":"U"},"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}`
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/tg/hook", bytes.NewBufferString(update))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "abc_123-long-enough")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("webhook status %d", res.StatusCode)
	}
	fake.WaitFor(t, 10*time.Second, func(tgfake.Call) bool { return len(fake.Messages(55)) > 0 })
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, `duijie_updates_total{duplicate="false",kind="command"} 1`) {
		t.Errorf("/metrics = %d, lacks the update:\n%.500s", code, body)
	}
	for _, path := range []string{"/metrics", "/healthz"} {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s on the public webhook listener: %d", path, res.StatusCode)
		}
	}
	raddr := mr.Addr()
	mr.Close() // Redis down: /healthz fails without saying where Redis is
	if code, body := get("/healthz"); code != http.StatusServiceUnavailable || strings.Contains(body, raddr) || strings.Contains(body, "127.0.0.1") {
		t.Errorf("/healthz with Redis down = %d %s", code, body)
	}
	mr.Restart()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
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
