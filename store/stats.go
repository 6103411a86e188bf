package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redis/go-redis/v9"
)

// What statistics and docking reports read: event counters besides the
// introduction ones (intro.go), the number of users and the
// introductions of one profile.

// Counter names of matching, notification and user events.
const (
	// CountMatchesShown counts counterparts shown to users: a list of five
	// matches shown on publish, or a further page of them, adds five.
	CountMatchesShown = "matches_shown"
	// CountNotificationsSent counts "new match" notifications delivered,
	// one per message sent to a user.
	CountNotificationsSent = "notifications_sent"
	// CountNewUsers counts users seen for the first time (by TouchUser).
	CountNewUsers = "new_users"
)

// CountBy adds n to a named event counter, in total and for now's UTC
// day, for events that come in batches (a list of matches shown).
func (s *Store) CountBy(ctx context.Context, name string, n int64, now time.Time) error {
	if n == 0 {
		return nil
	}
	day := now.UTC().Format("2006-01-02")
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.IncrBy(ctx, s.k.counter(name, ""), n)
		p.IncrBy(ctx, s.k.counter(name, day), n)
		return nil
	})
	if err != nil {
		return fmt.Errorf("count %s by %d: %w", name, n, err)
	}
	return nil
}

// CountUsers returns the number of users TouchUser has recorded.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	n, err := s.rdb.SCard(ctx, s.k.users()).Result()
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// IntrosOf returns the introductions a profile takes part in, asked by it
// or of it, in every state, oldest first (ties by id). A profile that was
// deleted has none.
func (s *Store) IntrosOf(ctx context.Context, profileID string) ([]Intro, error) {
	pairs, err := s.rdb.SMembers(ctx, s.k.profileIntros(profileID)).Result()
	if err != nil {
		return nil, fmt.Errorf("list intros of %s: %w", profileID, err)
	}
	sort.Strings(pairs)
	out := make([]Intro, 0, len(pairs))
	for _, pair := range pairs {
		in, err := s.introAt(ctx, pair)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list intros of %s: %w", profileID, err)
		}
		out = append(out, in)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
