package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/redis/go-redis/v9"
)

// The outbox holds notifications: messages the bot sends on its own
// initiative ("new match for your …"), as opposed to replies to what a
// user just did. It is a Redis Stream read by one consumer group, so a
// notification survives restarts and any replica may send it.
//
// Each notification is about a pair (recipient, key), and each pair has a
// state hash (keys.notifyPair) that moves
//
//	queued ──BeginSend──► sending ──Sent──► sent
//	   ▲                     │
//	   └──────AbortSend──────┘   (Telegram answered: not delivered)
//
// and a lock (keys.notifyLock) held, with a TTL, by the consumer between
// BeginSend and Sent or AbortSend. Why nothing is sent twice:
//
//   - Enqueue adds a pair at most once (within NotifyDedupTTL): the state
//     hash is created in the same script as the stream entry.
//   - The stream delivers at least once: an entry stays pending until it
//     is acked, and Reclaim (XAUTOCLAIM) hands entries nobody touched for a
//     while to a live consumer — a dead consumer's, or a live one's after
//     a failed send (a consumer keeps what it works on with KeepClaimed).
//     Delivery counts let the caller dead-letter an entry that keeps
//     failing.
//   - A consumer calls BeginSend right before the message leaves for
//     Telegram. It goes ahead only from "queued" and only when nobody holds
//     the lock, so two consumers never send the same pair at once, and a
//     pair found "sent" is only acked.
//   - Sent records "sent", acks and deletes the entry in one script.
//   - A pair found "sending" with no lock holder is in doubt: a consumer
//     began sending it and vanished (killed mid-request) before learning
//     the outcome. Telegram's sendMessage has no idempotency key, so that
//     message may or may not have arrived; BeginSend answers ErrInDoubt and
//     the caller moves the entry to the dead-letter stream instead of
//     sending it again.
//
// So every notification is delivered exactly once, except one whose
// request was cut off mid-flight (process killed, no answer within the
// call timeout, or Sent lost to a Redis failure): that one is delivered at
// most once and is listed in the dead-letter stream with its reason. A consumer that stops gracefully
// finishes its in-flight requests, so only a crash or a lost connection
// makes a notification in doubt.
//
// Entries are deleted when acked, so the stream holds only the backlog;
// it is not trimmed, since trimming would drop unsent notifications.

// notifyGroup is the consumer group of the outbox.
const notifyGroup = "senders"

// Limits of the outbox.
const (
	// NotifyDedupTTL is how long a (recipient, key) pair is remembered: the
	// same pair is not queued again within it.
	NotifyDedupTTL = 90 * 24 * time.Hour
	// deadMaxLen bounds the dead-letter stream (approximately); the oldest
	// entries go first.
	deadMaxLen = 10_000
	// maxNotifyText is Telegram's limit on one message, in UTF-16 units.
	maxNotifyText = 4096
	// maxCallbackData is Telegram's limit on a button's callback data.
	maxCallbackData = 64
	// reclaimPage is how many entries one XAUTOCLAIM call looks at.
	reclaimPage = 100
)

// Answers of BeginSend other than "go ahead".
var (
	// ErrAlreadySent: the pair was sent; the entry only needs an Ack.
	ErrAlreadySent = errors.New("notification already sent")
	// ErrSendBusy: another consumer holds the pair's lock and is sending
	// it now; leave the entry pending.
	ErrSendBusy = errors.New("notification being sent by another consumer")
	// ErrInDoubt: a send began and never reported its outcome; the message
	// may have arrived. Move the entry to the dead-letter stream.
	ErrInDoubt = errors.New("notification in doubt: an earlier send began and never finished")
)

// Notification is a message for one chat, about one thing.
type Notification struct {
	To int64 // recipient chat id
	// Key names what the notification is about, unique per recipient: the
	// same (To, Key) is queued once. E.g. "p12>p40": profile p40 is a new
	// match for the recipient's profile p12.
	Key     string
	Text    string     // plain text, at most 4096 UTF-16 units
	Buttons [][]Button // rows of inline buttons, may be nil
}

// Button is an inline button: its label and the callback data it sends
// (1–64 bytes).
type Button struct {
	Label string `json:"label"`
	Data  string `json:"data"`
}

// Validate reports what makes n unsendable.
func (n Notification) Validate() error {
	var problems []string
	if n.To == 0 {
		problems = append(problems, "no recipient")
	}
	if n.Key == "" {
		problems = append(problems, "no key")
	}
	if l := len(utf16.Encode([]rune(n.Text))); l == 0 || l > maxNotifyText {
		problems = append(problems, fmt.Sprintf("text of %d UTF-16 units (want 1–%d)", l, maxNotifyText))
	}
	for _, row := range n.Buttons {
		for _, b := range row {
			if b.Label == "" {
				problems = append(problems, "a button without a label")
			}
			if len(b.Data) == 0 || len(b.Data) > maxCallbackData {
				problems = append(problems, fmt.Sprintf("button %q: callback data of %d bytes (want 1–%d)", b.Label, len(b.Data), maxCallbackData))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid notification: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Delivery is a notification handed to a consumer.
type Delivery struct {
	ID string // outbox entry id
	// Deliveries counts the times the entry was handed out, this one
	// included (1 for a new entry).
	Deliveries int64
	Notification
}

// enqueueScript queues a notification once per (recipient, key).
//
// KEYS[1] the outbox stream, KEYS[2] the pair's state hash
// ARGV[1] the state's TTL in seconds, ARGV[2…] the entry's field/value pairs
// Returns the new entry id, or nil when the pair was queued before.
var enqueueScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then
  return false
end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('HSET', KEYS[2], 'st', 'queued', 'id', id)
redis.call('EXPIRE', KEYS[2], ARGV[1])
return id
`)

// Enqueue queues n unless a notification with the same recipient and key
// was queued within NotifyDedupTTL. It reports whether n was queued.
func (s *Store) Enqueue(ctx context.Context, n Notification) (queued bool, err error) {
	if err := n.Validate(); err != nil {
		return false, fmt.Errorf("enqueue notification %d %s: %w", n.To, n.Key, err)
	}
	fields := []any{"to", n.To, "key", n.Key, "text", n.Text}
	if len(n.Buttons) > 0 {
		b, err := json.Marshal(n.Buttons)
		if err != nil {
			return false, fmt.Errorf("enqueue notification %d %s: %w", n.To, n.Key, err)
		}
		fields = append(fields, "buttons", string(b))
	}
	args := append([]any{int(NotifyDedupTTL.Seconds())}, fields...)
	err = enqueueScript.Run(ctx, s.rdb, []string{s.k.outbox(), s.k.notifyPair(n.To, n.Key)}, args...).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("enqueue notification %d %s: %w", n.To, n.Key, err)
	}
	return true, nil
}

// ensureOutboxGroup creates the consumer group (and the stream) if needed;
// the group starts at the stream's beginning, so nothing queued before it
// existed is missed.
func (s *Store) ensureOutboxGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.k.outbox(), notifyGroup, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("outbox: create group: %w", err)
	}
	return nil
}

// Claim hands consumer up to count notifications nobody has been given
// yet, waiting up to block for one to arrive (not at all when block ≤ 0).
// Nil means none. A claimed entry stays pending, to this consumer, until
// Sent, Ack or DeadLetter.
func (s *Store) Claim(ctx context.Context, consumer string, count int, block time.Duration) ([]Delivery, error) {
	if block <= 0 {
		block = -1 // go-redis: no BLOCK argument
	}
	args := &redis.XReadGroupArgs{Group: notifyGroup, Consumer: consumer,
		Streams: []string{s.k.outbox(), ">"}, Count: int64(count), Block: block}
	res, err := s.rdb.XReadGroup(ctx, args).Result()
	if err != nil && strings.HasPrefix(err.Error(), "NOGROUP") {
		if err := s.ensureOutboxGroup(ctx); err != nil {
			return nil, err
		}
		res, err = s.rdb.XReadGroup(ctx, args).Result()
	}
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: claim for %s: %w", consumer, err)
	}
	var msgs []redis.XMessage
	for _, st := range res {
		msgs = append(msgs, st.Messages...)
	}
	out := make([]Delivery, 0, len(msgs))
	for _, m := range msgs {
		d, ok := decodeDelivery(m)
		if !ok {
			s.dropBroken(ctx, m.ID)
			continue
		}
		d.Deliveries = 1
		out = append(out, d)
	}
	return out, nil
}

// PendingOf hands consumer again up to count entries it was given before
// and has not finished — what a consumer of the same name left when it
// stopped. Call it when a consumer starts. Each counts as a delivery.
func (s *Store) PendingOf(ctx context.Context, consumer string, count int) ([]Delivery, error) {
	if err := s.ensureOutboxGroup(ctx); err != nil {
		return nil, err
	}
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: notifyGroup, Consumer: consumer,
		Streams: []string{s.k.outbox(), "0"}, Count: int64(count), Block: -1}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("outbox: pending of %s: %w", consumer, err)
	}
	var msgs []redis.XMessage
	for _, st := range res {
		msgs = append(msgs, st.Messages...)
	}
	return s.withCounts(ctx, msgs)
}

// Reclaim makes consumer the owner of up to count pending entries that no
// consumer has touched for minIdle — those of a consumer that died, and
// this consumer's own entries whose send failed (minIdle is then the wait
// before the next try) — and returns them. It pages through the pending
// list with XAUTOCLAIM until the cursor comes back to "0-0" or count
// entries are taken; a later call looks at the rest.
func (s *Store) Reclaim(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]Delivery, error) {
	if err := s.ensureOutboxGroup(ctx); err != nil {
		return nil, err
	}
	var msgs []redis.XMessage
	for start := "0-0"; len(msgs) < count; {
		page, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: s.k.outbox(), Group: notifyGroup,
			Consumer: consumer, MinIdle: minIdle, Start: start, Count: int64(min(reclaimPage, count-len(msgs)))}).Result()
		if err != nil {
			return nil, fmt.Errorf("outbox: reclaim for %s: %w", consumer, err)
		}
		msgs = append(msgs, page...)
		if next == "0-0" {
			break
		}
		start = next
	}
	return s.withCounts(ctx, msgs)
}

// keepScript keeps entries with the consumer that works on them.
//
// KEYS[1] the outbox stream
// ARGV[1] the group, ARGV[2] the consumer, ARGV[3…] entry ids
// Returns how many entries were still the consumer's.
var keepScript = redis.NewScript(`
local kept = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'RETRYCOUNT', p[1][4], 'JUSTID')
    kept = kept + 1
  end
end
return kept
`)

// KeepClaimed tells the group that consumer still works on the entries
// ids: their idle time starts again, without counting a delivery, so
// Reclaim does not take them away while they wait for their turn (a long
// 429 pause). Entries another consumer has taken over are left alone.
func (s *Store) KeepClaimed(ctx context.Context, consumer string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{notifyGroup, consumer}
	for _, id := range ids {
		args = append(args, id)
	}
	if err := keepScript.Run(ctx, s.rdb, []string{s.k.outbox()}, args...).Err(); err != nil {
		return fmt.Errorf("outbox: keep %d entries for %s: %w", len(ids), consumer, err)
	}
	return nil
}

// withCounts decodes entries handed out again and reads how many times
// each was delivered (XPENDING).
func (s *Store) withCounts(ctx context.Context, msgs []redis.XMessage) ([]Delivery, error) {
	out := make([]Delivery, 0, len(msgs))
	var cmds []*redis.XPendingExtCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range msgs {
			cmds = append(cmds, p.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: s.k.outbox(), Group: notifyGroup,
				Start: m.ID, End: m.ID, Count: 1}))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: delivery counts: %w", err)
	}
	for i, m := range msgs {
		d, ok := decodeDelivery(m)
		if !ok {
			s.dropBroken(ctx, m.ID)
			continue
		}
		d.Deliveries = 1
		if pe := cmds[i].Val(); len(pe) == 1 {
			d.Deliveries = pe[0].RetryCount
		}
		out = append(out, d)
	}
	return out, nil
}

// decodeDelivery reads an outbox entry; ok is false for an entry that was
// deleted meanwhile or does not hold a notification.
func decodeDelivery(m redis.XMessage) (d Delivery, ok bool) {
	str := func(k string) string { v, _ := m.Values[k].(string); return v }
	to, err := strconv.ParseInt(str("to"), 10, 64)
	if err != nil || to == 0 || str("key") == "" {
		return Delivery{}, false
	}
	d = Delivery{ID: m.ID, Notification: Notification{To: to, Key: str("key"), Text: str("text")}}
	if b := str("buttons"); b != "" {
		if json.Unmarshal([]byte(b), &d.Buttons) != nil {
			return Delivery{}, false
		}
	}
	return d, true
}

// dropBroken acks and deletes an entry that cannot be a notification.
func (s *Store) dropBroken(ctx context.Context, id string) {
	s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, s.k.outbox(), notifyGroup, id)
		p.XDel(ctx, s.k.outbox(), id)
		return nil
	})
}

// beginScript lets one consumer send a pair.
//
// KEYS[1] the pair's state hash, KEYS[2] the pair's lock
// ARGV[1] the consumer, ARGV[2] the lock's TTL in milliseconds,
// ARGV[3] the state's TTL in seconds (when the state has expired)
// Returns "go" (the caller holds the lock; state "sending"), "sent",
// "busy" (someone holds the lock) or "doubt" (state "sending", no holder).
var beginScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'st')
if st == 'sent' then
  return 'sent'
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 'busy'
end
if st == 'sending' then
  return 'doubt'
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('HSET', KEYS[1], 'st', 'sending')
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
end
return 'go'
`)

// BeginSend is called right before d's message leaves for Telegram. It
// returns nil when consumer may send it — and must then call Sent or
// AbortSend within lockTTL — or ErrAlreadySent, ErrSendBusy or ErrInDoubt.
func (s *Store) BeginSend(ctx context.Context, d Delivery, consumer string, lockTTL time.Duration) error {
	res, err := beginScript.Run(ctx, s.rdb, []string{s.k.notifyPair(d.To, d.Key), s.k.notifyLock(d.To, d.Key)},
		consumer, lockTTL.Milliseconds(), int(NotifyDedupTTL.Seconds())).Text()
	if err != nil {
		return fmt.Errorf("outbox: begin %s: %w", d.ID, err)
	}
	switch res {
	case "go":
		return nil
	case "sent":
		return ErrAlreadySent
	case "busy":
		return ErrSendBusy
	default:
		return ErrInDoubt
	}
}

// abortScript undoes BeginSend after Telegram answered that the message
// was not delivered.
//
// KEYS[1] the pair's state hash, KEYS[2] the pair's lock
// ARGV[1] the consumer
// Returns 1 when undone, 0 when the consumer did not hold the lock.
var abortScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[2])
if redis.call('HGET', KEYS[1], 'st') == 'sending' then
  redis.call('HSET', KEYS[1], 'st', 'queued')
end
return 1
`)

// AbortSend records that d's message, begun by consumer, was not
// delivered; the entry stays pending and may be tried again.
func (s *Store) AbortSend(ctx context.Context, d Delivery, consumer string) error {
	err := abortScript.Run(ctx, s.rdb, []string{s.k.notifyPair(d.To, d.Key), s.k.notifyLock(d.To, d.Key)}, consumer).Err()
	if err != nil {
		return fmt.Errorf("outbox: abort %s: %w", d.ID, err)
	}
	return nil
}

// sentScript records a delivered notification and removes its entry.
//
// KEYS[1] the outbox stream, KEYS[2] the pair's state hash, KEYS[3] the pair's lock
// ARGV[1] the group, ARGV[2] the entry id
// Returns 1.
var sentScript = redis.NewScript(`
redis.call('HSET', KEYS[2], 'st', 'sent')
redis.call('DEL', KEYS[3])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
`)

// Sent records that d's message was delivered, acks and deletes the entry
// and counts CountNotificationsSent for now's day.
func (s *Store) Sent(ctx context.Context, d Delivery, now time.Time) error {
	err := sentScript.Run(ctx, s.rdb, []string{s.k.outbox(), s.k.notifyPair(d.To, d.Key), s.k.notifyLock(d.To, d.Key)},
		notifyGroup, d.ID).Err()
	if err != nil {
		return fmt.Errorf("outbox: sent %s: %w", d.ID, err)
	}
	return s.Count(ctx, CountNotificationsSent, now)
}

// Ack finishes an entry without sending it: its pair was sent already, or
// its recipient is unreachable.
func (s *Store) Ack(ctx context.Context, d Delivery) error {
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, s.k.outbox(), notifyGroup, d.ID)
		p.XDel(ctx, s.k.outbox(), d.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox: ack %s: %w", d.ID, err)
	}
	return nil
}

// deadScript moves an entry to the dead-letter stream.
//
// KEYS[1] the outbox stream, KEYS[2] the dead-letter stream
// ARGV[1] the group, ARGV[2] the entry id, ARGV[3] the dead-letter stream's
// max length, ARGV[4…] the dead-letter entry's field/value pairs
// Returns the dead-letter entry id.
var deadScript = redis.NewScript(`
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return id
`)

// DeadLetter gives up on d: it moves to the dead-letter stream with the
// reason. The pair stays remembered, so it is not queued again.
func (s *Store) DeadLetter(ctx context.Context, d Delivery, reason string) error {
	args := []any{notifyGroup, d.ID, deadMaxLen,
		"to", d.To, "key", d.Key, "text", d.Text, "entry", d.ID, "deliveries", d.Deliveries, "reason", reason}
	if len(d.Buttons) > 0 {
		b, _ := json.Marshal(d.Buttons)
		args = append(args, "buttons", string(b))
	}
	if err := deadScript.Run(ctx, s.rdb, []string{s.k.outbox(), s.k.outboxDead()}, args...).Err(); err != nil {
		return fmt.Errorf("outbox: dead-letter %s: %w", d.ID, err)
	}
	return nil
}

// DeadLetter is a notification given up on.
type DeadLetter struct {
	ID         string // dead-letter entry id
	Entry      string // the outbox entry it was
	Deliveries int64
	Reason     string
	Notification
}

// DeadLetters returns up to count dead letters, oldest first.
func (s *Store) DeadLetters(ctx context.Context, count int) ([]DeadLetter, error) {
	msgs, err := s.rdb.XRangeN(ctx, s.k.outboxDead(), "-", "+", int64(count)).Result()
	if err != nil {
		return nil, fmt.Errorf("outbox: dead letters: %w", err)
	}
	out := make([]DeadLetter, 0, len(msgs))
	for _, m := range msgs {
		d, _ := decodeDelivery(m)
		str := func(k string) string { v, _ := m.Values[k].(string); return v }
		n, _ := strconv.ParseInt(str("deliveries"), 10, 64)
		out = append(out, DeadLetter{ID: m.ID, Entry: str("entry"), Deliveries: n, Reason: str("reason"), Notification: d.Notification})
	}
	return out, nil
}

// OutboxLen returns the number of notifications waiting or being sent.
func (s *Store) OutboxLen(ctx context.Context) (int64, error) {
	n, err := s.rdb.XLen(ctx, s.k.outbox()).Result()
	if err != nil {
		return 0, fmt.Errorf("outbox: length: %w", err)
	}
	return n, nil
}

// ForgetRecipient removes everything the outbox keeps about chatID: the
// notifications waiting for it, its dead letters, and the states and
// locks of its pairs — for a user who deletes their data. A notification
// being sent at that moment may still arrive.
func (s *Store) ForgetRecipient(ctx context.Context, chatID int64) error {
	to := strconv.FormatInt(chatID, 10)
	for _, stream := range []string{s.k.outbox(), s.k.outboxDead()} {
		for start := "-"; ; {
			msgs, err := s.rdb.XRangeN(ctx, stream, start, "+", listBatch).Result()
			if err != nil {
				return fmt.Errorf("forget recipient %d: %w", chatID, err)
			}
			var ids []string
			for _, m := range msgs {
				if v, _ := m.Values["to"].(string); v == to {
					ids = append(ids, m.ID)
				}
			}
			if len(ids) > 0 {
				_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
					if stream == s.k.outbox() {
						p.XAck(ctx, stream, notifyGroup, ids...)
					}
					p.XDel(ctx, stream, ids...)
					return nil
				})
				if err != nil && !strings.HasPrefix(err.Error(), "NOGROUP") {
					return fmt.Errorf("forget recipient %d: %w", chatID, err)
				}
			}
			if len(msgs) < listBatch {
				break
			}
			start = "(" + msgs[len(msgs)-1].ID
		}
	}
	return s.deleteMatching(ctx, []string{s.k.notifyPair(chatID, "*"), s.k.notifyLock(chatID, "*")})
}

// MarkUnreachable records that Telegram refused a message to chatID (403)
// at the given time: broadcasts skip the chat until ClearUnreachable.
func (s *Store) MarkUnreachable(ctx context.Context, chatID int64, at time.Time) error {
	if err := s.rdb.Set(ctx, s.k.unreachable(chatID), at.UTC().Format(time.RFC3339), 0).Err(); err != nil {
		return fmt.Errorf("mark chat %d unreachable: %w", chatID, err)
	}
	return nil
}

// ClearUnreachable forgets the mark of a chat, when it writes to the bot.
func (s *Store) ClearUnreachable(ctx context.Context, chatID int64) error {
	if err := s.rdb.Del(ctx, s.k.unreachable(chatID)).Err(); err != nil {
		return fmt.Errorf("clear chat %d unreachable: %w", chatID, err)
	}
	return nil
}

// Unreachable reports whether chatID is marked unreachable.
func (s *Store) Unreachable(ctx context.Context, chatID int64) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.k.unreachable(chatID)).Result()
	if err != nil {
		return false, fmt.Errorf("chat %d unreachable: %w", chatID, err)
	}
	return n == 1, nil
}
