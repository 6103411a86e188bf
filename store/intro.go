package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Introductions are double opt-in: A asks to meet the owner of B; only
// when B's owner accepts do the two learn who the other is. Each pair of
// profiles has one introduction record, whoever asked first, and every
// change to it is one Lua script on that one key, so races (both asking
// at once, double presses, a press after a withdrawal or after expiry)
// end in one state.

// IntroState is where an introduction stands.
type IntroState string

const (
	IntroRequested IntroState = "requested"
	IntroAccepted  IntroState = "accepted" // a connection: contacts were exchanged
	IntroDeclined  IntroState = "declined"
	IntroExpired   IntroState = "expired"
	IntroWithdrawn IntroState = "withdrawn" // a profile or its owner's data was deleted
)

// IntroTTL is how long a request waits for an answer.
const IntroTTL = 14 * 24 * time.Hour

// Intro is one introduction between two profiles.
type Intro struct {
	ID        string // short id for buttons
	From, To  string // requesting and requested profile ids
	FromOwner int64  // owner of From
	ToOwner   int64  // owner of To; 0 while the profile has no owner in Telegram
	State     IntroState
	Created   time.Time
	Expires   time.Time
	Decided   time.Time
}

// IntroOutcome says what a request or an answer did.
type IntroOutcome string

const (
	OutcomeRequested        IntroOutcome = "requested"         // a new request: tell To's owner
	OutcomeAlreadyRequested IntroOutcome = "already_requested" // the same request again: nothing to do
	OutcomeConnected        IntroOutcome = "connected"         // accepted now (or both asked each other): exchange contacts
	OutcomeAlreadyConnected IntroOutcome = "already_connected"
	OutcomeDeclined         IntroOutcome = "declined"
	OutcomeAlreadyDecided   IntroOutcome = "already_decided" // a second press on a decided request
	OutcomeExpired          IntroOutcome = "expired"
	OutcomeWithdrawn        IntroOutcome = "withdrawn"
	OutcomeNotYours         IntroOutcome = "not_yours" // pressed by someone who is not the requested owner
	// OutcomeAwaitingApproval: the other side asked first and an organizer
	// has not approved that request yet; nothing changes until they do.
	OutcomeAwaitingApproval IntroOutcome = "awaiting_approval"
)

// requestIntroScript creates or advances the introduction of a pair.
//
// KEYS[1] the pair's intro hash
// ARGV[1] id for a new record, ARGV[2] from profile, ARGV[3] to profile,
// ARGV[4] from owner, ARGV[5] to owner, ARGV[6] now (unix ms), ARGV[7] expiry (unix ms),
// ARGV[8] "1" when a new request is held for an organizer's approval
// Returns {outcome, id}. A request in the other direction that is still
// open becomes a connection: both asked — unless it is held for an
// organizer's approval (field "held").
var requestIntroScript = redis.NewScript(`
local k = KEYS[1]
local state = redis.call('HGET', k, 'state')
if state then
  local id = redis.call('HGET', k, 'id')
  if state == 'requested' and tonumber(redis.call('HGET', k, 'expires')) < tonumber(ARGV[6]) then
    state = 'expired'
    redis.call('HSET', k, 'state', 'expired')
  end
  if state == 'requested' then
    if redis.call('HGET', k, 'from') == ARGV[2] then
      return {'already_requested', id}
    end
    -- The other side's request waits for an organizer: asking back does
    -- not connect the two before it is approved.
    if redis.call('HGET', k, 'held') == '1' then
      return {'awaiting_approval', id}
    end
    redis.call('HSET', k, 'state', 'accepted', 'decided', ARGV[6])
    return {'connected', id}
  end
  if state == 'accepted' then return {'already_connected', id} end
  if state == 'declined' then return {'declined', id} end
  if state == 'withdrawn' then return {'withdrawn', id} end
  -- an expired request may be asked again
end
redis.call('DEL', k)
redis.call('HSET', k, 'id', ARGV[1], 'from', ARGV[2], 'to', ARGV[3], 'from_owner', ARGV[4], 'to_owner', ARGV[5],
  'state', 'requested', 'created', ARGV[6], 'expires', ARGV[7])
if ARGV[8] == '1' then redis.call('HSET', k, 'held', 1) end
return {'requested', ARGV[1]}
`)

// answerIntroScript accepts or declines an open request.
//
// KEYS[1] the pair's intro hash
// ARGV[1] the answering user, ARGV[2] "accept" or "decline", ARGV[3] now (unix ms)
// Returns the outcome. Only the requested profile's owner may answer.
var answerIntroScript = redis.NewScript(`
local k = KEYS[1]
local state = redis.call('HGET', k, 'state')
if not state then return 'withdrawn' end
if redis.call('HGET', k, 'to_owner') ~= ARGV[1] then return 'not_yours' end
if state == 'requested' and tonumber(redis.call('HGET', k, 'expires')) < tonumber(ARGV[3]) then
  redis.call('HSET', k, 'state', 'expired')
  return 'expired'
end
if state == 'accepted' or state == 'declined' then return 'already_decided' end
if state ~= 'requested' then return state end
if ARGV[2] == 'accept' then
  redis.call('HSET', k, 'state', 'accepted', 'decided', ARGV[3])
  return 'connected'
end
redis.call('HSET', k, 'state', 'declined', 'decided', ARGV[3])
return 'declined'
`)

// RequestIntro records that the owner of from asks to meet the owner of
// to. It returns what happened and the introduction as it now stands.
func (s *Store) RequestIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (IntroOutcome, Intro, error) {
	return s.requestIntro(ctx, from, to, fromOwner, toOwner, false, now)
}

// RequestHeldIntro is RequestIntro in broker mode: a new request is held
// for an organizer's approval (see HoldIntro).
func (s *Store) RequestHeldIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (IntroOutcome, Intro, error) {
	return s.requestIntro(ctx, from, to, fromOwner, toOwner, true, now)
}

func (s *Store) requestIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, held bool, now time.Time) (IntroOutcome, Intro, error) {
	heldArg := "0"
	if held {
		heldArg = "1"
	}
	n, err := s.rdb.Incr(ctx, s.k.introSeq()).Result()
	if err != nil {
		return "", Intro{}, fmt.Errorf("request intro %s>%s: %w", from, to, err)
	}
	newID := strconv.FormatInt(n, 36)
	pair := s.k.intro(from, to)
	res, err := requestIntroScript.Run(ctx, s.rdb, []string{pair}, newID, from, to, fromOwner, toOwner,
		now.UnixMilli(), now.Add(IntroTTL).UnixMilli(), heldArg).StringSlice()
	if err != nil {
		return "", Intro{}, fmt.Errorf("request intro %s>%s: %w", from, to, err)
	}
	out := IntroOutcome(res[0])
	if out == OutcomeRequested {
		_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, s.k.introID(newID), pair, 0)
			p.SAdd(ctx, s.k.profileIntros(from), pair)
			p.SAdd(ctx, s.k.profileIntros(to), pair)
			return nil
		})
		if err != nil {
			return "", Intro{}, fmt.Errorf("request intro %s>%s: index: %w", from, to, err)
		}
	}
	if err := s.countIntro(ctx, out, now); err != nil {
		return "", Intro{}, err
	}
	in, err := s.introAt(ctx, pair)
	return out, in, err
}

// AnswerIntro accepts or declines the introduction with the given id on
// behalf of user. Only the requested profile's owner can answer.
func (s *Store) AnswerIntro(ctx context.Context, id string, user int64, accept bool, now time.Time) (IntroOutcome, Intro, error) {
	pair, err := s.rdb.Get(ctx, s.k.introID(id)).Result()
	if errors.Is(err, redis.Nil) {
		return OutcomeWithdrawn, Intro{}, nil
	}
	if err != nil {
		return "", Intro{}, fmt.Errorf("answer intro %s: %w", id, err)
	}
	verb := "decline"
	if accept {
		verb = "accept"
	}
	res, err := answerIntroScript.Run(ctx, s.rdb, []string{pair}, user, verb, now.UnixMilli()).Text()
	if err != nil {
		return "", Intro{}, fmt.Errorf("answer intro %s: %w", id, err)
	}
	out := IntroOutcome(res)
	if err := s.countIntro(ctx, out, now); err != nil {
		return "", Intro{}, err
	}
	if out == OutcomeNotYours {
		return out, Intro{}, nil // tell a stranger nothing
	}
	in, err := s.introAt(ctx, pair)
	return out, in, err
}

// Intro returns the introduction with the given id, or ErrNotFound.
func (s *Store) Intro(ctx context.Context, id string) (Intro, error) {
	pair, err := s.rdb.Get(ctx, s.k.introID(id)).Result()
	if errors.Is(err, redis.Nil) {
		return Intro{}, ErrNotFound
	}
	if err != nil {
		return Intro{}, fmt.Errorf("get intro %s: %w", id, err)
	}
	return s.introAt(ctx, pair)
}

// WithdrawIntros closes every open or decided introduction of a profile
// that is being deleted: a later press reveals nothing.
func (s *Store) WithdrawIntros(ctx context.Context, profileID string) error {
	pairs, err := s.rdb.SMembers(ctx, s.k.profileIntros(profileID)).Result()
	if err != nil {
		return fmt.Errorf("withdraw intros of %s: %w", profileID, err)
	}
	for _, pair := range pairs {
		if err := s.rdb.HSet(ctx, pair, "state", string(IntroWithdrawn)).Err(); err != nil {
			return fmt.Errorf("withdraw intro %s: %w", pair, err)
		}
	}
	if err := s.rdb.Del(ctx, s.k.profileIntros(profileID)).Err(); err != nil {
		return fmt.Errorf("withdraw intros of %s: %w", profileID, err)
	}
	return nil
}

func (s *Store) introAt(ctx context.Context, pair string) (Intro, error) {
	m, err := s.rdb.HGetAll(ctx, pair).Result()
	if err != nil {
		return Intro{}, fmt.Errorf("get intro %s: %w", pair, err)
	}
	if len(m) == 0 {
		return Intro{}, ErrNotFound
	}
	ms := func(k string) time.Time {
		n, _ := strconv.ParseInt(m[k], 10, 64)
		if n == 0 {
			return time.Time{}
		}
		return time.UnixMilli(n).UTC()
	}
	fo, _ := strconv.ParseInt(m["from_owner"], 10, 64)
	to, _ := strconv.ParseInt(m["to_owner"], 10, 64)
	return Intro{ID: m["id"], From: m["from"], To: m["to"], FromOwner: fo, ToOwner: to, State: IntroState(m["state"]),
		Created: ms("created"), Expires: ms("expires"), Decided: ms("decided")}, nil
}

// Counter names of introduction events.
const (
	CountIntrosRequested = "intros_requested"
	CountConnections     = "connections"
	CountIntrosDeclined  = "intros_declined"
)

func (s *Store) countIntro(ctx context.Context, out IntroOutcome, now time.Time) error {
	name := map[IntroOutcome]string{OutcomeRequested: CountIntrosRequested, OutcomeConnected: CountConnections, OutcomeDeclined: CountIntrosDeclined}[out]
	if name == "" {
		return nil
	}
	return s.Count(ctx, name, now)
}

// Count adds one to a named event counter, in total and for now's UTC day.
func (s *Store) Count(ctx context.Context, name string, now time.Time) error {
	day := now.UTC().Format("2006-01-02")
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Incr(ctx, s.k.counter(name, ""))
		p.Incr(ctx, s.k.counter(name, day))
		return nil
	})
	if err != nil {
		return fmt.Errorf("count %s: %w", name, err)
	}
	return nil
}

// Counter returns a named event count: in total when day is zero, else
// for that UTC day.
func (s *Store) Counter(ctx context.Context, name string, day time.Time) (int64, error) {
	d := ""
	if !day.IsZero() {
		d = day.UTC().Format("2006-01-02")
	}
	n, err := s.rdb.Get(ctx, s.k.counter(name, d)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return n, nil
}

// HoldIntro marks an open request as held for an organizer's approval
// (held true) or released (false). While held, a request the other way
// does not connect the two.
func (s *Store) HoldIntro(ctx context.Context, id string, held bool) error {
	pair, err := s.rdb.Get(ctx, s.k.introID(id)).Result()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("hold intro %s: %w", id, err)
	}
	if held {
		err = s.rdb.HSet(ctx, pair, "held", 1).Err()
	} else {
		err = s.rdb.HDel(ctx, pair, "held").Err()
	}
	if err != nil {
		return fmt.Errorf("hold intro %s: %w", id, err)
	}
	return nil
}
