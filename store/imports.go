package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/matcher"
)

// Imports of organizers' lists. An import writes only ids of the import
// namespace (dataset.ImportPrefix), which the ids of profiles published
// in chat never enter. Before it writes, it keeps a snapshot of every
// profile and contact it overwrites, so UndoLastImport puts them back as
// they were.

// ImportUndoTTL is how long an import can be undone.
const ImportUndoTTL = 30 * 24 * time.Hour

// ErrNotImportID is returned when an import would write a profile
// outside the import namespace.
var ErrNotImportID = errors.New("not an imported profile's id")

// ImportRecord is what an applied import did.
type ImportRecord struct {
	ID      string    `json:"id"`
	List    string    `json:"list"`
	At      time.Time `json:"at"`
	New     int       `json:"new"`
	Updated int       `json:"updated"`
}

// UndoResult is what UndoLastImport did.
type UndoResult struct {
	Import   ImportRecord
	Restored int // profiles put back as they were before the import
	Removed  int // profiles the import had created
	// Kept are profiles claimed or changed by their owner since the
	// import: they stay as their owner left them.
	Kept []string
}

// snapshot is a profile and contact as they were before an import, and
// the owner the import wrote.
type snapshot struct {
	Profile json.RawMessage `json:"p,omitempty"` // absent: there was none
	Contact json.RawMessage `json:"c,omitempty"`
	Owner   int64           `json:"w,omitempty"`
}

// ImportStored returns the profiles and contacts stored under ids, by
// id; ids without a profile are left out.
func (s *Store) ImportStored(ctx context.Context, ids []string) (map[string]dataset.Stored, error) {
	raw, err := s.rawImported(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]dataset.Stored, len(raw))
	for id, sn := range raw {
		if sn.Profile == nil {
			continue
		}
		var st dataset.Stored
		if err := json.Unmarshal(sn.Profile, &st.Profile); err != nil {
			return nil, fmt.Errorf("decode profile %s: %w", id, err)
		}
		if sn.Contact != nil {
			if err := json.Unmarshal(sn.Contact, &st.Contact); err != nil {
				return nil, fmt.Errorf("decode contact of %s: %w", id, err)
			}
		}
		out[id] = st
	}
	return out, nil
}

// rawImported reads the stored profile and contact of each id as they are.
func (s *Store) rawImported(ctx context.Context, ids []string) (map[string]snapshot, error) {
	out := make(map[string]snapshot, len(ids))
	for start := 0; start < len(ids); start += listBatch {
		batch := ids[start:min(start+listBatch, len(ids))]
		ps := make([]*redis.StringCmd, len(batch))
		cs := make([]*redis.StringCmd, len(batch))
		_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			for i, id := range batch {
				ps[i] = pipe.Get(ctx, s.k.profile(id))
				cs[i] = pipe.Get(ctx, s.k.contact(id))
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("read imported profiles: %w", err)
		}
		for i, id := range batch {
			var sn snapshot
			if b, err := ps[i].Bytes(); err == nil {
				sn.Profile = b
			}
			if b, err := cs[i].Bytes(); err == nil {
				sn.Contact = b
			}
			out[id] = sn
		}
	}
	return out, nil
}

// Contact returns the private contact a list gave a profile, or
// ErrNotFound. Callers show it only once both sides agreed to meet.
func (s *Store) Contact(ctx context.Context, profileID string) (dataset.Contact, error) {
	b, err := s.rdb.Get(ctx, s.k.contact(profileID)).Bytes()
	if errors.Is(err, redis.Nil) {
		return dataset.Contact{}, ErrNotFound
	}
	if err != nil {
		return dataset.Contact{}, fmt.Errorf("get contact of %s: %w", profileID, err)
	}
	var c dataset.Contact
	if err := json.Unmarshal(b, &c); err != nil {
		return dataset.Contact{}, fmt.Errorf("decode contact of %s: %w", profileID, err)
	}
	return c, nil
}

// ApplyImport writes a plan's rows and their contacts, after recording
// what they overwrite. A profile claimed since the plan was made keeps
// its owner and status. Every row must have an id of the import
// namespace (else ErrNotImportID, and nothing is written). A plan with
// no rows writes nothing and records no import.
func (s *Store) ApplyImport(ctx context.Context, pl dataset.Plan, now time.Time) (ImportRecord, error) {
	if len(pl.Rows) == 0 {
		return ImportRecord{List: pl.List, At: now.UTC()}, nil // nothing to write, nothing to undo
	}
	ids := make([]string, len(pl.Rows))
	for i, r := range pl.Rows {
		if !dataset.IsImportID(r.Profile.ID) {
			return ImportRecord{}, fmt.Errorf("apply import %s: %w: %q", pl.List, ErrNotImportID, r.Profile.ID)
		}
		ids[i] = r.Profile.ID
	}
	before, err := s.rawImported(ctx, ids)
	if err != nil {
		return ImportRecord{}, err
	}
	rows := make([]dataset.Row, len(pl.Rows))
	copy(rows, pl.Rows)
	rec := ImportRecord{List: pl.List, At: now.UTC()}
	undo := make(map[string]any, len(rows))
	for i := range rows {
		p := &rows[i].Profile
		sn := before[p.ID]
		if sn.Profile != nil {
			var old Stamp
			if err := json.Unmarshal(sn.Profile, &old); err != nil {
				return ImportRecord{}, fmt.Errorf("decode profile %s: %w", p.ID, err)
			}
			p.CreatedAt = old.CreatedAt
			if old.OwnerID != 0 {
				p.OwnerID, p.Status = old.OwnerID, old.Status
			}
			rec.Updated++
		} else {
			rec.New++
		}
		sn.Owner = p.OwnerID
		b, err := json.Marshal(sn)
		if err != nil {
			return ImportRecord{}, err
		}
		undo[p.ID] = b
	}
	n, err := s.rdb.Incr(ctx, s.k.importSeq()).Result()
	if err != nil {
		return ImportRecord{}, fmt.Errorf("apply import %s: %w", pl.List, err)
	}
	rec.ID = strconv.FormatInt(n, 10)
	meta, err := json.Marshal(rec)
	if err != nil {
		return ImportRecord{}, err
	}
	// The snapshot is stored before anything is overwritten, so an import
	// cut off half-way is undone like a finished one.
	_, err = s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		if len(undo) > 0 {
			pipe.HSet(ctx, s.k.importUndo(rec.ID), undo)
			pipe.Expire(ctx, s.k.importUndo(rec.ID), ImportUndoTTL)
		}
		pipe.Set(ctx, s.k.importMeta(rec.ID), meta, ImportUndoTTL)
		pipe.LPush(ctx, s.k.imports(), rec.ID)
		pipe.LTrim(ctx, s.k.imports(), 0, 99)
		return nil
	})
	if err != nil {
		return ImportRecord{}, fmt.Errorf("apply import %s: record: %w", pl.List, err)
	}
	ps := make([]matcher.Profile, len(rows))
	for i, r := range rows {
		ps[i] = r.Profile
	}
	if _, err := s.SaveProfiles(ctx, ps); err != nil {
		return rec, fmt.Errorf("apply import %s: %w", pl.List, err)
	}
	_, err = s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, r := range rows {
			if r.Contact.IsZero() {
				pipe.Del(ctx, s.k.contact(r.Profile.ID))
				continue
			}
			b, err := json.Marshal(r.Contact)
			if err != nil {
				return err
			}
			pipe.Set(ctx, s.k.contact(r.Profile.ID), b, 0)
		}
		return nil
	})
	if err != nil {
		return rec, fmt.Errorf("apply import %s: contacts: %w", pl.List, err)
	}
	return rec, nil
}

// UndoLastImport puts back what the newest import overwrote and removes
// the profiles it created, with their contacts and open claim codes.
// A profile whose owner changed since the import (it was claimed) is
// left as it is. It returns ErrNotFound when there is no import to undo.
func (s *Store) UndoLastImport(ctx context.Context) (UndoResult, error) {
	var res UndoResult
	id, err := s.rdb.LPop(ctx, s.k.imports()).Result()
	if errors.Is(err, redis.Nil) {
		return res, ErrNotFound
	}
	if err != nil {
		return res, fmt.Errorf("undo import: %w", err)
	}
	meta, err := s.rdb.Get(ctx, s.k.importMeta(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return res, ErrNotFound // expired
	}
	if err != nil {
		return res, fmt.Errorf("undo import %s: %w", id, err)
	}
	if err := json.Unmarshal(meta, &res.Import); err != nil {
		return res, fmt.Errorf("undo import %s: %w", id, err)
	}
	undo, err := s.rdb.HGetAll(ctx, s.k.importUndo(id)).Result()
	if err != nil {
		return res, fmt.Errorf("undo import %s: %w", id, err)
	}
	ids := make([]string, 0, len(undo))
	for pid := range undo {
		ids = append(ids, pid)
	}
	now, err := s.ImportStored(ctx, ids)
	if err != nil {
		return res, err
	}
	for pid, v := range undo {
		var sn snapshot
		if err := json.Unmarshal([]byte(v), &sn); err != nil {
			return res, fmt.Errorf("undo import %s: %s: %w", id, pid, err)
		}
		cur, ok := now[pid]
		if ok && cur.Profile.OwnerID != sn.Owner {
			res.Kept = append(res.Kept, pid)
			continue
		}
		if err := s.restore(ctx, pid, cur.Profile, ok, sn); err != nil {
			return res, fmt.Errorf("undo import %s: %w", id, err)
		}
		if sn.Profile == nil {
			res.Removed++
		} else {
			res.Restored++
		}
	}
	if err := s.rdb.Del(ctx, s.k.importUndo(id), s.k.importMeta(id)).Err(); err != nil {
		return res, fmt.Errorf("undo import %s: %w", id, err)
	}
	return res, nil
}

// restore puts one profile and its contact back as sn holds them.
func (s *Store) restore(ctx context.Context, id string, cur matcher.Profile, exists bool, sn snapshot) error {
	if sn.Profile == nil {
		if exists {
			if err := s.DeleteProfile(ctx, cur); err != nil {
				return err
			}
		}
		code, err := s.rdb.HGet(ctx, s.k.claimOf(), id).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return fmt.Errorf("claim code of %s: %w", id, err)
		}
		_, err = s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.Del(ctx, s.k.contact(id))
			if code != "" {
				pipe.HDel(ctx, s.k.claimOf(), id)
				pipe.HDel(ctx, s.k.claimCodes(), code)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("remove %s: %w", id, err)
		}
		return nil
	}
	var old matcher.Profile
	if err := json.Unmarshal(sn.Profile, &old); err != nil {
		return fmt.Errorf("decode snapshot of %s: %w", id, err)
	}
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.Set(ctx, s.k.profile(id), []byte(sn.Profile), 0)
		pipe.SAdd(ctx, s.k.profiles(), id)
		if exists && cur.OwnerID != 0 && cur.OwnerID != old.OwnerID {
			pipe.SRem(ctx, s.k.userProfiles(cur.OwnerID), id)
		}
		if old.OwnerID != 0 {
			pipe.SAdd(ctx, s.k.userProfiles(old.OwnerID), id)
		}
		if sn.Contact == nil {
			pipe.Del(ctx, s.k.contact(id))
		} else {
			pipe.Set(ctx, s.k.contact(id), []byte(sn.Contact), 0)
		}
		pipe.XAdd(ctx, s.changeArgs(id, OpUpsert))
		return nil
	})
	if err != nil {
		return fmt.Errorf("restore %s: %w", id, err)
	}
	return nil
}
