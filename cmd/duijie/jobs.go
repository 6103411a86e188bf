package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/internal/lease"
	"github.com/duijie/duijie/store"
)

// Periodic jobs of serve: the messages introductions still owe (left by
// a crash between a change and its messages) every owedEvery, expiring
// profiles (and the "still looking?" nudges before) every hour, the daily
// digests once a day at digestHourUTC. With several replicas, the holder of the "jobs" lease
// runs them.

const (
	owedEvery     = 15 * time.Second
	owedAfter     = 30 * time.Second // a younger change may still be sending its messages
	expiryEvery   = time.Hour
	digestHourUTC = 1 // 09:00 in China
	jobsLease     = "jobs"
	jobsTTL       = 2 * time.Minute
)

// nextDigest is the first digest time after t.
func nextDigest(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), digestHourUTC, 0, 0, 0, time.UTC)
	if !d.After(t) {
		d = d.Add(24 * time.Hour)
	}
	return d
}

// runJobs runs the periodic jobs until ctx ends, while this replica
// holds the jobs lease; a job under way stops when the lease is lost.
func runJobs(ctx context.Context, e *bot.Engine, st *store.Store, me string, ttl time.Duration, log *slog.Logger) {
	digestAt := nextDigest(time.Now())
	nextExpiry := time.Now()
	l := lease.Lease{Store: st, Name: jobsLease, Holder: me, TTL: jobsTTL, Log: log}
	l.Hold(ctx, func(lctx context.Context) {
		tick := time.NewTicker(owedEvery)
		defer tick.Stop()
		for {
			now := time.Now()
			if n, err := e.FinishOwedIntros(lctx, now.Add(-owedAfter)); err != nil && lctx.Err() == nil {
				log.Warn("jobs owed intros failed", "err", err)
			} else if n > 0 {
				log.Info("jobs owed intros finished", "intros", n)
			}
			if !now.Before(nextExpiry) {
				if err := e.ExpireProfiles(lctx, ttl); err != nil && lctx.Err() == nil {
					log.Warn("jobs expire profiles failed", "err", err)
				}
				nextExpiry = now.Add(expiryEvery)
			}
			if !now.Before(digestAt) {
				if err := e.SendDigests(lctx); err != nil && lctx.Err() == nil {
					log.Warn("jobs digests failed", "err", err)
				}
				digestAt = nextDigest(now)
			}
			select {
			case <-lctx.Done():
				return
			case <-tick.C:
			}
		}
	})
}
