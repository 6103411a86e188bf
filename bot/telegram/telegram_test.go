package telegram

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store"
)

// wait is how long an end-to-end test waits for one reaction of the bot.
const wait = 10 * time.Second

// tgHarness is the real bot client talking HTTP to a fake Bot API server,
// with the engine on an embedded store holding the demo set.
type tgHarness struct {
	t    testing.TB
	fake *tgfake.Server
	chat int64
	user int64
	st   *store.Store
	// callbacks are the ids of the button presses sent so far.
	callbacks []string
}

func startTelegram(t *testing.T) *tgHarness {
	t.Helper()
	e, st := testEngine(t)
	return startTelegramOn(t, e, st)
}

// startTelegramOn runs the real bot client on engine e and store st
// against a fake Bot API server until the test ends. Polled updates go
// through the store's inbox, as in serve.
func startTelegramOn(t testing.TB, e *bot.Engine, st *store.Store) *tgHarness {
	t.Helper()
	return startTelegramWith(t, e, st, nil)
}

// startTelegramWith is startTelegramOn with options changed by opt.
func startTelegramWith(t testing.TB, e *bot.Engine, st *store.Store, opt func(*Options)) *tgHarness {
	t.Helper()
	return startTelegramWrapped(t, e, st, opt, nil)
}

// startTelegramWrapped is startTelegramWith whose engine delivers
// notifications through wrap's messenger, when wrap is set.
func startTelegramWrapped(t testing.TB, e *bot.Engine, st *store.Store, opt func(*Options), wrap func(bot.Messenger) bot.Messenger) *tgHarness {
	t.Helper()
	fake := tgfake.New(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	o := Options{
		Token: fake.Token(), APIURL: fake.URL(), PollTimeout: 2 * time.Second,
		HTTPClient: &http.Client{Timeout: 5 * time.Second}, ShutdownGrace: 5 * time.Second,
		Inbox: st, Leases: st, Replica: "test",
	}
	if opt != nil {
		opt(&o)
	}
	tele, err := New(ctx, o, e, st, bot.NewCachedUsers(st), log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var m bot.Messenger = bot.DirectMessenger{Sender: tele}
	if wrap != nil {
		m = wrap(m)
	}
	e.SetMessenger(m)
	seq, err := st.LastChange(ctx)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := tele.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	go func() {
		defer wg.Done()
		e.WatchNewMatches(ctx, st, seq)
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return &tgHarness{t: t, fake: fake, chat: 4242, user: 4242, st: st}
}

// say sends a text message and waits until the bot answers with a
// message containing want.
func (h *tgHarness) say(text, want string) tgfake.Sent {
	h.t.Helper()
	n := len(h.fake.Messages(h.chat))
	h.fake.SendText(h.chat, h.user, text)
	return h.expect(n, want)
}

// expect waits for a bot message after the first n that contains want.
func (h *tgHarness) expect(n int, want string) tgfake.Sent {
	h.t.Helper()
	var found tgfake.Sent
	h.fake.WaitFor(h.t, wait, func(tgfake.Call) bool {
		msgs := h.fake.Messages(h.chat)
		for _, m := range msgs[min(n, len(msgs)):] {
			if strings.Contains(m.Text, want) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// press presses the button labelled label on the bot's latest message
// that has it, checks the press is answered, and waits for a reply
// containing want.
func (h *tgHarness) press(label, want string) tgfake.Sent {
	h.t.Helper()
	msgs := h.fake.Messages(h.chat)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Text == label {
					return h.pressData(msgs[i].MessageID, b.Data, want)
				}
			}
		}
	}
	h.t.Fatalf("no button %q on screen", label)
	return tgfake.Sent{}
}

func (h *tgHarness) pressData(messageID int, data, want string) tgfake.Sent {
	h.t.Helper()
	n := len(h.fake.Messages(h.chat))
	_, cbID := h.fake.SendCallback(h.chat, h.user, messageID, data)
	h.callbacks = append(h.callbacks, cbID)
	h.fake.WaitFor(h.t, wait, func(c tgfake.Call) bool {
		return c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == cbID
	})
	if want == "" {
		return tgfake.Sent{}
	}
	return h.expect(n, want)
}

// TestTelegramIntake drives a whole intake through real HTTP: /start,
// language and role buttons, a description in two messages, follow-up
// questions, the summary card, publish and the matches.
func TestTelegramIntake(t *testing.T) {
	h := startTelegram(t)
	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	h.press("🏭 I have a technical need", "Describe your technical problem")
	h.say("Our hydraulic cylinder piston rods rust within months near the sea; the chrome plating peels.", "Add more")
	h.say("We want a surface treatment that resists salt spray, ideally without electroplating.", "Add more")
	q := h.press("✅ Done", "Question 1 of")
	if len(q.Buttons) == 0 {
		t.Fatalf("question without buttons: %q", q.Text)
	}
	// Skip questions until the summary card shows.
	for i := 0; i < dialog.DefaultMaxQuestions; i++ {
		last, _ := h.fake.LastMessage(h.chat)
		if strings.Contains(last.Text, "please check") {
			break
		}
		h.press("Skip", "")
		h.fake.WaitFor(t, wait, func(c tgfake.Call) bool {
			m, _ := h.fake.LastMessage(h.chat)
			return m.MessageID != last.MessageID
		})
	}
	h.expect(0, "Your need — please check")
	h.press("📣 Publish", "Published")
	res := h.expect(0, "Best technologies for your need")
	if !strings.Contains(res.Text, "laser cladding") && !strings.Contains(res.Text, "激光熔覆") {
		t.Errorf("matches lack the laser-cladding offer:\n%s", res.Text)
	}
	for _, c := range h.fake.CallsTo("sendChatAction") {
		if c.Params["action"] != "typing" {
			t.Errorf("chat action %q, want typing", c.Params["action"])
		}
	}
	if len(h.fake.CallsTo("sendChatAction")) == 0 {
		t.Error("no typing indicator while the bot worked")
	}
	// Every press was answered exactly once, successfully.
	answered := map[string]int{}
	for _, c := range h.fake.CallsTo("answerCallbackQuery") {
		if !c.OK() {
			t.Errorf("answerCallbackQuery %s failed: %s", c.Params["callback_query_id"], c.Reply)
		}
		answered[c.Params["callback_query_id"]]++
	}
	for _, id := range h.callbacks {
		if answered[id] != 1 {
			t.Errorf("press %s answered %d times, want once", id, answered[id])
		}
	}
	if len(answered) != len(h.callbacks) {
		t.Errorf("%d presses answered, %d made", len(answered), len(h.callbacks))
	}
}

// TestTelegramCommandsMenu checks the menu is registered in both languages.
func TestTelegramCommandsMenu(t *testing.T) {
	h := startTelegram(t)
	calls := h.fake.WaitCount(t, wait, "setMyCommands", 3)
	langs := map[string]bool{}
	for _, c := range calls {
		langs[c.Params["language_code"]] = true
		if !strings.Contains(c.Params["commands"], `"new"`) {
			t.Errorf("menu %q lacks /new: %s", c.Params["language_code"], c.Params["commands"])
		}
	}
	for _, l := range []string{"", "en", "zh"} {
		if !langs[l] {
			t.Errorf("no command menu for language %q", l)
		}
	}
}

// TestTelegramDescriptions checks the description shown before START and
// the short one are set in both languages.
func TestTelegramDescriptions(t *testing.T) {
	h := startTelegram(t)
	h.fake.WaitCount(t, wait, "setMyShortDescription", 3)
	for _, c := range []struct{ kind, lang, want string }{
		{"description", "", "Duijie"}, {"description", "en", "Duijie"}, {"description", "zh", "对接"},
		{"short", "", "university"}, {"short", "en", "university"}, {"short", "zh", "高校"},
	} {
		if got := h.fake.Description(c.kind, c.lang); !strings.Contains(got, c.want) {
			t.Errorf("%s in %q = %q, want it to mention %q", c.kind, c.lang, got, c.want)
		}
	}
}

// TestTelegramBadInput sends what users really send and checks each gets
// a clear reply while the interview survives.
func TestTelegramBadInput(t *testing.T) {
	h := startTelegram(t)
	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	old, _ := h.fake.LastMessage(h.chat)
	h.press("🏭 I have a technical need", "Describe your technical problem")

	h.say("   ", "That message is empty")
	long := strings.Repeat("Our pumps break down. ", 1000) // 22,000 characters
	h.say(long, "a profile can hold up to 8000")

	n := len(h.fake.Messages(h.chat))
	h.fake.SendSticker(h.chat, h.user)
	h.expect(n, "I can only read text")
	n = len(h.fake.Messages(h.chat))
	h.fake.SendPhoto(h.chat, h.user)
	h.expect(n, "I can only read text")

	h.say("/frobnicate", "I don't know the command /frobnicate")

	// A button from an earlier step: one short notice on the button, no
	// new message, and its keyboard removed.
	n = len(h.fake.Messages(h.chat))
	h.pressData(old.MessageID, old.Buttons[0][0].Data, "")
	last := h.fake.CallsTo("answerCallbackQuery")
	if txt := last[len(last)-1].Params["text"]; !strings.Contains(txt, "out of date") {
		t.Errorf("stale press answered with %q, want a notice that it is out of date", txt)
	}
	// Data the bot never wrote.
	h.pressData(old.MessageID, "garbage", "")
	if got := len(h.fake.Messages(h.chat)); got != n {
		t.Errorf("stale presses sent %d messages, want none", got-n)
	}
	for _, m := range h.fake.Messages(h.chat) {
		if m.MessageID == old.MessageID && len(m.Buttons) > 0 {
			t.Errorf("the stale keyboard is still there: %v", m.Buttons)
		}
	}

	// The description typed so far is still there after all that.
	h.say("Water pumps in our chemical plant fail without warning and stop production.", "Add more")

	// A second /start mid-interview offers to continue.
	h.say("/start", "unfinished profile")
	h.press("Continue", "Add more")

	// The same update delivered twice is handled once.
	n = len(h.fake.Messages(h.chat))
	id := h.fake.SendText(h.chat, h.user, "Motors also overheat in summer.")
	h.expect(n, "Add more")
	h.fake.Redeliver(id)
	h.say("/help", "/new") // a later update, so the redelivered one was seen first
	count := 0
	for _, m := range h.fake.Messages(h.chat)[n:] {
		if strings.Contains(m.Text, "Add more") {
			count++
		}
	}
	if count != 1 {
		t.Errorf("redelivered update answered %d times, want once", count)
	}
	h.press("✅ Done", "Question 1 of")
}

// TestTelegramForeignPress checks that a button pressed by someone who
// is not the session's user changes nothing.
func TestTelegramForeignPress(t *testing.T) {
	h := startTelegram(t)
	h.say("/start", "Choose your language")
	msg, _ := h.fake.LastMessage(h.chat)
	n := len(h.fake.Messages(h.chat))
	_, cbID := h.fake.SendCallback(h.chat, 999, msg.MessageID, msg.Buttons[0][1].Data)
	c := h.fake.WaitFor(t, wait, func(c tgfake.Call) bool {
		return c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == cbID
	})
	if !strings.Contains(c.Params["text"], "not for you") {
		t.Errorf("foreign press answered with %q", c.Params["text"])
	}
	if got := len(h.fake.Messages(h.chat)); got != n {
		t.Errorf("foreign press produced %d messages", got-n)
	}
	h.press("English", "What would you like to do?")
}
