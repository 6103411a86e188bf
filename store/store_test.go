package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/duijie/duijie/matcher"
)

// TestRedisURLEnv names the environment variable that points the store
// tests at a real Redis as well as the embedded one.
const TestRedisURLEnv = "DUIJIE_TEST_REDIS_URL"

// backend is a Redis the suite runs on.
type backend struct {
	name string
	rdb  redis.UniversalClient
	// expire makes keys with a TTL of d or less disappear.
	expire func(t *testing.T, d time.Duration)
}

// backends returns the embedded server and, when TestRedisURLEnv is set,
// the real Redis it names. Each test gets its own key prefix.
func backends(t *testing.T) []backend {
	t.Helper()
	e, err := StartEmbedded(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	erdb := e.Client()
	t.Cleanup(func() { erdb.Close() })
	bs := []backend{{name: "embedded", rdb: erdb, expire: func(t *testing.T, d time.Duration) { e.FastForward(d + time.Second) }}}
	if url := os.Getenv(TestRedisURLEnv); url != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rdb, err := Connect(ctx, url)
		if err != nil {
			t.Fatalf("%s=%s: %v", TestRedisURLEnv, url, err)
		}
		t.Cleanup(func() { rdb.Close() })
		bs = append(bs, backend{name: "redis", rdb: rdb})
	}
	return bs
}

// testPrefix isolates one test's keys and removes them afterwards.
func testPrefix(t *testing.T, rdb redis.UniversalClient) string {
	prefix := fmt.Sprintf("djtest%d", time.Now().UnixNano())
	t.Cleanup(func() {
		if err := New(rdb, prefix).DeleteAll(context.Background()); err != nil {
			t.Errorf("clean up %s: %v", prefix, err)
		}
	})
	return prefix
}

func TestStore(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					tc.run(ctx, t, New(b.rdb, testPrefix(t, b.rdb)), b)
				})
			}
		})
	}
}

func profile(id string, kind matcher.Kind, owner int64) matcher.Profile {
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	return matcher.Profile{ID: id, Kind: kind, OwnerID: owner, Status: matcher.StatusActive,
		Title: "Title " + id, Description: "Description of " + id, Lang: matcher.LangEN, CreatedAt: now, UpdatedAt: now}
}

var suite = []struct {
	name string
	run  func(ctx context.Context, t *testing.T, s *Store, b backend)
}{
	{"UserRoundTrip", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		if _, err := s.GetUser(ctx, 7); !errors.Is(err, ErrNotFound) {
			t.Fatalf("GetUser(missing) = %v, want ErrNotFound", err)
		}
		first := time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC)
		later := first.Add(time.Hour)
		if err := s.TouchUser(ctx, User{ID: 7, Username: "li_lei", Name: "李雷", Lang: matcher.LangZH, SeenAt: first}); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchUser(ctx, User{ID: 7, Username: "lilei", Name: "李雷", Lang: matcher.LangEN, SeenAt: later}); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetUser(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		want := User{ID: 7, Username: "lilei", Name: "李雷", Lang: matcher.LangEN, CreatedAt: first, SeenAt: later}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("user (-want +got):\n%s", diff)
		}
	}},
	{"SessionTTL", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		if got, err := s.Session(ctx, 1); got != nil || err != nil {
			t.Fatalf("Session(missing) = %q, %v; want nil, nil", got, err)
		}
		if err := s.SaveSession(ctx, 1, []byte(`{"state":"x"}`)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Session(ctx, 1)
		if err != nil || string(got) != `{"state":"x"}` {
			t.Fatalf("Session = %q, %v", got, err)
		}
		ttl := b.rdb.TTL(ctx, s.k.session(1)).Val()
		if ttl <= SessionTTL-time.Minute || ttl > SessionTTL {
			t.Errorf("session TTL = %v, want about %v", ttl, SessionTTL)
		}
		if b.expire != nil {
			b.expire(t, SessionTTL)
			if got, err := s.Session(ctx, 1); got != nil || err != nil {
				t.Errorf("Session after TTL = %q, %v; want nil, nil", got, err)
			}
		}
		if err := s.SaveSession(ctx, 2, []byte("{}")); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, 2); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Session(ctx, 2); got != nil || err != nil {
			t.Errorf("Session after delete = %q, %v; want nil, nil", got, err)
		}
	}},
	{"FirstDelivery", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		for i, want := range []bool{true, false, false} {
			got, err := s.FirstDelivery(ctx, 42)
			if err != nil || got != want {
				t.Fatalf("delivery %d: FirstDelivery = %v, %v; want %v", i, got, err, want)
			}
		}
		if b.expire != nil {
			b.expire(t, UpdateTTL)
			if got, _ := s.FirstDelivery(ctx, 42); !got {
				t.Error("update id not forgotten after UpdateTTL")
			}
		}
	}},
	{"ProfileLifecycle", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		id1, err := s.NewProfileID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		id2, _ := s.NewProfileID(ctx)
		if id1 == id2 {
			t.Fatalf("NewProfileID returned %q twice", id1)
		}
		start, err := s.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := profile(id1, matcher.KindNeed, 9)
		created, err := s.SaveProfile(ctx, p)
		if err != nil || !created {
			t.Fatalf("SaveProfile = %v, %v; want created", created, err)
		}
		p.Title = "Edited"
		if created, err := s.SaveProfile(ctx, p); err != nil || created {
			t.Fatalf("SaveProfile(again) = %v, %v; want updated", created, err)
		}
		got, err := s.Profile(ctx, id1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("profile (-want +got):\n%s", diff)
		}
		mine, err := s.ProfilesOf(ctx, 9)
		if err != nil || len(mine) != 1 || mine[0].ID != id1 {
			t.Fatalf("ProfilesOf = %v, %v", mine, err)
		}
		if err := s.DeleteProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Profile(ctx, id1); !errors.Is(err, ErrNotFound) {
			t.Errorf("Profile after delete = %v, want ErrNotFound", err)
		}
		if mine, _ := s.ProfilesOf(ctx, 9); len(mine) != 0 {
			t.Errorf("ProfilesOf after delete = %v", mine)
		}
		changes, err := s.Changes(ctx, start, 10, 100*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, c := range changes {
			ops = append(ops, c.Op+" "+c.ID)
		}
		want := []string{"upsert " + id1, "upsert " + id1, "delete " + id1}
		if diff := cmp.Diff(want, ops); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if more, err := s.Changes(ctx, changes[len(changes)-1].Seq, 10, 50*time.Millisecond); err != nil || len(more) != 0 {
			t.Errorf("Changes after the last = %v, %v; want none", more, err)
		}
	}},
	{"FollowKeepsAnIndexCurrent", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		start, err := s.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ix := matcher.NewIndex(matcher.Default())
		defer follow(ctx, s, start, ix)()
		p := profile("f1", matcher.KindOffer, 0)
		if _, err := s.SaveProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, func() bool { _, ok := ix.Get("f1"); return ok })
		if err := s.DeleteProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, func() bool { _, ok := ix.Get("f1"); return !ok })
	}},
	{"FollowBehindTheStreamRebuilds", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		// The reader's position is trimmed away while it is down: what
		// happened in between reaches its index by a rebuild.
		if _, err := s.SaveProfile(ctx, profile("r0", matcher.KindOffer, 0)); err != nil {
			t.Fatal(err)
		}
		start, err := s.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveProfile(ctx, profile("r1", matcher.KindOffer, 0)); err != nil {
			t.Fatal(err)
		}
		if err := b.rdb.XTrimMaxLen(ctx, s.k.changes(), 0).Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveProfile(ctx, profile("r2", matcher.KindNeed, 0)); err != nil {
			t.Fatal(err)
		}
		ix := matcher.NewIndex(matcher.Default())
		ix.Upsert(profile("gone", matcher.KindOffer, 0)) // deleted while the reader was down
		defer follow(ctx, s, start, ix)()
		waitUntil(t, func() bool {
			_, r1 := ix.Get("r1")
			_, gone := ix.Get("gone")
			return r1 && !gone
		})
		if _, ok := ix.Get("r2"); !ok {
			t.Error("the change after the gap is missing")
		}
	}},
	{"InvalidProfileRejected", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		p := profile("bad id!", matcher.KindOffer, 0)
		if _, err := s.SaveProfile(ctx, p); !errors.Is(err, matcher.ErrInvalid) {
			t.Fatalf("SaveProfile(invalid) = %v, want ErrInvalid", err)
		}
		if _, err := s.Profile(ctx, "bad id!"); !errors.Is(err, ErrNotFound) {
			t.Errorf("invalid profile was stored")
		}
	}},
	{"BulkSaveAndList", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		var ps []matcher.Profile
		for i := range 1203 {
			kind := matcher.KindOffer
			if i%3 == 0 {
				kind = matcher.KindNeed
			}
			ps = append(ps, profile(fmt.Sprintf("x%04d", i), kind, 0))
		}
		created, err := s.SaveProfiles(ctx, ps)
		if err != nil || created != len(ps) {
			t.Fatalf("SaveProfiles = %d, %v; want %d", created, err, len(ps))
		}
		if created, err := s.SaveProfiles(ctx, ps[:10]); err != nil || created != 0 {
			t.Fatalf("SaveProfiles(again) = %d, %v; want 0 new", created, err)
		}
		var ids []string
		err = s.Profiles(ctx, func(p matcher.Profile) error {
			ids = append(ids, p.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(ids)
		if len(ids) != len(ps) || ids[0] != "x0000" || ids[len(ids)-1] != "x1202" {
			t.Errorf("Profiles listed %d ids (%v…), want %d", len(ids), ids[:min(3, len(ids))], len(ps))
		}
	}},
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestParseClusterURL(t *testing.T) {
	opt, err := parseClusterURL("redis", "u:pw@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002?dial_timeout=3")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.1:7000", "10.0.0.2:7001", "10.0.0.3:7002"}
	if diff := cmp.Diff(want, opt.Addrs); diff != "" {
		t.Errorf("addrs (-want +got):\n%s", diff)
	}
	if opt.Username != "u" || opt.Password != "pw" || opt.DialTimeout != 3*time.Second {
		t.Errorf("options = %q %q %v", opt.Username, opt.Password, opt.DialTimeout)
	}
	if _, err := parseClusterURL("http", "x:1"); err == nil {
		t.Error("http+cluster accepted")
	}
}

// follow runs s.Follow from seq into ix until the returned stop is called.
func follow(ctx context.Context, s *Store, seq string, ix *matcher.Index) (stop func()) {
	fctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Follow(fctx, seq, ix, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	return func() { cancel(); <-done }
}
