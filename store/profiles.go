package store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

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

// LoadProfiles calls fn for every stored profile with its digest, from one
// goroutine per core: fn must be safe for concurrent use. A profile with a
// valid digest comes without the text the digest was read from (summary,
// description, success, statement, keywords, concepts): what an index
// needs of them is in the digest. A profile stored with the fields an
// index keeps (see storedProfile) comes with those alone, read without
// decoding its JSON. Redis is read in
// large pipelined batches while earlier batches are decoded. The digest is
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
	batches := make(chan [][]byte, 2)
	go func() {
		defer close(batches)
		for start := 0; start < len(ids) && ctx.Err() == nil; start += loadBatch {
			batch := ids[start:min(start+loadBatch, len(ids))]
			cmds, err := s.getProfiles(ctx, batch)
			if err != nil {
				cancel(err)
				return
			}
			raw := make([][]byte, 0, len(cmds))
			for _, c := range cmds {
				if b, err := c.Bytes(); err == nil {
					raw = append(raw, b) // a missing one was deleted since the listing
				}
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
			var buf []byte
			for raw := range batches {
				for _, b := range raw {
					p, d, err := s.decodeLoaded(b, &buf)
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

// decodeLoaded reads a stored profile for LoadProfiles: from the digest at
// its start, with the fields an index keeps, when it has one of this
// analysis; else from its JSON (decodeDigested). buf is reused between calls.
func (s *Store) decodeLoaded(b []byte, buf *[]byte) (matcher.Profile, matcher.Digest, error) {
	if s.tax != nil && bytes.HasPrefix(b, []byte(digestPrefix)) {
		enc := b[len(digestPrefix):]
		if end := bytes.IndexByte(enc, '"'); end >= 0 {
			enc = enc[:end]
			if n := base64.StdEncoding.DecodedLen(len(enc)); cap(*buf) < n {
				*buf = make([]byte, n)
			}
			n, err := base64.StdEncoding.Decode((*buf)[:cap(*buf)], enc)
			if err == nil {
				if d, err := s.tax.Decode((*buf)[:n]); err == nil {
					if p, ok := d.Profile(); ok {
						return p, d, nil
					}
				}
			}
		}
	}
	return s.decodeDigested(b)
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
