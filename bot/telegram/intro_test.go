package telegram

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/internal/tgfake"
)

// as returns a harness for another user in the same bot: their private chat.
func (h *tgHarness) as(user int64) *tgHarness {
	return &tgHarness{t: h.t, fake: h.fake, chat: user, user: user, st: h.st}
}

// publish takes a user from /start to a published profile and returns
// the message with the matches.
func (h *tgHarness) publish(role, text string) tgfake.Sent {
	h.t.Helper()
	return h.publishAnswering(role, text, nil)
}

// pressOn presses the button whose data starts with prefix on message m.
func (h *tgHarness) pressOn(m tgfake.Sent, label, want string) {
	h.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				h.pressData(m.MessageID, b.Data, want)
				return
			}
		}
	}
	h.t.Fatalf("no button %q on %q", label, m.Text)
}

// introButtonFor returns the label of the intro button of the match
// whose title contains title.
func introButtonFor(t *testing.T, m tgfake.Sent, title string) string {
	t.Helper()
	for _, para := range strings.Split(m.Text, "\n\n") {
		if strings.Contains(para, title) {
			n := strings.SplitN(para, ".", 2)[0]
			return "🤝 " + n + " Request intro"
		}
	}
	t.Fatalf("no match titled %q in:\n%s", title, m.Text)
	return ""
}

const (
	offerText = "Ultra-high-speed laser cladding of corrosion-resistant alloy on hydraulic piston rods replaces hard chrome plating; 1000 hours salt spray without rust. Deployed on two production lines."
	needText  = "Our hydraulic cylinder piston rods rust within months near the sea and the chrome plating peels off. We need a corrosion-resistant surface without electroplating."
)

// TestIntroductionAccepted: A asks to meet B through a match; B sees an
// anonymous summary, a third user pressing B's button changes and learns
// nothing, B accepts, and both receive each other's contact.
func TestIntroductionAccepted(t *testing.T) {
	h := startTelegram(t)
	a, b, c := h.as(7001), h.as(7002), h.as(7003)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", needText)

	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "was sent")
	req := b.expect(0, "Someone would like to talk")
	for _, secret := range []string{"user7001", "Test User", "tg://user?id=7001"} {
		if strings.Contains(req.Text, secret) {
			t.Errorf("the request reveals %q before acceptance:\n%s", secret, req.Text)
		}
	}

	// A forwarded button pressed by a third user: refused, nothing revealed.
	var accept string
	for _, row := range req.Buttons {
		for _, btn := range row {
			if strings.Contains(btn.Text, "Accept") {
				accept = btn.Data
			}
		}
	}
	c.say("/start", "Choose your language")
	cm, _ := h.fake.LastMessage(c.chat)
	_, cbID := h.fake.SendCallback(c.chat, c.user, cm.MessageID, accept)
	call := h.fake.WaitFor(t, wait, func(x tgfake.Call) bool {
		return x.Method == "answerCallbackQuery" && x.Params["callback_query_id"] == cbID
	})
	if !strings.Contains(call.Params["text"], "not for you") {
		t.Errorf("third party's press answered with %q", call.Params["text"])
	}
	for _, chat := range []int64{a.chat, b.chat, c.chat} {
		for _, m := range h.fake.Messages(chat) {
			if strings.Contains(m.Text, "Connected") || strings.Contains(m.Text, "Contact:") {
				t.Fatalf("contact revealed to chat %d after a forged press: %s", chat, m.Text)
			}
		}
	}

	b.pressOn(req, "✅ Accept", "")
	toB := b.expect(0, "Connected")
	toA := a.expect(0, "Connected")
	if !strings.Contains(toB.Text, "@user7001") {
		t.Errorf("B did not get A's contact:\n%s", toB.Text)
	}
	if !strings.Contains(toA.Text, "@user7002") {
		t.Errorf("A did not get B's contact:\n%s", toA.Text)
	}
	// Pressing Accept again changes nothing and sends nothing new.
	n := len(h.fake.Messages(a.chat))
	b.pressOn(req, "✅ Accept", "")
	if got := len(h.fake.Messages(a.chat)); got != n {
		t.Errorf("a second Accept sent %d more messages to A", got-n)
	}
	// The contact is a link Telegram opens, with a first message to copy.
	for _, c := range h.fake.CallsTo("sendMessage") {
		if c.Params["chat_id"] == fmt.Sprint(a.chat) && strings.Contains(c.Params["text"], "Connected") {
			for _, want := range []string{`<a href="https://t.me/user7002">@user7002</a>`, "<code>Hello!"} {
				if !strings.Contains(c.Params["text"], want) {
					t.Errorf("A's contact lacks %s:\n%s", want, c.Params["text"])
				}
			}
		}
	}
	// /connections lists it.
	conn := a.say("/connections", "Your connections (1)")
	if !strings.Contains(conn.Text, "@user7002") {
		t.Errorf("/connections lacks B's contact:\n%s", conn.Text)
	}
}

// TestIntroductionDeclined: B declines; A is told, and no contact or
// identity travels either way.
func TestIntroductionDeclined(t *testing.T) {
	h := startTelegram(t)
	a, b := h.as(7101), h.as(7102)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", needText)
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "was sent")
	req := b.expect(0, "Someone would like to talk")
	b.pressOn(req, "✖ Decline", "Declined")
	a.expect(0, "was declined")
	for _, chat := range []int64{a.chat, b.chat} {
		for _, m := range h.fake.Messages(chat) {
			for _, secret := range []string{"user7101", "user7102", "tg://user", "Contact:"} {
				if strings.Contains(m.Text, secret) {
					t.Errorf("chat %d saw %q after a decline: %s", chat, secret, m.Text)
				}
			}
		}
	}
	// Asking again after a decline does not bother B.
	n := len(h.fake.Messages(b.chat))
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "declined earlier")
	if got := len(h.fake.Messages(b.chat)); got != n {
		t.Errorf("B got %d messages from a request after declining", got-n)
	}
}

// TestNotRelevantNeverComesBack marks a match not relevant and checks it
// is gone from the profile's matches.
func TestNotRelevantNeverComesBack(t *testing.T) {
	h := startTelegram(t)
	a := h.as(7201)
	matches := a.publish("🏭 I have a technical need", needText)
	first := strings.SplitN(strings.SplitN(matches.Text, "\n\n", 3)[1], "\n", 2)[0] // "1. Title [demo] — match …"
	title := strings.TrimSpace(strings.SplitN(strings.TrimPrefix(first, "1. "), " [demo]", 2)[0])
	a.pressOn(matches, "👎 1 Not relevant", "Why is it not relevant")
	reasons, _ := h.fake.LastMessage(a.chat)
	a.pressOn(reasons, "Too costly", "will not come back")
	a.say("/my", "active")
	card, _ := h.fake.LastMessage(a.chat)
	a.pressOn(card, "Matches", "match") // a list, or "No good match yet"
	again, _ := h.fake.LastMessage(a.chat)
	if strings.Contains(again.Text, title) {
		t.Errorf("declined match %q came back:\n%s", title, again.Text)
	}
}

// TestExportThenDeleteEverything: /export sends the user's data as a
// file; /delete, once confirmed, leaves nothing of them in Redis — no id,
// username, name or text — while the other side keeps their own.
func TestExportThenDeleteEverything(t *testing.T) {
	h := startTelegram(t)
	a, b := h.as(7501), h.as(7502)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", "UniqueWordsOfA: "+needText)
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "was sent")

	a.say("/export", "")
	doc := h.fake.WaitFor(t, wait, func(c tgfake.Call) bool { return c.Method == "sendDocument" && c.Params["chat_id"] == "7501" })
	var file []byte
	for _, f := range doc.Files {
		file = f
	}
	if !strings.Contains(string(file), "UniqueWordsOfA") || !strings.Contains(string(file), "user7501") {
		t.Errorf("export lacks the user's data:\n%.300s", file)
	}

	a.say("/delete", "cannot be undone")
	confirm, _ := h.fake.LastMessage(a.chat)
	a.pressOn(confirm, "Delete everything about me", "everything about you is deleted")
	// The press itself stays in the webhook inbox until its handling
	// is acknowledged, a moment after the reply: look again until the
	// store is clean or the wait is over.
	var left []string
	for deadline := time.Now().Add(wait); ; time.Sleep(50 * time.Millisecond) {
		all, err := h.st.Dump(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		left = left[:0]
		for key, val := range all {
			for _, secret := range []string{"7501", "user7501", "UniqueWordsOfA"} {
				if strings.Contains(key, secret) || strings.Contains(val, secret) {
					left = append(left, fmt.Sprintf("%s holds %q: %.160s", key, secret, val))
				}
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, l := range left {
		t.Errorf("after /delete, %s", l)
	}
	if ps, _ := h.st.ProfilesOf(context.Background(), 7502); len(ps) != 1 {
		t.Errorf("the other user's profiles: %d, want 1", len(ps))
	}
}
