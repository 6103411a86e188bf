package telegram

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/internal/tgfake"
)

// failingMessenger fails the next fails notifications whose key starts
// with prefix, as a crash or a Redis blip right after a change does.
type failingMessenger struct {
	next   bot.Messenger
	prefix string
	fails  atomic.Int64
}

func (f *failingMessenger) Notify(ctx context.Context, chatID int64, key string, r dialog.Reply) error {
	if strings.HasPrefix(key, f.prefix) && f.fails.Add(-1) >= 0 {
		return errors.New("outbox unreachable")
	}
	return f.next.Notify(ctx, chatID, key, r)
}

// introAccepted sets up A's request to B and returns B's request message;
// messages whose key starts with prefix fail once.
func introRequested(t *testing.T, prefix string) (h, a, b *tgHarness, e *bot.Engine, fm *failingMessenger, req tgfake.Sent) {
	t.Helper()
	e, st := testEngine(t)
	fm = &failingMessenger{prefix: prefix}
	h = startTelegramWrapped(t, e, st, nil, func(m bot.Messenger) bot.Messenger { fm.next = m; return fm })
	a, b = h.as(7001), h.as(7002)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", needText)
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "was sent")
	req = b.expect(0, "Someone would like to talk")
	return h, a, b, e, fm, req
}

// contacts counts the chats of a and b that received the other's contact.
func contacts(a, b *tgHarness) int {
	n := 0
	for _, u := range []*tgHarness{a, b} {
		for _, m := range u.fake.Messages(u.chat) {
			if strings.Contains(m.Text, "Contact:") {
				n++
				break
			}
		}
	}
	return n
}

// TestAcceptRetried: when the contacts cannot go out right after
// Accept, neither side gets them and B is asked to try again; pressing
// Accept again finishes the connection for both.
func TestAcceptRetried(t *testing.T) {
	_, a, b, _, fm, req := introRequested(t, "connected:")
	fm.fails.Store(1)
	b.pressOn(req, "✅ Accept", "Please send that again")
	if n := contacts(a, b); n != 0 {
		t.Fatalf("after the failed accept %d sides have contacts, want none", n)
	}
	b.pressOn(req, "✅ Accept", "Contact:")
	a.fake.WaitFor(t, wait, func(tgfake.Call) bool { return contacts(a, b) == 2 })
}

// TestAcceptSwept: the same failure, and nobody presses again:
// the sweep over what introductions still owe tells both sides.
func TestAcceptSwept(t *testing.T) {
	_, a, b, e, fm, req := introRequested(t, "connected:")
	fm.fails.Store(1)
	b.pressOn(req, "✅ Accept", "Please send that again")
	n, err := e.FinishOwedIntros(context.Background(), time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("FinishOwedIntros = %d, %v; want 1 finished", n, err)
	}
	a.fake.WaitFor(t, wait, func(tgfake.Call) bool { return contacts(a, b) == 2 })
	if n, err := e.FinishOwedIntros(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("a second sweep finished %d, %v; want nothing left", n, err)
	}
}

// TestRequestSwept: a request whose message to B could not go
// reaches B through the sweep.
func TestRequestSwept(t *testing.T) {
	e, st := testEngine(t)
	fm := &failingMessenger{prefix: "intro:"}
	fm.fails.Store(1)
	h := startTelegramWrapped(t, e, st, nil, func(m bot.Messenger) bot.Messenger { fm.next = m; return fm })
	a, b := h.as(7001), h.as(7002)
	b.publish("🎓 I offer a technology", offerText)
	matches := a.publish("🏭 I have a technical need", needText)
	a.pressOn(matches, introButtonFor(t, matches, "Ultra-high-speed laser cladding"), "Please send that again")
	if n, err := e.FinishOwedIntros(context.Background(), time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("FinishOwedIntros = %d, %v; want 1 finished", n, err)
	}
	b.expect(0, "Someone would like to talk")
}
