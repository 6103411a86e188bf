package store

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

func TestIntros(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			t.Run("RequestAcceptOnce", func(t *testing.T) {
				s := New(b.rdb, testPrefix(t, b.rdb))
				out, in, err := s.RequestIntro(ctx, "n1", "o1", 10, 20, now)
				if err != nil || out != OutcomeRequested || in.State != IntroRequested || in.ToOwner != 20 {
					t.Fatalf("RequestIntro = %v %+v %v", out, in, err)
				}
				if out, _, _ := s.RequestIntro(ctx, "n1", "o1", 10, 20, now); out != OutcomeAlreadyRequested {
					t.Errorf("second request = %v, want already_requested", out)
				}
				if out, got, _ := s.AnswerIntro(ctx, in.ID, 99, true, now); out != OutcomeNotYours || got != (Intro{}) {
					t.Errorf("a third party's accept = %v %+v, want not_yours and nothing", out, got)
				}
				// Double press of Accept, concurrently: one connection.
				outs := make([]IntroOutcome, 8)
				var wg sync.WaitGroup
				for i := range outs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						outs[i], _, _ = s.AnswerIntro(ctx, in.ID, 20, true, now)
					}()
				}
				wg.Wait()
				sort.Slice(outs, func(i, j int) bool { return outs[i] > outs[j] })
				want := []IntroOutcome{OutcomeConnected, OutcomeAlreadyDecided, OutcomeAlreadyDecided, OutcomeAlreadyDecided,
					OutcomeAlreadyDecided, OutcomeAlreadyDecided, OutcomeAlreadyDecided, OutcomeAlreadyDecided}
				if diff := cmp.Diff(want, outs); diff != "" {
					t.Errorf("concurrent accepts (-want +got):\n%s", diff)
				}
				if out, _, _ := s.AnswerIntro(ctx, in.ID, 20, false, now); out != OutcomeAlreadyDecided {
					t.Errorf("decline after accept = %v", out)
				}
				if n, _ := s.Counter(ctx, CountConnections, time.Time{}); n != 1 {
					t.Errorf("connections counted %d, want 1", n)
				}
				if n, _ := s.Counter(ctx, CountIntrosRequested, now); n != 1 {
					t.Errorf("requests counted today %d, want 1", n)
				}
			})

			t.Run("BothAskAtOnce", func(t *testing.T) {
				s := New(b.rdb, testPrefix(t, b.rdb))
				var wg sync.WaitGroup
				outs := make([]IntroOutcome, 2)
				wg.Add(2)
				go func() { defer wg.Done(); outs[0], _, _ = s.RequestIntro(ctx, "n2", "o2", 10, 20, now) }()
				go func() { defer wg.Done(); outs[1], _, _ = s.RequestIntro(ctx, "o2", "n2", 20, 10, now) }()
				wg.Wait()
				sort.Slice(outs, func(i, j int) bool { return outs[i] > outs[j] })
				if outs[0] != OutcomeRequested || outs[1] != OutcomeConnected {
					t.Errorf("mutual requests = %v, want one requested and one connected", outs)
				}
			})

			t.Run("HeldRequestDoesNotConnect", func(t *testing.T) {
				s := New(b.rdb, testPrefix(t, b.rdb))
				_, in, _ := s.RequestHeldIntro(ctx, "n6", "o6", 10, 20, now)
				if out, _, _ := s.RequestIntro(ctx, "o6", "n6", 20, 10, now); out != OutcomeAwaitingApproval {
					t.Errorf("asking back while held = %v, want awaiting_approval", out)
				}
				s.HoldIntro(ctx, in.ID, false)
				if out, _, _ := s.RequestIntro(ctx, "o6", "n6", 20, 10, now); out != OutcomeConnected {
					t.Errorf("asking back once released = %v, want connected", out)
				}
			})

			t.Run("DeclineIsFinal", func(t *testing.T) {
				s := New(b.rdb, testPrefix(t, b.rdb))
				_, in, _ := s.RequestIntro(ctx, "n3", "o3", 10, 20, now)
				if out, _, _ := s.AnswerIntro(ctx, in.ID, 20, false, now); out != OutcomeDeclined {
					t.Fatalf("decline = %v", out)
				}
				if out, _, _ := s.RequestIntro(ctx, "n3", "o3", 10, 20, now); out != OutcomeDeclined {
					t.Errorf("asking again after a decline = %v, want declined", out)
				}
			})

			t.Run("ExpiredAndWithdrawn", func(t *testing.T) {
				s := New(b.rdb, testPrefix(t, b.rdb))
				_, in, _ := s.RequestIntro(ctx, "n4", "o4", 10, 20, now)
				if out, _, _ := s.AnswerIntro(ctx, in.ID, 20, true, now.Add(IntroTTL+time.Minute)); out != OutcomeExpired {
					t.Errorf("accept after expiry = %v", out)
				}
				_, in, _ = s.RequestIntro(ctx, "n5", "o5", 10, 20, now)
				if err := s.WithdrawIntros(ctx, "n5"); err != nil {
					t.Fatal(err)
				}
				if out, _, _ := s.AnswerIntro(ctx, in.ID, 20, true, now); out != OutcomeWithdrawn {
					t.Errorf("accept after the requester deleted the profile = %v", out)
				}
				if out, _, _ := s.AnswerIntro(ctx, "nope", 20, true, now); out != OutcomeWithdrawn {
					t.Errorf("accept of an unknown id = %v", out)
				}
			})
		})
	}
}

func TestBrokerHoldEnforced(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			_, in, err := s.RequestHeldIntro(ctx, "n1", "o1", 10, 20, now)
			if err != nil {
				t.Fatal(err)
			}
			// The recipient presses Accept (a forged button) while the
			// organizer has not approved: nothing changes.
			if out, got, _ := s.AnswerIntro(ctx, in.ID, 20, true, now); out != OutcomeAwaitingApproval || got.State != IntroRequested {
				t.Errorf("accept of a held request = %v %v, want awaiting_approval and still requested", out, got.State)
			}
			if out, _, _ := s.AnswerIntro(ctx, in.ID, 20, false, now); out != OutcomeAwaitingApproval {
				t.Errorf("decline of a held request = %v, want awaiting_approval", out)
			}
			if err := s.HoldIntro(ctx, in.ID, false); err != nil {
				t.Fatal(err)
			}
			if out, _, _ := s.AnswerIntro(ctx, in.ID, 20, true, now); out != OutcomeConnected {
				t.Errorf("accept once approved = %v, want connected", out)
			}
		})
	}
}

func TestIntroIDsNotGuessable(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			seen := map[string]bool{}
			for i := range 20 {
				_, in, err := s.RequestIntro(ctx, "n"+strconv.Itoa(i), "o", 10, 20, now)
				if err != nil {
					t.Fatal(err)
				}
				if len(in.ID) != 16 || !urlSafe(in.ID) || len("a/ia/"+in.ID) > 64 || seen[in.ID] {
					t.Errorf("intro id %q: want 16 fresh URL-safe characters", in.ID)
				}
				seen[in.ID] = true
			}
			for _, guess := range []string{"1", "2", "a", "10"} {
				if out, _, _ := s.AnswerIntro(ctx, guess, 20, true, now); out != OutcomeWithdrawn {
					t.Errorf("a guessed id %q = %v, want withdrawn", guess, out)
				}
			}
			// An id made before (a base-36 number) still answers its request.
			pair := s.k.intro("old1", "old2")
			b.rdb.HSet(ctx, pair, "id", "7", "from", "old1", "to", "old2", "from_owner", 10, "to_owner", 20,
				"state", "requested", "created", now.UnixMilli(), "expires", now.Add(IntroTTL).UnixMilli())
			b.rdb.Set(ctx, s.k.introID("7"), pair, 0)
			if out, in, _ := s.AnswerIntro(ctx, "7", 20, true, now); out != OutcomeConnected || in.ID != "7" {
				t.Errorf("accept of an old id = %v %+v, want connected", out, in)
			}
		})
	}
}

// errInjected is the failure failAfterScript gives.
var errInjected = errors.New("injected: connection lost")

// failAfterScript makes every command fail once a Lua script has run:
// what a kill -9 or a Redis blip does right after the state change.
type failAfterScript struct{ tripped atomic.Bool }

func (h *failAfterScript) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *failAfterScript) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if h.tripped.Load() {
			return errInjected
		}
		err := next(ctx, cmd)
		if name := cmd.Name(); (name == "evalsha" || name == "eval") && (err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT")) {
			h.tripped.Store(true)
		}
		return err
	}
}

func (h *failAfterScript) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if h.tripped.Load() {
			return errInjected
		}
		return next(ctx, cmds)
	}
}

// failingClient is a second client on b's Redis whose commands fail
// after the first script that runs.
func failingClient(t *testing.T, rdb redis.UniversalClient) redis.UniversalClient {
	t.Helper()
	var c redis.UniversalClient
	switch r := rdb.(type) {
	case *redis.Client:
		c = redis.NewClient(r.Options())
	case *redis.ClusterClient:
		c = redis.NewClusterClient(r.Options())
	default:
		t.Skipf("no failing client for %T", rdb)
	}
	t.Cleanup(func() { c.Close() })
	c.AddHook(&failAfterScript{})
	return c
}

// TestNoHalfConnection fails every write after the script of a
// request, an accept, a mutual request and a decline: a retry gets an outcome
// that Resume turns into the outcome of the change (the introduction
// says what it owes), OwedIntros lists it for a sweep, and once delivered
// it is done.
func TestNoHalfConnection(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			prefix := testPrefix(t, b.rdb)
			s := New(b.rdb, prefix)
			broken := func() *Store { return New(failingClient(t, b.rdb), prefix) }
			owed := func(want ...IntroOwed) {
				t.Helper()
				ins, err := s.OwedIntros(ctx, now.Add(time.Minute))
				if err != nil {
					t.Fatal(err)
				}
				var got []IntroOwed
				for _, in := range ins {
					got = append(got, in.Owed)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("owed intros (-want +got):\n%s", diff)
				}
			}

			// Request: the script runs, the next command fails.
			if _, _, err := broken().RequestIntro(ctx, "n1", "o1", 10, 20, now); !errors.Is(err, errInjected) {
				t.Fatalf("request with a failing write = %v", err)
			}
			owed(OwedRequest)
			out, in, err := s.RequestIntro(ctx, "n1", "o1", 10, 20, now)
			if err != nil || Resume(out, in) != OutcomeRequested || in.Owed != OwedRequest {
				t.Fatalf("retried request = %v %+v %v, want requested and the request owed", out, in, err)
			}
			if err := s.IntroDelivered(ctx, in); err != nil {
				t.Fatal(err)
			}
			owed()

			// Accept: the same.
			if _, _, err := broken().AnswerIntro(ctx, in.ID, 20, true, now); !errors.Is(err, errInjected) {
				t.Fatalf("accept with a failing write = %v", err)
			}
			owed(OwedConnect)
			out, got, err := s.AnswerIntro(ctx, in.ID, 20, true, now)
			if err != nil || Resume(out, got) != OutcomeConnected || got.Owed != OwedConnect {
				t.Fatalf("retried accept = %v %+v %v, want connected and contacts owed", out, got, err)
			}
			if out, in, _ := s.RequestIntro(ctx, "o1", "n1", 20, 10, now); Resume(out, in) != OutcomeConnected {
				t.Errorf("the other side asking meanwhile = %v, want connected (finish it)", out)
			}
			if err := s.IntroDelivered(ctx, got); err != nil {
				t.Fatal(err)
			}
			owed()
			if out, in, _ := s.AnswerIntro(ctx, in.ID, 20, true, now); Resume(out, in) != OutcomeAlreadyDecided {
				t.Errorf("accept after delivery = %v, want already_decided", out)
			}
			if n, _ := s.Counter(ctx, CountConnections, time.Time{}); n > 1 {
				t.Errorf("%d connections counted, want at most 1", n)
			}

			// Both ask: the second request connects, then fails.
			if _, in, err = s.RequestIntro(ctx, "n2", "o2", 10, 20, now); err != nil {
				t.Fatal(err)
			}
			s.IntroDelivered(ctx, in)
			if _, _, err := broken().RequestIntro(ctx, "o2", "n2", 20, 10, now); !errors.Is(err, errInjected) {
				t.Fatalf("mutual request with a failing write = %v", err)
			}
			owed(OwedConnect)
			if out, in, _ := s.RequestIntro(ctx, "o2", "n2", 20, 10, now); Resume(out, in) != OutcomeConnected {
				t.Errorf("retried mutual request = %v, want connected", out)
			}

			// Decline: the requester is owed the answer.
			if _, in, err = s.RequestIntro(ctx, "n3", "o3", 10, 20, now); err != nil {
				t.Fatal(err)
			}
			s.IntroDelivered(ctx, in)
			if _, _, err := broken().AnswerIntro(ctx, in.ID, 20, false, now); !errors.Is(err, errInjected) {
				t.Fatalf("decline with a failing write = %v", err)
			}
			if out, got, _ := s.AnswerIntro(ctx, in.ID, 20, false, now); Resume(out, got) != OutcomeDeclined || got.Owed != OwedDecline {
				t.Errorf("retried decline = %v %+v, want declined and the answer owed", out, got)
			}
			owed(OwedConnect, OwedDecline)

			// A withdrawn or rejected introduction owes nothing: a sweep
			// reveals nobody.
			if err := s.WithdrawIntros(ctx, "n2"); err != nil {
				t.Fatal(err)
			}
			if err := s.WithdrawIntros(ctx, "n3"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := broken().RequestHeldIntro(ctx, "n4", "o4", 10, 20, now); !errors.Is(err, errInjected) {
				t.Fatalf("held request with a failing write = %v", err)
			}
			owed(OwedRequest)
			_, in, _ = s.RequestHeldIntro(ctx, "n4", "o4", 10, 20, now)
			if err := s.RejectIntro(ctx, in.ID); err != nil {
				t.Fatal(err)
			}
			owed()
		})
	}
}
