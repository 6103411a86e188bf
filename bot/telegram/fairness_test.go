package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store"
)

// slowChat is a transport that holds each sendMessage to one chat for a
// while, as Telegram does to a chat it throttles.
type slowChat struct {
	chat  string
	delay time.Duration
	next  http.RoundTripper
}

func (s slowChat) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/sendMessage") && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		if bytes.Contains(body, []byte("\r\n\r\n"+s.chat+"\r\n")) {
			select {
			case <-time.After(s.delay):
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}
	}
	return s.next.RoundTrip(r)
}

// userText pushes a text message from a user whose client speaks lang.
func userText(fake *tgfake.Server, chatID int64, lang, text string) {
	fake.Push(models.Update{Message: &models.Message{ID: 1, Date: int(time.Now().Unix()), Text: text,
		From: &models.User{ID: chatID, FirstName: "F", LanguageCode: lang}, Chat: models.Chat{ID: chatID, Type: models.ChatTypePrivate}}})
}

// TestFloodDoesNotStallOthers: one chat floods the bot while
// Telegram answers it slowly. Its user is held to the per-user limit and
// told so once, in their language; its queue holds only a few updates and
// the rest are dropped; and every other chat is answered while the
// flooder's accepted messages are still being answered.
func TestFloodDoesNotStallOthers(t *testing.T) {
	e, st := testEngine(t)
	const flooder = 7000
	lim := &countingLimiter{Limiter: st, key: limitKey(flooder)}
	h := startTelegramWith(t, e, st, func(o *Options) {
		// A bucket that does not refill while the test runs.
		o.Limiter, o.RateLimit = lim, store.RateLimit{Burst: store.DefaultRateBurst, PerSecond: 0.001}
		o.HTTPClient = &http.Client{Timeout: 5 * time.Second,
			Transport: slowChat{chat: strconv.Itoa(flooder), delay: 300 * time.Millisecond, next: http.DefaultTransport}}
	})
	for i := range 300 {
		userText(h.fake, flooder, "zh-CN", fmt.Sprintf("第%d条：我们的泵经常无故停机。", i))
	}
	notice := adapterText["rate_limited"][1]
	others := []int64{7101, 7102, 7103, 7104, 7105}
	for _, c := range others {
		u := &tgHarness{t: t, fake: h.fake, chat: c, user: c, st: st}
		u.say("/start", "Choose your language")
		u.press("English", "What would you like to do?")
	}
	if n := lim.allowed.Load(); n >= store.DefaultRateBurst {
		t.Errorf("the others were answered only after the flooder's %d messages", n)
	}
	// The flooder's burst is handled in the end; the rest is refused.
	h.fake.WaitFor(t, 30*time.Second, func(tgfake.Call) bool {
		return lim.refused.Load() > 0 && len(h.fake.Messages(flooder)) > store.DefaultRateBurst
	})
	time.Sleep(time.Second) // anything else the flooder would get
	if n := lim.allowed.Load(); n != store.DefaultRateBurst {
		t.Errorf("%d of the flooder's messages reached the dialog, want the burst (%d)", n, store.DefaultRateBurst)
	}
	notices := 0
	for _, m := range h.fake.Messages(flooder) {
		if m.Text == notice {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("flooder got the limit message %d times, want once", notices)
	}
}

// countingLimiter counts what the limiter decided for one key.
type countingLimiter struct {
	Limiter
	key              string
	allowed, refused atomic.Int64
}

func (c *countingLimiter) Allow(ctx context.Context, key string, lim store.RateLimit, now time.Time) (bool, time.Duration, error) {
	ok, wait, err := c.Limiter.Allow(ctx, key, lim, now)
	if key == c.key && err == nil {
		if ok {
			c.allowed.Add(1)
		} else {
			c.refused.Add(1)
		}
	}
	return ok, wait, err
}

// failingInbox fails the first pushes, as Redis does when it is down.
type failingInbox struct {
	Inbox
	fail atomic.Int64
	mu   sync.Mutex
	ids  []int64 // pushed, in order
}

func (f *failingInbox) PushUpdate(ctx context.Context, chatID, updateID int64, update []byte) (bool, error) {
	if f.fail.Add(-1) >= 0 {
		return false, errors.New("redis down")
	}
	f.mu.Lock()
	f.ids = append(f.ids, updateID)
	f.mu.Unlock()
	return f.Inbox.PushUpdate(ctx, chatID, updateID, update)
}

// TestPolledUpdatesStoredFirst: in long polling, an update is
// confirmed to Telegram (by the next getUpdates' offset) only after it is
// stored in the inbox: while the store refuses it, the offset stays and
// Telegram sends it again, so nothing is lost to a crash or a Redis blip.
func TestPolledUpdatesStoredFirst(t *testing.T) {
	e, st := testEngine(t)
	inbox := &failingInbox{Inbox: st}
	inbox.fail.Store(3)
	h := startTelegramWith(t, e, st, func(o *Options) { o.Inbox = inbox })
	id := h.fake.SendText(h.chat, h.user, "/start")
	h.expect(0, "Choose your language")
	h.say("/help", "")
	inbox.mu.Lock()
	pushed := append([]int64(nil), inbox.ids...)
	inbox.mu.Unlock()
	for _, c := range h.fake.CallsTo("getUpdates") {
		offset, _ := strconv.ParseInt(c.Params["offset"], 10, 64)
		if offset <= id {
			continue
		}
		// Confirmed: it must have been stored by then.
		if len(pushed) == 0 || pushed[0] != id {
			t.Errorf("update %d confirmed by offset %d but stored as %v", id, offset, pushed)
		}
		break
	}
	if inbox.fail.Load() >= 0 {
		t.Errorf("the failing pushes were not tried: %d left", inbox.fail.Load())
	}
}
