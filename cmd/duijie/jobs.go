package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/store"
)

// Periodic jobs of serve: expiring profiles (and the "still looking?"
// nudges before) every hour, daily digests every day. With several
// replicas, the holder of the "jobs" lease runs them.

const (
	expiryEvery = time.Hour
	digestEvery = 24 * time.Hour
	jobsLease   = "jobs"
	jobsTTL     = 2 * time.Minute
)

// runJobs runs the periodic jobs until ctx ends.
func runJobs(ctx context.Context, e *bot.Engine, st *store.Store, me string, ttl time.Duration, log *slog.Logger) {
	lastDigest := time.Now()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	nextExpiry := time.Now()
	for {
		if held, err := st.Lease(ctx, jobsLease, me, jobsTTL); err == nil && held {
			now := time.Now()
			if !now.Before(nextExpiry) {
				if err := e.ExpireProfiles(ctx, ttl); err != nil && ctx.Err() == nil {
					log.Warn("jobs expire profiles failed", "err", err)
				}
				nextExpiry = now.Add(expiryEvery)
			}
			if now.Sub(lastDigest) >= digestEvery {
				if err := e.SendDigests(ctx); err != nil && ctx.Err() == nil {
					log.Warn("jobs digests failed", "err", err)
				}
				lastDigest = now
			}
		}
		select {
		case <-ctx.Done():
			st.ReleaseLease(context.WithoutCancel(ctx), jobsLease, me)
			return
		case <-tick.C:
		}
	}
}
