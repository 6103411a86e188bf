package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/internal/wxfake"
)

// TestServeAcrossChannels runs `duijie serve` with Telegram (long
// polling on the fake Bot API) and WeChat (pushes from the fake) in one
// process: a Chinese need from WeChat finds an English offer from
// Telegram, the WeChat user asks for an introduction and gives the
// contact to share, the Telegram user accepts, and each gets the other's
// contact.
func TestServeAcrossChannels(t *testing.T) {
	tg, wx := tgfake.New(t), wxfake.New(t)
	wx.Advance(time.Since(wx.Now())) // pushes carry the wall clock's time
	mr := miniredis.RunT(t)
	addr := freeAddr(t)
	env := map[string]string{
		"REDIS_URL": "redis://" + mr.Addr(), "HTTP_ADDR": addr, "METRICS_ADDR": "off", "LOG_LEVEL": "error",
		"TELEGRAM_BOT_TOKEN": tg.Token(), "TELEGRAM_API_URL": tg.URL(),
		"WECHAT_APP_ID": wxfake.AppID, "WECHAT_APP_SECRET": wxfake.AppSecret, "WECHAT_TOKEN": wxfake.Token,
		"WECHAT_AES_KEY": wxfake.AESKey, "WECHAT_API_URL": wx.URL(),
	}
	defer serveInBackground(t, env)()

	// The Telegram user publishes an English offer.
	const tgUser = 77
	u := &tgChat{t: t, fake: tg, id: tgUser}
	tg.SendText(tgUser, tgUser, "/start")
	u.press("English")
	u.press("🎓 I offer a technology")
	u.wait("Describe")
	tg.SendText(tgUser, tgUser, "We developed ultra-high-speed laser cladding of corrosion-resistant alloy coatings that replace hard chrome electroplating on hydraulic cylinder piston rods; 1000 hours salt spray without rust.")
	u.press("✅ Done")
	for !u.has("📣 Publish") {
		u.press("Skip")
	}
	u.press("📣 Publish")
	u.wait("Published")

	// The WeChat user follows, describes a need in Chinese and publishes.
	const openid = "oServeZhang"
	w := &wxUser{t: t, fake: wx, endpoint: "http://" + addr + "/wechat", openid: openid}
	w.push(wxfake.Message{From: openid, Type: "event", Event: "subscribe"}, "您想做什么")
	w.choose("🏭 我有技术需求", "描述")
	w.push(wxfake.Message{From: openid, Content: "我们厂做液压油缸，活塞杆在海边盐雾环境里镀铬层半年就生锈起皮。想找更耐腐蚀的表面处理办法，最好不用电镀。"}, "收到")
	w.choose("✅ 完成", "问题")
	for !strings.Contains(w.last(), "📣 发布") {
		w.choose("跳过", "")
	}
	w.choose("📣 发布", "laser cladding")
	w.choose("🤝 1 请求对接", "联系方式")
	w.push(wxfake.Message{From: openid, Content: "微信号 zhang_factory88"}, "已保存")

	// The request reaches Telegram through the outbox; the user accepts.
	u.press("✅ Accept")
	u.wait("Contact: 微信号 zhang_factory88")
	w.wait("联系方式：@user77")
}

// serveInBackground runs `duijie serve` on env until the returned stop
// is called, which fails the test if serve does not stop cleanly.
func serveInBackground(t *testing.T, env map[string]string) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	return func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	}
}

// tgChat is a Telegram user's chat with the bot on the fake.
type tgChat struct {
	t    *testing.T
	fake *tgfake.Server
	id   int64
}

// wait waits for a message of the bot containing want.
func (c *tgChat) wait(want string) tgfake.Sent {
	c.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ms := c.fake.Messages(c.id)
		for i := len(ms) - 1; i >= 0; i-- {
			if strings.Contains(ms[i].Text, want) {
				return ms[i]
			}
		}
	}
	c.t.Fatalf("telegram: no message with %q; chat:\n%s", want, c.dump())
	return tgfake.Sent{}
}

// has reports whether the latest message with buttons has label.
func (c *tgChat) has(label string) bool {
	ms := c.fake.Messages(c.id)
	for i := len(ms) - 1; i >= 0; i-- {
		if len(ms[i].Buttons) > 0 {
			return findButton(ms[i], label) != ""
		}
	}
	return false
}

// press waits for a button labelled label and presses it, then waits
// for the bot's answer.
func (c *tgChat) press(label string) {
	c.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ms := c.fake.Messages(c.id)
		for i := len(ms) - 1; i >= 0; i-- {
			if data := findButton(ms[i], label); data != "" {
				n := c.fake.Count("answerCallbackQuery")
				c.fake.SendCallback(c.id, c.id, ms[i].MessageID, data)
				c.fake.WaitCount(c.t, 15*time.Second, "answerCallbackQuery", n+1)
				return
			}
		}
	}
	c.t.Fatalf("telegram: no button %q; chat:\n%s", label, c.dump())
}

func findButton(m tgfake.Sent, label string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return b.Data
			}
		}
	}
	return ""
}

func (c *tgChat) dump() string {
	var b strings.Builder
	for _, m := range c.fake.Messages(c.id) {
		fmt.Fprintf(&b, "%s %v\n---\n", m.Text, m.Buttons)
	}
	return b.String()
}

// wxUser is a WeChat user writing to the bot through the fake.
type wxUser struct {
	t        *testing.T
	fake     *wxfake.Server
	endpoint string
	openid   string
}

// push delivers m, retrying while the server is not up, and waits for
// an answer containing want.
func (u *wxUser) push(m wxfake.Message, want string) {
	u.t.Helper()
	n := len(u.fake.Sent(u.openid))
	var d wxfake.Delivery
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if d = u.fake.Deliver(u.endpoint, m); d.Status == http.StatusOK {
			break
		}
	}
	if d.Status != http.StatusOK {
		u.t.Fatalf("wechat push: %d %v", d.Status, d.Err)
	}
	u.waitFrom(n, want)
}

// choose picks the menu item labelled label of the latest menu.
func (u *wxUser) choose(label, want string) {
	u.t.Helper()
	sent := u.fake.Sent(u.openid)
	for i := len(sent) - 1; i >= 0; i-- {
		menu, ok := sent[i]["msgmenu"].(map[string]any)
		if !ok {
			continue
		}
		for _, it := range menu["list"].([]any) {
			item := it.(map[string]any)
			if item["content"] == label {
				u.push(wxfake.Message{From: u.openid, Content: label, MenuID: item["id"].(string)}, want)
				return
			}
		}
		break
	}
	u.t.Fatalf("wechat: no option %q; got:\n%s", label, strings.Join(u.texts(), "\n---\n"))
}

func (u *wxUser) wait(want string) { u.t.Helper(); u.waitFrom(0, want) }

// waitFrom waits for a message after the first n containing want.
func (u *wxUser) waitFrom(n int, want string) {
	u.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ts := u.texts()
		if len(ts) > n {
			for _, s := range ts[n:] {
				if strings.Contains(s, want) {
					return
				}
			}
		}
	}
	u.t.Fatalf("wechat: no message with %q; got:\n%s", want, strings.Join(u.texts(), "\n---\n"))
}

func (u *wxUser) last() string {
	ts := u.texts()
	if len(ts) == 0 {
		return ""
	}
	return ts[len(ts)-1]
}

// texts are the messages the user got; a menu as its head and items.
func (u *wxUser) texts() []string {
	var out []string
	for _, m := range u.fake.Sent(u.openid) {
		if t, ok := m["text"].(map[string]any); ok {
			out = append(out, t["content"].(string))
		}
		if menu, ok := m["msgmenu"].(map[string]any); ok {
			s := menu["head_content"].(string)
			for _, it := range menu["list"].([]any) {
				s += "\n· " + it.(map[string]any)["content"].(string)
			}
			out = append(out, s)
		}
	}
	return out
}
