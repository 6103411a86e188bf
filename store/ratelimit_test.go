package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestRateLimit: a flooding user gets the burst, then one message
// a second; another user is not touched; concurrent callers (replicas)
// share one bucket.
func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			allowed := 0
			for range 100 {
				ok, _, err := s.Allow(ctx, "u1", RateLimit{}, now)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					allowed++
				}
			}
			if allowed != DefaultRateBurst {
				t.Errorf("a flood of 100 at once let %d through, want the burst %d", allowed, DefaultRateBurst)
			}
			if ok, wait, _ := s.Allow(ctx, "u1", RateLimit{}, now.Add(100*time.Millisecond)); ok || wait != 900*time.Millisecond {
				t.Errorf("0.1 s later = %v, wait %v; want refused, wait 900ms", ok, wait)
			}
			if ok, _, _ := s.Allow(ctx, "u1", RateLimit{}, now.Add(time.Second)); !ok {
				t.Error("a second later a message was refused")
			}
			if ok, _, _ := s.Allow(ctx, "u1", RateLimit{}, now.Add(time.Second)); ok {
				t.Error("two messages in the same second after the burst")
			}
			if ok, _, _ := s.Allow(ctx, "u2", RateLimit{}, now); !ok {
				t.Error("another user was refused")
			}
			// A full bucket again after a pause, never more than the burst.
			allowed = 0
			for range 50 {
				if ok, _, _ := s.Allow(ctx, "u1", RateLimit{}, now.Add(time.Hour)); ok {
					allowed++
				}
			}
			if allowed != DefaultRateBurst {
				t.Errorf("after an hour %d let through, want %d", allowed, DefaultRateBurst)
			}

			// Concurrent callers share the bucket.
			var mu sync.Mutex
			var wg sync.WaitGroup
			allowed = 0
			lim := RateLimit{Burst: 5, PerSecond: 0.5}
			for range 30 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if ok, _, err := s.Allow(ctx, "u3", lim, now); ok && err == nil {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if allowed != 5 {
				t.Errorf("30 concurrent messages let %d through, want 5", allowed)
			}
			if ok, wait, _ := s.Allow(ctx, "u3", lim, now); ok || wait != 2*time.Second {
				t.Errorf("empty bucket at 0.5/s = %v, wait %v; want refused, wait 2s", ok, wait)
			}
		})
	}
}
