package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLLMStore(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range llmSuite {
				t.Run(tc.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					tc.run(ctx, t, New(b.rdb, testPrefix(t, b.rdb)), b)
				})
			}
		})
	}
}

var llmSuite = []struct {
	name string
	run  func(ctx context.Context, t *testing.T, s *Store, b backend)
}{
	{"AnalysisCache", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		if got, err := s.CachedAnalysis(ctx, "m", "v1", "abc"); got != nil || err != nil {
			t.Fatalf("CachedAnalysis(missing) = %q, %v; want nil, nil", got, err)
		}
		if err := s.CacheAnalysis(ctx, "m", "v1", "abc", []byte(`{"title":"t"}`)); err != nil {
			t.Fatal(err)
		}
		got, err := s.CachedAnalysis(ctx, "m", "v1", "abc")
		if err != nil || string(got) != `{"title":"t"}` {
			t.Fatalf("CachedAnalysis = %q, %v", got, err)
		}
		// Another model or prompt version does not see it.
		for _, k := range [][2]string{{"m2", "v1"}, {"m", "v2"}} {
			if got, _ := s.CachedAnalysis(ctx, k[0], k[1], "abc"); got != nil {
				t.Errorf("CachedAnalysis(%s, %s) = %q, want nothing", k[0], k[1], got)
			}
		}
		ttl := b.rdb.TTL(ctx, s.k.llmAnalysis("m", "v1", "abc")).Val()
		if ttl <= LLMCacheTTL-time.Minute || ttl > LLMCacheTTL {
			t.Errorf("cache TTL = %v, want about %v", ttl, LLMCacheTTL)
		}
	}},
	{"CallCaps", func(ctx context.Context, t *testing.T, s *Store, b backend) {
		type verdict struct{ User, Global bool }
		take := func(user, day string, userCap, globalCap int) verdict {
			t.Helper()
			u, g, err := s.TakeLLMCall(ctx, user, day, userCap, globalCap)
			if err != nil {
				t.Fatal(err)
			}
			return verdict{u, g}
		}
		const day = "2026-11-20"
		var got []verdict
		for range 3 {
			got = append(got, take("7", day, 2, 4))
		}
		got = append(got, take("8", day, 2, 4)) // another user: 3 of 4 in all
		got = append(got, take("", day, 2, 4))  // an import: counted in all only, 4 of 4
		got = append(got, take("9", day, 2, 4)) // the day is full
		got = append(got, take("7", "2026-11-21", 2, 4))
		got = append(got, take("7", day, 0, 0)) // no caps
		want := []verdict{{true, true}, {true, true}, {false, true}, {true, true}, {true, true}, {true, false}, {true, true}, {true, true}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("verdicts (-want +got):\n%s", diff)
		}
		if n, _ := b.rdb.Get(ctx, s.k.llmCalls(day)).Int(); n != 5 {
			t.Errorf("calls counted on %s = %d, want 5 (refused calls are not counted)", day, n)
		}
		if n, _ := b.rdb.Get(ctx, s.k.llmUserCalls(day, "7")).Int(); n != 3 {
			t.Errorf("calls of user 7 = %d, want 3", n)
		}
		if ttl := b.rdb.TTL(ctx, s.k.llmCalls(day)).Val(); ttl <= 0 || ttl > llmCallsTTL {
			t.Errorf("counter TTL = %v, want up to %v", ttl, llmCallsTTL)
		}
	}},
}
