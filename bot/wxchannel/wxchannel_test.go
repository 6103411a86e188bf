package wxchannel_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/bot/dialog"
	"github.com/duijie/duijie/bot/notify"
	"github.com/duijie/duijie/bot/wxchannel"
	"github.com/duijie/duijie/internal/wxfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
	"github.com/duijie/duijie/wechat"
)

// world is the bot serving WeChat (through the fake) and Telegram users
// (driven at the engine, as the Telegram adapter drives it) from one store.
type world struct {
	t        *testing.T
	ctx      context.Context
	st       *store.Store
	fake     *wxfake.Server
	endpoint string
	ch       *wxchannel.Channel
	engine   *bot.Engine
	tg       map[int64]*tgUser
}

type option func(*wechat.Config, *wxchannel.Options, *store.Store)

func withTemplate(c *wechat.Config, _ *wxchannel.Options, _ *store.Store) {
	c.TemplateMatch = wxfake.TemplateID
}

func newWorld(t *testing.T, opts ...option) *world {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, _ := storetest.New(t)
	fake := wxfake.New(t)
	cfg := wechat.Config{AppID: wxfake.AppID, AppSecret: wxfake.AppSecret, Token: wxfake.Token, AESKey: wxfake.AESKey,
		APIBase: fake.URL(), HTTPClient: fake.Client(), Now: fake.Now}
	chOpt := wxchannel.Options{Replica: "r1", Users: st, Now: fake.Now}
	for _, o := range opts {
		o(&cfg, &chOpt, st)
	}
	client, err := wechat.NewClient(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	h, err := wechat.NewHandler(cfg, st, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tax := matcher.Default()
	e := bot.NewEngine(tax, st, st, matcher.Offline{Tax: tax}, matcher.NewIndex(tax), log,
		bot.Options{Now: fake.Now, Data: st, Notices: st, Contacts: st, Organizers: &bot.Organizers{Store: st}})
	w := &world{t: t, ctx: ctx, st: st, fake: fake, endpoint: srv.URL, engine: e, tg: map[int64]*tgUser{}}
	w.ch = wxchannel.New(st, wechat.NewSender(client), e, chOpt, log)
	e.SetMessenger(messenger{wxchannel.Router{Telegram: tgBroadcast{w}, WeChat: w.ch}})
	return w
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// messenger sends notifications at once through the router, as the
// notifier does from the outbox.
type messenger struct{ r wxchannel.Router }

func (m messenger) Notify(ctx context.Context, chatID int64, _ string, r dialog.Reply) error {
	return m.r.SendMessage(ctx, chatID, r.Text, notify.NotificationButtons(r.Buttons))
}

// tgBroadcast delivers notifications to the world's Telegram users.
type tgBroadcast struct{ w *world }

func (b tgBroadcast) SendMessage(_ context.Context, chatID int64, text string, buttons [][]store.Button) error {
	u := b.w.tgUser(chatID)
	var rows [][]dialog.Choice
	for _, row := range buttons {
		var r []dialog.Choice
		for _, sb := range row {
			bt, _ := dialog.ParseButton(sb.Data)
			r = append(r, dialog.Choice{Label: sb.Label, Button: bt})
		}
		rows = append(rows, r)
	}
	return u.Send(context.Background(), chatID, dialog.Reply{Text: text, Buttons: rows})
}

// tgUser is a Telegram user's screen.
type tgUser struct {
	id      int64
	mu      sync.Mutex
	texts   []string
	buttons []dialog.Choice
}

func (w *world) tgUser(id int64) *tgUser {
	if w.tg[id] == nil {
		w.tg[id] = &tgUser{id: id}
	}
	return w.tg[id]
}

func (u *tgUser) Send(_ context.Context, _ int64, r dialog.Reply) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.texts = append(u.texts, r.Text)
	if len(r.Buttons) > 0 {
		u.buttons = nil
		for _, row := range r.Buttons {
			u.buttons = append(u.buttons, row...)
		}
	}
	return nil
}

func (u *tgUser) SendDocument(context.Context, int64, bot.Document) error { return nil }
func (u *tgUser) Typing(context.Context, int64)                           {}

// telegram has a Telegram user send lines: "[label]" presses a button,
// "/cmd" is a command, anything else is text.
func (w *world) telegram(id int64, username string, lines ...string) *tgUser {
	w.t.Helper()
	u := w.tgUser(id)
	if err := w.st.TouchUser(w.ctx, store.User{ID: id, Username: username, Name: username, SeenAt: w.fake.Now()}); err != nil {
		w.t.Fatal(err)
	}
	for _, l := range lines {
		in := dialog.Input{Kind: dialog.InText, Text: l}
		if label, ok := strings.CutPrefix(l, "["); ok {
			label = strings.TrimSuffix(label, "]")
			var found bool
			for _, c := range u.buttons {
				if c.Label == label {
					in, found = dialog.Input{Kind: dialog.InButton, Button: c.Button}, true
				}
			}
			if !found {
				w.t.Fatalf("telegram %d: no button %q among %v", id, label, u.buttons)
			}
		} else if cmd, arg, ok := dialog.ParseCommand(l); ok {
			in = dialog.Input{Kind: dialog.InCommand, Command: cmd, Arg: arg}
		}
		w.engine.Handle(w.ctx, bot.Incoming{ChatID: id, UserID: id, Input: in}, u)
	}
	return u
}

// last is the user's latest text.
func (u *tgUser) last() string { return u.texts[len(u.texts)-1] }

// wechat has a WeChat user send lines as the fake pushes them, and the
// bot handle each: "[label]" chooses an option (from the menu, or by
// typing its number when the options came numbered).
func (w *world) wechat(openid string, lines ...string) {
	w.t.Helper()
	for _, l := range lines {
		m := wxfake.Message{From: openid, Content: l}
		if label, ok := strings.CutPrefix(l, "["); ok {
			m = w.choose(openid, strings.TrimSuffix(label, "]"))
		}
		d := w.fake.Deliver(w.endpoint, m)
		if d.Status != 200 {
			w.t.Fatalf("push %q: status %d %s", l, d.Status, d.Body)
		}
		w.ch.HandleStored(w.t, w.ctx)
	}
}

var numberedLine = regexp.MustCompile(`(?m)^(\d+)\. (.*)$`)

// choose finds label among the options of the latest message that had
// some, and answers as the user would.
func (w *world) choose(openid, label string) wxfake.Message {
	w.t.Helper()
	sent := w.fake.Sent(openid)
	for i := len(sent) - 1; i >= 0; i-- {
		if menu, ok := sent[i]["msgmenu"].(map[string]any); ok {
			for _, it := range menu["list"].([]any) {
				item := it.(map[string]any)
				if item["content"] == label {
					return wxfake.Message{From: openid, Content: label, MenuID: item["id"].(string)}
				}
			}
			break
		}
		if text, ok := sent[i]["text"].(map[string]any); ok {
			ms := numberedLine.FindAllStringSubmatch(text["content"].(string), -1)
			for _, m := range ms {
				if m[2] == label {
					return wxfake.Message{From: openid, Content: m[1]}
				}
			}
			if len(ms) > 0 {
				break
			}
		}
	}
	w.t.Fatalf("wechat %s: no option %q on screen:\n%s", openid, label, strings.Join(w.texts(openid), "\n---\n"))
	return wxfake.Message{}
}

// texts are the messages a WeChat user got, menus as their head and
// numbered items.
func (w *world) texts(openid string) []string {
	var out []string
	for _, m := range w.fake.Sent(openid) {
		if t, ok := m["text"].(map[string]any); ok {
			out = append(out, t["content"].(string))
		}
		if menu, ok := m["msgmenu"].(map[string]any); ok {
			s := menu["head_content"].(string)
			for _, it := range menu["list"].([]any) {
				item := it.(map[string]any)
				s += fmt.Sprintf("\n[%s] %s", item["id"], item["content"])
			}
			out = append(out, s)
		}
	}
	return out
}

func (w *world) userOf(openid string) int64 {
	id, err := w.st.WeChatUser(w.ctx, openid)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

const (
	offerEN = "We developed ultra-high-speed laser cladding of corrosion-resistant alloy coatings that replace hard chrome electroplating on hydraulic cylinder piston rods; 1000 hours salt spray without rust, no plating effluent."
	needZH  = "我们厂做液压油缸，活塞杆在海边盐雾环境里镀铬层半年就生锈起皮。想找更耐腐蚀的表面处理办法，最好不用电镀。"
)

// publishOffer has a Telegram user publish the English offer.
func (w *world) publishOffer(id int64, username string) *tgUser {
	w.t.Helper()
	u := w.telegram(id, username, "/start", "[English]", "[🎓 I offer a technology]", offerEN, "[✅ Done]")
	for range 8 {
		if hasButton(u.buttons, "📣 Publish") {
			break
		}
		w.telegram(id, username, "[Skip]")
	}
	w.telegram(id, username, "[📣 Publish]")
	if !strings.Contains(strings.Join(u.texts, "\n"), "Published") {
		w.t.Fatalf("offer not published:\n%s", strings.Join(u.texts, "\n---\n"))
	}
	return u
}

// publishNeed has a WeChat user follow the account and publish the
// Chinese need.
func (w *world) publishNeed(openid string) {
	w.t.Helper()
	d := w.fake.Deliver(w.endpoint, wxfake.Message{From: openid, Type: "event", Event: "subscribe"})
	if d.Status != 200 {
		w.t.Fatalf("follow: %d", d.Status)
	}
	w.ch.HandleStored(w.t, w.ctx)
	w.wechat(openid, "[🏭 我有技术需求]", needZH, "[✅ 完成]")
	for range 8 {
		if strings.Contains(w.lastText(openid), "📣 发布") {
			break
		}
		w.wechat(openid, "[跳过]")
	}
	w.wechat(openid, "[📣 发布]")
}

func (w *world) lastText(openid string) string {
	ts := w.texts(openid)
	if len(ts) == 0 {
		return ""
	}
	return ts[len(ts)-1]
}

func hasButton(cs []dialog.Choice, label string) bool {
	for _, c := range cs {
		if c.Label == label {
			return true
		}
	}
	return false
}

// A Chinese need typed on WeChat is matched with an English offer a
// Telegram user published: one pool across the channels.
func TestWeChatNeedMatchesTelegramOffer(t *testing.T) {
	w := newWorld(t)
	w.publishOffer(501, "lab_chen")
	w.publishNeed("oWX-factory")
	all := strings.Join(w.texts("oWX-factory"), "\n---\n")
	t.Logf("WeChat intake:\n%s", all)
	if !strings.Contains(all, "已发布") || !strings.Contains(strings.ToLower(all), "laser cladding") {
		t.Fatalf("the need was not published with the Telegram offer among its matches:\n%s", all)
	}
	ps, err := w.st.ProfilesOf(w.ctx, w.userOf("oWX-factory"))
	if err != nil || len(ps) != 1 || ps[0].Lang != matcher.LangZH {
		t.Fatalf("the WeChat user's profiles: %+v, %v", ps, err)
	}
}

// WeChat retries a push it got no answer to in time: the same message
// is stored and handled once.
func TestWeChatDuplicateHandledOnce(t *testing.T) {
	w := newWorld(t)
	d := w.fake.Deliver(w.endpoint, wxfake.Message{From: "oDup", Content: "/start"})
	again := w.fake.Redeliver(w.endpoint, d)
	if d.Status != 200 || again.Status != 200 {
		t.Fatalf("statuses %d, %d", d.Status, again.Status)
	}
	w.ch.HandleStored(t, w.ctx)
	n := len(w.fake.Sent("oDup"))
	if n == 0 {
		t.Fatal("nothing answered")
	}
	w.fake.Redeliver(w.endpoint, d)
	w.ch.HandleStored(t, w.ctx)
	if got := len(w.fake.Sent("oDup")); got != n {
		t.Errorf("%d messages after the retries, want %d: handled more than once", got, n)
	}
}

// A notice to a WeChat user outside the 48-hour window waits for the
// user's next message and is delivered then, once; with a template
// configured, the template message tells the user first.
func TestWeChatNoticeOutsideWindowWaits(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      []option
		templates int
	}{{"no template", nil, 0}, {"template", []option{withTemplate}, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.opts...)
			w.publishNeed("oWX-late")
			w.fake.Advance(49 * time.Hour)
			before := len(w.fake.Sent("oWX-late"))
			tg := w.publishOffer(502, "lab_wang")
			// The Telegram user asks to be introduced to the need.
			w.telegram(502, "lab_wang", "[🤝 1 Request intro]")
			if got := len(w.fake.Sent("oWX-late")); got != before {
				t.Fatalf("%d customer-service messages sent outside the window", got-before)
			}
			if got := len(w.fake.Calls("/cgi-bin/message/template/send")); got != tc.templates {
				t.Errorf("%d template messages, want %d", got, tc.templates)
			}
			_ = tg
			w.wechat("oWX-late", "你好")
			after := w.texts("oWX-late")[before:]
			joined := strings.Join(after, "\n---\n")
			if !strings.Contains(joined, "laser") && !strings.Contains(joined, "对接") {
				t.Fatalf("the kept notice was not delivered at the next message:\n%s", joined)
			}
			n := len(w.fake.Sent("oWX-late"))
			w.wechat("oWX-late", "在吗")
			if again := strings.Join(w.texts("oWX-late")[n:], "\n"); strings.Contains(again, "laser") {
				t.Errorf("the kept notice came twice:\n%s", again)
			}
		})
	}
}

// A user who scans an event's QR code is tagged with the event, as by
// the Telegram link.
func TestWeChatEventQRTagsUser(t *testing.T) {
	w := newWorld(t)
	client, err := wechat.NewClient(wechat.Config{AppID: wxfake.AppID, AppSecret: wxfake.AppSecret, Token: wxfake.Token,
		APIBase: w.fake.URL(), HTTPClient: w.fake.Client(), Now: w.fake.Now}, slog.New(slog.NewTextHandler(testWriter{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	qr, err := client.QR(w.ctx, "qxwq2026", 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		openid   string
		follower bool
	}{{"oNew", false}, {"oFollower", true}} {
		if d := w.fake.Scan(w.endpoint, c.openid, qr.Ticket, c.follower); d.Status != 200 {
			t.Fatalf("scan: %d", d.Status)
		}
		w.ch.HandleStored(t, w.ctx)
		tag, err := w.st.UserEvent(w.ctx, w.userOf(c.openid))
		if err != nil || tag != "qxwq2026" {
			t.Errorf("%s: event %q, %v; want qxwq2026", c.openid, tag, err)
		}
		if len(w.fake.Sent(c.openid)) == 0 {
			t.Errorf("%s: not welcomed", c.openid)
		}
	}
	counts, err := w.st.EventCountsOf(w.ctx, "qxwq2026")
	if err != nil || counts.Users != 2 {
		t.Errorf("event counts %+v, %v; want 2 users", counts, err)
	}
}

// A WeChat user asks to meet a Telegram user without a username: each is
// asked for the contact to share at their first request or acceptance,
// and the cards are exchanged only once both said yes.
func TestDoubleOptInAcrossChannelsExchangesCards(t *testing.T) {
	w := newWorld(t)
	tg := w.publishOffer(503, "")
	w.publishNeed("oWX-zhang")
	w.wechat("oWX-zhang", "[🤝 1 请求对接]")
	if got := w.lastText("oWX-zhang"); !strings.Contains(got, "联系方式") {
		t.Fatalf("the WeChat user was not asked for a contact: %q", got)
	}
	w.wechat("oWX-zhang", "hello?")
	if got := w.lastText("oWX-zhang"); !strings.Contains(got, "不像") {
		t.Fatalf("a text that is no contact was taken: %q", got)
	}
	w.wechat("oWX-zhang", "微信号 zhang_factory88")
	if !hasButton(tg.buttons, "✅ Accept") {
		t.Fatalf("the request did not reach the Telegram user; their screen:\n%s", strings.Join(tg.texts, "\n---\n"))
	}
	for _, txt := range append(w.texts("oWX-zhang"), tg.texts...) {
		if strings.Contains(txt, "zhang_factory88") && !strings.Contains(txt, "已保存") {
			t.Fatalf("a card went out before both accepted: %q", txt)
		}
	}
	w.telegram(503, "", "[✅ Accept]")
	if !strings.Contains(tg.last(), "phone number") {
		t.Fatalf("the Telegram user without a username was not asked for a contact: %q", tg.last())
	}
	w.telegram(503, "", "+86 138 0013 8000")
	if got := strings.Join(tg.texts, "\n"); !strings.Contains(got, "Contact: 微信号 zhang_factory88") {
		t.Errorf("the Telegram user did not get the WeChat user's card:\n%s", got)
	}
	if got := strings.Join(w.texts("oWX-zhang"), "\n"); !strings.Contains(got, "联系方式：+86 138 0013 8000") {
		t.Errorf("the WeChat user did not get the Telegram user's card:\n%s", got)
	}
	// The card can be changed in /settings.
	w.wechat("oWX-zhang", "/settings", "[✏️ 联系方式]", "zhang@example.com")
	if card, _ := w.st.ContactCard(w.ctx, w.userOf("oWX-zhang")); card != "zhang@example.com" {
		t.Errorf("card after /settings: %q", card)
	}
}

// A voice message is read by WeChat's recognition; without one, and for
// an image, the user is asked to type.
func TestWeChatVoiceAndOtherMessages(t *testing.T) {
	w := newWorld(t)
	w.wechat("oVoice", "/start", "[🏭 我有技术需求]")
	push := func(m wxfake.Message) string {
		t.Helper()
		if d := w.fake.Deliver(w.endpoint, m); d.Status != 200 {
			t.Fatalf("push: %d", d.Status)
		}
		w.ch.HandleStored(t, w.ctx)
		return w.lastText("oVoice")
	}
	if got := push(wxfake.Message{From: "oVoice", Type: "voice", MediaID: "m1", Recognition: needZH}); !strings.Contains(got, "收到") {
		t.Errorf("recognized voice: %q, want it taken as the description", got)
	}
	if got := push(wxfake.Message{From: "oVoice", Type: "voice", MediaID: "m2"}); !strings.Contains(got, "打字") {
		t.Errorf("unrecognized voice: %q, want a request to type", got)
	}
	if got := push(wxfake.Message{From: "oVoice", Type: "image"}); !strings.Contains(got, "打字") {
		t.Errorf("image: %q, want a request to type", got)
	}
}

// Options can be chosen by typing their number, full-width digits too,
// as on the console; an account without the menu API gets them numbered.
func TestWeChatTypedNumbers(t *testing.T) {
	w := newWorld(t)
	w.wechat("oNum", "/start")
	w.wechat("oNum", "１")
	if got := w.lastText("oNum"); !strings.Contains(got, "描述您的技术难题") {
		t.Fatalf("after typing １: %q", got)
	}
	w.fake.FailNext("/cgi-bin/message/custom/send", 48001, "api unauthorized")
	w.wechat("oNum", needZH)
	got := w.lastText("oNum")
	if !strings.Contains(got, "1. ✅ 完成") {
		t.Fatalf("options without the menu API: %q, want them numbered", got)
	}
	w.wechat("oNum", "[✅ 完成]")
	if got := w.lastText("oNum"); !strings.Contains(got, "1/") {
		t.Errorf("after choosing by number: %q, want the first question", got)
	}
}

// An item chosen from an older menu does what that item said, though
// other options were shown since.
func TestWeChatOlderMenuItem(t *testing.T) {
	w := newWorld(t)
	w.wechat("oOld", "/start")
	var id string
	for _, m := range w.fake.Sent("oOld") {
		if menu, ok := m["msgmenu"].(map[string]any); ok {
			for _, it := range menu["list"].([]any) {
				if item := it.(map[string]any); item["content"] == "🏭 我有技术需求" {
					id = item["id"].(string)
				}
			}
		}
	}
	w.wechat("oOld", "/settings")
	if d := w.fake.Deliver(w.endpoint, wxfake.Message{From: "oOld", Content: "🏭 我有技术需求", MenuID: id}); d.Status != 200 {
		t.Fatalf("push: %d", d.Status)
	}
	w.ch.HandleStored(t, w.ctx)
	if got := w.lastText("oOld"); !strings.Contains(got, "描述您的技术难题") {
		t.Errorf("after the older menu's item: %q", got)
	}
}

// A user sending faster than the limit is told so once, and the rest is
// skipped.
func TestWeChatRateLimit(t *testing.T) {
	w := newWorld(t, func(_ *wechat.Config, o *wxchannel.Options, st *store.Store) {
		o.RateLimit, o.Limiter = store.RateLimit{Burst: 2, PerSecond: 0.001}, st
	})
	w.wechat("oFast", "/start", "/help")
	n := len(w.fake.Sent("oFast"))
	w.wechat("oFast", "/help")
	if got := w.lastText("oFast"); len(w.fake.Sent("oFast")) != n+1 || !strings.Contains(got, "太快") {
		t.Fatalf("over the limit: %q", got)
	}
	w.wechat("oFast", "/help")
	if got := len(w.fake.Sent("oFast")); got != n+1 {
		t.Errorf("%d more messages after the notice, want none", got-n-1)
	}
}
