package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// TakeDailyNotice counts one new-match notice for user today and reports
// whether it is within cap.
func (s *Store) TakeDailyNotice(ctx context.Context, user int64, cap int, now time.Time) (bool, error) {
	key := s.k.dailyNotices(user, now.UTC().Format("2006-01-02"))
	var n *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		n = p.Incr(ctx, key)
		p.Expire(ctx, key, 48*time.Hour)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("daily notices of %d: %w", user, err)
	}
	return n.Val() <= int64(cap), nil
}

// AddToDigest keeps a notice for the user's next daily digest.
func (s *Store) AddToDigest(ctx context.Context, user int64, text string) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.RPush(ctx, s.k.digest(user), text)
		p.SAdd(ctx, s.k.digests(), user)
		return nil
	})
	if err != nil {
		return fmt.Errorf("digest of %d: %w", user, err)
	}
	return nil
}

// TakeDigests returns every waiting digest, by user, and empties them.
func (s *Store) TakeDigests(ctx context.Context) (map[int64][]string, error) {
	users, err := s.rdb.SMembers(ctx, s.k.digests()).Result()
	if err != nil {
		return nil, fmt.Errorf("digests: %w", err)
	}
	out := map[int64][]string{}
	for _, u := range users {
		var id int64
		fmt.Sscan(u, &id)
		var items *redis.StringSliceCmd
		_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			items = p.LRange(ctx, s.k.digest(id), 0, -1)
			p.Del(ctx, s.k.digest(id))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("digest of %d: %w", id, err)
		}
		if err := s.rdb.SRem(ctx, s.k.digests(), u).Err(); err != nil {
			return nil, fmt.Errorf("digests: %w", err)
		}
		if len(items.Val()) > 0 {
			out[id] = items.Val()
		}
	}
	return out, nil
}

// FirstNudge records that a profile's owner is being asked "still
// looking?" for the profile as last updated at updated; it reports false
// when they were asked already.
func (s *Store) FirstNudge(ctx context.Context, profileID string, updated time.Time, ttl time.Duration) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.k.nudged(profileID, updated.Unix()), 1, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("nudge %s: %w", profileID, err)
	}
	return ok, nil
}
