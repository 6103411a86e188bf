package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Events: users who arrive by an event's link (event.Link) are tagged
// with it, and so are the profiles they publish, so the event's report
// counts walk-in users beside its imported lists.

// EventCounts are what an event's link brought.
type EventCounts struct {
	Users    int64 // users who arrived by the link
	Profiles int64 // profiles they published
}

// ArriveByEvent records that a user arrived by an event's link; the
// user's later profiles carry the tag (see UserEvent). Arriving again
// changes nothing; arriving by another event's link moves the user's
// next profiles to that event.
func (s *Store) ArriveByEvent(ctx context.Context, tag string, user int64) error {
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.SAdd(ctx, s.k.events(), tag)
		pipe.SAdd(ctx, s.k.eventUsers(tag), user)
		pipe.Set(ctx, s.k.userEvent(user), tag, 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("user %d arrives by event %s: %w", user, tag, err)
	}
	return nil
}

// UserEvent returns the tag of the event by whose link a user last
// arrived, or "" when none.
func (s *Store) UserEvent(ctx context.Context, user int64) (string, error) {
	tag, err := s.rdb.Get(ctx, s.k.userEvent(user)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("event of user %d: %w", user, err)
	}
	return tag, nil
}

// EventProfile records that a profile was published under an event.
func (s *Store) EventProfile(ctx context.Context, tag, profileID string) error {
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.SAdd(ctx, s.k.events(), tag)
		pipe.SAdd(ctx, s.k.eventProfiles(tag), profileID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("profile %s under event %s: %w", profileID, tag, err)
	}
	return nil
}

// NoteEvent records a tag seen elsewhere (an import's --tag), so that
// KnownEvent knows it.
func (s *Store) NoteEvent(ctx context.Context, tag string) error {
	if err := s.rdb.SAdd(ctx, s.k.events(), tag).Err(); err != nil {
		return fmt.Errorf("note event %s: %w", tag, err)
	}
	return nil
}

// KnownEvent reports whether a tag was ever seen.
func (s *Store) KnownEvent(ctx context.Context, tag string) (bool, error) {
	ok, err := s.rdb.SIsMember(ctx, s.k.events(), tag).Result()
	if err != nil {
		return false, fmt.Errorf("known event %s: %w", tag, err)
	}
	return ok, nil
}

// EventCountsOf counts what an event's link brought.
func (s *Store) EventCountsOf(ctx context.Context, tag string) (EventCounts, error) {
	var users, profiles *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		users = pipe.SCard(ctx, s.k.eventUsers(tag))
		profiles = pipe.SCard(ctx, s.k.eventProfiles(tag))
		return nil
	})
	if err != nil {
		return EventCounts{}, fmt.Errorf("counts of event %s: %w", tag, err)
	}
	return EventCounts{Users: users.Val(), Profiles: profiles.Val()}, nil
}

// EventProfiles returns the ids of the profiles published under an event.
func (s *Store) EventProfiles(ctx context.Context, tag string) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.k.eventProfiles(tag)).Result()
	if err != nil {
		return nil, fmt.Errorf("profiles of event %s: %w", tag, err)
	}
	return ids, nil
}
