package bot

import (
	"context"
	"sync"
	"time"

	"github.com/duijie/duijie/store"
)

// UserToucher records who wrote to the bot.
type UserToucher interface {
	TouchUser(ctx context.Context, u store.User) error
}

// CachedUsers records users through next, skipping a user seen within
// touchEvery with the same name, username and language: a chat's stream
// of messages costs one write, not one per message.
type CachedUsers struct {
	next UserToucher
	mu   sync.Mutex
	seen map[int64]seenUser
}

type seenUser struct {
	at                   time.Time
	username, name, lang string
}

// Limits of CachedUsers.
const (
	touchEvery     = 10 * time.Minute
	maxCachedUsers = 100_000 // past this the cache starts afresh
)

// NewCachedUsers returns a UserToucher that writes through to next.
func NewCachedUsers(next UserToucher) *CachedUsers {
	return &CachedUsers{next: next, seen: map[int64]seenUser{}}
}

var _ UserToucher = (*CachedUsers)(nil)

// TouchUser records u unless it was recorded lately, unchanged.
func (c *CachedUsers) TouchUser(ctx context.Context, u store.User) error {
	now := seenUser{at: u.SeenAt, username: u.Username, name: u.Name, lang: string(u.Lang)}
	c.mu.Lock()
	prev, ok := c.seen[u.ID]
	c.mu.Unlock()
	if ok && prev.username == now.username && prev.name == now.name && prev.lang == now.lang && u.SeenAt.Sub(prev.at) < touchEvery {
		return nil
	}
	if err := c.next.TouchUser(ctx, u); err != nil {
		return err
	}
	c.mu.Lock()
	if len(c.seen) >= maxCachedUsers {
		c.seen = map[int64]seenUser{}
	}
	c.seen[u.ID] = now
	c.mu.Unlock()
	return nil
}
