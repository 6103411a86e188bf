package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/matcher"
)

// MatchTokenTTL is how long a shown match's buttons keep working.
const MatchTokenTTL = 90 * 24 * time.Hour

// MatchTokens returns one short token per pair (mine, theirs[i]) for the
// buttons of shown matches, in one round trip.
func (s *Store) MatchTokens(ctx context.Context, mine string, theirs []string) ([]string, error) {
	if len(theirs) == 0 {
		return nil, nil
	}
	last, err := s.rdb.IncrBy(ctx, s.k.matchTokenSeq(), int64(len(theirs))).Result()
	if err != nil {
		return nil, fmt.Errorf("match tokens: %w", err)
	}
	toks := make([]string, len(theirs))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, t := range theirs {
			toks[i] = strconv.FormatInt(last-int64(len(theirs))+int64(i)+1, 36)
			p.Set(ctx, s.k.matchToken(toks[i]), mine+"|"+t, MatchTokenTTL)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("match tokens: %w", err)
	}
	return toks, nil
}

// MatchToken returns the pair a token stands for, or ErrNotFound.
func (s *Store) MatchToken(ctx context.Context, tok string) (mine, theirs string, err error) {
	v, err := s.rdb.Get(ctx, s.k.matchToken(tok)).Result()
	if errors.Is(err, redis.Nil) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("match token %s: %w", tok, err)
	}
	mine, theirs, _ = strings.Cut(v, "|")
	return mine, theirs, nil
}

// Feedback reasons a user gives for "not relevant".
var FeedbackReasons = []string{"early", "costly", "field", "competitor", "other"}

// Counter names of "not relevant" feedback: CountNotRelevant counts the
// pairs declined with 👎, FeedbackCounter(reason) the first reason given
// for a pair.
const CountNotRelevant = "not_relevant"

// FeedbackCounter names the counter of one of FeedbackReasons.
func FeedbackCounter(reason string) string { return "feedback_" + reason }

// DeclineMatch records that the owner of mine finds theirs not relevant,
// and why: the pair never comes back to mine, and a reason is counted.
// An empty reason declines without one (the 👎 press itself); a reason
// given afterwards replaces it. Each pair is counted once, and so is its
// first reason.
func (s *Store) DeclineMatch(ctx context.Context, mine, theirs, reason string, now time.Time) error {
	var pair, first *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		pair = p.SAdd(ctx, s.k.declined(mine), theirs)
		if reason != "" {
			first = p.HSet(ctx, s.k.feedback(), mine+"|"+theirs, reason)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("decline %s for %s: %w", theirs, mine, err)
	}
	if pair.Val() > 0 {
		if err := s.Count(ctx, CountNotRelevant, now); err != nil {
			return err
		}
	}
	if first != nil && first.Val() > 0 {
		return s.Count(ctx, FeedbackCounter(reason), now)
	}
	return nil
}

// Declined returns the counterparts the owner of a profile declined.
func (s *Store) Declined(ctx context.Context, profileID string) (map[string]bool, error) {
	ids, err := s.rdb.SMembers(ctx, s.k.declined(profileID)).Result()
	if err != nil {
		return nil, fmt.Errorf("declined of %s: %w", profileID, err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// Notification modes a user can choose in /settings.
const (
	NotifyInstant = "instant"
	NotifyDigest  = "digest"
	NotifyOff     = "off"
)

// Settings are a user's choices.
type Settings struct {
	Lang   matcher.Lang `json:"lang,omitempty"`
	Notify string       `json:"notify"` // NotifyInstant (default), NotifyDigest or NotifyOff
}

// Settings returns a user's settings, with defaults for what is unset.
func (s *Store) Settings(ctx context.Context, user int64) (Settings, error) {
	vals, err := s.rdb.HMGet(ctx, s.k.user(user), "lang", "notify").Result()
	if err != nil {
		return Settings{}, fmt.Errorf("settings of %d: %w", user, err)
	}
	st := Settings{Notify: NotifyInstant}
	if v, ok := vals[0].(string); ok {
		st.Lang = matcher.Lang(v)
	}
	if v, ok := vals[1].(string); ok && v != "" {
		st.Notify = v
	}
	return st, nil
}

// SetNotify stores a user's notification mode.
func (s *Store) SetNotify(ctx context.Context, user int64, mode string) error {
	if mode != NotifyInstant && mode != NotifyDigest && mode != NotifyOff {
		return fmt.Errorf("notification mode %q: %w", mode, matcher.ErrInvalid)
	}
	if err := s.rdb.HSet(ctx, s.k.user(user), "notify", mode).Err(); err != nil {
		return fmt.Errorf("set notify of %d: %w", user, err)
	}
	return nil
}

// UserData is everything Duijie keeps about one user, for /export.
type UserData struct {
	User     User                `json:"user"`
	Settings Settings            `json:"settings"`
	Session  json.RawMessage     `json:"session,omitempty"`
	Profiles []matcher.Profile   `json:"profiles"`
	Intros   []Intro             `json:"introductions"`
	Declined map[string][]string `json:"declined,omitempty"` // profile id → counterparts marked not relevant
	// ContactCard is the contact the user shares when connected.
	ContactCard string `json:"contact_card,omitempty"`
}

// ExportUser gathers everything stored about a user (and their private
// chat's session).
func (s *Store) ExportUser(ctx context.Context, user int64) (UserData, error) {
	var d UserData
	u, err := s.GetUser(ctx, user)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return d, err
	}
	d.User = u
	if d.Settings, err = s.Settings(ctx, user); err != nil {
		return d, err
	}
	if d.Session, err = s.Session(ctx, user); err != nil {
		return d, err
	}
	if d.Profiles, err = s.ProfilesOf(ctx, user); err != nil {
		return d, err
	}
	if d.ContactCard, err = s.ContactCard(ctx, user); err != nil {
		return d, err
	}
	d.Declined = map[string][]string{}
	for _, p := range d.Profiles {
		ins, err := s.IntrosOf(ctx, p.ID)
		if err != nil {
			return d, err
		}
		d.Intros = append(d.Intros, ins...)
		dec, err := s.rdb.SMembers(ctx, s.k.declined(p.ID)).Result()
		if err != nil {
			return d, fmt.Errorf("export declined of %s: %w", p.ID, err)
		}
		if len(dec) > 0 {
			d.Declined[p.ID] = dec
		}
	}
	return d, nil
}

// DeleteUser removes everything about a user: profiles, the
// introductions they took part in (which remain only as anonymous
// counts; a later press on one finds nothing), feedback, the private
// chat's session, settings and identity, and model call counters.
func (s *Store) DeleteUser(ctx context.Context, user int64) error {
	ps, err := s.ProfilesOf(ctx, user)
	if err != nil {
		return err
	}
	uid := strconv.FormatInt(user, 10)
	for _, p := range ps {
		pairs, err := s.rdb.SMembers(ctx, s.k.profileIntros(p.ID)).Result()
		if err != nil {
			return fmt.Errorf("delete user %d: %w", user, err)
		}
		for _, pair := range pairs {
			if err := s.forgetIntro(ctx, pair); err != nil {
				return err
			}
		}
		fields, err := s.rdb.HKeys(ctx, s.k.feedback()).Result()
		if err != nil {
			return fmt.Errorf("delete user %d: %w", user, err)
		}
		for _, f := range fields {
			if a, b, _ := strings.Cut(f, "|"); a == p.ID || b == p.ID {
				s.rdb.HDel(ctx, s.k.feedback(), f)
			}
		}
		if err := s.rdb.Del(ctx, s.k.declined(p.ID)).Err(); err != nil {
			return fmt.Errorf("delete user %d: %w", user, err)
		}
		if err := s.DeleteProfile(ctx, p); err != nil {
			return err
		}
	}
	_, err = s.rdb.Pipelined(ctx, func(pp redis.Pipeliner) error {
		pp.Del(ctx, s.k.user(user)) // one key per DEL: they live on different Cluster slots
		pp.Del(ctx, s.k.userProfiles(user))
		pp.Del(ctx, s.k.session(user))
		pp.SRem(ctx, s.k.users(), user)
		pp.Del(ctx, s.k.unreachable(user))
		pp.Del(ctx, s.k.digest(user))
		pp.SRem(ctx, s.k.digests(), user)
		pp.Del(ctx, s.k.contactCard(user))
		pp.Del(ctx, s.k.contactAsk(user))
		pp.Del(ctx, s.k.wechatChoices(user))
		pp.Del(ctx, s.k.wechatMenu(user))
		pp.Del(ctx, s.k.wechatWaiting(user))
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete user %d: %w", user, err)
	}
	if err := s.ForgetRecipient(ctx, user); err != nil {
		return err
	}
	if err := s.forgetWeChat(ctx, user); err != nil {
		return err
	}
	return s.deleteMatching(ctx, []string{
		s.k.prefix + ":llm:calls:{*}:user:" + uid,
		s.k.prefix + ":notices:" + uid + ":*",
	})
}

// forgetIntro deletes an introduction record and what points to it.
func (s *Store) forgetIntro(ctx context.Context, pair string) error {
	m, err := s.rdb.HGetAll(ctx, pair).Result()
	if err != nil {
		return fmt.Errorf("forget intro %s: %w", pair, err)
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, pair)
		if m["id"] != "" {
			p.Del(ctx, s.k.introID(m["id"]))
		}
		for _, side := range []string{m["from"], m["to"]} {
			if side != "" {
				p.SRem(ctx, s.k.profileIntros(side), pair)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("forget intro %s: %w", pair, err)
	}
	return nil
}

// deleteMatching deletes the keys matching each pattern, on every master.
func (s *Store) deleteMatching(ctx context.Context, patterns []string) error {
	err := s.eachNode(ctx, func(ctx context.Context, node *redis.Client) error {
		for _, pat := range patterns {
			iter := node.Scan(ctx, 0, pat, 1000).Iterator()
			for iter.Next(ctx) {
				if err := node.Del(ctx, iter.Val()).Err(); err != nil {
					return err
				}
			}
			if err := iter.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete keys: %w", err)
	}
	return nil
}

// eachNode runs fn on the server, or on every master of a Cluster (at
// once: fn must be safe for concurrent use).
func (s *Store) eachNode(ctx context.Context, fn func(ctx context.Context, node *redis.Client) error) error {
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		return c.ForEachMaster(ctx, fn)
	case *redis.Client:
		return fn(ctx, c)
	}
	return fmt.Errorf("unsupported client %T", s.rdb)
}

// Dump returns every key of the store with its value rendered as text:
// for checking what is kept (a privacy audit, a test).
func (s *Store) Dump(ctx context.Context) (map[string]string, error) {
	var mu sync.Mutex // a Cluster's masters are scanned at once
	var keys []string
	err := s.eachNode(ctx, func(ctx context.Context, node *redis.Client) error {
		iter := node.Scan(ctx, 0, s.k.prefix+":*", 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("dump: %w", err)
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		var v any
		switch s.rdb.Type(ctx, k).Val() {
		case "string":
			v = s.rdb.Get(ctx, k).Val()
		case "hash":
			v = s.rdb.HGetAll(ctx, k).Val()
		case "set":
			v = s.rdb.SMembers(ctx, k).Val()
		case "zset":
			v = s.rdb.ZRange(ctx, k, 0, -1).Val()
		case "list":
			v = s.rdb.LRange(ctx, k, 0, -1).Val()
		case "stream":
			v = s.rdb.XRange(ctx, k, "-", "+").Val()
		}
		out[k] = fmt.Sprint(v)
	}
	return out, nil
}
