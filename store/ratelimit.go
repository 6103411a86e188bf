package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// A per-user token bucket in Redis, so every replica counts the same
// messages: each user has RateLimit.Burst tokens, refilled at
// RateLimit.PerSecond; a message takes one, and with none left it is
// refused until the next token comes.

// Defaults of RateLimit.
const (
	DefaultRateBurst     = 20  // messages in a burst
	DefaultRatePerSecond = 1.0 // messages a second, sustained
)

// RateLimit is the size and refill rate of each user's bucket. Zero
// fields take the defaults above.
type RateLimit struct {
	Burst     int
	PerSecond float64
}

func (l RateLimit) withDefaults() RateLimit {
	if l.Burst <= 0 {
		l.Burst = DefaultRateBurst
	}
	if l.PerSecond <= 0 {
		l.PerSecond = DefaultRatePerSecond
	}
	return l
}

// allowScript takes a token from a bucket.
//
// KEYS[1] the bucket hash (fields "tokens", "ts": unix ms of the last refill)
// ARGV[1] now (unix ms), ARGV[2] tokens a millisecond, ARGV[3] burst,
// ARGV[4] the bucket's TTL (ms): the time it takes to fill up
// Returns {1, 0} when a token was taken, else {0, ms until the next token}.
// A clock that goes back adds nothing and takes nothing away.
var allowScript = redis.NewScript(`
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
local ts = tonumber(redis.call('HGET', KEYS[1], 'ts'))
if not tokens or not ts then tokens, ts = burst, now end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate)
  ts = now
end
local ok, wait = 0, math.ceil((1 - tokens) / rate)
if tokens >= 1 then ok, wait, tokens = 1, 0, tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', ts)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {ok, wait}
`)

// Allow takes one token from the bucket of userKey (a user id, or any
// key that names who is sending) under lim at now. When it is refused,
// wait says when the next token comes.
func (s *Store) Allow(ctx context.Context, userKey string, lim RateLimit, now time.Time) (ok bool, wait time.Duration, err error) {
	lim = lim.withDefaults()
	perMs := lim.PerSecond / 1000
	ttl := int64(math.Ceil(float64(lim.Burst)/perMs)) + 1000
	res, err := allowScript.Run(ctx, s.rdb, []string{s.k.rate(userKey)},
		now.UnixMilli(), fmt.Sprintf("%.9f", perMs), lim.Burst, ttl).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", userKey, err)
	}
	return res[0] == 1, time.Duration(res[1]) * time.Millisecond, nil
}
