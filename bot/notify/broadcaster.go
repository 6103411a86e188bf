package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/metrics"
	"github.com/duijie/duijie/store"
)

// Broadcasts are the messages the bot sends on its own initiative
// (notifications, an introduction request to the other side), as opposed
// to direct replies to what a user just did, which the Telegram adapter sends
// at once. Every broadcast goes through one Broadcaster, which keeps to
// Telegram's limits: about 30 messages a second overall, one a second per
// chat, 20 a minute per group; it pauses all broadcasts for retry_after on
// a 429, marks a chat unreachable on a 403, and retries other failures
// with jittered backoff.

// BroadcastAPI sends one message to Telegram: telegram.BotAPI, or a fake
// in tests. A failure is a *bot.FloodError, or wraps bot.ErrBlocked,
// bot.ErrRejected or bot.ErrNotSent; any other error leaves it unknown whether the message
// arrived.
type BroadcastAPI interface {
	SendMessage(ctx context.Context, chatID int64, text string, buttons [][]store.Button) error
}

// Errors of Broadcaster.Send.
var (
	// ErrUnreachable: the chat is marked unreachable (now, on a 403, or
	// before); nothing was sent and nothing will be until it writes again.
	ErrUnreachable = errors.New("chat unreachable")
	// ErrInDoubt: the request went out and no answer came back (timeout,
	// lost connection): the message may have arrived. It is not retried.
	ErrInDoubt = errors.New("send in doubt")
)

// Reachability remembers chats that refuse the bot (store.Store).
type Reachability interface {
	MarkUnreachable(ctx context.Context, chatID int64, at time.Time) error
	ClearUnreachable(ctx context.Context, chatID int64) error
	Unreachable(ctx context.Context, chatID int64) (bool, error)
}

// Clock tells the time and waits; tests inject a simulated one.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends; it returns false when ctx ended.
	Sleep(ctx context.Context, d time.Duration) bool
}

type realClock struct{}

func (realClock) Now() time.Time                                  { return time.Now() }
func (realClock) Sleep(ctx context.Context, d time.Duration) bool { return sleep(ctx, d) }

// Broadcast is one message the bot sends on its own.
type Broadcast struct {
	ChatID  int64
	Text    string           // at most 4096 UTF-16 units: one message
	Buttons [][]store.Button // inline buttons with callback data, may be nil
	// Track, when set, is told about every try, so that the caller can
	// record it durably (the notifier's outbox).
	Track Tracker
}

// Tracker records the tries of one broadcast.
type Tracker interface {
	// Begin is called right before a try leaves for Telegram. An error
	// stops the send, and Send returns it.
	Begin(ctx context.Context) error
	// Abort is called when Telegram answered that the try was not
	// delivered, undoing Begin.
	Abort(ctx context.Context) error
}

// BroadcasterOptions configure a Broadcaster. Zero values take the defaults named
// below.
type BroadcasterOptions struct {
	// Rate is the most messages per second overall (default 30); sends are
	// spaced 1/Rate apart.
	Rate float64
	// ChatGap is the least time between two messages to one chat
	// (default 1 s).
	ChatGap time.Duration
	// GroupLimit messages per GroupWindow at most to one group chat (a
	// negative chat id) (default 20 per minute).
	GroupLimit  int
	GroupWindow time.Duration
	// Attempts bounds the tries of a message whose send failed for a
	// reason other than 429 or 403 (default 3). 429s do not count: the
	// message waits out the pause, for as long as its context allows.
	Attempts int
	// Backoff is the wait before the second try, doubled for each further
	// one, with ±50% jitter (default 1 s).
	Backoff time.Duration
	// CallTimeout bounds one request to Telegram (default 15 s). A request
	// that has left is never cancelled by the caller's context, only by
	// this timeout, so stopping does not leave sends in doubt.
	CallTimeout time.Duration
	// Clock defaults to real time; Rand (jitter) to a random seed.
	Clock Clock
	Rand  *rand.Rand
	// Metrics receives 429s; nil for none.
	Metrics *metrics.Metrics
}

// Defaults of BroadcasterOptions.
const (
	DefaultBroadcastRate = 30
	DefaultChatGap       = time.Second
	DefaultGroupLimit    = 20
	DefaultGroupWindow   = time.Minute
	DefaultSendAttempts  = 3
	DefaultSendBackoff   = time.Second
	DefaultCallTimeout   = 15 * time.Second
	// pruneEvery is how many admissions pass between sweeps of the per-chat
	// bookkeeping.
	pruneEvery = 1024
	// recordTimeout bounds the Redis writes that follow a send, which run
	// even when the caller's context has ended.
	recordTimeout = 5 * time.Second
)

// BroadcasterStats are the Broadcaster's counts since it started.
type BroadcasterStats struct {
	Sent    int64 // messages Telegram accepted
	Retried int64 // tries repeated after a failure other than 429
	Pauses  int64 // 429 answers, each pausing every broadcast
	Blocked int64 // 403 answers: chats marked unreachable
	Skipped int64 // messages not tried because the chat was marked
	InDoubt int64 // requests without an answer
}

// Broadcaster paces and sends broadcasts. It is safe for concurrent use: each
// Send waits for its turn.
type Broadcaster struct {
	api   BroadcastAPI
	reach Reachability
	opt   BroadcasterOptions
	log   *slog.Logger
	gap   time.Duration // 1/Rate

	mu        sync.Mutex
	paused    time.Time           // no try starts before this (a 429's retry_after)
	epoch     int                 // bumped by each pause; turns taken before it are void
	next      time.Time           // the next free turn overall
	lastFire  time.Time           // when the last request left
	chatFired map[int64]time.Time // when the last request to each chat left
	chatNext  map[int64]time.Time
	groupLog  map[int64][]time.Time // turns of each group chat within GroupWindow
	admits    int

	sent, retried, pauses, blocked, skipped, inDoubt atomic.Int64
}

// NewBroadcaster returns a Broadcaster over api. reach may be nil (no marks kept).
func NewBroadcaster(api BroadcastAPI, reach Reachability, opt BroadcasterOptions, log *slog.Logger) *Broadcaster {
	if opt.Rate <= 0 {
		opt.Rate = DefaultBroadcastRate
	}
	if opt.ChatGap <= 0 {
		opt.ChatGap = DefaultChatGap
	}
	if opt.GroupLimit <= 0 {
		opt.GroupLimit = DefaultGroupLimit
	}
	if opt.GroupWindow <= 0 {
		opt.GroupWindow = DefaultGroupWindow
	}
	if opt.Attempts <= 0 {
		opt.Attempts = DefaultSendAttempts
	}
	if opt.Backoff <= 0 {
		opt.Backoff = DefaultSendBackoff
	}
	if opt.CallTimeout <= 0 {
		opt.CallTimeout = DefaultCallTimeout
	}
	if opt.Clock == nil {
		opt.Clock = realClock{}
	}
	if opt.Rand == nil {
		opt.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &Broadcaster{api: api, reach: reach, opt: opt, log: log,
		gap:      time.Duration(float64(time.Second) / opt.Rate),
		chatNext: map[int64]time.Time{}, chatFired: map[int64]time.Time{}, groupLog: map[int64][]time.Time{}}
}

// Stats returns the counts so far.
func (s *Broadcaster) Stats() BroadcasterStats {
	return BroadcasterStats{Sent: s.sent.Load(), Retried: s.retried.Load(), Pauses: s.pauses.Load(),
		Blocked: s.blocked.Load(), Skipped: s.skipped.Load(), InDoubt: s.inDoubt.Load()}
}

// Send delivers m when its turn comes. It returns nil when Telegram
// accepted the message; ErrUnreachable when the chat refuses the bot;
// an error wrapping ErrRejected when the message can never be sent;
// ErrInDoubt when a request got no answer; the error of m.Track.Begin;
// ctx's error when ctx ended while waiting for a turn; else the last
// failure after Attempts tries. Only nil and ErrInDoubt mean that the
// message may have arrived.
func (s *Broadcaster) Send(ctx context.Context, m Broadcast) error {
	if s.reach != nil {
		un, err := s.reach.Unreachable(ctx, m.ChatID)
		if err != nil {
			s.log.Warn("broadcast reachability check failed; sending anyway", "chat_id", m.ChatID, "err", err)
		}
		if un {
			s.skipped.Add(1)
			return ErrUnreachable
		}
	}
	for try := 1; ; {
		if err := s.admit(ctx, m.ChatID); err != nil {
			return err
		}
		if m.Track != nil {
			// From here on the try goes ahead even if ctx ends: a Begin
			// recorded but not answered would leave the message in doubt.
			bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
			err := m.Track.Begin(bctx)
			cancel()
			if err != nil {
				return err
			}
		}
		if !s.fire(m.ChatID) {
			s.abort(ctx, m) // a 429 came meanwhile: queue again
			continue
		}
		// A request that has left runs to its answer or CallTimeout.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opt.CallTimeout)
		err := s.api.SendMessage(cctx, m.ChatID, m.Text, m.Buttons)
		cancel()
		if err == nil {
			s.sent.Add(1)
			return nil
		}
		var flood *bot.FloodError
		switch {
		case errors.As(err, &flood):
			s.abort(ctx, m)
			s.pause(flood.RetryAfter)
			s.log.Warn("broadcast 429: all broadcasts pause", "chat_id", m.ChatID, "retry_after", flood.RetryAfter)
			continue // the same try, after the pause
		case errors.Is(err, bot.ErrBlocked):
			s.abort(ctx, m)
			s.blocked.Add(1)
			s.markUnreachable(ctx, m.ChatID)
			return fmt.Errorf("send to %d: %w: %v", m.ChatID, ErrUnreachable, err)
		case errors.Is(err, bot.ErrRejected):
			s.abort(ctx, m)
			return fmt.Errorf("send to %d: %w", m.ChatID, err)
		case errors.Is(err, bot.ErrNotSent):
			s.abort(ctx, m)
			if try >= s.opt.Attempts {
				return fmt.Errorf("send to %d: %d tries: %w", m.ChatID, try, err)
			}
			wait := s.backoff(try)
			s.log.Info("broadcast try failed; retrying", "chat_id", m.ChatID, "try", try, "wait", wait, "err", err)
			if !s.opt.Clock.Sleep(ctx, wait) {
				return ctx.Err()
			}
			s.retried.Add(1)
			try++
		default:
			s.inDoubt.Add(1)
			return fmt.Errorf("send to %d: %w: %v", m.ChatID, ErrInDoubt, err)
		}
	}
}

// abort tells m's tracker that the try did not arrive.
func (s *Broadcaster) abort(ctx context.Context, m Broadcast) {
	if m.Track == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := m.Track.Abort(rctx); err != nil {
		s.log.Warn("broadcast abort not recorded", "chat_id", m.ChatID, "err", err)
	}
}

func (s *Broadcaster) markUnreachable(ctx context.Context, chatID int64) {
	s.log.Info("broadcast chat refuses the bot; marked unreachable", "chat_id", chatID)
	if s.reach == nil {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := s.reach.MarkUnreachable(rctx, chatID, s.opt.Clock.Now()); err != nil {
		s.log.Warn("broadcast mark unreachable failed", "chat_id", chatID, "err", err)
	}
}

// backoff is the jittered wait after the given failed try.
func (s *Broadcaster) backoff(try int) time.Duration {
	d := s.opt.Backoff << (try - 1)
	s.mu.Lock()
	f := 0.5 + s.opt.Rand.Float64()
	s.mu.Unlock()
	return time.Duration(float64(d) * f)
}

// pause stops every broadcast for d from now.
func (s *Broadcaster) pause(d time.Duration) {
	s.pauses.Add(1)
	s.opt.Metrics.TooManyRequests()
	s.mu.Lock()
	defer s.mu.Unlock()
	until := s.opt.Clock.Now().Add(d)
	if until.After(s.paused) {
		s.paused = until
	}
	// Turns handed out before the pause are void; new ones start after it.
	s.epoch++
	s.next = s.paused
}

// admit waits until a message to chatID may be sent: the chat's own gap
// (and a group's window) first, then a turn in the overall sequence,
// taken in order of asking. A pause that begins while waiting for a turn
// voids it, and the caller queues again.
func (s *Broadcaster) admit(ctx context.Context, chatID int64) error {
	for {
		s.mu.Lock()
		now := s.opt.Clock.Now()
		if ready := s.chatReady(chatID); ready.After(now) {
			s.mu.Unlock()
			if !s.opt.Clock.Sleep(ctx, ready.Sub(now)) {
				return ctx.Err()
			}
			continue
		}
		at := latest(now, s.next, s.paused)
		s.next = at.Add(s.gap)
		s.take(chatID, at)
		epoch := s.epoch
		s.mu.Unlock()
		if at.After(now) && !s.opt.Clock.Sleep(ctx, at.Sub(now)) {
			return ctx.Err()
		}
		s.mu.Lock()
		void := s.epoch != epoch
		s.mu.Unlock()
		if !void {
			return nil
		}
	}
}

// fire is the last gate before a request to chatID leaves: it keeps
// requests 1/Rate apart overall and ChatGap apart per chat as they
// actually leave, whatever the time between the turn and this moment (a
// slow Begin); it reports false when a pause began since the turn.
func (s *Broadcaster) fire(chatID int64) bool {
	for {
		s.mu.Lock()
		now := s.opt.Clock.Now()
		if s.paused.After(now) {
			s.mu.Unlock()
			return false
		}
		ready := s.lastFire.Add(s.gap)
		if t, ok := s.chatFired[chatID]; ok {
			ready = latest(ready, t.Add(s.opt.ChatGap))
		}
		if !ready.After(now) {
			s.lastFire = now
			s.chatFired[chatID] = now
			s.mu.Unlock()
			return true
		}
		s.mu.Unlock()
		s.opt.Clock.Sleep(context.Background(), ready.Sub(now))
	}
}

// chatReady is when chatID may have its next message. Call with s.mu held.
func (s *Broadcaster) chatReady(chatID int64) time.Time {
	ready := s.chatNext[chatID]
	if log := s.groupLog[chatID]; len(log) >= s.opt.GroupLimit {
		ready = latest(ready, log[len(log)-s.opt.GroupLimit].Add(s.opt.GroupWindow))
	}
	return ready
}

// take books a message to chatID at time at. Call with s.mu held.
func (s *Broadcaster) take(chatID int64, at time.Time) {
	s.chatNext[chatID] = at.Add(s.opt.ChatGap)
	if chatID < 0 {
		log := append(s.groupLog[chatID], at)
		if len(log) > s.opt.GroupLimit {
			log = log[len(log)-s.opt.GroupLimit:]
		}
		s.groupLog[chatID] = log
	}
	if s.admits++; s.admits%pruneEvery == 0 {
		s.prune(at)
	}
}

// prune forgets chats whose limits no longer apply at now.
func (s *Broadcaster) prune(now time.Time) {
	for id, t := range s.chatNext {
		if !t.After(now) {
			delete(s.chatNext, id)
		}
	}
	for id, t := range s.chatFired {
		if !t.Add(s.opt.ChatGap).After(now) {
			delete(s.chatFired, id)
		}
	}
	for id, log := range s.groupLog {
		if len(log) == 0 || !log[len(log)-1].Add(s.opt.GroupWindow).After(now) {
			delete(s.groupLog, id)
		}
	}
}

// ObserveDirect is told about a direct reply the Telegram adapter made outside
// the queue, with its classified outcome, so that broadcasts leave room
// for it: it takes a turn (without waiting), and a 429 pauses broadcasts,
// a 403 marks the chat. Safe on a nil Broadcaster.
func (s *Broadcaster) ObserveDirect(ctx context.Context, chatID int64, err error) {
	if s == nil {
		return
	}
	var flood *bot.FloodError
	switch {
	case err == nil:
		s.mu.Lock()
		now := s.opt.Clock.Now()
		s.next = latest(now, s.next).Add(s.gap)
		s.lastFire = latest(now, s.lastFire)
		s.chatFired[chatID] = now
		s.take(chatID, now)
		s.mu.Unlock()
	case errors.As(err, &flood):
		s.pause(flood.RetryAfter)
	case errors.Is(err, bot.ErrBlocked):
		s.blocked.Add(1)
		s.markUnreachable(ctx, chatID)
	}
}

// Heard is told that a chat wrote to the bot: it is reachable again.
// Safe on a nil Broadcaster.
func (s *Broadcaster) Heard(ctx context.Context, chatID int64) {
	if s == nil || s.reach == nil {
		return
	}
	if err := s.reach.ClearUnreachable(ctx, chatID); err != nil {
		s.log.Warn("broadcast clear unreachable failed", "chat_id", chatID, "err", err)
	}
}

func latest(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.After(t) {
			t = u
		}
	}
	return t
}
