package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/internal/lease"
	"github.com/duijie/duijie/store"
)

// Webhook mode: Telegram POSTs updates to WebhookHandler on every replica
// behind a load balancer. The handler checks the secret, stores the update
// in the inbox (once per update id) and only then answers 200, so an
// answered update survives any crash; it answers 503 when the store is
// unreachable, and Telegram retries. Each replica runs a consumer per inbox
// shard it holds the lease of; a chat always lands on the same shard, so
// its updates are handled one after another, in order, by one replica.

// Inbox stores webhook updates until they are handled.
type Inbox interface {
	PushUpdate(ctx context.Context, chatID, updateID int64, update []byte) (bool, error)
	ClaimInbox(ctx context.Context, shard int, consumer string, minIdle time.Duration) error
	ReadInbox(ctx context.Context, shard int, consumer string, count int64, block time.Duration, pending bool) ([]store.InboxEntry, error)
	AckInbox(ctx context.Context, shard int, entryID string) error
}

// Timing of leases and inbox reads.
const (
	inboxBlock     = 2 * time.Second
	inboxBatch     = 32
	maxUpdateBytes = 1 << 20
	pollerLease    = "poller"
)

// replicaName names this process among replicas.
func (t *Bot) replicaName() string {
	if t.opt.Replica != "" {
		return t.opt.Replica
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// WebhookHandler receives Telegram's webhook calls.
func (t *Bot) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(t.opt.WebhookSecret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpdateBytes))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var u models.Update
		if err := json.Unmarshal(body, &u); err != nil {
			// Retrying cannot mend it: take it and drop it.
			t.log.Warn("webhook undecodable update dropped", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		chatID := updateChatID(&u)
		if chatID == 0 {
			w.WriteHeader(http.StatusOK) // a kind of update the bot does not use
			return
		}
		fresh, err := t.opt.Inbox.PushUpdate(r.Context(), chatID, u.ID, body)
		if err != nil {
			t.opt.Metrics.Error("store")
			t.log.Error("webhook store update failed; Telegram will retry", "update_id", u.ID, "chat_id", chatID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		if !fresh {
			t.log.Info("webhook duplicate update", "update_id", u.ID, "chat_id", chatID)
		}
		w.WriteHeader(http.StatusOK)
	})
}

// RunWebhook registers the webhook and the command menu, then consumes
// the inbox shards this replica can lease until ctx ends. The caller
// serves WebhookHandler.
func (t *Bot) RunWebhook(ctx context.Context) error {
	if t.opt.Inbox == nil || t.opt.Leases == nil {
		return fmt.Errorf("webhook mode needs an inbox and leases")
	}
	err := t.setUp(ctx)
	if err == nil && t.opt.WebhookURL != "" {
		_, err = t.b.SetWebhook(ctx, &tg.SetWebhookParams{URL: t.opt.WebhookURL, SecretToken: t.opt.WebhookSecret,
			AllowedUpdates: []string{"message", "callback_query"}})
		if err != nil {
			err = fmt.Errorf("set webhook: %s", hideToken(err.Error(), t.opt.Token))
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	t.log.Info("telegram webhook mode", "replica", t.replicaName(), "shards", store.InboxShards)
	t.running.Store(true)
	t.consumeInbox(ctx)()
	t.running.Store(false)
	return t.finish()
}

// consumeInbox starts a consumer for every inbox shard, each handling
// its shard while this replica holds the shard's lease, until ctx ends.
// The returned function waits for them.
func (t *Bot) consumeInbox(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for shard := range store.InboxShards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.consumeShard(ctx, shard)
		}()
	}
	return wg.Wait
}

// consumeShard handles one inbox shard while this replica holds its lease.
func (t *Bot) consumeShard(ctx context.Context, shard int) {
	me := t.replicaName()
	l := lease.Lease{Store: t.opt.Leases, Name: store.InboxLease(shard), Holder: me, TTL: t.opt.LeaseTTL, Log: t.log}
	l.Hold(ctx, func(lctx context.Context) {
		// Entries a dead holder was handed and never acked are taken
		// over; those idle less than a lease were handed out under a
		// lease that may still be alive.
		if err := t.opt.Inbox.ClaimInbox(lctx, shard, me, t.opt.LeaseTTL); err != nil {
			if lctx.Err() == nil {
				t.log.Warn("inbox claim failed", "shard", shard, "err", err)
				sleep(lctx, t.opt.LeaseTTL/3)
			}
			return
		}
		t.drainShard(lctx, shard)
	})
}

// drainShard reads a leased shard until lctx, the lease's work context,
// ends, and hands each update to its chat's queue; an entry is acked once
// handled, so a chat waiting on Telegram holds up no other chat of the
// shard. A chat whose queue is full is told to slow down and the update
// is dropped. When lctx ends, updates not yet begun stay pending for the
// next holder; one in hand runs to its end when shutdown begins, and is
// cut off when the lease is lost, so that no other replica handles it
// while this one still does. drainShard returns when none is in hand.
func (t *Bot) drainShard(lctx context.Context, shard int) {
	me := t.replicaName()
	var inHand sync.WaitGroup
	defer inHand.Wait()
	ack := func(id string) {
		if err := t.opt.Inbox.AckInbox(context.WithoutCancel(lctx), shard, id); err != nil {
			t.log.Warn("inbox ack failed", "shard", shard, "err", err)
		}
	}
	pending := true // first what a dead holder (or this one) left unacked
	for lctx.Err() == nil {
		entries, err := t.opt.Inbox.ReadInbox(lctx, shard, me, inboxBatch, inboxBlock, pending)
		if err != nil {
			if lctx.Err() == nil {
				t.log.Warn("inbox read failed", "shard", shard, "err", err)
				sleep(lctx, time.Second)
			}
			continue
		}
		if pending && len(entries) == 0 {
			pending = false
			continue
		}
		for _, e := range entries {
			if lctx.Err() != nil {
				return // the rest stays pending for the next holder
			}
			u := new(models.Update)
			if err := json.Unmarshal(e.Update, u); err != nil {
				ack(e.ID)
				continue
			}
			inHand.Add(1)
			ok := t.queue.Submit(updateChatID(u), func() {
				defer inHand.Done()
				if lctx.Err() != nil {
					return // not begun: pending for the next holder
				}
				hctx, cancel := context.WithTimeout(context.WithoutCancel(lctx), t.opt.UpdateTimeout)
				stop := context.AfterFunc(lctx, func() {
					if lease.Lost(lctx) {
						cancel()
					}
				})
				t.handle(hctx, u, false)
				stop()
				cancel()
				if lease.Lost(lctx) {
					return // not acked: the next holder handles it
				}
				ack(e.ID)
			})
			if !ok {
				inHand.Done()
				t.overflow(lctx, u)
				ack(e.ID)
			}
		}
		if pending {
			// Reading pending entries again returns those not yet acked:
			// let these finish first.
			inHand.Wait()
		}
	}
}

// sleep waits for d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}
