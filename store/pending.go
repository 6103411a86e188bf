package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Planned imports wait here for the organizer's confirmation: kept in
// Redis rather than in a process, any replica can apply the one the
// organizer confirms, and an unconfirmed plan goes away with its TTL.

// SavePendingImport keeps a planned import under id for ttl.
func (s *Store) SavePendingImport(ctx context.Context, id string, plan []byte, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, s.k.pendingImport(id), plan, ttl).Err(); err != nil {
		return fmt.Errorf("save pending import %s: %w", id, err)
	}
	return nil
}

// TakePendingImport returns the planned import under id and forgets it,
// so that only one confirmation applies it; ErrNotFound when it expired
// or was taken already.
func (s *Store) TakePendingImport(ctx context.Context, id string) ([]byte, error) {
	b, err := s.rdb.GetDel(ctx, s.k.pendingImport(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("take pending import %s: %w", id, err)
	}
	return b, nil
}
