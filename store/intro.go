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

// IntroIDBytes is how many random bytes make an introduction id: 96 bits,
// 16 characters of unpadded base64url, so a button's callback data
// ("a/ia/<id>") stays far inside Telegram's 64 bytes. Ids made before
// were short base-36 numbers; they are read the same way.
const IntroIDBytes = 12

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
	// Owed is what the last change still owes its users until the caller
	// reports it delivered (IntroDelivered): OwedRequest, OwedConnect,
	// OwedDecline, or "" for nothing.
	Owed IntroOwed
}

// IntroOwed names the messages a change of an introduction owes: they are
// recorded in the same script as the change, so a failure right after it
// leaves a marker that a retry or a sweep (OwedIntros) finishes.
type IntroOwed string

const (
	OwedRequest IntroOwed = "request" // tell To's owner about the request
	OwedConnect IntroOwed = "connect" // tell both owners who the other is
	OwedDecline IntroOwed = "decline" // tell From's owner the answer
)

// IntroOutcome says what a request or an answer did.
type IntroOutcome string

// Outcomes. A retry after a change whose messages are still owed gets
// an "already" outcome with Intro.Owed set; Resume turns it back into the
// outcome of the change, so the caller finishes what was started.
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
	// OutcomeAwaitingApproval: the request waits for an organizer's
	// approval (broker mode); nothing changes until they give it, neither
	// an answer nor a request the other way.
	OutcomeAwaitingApproval IntroOutcome = "awaiting_approval"
)

// Resume is the outcome a caller acts on: out, or, when a retry finds
// the messages of an earlier change still owed (in.Owed), the outcome of
// that change — requested, connected or declined — so they are sent now.
// Senders de-duplicate, so finishing twice sends once.
func Resume(out IntroOutcome, in Intro) IntroOutcome {
	switch {
	case in.Owed == OwedRequest && out == OutcomeAlreadyRequested:
		return OutcomeRequested
	case in.Owed == OwedConnect && (out == OutcomeAlreadyConnected || out == OutcomeAlreadyDecided):
		return OutcomeConnected
	case in.Owed == OwedDecline && out == OutcomeAlreadyDecided:
		return OutcomeDeclined
	}
	return out
}

// requestIntroScript creates or advances the introduction of a pair.
//
// KEYS[1] the pair's intro hash
// ARGV[1] id for a new record, ARGV[2] from profile, ARGV[3] to profile,
// ARGV[4] from owner, ARGV[5] to owner, ARGV[6] now (unix ms), ARGV[7] expiry (unix ms),
// ARGV[8] "1" when a new request is held for an organizer's approval
// Returns {outcome, id, fresh}: fresh is "1" when this call changed the
// state. A request in the other direction that is still open becomes a
// connection: both asked — unless it is held for an organizer's approval
// (field "held"). A change sets field "owed" to the messages it owes.
var requestIntroScript = redis.NewScript(`
local k = KEYS[1]
local state = redis.call('HGET', k, 'state')
if state then
  local id = redis.call('HGET', k, 'id')
  if state == 'requested' and tonumber(redis.call('HGET', k, 'expires')) < tonumber(ARGV[6]) then
    state = 'expired'
    redis.call('HSET', k, 'state', 'expired')
    redis.call('HDEL', k, 'owed')
  end
  if state == 'requested' then
    if redis.call('HGET', k, 'from') == ARGV[2] then
      return {'already_requested', id, '0'}
    end
    -- The other side's request waits for an organizer: asking back does
    -- not connect the two before it is approved.
    if redis.call('HGET', k, 'held') == '1' then
      return {'awaiting_approval', id, '0'}
    end
    redis.call('HSET', k, 'state', 'accepted', 'decided', ARGV[6], 'owed', 'connect')
    return {'connected', id, '1'}
  end
  if state == 'accepted' then return {'already_connected', id, '0'} end
  if state == 'declined' then return {'declined', id, '0'} end
  if state == 'withdrawn' then return {'withdrawn', id, '0'} end
  -- an expired or rejected request may be asked again
end
redis.call('DEL', k)
redis.call('HSET', k, 'id', ARGV[1], 'from', ARGV[2], 'to', ARGV[3], 'from_owner', ARGV[4], 'to_owner', ARGV[5],
  'state', 'requested', 'created', ARGV[6], 'expires', ARGV[7], 'owed', 'request')
if ARGV[8] == '1' then redis.call('HSET', k, 'held', 1) end
return {'requested', ARGV[1], '1'}
`)

// answerIntroScript accepts or declines an open request.
//
// KEYS[1] the pair's intro hash
// ARGV[1] the answering user, ARGV[2] "accept" or "decline", ARGV[3] now (unix ms),
// ARGV[4] the introduction's id
// Returns {outcome, fresh} as requestIntroScript. Only the requested
// profile's owner may answer, only the request the id names (not a later
// one of the same pair), and not while it is held for an organizer.
var answerIntroScript = redis.NewScript(`
local k = KEYS[1]
local state = redis.call('HGET', k, 'state')
if not state or redis.call('HGET', k, 'id') ~= ARGV[4] then return {'withdrawn', '0'} end
if redis.call('HGET', k, 'to_owner') ~= ARGV[1] then return {'not_yours', '0'} end
if state == 'requested' and tonumber(redis.call('HGET', k, 'expires')) < tonumber(ARGV[3]) then
  redis.call('HSET', k, 'state', 'expired')
  redis.call('HDEL', k, 'owed')
  return {'expired', '0'}
end
if state == 'accepted' or state == 'declined' then return {'already_decided', '0'} end
if state ~= 'requested' then return {state, '0'} end
if redis.call('HGET', k, 'held') == '1' then return {'awaiting_approval', '0'} end
if ARGV[2] == 'accept' then
  redis.call('HSET', k, 'state', 'accepted', 'decided', ARGV[3], 'owed', 'connect')
  return {'connected', '1'}
end
redis.call('HSET', k, 'state', 'declined', 'decided', ARGV[3], 'owed', 'decline')
return {'declined', '1'}
`)

// deliveredIntroScript clears what an introduction owes.
//
// KEYS[1] the pair's intro hash
// ARGV[1] the introduction's id, ARGV[2] what was delivered
// Returns 1 when the marker was cleared, else 0.
var deliveredIntroScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'owed') ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], 'owed')
return 1
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
	newID, err := randomToken(IntroIDBytes)
	if err != nil {
		return "", Intro{}, fmt.Errorf("request intro %s>%s: %w", from, to, err)
	}
	pair := s.k.intro(from, to)
	// What points to the record is written first: a failure between these
	// writes and the script leaves an id nobody holds, and an index entry
	// OwedIntros drops, never a record nothing points to.
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.k.introID(newID), pair, 0)
		p.SAdd(ctx, s.k.profileIntros(from), pair)
		p.SAdd(ctx, s.k.profileIntros(to), pair)
		p.ZAddNX(ctx, s.k.owedIntros(), redis.Z{Score: float64(now.UnixMilli()), Member: pair})
		return nil
	})
	if err != nil {
		return "", Intro{}, fmt.Errorf("request intro %s>%s: index: %w", from, to, err)
	}
	res, err := requestIntroScript.Run(ctx, s.rdb, []string{pair}, newID, from, to, fromOwner, toOwner,
		now.UnixMilli(), now.Add(IntroTTL).UnixMilli(), heldArg).StringSlice()
	if err != nil {
		return "", Intro{}, fmt.Errorf("request intro %s>%s: %w", from, to, err)
	}
	out, id, fresh := IntroOutcome(res[0]), res[1], res[2] == "1"
	if id != newID {
		if err := s.rdb.Del(ctx, s.k.introID(newID)).Err(); err != nil {
			return "", Intro{}, fmt.Errorf("request intro %s>%s: %w", from, to, err)
		}
	}
	return s.afterIntroScript(ctx, pair, out, fresh, now)
}

// afterIntroScript counts a change and returns the introduction as it
// stands; an introduction that owes nothing leaves the owed index.
func (s *Store) afterIntroScript(ctx context.Context, pair string, out IntroOutcome, fresh bool, now time.Time) (IntroOutcome, Intro, error) {
	if fresh {
		if err := s.countIntro(ctx, out, now); err != nil {
			return "", Intro{}, err
		}
	}
	if out == OutcomeNotYours {
		return out, Intro{}, nil // tell a stranger nothing
	}
	in, err := s.introAt(ctx, pair)
	if err != nil {
		return "", Intro{}, err
	}
	if in.Owed == "" {
		if err := s.rdb.ZRem(ctx, s.k.owedIntros(), pair).Err(); err != nil {
			return "", Intro{}, fmt.Errorf("intro %s: %w", in.ID, err)
		}
	}
	return out, in, nil
}

// AnswerIntro accepts or declines the introduction with the given id on
// behalf of user. Only the requested profile's owner can answer, and not
// while an organizer has not approved the request (OutcomeAwaitingApproval).
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
	if err := s.rdb.ZAddNX(ctx, s.k.owedIntros(), redis.Z{Score: float64(now.UnixMilli()), Member: pair}).Err(); err != nil {
		return "", Intro{}, fmt.Errorf("answer intro %s: %w", id, err)
	}
	res, err := answerIntroScript.Run(ctx, s.rdb, []string{pair}, user, verb, now.UnixMilli(), id).StringSlice()
	if err != nil {
		return "", Intro{}, fmt.Errorf("answer intro %s: %w", id, err)
	}
	out, fresh := IntroOutcome(res[0]), res[1] == "1"
	if out == OutcomeWithdrawn {
		return out, Intro{}, nil
	}
	return s.afterIntroScript(ctx, pair, out, fresh, now)
}

// IntroDelivered records that the messages in.Owed names were delivered
// (or handed to the notification outbox): retries and OwedIntros no
// longer return them. A marker set by a later change stays.
func (s *Store) IntroDelivered(ctx context.Context, in Intro) error {
	if in.Owed == "" {
		return nil
	}
	pair := s.k.intro(in.From, in.To)
	if err := deliveredIntroScript.Run(ctx, s.rdb, []string{pair}, in.ID, string(in.Owed)).Err(); err != nil {
		return fmt.Errorf("intro %s delivered: %w", in.ID, err)
	}
	if err := s.rdb.ZRem(ctx, s.k.owedIntros(), pair).Err(); err != nil {
		return fmt.Errorf("intro %s delivered: %w", in.ID, err)
	}
	return nil
}

// OwedIntros returns the introductions whose messages are still owed by
// a change made before the given time, oldest first, for a sweep that
// finishes them. Index entries of introductions that owe nothing are
// dropped on the way.
func (s *Store) OwedIntros(ctx context.Context, before time.Time) ([]Intro, error) {
	pairs, err := s.rdb.ZRangeByScore(ctx, s.k.owedIntros(), &redis.ZRangeBy{
		Min: "-inf", Max: strconv.FormatInt(before.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, fmt.Errorf("owed intros: %w", err)
	}
	var out []Intro
	for _, pair := range pairs {
		in, err := s.introAt(ctx, pair)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("owed intros: %w", err)
		}
		if in.Owed == "" {
			if err := s.rdb.ZRem(ctx, s.k.owedIntros(), pair).Err(); err != nil {
				return nil, fmt.Errorf("owed intros: %w", err)
			}
			continue
		}
		out = append(out, in)
	}
	return out, nil
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
	in, err := s.introAt(ctx, pair)
	if err == nil && in.ID != id {
		return Intro{}, ErrNotFound // the pair was asked again since: a new id
	}
	return in, err
}

// WithdrawIntros closes every open or decided introduction of a profile
// that is being deleted: a later press reveals nothing.
func (s *Store) WithdrawIntros(ctx context.Context, profileID string) error {
	pairs, err := s.rdb.SMembers(ctx, s.k.profileIntros(profileID)).Result()
	if err != nil {
		return fmt.Errorf("withdraw intros of %s: %w", profileID, err)
	}
	for _, pair := range pairs {
		// Nothing is owed any more: a sweep must not reveal a withdrawn pair.
		_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, pair, "state", string(IntroWithdrawn))
			p.HDel(ctx, pair, "owed")
			return nil
		})
		if err != nil {
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
		Created: ms("created"), Expires: ms("expires"), Decided: ms("decided"), Owed: IntroOwed(m["owed"])}, nil
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
