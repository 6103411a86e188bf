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
	ClaimInbox(ctx context.Context, shard int, consumer string) error
	ReadInbox(ctx context.Context, shard int, consumer string, count int64, block time.Duration, pending bool) ([]store.InboxEntry, error)
	AckInbox(ctx context.Context, shard int, entryID string) error
}

// Leaser hands out exclusive, renewable roles.
type Leaser interface {
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	LeaseHolder(ctx context.Context, name string) (string, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// Timing of leases and inbox reads.
const (
	leaseTTL       = 15 * time.Second
	leaseRenew     = 5 * time.Second
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
			err = fmt.Errorf("set webhook: %s", redact(err.Error(), t.opt.Token))
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
	defer t.running.Store(false)
	var wg sync.WaitGroup
	for shard := range store.InboxShards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.consumeShard(ctx, shard)
		}()
	}
	wg.Wait()
	return nil
}

// consumeShard handles one inbox shard while this replica holds its lease.
func (t *Bot) consumeShard(ctx context.Context, shard int) {
	name, me := store.InboxLease(shard), t.replicaName()
	defer t.opt.Leases.ReleaseLease(context.WithoutCancel(ctx), name, me)
	for ctx.Err() == nil {
		held, err := t.opt.Leases.Lease(ctx, name, me, leaseTTL)
		if err != nil || !held {
			if err != nil && ctx.Err() == nil {
				t.log.Warn("inbox lease failed", "shard", shard, "err", err)
			}
			sleep(ctx, leaseRenew)
			continue
		}
		if err := t.opt.Inbox.ClaimInbox(ctx, shard, me); err != nil {
			t.log.Warn("inbox claim failed", "shard", shard, "err", err)
			sleep(ctx, leaseRenew)
			continue
		}
		t.drainShard(ctx, shard, name, me)
	}
}

// drainShard reads and handles a leased shard, renewing the lease, until
// the lease is lost or ctx ends.
func (t *Bot) drainShard(ctx context.Context, shard int, name, me string) {
	pending := true // first what a dead holder (or this one) left unacked
	renewed := time.Now()
	for ctx.Err() == nil {
		if time.Since(renewed) >= leaseRenew {
			held, err := t.opt.Leases.Lease(ctx, name, me, leaseTTL)
			if err != nil || !held {
				return
			}
			renewed = time.Now()
		}
		entries, err := t.opt.Inbox.ReadInbox(ctx, shard, me, inboxBatch, inboxBlock, pending)
		if err != nil {
			if ctx.Err() == nil {
				t.log.Warn("inbox read failed", "shard", shard, "err", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		if pending && len(entries) == 0 {
			pending = false
			continue
		}
		for _, e := range entries {
			if ctx.Err() != nil {
				return // the rest stays pending for the next holder
			}
			if time.Since(renewed) >= leaseRenew {
				held, err := t.opt.Leases.Lease(ctx, name, me, leaseTTL)
				if err != nil || !held {
					return
				}
				renewed = time.Now()
			}
			var u models.Update
			if err := json.Unmarshal(e.Update, &u); err == nil {
				// The update runs to its end even when shutdown begins.
				hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.opt.UpdateTimeout)
				t.handle(hctx, &u, false)
				cancel()
			}
			if err := t.opt.Inbox.AckInbox(context.WithoutCancel(ctx), shard, e.ID); err != nil {
				t.log.Warn("inbox ack failed", "shard", shard, "err", err)
			}
		}
	}
}

// holdPollerLease makes this process the only long poller of the bot
// among those sharing the store, renewing the lease until stop is called.
func (t *Bot) holdPollerLease(ctx context.Context) (stop func(), err error) {
	me := t.replicaName()
	held, err := t.opt.Leases.Lease(ctx, pollerLease, me, leaseTTL)
	if err != nil {
		return nil, err
	}
	if !held {
		holder, _ := t.opt.Leases.LeaseHolder(ctx, pollerLease)
		return nil, fmt.Errorf("another instance (%s) is already polling Telegram for this bot; long polling allows one instance — stop it, or run all instances in webhook mode (WEBHOOK_URL)", holder)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sleep(rctx, leaseRenew) {
			if ok, err := t.opt.Leases.Lease(rctx, pollerLease, me, leaseTTL); err == nil && !ok {
				t.log.Error("telegram poller lease lost to another instance")
			}
		}
	}()
	return func() {
		cancel()
		<-done
		t.opt.Leases.ReleaseLease(context.WithoutCancel(ctx), pollerLease, me)
	}, nil
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
