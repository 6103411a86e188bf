package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/internal/wxfake"
)

// TestServeWeChat starts `duijie serve` with the WeChat channel, alone
// (no Telegram token needed) and beside Telegram's webhook, and has a
// WeChat user write to it through the fake.
func TestServeWeChat(t *testing.T) {
	for _, withTelegram := range []bool{false, true} {
		name := "wechat alone"
		if withTelegram {
			name = "with telegram"
		}
		t.Run(name, func(t *testing.T) {
			wx := wxfake.New(t)
			wx.Advance(time.Since(wx.Now())) // pushes carry the wall clock's time
			mr := miniredis.RunT(t)
			addr := freeAddr(t)
			env := map[string]string{
				"REDIS_URL": "redis://" + mr.Addr(), "HTTP_ADDR": addr, "METRICS_ADDR": "off", "LOG_LEVEL": "error",
				"WECHAT_APP_ID": wxfake.AppID, "WECHAT_APP_SECRET": wxfake.AppSecret, "WECHAT_TOKEN": wxfake.Token,
				"WECHAT_AES_KEY": wxfake.AESKey, "WECHAT_API_URL": wx.URL(),
			}
			var tg *tgfake.Server
			if withTelegram {
				tg = tgfake.New(t)
				env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_API_URL"] = tg.Token(), tg.URL()
				env["WEBHOOK_URL"], env["WEBHOOK_SECRET"] = "https://bot.example/tg/hook", "abc_123-long-enough"
			}
			stop := serveInBackground(t, env)
			endpoint := "http://" + addr + "/wechat"
			var d wxfake.Delivery
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if d = wx.Text(endpoint, "oServe", "/start"); d.Status == http.StatusOK {
					break
				}
			}
			if d.Status != http.StatusOK {
				t.Fatalf("push: %d %v", d.Status, d.Err)
			}
			if got := wx.WaitCalls("/cgi-bin/message/custom/send", 1, 10*time.Second); len(got) == 0 {
				t.Fatal("the WeChat user got no answer")
			}
			if withTelegram {
				tg.WaitFor(t, 10*time.Second, func(c tgfake.Call) bool { return c.Method == "setWebhook" })
			}
			stop()
		})
	}
}

// TestWeChatConfig: the channel is off without settings, on with them,
// refused when half set; it listens on the default address when
// HTTP_ADDR is unset.
func TestWeChatConfig(t *testing.T) {
	full := map[string]string{"WECHAT_APP_ID": "wx1", "WECHAT_APP_SECRET": "s", "WECHAT_TOKEN": "t"}
	c, err := fromEnv(func(k string) string { return full[k] })
	if err != nil || !c.WeChatOn() || c.HTTPAddr != DefaultHTTPAddr {
		t.Errorf("full: on %v, addr %q, err %v", c.WeChatOn(), c.HTTPAddr, err)
	}
	if strings.Contains(c.String(), "s t") || !strings.Contains(c.String(), "wechat=app_id=wx1") {
		t.Errorf("String() = %s", c.String())
	}
	if c, err := fromEnv(func(string) string { return "" }); err != nil || c.WeChatOn() {
		t.Errorf("none: on %v, err %v", c.WeChatOn(), err)
	}
	for _, k := range []string{"WECHAT_APP_SECRET", "WECHAT_TOKEN"} {
		if _, err := fromEnv(func(v string) string {
			if v == k {
				return ""
			}
			return full[v]
		}); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("without %s: err %v", k, err)
		}
	}
	if _, err := fromEnv(func(k string) string {
		return map[string]string{"WECHAT_APP_ID": "wx1", "WECHAT_APP_SECRET": "s", "WECHAT_TOKEN": "t", "WECHAT_AES_KEY": "short"}[k]
	}); err == nil {
		t.Error("a short WECHAT_AES_KEY was taken")
	}
}

// TestWeChatQR: duijie wechat-qr creates the event's code on the account
// and writes its picture.
func TestWeChatQR(t *testing.T) {
	wx := wxfake.New(t)
	env := map[string]string{"WECHAT_APP_ID": wxfake.AppID, "WECHAT_APP_SECRET": wxfake.AppSecret, "WECHAT_TOKEN": wxfake.Token,
		"WECHAT_API_URL": wx.URL(), "LOG_LEVEL": "error"}
	png := filepath.Join(t.TempDir(), "qr.png")
	var out strings.Builder
	err := run(context.Background(), []string{"wechat-qr", "--days", "7", "--out", png, "qxwq2026"},
		func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	calls := wx.Calls("/cgi-bin/qrcode/create")
	if len(calls) != 1 || !strings.Contains(string(calls[0].Body), `"scene_str":"ev_qxwq2026"`) {
		t.Errorf("qrcode create calls: %+v", calls)
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("picture: %v", err)
	}
	if !strings.Contains(out.String(), "expires") {
		t.Errorf("output:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"wechat-qr", "a b"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("a bad tag was taken")
	}
}
