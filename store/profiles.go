package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/matcher"
)

// storedProfile is a profile as kept under its key: the profile's JSON,
// with, when there is one, the digest of its analysis and the fields an
// index keeps (matcher's Encode) as the first member, so that
// LoadProfiles reads them without parsing the JSON (digestPrefix).
// Readers that want the profile alone decode it as a matcher.Profile.
// Values written before the digest came first hold it after the
// profile's fields, or not at all.
type storedProfile struct {
	Digest []byte `json:"digest,omitempty"`
	matcher.Profile
}

// digestPrefix starts a stored profile that begins with its digest, in
// base64, up to the next quote.
const digestPrefix = `{"digest":"`

func (s *Store) encodeProfile(p *matcher.Profile, d matcher.Digest) ([]byte, error) {
	rec := storedProfile{Profile: *p}
	if d.Valid() && s.tax != nil {
		rec.Digest = s.tax.Encode(p, d)
	}
	return json.Marshal(rec)
}

// digestedProfile reads a stored profile for LoadProfiles: the text the
// index reads only through the digest is skipped, not decoded.
type digestedProfile struct {
	matcher.Profile
	Digest []byte `json:"digest"`

	Summary     skipped `json:"summary"`
	Description skipped `json:"description"`
	Success     skipped `json:"success"`
	Statement   skipped `json:"statement"`
	Keywords    skipped `json:"keywords"`
	Concepts    skipped `json:"concepts"`
}

// skipped is a JSON value left unread.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// loadBatch is the number of profiles LoadProfiles fetches per pipeline.
const loadBatch = 2000

// loadPrefix is how much of a stored profile LoadProfiles reads first:
// enough for the digest of almost every profile, which starts the value.
// A profile whose digest runs past it is read whole.
const loadPrefix = 1536

// LoadProfiles calls fn for every stored profile with its digest, from one
// goroutine per core: fn must be safe for concurrent use. A profile with a
// valid digest comes without the text the digest was read from (summary,
// description, success, statement, keywords, concepts): what an index
// needs of them is in the digest. A profile stored with the fields an
// index keeps (see storedProfile) comes with those alone, read from the
// start of its value without decoding its JSON. Redis is read in large
// pipelined batches while earlier batches are decoded. The digest is
// invalid for a profile stored without one, or by another analysis (see
// matcher.ErrStaleDigest), or when AnalyseWith was not called. progress,
// when not nil, hears how many profiles are done, from the same
// goroutines.
func (s *Store) LoadProfiles(ctx context.Context, fn func(matcher.Profile, matcher.Digest), progress func(done, total int)) error {
	ids, err := s.rdb.SMembers(ctx, s.k.profiles()).Result()
	if err != nil {
		return fmt.Errorf("list profiles: %w", err)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []string, 2)
	go func() {
		defer close(batches)
		for start := 0; start < len(ids) && ctx.Err() == nil; start += loadBatch {
			raw, err := s.readForLoad(ctx, ids[start:min(start+loadBatch, len(ids))])
			if err != nil {
				cancel(err)
				return
			}
			select {
			case batches <- raw:
			case <-ctx.Done():
				return
			}
		}
	}()
	var done atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf loadBuffers
			for raw := range batches {
				for _, v := range raw {
					p, d, err := s.decodeLoaded(v, &buf)
					if err != nil {
						cancel(err)
						return
					}
					fn(p, d)
				}
				if n := done.Add(int64(len(raw))); progress != nil {
					progress(int(n), len(ids))
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// readForLoad reads the stored profiles of ids for LoadProfiles: the
// first loadPrefix bytes of each, and whole those whose digest does not
// end within them. Profiles deleted since the listing are left out.
func (s *Store) readForLoad(ctx context.Context, ids []string) ([]string, error) {
	cmds := make([]*redis.StringCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = pipe.GetRange(ctx, s.k.profile(id), 0, loadPrefix-1)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list profiles: %w", err)
	}
	raw := make([]string, 0, len(ids))
	var whole []string
	for i, c := range cmds {
		v := c.Val()
		switch {
		case v == "": // deleted since the listing
		case len(v) < loadPrefix || s.cardFirst(v):
			raw = append(raw, v)
		default:
			whole = append(whole, ids[i])
		}
	}
	if len(whole) == 0 {
		return raw, nil
	}
	rest, err := s.getProfiles(ctx, whole)
	if err != nil {
		return nil, err
	}
	for _, c := range rest {
		if v := c.Val(); v != "" {
			raw = append(raw, v)
		}
	}
	return raw, nil
}

// digestEnd returns where the base64 digest at the start of a stored
// profile v ends, or -1 when v does not start with one or it does not
// end in v.
func digestEnd(v string) int {
	if !strings.HasPrefix(v, digestPrefix) {
		return -1
	}
	if end := strings.IndexByte(v[len(digestPrefix):], '"'); end >= 0 {
		return len(digestPrefix) + end
	}
	return -1
}

// cardFirst reports whether the stored profile v starts with a digest of
// this analysis holding the fields an index keeps, ending within v: the
// rest of the value is not needed.
func (s *Store) cardFirst(v string) bool {
	end := digestEnd(v)
	if s.tax == nil || end < 0 {
		return false
	}
	if end < len(digestPrefix)+12 {
		return false
	}
	var head [9]byte
	n, err := base64.StdEncoding.Decode(head[:], []byte(v[len(digestPrefix):len(digestPrefix)+12]))
	return err == nil && s.tax.HoldsProfile(head[:n])
}

// loadBuffers are reused by one goroutine of LoadProfiles from one
// profile to the next.
type loadBuffers struct{ enc, dec []byte }

// decodeLoaded reads a stored profile v (or its first loadPrefix bytes)
// for LoadProfiles: from the digest at its start, with the fields an index
// keeps, when it has one of this analysis; else from its JSON
// (decodeDigested).
func (s *Store) decodeLoaded(v string, buf *loadBuffers) (matcher.Profile, matcher.Digest, error) {
	if end := digestEnd(v); s.tax != nil && end >= 0 {
		buf.enc = append(buf.enc[:0], v[len(digestPrefix):end]...)
		buf.dec = slices.Grow(buf.dec[:0], base64.StdEncoding.DecodedLen(len(buf.enc)))
		n, err := base64.StdEncoding.Decode(buf.dec[:cap(buf.dec)], buf.enc)
		if err == nil {
			if d, err := s.tax.Decode(buf.dec[:n]); err == nil {
				if p, ok := d.Profile(); ok {
					return p, d, nil
				}
			}
		}
	}
	return s.decodeDigested([]byte(v))
}

// decodeDigested decodes a stored profile with its digest, or the whole
// profile when its digest is missing or stale.
func (s *Store) decodeDigested(b []byte) (matcher.Profile, matcher.Digest, error) {
	if s.tax != nil {
		var rec digestedProfile
		if err := json.Unmarshal(b, &rec); err != nil {
			return matcher.Profile{}, matcher.Digest{}, fmt.Errorf("decode profile: %w", err)
		}
		if rec.Digest != nil {
			if d, err := s.tax.Decode(rec.Digest); err == nil {
				return rec.Profile, d, nil
			}
		}
	}
	var p matcher.Profile
	if err := json.Unmarshal(b, &p); err != nil {
		return p, matcher.Digest{}, fmt.Errorf("decode profile: %w", err)
	}
	return p, matcher.Digest{}, nil
}

// parallel calls f(i) for i in [0, n) on every core.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// CountProfiles returns the number of stored profiles.
func (s *Store) CountProfiles(ctx context.Context) (int, error) {
	n, err := s.rdb.SCard(ctx, s.k.profiles()).Result()
	if err != nil {
		return 0, fmt.Errorf("count profiles: %w", err)
	}
	return int(n), nil
}
