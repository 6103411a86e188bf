package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/bot/telegram"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

// The notifier tests run the real go-telegram client against the fake Bot
// API server and the outbox on the test Redis, and judge pacing and
// exactly-once delivery from the calls the fake server recorded.

var (
	_ BroadcastAPI            = (*telegram.BotAPI)(nil)
	_ telegram.DirectObserver = (*Broadcaster)(nil)
)

// notifyEnv is a fake Bot API server, a store and a client for it.
type notifyEnv struct {
	t    *testing.T
	fake *tgfake.Server
	st   *store.Store
	api  *telegram.BotAPI
	log  *slog.Logger
}

func newNotifyEnv(t *testing.T) *notifyEnv {
	t.Helper()
	fake := tgfake.New(t)
	st, _ := storetest.New(t)
	api, err := telegram.NewBotAPI(fake.Token(), fake.URL(), &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &notifyEnv{t: t, fake: fake, st: st, api: api, log: slog.New(slog.NewTextHandler(testWriter{t}, nil))}
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// start runs a notifier named consumer until stop is called, or the test
// ends. stop cancels it and waits until Run has returned.
func (e *notifyEnv) start(consumer string, api BroadcastAPI, out Outbox, nopt NotifierOptions) (n *Notifier, stop func()) {
	e.t.Helper()
	if api == nil {
		api = e.api
	}
	if out == nil {
		out = e.st
	}
	nopt.Consumer = consumer
	if nopt.Block == 0 {
		nopt.Block = 200 * time.Millisecond
	}
	b := NewBroadcaster(api, e.st, BroadcasterOptions{CallTimeout: 2 * time.Second}, e.log)
	n = NewNotifier(out, b, nopt, e.log.With("test_consumer", consumer))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := n.Run(ctx); err != nil {
			e.t.Errorf("notifier %s: %v", consumer, err)
		}
	}()
	stop = sync.OnceFunc(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			e.t.Errorf("notifier %s did not stop", consumer)
		}
	})
	e.t.Cleanup(stop)
	return n, stop
}

// enqueue queues one notification per key to chats[i].
func (e *notifyEnv) enqueue(chats []int64, keys []string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, k := range keys {
		n := store.Notification{To: chats[i], Key: k, Text: "New match: " + k,
			Buttons: [][]store.Button{{{Label: "Request intro", Data: "0:intro:" + k}}}}
		if queued, err := e.st.Enqueue(ctx, n); err != nil || !queued {
			e.t.Fatalf("enqueue %s: %v, %v", k, queued, err)
		}
	}
}

// delivered counts the messages Telegram accepted, by notification key.
func (e *notifyEnv) delivered() map[string]int {
	out := map[string]int{}
	for _, c := range e.fake.CallsTo("sendMessage") {
		if c.OK() {
			out[strings.TrimPrefix(c.Params["text"], "New match: ")]++
		}
	}
	return out
}

// waitDelivered waits until n distinct keys were delivered.
func (e *notifyEnv) waitDelivered(n int, timeout time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for len(e.delivered()) < n {
		if time.Now().After(deadline) {
			e.t.Fatalf("%d of %d notifications delivered within %v", len(e.delivered()), n, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkOnce fails for a key delivered other than once.
func (e *notifyEnv) checkOnce(keys []string) {
	e.t.Helper()
	got := e.delivered()
	for _, k := range keys {
		if got[k] != 1 {
			e.t.Errorf("%s delivered %d times", k, got[k])
		}
	}
	if len(got) != len(keys) {
		e.t.Errorf("%d keys delivered, want %d", len(got), len(keys))
	}
}

// batch makes per notifications for each of chats chats starting at id
// first, in a shuffled order.
func batch(first int64, chats, per int) ([]int64, []string) {
	var to []int64
	var keys []string
	for c := range chats {
		for i := range per {
			to = append(to, first+int64(c))
			keys = append(keys, fmt.Sprintf("c%d>m%d", first+int64(c), i))
		}
	}
	r := rand.New(rand.NewPCG(7, 7))
	r.Shuffle(len(to), func(i, j int) { to[i], to[j] = to[j], to[i]; keys[i], keys[j] = keys[j], keys[i] })
	return to, keys
}

func TestNotifierPacing(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 1,000 messages at Telegram's pace (~35 s)")
	}
	e := newNotifyEnv(t)
	to, keys := batch(1000, 500, 2)
	e.enqueue(to, keys)
	n, stop := e.start("a", nil, nil, NotifierOptions{})
	e.waitDelivered(len(keys), 120*time.Second)
	stop()
	e.checkOnce(keys)

	var calls []tgfake.Call
	for _, c := range e.fake.CallsTo("sendMessage") {
		if c.OK() {
			calls = append(calls, c)
		}
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].At.Before(calls[j].At) })
	// No chat gets two messages within a second (a little timer jitter allowed).
	last := map[string]time.Time{}
	minGap := time.Hour
	for _, c := range calls {
		chat := c.Params["chat_id"]
		if l, ok := last[chat]; ok {
			minGap = min(minGap, c.At.Sub(l))
		}
		last[chat] = c.At
	}
	if minGap < 950*time.Millisecond {
		t.Errorf("a chat got two messages %v apart", minGap)
	}
	// No second holds more than about 30 messages.
	most := 0
	for i, lo := 0, 0; i < len(calls); i++ {
		for calls[i].At.Sub(calls[lo].At) >= time.Second {
			lo++
		}
		most = max(most, i-lo+1)
	}
	if most > 32 {
		t.Errorf("%d messages within one second", most)
	}
	total := calls[len(calls)-1].At.Sub(calls[0].At)
	t.Logf("1,000 notifications to 500 chats: closest two to one chat %v apart; at most %d in any second; %v from first to last (%.1f/s)",
		minGap.Round(time.Millisecond), most, total.Round(time.Millisecond), float64(len(calls)-1)/total.Seconds())
	if s := n.Stats(); s.Sent != int64(len(keys)) || s.Failed != 0 || s.DeadLettered != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestNotifier429Storm(t *testing.T) {
	e := newNotifyEnv(t)
	to, keys := batch(2000, 40, 2)
	e.enqueue(to, keys)
	n, stop := e.start("a", nil, nil, NotifierOptions{})
	e.waitDelivered(20, 20*time.Second)
	const storm, retryAfter = 4, time.Second
	for range storm {
		e.fake.FailNext("sendMessage", tgfake.Failure{Code: 429, RetryAfter: int(retryAfter / time.Second)})
	}
	e.waitDelivered(len(keys), 60*time.Second)
	stop()
	e.checkOnce(keys)

	calls := e.fake.CallsTo("sendMessage")
	floods := 0
	for _, f := range calls {
		if f.OK() || !strings.Contains(string(f.Reply), `"error_code":429`) {
			continue
		}
		floods++
		// Requests already under way when the 429 came may land just after
		// it; nothing else until retry_after has passed.
		for _, c := range calls {
			if d := c.At.Sub(f.At); d > 250*time.Millisecond && d < retryAfter {
				t.Errorf("a message %v after a 429 with retry_after %v", d, retryAfter)
			}
		}
	}
	if floods != storm {
		t.Errorf("%d 429 answers, want %d", floods, storm)
	}
	if s := n.Stats(); s.Pauses != storm || s.Sent != int64(len(keys)) {
		t.Errorf("stats = %+v", s)
	}
}

func TestNotifier403(t *testing.T) {
	e := newNotifyEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const blocked, other = 31, 32
	e.fake.FailNext("sendMessage", tgfake.Failure{Code: 403})
	e.enqueue([]int64{blocked}, []string{"b1"})
	n, stop := e.start("a", nil, nil, NotifierOptions{})
	e.fake.WaitCount(t, 10*time.Second, "sendMessage", 1)
	waitFor(t, func() bool { un, _ := e.st.Unreachable(ctx, blocked); return un })

	// Later notifications to the blocked chat are dropped without a try.
	e.enqueue([]int64{blocked, blocked, other}, []string{"b2", "b3", "o1"})
	e.waitDelivered(1, 10*time.Second)
	waitFor(t, func() bool { return n.Stats().Skipped == 3 })
	if got := callsTo(e.fake, blocked); got != 1 {
		t.Errorf("%d calls to the blocked chat, want 1 (no retry)", got)
	}
	// The user writes to the bot again: notifications reach them.
	if err := e.st.ClearUnreachable(ctx, blocked); err != nil {
		t.Fatal(err)
	}
	e.enqueue([]int64{blocked}, []string{"b4"})
	e.waitDelivered(2, 10*time.Second)
	stop()
	if got := e.delivered(); got["b4"] != 1 || got["o1"] != 1 || len(got) != 2 {
		t.Errorf("delivered = %v", got)
	}
	if s := n.Stats(); s.Sent != 2 || s.Skipped != 3 || s.Failed != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func callsTo(fake *tgfake.Server, chat int64) int {
	n := 0
	for _, c := range fake.CallsTo("sendMessage") {
		if c.Params["chat_id"] == strconv.FormatInt(chat, 10) {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNotifierKillMidBatch stops the sending replica in the middle of a
// batch; a standby replica takes the lease over, reclaims what the first
// had claimed and not sent, and sends the rest.
func TestNotifierKillMidBatch(t *testing.T) {
	e := newNotifyEnv(t)
	to, keys := batch(3000, 60, 2)
	e.enqueue(to, keys)
	opt := NotifierOptions{Leases: e.st, MinIdle: 300 * time.Millisecond, ReclaimEvery: 200 * time.Millisecond}
	a, stopA := e.start("a", nil, nil, opt)
	e.waitDelivered(1, 10*time.Second) // a holds the lease
	b, _ := e.start("b", nil, nil, opt)
	e.waitDelivered(40, 20*time.Second)
	stopA()
	sentByA := len(e.delivered())
	e.waitDelivered(len(keys), 60*time.Second)
	e.checkOnce(keys)
	sa, sb := a.Stats(), b.Stats()
	t.Logf("a sent %d before it was stopped, b %d", sa.Sent, sb.Sent)
	// checkOnce above holds each message to exactly one delivery. The
	// counts may miss the one send that was in flight when a was stopped:
	// Telegram took it, but a's context ended before the answer was counted,
	// and the outbox's record of it keeps b from sending it again.
	total := sa.Sent + sb.Sent
	if sa.Sent > int64(sentByA) || sa.Sent >= int64(len(keys)) || sb.Sent == 0 || total > int64(len(keys)) || total < int64(len(keys))-1 {
		t.Errorf("a sent %d (%d seen when stopped), b %d; want a share each, %d in all", sa.Sent, sentByA, sb.Sent, len(keys))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if dead, _ := e.st.DeadLetters(ctx, 10); len(dead) != 0 {
		t.Errorf("dead letters: %+v", dead)
	}
	if n, _ := e.st.OutboxLen(ctx); n != 0 {
		t.Errorf("outbox holds %d entries", n)
	}
}

// cutOutbox is an outbox whose process died at cut: every call fails.
type cutOutbox struct {
	Outbox
	cut atomic.Bool
}

var errCut = errors.New("process died")

func (c *cutOutbox) Claim(ctx context.Context, consumer string, count int, block time.Duration) ([]store.Delivery, error) {
	if c.cut.Load() {
		return nil, errCut
	}
	return c.Outbox.Claim(ctx, consumer, count, block)
}

func (c *cutOutbox) PendingOf(ctx context.Context, consumer string, count int) ([]store.Delivery, error) {
	if c.cut.Load() {
		return nil, errCut
	}
	return c.Outbox.PendingOf(ctx, consumer, count)
}

func (c *cutOutbox) Reclaim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]store.Delivery, error) {
	if c.cut.Load() {
		return nil, errCut
	}
	return c.Outbox.Reclaim(ctx, consumer, minIdle, count)
}

func (c *cutOutbox) KeepClaimed(ctx context.Context, consumer string, ids []string) error {
	if c.cut.Load() {
		return errCut
	}
	return c.Outbox.KeepClaimed(ctx, consumer, ids)
}

func (c *cutOutbox) BeginSend(ctx context.Context, d store.Delivery, consumer string, ttl time.Duration) error {
	if c.cut.Load() {
		return errCut
	}
	return c.Outbox.BeginSend(ctx, d, consumer, ttl)
}

func (c *cutOutbox) AbortSend(ctx context.Context, d store.Delivery, consumer string) error {
	if c.cut.Load() {
		return errCut
	}
	return c.Outbox.AbortSend(ctx, d, consumer)
}

func (c *cutOutbox) Sent(ctx context.Context, d store.Delivery, now time.Time) error {
	if c.cut.Load() {
		return errCut
	}
	return c.Outbox.Sent(ctx, d, now)
}

func (c *cutOutbox) Ack(ctx context.Context, d store.Delivery) error {
	if c.cut.Load() {
		return errCut
	}
	return c.Outbox.Ack(ctx, d)
}

func (c *cutOutbox) DeadLetter(ctx context.Context, d store.Delivery, reason string) error {
	if c.cut.Load() {
		return errCut
	}
	return c.Outbox.DeadLetter(ctx, d, reason)
}

// dyingAPI cuts the outbox right after Telegram took the n-th message:
// the process dies before it can record the send.
type dyingAPI struct {
	BroadcastAPI
	out   *cutOutbox
	n     int64
	calls atomic.Int64
}

func (d *dyingAPI) SendMessage(ctx context.Context, chatID int64, text string, buttons [][]store.Button) error {
	err := d.BroadcastAPI.SendMessage(ctx, chatID, text, buttons)
	if d.calls.Add(1) == d.n {
		d.out.cut.Store(true)
	}
	return err
}

// TestNotifierCrashInDoubt kills a notifier between a message reaching
// Telegram and its record. The notifier that takes over does not send
// that message again: it finds the pair in doubt and dead-letters it.
func TestNotifierCrashInDoubt(t *testing.T) {
	e := newNotifyEnv(t)
	to, keys := batch(4000, 30, 2)
	e.enqueue(to, keys)
	out := &cutOutbox{Outbox: e.st}
	api := &dyingAPI{BroadcastAPI: e.api, out: out, n: 10}
	opt := NotifierOptions{MinIdle: 300 * time.Millisecond, ReclaimEvery: 200 * time.Millisecond, LockTTL: 3 * time.Second}
	_, stopA := e.start("a", api, out, opt)
	waitFor(t, func() bool { return out.cut.Load() })
	stopA()
	byA := e.delivered()
	_, stopB := e.start("b", nil, nil, opt)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var dead []store.DeadLetter
	waitFor30 := time.Now().Add(30 * time.Second)
	for {
		dead, _ = e.st.DeadLetters(ctx, 100)
		if len(e.delivered()) == len(keys) && len(dead) > 0 {
			if n, _ := e.st.OutboxLen(ctx); n == 0 {
				break
			}
		}
		if time.Now().After(waitFor30) {
			t.Fatalf("after 30 s: %d of %d delivered, %d dead letters", len(e.delivered()), len(keys), len(dead))
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopB()
	e.checkOnce(keys)
	for _, d := range dead {
		if !strings.HasPrefix(d.Reason, "in doubt") || byA[d.Key] != 1 {
			t.Errorf("dead letter %s (%q): want one in doubt that a delivered", d.Key, d.Reason)
		}
	}
	t.Logf("a delivered %d before it died; %d of them in doubt, dead-lettered", len(byA), len(dead))
}

// TestNotifierDeadLetters gives up on a notification that keeps failing.
func TestNotifierDeadLetters(t *testing.T) {
	e := newNotifyEnv(t)
	for range 10 {
		e.fake.FailNext("sendMessage", tgfake.Failure{Code: 500})
	}
	e.enqueue([]int64{5}, []string{"k1"})
	opt := NotifierOptions{MinIdle: 200 * time.Millisecond, ReclaimEvery: 100 * time.Millisecond, MaxDeliveries: 2}
	b := NewBroadcaster(e.api, e.st, BroadcasterOptions{Attempts: 2, Backoff: 10 * time.Millisecond}, e.log)
	n := NewNotifier(e.st, b, opt, e.log)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); n.Run(ctx) }()
	waitFor(t, func() bool { return n.Stats().DeadLettered == 1 })
	cancel()
	<-done
	dead, err := e.st.DeadLetters(context.Background(), 10)
	if err != nil || len(dead) != 1 || dead[0].Key != "k1" || dead[0].Deliveries != 3 {
		t.Fatalf("dead letters = %+v, %v", dead, err)
	}
	// Two deliveries of two tries each.
	if got := len(e.fake.CallsTo("sendMessage")); got != 4 {
		t.Errorf("%d calls, want 4", got)
	}
	if s := n.Stats(); s.Failed != 2 || s.Sent != 0 {
		t.Errorf("stats = %+v", s)
	}
}

// TestOutboxMessenger queues what the engine's Messenger is asked to send:
// once per key, a long text in parts with the buttons on the last.
func TestOutboxMessenger(t *testing.T) {
	e := newNotifyEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := OutboxMessenger{Outbox: e.st}
	r := dialog.Reply{Text: "New match", Buttons: [][]dialog.Choice{{{Label: "Request intro", Button: dialog.Action("ri", "t1")}}}}
	for range 2 {
		if err := m.Notify(ctx, 41, "p1>p2", r); err != nil {
			t.Fatal(err)
		}
	}
	long := dialog.Reply{Text: strings.Repeat("长文本 ", 1500), Buttons: r.Buttons}
	if err := m.Notify(ctx, 42, "digest:2026-11-20", long); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.st.OutboxLen(ctx); n != 3 {
		t.Fatalf("outbox holds %d entries, want 3", n)
	}
	_, stop := e.start("a", nil, nil, NotifierOptions{})
	e.fake.WaitCount(t, 10*time.Second, "sendMessage", 3)
	stop()
	got := e.fake.Messages(41)
	if len(got) != 1 || got[0].Text != "New match" || len(got[0].Buttons) != 1 || got[0].Buttons[0][0].Data != dialog.Action("ri", "t1").Encode() {
		t.Errorf("chat 41 got %+v", got)
	}
	parts := e.fake.Messages(42)
	if len(parts) != 2 {
		t.Fatalf("chat 42 got %d messages, want 2", len(parts))
	}
	withButtons := 0
	for _, p := range parts {
		if len(p.Buttons) > 0 {
			withButtons++
		}
	}
	a, b := strings.TrimSpace(parts[0].Text), strings.TrimSpace(parts[1].Text)
	if whole := strings.TrimSpace(long.Text); withButtons != 1 || a+" "+b != whole && b+" "+a != whole {
		t.Errorf("parts: %d with buttons; texts of %d and %d runes", withButtons, len([]rune(parts[0].Text)), len([]rune(parts[1].Text)))
	}
}

// slowAPI holds every request until release is closed.
type slowAPI struct {
	BroadcastAPI
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *slowAPI) SendMessage(ctx context.Context, chatID int64, text string, buttons [][]store.Button) error {
	s.once.Do(func() { close(s.started) })
	<-s.release
	return s.BroadcastAPI.SendMessage(ctx, chatID, text, buttons)
}

// TestNotifierFinishesInFlightSends stops a notifier while a request is on
// its way: Run waits for the answer and records the send.
func TestNotifierFinishesInFlightSends(t *testing.T) {
	e := newNotifyEnv(t)
	e.enqueue([]int64{51}, []string{"k1"})
	api := &slowAPI{BroadcastAPI: e.api, started: make(chan struct{}), release: make(chan struct{})}
	n, stop := e.start("a", api, nil, NotifierOptions{})
	select {
	case <-api.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no send started")
	}
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Run returned with a request on its way")
	case <-time.After(200 * time.Millisecond):
	}
	close(api.release)
	<-stopped
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if got := e.delivered(); got["k1"] != 1 {
		t.Errorf("delivered = %v", got)
	}
	if l, _ := e.st.OutboxLen(ctx); l != 0 || n.Stats().Sent != 1 {
		t.Errorf("after stop: outbox %d, stats %+v", l, n.Stats())
	}
}
