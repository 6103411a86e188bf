// Package httpretry is an http.RoundTripper that tries a request again
// after a transient failure: a network error or a 500, 502, 503 or 504
// answer, with a bounded, jittered exponential backoff. Other answers,
// 4xx included, are returned as they are: 429 carries retry_after in the
// body, which the Telegram client surfaces and its caller waits out.
//
// A request whose body cannot be read again (no GetBody) is sent once.
// The package imports only the standard library.
package httpretry

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// Options bound the retries. Zero values take the defaults below.
type Options struct {
	Attempts  int           // tries of one request, the first included (default DefaultAttempts)
	BaseDelay time.Duration // wait before the second try, doubling after (default DefaultBaseDelay)
	MaxDelay  time.Duration // longest wait (default DefaultMaxDelay)

	Sleep  func(ctx context.Context, d time.Duration) error // default: a timer that ends with ctx
	Jitter func() float64                                   // in [0, 1); default math/rand/v2
	// OnRetry, when set, is told of each retry: the attempt that failed
	// (from 1), its status (0 for a network error) and its error.
	OnRetry func(attempt, status int, err error)
}

// Defaults of Options.
const (
	DefaultAttempts  = 3
	DefaultBaseDelay = 300 * time.Millisecond
	DefaultMaxDelay  = 3 * time.Second
)

// Transport retries transient failures of next.
type Transport struct {
	next http.RoundTripper
	opt  Options
}

var _ http.RoundTripper = (*Transport)(nil)

// New returns a Transport over next (http.DefaultTransport when nil).
func New(next http.RoundTripper, opt Options) *Transport {
	if next == nil {
		next = http.DefaultTransport
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
	if opt.Sleep == nil {
		opt.Sleep = sleep
	}
	if opt.Jitter == nil {
		opt.Jitter = rand.Float64
	}
	return &Transport{next: next, opt: opt}
}

// RoundTrip sends req, and again after a transient failure while
// attempts are left and req's context is alive. The last answer or error
// is returned.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempts := t.opt.Attempts
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		attempts = 1
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		resp, err := t.next.RoundTrip(r)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		if attempt >= attempts || !transient(ctx, status, err) {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
			resp.Body.Close()
		}
		if t.opt.OnRetry != nil {
			t.opt.OnRetry(attempt, status, err)
		}
		if err := t.opt.Sleep(ctx, t.delay(attempt)); err != nil {
			return nil, err
		}
	}
}

// transient reports whether a try that ended with status or err is worth
// another.
func transient(ctx context.Context, status int, err error) bool {
	if err != nil {
		return ctx.Err() == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// delay is the wait after the given failed attempt: BaseDelay doubled
// for each earlier attempt, at most MaxDelay, between half and all of it.
func (t *Transport) delay(attempt int) time.Duration {
	d := t.opt.BaseDelay << (attempt - 1)
	if d <= 0 || d > t.opt.MaxDelay {
		d = t.opt.MaxDelay
	}
	return d/2 + time.Duration(t.opt.Jitter()*float64(d/2))
}

func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
