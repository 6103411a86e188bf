package prompts

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"time"
)

// GuardOptions bound every call to the model server. Zero values take
// the defaults named below.
type GuardOptions struct {
	Timeout  time.Duration // one attempt (default DefaultTimeout)
	Attempts int           // tries of one call on 429, 5xx and network errors (default DefaultAttempts)
	// BaseDelay and MaxDelay bound the jittered exponential backoff
	// between attempts (defaults DefaultBaseDelay, DefaultMaxDelay).
	BaseDelay, MaxDelay time.Duration
	// BreakerFailures is how many calls in a row must fail before the
	// breaker opens (default DefaultBreakerFailures); BreakerCooldown is how
	// long it stays open before one probe call (default
	// DefaultBreakerCooldown), doubling after each failed probe up to
	// MaxBreakerCooldown.
	BreakerFailures int
	BreakerCooldown time.Duration

	Now    func() time.Time                                 // default time.Now
	Sleep  func(ctx context.Context, d time.Duration) error // default: a timer that ends with ctx
	Jitter func() float64                                   // in [0, 1); default math/rand/v2
}

// Defaults of GuardOptions.
const (
	DefaultTimeout         = 20 * time.Second
	DefaultAttempts        = 3
	DefaultBaseDelay       = 500 * time.Millisecond
	DefaultMaxDelay        = 8 * time.Second
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
	MaxBreakerCooldown     = 10 * time.Minute
)

// Guard runs calls to the model server: a timeout on each attempt,
// bounded retries with jittered backoff on 429, 5xx and network errors
// (never on other 4xx), and a circuit breaker shared by every call that
// rests the server after repeated failures and probes it later.
type Guard struct {
	opt GuardOptions
	log *slog.Logger

	mu       sync.Mutex
	failures int       // consecutive failed calls
	openTill time.Time // zero: closed
	cooldown time.Duration
	probing  bool // a probe call is out
}

// NewGuard returns a guard with opt's bounds.
func NewGuard(opt GuardOptions, log *slog.Logger) *Guard {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Attempts <= 0 {
		opt.Attempts = DefaultAttempts
	}
	if opt.BaseDelay <= 0 {
		opt.BaseDelay = DefaultBaseDelay
	}
	if opt.MaxDelay <= 0 {
		opt.MaxDelay = DefaultMaxDelay
	}
	if opt.BreakerFailures <= 0 {
		opt.BreakerFailures = DefaultBreakerFailures
	}
	if opt.BreakerCooldown <= 0 {
		opt.BreakerCooldown = DefaultBreakerCooldown
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Sleep == nil {
		opt.Sleep = sleep
	}
	if opt.Jitter == nil {
		opt.Jitter = rand.Float64
	}
	return &Guard{opt: opt, log: log, cooldown: opt.BreakerCooldown}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Ready reports whether a call would be let through now, without
// claiming the probe of an open breaker.
func (g *Guard) Ready() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.openTill.IsZero() || !g.probing && !g.opt.Now().Before(g.openTill)
}

// allow lets a call through when the breaker is closed, or as the one
// probe when it has been open for its cooldown.
func (g *Guard) allow() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.openTill.IsZero() {
		return true
	}
	if g.probing || g.opt.Now().Before(g.openTill) {
		return false
	}
	g.probing = true
	return true
}

// record notes the outcome of a call for the breaker.
func (g *Guard) record(op string, failed bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !failed {
		if !g.openTill.IsZero() {
			g.log.Info("llm breaker closed: the model server answers again", "op", op)
		}
		g.failures, g.openTill, g.probing, g.cooldown = 0, time.Time{}, false, g.opt.BreakerCooldown
		return
	}
	g.failures++
	switch {
	case g.probing:
		g.probing = false
		g.cooldown = min(2*g.cooldown, MaxBreakerCooldown)
		g.openTill = g.opt.Now().Add(g.cooldown)
		g.log.Warn("llm breaker stays open: probe failed", "op", op, "retry_in", g.cooldown)
	case g.openTill.IsZero() && g.failures >= g.opt.BreakerFailures:
		g.openTill = g.opt.Now().Add(g.cooldown)
		g.log.Warn("llm breaker open: descriptions are read offline", "op", op, "failures", g.failures, "retry_in", g.cooldown)
	}
}

// Do runs fn under the guard. fn gets a context bounded by the attempt
// timeout. The error is fn's last, or ErrBreakerOpen without a call.
func (g *Guard) Do(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	if !g.allow() {
		return ErrBreakerOpen
	}
	var err error
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, g.opt.Timeout)
		err = fn(actx)
		cancel()
		if err == nil || ctx.Err() != nil || !retryable(err) || attempt == g.opt.Attempts {
			break
		}
		d := g.backoff(attempt)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d+g.opt.BaseDelay {
			break // no time left for another attempt
		}
		g.log.Debug("llm call retried", "op", op, "attempt", attempt, "delay", d, "err", err)
		if g.opt.Sleep(ctx, d) != nil {
			break
		}
	}
	g.record(op, err != nil && serverFailure(err))
	return err
}

// backoff is the wait after the given attempt: exponential from
// BaseDelay, capped at MaxDelay, with half of it jittered.
func (g *Guard) backoff(attempt int) time.Duration {
	d := g.opt.BaseDelay << (attempt - 1)
	if d > g.opt.MaxDelay || d <= 0 {
		d = g.opt.MaxDelay
	}
	return d/2 + time.Duration(g.opt.Jitter()*float64(d/2))
}

// retryable: rate limits, server errors, timeouts and network errors are
// worth another attempt; other answers are not.
func retryable(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status == http.StatusTooManyRequests || se.Status == http.StatusRequestTimeout || se.Status >= 500
	}
	if errors.Is(err, ErrBadReply) || errors.Is(err, ErrReplyTooLarge) || errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) || isNetwork(err)
}

// serverFailure: the call says the server cannot serve us (down, slow,
// overloaded, or refusing our key or model), as opposed to an answer
// about this one request.
func serverFailure(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		switch se.Status {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
			return true
		}
		return retryable(err)
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	return !errors.Is(err, ErrBadReply) && !errors.Is(err, ErrReplyTooLarge)
}

// isNetwork reports errors of the connection rather than of the server's
// answer: refused or reset connections and replies cut short.
func isNetwork(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}
