package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/matcher"
)

// Claimable profiles: an imported profile (a university's released
// achievement, a park's list of demands) has no owner in Telegram. Each
// gets a claim code the organizer hands to its owner, who claims the
// profile with it once; from then on the profile is theirs. The codes of
// a deployment live in three hashes under one hash tag, so a claim is one
// Lua script: code → profile id while open, profile id → open code, and
// code → profile id once used.

// ClaimCodeLen is the length of a claim code: 16 random bytes in
// unpadded base64url, which fits "claim_<code>" in Telegram's 64-character
// deep-link payload with room to spare.
const ClaimCodeLen = 22

// ClaimState says where a claim code stands.
type ClaimState string

const (
	ClaimOpen    ClaimState = "open"    // valid and not used yet (UseClaim, ClaimProfile: used by this call)
	ClaimUsed    ClaimState = "used"    // used before (ClaimProfile: by someone else)
	ClaimYours   ClaimState = "yours"   // ClaimProfile: used before by the same user
	ClaimUnknown ClaimState = "unknown" // never issued, or mistyped
)

// randomToken returns n random bytes in unpadded base64url: characters
// of A-Z a-z 0-9 _ -, safe in URLs and in callback data.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// newClaimCode returns a fresh unguessable code of ClaimCodeLen
// characters of A-Z a-z 0-9 _ -, beginning and ending with a letter or
// digit: a code printed on paper or pasted after /claim must not start
// like an option or lose an edge character to a link detector. Redrawing
// keeps the code uniform over those codes (about 94 bits).
func newClaimCode() (string, error) {
	for {
		code, err := randomToken(16)
		if err != nil || alnum(code[0]) && alnum(code[len(code)-1]) {
			return code, err
		}
	}
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// validClaimCode checks the shape of a code before Redis is asked.
func validClaimCode(code string) bool { return len(code) == ClaimCodeLen && urlSafe(code) }

// urlSafe reports whether s has only characters of randomToken.
func urlSafe(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// ensureClaimsScript gives profiles claim codes.
//
// KEYS[1] open codes (code → profile id), KEYS[2] profile id → open code
// ARGV pairs of a profile id and a fresh code
// Returns the open code of each profile, in order: the one it had, else
// the fresh one, which is stored.
var ensureClaimsScript = redis.NewScript(`
local out = {}
for i = 1, #ARGV, 2 do
  local id, fresh = ARGV[i], ARGV[i + 1]
  local code = redis.call('HGET', KEYS[2], id)
  if not code then
    redis.call('HSET', KEYS[2], id, fresh)
    redis.call('HSET', KEYS[1], fresh, id)
    code = fresh
  end
  out[#out + 1] = code
end
return out
`)

// useClaimScript uses a claim code.
//
// KEYS[1] open codes, KEYS[2] profile id → open code, KEYS[3] used codes (code → profile id)
// ARGV[1] the code
// Returns {state, profile id}: "open" when this call used the code,
// "used" when it was used before, "unknown" (with "") otherwise.
var useClaimScript = redis.NewScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], id)
  redis.call('HSET', KEYS[3], ARGV[1], id)
  return {'open', id}
end
id = redis.call('HGET', KEYS[3], ARGV[1])
if id then return {'used', id} end
return {'unknown', ''}
`)

// claimProfileScript uses a claim code for a user.
//
// KEYS[1] open codes, KEYS[2] profile id → open code, KEYS[3] used codes
// (code → profile id), KEYS[4] claimants (code → user id)
// ARGV[1] the code, ARGV[2] the user
// Returns {state, profile id}: "open" when this call used the code for
// the user, "yours" when the same user used it before, "used" when
// someone else did (or a claim before claimants were recorded),
// "unknown" (with "") otherwise.
var claimProfileScript = redis.NewScript(`
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], id)
  redis.call('HSET', KEYS[3], ARGV[1], id)
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[2])
  return {'open', id}
end
id = redis.call('HGET', KEYS[3], ARGV[1])
if not id then return {'unknown', ''} end
if redis.call('HGET', KEYS[4], ARGV[1]) == ARGV[2] then return {'yours', id} end
return {'used', id}
`)

// ClaimProfile gives the profile a claim code is for to user, once: the
// code's use and its claimant are one script, so of users claiming at
// once exactly one gets ClaimOpen, and the others ClaimUsed. The profile
// is then saved with its owner; a call that fails in between is finished
// by the same user's retry (ClaimYours). It returns the profile as saved
// (for ClaimOpen and ClaimYours), or only its id (ClaimUsed), or
// ErrNotFound when the profile is gone.
func (s *Store) ClaimProfile(ctx context.Context, code string, user int64, now time.Time) (matcher.Profile, ClaimState, error) {
	if !validClaimCode(code) {
		return matcher.Profile{}, ClaimUnknown, nil
	}
	res, err := claimProfileScript.Run(ctx, s.rdb,
		[]string{s.k.claimCodes(), s.k.claimOf(), s.k.claimUsed(), s.k.claimBy()}, code, user).StringSlice()
	if err != nil {
		return matcher.Profile{}, "", fmt.Errorf("claim profile: %w", err)
	}
	id, st := res[1], ClaimState(res[0])
	if st != ClaimOpen && st != ClaimYours {
		return matcher.Profile{ID: id}, st, nil
	}
	p, err := s.Profile(ctx, id)
	if err != nil {
		return matcher.Profile{ID: id}, st, err
	}
	switch p.OwnerID {
	case user:
		return p, st, nil
	case 0:
	default:
		return matcher.Profile{ID: id}, ClaimUsed, nil // given an owner some other way
	}
	p.OwnerID, p.UpdatedAt = user, now.UTC()
	if _, err := s.SaveProfile(ctx, p); err != nil {
		return matcher.Profile{ID: id}, st, fmt.Errorf("claim profile: %w", err)
	}
	return p, st, nil
}

// ClaimCodes returns the open claim code of each of the given profiles,
// making one for those without. Callers pass profiles without an owner.
func (s *Store) ClaimCodes(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	for start := 0; start < len(ids); start += listBatch {
		batch := ids[start:min(start+listBatch, len(ids))]
		args := make([]any, 0, 2*len(batch))
		for _, id := range batch {
			code, err := newClaimCode()
			if err != nil {
				return nil, err
			}
			args = append(args, id, code)
		}
		codes, err := ensureClaimsScript.Run(ctx, s.rdb, []string{s.k.claimCodes(), s.k.claimOf()}, args...).StringSlice()
		if err != nil {
			return nil, fmt.Errorf("claim codes: %w", err)
		}
		for i, id := range batch {
			out[id] = codes[i]
		}
	}
	return out, nil
}

// LookupClaim returns the profile a claim code is for and where the code
// stands, without using it. An unknown code has no profile id.
func (s *Store) LookupClaim(ctx context.Context, code string) (string, ClaimState, error) {
	if !validClaimCode(code) {
		return "", ClaimUnknown, nil
	}
	for _, c := range []struct {
		key   string
		state ClaimState
	}{{s.k.claimCodes(), ClaimOpen}, {s.k.claimUsed(), ClaimUsed}} {
		id, err := s.rdb.HGet(ctx, c.key, code).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return "", "", fmt.Errorf("look up claim: %w", err)
		}
		return id, c.state, nil
	}
	return "", ClaimUnknown, nil
}

// UseClaim uses a claim code once: ClaimOpen means this call used it,
// ClaimUsed that it was used before (the profile id is returned in both
// cases), ClaimUnknown that there is no such code. Giving the profile
// its owner is the caller's next step; a caller that fails in between
// finds the code ClaimUsed with the profile still without owner, and two
// callers cannot tell who used it: ClaimProfile does both in one step.
func (s *Store) UseClaim(ctx context.Context, code string) (string, ClaimState, error) {
	if !validClaimCode(code) {
		return "", ClaimUnknown, nil
	}
	res, err := useClaimScript.Run(ctx, s.rdb, []string{s.k.claimCodes(), s.k.claimOf(), s.k.claimUsed()}, code).StringSlice()
	if err != nil {
		return "", "", fmt.Errorf("use claim: %w", err)
	}
	return res[1], ClaimState(res[0]), nil
}

// addressIntroScript gives an introduction asked of a profile without an
// owner to the owner who claimed it.
//
// KEYS[1] the pair's intro hash
// ARGV[1] the claimed profile, ARGV[2] its owner, ARGV[3] now (unix ms)
// Returns 1 when the introduction is now addressed to the owner and waits
// for their answer, else 0.
var addressIntroScript = redis.NewScript(`
local k = KEYS[1]
if redis.call('HGET', k, 'to') ~= ARGV[1] or redis.call('HGET', k, 'to_owner') ~= '0' then return 0 end
redis.call('HSET', k, 'to_owner', ARGV[2])
if redis.call('HGET', k, 'state') == 'requested' and tonumber(redis.call('HGET', k, 'expires')) >= tonumber(ARGV[3]) then
  return 1
end
return 0
`)

// AddressIntros gives the introductions asked of a profile while it had
// no owner to owner, who can answer them from now on, and returns those
// still waiting for an answer, oldest first. Introductions that already
// have an owner are left alone, so a second call returns none.
func (s *Store) AddressIntros(ctx context.Context, profileID string, owner int64, now time.Time) ([]Intro, error) {
	ins, err := s.IntrosOf(ctx, profileID)
	if err != nil {
		return nil, err
	}
	var out []Intro
	for _, in := range ins {
		if in.To != profileID || in.ToOwner != 0 {
			continue
		}
		n, err := addressIntroScript.Run(ctx, s.rdb, []string{s.k.intro(in.From, in.To)}, profileID, owner, now.UnixMilli()).Int()
		if err != nil {
			return nil, fmt.Errorf("address intro %s: %w", in.ID, err)
		}
		if n == 1 {
			in.ToOwner = owner
			out = append(out, in)
		}
	}
	return out, nil
}

// Stamp is what an import keeps of a stored profile: who owns it, its
// status and when it was created.
type Stamp struct {
	OwnerID   int64          `json:"owner_id"`
	Status    matcher.Status `json:"status"`
	CreatedAt time.Time      `json:"created_at"`
}

// Stamps returns the stamps of the stored profiles among ids, by id; ids
// without a profile are left out. It reads the same keys as
// Profiles but decodes three fields, so a large import stays fast.
func (s *Store) Stamps(ctx context.Context, ids []string) (map[string]Stamp, error) {
	out := make(map[string]Stamp, len(ids))
	for start := 0; start < len(ids); start += listBatch {
		batch := ids[start:min(start+listBatch, len(ids))]
		cmds := make([]*redis.StringCmd, len(batch))
		_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			for i, id := range batch {
				cmds[i] = pipe.Get(ctx, s.k.profile(id))
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("stamps: %w", err)
		}
		for i, c := range cmds {
			b, err := c.Bytes()
			if errors.Is(err, redis.Nil) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("stamp of %s: %w", batch[i], err)
			}
			var st Stamp
			if err := json.Unmarshal(b, &st); err != nil {
				return nil, fmt.Errorf("decode stamp of %s: %w", batch[i], err)
			}
			out[batch[i]] = st
		}
	}
	return out, nil
}
