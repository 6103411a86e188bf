package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// WeChat users in the one pool of users. Every per-user key of the store
// is keyed by an int64 user id, the Telegram user's own id. A WeChat user
// gets an id of the bot's own the first time they write, allocated once
// from WeChatUserBase up, a range Telegram's user ids (below 2^52) never
// reach, so profiles, settings, sessions and introductions work for both
// channels alike; the openid and the id map to each other both ways.
//
// WeChat's pushes wait in one inbox stream, deduplicated by message id,
// until the holder of the wechat lease handles them in order.

// WeChatUserBase is the first user id given to a WeChat user.
const WeChatUserBase int64 = 1 << 60

// IsWeChatUser reports whether a user id is a WeChat user's.
func IsWeChatUser(id int64) bool { return id >= WeChatUserBase }

// WeChatLease is the lease name of the WeChat inbox's consumer.
const WeChatLease = "wechat"

// Put stores a WeChat push once (wechat.Inbox): it reports dup for an id
// stored before, within UpdateTTL.
func (s *Store) Put(ctx context.Context, channel, id string, payload []byte) (bool, error) {
	if channel != "wechat" {
		return false, fmt.Errorf("inbox put: unknown channel %q", channel)
	}
	n, err := pushUpdateScript.Run(ctx, s.rdb, []string{s.k.wechatInbox(), s.k.wechatSeen(id)},
		payload, int(UpdateTTL.Seconds()), inboxMaxLen).Int()
	if err != nil {
		return false, fmt.Errorf("put wechat push %s: %w", id, err)
	}
	return n == 0, nil
}

// ClaimWeChat is ClaimInbox for the WeChat inbox.
func (s *Store) ClaimWeChat(ctx context.Context, consumer string, minIdle time.Duration) error {
	if err := s.claimStream(ctx, s.k.wechatInbox(), consumer, minIdle); err != nil {
		return fmt.Errorf("wechat inbox: %w", err)
	}
	return nil
}

// ReadWeChat is ReadInbox for the WeChat inbox.
func (s *Store) ReadWeChat(ctx context.Context, consumer string, count int64, block time.Duration, pending bool) ([]InboxEntry, error) {
	out, err := s.readStream(ctx, s.k.wechatInbox(), consumer, count, block, pending)
	if err != nil {
		return nil, fmt.Errorf("wechat inbox: %w", err)
	}
	return out, nil
}

// AckWeChat is AckInbox for the WeChat inbox.
func (s *Store) AckWeChat(ctx context.Context, entryID string) error {
	if err := s.ackStream(ctx, s.k.wechatInbox(), entryID); err != nil {
		return fmt.Errorf("wechat inbox: %w", err)
	}
	return nil
}

// wechatUserScript gives an openid its number, once: its user id is
// WeChatUserBase plus the number (Lua's numbers are doubles, too narrow
// for the id itself).
//
// KEYS[1] openid → number hash, KEYS[2] number → openid hash, KEYS[3] the counter
// ARGV[1] the openid
// Returns the number.
var wechatUserScript = redis.NewScript(`
local n = redis.call('HGET', KEYS[1], ARGV[1])
if n then
  return tonumber(n)
end
n = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], n)
redis.call('HSET', KEYS[2], n, ARGV[1])
return n
`)

// WeChatUser returns the user id of an openid, giving it one the first time.
func (s *Store) WeChatUser(ctx context.Context, openid string) (int64, error) {
	if openid == "" {
		return 0, errors.New("wechat user: empty openid")
	}
	n, err := wechatUserScript.Run(ctx, s.rdb, []string{s.k.wechatIDs(), s.k.wechatOpenIDs(), s.k.wechatSeq()}, openid).Int64()
	if err != nil {
		return 0, fmt.Errorf("wechat user %s: %w", openid, err)
	}
	return WeChatUserBase + n, nil
}

// WeChatOpenID returns the openid of a WeChat user id, or ErrNotFound.
func (s *Store) WeChatOpenID(ctx context.Context, user int64) (string, error) {
	if !IsWeChatUser(user) {
		return "", ErrNotFound
	}
	openid, err := s.rdb.HGet(ctx, s.k.wechatOpenIDs(), strconv.FormatInt(user-WeChatUserBase, 10)).Result()
	if errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("openid of %d: %w", user, err)
	}
	return openid, nil
}

// SeeWeChat records that a WeChat user wrote at at (a later time only).
func (s *Store) SeeWeChat(ctx context.Context, user int64, at time.Time) error {
	prev, err := s.WeChatSeen(ctx, user)
	if err != nil || !at.After(prev) {
		return err
	}
	if err := s.rdb.HSet(ctx, s.k.wechatLastSeen(), strconv.FormatInt(user, 10), at.Unix()).Err(); err != nil {
		return fmt.Errorf("wechat seen %d: %w", user, err)
	}
	return nil
}

// WeChatSeen returns when a WeChat user last wrote; zero when never.
func (s *Store) WeChatSeen(ctx context.Context, user int64) (time.Time, error) {
	v, err := s.rdb.HGet(ctx, s.k.wechatLastSeen(), strconv.FormatInt(user, 10)).Int64()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("wechat seen %d: %w", user, err)
	}
	return time.Unix(v, 0).UTC(), nil
}

// setChoicesScript numbers the options shown to a user and keeps them.
//
// KEYS[1] the user's menu hash (item id → button data, and field "seq"),
// KEYS[2] the options last shown (a JSON list)
// ARGV[1] the TTL in seconds, ARGV[2] the list as JSON, ARGV[3…] the button data
// Returns the id of the first item.
var setChoicesScript = redis.NewScript(`
local n = #ARGV - 2
local last = redis.call('HINCRBY', KEYS[1], 'seq', n)
for i = 1, n do
  redis.call('HSET', KEYS[1], last - n + i, ARGV[i + 2])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[1])
return last - n + 1
`)

// SetWeChatChoices keeps the button data of the options shown to a user:
// as the options a typed number chooses from, and under menu item ids of
// their own, the first of which it returns, for as long as a session.
func (s *Store) SetWeChatChoices(ctx context.Context, user int64, data []string) (int64, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return 0, fmt.Errorf("wechat choices %d: %w", user, err)
	}
	args := []any{int(SessionTTL.Seconds()), b}
	for _, d := range data {
		args = append(args, d)
	}
	first, err := setChoicesScript.Run(ctx, s.rdb, []string{s.k.wechatMenu(user), s.k.wechatChoices(user)}, args...).Int64()
	if err != nil {
		return 0, fmt.Errorf("wechat choices %d: %w", user, err)
	}
	return first, nil
}

// WeChatChoices returns the button data of the options last shown to a
// user; nil when none.
func (s *Store) WeChatChoices(ctx context.Context, user int64) ([]string, error) {
	b, err := s.rdb.Get(ctx, s.k.wechatChoices(user)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("wechat choices %d: %w", user, err)
	}
	var data []string
	if err := json.Unmarshal(b, &data); err != nil {
		return nil, fmt.Errorf("wechat choices %d: %w", user, err)
	}
	return data, nil
}

// WeChatMenuItem returns the button data of a menu item shown to a user;
// "" when unknown or forgotten.
func (s *Store) WeChatMenuItem(ctx context.Context, user int64, id string) (string, error) {
	if id == "seq" {
		return "", nil
	}
	data, err := s.rdb.HGet(ctx, s.k.wechatMenu(user), id).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("wechat menu item %d/%s: %w", user, id, err)
	}
	return data, nil
}

// MaxWaiting bounds the messages kept for a WeChat user; older ones go
// first (a user who unfollowed never takes them).
const MaxWaiting = 50

// KeepWeChat keeps a message a user could not be sent until their next
// message.
func (s *Store) KeepWeChat(ctx context.Context, user int64, msg []byte) error {
	key := s.k.wechatWaiting(user)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, key, msg)
		p.LTrim(ctx, key, -MaxWaiting, -1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("keep wechat message for %d: %w", user, err)
	}
	return nil
}

// TakeWeChat returns and forgets the messages kept for a user, oldest
// first: two takers never get the same message.
func (s *Store) TakeWeChat(ctx context.Context, user int64) ([][]byte, error) {
	key := s.k.wechatWaiting(user)
	var r *redis.StringSliceCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		r = p.LRange(ctx, key, 0, -1)
		p.Del(ctx, key)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("take wechat messages of %d: %w", user, err)
	}
	var out [][]byte
	for _, m := range r.Val() {
		out = append(out, []byte(m))
	}
	return out, nil
}

// SetContactCard keeps the contact a user shares with those they connect
// with; an empty card removes it.
func (s *Store) SetContactCard(ctx context.Context, user int64, card string) error {
	var err error
	if card == "" {
		err = s.rdb.Del(ctx, s.k.contactCard(user)).Err()
	} else {
		err = s.rdb.Set(ctx, s.k.contactCard(user), card, 0).Err()
	}
	if err != nil {
		return fmt.Errorf("contact card of %d: %w", user, err)
	}
	return nil
}

// ContactCard returns the contact a user shares, "" when none.
func (s *Store) ContactCard(ctx context.Context, user int64) (string, error) {
	card, err := s.rdb.Get(ctx, s.k.contactCard(user)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("contact card of %d: %w", user, err)
	}
	return card, nil
}

// AskContact records that the bot waits for a user's contact card, then
// to perform action; done forgets it.
func (s *Store) AskContact(ctx context.Context, user int64, action string, done bool) error {
	var err error
	if done {
		err = s.rdb.Del(ctx, s.k.contactAsk(user)).Err()
	} else {
		err = s.rdb.Set(ctx, s.k.contactAsk(user), action, SessionTTL).Err()
	}
	if err != nil {
		return fmt.Errorf("ask contact of %d: %w", user, err)
	}
	return nil
}

// ContactAsked returns the action waiting for a user's contact card;
// asked is false when the bot waits for none.
func (s *Store) ContactAsked(ctx context.Context, user int64) (string, bool, error) {
	action, err := s.rdb.Get(ctx, s.k.contactAsk(user)).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("ask contact of %d: %w", user, err)
	}
	return action, true, nil
}

// forgetWeChat removes a WeChat user's openid and last message time: if
// they write again they are a new user.
func (s *Store) forgetWeChat(ctx context.Context, user int64) error {
	openid, err := s.WeChatOpenID(ctx, user)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, s.k.wechatIDs(), openid)
		p.HDel(ctx, s.k.wechatOpenIDs(), strconv.FormatInt(user-WeChatUserBase, 10))
		p.HDel(ctx, s.k.wechatLastSeen(), strconv.FormatInt(user, 10))
		return nil
	})
	if err != nil {
		return fmt.Errorf("forget wechat user %d: %w", user, err)
	}
	return nil
}
