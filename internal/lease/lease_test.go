package lease

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// memStore is a Store in memory whose answers to renewals a test sets.
type memStore struct {
	mu       sync.Mutex
	holder   map[string]string
	renewals int
	// renew answers each call of Lease after the first: held, error.
	renew    func(n int) (bool, error)
	released []string
}

func (m *memStore) Lease(_ context.Context, name, holder string, _ time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder == nil {
		m.holder = map[string]string{}
	}
	cur, ok := m.holder[name]
	if ok && cur != holder {
		return false, nil
	}
	if ok && m.renew != nil {
		m.renewals++
		return m.renew(m.renewals)
	}
	if ok {
		m.renewals++
	}
	m.holder[name] = holder
	return true, nil
}

func (m *memStore) LeaseHolder(_ context.Context, name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.holder[name], nil
}

func (m *memStore) ReleaseLease(_ context.Context, name, holder string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder[name] == holder {
		delete(m.holder, name)
	}
	m.released = append(m.released, holder)
	return nil
}

func (m *memStore) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.renewals
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestDoRenewsWhileWorkRuns: work that lasts many TTLs keeps the lease,
// and the lease is released when it returns.
func TestDoRenewsWhileWorkRuns(t *testing.T) {
	st := &memStore{}
	l := Lease{Store: st, Name: "jobs", Holder: "a", TTL: 30 * time.Millisecond, Log: quiet()}
	held, err := l.Do(context.Background(), func(ctx context.Context) {
		for st.count() < 5 {
			if ctx.Err() != nil {
				t.Errorf("work cancelled while the lease was renewed: %v", context.Cause(ctx))
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	if !held || err != nil {
		t.Fatalf("Do = %v, %v", held, err)
	}
	if h, _ := st.LeaseHolder(context.Background(), "jobs"); h != "" {
		t.Errorf("lease still held by %q after the work", h)
	}
}

// TestDoNotHeld: with another holder, work does not run.
func TestDoNotHeld(t *testing.T) {
	st := &memStore{holder: map[string]string{"jobs": "b"}}
	held, err := Lease{Store: st, Name: "jobs", Holder: "a", Log: quiet()}.Do(context.Background(), func(context.Context) {
		t.Error("work ran without the lease")
	})
	if held || err != nil {
		t.Errorf("Do = %v, %v; want false, nil", held, err)
	}
	if len(st.released) != 0 {
		t.Errorf("released a lease it did not hold: %v", st.released)
	}
}

// TestDoCancelsWhenLost: a renewal that finds another holder, or renewals
// failing until the lease may have run out, cancel the work with ErrLost.
func TestDoCancelsWhenLost(t *testing.T) {
	for name, renew := range map[string]func(int) (bool, error){
		"taken":       func(int) (bool, error) { return false, nil },
		"store fails": func(int) (bool, error) { return false, errors.New("connection refused") },
	} {
		t.Run(name, func(t *testing.T) {
			st := &memStore{renew: renew}
			var lost bool
			held, _ := Lease{Store: st, Name: "inbox:3", Holder: "a", TTL: 30 * time.Millisecond, Log: quiet()}.Do(context.Background(), func(ctx context.Context) {
				<-ctx.Done()
				lost = Lost(ctx)
			})
			if !held || !lost {
				t.Errorf("held %v, lost %v; want the work cancelled with ErrLost", held, lost)
			}
		})
	}
}

// TestDoEndsWithParent: cancelling the parent ends the work, not as a loss.
func TestDoEndsWithParent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var lost bool
	Lease{Store: &memStore{}, Name: "poller", Holder: "a", Log: quiet()}.Do(ctx, func(wctx context.Context) {
		cancel()
		<-wctx.Done()
		lost = Lost(wctx)
	})
	if lost {
		t.Error("a cancelled parent counted as a lost lease")
	}
}

// TestDoRenewsUntilWorkReturns: work that finishes what it holds after
// its parent ended keeps the lease meanwhile.
func TestDoRenewsUntilWorkReturns(t *testing.T) {
	st := &memStore{}
	ctx, cancel := context.WithCancel(context.Background())
	Lease{Store: st, Name: "inbox:1", Holder: "a", TTL: 30 * time.Millisecond, Log: quiet()}.Do(ctx, func(wctx context.Context) {
		cancel()
		<-wctx.Done()
		for from := st.count(); st.count() < from+3; {
			time.Sleep(5 * time.Millisecond)
		}
		if h, _ := st.LeaseHolder(context.Background(), "inbox:1"); h != "a" {
			t.Errorf("holder %q while the work still runs", h)
		}
	})
}
