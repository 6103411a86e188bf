// Package notify delivers the messages a user gets because of someone
// else (new matches, introductions, digests): OutboxMessenger queues them
// in the durable outbox, the Notifier sends what the outbox holds, and one
// Broadcaster paces every send to Telegram's limits. It reaches Telegram
// through BroadcastAPI (bot/telegram.BotAPI) and imports no Telegram client.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/internal/lease"
	"github.com/duijie/duijie/metrics"
	"github.com/duijie/duijie/store"
)

// The notifier sends what the outbox holds (see store/notify.go for the
// guarantees): it claims entries for its consumer name, sends each through
// the Broadcaster with the outbox's per-pair lock around the request, and
// then acks, leaves pending for a later try, or dead-letters the entry.
//
// Producers only queue: OutboxMessenger.Notify (the engine's messenger),
// or store.Enqueue(ctx, store.Notification{To, Key, Text, Buttons}). Run
// one Notifier per process; with Leases set, one process at a time sends
// and the others stand by, so the Broadcaster's limits hold for the bot as
// a whole.

// Outbox is the durable queue of notifications (store.Store).
type Outbox interface {
	Claim(ctx context.Context, consumer string, count int, block time.Duration) ([]store.Delivery, error)
	PendingOf(ctx context.Context, consumer string, count int) ([]store.Delivery, error)
	Reclaim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]store.Delivery, error)
	KeepClaimed(ctx context.Context, consumer string, ids []string) error
	BeginSend(ctx context.Context, d store.Delivery, consumer string, lockTTL time.Duration) error
	AbortSend(ctx context.Context, d store.Delivery, consumer string) error
	Sent(ctx context.Context, d store.Delivery, now time.Time) error
	Ack(ctx context.Context, d store.Delivery) error
	DeadLetter(ctx context.Context, d store.Delivery, reason string) error
}

var _ Outbox = (*store.Store)(nil)

// NotifierOptions configure a Notifier. Zero values take the defaults
// named below.
type NotifierOptions struct {
	// Consumer names this notifier in the outbox's consumer group; keep it
	// stable across restarts of one replica (default: host and pid).
	Consumer string
	// Workers is the number of notifications in hand at once (default 32);
	// the Broadcaster decides when each goes.
	Workers int
	// Block is how long one read waits for new entries (default 2 s).
	Block time.Duration
	// MinIdle is how long an entry stays untouched before it is taken
	// over: from a consumer that died, or this one's after a failed send,
	// which makes it the wait between tries (default 60 s).
	MinIdle time.Duration
	// ReclaimEvery is how often idle entries are looked for (default 10 s).
	ReclaimEvery time.Duration
	// MaxDeliveries: an entry handed out more often goes to the dead-letter
	// stream (default 5).
	MaxDeliveries int64
	// LockTTL bounds how long one send may hold its pair's lock; it must
	// exceed the Broadcaster's CallTimeout by a second or more (default:
	// CallTimeout + 15 s).
	LockTTL time.Duration
	// Leases, when set, let one notifier among replicas send at a time.
	Leases lease.Store
	// Metrics receives notification counts; nil for none.
	Metrics *metrics.Metrics
	// Now defaults to time.Now.
	Now func() time.Time
}

// Defaults of NotifierOptions.
const (
	DefaultNotifyWorkers  = 32
	DefaultNotifyBlock    = 2 * time.Second
	DefaultNotifyMinIdle  = 60 * time.Second
	DefaultReclaimEvery   = 10 * time.Second
	DefaultMaxDeliveries  = 5
	notifierLease         = "notifier"
	notifierStoreAttempts = 3
)

// NotifierStats are a Notifier's counts since it started.
type NotifierStats struct {
	Sent         int64 // notifications delivered
	Failed       int64 // sends that failed and were left for a later try
	Skipped      int64 // notifications to unreachable chats, dropped
	DeadLettered int64 // notifications given up on
	Pauses       int64 // 429 pauses of the Broadcaster (all broadcasts)
}

// Notifier delivers the outbox.
type Notifier struct {
	out  Outbox
	send *Broadcaster
	opt  NotifierOptions
	log  *slog.Logger

	sent, failed, skipped, dead atomic.Int64
}

// NewNotifier returns a notifier of out that sends through send.
func NewNotifier(out Outbox, send *Broadcaster, opt NotifierOptions, log *slog.Logger) *Notifier {
	if opt.Consumer == "" {
		host, _ := os.Hostname()
		opt.Consumer = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if opt.Workers <= 0 {
		opt.Workers = DefaultNotifyWorkers
	}
	if opt.Block <= 0 {
		opt.Block = DefaultNotifyBlock
	}
	if opt.MinIdle <= 0 {
		opt.MinIdle = DefaultNotifyMinIdle
	}
	if opt.ReclaimEvery <= 0 {
		opt.ReclaimEvery = DefaultReclaimEvery
	}
	if opt.MaxDeliveries <= 0 {
		opt.MaxDeliveries = DefaultMaxDeliveries
	}
	if min := send.opt.CallTimeout + time.Second; opt.LockTTL < min {
		if opt.LockTTL != 0 {
			log.Warn("notifier lock TTL below the call timeout; raised", "lock_ttl", opt.LockTTL, "call_timeout", send.opt.CallTimeout)
		}
		opt.LockTTL = send.opt.CallTimeout + 15*time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Notifier{out: out, send: send, opt: opt, log: log.With("consumer", opt.Consumer)}
}

// Stats returns the counts so far.
func (n *Notifier) Stats() NotifierStats {
	return NotifierStats{Sent: n.sent.Load(), Failed: n.failed.Load(), Skipped: n.skipped.Load(),
		DeadLettered: n.dead.Load(), Pauses: n.send.Stats().Pauses}
}

// Run delivers notifications until ctx ends. Then it stops claiming, lets
// the requests already sent to Telegram finish and records them, and
// leaves everything else pending for the next run or another replica.
func (n *Notifier) Run(ctx context.Context) error {
	n.log.Info("notifier started", "workers", n.opt.Workers)
	defer n.log.Info("notifier stopped")
	if n.opt.Leases == nil {
		n.consume(ctx)
		return nil
	}
	l := lease.Lease{Store: n.opt.Leases, Name: notifierLease, Holder: n.opt.Consumer, Log: n.log}
	l.Hold(ctx, func(lctx context.Context) {
		n.log.Info("notifier holds the lease")
		n.consume(lctx)
		if lease.Lost(lctx) {
			n.log.Warn("notifier lease lost; standing by")
		}
	})
	return nil
}

// consume claims and delivers until ctx ends, then waits for the workers.
func (n *Notifier) consume(ctx context.Context) {
	work := make(chan store.Delivery, n.opt.Workers)
	free := make(chan struct{}, n.opt.Workers) // one token per idle worker
	for range n.opt.Workers {
		free <- struct{}{}
	}
	var mu sync.Mutex
	inHand := map[string]bool{} // entry ids given to a worker and not done
	var wg sync.WaitGroup
	for range n.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if ctx.Err() == nil {
					n.deliver(ctx, d)
				}
				mu.Lock()
				delete(inHand, d.ID)
				mu.Unlock()
				free <- struct{}{}
			}
		}()
	}
	// Entries in hand are kept claimed, so that waiting for a turn (a long 429
	// pause) does not count as idle: only a dead consumer's entries, and
	// this one's after a failed send, are taken over.
	keepCtx, stopKeep := context.WithCancel(ctx)
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		for sleep(keepCtx, n.opt.MinIdle/3) {
			mu.Lock()
			ids := make([]string, 0, len(inHand))
			for id := range inHand {
				ids = append(ids, id)
			}
			mu.Unlock()
			if err := n.out.KeepClaimed(keepCtx, n.opt.Consumer, ids); err != nil && keepCtx.Err() == nil {
				n.log.Warn("notifier keep-claimed failed", "entries", len(ids), "err", err)
			}
		}
	}()
	defer func() {
		close(work)
		wg.Wait()
		stopKeep()
		<-kept
	}()
	// hand gives out what fits; an entry already in hand (reclaimed when
	// KeepClaimed came too late) is not given twice.
	hand := func(ds []store.Delivery) {
		for _, d := range ds {
			mu.Lock()
			dup := inHand[d.ID]
			inHand[d.ID] = true
			mu.Unlock()
			if dup {
				free <- struct{}{} // the token taken for it
				continue
			}
			work <- d
		}
	}
	// takeFree takes every idle worker's token, waiting for at least one.
	takeFree := func() int {
		select {
		case <-free:
		case <-ctx.Done():
			return 0
		}
		k := 1
	more:
		for k < n.opt.Workers {
			select {
			case <-free:
				k++
			default:
				break more
			}
		}
		return k
	}
	giveBack := func(k int) {
		for range k {
			free <- struct{}{}
		}
	}

	// First what this consumer's name left unfinished, then new entries,
	// and now and then entries idle for MinIdle.
	var lastReclaim time.Time
	first := true
	for ctx.Err() == nil {
		k := takeFree()
		if k == 0 {
			return
		}
		var ds []store.Delivery
		var err error
		var what string
		switch now := n.opt.Now(); {
		case first:
			what, first = "pending", false
			ds, err = n.out.PendingOf(ctx, n.opt.Consumer, k)
		case now.Sub(lastReclaim) >= n.opt.ReclaimEvery:
			what, lastReclaim = "reclaim", now
			ds, err = n.out.Reclaim(ctx, n.opt.Consumer, n.opt.MinIdle, k)
		default:
			what = "claim"
			ds, err = n.out.Claim(ctx, n.opt.Consumer, k, min(n.opt.Block, n.opt.ReclaimEvery))
		}
		if err != nil {
			giveBack(k)
			if ctx.Err() == nil {
				n.opt.Metrics.Error("notify")
				n.log.Warn("notifier read failed", "read", what, "err", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		if len(ds) > 0 && what != "claim" {
			n.log.Info("notifier took over entries", "read", what, "entries", len(ds))
		}
		giveBack(k - len(ds))
		hand(ds)
	}
}

// deliver sends one notification and settles its entry.
func (n *Notifier) deliver(ctx context.Context, d store.Delivery) {
	log := n.log.With("chat_id", d.To, "key", d.Key, "entry", d.ID)
	if d.Deliveries > n.opt.MaxDeliveries {
		n.deadLetter(ctx, log, d, fmt.Sprintf("handed out %d times without success", d.Deliveries))
		return
	}
	err := n.send.Send(ctx, Broadcast{ChatID: d.To, Text: d.Text, Buttons: d.Buttons,
		Track: outboxTrack{out: n.out, d: d, consumer: n.opt.Consumer, ttl: n.opt.LockTTL}})
	switch {
	case err == nil:
		if rerr := n.record(ctx, func(rctx context.Context) error { return n.out.Sent(rctx, d, n.opt.Now()) }); rerr != nil {
			// The message went out; the lock lapses and the pair is in
			// doubt, so it is dead-lettered rather than sent again.
			n.opt.Metrics.Error("notify")
			log.Error("notifier sent but could not record it", "err", rerr)
		}
		n.sent.Add(1)
		n.opt.Metrics.Notification("sent")
		log.Debug("notifier sent")
	case errors.Is(err, store.ErrAlreadySent):
		n.ack(ctx, log, d)
		log.Info("notifier entry already sent; acked")
	case errors.Is(err, store.ErrSendBusy):
		log.Info("notifier entry being sent elsewhere; left pending")
	case errors.Is(err, store.ErrInDoubt), errors.Is(err, ErrInDoubt):
		n.deadLetter(ctx, log, d, "in doubt: "+err.Error())
	case errors.Is(err, ErrUnreachable):
		n.ack(ctx, log, d)
		n.skipped.Add(1)
		n.opt.Metrics.Notification("skipped")
		log.Info("notifier chat unreachable; skipped")
	case errors.Is(err, bot.ErrRejected):
		n.deadLetter(ctx, log, d, err.Error())
	case ctx.Err() != nil:
		// Stopping: the entry stays pending for the next holder.
	default:
		n.failed.Add(1)
		n.opt.Metrics.Notification("failed")
		log.Warn("notifier send failed; left for a later try", "deliveries", d.Deliveries, "err", err)
	}
}

func (n *Notifier) ack(ctx context.Context, log *slog.Logger, d store.Delivery) {
	if err := n.record(ctx, func(rctx context.Context) error { return n.out.Ack(rctx, d) }); err != nil {
		log.Warn("notifier ack failed", "err", err)
	}
}

func (n *Notifier) deadLetter(ctx context.Context, log *slog.Logger, d store.Delivery, reason string) {
	if err := n.record(ctx, func(rctx context.Context) error { return n.out.DeadLetter(rctx, d, reason) }); err != nil {
		log.Warn("notifier dead-letter failed", "err", err)
		return
	}
	n.dead.Add(1)
	n.opt.Metrics.Notification("dead")
	log.Warn("notifier gave up; dead-lettered", "deliveries", d.Deliveries, "reason", reason)
}

// record runs a write that settles an entry, even after ctx ended, with a
// few tries: a lost write turns a sent notification into one in doubt.
func (n *Notifier) record(ctx context.Context, write func(context.Context) error) error {
	var err error
	for try := range notifierStoreAttempts {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
		err = write(rctx)
		cancel()
		if err == nil {
			return nil
		}
		time.Sleep(time.Duration(try+1) * 100 * time.Millisecond)
	}
	return err
}

// outboxTrack records the tries of one entry in the outbox.
type outboxTrack struct {
	out      Outbox
	d        store.Delivery
	consumer string
	ttl      time.Duration
}

func (t outboxTrack) Begin(ctx context.Context) error {
	return t.out.BeginSend(ctx, t.d, t.consumer, t.ttl)
}

func (t outboxTrack) Abort(ctx context.Context) error {
	return t.out.AbortSend(ctx, t.d, t.consumer)
}

// Enqueuer queues notifications (store.Store).
type Enqueuer interface {
	Enqueue(ctx context.Context, n store.Notification) (queued bool, err error)
}

// OutboxMessenger is the Messenger for serve: it queues each message in
// the outbox, once per (chat, key), and a Notifier sends it.
type OutboxMessenger struct {
	Outbox  Enqueuer
	Metrics *metrics.Metrics // counts "queued"; nil for none
}

var _ bot.Messenger = OutboxMessenger{}

// Notify queues r for chatID under key. A text longer than one message is
// queued as parts keyed key#1, key#2…, the buttons with the last; parts
// usually arrive in order (one chat gets one message a second) but
// nothing guarantees it.
func (m OutboxMessenger) Notify(ctx context.Context, chatID int64, key string, r dialog.Reply) error {
	parts := bot.SplitText(r.Text, bot.MaxMessageUTF16)
	for i, part := range parts {
		n := store.Notification{To: chatID, Key: key, Text: part}
		if len(parts) > 1 {
			n.Key = fmt.Sprintf("%s#%d", key, i+1)
		}
		if i == len(parts)-1 {
			n.Buttons = NotificationButtons(r.Buttons)
		}
		queued, err := m.Outbox.Enqueue(ctx, n)
		if err != nil {
			return err
		}
		if queued {
			m.Metrics.Notification("queued")
		}
	}
	return nil
}

// NotificationButtons turns rows of dialog buttons into the plain
// label/data buttons a notification carries.
func NotificationButtons(rows [][]dialog.Choice) [][]store.Button {
	if len(rows) == 0 {
		return nil
	}
	out := make([][]store.Button, 0, len(rows))
	for _, row := range rows {
		r := make([]store.Button, 0, len(row))
		for _, c := range row {
			r = append(r, store.Button{Label: c.Label, Data: c.Button.Encode()})
		}
		out = append(out, r)
	}
	return out
}

// sleep waits d or until ctx ends, and reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
