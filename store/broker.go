package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Broker mode: messages for users that organizers approve first (an
// introduction request, a new match) wait here until an organizer
// approves or rejects them. Each is a hash with its state and the message
// as the caller encoded it, kept for HeldTTL; a set lists their ids.
// Every key carries the hash tag {broker}.

// HeldState is where a held message stands.
type HeldState string

const (
	HeldPending  HeldState = "pending"
	HeldApproved HeldState = "approved"
	HeldRejected HeldState = "rejected"
	HeldUnknown  HeldState = "unknown" // no such message, or forgotten
)

// HeldTTL is how long a held message is kept, decided or not.
const HeldTTL = 30 * 24 * time.Hour

// Held is a message for a user that waits for an organizer.
type Held struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`           // what it is, for organizers ("intro", "match")
	From    int64           `json:"from,omitempty"` // the user whose action caused it; 0 for none
	To      int64           `json:"to"`             // the chat it is for
	Key     string          `json:"key"`            // the sender's de-duplication key
	Ref     string          `json:"ref,omitempty"`  // what it is about: the introduction's id for "intro"
	Message json.RawMessage `json:"message"`        // the message, as the caller encoded it
	Note    string          `json:"note,omitempty"` // what organizers are shown about it
	State   HeldState       `json:"state"`
	Created time.Time       `json:"created"`
}

// HoldMessage stores a message as pending and returns it with its id.
func (s *Store) HoldMessage(ctx context.Context, h Held, now time.Time) (Held, error) {
	n, err := s.rdb.Incr(ctx, s.k.heldSeq()).Result()
	if err != nil {
		return h, fmt.Errorf("hold message: %w", err)
	}
	h.ID, h.State, h.Created = strconv.FormatInt(n, 36), HeldPending, now.UTC()
	b, err := json.Marshal(h)
	if err != nil {
		return h, fmt.Errorf("hold message: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.held(h.ID), "state", string(HeldPending), "data", b)
		p.Expire(ctx, s.k.held(h.ID), HeldTTL)
		p.SAdd(ctx, s.k.heldIDs(), h.ID)
		return nil
	})
	if err != nil {
		return h, fmt.Errorf("hold message: %w", err)
	}
	return h, nil
}

// decideHeldScript moves a held message from one state to another.
//
// KEYS[1] the message's hash
// ARGV[1] the state it must be in, ARGV[2] the new state
// Returns {changed, state, data}: "1" and the new state when it changed,
// else "0" and the state it is in ("unknown" with "" when there is no
// such message).
var decideHeldScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return {'0', 'unknown', ''} end
local data = redis.call('HGET', KEYS[1], 'data')
if st ~= ARGV[1] then return {'0', st, data} end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
return {'1', ARGV[2], data}
`)

// DecideHeld approves or rejects a pending message, once: changed is true
// for the call that decided it. Otherwise the state is the one it was
// already in (HeldUnknown when there is no such message). The message is
// returned whenever it exists.
func (s *Store) DecideHeld(ctx context.Context, id string, approve bool) (h Held, changed bool, err error) {
	to := HeldRejected
	if approve {
		to = HeldApproved
	}
	return s.moveHeld(ctx, id, HeldPending, to)
}

// ReopenHeld puts an approved message back to pending, for when its delivery
// failed and an organizer should try again.
func (s *Store) ReopenHeld(ctx context.Context, id string) error {
	_, _, err := s.moveHeld(ctx, id, HeldApproved, HeldPending)
	return err
}

func (s *Store) moveHeld(ctx context.Context, id string, from, to HeldState) (Held, bool, error) {
	res, err := decideHeldScript.Run(ctx, s.rdb, []string{s.k.held(id)}, string(from), string(to)).StringSlice()
	if err != nil {
		return Held{}, false, fmt.Errorf("decide held %s: %w", id, err)
	}
	changed, st := res[0] == "1", HeldState(res[1])
	if st == HeldUnknown {
		return Held{ID: id, State: st}, false, nil
	}
	var h Held
	if err := json.Unmarshal([]byte(res[2]), &h); err != nil {
		return Held{}, false, fmt.Errorf("decode held %s: %w", id, err)
	}
	h.State = st
	return h, changed, nil
}

// PendingHeld returns the messages waiting for a decision, oldest first.
func (s *Store) PendingHeld(ctx context.Context) ([]Held, error) {
	all, err := s.allHeld(ctx)
	if err != nil {
		return nil, err
	}
	var out []Held
	for _, h := range all {
		if h.State == HeldPending {
			out = append(out, h)
		}
	}
	return out, nil
}

// allHeld returns every held message kept, oldest first, and forgets the
// ids of those expired.
func (s *Store) allHeld(ctx context.Context) ([]Held, error) {
	ids, err := s.rdb.SMembers(ctx, s.k.heldIDs()).Result()
	if err != nil {
		return nil, fmt.Errorf("list held: %w", err)
	}
	var out []Held
	for _, id := range ids {
		m, err := s.rdb.HGetAll(ctx, s.k.held(id)).Result()
		if err != nil {
			return nil, fmt.Errorf("list held: %w", err)
		}
		if len(m) == 0 {
			if err := s.rdb.SRem(ctx, s.k.heldIDs(), id).Err(); err != nil {
				return nil, fmt.Errorf("list held: %w", err)
			}
			continue
		}
		var h Held
		if err := json.Unmarshal([]byte(m["data"]), &h); err != nil {
			return nil, fmt.Errorf("decode held %s: %w", id, err)
		}
		h.State = HeldState(m["state"])
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return len(out[i].ID) < len(out[j].ID) || len(out[i].ID) == len(out[j].ID) && out[i].ID < out[j].ID
	})
	return out, nil
}

// ForgetHeld removes every held message for or caused by a user, decided
// or not, for the deletion of their data.
func (s *Store) ForgetHeld(ctx context.Context, user int64) error {
	hs, err := s.allHeld(ctx)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if h.To != user && h.From != user {
			continue
		}
		_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Del(ctx, s.k.held(h.ID))
			p.SRem(ctx, s.k.heldIDs(), h.ID)
			return nil
		})
		if err != nil {
			return fmt.Errorf("forget held %s: %w", h.ID, err)
		}
	}
	return nil
}

// IntroRejected is the state of an introduction request an organizer
// rejected in broker mode. Like an expired one, it cannot be answered,
// and the pair may be asked again (a new request, held again).
const IntroRejected IntroState = "rejected"

// rejectIntroScript closes an introduction request nobody answered; the
// request it owed its recipient is owed no more.
//
// KEYS[1] the pair's intro hash
// Returns 1 when the request was open and is now rejected, else 0.
var rejectIntroScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'requested' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'rejected')
redis.call('HDEL', KEYS[1], 'owed')
return 1
`)

// RejectIntro closes an introduction request an organizer rejected: it
// cannot be answered, and a request the other way does not turn it into
// a connection but starts a new request. Decided introductions are left
// alone.
func (s *Store) RejectIntro(ctx context.Context, id string) error {
	pair, err := s.rdb.Get(ctx, s.k.introID(id)).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reject intro %s: %w", id, err)
	}
	if err := rejectIntroScript.Run(ctx, s.rdb, []string{pair}).Err(); err != nil {
		return fmt.Errorf("reject intro %s: %w", id, err)
	}
	return nil
}
