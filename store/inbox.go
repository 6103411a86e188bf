package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The inbox keeps Telegram updates received by webhook until they are
// handled. A replica stores an update before answering Telegram, so an
// update that got its 200 is never lost; updates of one chat go to one
// shard, and one replica at a time (the holder of the shard's lease)
// consumes a shard, in order.

// InboxShards is the number of inbox shards: the parallelism of update
// handling across all replicas.
const InboxShards = 16

// inboxGroup is the consumer group of every inbox stream.
const inboxGroup = "handlers"

// InboxShard returns the shard of a chat.
func InboxShard(chatID int64) int {
	h := fnv.New32a()
	h.Write([]byte(strconv.FormatInt(chatID, 10)))
	return int(h.Sum32() % InboxShards)
}

// pushUpdateScript stores an update once.
//
// KEYS[1] the shard's stream, KEYS[2] the update's seen-marker
// ARGV[1] the update as JSON, ARGV[2] the marker's TTL in seconds, ARGV[3] the stream's max length
// Returns 1 when stored, 0 when the update was seen before.
var pushUpdateScript = redis.NewScript(`
if redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[2]) == false then
  return 0
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'u', ARGV[1])
return 1
`)

// inboxMaxLen bounds a shard's stream; handled entries are acked and
// trimmed with it.
const inboxMaxLen = 100_000

// PushUpdate stores a received update in its chat's shard. It reports
// false for an update id seen before.
func (s *Store) PushUpdate(ctx context.Context, chatID, updateID int64, update []byte) (bool, error) {
	shard := InboxShard(chatID)
	n, err := pushUpdateScript.Run(ctx, s.rdb, []string{s.k.inbox(shard), s.k.inboxSeen(shard, updateID)},
		update, int(UpdateTTL.Seconds()), inboxMaxLen).Int()
	if err != nil {
		return false, fmt.Errorf("push update %d: %w", updateID, err)
	}
	return n == 1, nil
}

// InboxEntry is one stored update.
type InboxEntry struct {
	ID     string // stream entry id, for Ack
	Update []byte
}

// ClaimInbox makes consumer the owner of every entry of the shard that
// was handed out, not acked, and idle for at least minIdle — by a holder
// of the shard's lease that died. Call it after taking the lease, with
// the lease's TTL as minIdle, then read with pending set: an entry handed
// out less than a lease ago may still be in the hands of a live holder.
func (s *Store) ClaimInbox(ctx context.Context, shard int, consumer string, minIdle time.Duration) error {
	if err := s.claimStream(ctx, s.k.inbox(shard), consumer, minIdle); err != nil {
		return fmt.Errorf("inbox %d: %w", shard, err)
	}
	return nil
}

// claimStream creates the consumer group of an inbox stream if needed and
// gives consumer the entries idle for at least minIdle (see ClaimInbox).
func (s *Store) claimStream(ctx context.Context, key, consumer string, minIdle time.Duration) error {
	if err := s.rdb.XGroupCreateMkStream(ctx, key, inboxGroup, "0").Err(); err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create group: %w", err)
	}
	for start := "0-0"; ; {
		_, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: key, Group: inboxGroup, Consumer: consumer,
			MinIdle: minIdle, Start: start, Count: 100}).Result()
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		if next == "0-0" {
			return nil
		}
		start = next
	}
}

// ReadInbox returns up to count entries of the shard for consumer: with
// pending, those it was given before and did not ack, at once; else new
// ones, waiting up to block for them. Nil means none.
func (s *Store) ReadInbox(ctx context.Context, shard int, consumer string, count int64, block time.Duration, pending bool) ([]InboxEntry, error) {
	out, err := s.readStream(ctx, s.k.inbox(shard), consumer, count, block, pending)
	if err != nil {
		return nil, fmt.Errorf("inbox %d: %w", shard, err)
	}
	return out, nil
}

// readStream reads an inbox stream for consumer (see ReadInbox).
func (s *Store) readStream(ctx context.Context, key, consumer string, count int64, block time.Duration, pending bool) ([]InboxEntry, error) {
	id, b := ">", block
	if pending {
		id, b = "0", -1
	}
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: inboxGroup, Consumer: consumer,
		Streams: []string{key, id}, Count: count, Block: b}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	var out []InboxEntry
	for _, st := range res {
		for _, m := range st.Messages {
			u, _ := m.Values["u"].(string)
			out = append(out, InboxEntry{ID: m.ID, Update: []byte(u)})
		}
	}
	return out, nil
}

// AckInbox marks an entry handled.
func (s *Store) AckInbox(ctx context.Context, shard int, entryID string) error {
	if err := s.ackStream(ctx, s.k.inbox(shard), entryID); err != nil {
		return fmt.Errorf("inbox %d: %w", shard, err)
	}
	return nil
}

// ackStream acks and deletes an entry of an inbox stream.
func (s *Store) ackStream(ctx context.Context, key, entryID string) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, key, inboxGroup, entryID)
		p.XDel(ctx, key, entryID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ack %s: %w", entryID, err)
	}
	return nil
}

// leaseScript takes or renews an exclusive lease.
//
// KEYS[1] the lease
// ARGV[1] the would-be holder, ARGV[2] the TTL in milliseconds
// Returns 1 when the caller holds the lease now, 0 when someone else does.
var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// releaseScript gives a lease up if the caller holds it.
//
// KEYS[1] the lease; ARGV[1] the holder. Returns 1 when released.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Lease takes or renews the named lease for holder for ttl; it reports
// whether holder has it. Holders renew well before ttl ends.
func (s *Store) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, s.rdb, []string{s.k.lease(name)}, holder, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	return n == 1, nil
}

// LeaseHolder returns who holds the named lease, or "".
func (s *Store) LeaseHolder(ctx context.Context, name string) (string, error) {
	h, err := s.rdb.Get(ctx, s.k.lease(name)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lease %s: %w", name, err)
	}
	return h, nil
}

// ReleaseLease gives the named lease up if holder has it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.k.lease(name)}, holder).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", name, err)
	}
	return nil
}

// InboxLease is the lease name of a shard's consumer.
func InboxLease(shard int) string { return "inbox:" + strconv.Itoa(shard) }
