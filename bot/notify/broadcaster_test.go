package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/bot/telegram"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store"
)

// simClock is simulated time for one goroutine: Sleep moves it forward.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func newSimClock() *simClock { return &simClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)} }

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Sleep(ctx context.Context, d time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return true
}

// fakeAPI records sends at the clock's time and answers with fail's
// verdict (nil: sent).
type fakeAPI struct {
	clock Clock
	fail  func(n int, chatID int64) error // n counts calls from 0
	mu    sync.Mutex
	calls []apiCall
}

type apiCall struct {
	chat int64
	at   time.Time
}

func (f *fakeAPI) SendMessage(_ context.Context, chatID int64, _ string, _ [][]store.Button) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.calls)
	f.calls = append(f.calls, apiCall{chatID, f.clock.Now()})
	if f.fail != nil {
		return f.fail(n, chatID)
	}
	return nil
}

// fakeReach is Reachability in memory.
type fakeReach struct {
	mu     sync.Mutex
	marked map[int64]bool
}

func (r *fakeReach) MarkUnreachable(_ context.Context, id int64, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.marked == nil {
		r.marked = map[int64]bool{}
	}
	r.marked[id] = true
	return nil
}

func (r *fakeReach) ClearUnreachable(_ context.Context, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.marked, id)
	return nil
}

func (r *fakeReach) Unreachable(_ context.Context, id int64) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.marked[id], nil
}

// countingTrack counts a tracker's calls.
type countingTrack struct{ begins, aborts int }

func (c *countingTrack) Begin(context.Context) error { c.begins++; return nil }
func (c *countingTrack) Abort(context.Context) error { c.aborts++; return nil }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func simBroadcaster(fail func(int, int64) error, opt BroadcasterOptions) (*Broadcaster, *fakeAPI, *simClock, *fakeReach) {
	clock := newSimClock()
	api := &fakeAPI{clock: clock, fail: fail}
	reach := &fakeReach{}
	opt.Clock = clock
	opt.Rand = rand.New(rand.NewPCG(1, 2))
	return NewBroadcaster(api, reach, opt, quietLog()), api, clock, reach
}

func TestBroadcasterPacing(t *testing.T) {
	b, api, clock, _ := simBroadcaster(nil, BroadcasterOptions{})
	ctx := context.Background()
	start := clock.Now()
	// 60 chats, one message each: paced at 30/s, no slower.
	for chat := int64(1); chat <= 60; chat++ {
		if err := b.Send(ctx, Broadcast{ChatID: chat, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	gap := time.Second / 30
	if got, want := clock.Now().Sub(start), 59*gap; got < want-time.Millisecond || got > want+time.Millisecond {
		t.Errorf("60 chats took %v of simulated time, want %v", got, want)
	}
	// Then a mix: private chats 1–3 and group -9, round robin.
	for i := range 90 {
		chat := []int64{1, 2, 3, -9}[i%4]
		if err := b.Send(ctx, Broadcast{ChatID: chat, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	last := map[int64]time.Time{}
	var group []time.Time
	for i, c := range api.calls {
		if i > 0 && c.at.Sub(api.calls[i-1].at) < gap-time.Microsecond {
			t.Errorf("call %d: %v after the previous one, want ≥ %v", i, c.at.Sub(api.calls[i-1].at), gap)
		}
		if l, ok := last[c.chat]; ok && c.at.Sub(l) < time.Second {
			t.Errorf("chat %d: two messages %v apart", c.chat, c.at.Sub(l))
		}
		last[c.chat] = c.at
		if c.chat < 0 {
			group = append(group, c.at)
		}
	}
	for i := 20; i < len(group); i++ {
		if d := group[i].Sub(group[i-20]); d < time.Minute {
			t.Errorf("group: 21 messages within %v", d)
		}
	}
	if len(group) != 22 {
		t.Fatalf("group got %d messages", len(group))
	}
}

func TestBroadcasterFloodPausesEverything(t *testing.T) {
	b, api, _, _ := simBroadcaster(func(n int, _ int64) error {
		if n == 1 {
			return &bot.FloodError{RetryAfter: 3 * time.Second}
		}
		return nil
	}, BroadcasterOptions{})
	ctx := context.Background()
	track := &countingTrack{}
	for chat := int64(1); chat <= 3; chat++ {
		if err := b.Send(ctx, Broadcast{ChatID: chat, Text: "x", Track: track}); err != nil {
			t.Fatal(err)
		}
	}
	// Calls: 1 ok, 2 → 429, 2 again, 3.
	if len(api.calls) != 4 || api.calls[2].chat != 2 {
		t.Fatalf("calls = %v", api.calls)
	}
	if d := api.calls[2].at.Sub(api.calls[1].at); d < 3*time.Second {
		t.Errorf("retried %v after a 429 with retry_after 3 s", d)
	}
	if d := api.calls[3].at.Sub(api.calls[1].at); d < 3*time.Second {
		t.Errorf("another chat got a message %v after the 429", d)
	}
	if track.begins != 4 || track.aborts != 1 {
		t.Errorf("tracker: %d begins, %d aborts; want 4, 1", track.begins, track.aborts)
	}
	if s := b.Stats(); s.Pauses != 1 || s.Sent != 3 {
		t.Errorf("stats = %+v", s)
	}
}

func TestBroadcasterBlocked(t *testing.T) {
	b, api, _, reach := simBroadcaster(func(_ int, chat int64) error {
		if chat == 7 {
			return fmt.Errorf("%w: Forbidden: bot was blocked by the user", bot.ErrBlocked)
		}
		return nil
	}, BroadcasterOptions{})
	ctx := context.Background()
	if err := b.Send(ctx, Broadcast{ChatID: 7, Text: "x"}); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("send to a blocked chat = %v, want ErrUnreachable", err)
	}
	if len(api.calls) != 1 {
		t.Errorf("a 403 was retried: %d calls", len(api.calls))
	}
	if un, _ := reach.Unreachable(ctx, 7); !un {
		t.Error("blocked chat not marked")
	}
	if err := b.Send(ctx, Broadcast{ChatID: 7, Text: "x"}); !errors.Is(err, ErrUnreachable) || len(api.calls) != 1 {
		t.Errorf("marked chat: %v after %d calls; want ErrUnreachable without a call", err, len(api.calls))
	}
	b.Heard(ctx, 7) // the user writes to the bot
	api.fail = nil
	if err := b.Send(ctx, Broadcast{ChatID: 7, Text: "x"}); err != nil || len(api.calls) != 2 {
		t.Errorf("after the user wrote: %v, %d calls", err, len(api.calls))
	}
	if s := b.Stats(); s.Blocked != 1 || s.Skipped != 1 || s.Sent != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestBroadcasterRetries(t *testing.T) {
	notSent := fmt.Errorf("%w: 502 Bad Gateway", bot.ErrNotSent)
	for _, tc := range []struct {
		name           string
		fail           func(int, int64) error
		want           error // nil: sent
		calls, aborts  int
		minWait, maxWt time.Duration // simulated time between first and last call
	}{
		{"recovers", func(n int, _ int64) error {
			if n < 2 {
				return notSent
			}
			return nil
		}, nil, 3, 2, 1500 * time.Millisecond, 4500 * time.Millisecond},
		{"gives up", func(int, int64) error { return notSent }, bot.ErrNotSent, 3, 3, 1500 * time.Millisecond, 4500 * time.Millisecond},
		{"rejected", func(int, int64) error { return fmt.Errorf("%w: chat not found", bot.ErrRejected) }, bot.ErrRejected, 1, 1, 0, 0},
		{"in doubt", func(int, int64) error { return errors.New("read: connection reset") }, ErrInDoubt, 1, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, api, _, _ := simBroadcaster(tc.fail, BroadcasterOptions{})
			track := &countingTrack{}
			err := b.Send(context.Background(), Broadcast{ChatID: 5, Text: "x", Track: track})
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Send = %v, want %v", err, tc.want)
			}
			if len(api.calls) != tc.calls || track.aborts != tc.aborts || track.begins != tc.calls {
				t.Errorf("%d calls, %d begins, %d aborts; want %d, %d, %d", len(api.calls), track.begins, track.aborts, tc.calls, tc.calls, tc.aborts)
			}
			if d := api.calls[len(api.calls)-1].at.Sub(api.calls[0].at); d < tc.minWait || d > tc.maxWt {
				t.Errorf("backoff: %v between first and last try, want %v–%v", d, tc.minWait, tc.maxWt)
			}
		})
	}
}

func TestBroadcasterLeavesRoomForDirectReplies(t *testing.T) {
	b, api, clock, reach := simBroadcaster(nil, BroadcasterOptions{})
	ctx := context.Background()
	b.ObserveDirect(ctx, 7, nil) // a reply to chat 7 went out just now
	at := clock.Now()
	if err := b.Send(ctx, Broadcast{ChatID: 7, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if d := api.calls[0].at.Sub(at); d < time.Second {
		t.Errorf("broadcast to chat 7 %v after a direct reply", d)
	}
	b.ObserveDirect(ctx, 8, &bot.FloodError{RetryAfter: 5 * time.Second})
	at = clock.Now()
	b.Send(ctx, Broadcast{ChatID: 9, Text: "x"})
	if d := api.calls[1].at.Sub(at); d < 5*time.Second {
		t.Errorf("broadcast %v after a direct reply's 429 (retry_after 5 s)", d)
	}
	b.ObserveDirect(ctx, 10, fmt.Errorf("%w: blocked", bot.ErrBlocked))
	if un, _ := reach.Unreachable(ctx, 10); !un {
		t.Error("a 403 on a direct reply did not mark the chat")
	}
	var nilB *Broadcaster
	nilB.ObserveDirect(ctx, 1, nil) // no broadcaster configured: no-op
	nilB.Heard(ctx, 1)
}

// TestClassifySend checks how the real client's failures are classified.
func TestClassifySend(t *testing.T) {
	fake := tgfake.New(t)
	api, err := telegram.NewBotAPI(fake.Token(), fake.URL(), &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fake.FailNext("sendMessage", tgfake.Failure{Code: 429, RetryAfter: 7}, tgfake.Failure{Code: 403},
		tgfake.Failure{Code: 400}, tgfake.Failure{Code: 500}, tgfake.Failure{Code: 502})
	var flood *bot.FloodError
	if err := api.SendMessage(ctx, 1, "x", nil); !errors.As(err, &flood) || flood.RetryAfter != 7*time.Second {
		t.Errorf("429 → %v", err)
	}
	for _, want := range []error{bot.ErrBlocked, bot.ErrRejected, bot.ErrNotSent, bot.ErrNotSent} {
		if err := api.SendMessage(ctx, 1, "x", nil); !errors.Is(err, want) {
			t.Errorf("got %v, want %v", err, want)
		}
	}
	buttons := [][]store.Button{{{Label: "Request intro", Data: "0:intro:p1"}}}
	if err := api.SendMessage(ctx, 1, "x", buttons); err != nil {
		t.Fatalf("send = %v", err)
	}
	if m, _ := fake.LastMessage(1); len(m.Buttons) != 1 || m.Buttons[0][0].Data != "0:intro:p1" {
		t.Errorf("buttons = %+v", m.Buttons)
	}

	// Nobody listens: the request never left.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + l.Addr().String()
	l.Close()
	down, _ := telegram.NewBotAPI(fake.Token(), closed, nil)
	if err := down.SendMessage(ctx, 1, "x", nil); !errors.Is(err, bot.ErrNotSent) {
		t.Errorf("connection refused → %v, want ErrNotSent", err)
	}
	// A server that takes the request and never answers: in doubt.
	hang := make(chan struct{})
	defer close(hang)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang })}
	l, _ = net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(l)
	defer srv.Close()
	slow, _ := telegram.NewBotAPI(fake.Token(), "http://"+l.Addr().String(), &http.Client{Timeout: 200 * time.Millisecond})
	err = slow.SendMessage(ctx, 1, "x", nil)
	if err == nil || errors.Is(err, bot.ErrNotSent) || errors.Is(err, bot.ErrRejected) || errors.Is(err, bot.ErrBlocked) {
		t.Errorf("no answer → %v, want an unclassified error", err)
	}
}
