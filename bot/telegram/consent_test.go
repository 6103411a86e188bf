package telegram

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/demo"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/report"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

// publishAnswering is publish that types answers to the questions
// whose text holds a key of answers, and skips the others.
func (h *tgHarness) publishAnswering(role, text string, answers map[string]string) tgfake.Sent {
	h.t.Helper()
	h.say("/start", "Choose your language")
	h.press("English", "What would you like to do?")
	h.press(role, "Describe")
	h.say(text, "Add more")
	h.press("✅ Done", "")
	for i := 0; i < 10; i++ {
		last, _ := h.fake.LastMessage(h.chat)
		if strings.Contains(last.Text, "please check") {
			break
		}
		typed := false
		for q, a := range answers {
			if strings.Contains(last.Text, q) {
				h.fake.SendText(h.chat, h.user, a)
				typed = true
				break
			}
		}
		if !typed {
			h.press("Skip", "")
		}
		h.fake.WaitFor(h.t, wait, func(tgfake.Call) bool {
			m, _ := h.fake.LastMessage(h.chat)
			return m.MessageID != last.MessageID
		})
	}
	published := h.press("📣 Publish", "Published")
	var matches tgfake.Sent
	h.fake.WaitFor(h.t, wait, func(tgfake.Call) bool {
		for _, m := range h.fake.Messages(h.chat) {
			if m.MessageID > published.MessageID {
				matches = m
				return true
			}
		}
		return false
	})
	return matches
}

// leaks returns the secrets that appear in the bot's messages to h's chat.
func (h *tgHarness) leaks(secrets []string) []string {
	var out []string
	for _, m := range h.fake.Messages(h.chat) {
		for _, s := range secrets {
			if strings.Contains(m.Text, s) {
				out = append(out, s+" in: "+m.Text)
			}
		}
	}
	return out
}

// TestNothingLeavesBeforeConsent: two owners write contacts,
// links, messenger ids, their own names and bidi overrides into their
// descriptions and answers. What each sees of the other — the match list
// and details, the new-match notice, the introduction request and what
// the requester is told — and a third user's /search hold none of it;
// after Accept, contacts are exchanged as designed.
func TestNothingLeavesBeforeConsent(t *testing.T) {
	e, st := testEngine(t)
	h := startTelegramOn(t, e, st)
	a, b := h.as(7001), h.as(7002)
	ctx := context.Background()

	// The store knows each owner by a real name and username (Telegram's
	// first message records them; the fake's are all "Test User").
	named := func(u *tgHarness, name, username string) {
		u.say("/start", "Choose your language")
		if err := st.TouchUser(ctx, store.User{ID: u.user, Name: name, Username: username, SeenAt: fixedNow}); err != nil {
			t.Fatal(err)
		}
	}
	named(b, "Li Ming", "liming_lab")
	named(a, "Zhang Wei", "zh_wei_lab")

	bSecrets := []string{"Li Ming", "liming_lab", "13900002222", "bob@example.org", "123456789", "qqlab", "www.evil.example", "\u2067", "15900003333", "vx_liming"}
	b.publishAnswering("🎓 I offer a technology",
		"Li Ming 13900002222 bob@example.org QQ号：123456789 \u2067ultra-high-speed laser cladding of corrosion-resistant alloy on hydraulic piston rods replaces hard chrome plating; "+
			"1000 hours salt spray without rust. Deployed on two production lines. Details at www.evil.example/cladding or ask liming_lab.",
		map[string]string{"Where are you located": "lab in Suzhou, call 15900003333 vx: vx_liming"})

	aSecrets := []string{"Zhang Wei", "zh_wei_lab", "13812345678", "alice@example.com", "zw_lab88", "13800001111", "zwlab2024", "evil.example/login", "https://", "\u202e"}
	matches := a.publishAnswering("🏭 I have a technical need",
		"Zhang Wei 13812345678 alice@example.com WeChat: zw_lab88 \u202eour hydraulic cylinder piston rods rust within months near the sea and the chrome plating peels off. "+
			"We need a corrosion-resistant surface without electroplating. See https://evil.example/login to verify, or write to zh_wei_lab.",
		map[string]string{"Where are you located": "my office — tel 13800001111 wx: zwlab2024", "budget": "about 500k, wx: zwlab2024"})

	// B is told of A's need as a new match; A asks to meet B from the list.
	b.expect(0, "New match")
	a.pressOn(matches, introButtonFor(t, matches, "contact hidden"), "was sent")
	req := b.expect(0, "Someone would like to talk")
	if !strings.Contains(req.Text, "[contact hidden]") {
		t.Errorf("the request shows no sign of what was hidden:\n%s", req.Text)
	}
	for _, m := range []tgfake.Sent{matches, req} { // shared terms drawn from hidden text
		if strings.Contains(m.Text, "evil") {
			t.Errorf("a reason names a word of a hidden address:\n%s", m.Text)
		}
	}
	for _, l := range append(a.leaks(bSecrets), b.leaks(aSecrets)...) {
		t.Errorf("before consent: %s", l)
	}

	// A's details view of B's offer shows its description, redacted.
	intro := introButtonFor(t, matches, "contact hidden")
	a.pressOn(matches, strings.Replace(strings.Replace(intro, "🤝", "ℹ️", 1), "Request intro", "Details", 1), "")
	a.fake.WaitFor(t, wait, func(tgfake.Call) bool {
		for _, m := range a.fake.Messages(a.chat) {
			if m.MessageID == matches.MessageID && m.Text != matches.Text {
				return strings.Contains(m.Text, "production lines")
			}
		}
		return false
	})
	for _, l := range a.leaks(bSecrets) {
		t.Errorf("in the details: %s", l)
	}

	// A third user's /search finds both, redacted.
	c := h.as(7003)
	c.say("/start", "Choose your language")
	c.press("English", "What would you like to do?")
	found := c.say("/search laser cladding piston rod corrosion", "🔎")
	if !strings.Contains(found.Text, "contact hidden") {
		t.Errorf("the search did not find the redacted offer:\n%s", found.Text)
	}
	for _, l := range c.leaks(append(append([]string{}, aSecrets...), bSecrets...)) {
		t.Errorf("in a search: %s", l)
	}

	b.pressOn(req, "✅ Accept", "")
	toB := b.expect(0, "Connected")
	toA := a.expect(0, "Connected")
	if !strings.Contains(toB.Text, "@zh_wei_lab") || !strings.Contains(toA.Text, "@liming_lab") {
		t.Errorf("contacts not exchanged after Accept:\nto B: %s\nto A: %s", toB.Text, toA.Text)
	}
}

// TestReportRedacted: an organizer's report carries the titles
// of needs and of the offers ranked for them without contacts or links.
func TestReportRedacted(t *testing.T) {
	st, _ := storetest.New(t)
	_, ix := demoEngine(t, st, nil, nil)
	ctx := context.Background()
	ps, err := demo.Profiles(fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"13812345678", "zw_lab88", "evil.example", "\u202e"}
	for _, p := range ps { // every title carries a contact and a link
		p.Title = "\u202eWeChat: zw_lab88 tel 13812345678 https://evil.example/login " + p.Title
		if _, err := st.SaveProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		ix.Upsert(p)
	}
	r, err := bot.OrganizerReport(ctx, st, ix, matcher.Default(), report.Options{Lang: matcher.LangEN, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var md, csv bytes.Buffer
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "contact hidden") {
		t.Fatalf("the report shows no redacted title:\n%s", md.String())
	}
	for _, s := range secrets {
		for name, text := range map[string]string{"markdown": md.String(), "csv": csv.String(), "summary": r.Summary()} {
			if strings.Contains(text, s) {
				t.Errorf("the %s report holds %q", name, s)
			}
		}
	}
}
