// Package store keeps Duijie's state in Redis: users, dialog sessions,
// profiles, the change stream and update de-duplication. It accepts any
// redis.UniversalClient (one node, Sentinel or Cluster) and can start an
// embedded server for zero-setup runs.
//
// Redis types and errors stay inside this package; callers see ErrNotFound.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/matcher"
)

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// Lifetimes of the records that expire on their own.
const (
	SessionTTL = 7 * 24 * time.Hour // an unfinished interview is forgotten after a week of silence
	UpdateTTL  = 48 * time.Hour     // Telegram keeps undelivered updates for 24 h
	// changesMaxLen bounds the change stream; readers that fall further
	// behind rebuild their index from the profiles.
	changesMaxLen = 100_000
	// listBatch is the number of profiles fetched per MGET when listing.
	listBatch = 500
)

// Store is Duijie's Redis-backed state.
type Store struct {
	rdb redis.UniversalClient
	k   keys
	// tax, when set, reads every profile written into the digest stored
	// with it (AnalyseWith).
	tax *matcher.Taxonomy
}

// AnalyseWith makes every profile written from now on carry its digest
// read with t and the fields an index keeps, so that LoadProfiles hands
// an index what it needs without reading the text or the JSON again.
func (s *Store) AnalyseWith(t *matcher.Taxonomy) { s.tax = t }

// New returns a Store on rdb whose keys start with prefix (DefaultPrefix when empty).
func New(rdb redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{rdb: rdb, k: keys{prefix: prefix}}
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.rdb.Ping(ctx).Err()
}

// User is what Duijie keeps about a Telegram user.
type User struct {
	ID        int64        `json:"id"`
	Username  string       `json:"username,omitempty"`
	Name      string       `json:"name,omitempty"`
	Lang      matcher.Lang `json:"lang,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	SeenAt    time.Time    `json:"seen_at"`
}

// GetUser returns a user, or ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id int64) (User, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.user(id)).Result()
	if err != nil {
		return User{}, fmt.Errorf("get user %d: %w", id, err)
	}
	if len(m) == 0 {
		return User{}, ErrNotFound
	}
	u := User{ID: id, Username: m["username"], Name: m["name"], Lang: matcher.Lang(m["lang"])}
	u.CreatedAt, _ = time.Parse(time.RFC3339Nano, m["created_at"])
	u.SeenAt, _ = time.Parse(time.RFC3339Nano, m["seen_at"])
	return u, nil
}

// Session returns a chat's saved dialog state, or nil when it has none.
func (s *Store) Session(ctx context.Context, chatID int64) ([]byte, error) {
	b, err := s.rdb.Get(ctx, s.k.session(chatID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load session %d: %w", chatID, err)
	}
	return b, nil
}

// SaveSession stores a chat's dialog state for SessionTTL.
func (s *Store) SaveSession(ctx context.Context, chatID int64, state []byte) error {
	if err := s.rdb.Set(ctx, s.k.session(chatID), state, SessionTTL).Err(); err != nil {
		return fmt.Errorf("save session %d: %w", chatID, err)
	}
	return nil
}

// DeleteSession forgets a chat's dialog state.
func (s *Store) DeleteSession(ctx context.Context, chatID int64) error {
	if err := s.rdb.Del(ctx, s.k.session(chatID)).Err(); err != nil {
		return fmt.Errorf("delete session %d: %w", chatID, err)
	}
	return nil
}

// FirstDelivery records a Telegram update id and reports whether this is
// the first time it is seen. A redelivered update returns false.
func (s *Store) FirstDelivery(ctx context.Context, updateID int64) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, s.k.update(updateID), 1, UpdateTTL).Result()
	if err != nil {
		return false, fmt.Errorf("dedupe update %d: %w", updateID, err)
	}
	return ok, nil
}

// NewProfileID returns a fresh id for a profile created in chat.
func (s *Store) NewProfileID(ctx context.Context) (string, error) {
	n, err := s.rdb.Incr(ctx, s.k.profileSeq()).Result()
	if err != nil {
		return "", fmt.Errorf("new profile id: %w", err)
	}
	return "p" + strconv.FormatInt(n, 36), nil
}

// Change operations on the change stream.
const (
	OpUpsert = "upsert"
	OpDelete = "delete"
)

// SaveProfile validates and stores p, records its owner and announces
// the change on the change stream. It reports whether p was new.
func (s *Store) SaveProfile(ctx context.Context, p matcher.Profile) (created bool, err error) {
	if err := p.Validate(); err != nil {
		return false, fmt.Errorf("save profile %s: %w", p.ID, err)
	}
	var d matcher.Digest
	if s.tax != nil {
		d = s.tax.Digest(&p)
	}
	b, err := s.encodeProfile(&p, d)
	if err != nil {
		return false, fmt.Errorf("save profile %s: %w", p.ID, err)
	}
	// One pipeline, not a transaction: the keys live on different Cluster
	// slots. Readers tolerate the moment between the writes (a listed id
	// whose profile is not there yet is skipped).
	var added *redis.IntCmd
	_, err = s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Set(ctx, s.k.profile(p.ID), b, 0)
		added = pipe.SAdd(ctx, s.k.profiles(), p.ID)
		if p.OwnerID != 0 {
			pipe.SAdd(ctx, s.k.userProfiles(p.OwnerID), p.ID)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("save profile %s: %w", p.ID, err)
	}
	if err := s.announce(ctx, p.ID, OpUpsert); err != nil {
		return false, err
	}
	return added.Val() == 1, nil
}

// SaveProfiles stores many validated profiles in pipelined batches and
// announces each on the change stream. It returns how many were new.
// With AnalyseWith, the digests are read on every core.
func (s *Store) SaveProfiles(ctx context.Context, ps []matcher.Profile) (created int, err error) {
	var ds []matcher.Digest
	if s.tax != nil {
		ds = make([]matcher.Digest, len(ps))
		parallel(len(ps), func(i int) { ds[i] = s.tax.Digest(&ps[i]) })
	}
	return s.SaveDigested(ctx, ps, ds)
}

// SaveDigested is SaveProfiles for profiles already read: ds[i] is the
// digest of ps[i] (ds may be nil, or hold invalid digests, for none).
func (s *Store) SaveDigested(ctx context.Context, ps []matcher.Profile, ds []matcher.Digest) (created int, err error) {
	for start := 0; start < len(ps); start += listBatch {
		batch := ps[start:min(start+listBatch, len(ps))]
		adds := make([]*redis.IntCmd, len(batch))
		_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			for i, p := range batch {
				if err := p.Validate(); err != nil {
					return fmt.Errorf("profile %s: %w", p.ID, err)
				}
				var d matcher.Digest
				if ds != nil {
					d = ds[start+i]
				}
				b, err := s.encodeProfile(&p, d)
				if err != nil {
					return fmt.Errorf("profile %s: %w", p.ID, err)
				}
				pipe.Set(ctx, s.k.profile(p.ID), b, 0)
				adds[i] = pipe.SAdd(ctx, s.k.profiles(), p.ID)
				if p.OwnerID != 0 {
					pipe.SAdd(ctx, s.k.userProfiles(p.OwnerID), p.ID)
				}
				pipe.XAdd(ctx, s.changeArgs(p.ID, OpUpsert))
			}
			return nil
		})
		if err != nil {
			return created, fmt.Errorf("save profiles: %w", err)
		}
		for _, a := range adds {
			if a.Val() == 1 {
				created++
			}
		}
	}
	return created, nil
}

func (s *Store) changeArgs(id, op string) *redis.XAddArgs {
	return &redis.XAddArgs{Stream: s.k.changes(), MaxLen: changesMaxLen, Approx: true, Values: []any{"id", id, "op", op}}
}

func (s *Store) announce(ctx context.Context, id, op string) error {
	if err := s.rdb.XAdd(ctx, s.changeArgs(id, op)).Err(); err != nil {
		return fmt.Errorf("announce %s %s: %w", op, id, err)
	}
	return nil
}

// Profile returns one profile, or ErrNotFound.
func (s *Store) Profile(ctx context.Context, id string) (matcher.Profile, error) {
	b, err := s.rdb.Get(ctx, s.k.profile(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return matcher.Profile{}, ErrNotFound
	}
	if err != nil {
		return matcher.Profile{}, fmt.Errorf("get profile %s: %w", id, err)
	}
	var p matcher.Profile
	if err := json.Unmarshal(b, &p); err != nil {
		return matcher.Profile{}, fmt.Errorf("decode profile %s: %w", id, err)
	}
	return p, nil
}

// DeleteProfile removes a profile, with the contact a list gave it, and
// announces the removal.
func (s *Store) DeleteProfile(ctx context.Context, p matcher.Profile) error {
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Del(ctx, s.k.profile(p.ID))
		pipe.Del(ctx, s.k.contact(p.ID)) // an imported list's contact goes with its profile
		pipe.SRem(ctx, s.k.profiles(), p.ID)
		if p.OwnerID != 0 {
			pipe.SRem(ctx, s.k.userProfiles(p.OwnerID), p.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete profile %s: %w", p.ID, err)
	}
	return s.announce(ctx, p.ID, OpDelete)
}

// Profiles calls fn for every stored profile, in batches, in no particular order.
func (s *Store) Profiles(ctx context.Context, fn func(matcher.Profile) error) error {
	ids, err := s.rdb.SMembers(ctx, s.k.profiles()).Result()
	if err != nil {
		return fmt.Errorf("list profiles: %w", err)
	}
	return s.eachProfile(ctx, ids, fn)
}

// ProfilesByID calls fn for the stored profiles of ids, in order, read
// in pipelined batches; an id no longer stored is left out.
func (s *Store) ProfilesByID(ctx context.Context, ids []string, fn func(matcher.Profile) error) error {
	return s.eachProfile(ctx, ids, fn)
}

// ProfilesOf returns the profiles a user owns: those of the user's set
// whose owner is the user now (a profile given to someone else stays in
// the set of its former owner, who neither reads nor deletes it).
func (s *Store) ProfilesOf(ctx context.Context, ownerID int64) ([]matcher.Profile, error) {
	ids, err := s.rdb.SMembers(ctx, s.k.userProfiles(ownerID)).Result()
	if err != nil {
		return nil, fmt.Errorf("list profiles of %d: %w", ownerID, err)
	}
	var out []matcher.Profile
	err = s.eachProfile(ctx, ids, func(p matcher.Profile) error {
		if p.OwnerID == ownerID {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// getProfiles reads the stored profiles of ids in one pipeline: one GET
// per key rather than MGET, as the keys may live on different Cluster
// slots. A missing key's command fails with redis.Nil.
func (s *Store) getProfiles(ctx context.Context, ids []string) ([]*redis.StringCmd, error) {
	cmds := make([]*redis.StringCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = pipe.Get(ctx, s.k.profile(id))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	return cmds, nil
}

func (s *Store) eachProfile(ctx context.Context, ids []string, fn func(matcher.Profile) error) error {
	for start := 0; start < len(ids); start += listBatch {
		batch := ids[start:min(start+listBatch, len(ids))]
		cmds, err := s.getProfiles(ctx, batch)
		if err != nil {
			return err
		}
		for i, c := range cmds {
			b, err := c.Bytes()
			if errors.Is(err, redis.Nil) {
				continue // deleted since the listing
			}
			if err != nil {
				return fmt.Errorf("get profile %s: %w", batch[i], err)
			}
			var p matcher.Profile
			if err := json.Unmarshal(b, &p); err != nil {
				return fmt.Errorf("decode profile %s: %w", batch[i], err)
			}
			if err := fn(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// Change is one entry of the change stream.
type Change struct {
	Seq string // stream entry id; pass it back to read what follows
	ID  string // profile id
	Op  string // OpUpsert or OpDelete
}

// LastChange returns the id of the newest change-stream entry, or "0-0".
func (s *Store) LastChange(ctx context.Context) (string, error) {
	xs, err := s.rdb.XRevRangeN(ctx, s.k.changes(), "+", "-", 1).Result()
	if err != nil {
		return "", fmt.Errorf("last change: %w", err)
	}
	if len(xs) == 0 {
		return "0-0", nil
	}
	return xs[0].ID, nil
}

// Cursor returns the change-stream position the reader name saved, or
// "" when it saved none.
func (s *Store) Cursor(ctx context.Context, name string) (string, error) {
	seq, err := s.rdb.Get(ctx, s.k.cursor(name)).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read cursor %s: %w", name, err)
	}
	return seq, nil
}

// SaveCursor records that the reader name has handled the change stream
// up to seq.
func (s *Store) SaveCursor(ctx context.Context, name, seq string) error {
	if err := s.rdb.Set(ctx, s.k.cursor(name), seq, 0).Err(); err != nil {
		return fmt.Errorf("save cursor %s: %w", name, err)
	}
	return nil
}

// Changes waits up to block for change-stream entries after seq and
// returns at most count of them (none when the wait ends empty).
func (s *Store) Changes(ctx context.Context, seq string, count int64, block time.Duration) ([]Change, error) {
	res, err := s.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{s.k.changes(), seq}, Count: count, Block: block}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read changes after %s: %w", seq, err)
	}
	var out []Change
	for _, st := range res {
		for _, m := range st.Messages {
			id, _ := m.Values["id"].(string)
			op, _ := m.Values["op"].(string)
			out = append(out, Change{Seq: m.ID, ID: id, Op: op})
		}
	}
	return out, nil
}

// TouchUser records that a user was seen, with their current name,
// username and language, keeping the creation time of the first visit.
// It adds the user to the set CountUsers counts and, on a first visit,
// counts a CountNewUsers event.
func (s *Store) TouchUser(ctx context.Context, u User) error {
	key := s.k.user(u.ID)
	var first *redis.BoolCmd
	// One round trip. The users set lives on another Cluster slot than the
	// user's hash: a pipeline, not a transaction.
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, key, "id", u.ID, "username", u.Username, "name", u.Name, "lang", string(u.Lang),
			"seen_at", u.SeenAt.UTC().Format(time.RFC3339Nano))
		first = pipe.HSetNX(ctx, key, "created_at", u.SeenAt.UTC().Format(time.RFC3339Nano))
		pipe.SAdd(ctx, s.k.users(), u.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("touch user %d: %w", u.ID, err)
	}
	if first.Val() {
		return s.Count(ctx, CountNewUsers, u.SeenAt)
	}
	return nil
}

// Follow applies every profile change after seq to ix until ctx ends, so
// an index in this process sees what other processes (an import, another
// replica) store. A reader that fell behind the stream's retention (seq
// was trimmed away) rebuilds ix from the stored profiles and goes on from
// there. Read errors are retried after a pause.
func (s *Store) Follow(ctx context.Context, seq string, ix interface {
	Upsert(matcher.Profile)
	Remove(id string)
	IDs() []string
}, log *slog.Logger) {
	const block, pause = 2 * time.Second, time.Second
	for ctx.Err() == nil {
		behind, err := s.Trimmed(ctx, seq)
		if err == nil && behind {
			log.Warn("store follow: fell behind the change stream; rebuilding the index", "seq", seq)
			seq, err = s.rebuild(ctx, ix)
		}
		var changes []Change
		if err == nil {
			changes, err = s.Changes(ctx, seq, 500, block)
		}
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("store follow changes failed", "err", err)
				time.Sleep(pause)
			}
			continue
		}
		for _, c := range changes {
			seq = c.Seq
			p, err := s.Profile(ctx, c.ID)
			switch {
			case errors.Is(err, ErrNotFound) || c.Op == OpDelete:
				ix.Remove(c.ID)
			case err != nil:
				log.Warn("store follow: load profile failed", "profile_id", c.ID, "err", err)
			default:
				ix.Upsert(p)
			}
		}
	}
}

// Trimmed reports whether the change stream no longer holds seq: its
// oldest entry is newer, so changes after seq may have been trimmed and a
// reader at seq may have missed them.
func (s *Store) Trimmed(ctx context.Context, seq string) (bool, error) {
	if seq == "0-0" {
		return false, nil
	}
	xs, err := s.rdb.XRangeN(ctx, s.k.changes(), "-", "+", 1).Result()
	if err != nil {
		return false, fmt.Errorf("oldest change: %w", err)
	}
	return len(xs) == 1 && streamIDLess(seq, xs[0].ID), nil
}

// rebuild makes ix hold exactly the stored profiles and returns the
// change-stream position it reflects at least.
func (s *Store) rebuild(ctx context.Context, ix interface {
	Upsert(matcher.Profile)
	Remove(id string)
	IDs() []string
}) (string, error) {
	seq, err := s.LastChange(ctx)
	if err != nil {
		return "", err
	}
	stored := map[string]bool{}
	err = s.Profiles(ctx, func(p matcher.Profile) error {
		stored[p.ID] = true
		ix.Upsert(p)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("rebuild index: %w", err)
	}
	for _, id := range ix.IDs() {
		if !stored[id] {
			ix.Remove(id)
		}
	}
	return seq, nil
}

// streamIDLess compares two stream entry ids ("ms-seq").
func streamIDLess(a, b string) bool {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	ami, _ := strconv.ParseUint(am, 10, 64)
	bmi, _ := strconv.ParseUint(bm, 10, 64)
	if ami != bmi {
		return ami < bmi
	}
	asi, _ := strconv.ParseUint(as, 10, 64)
	bsi, _ := strconv.ParseUint(bs, 10, 64)
	return asi < bsi
}
