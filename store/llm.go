package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lifetimes of the model's records.
const (
	// LLMCacheTTL is how long a model's analysis of a text is reused.
	LLMCacheTTL = 30 * 24 * time.Hour
	// llmCallsTTL keeps a day's call counters past the day's end in every time zone.
	llmCallsTTL = 48 * time.Hour
)

// CachedAnalysis returns the cached analysis of a text by model and
// prompt version, or nil when there is none.
func (s *Store) CachedAnalysis(ctx context.Context, model, version, hash string) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.k.llmAnalysis(model, version, hash)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get cached analysis: %w", err)
	}
	return b, nil
}

// CacheAnalysis keeps an analysis of a text for LLMCacheTTL.
func (s *Store) CacheAnalysis(ctx context.Context, model, version, hash string, analysis []byte) error {
	if err := s.rdb.Set(ctx, s.k.llmAnalysis(model, version, hash), analysis, LLMCacheTTL).Err(); err != nil {
		return fmt.Errorf("cache analysis: %w", err)
	}
	return nil
}

// takeCallScript counts one model call against a day's caps, atomically.
//
// KEYS[1]  the day's counter of all calls
// KEYS[2]  the day's counter of the user's calls (absent for no user)
// ARGV[1]  global cap, 0 for none
// ARGV[2]  user cap, 0 for none
// ARGV[3]  counter TTL in seconds
//
// Returns {withinUser, withinGlobal} as 1 or 0. The counters are raised
// only when both caps hold.
var takeCallScript = redis.NewScript(`
local all = tonumber(redis.call('GET', KEYS[1]) or '0')
local mine = 0
if KEYS[2] then mine = tonumber(redis.call('GET', KEYS[2]) or '0') end
local gcap, ucap = tonumber(ARGV[1]), tonumber(ARGV[2])
local withinUser = (KEYS[2] == nil or ucap == 0 or mine < ucap) and 1 or 0
local withinGlobal = (gcap == 0 or all < gcap) and 1 or 0
if withinUser == 1 and withinGlobal == 1 then
  redis.call('INCR', KEYS[1])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  if KEYS[2] then
    redis.call('INCR', KEYS[2])
    redis.call('EXPIRE', KEYS[2], ARGV[3])
  end
end
return {withinUser, withinGlobal}
`)

// TakeLLMCall counts one model call of user (empty: counted only in all)
// on day ("2006-01-02", UTC) unless that would pass userCap or globalCap
// (0: no cap). It reports which caps still held; nothing is counted
// unless both did.
func (s *Store) TakeLLMCall(ctx context.Context, user, day string, userCap, globalCap int) (withinUser, withinGlobal bool, err error) {
	keys := []string{s.k.llmCalls(day)}
	if user != "" {
		keys = append(keys, s.k.llmUserCalls(day, user))
	}
	res, err := takeCallScript.Run(ctx, s.rdb, keys, globalCap, userCap, int(llmCallsTTL/time.Second)).Int64Slice()
	if err != nil {
		return false, false, fmt.Errorf("take llm call of %q on %s: %w", user, day, err)
	}
	if len(res) != 2 {
		return false, false, fmt.Errorf("take llm call: script returned %v", res)
	}
	return res[0] == 1, res[1] == 1, nil
}
