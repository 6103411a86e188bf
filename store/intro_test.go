package store

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
