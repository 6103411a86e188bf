// Package lease makes a role exclusive across replicas: a Lease is taken
// in the store, renewed in the background while the work runs, and the
// work's context is cancelled, with ErrLost as its cause, as soon as the
// lease is lost. The poller, the inbox shards, the notifier, the new-match
// watcher and the periodic jobs each run under one.
package lease

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Store keeps leases (store.Store). Lease takes or renews a lease and
// reports whether holder has it; a holder renews before ttl ends.
type Store interface {
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	LeaseHolder(ctx context.Context, name string) (string, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// ErrLost is the cause of a work context cancelled because another
// holder took the lease, or because it could not be renewed in time.
var ErrLost = errors.New("lease lost")

// Defaults of Lease.
const (
	DefaultTTL = 15 * time.Second
	// releaseTimeout bounds giving a lease up after the work ended.
	releaseTimeout = 5 * time.Second
)

// Lease is one named role and its would-be holder.
type Lease struct {
	Store  Store
	Name   string
	Holder string
	// TTL is how long the lease lasts without renewal (default
	// DefaultTTL); it is renewed every third of it.
	TTL time.Duration
	Log *slog.Logger // default slog.Default()
}

func (l Lease) ttl() time.Duration {
	if l.TTL <= 0 {
		return DefaultTTL
	}
	return l.TTL
}

func (l Lease) log() *slog.Logger {
	if l.Log == nil {
		return slog.Default()
	}
	return l.Log.With("lease", l.Name)
}

// Do takes the lease and runs work under it, renewing it meanwhile; work's
// context ends when ctx does or the lease is lost (cause ErrLost). The
// lease is released when work returns. Do reports false, without running
// work, when someone else holds the lease.
func (l Lease) Do(ctx context.Context, work func(ctx context.Context)) (bool, error) {
	held, err := l.Store.Lease(ctx, l.Name, l.Holder, l.ttl())
	if err != nil || !held {
		return false, err
	}
	wctx, cancel := context.WithCancelCause(ctx)
	// Renewal goes on until work returns, even after ctx ends: work that
	// finishes what it holds on shutdown keeps the lease meanwhile.
	rctx, stopRenewing := context.WithCancel(context.WithoutCancel(ctx))
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		l.renew(rctx, cancel)
	}()
	defer func() {
		stopRenewing()
		<-renewed
		cancel(context.Canceled)
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer rcancel()
		if err := l.Store.ReleaseLease(rctx, l.Name, l.Holder); err != nil {
			l.log().Warn("lease release failed", "err", err)
		}
	}()
	work(wctx)
	return true, nil
}

// Hold runs work under the lease each time it can take it, until ctx
// ends: while someone else holds the lease it tries again every third of
// the TTL, and after work returns (the lease lost, or work done) it takes
// the lease anew.
func (l Lease) Hold(ctx context.Context, work func(ctx context.Context)) {
	every := l.ttl() / 3
	for ctx.Err() == nil {
		held, err := l.Do(ctx, work)
		if err != nil && ctx.Err() == nil {
			l.log().Warn("lease failed", "err", err)
		}
		if !held || err != nil {
			sleep(ctx, every)
		}
	}
}

// renew renews the lease every third of the TTL until ctx ends, and
// calls lost with ErrLost when another holder has it or when it could not
// be renewed before it may have run out.
func (l Lease) renew(ctx context.Context, lost context.CancelCauseFunc) {
	ttl := l.ttl()
	every := ttl / 3
	last := time.Now()
	for sleep(ctx, every) {
		held, err := l.Store.Lease(ctx, l.Name, l.Holder, ttl)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil && held:
			last = time.Now()
		case err == nil:
			l.log().Warn("lease lost to another holder")
			lost(ErrLost)
			return
		case time.Since(last)+every >= ttl:
			l.log().Warn("lease lost: not renewed in time", "err", err)
			lost(ErrLost)
			return
		default:
			l.log().Warn("lease renewal failed; trying again", "err", err)
		}
	}
}

// Lost reports whether ctx, a work context of Do or Hold, ended because
// the lease was lost.
func Lost(ctx context.Context) bool { return errors.Is(context.Cause(ctx), ErrLost) }

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
