package store

import (
	"context"
	"encoding/json"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
)

func TestClaims(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))

			codes, err := s.ClaimCodes(ctx, []string{"o1", "o2"})
			if err != nil || len(codes) != 2 || codes["o1"] == codes["o2"] {
				t.Fatalf("ClaimCodes = %v, %v", codes, err)
			}
			for id, c := range codes {
				if len(c) != ClaimCodeLen || !validClaimCode(c) || len("claim_"+c) > 64 {
					t.Errorf("code of %s = %q: not a deep-link payload", id, c)
				}
			}
			again, err := s.ClaimCodes(ctx, []string{"o2", "o1", "o3"})
			if err != nil || again["o1"] != codes["o1"] || again["o2"] != codes["o2"] || again["o3"] == "" {
				t.Errorf("second ClaimCodes = %v, %v; want the same codes and a new one for o3", again, err)
			}

			if id, st, err := s.LookupClaim(ctx, codes["o1"]); id != "o1" || st != ClaimOpen || err != nil {
				t.Errorf("LookupClaim = %q %v %v", id, st, err)
			}
			for _, bad := range []string{"", "nope", codes["o1"][:21] + "!", codes["o1"] + "x"} {
				if id, st, err := s.LookupClaim(ctx, bad); id != "" || st != ClaimUnknown || err != nil {
					t.Errorf("LookupClaim(%q) = %q %v %v", bad, id, st, err)
				}
				if _, st, _ := s.UseClaim(ctx, bad); st != ClaimUnknown {
					t.Errorf("UseClaim(%q) = %v", bad, st)
				}
			}

			// Eight presses at once: one uses the code.
			states := make([]string, 8)
			var wg sync.WaitGroup
			for i := range states {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id, st, err := s.UseClaim(ctx, codes["o1"])
					if err != nil || id != "o1" {
						t.Errorf("UseClaim = %q %v", id, err)
					}
					states[i] = string(st)
				}()
			}
			wg.Wait()
			sort.Strings(states)
			if diff := cmp.Diff([]string{"open", "used", "used", "used", "used", "used", "used", "used"}, states); diff != "" {
				t.Errorf("concurrent claims (-want +got):\n%s", diff)
			}
			if _, st, _ := s.LookupClaim(ctx, codes["o1"]); st != ClaimUsed {
				t.Errorf("used code looks %v", st)
			}
			// A used profile gets a new code only when asked again (its owner was not set).
			fresh, _ := s.ClaimCodes(ctx, []string{"o1"})
			if fresh["o1"] == codes["o1"] || fresh["o1"] == "" {
				t.Errorf("code after use = %q, want a new one", fresh["o1"])
			}
		})
	}
}

func TestAddressIntros(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			// Three needs asked of the unowned offer o1: one waits, one expired, one was asked of another.
			_, waiting, _ := s.RequestIntro(ctx, "n1", "o1", 10, 0, now)
			_, old, _ := s.RequestIntro(ctx, "n2", "o1", 11, 0, now.Add(-IntroTTL-time.Hour))
			s.RequestIntro(ctx, "n3", "o2", 12, 0, now)

			got, err := s.AddressIntros(ctx, "o1", 77, now)
			if err != nil || len(got) != 1 || got[0].ID != waiting.ID || got[0].ToOwner != 77 {
				t.Fatalf("AddressIntros = %+v, %v; want the waiting one", got, err)
			}
			if in, _ := s.Intro(ctx, old.ID); in.ToOwner != 77 {
				t.Errorf("the expired intro kept owner %d", in.ToOwner)
			}
			if again, err := s.AddressIntros(ctx, "o1", 88, now); len(again) != 0 || err != nil {
				t.Errorf("second AddressIntros = %+v, %v; want none", again, err)
			}
			// The new owner answers; the requester's request is a connection.
			if out, _, _ := s.AnswerIntro(ctx, waiting.ID, 77, true, now); out != OutcomeConnected {
				t.Errorf("owner's accept = %v", out)
			}
			if in, _ := s.Intro(ctx, waiting.ID); in.ToOwner != 77 {
				t.Errorf("to_owner = %d after a second claim, want 77", in.ToOwner)
			}
		})
	}
}

func TestStamps(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			if _, err := s.SaveProfiles(ctx, []matcher.Profile{profile("a", matcher.KindOffer, 0), profile("b", matcher.KindNeed, 5)}); err != nil {
				t.Fatal(err)
			}
			got, err := s.Stamps(ctx, []string{"a", "b", "c"})
			want := map[string]Stamp{
				"a": {Status: matcher.StatusActive, CreatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)},
				"b": {OwnerID: 5, Status: matcher.StatusActive, CreatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)},
			}
			if diff := cmp.Diff(want, got); diff != "" || err != nil {
				t.Errorf("Stamps (-want +got), %v:\n%s", err, diff)
			}
		})
	}
}

func TestBrokerHeld(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			msg := json.RawMessage(`{"Text":"hello"}`)
			h1, err := s.HoldMessage(ctx, Held{Kind: "intro", From: 10, To: 20, Key: "intro:1", Message: msg, Note: "n"}, now)
			if err != nil || h1.ID == "" || h1.State != HeldPending {
				t.Fatalf("HoldMessage = %+v, %v", h1, err)
			}
			h2, _ := s.HoldMessage(ctx, Held{Kind: "match", To: 30, Key: "m", Message: msg}, now.Add(time.Second))
			pending, err := s.PendingHeld(ctx)
			if err != nil || len(pending) != 2 || pending[0].ID != h1.ID || pending[1].ID != h2.ID || string(pending[0].Message) != string(msg) {
				t.Fatalf("PendingHeld = %+v, %v", pending, err)
			}

			// Two organizers press at once: one decision.
			changed := make([]bool, 6)
			var wg sync.WaitGroup
			for i := range changed {
				wg.Add(1)
				go func() {
					defer wg.Done()
					h, ch, err := s.DecideHeld(ctx, h1.ID, i%2 == 0)
					if err != nil || h.To != 20 {
						t.Errorf("DecideHeld = %+v %v", h, err)
					}
					changed[i] = ch
				}()
			}
			wg.Wait()
			n := 0
			for _, c := range changed {
				if c {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d decisions took effect, want 1", n)
			}
			if h, ch, _ := s.DecideHeld(ctx, "zz", true); ch || h.State != HeldUnknown {
				t.Errorf("unknown id decided: %+v %v", h, ch)
			}

			// A failed delivery puts an approved message back.
			if _, ch, _ := s.DecideHeld(ctx, h2.ID, true); !ch {
				t.Fatal("approve h2 failed")
			}
			if err := s.ReopenHeld(ctx, h2.ID); err != nil {
				t.Fatal(err)
			}
			if p, _ := s.PendingHeld(ctx); len(p) != 1 || p[0].ID != h2.ID {
				t.Errorf("after reopen pending = %+v", p)
			}

			if err := s.ForgetHeld(ctx, 10); err != nil {
				t.Fatal(err)
			}
			if h, _, _ := s.DecideHeld(ctx, h1.ID, true); h.State != HeldUnknown {
				t.Errorf("held message of a deleted user still there: %+v", h)
			}
		})
	}
}

func TestRejectIntro(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			_, in, _ := s.RequestIntro(ctx, "n1", "o1", 10, 20, now)
			if err := s.RejectIntro(ctx, in.ID); err != nil {
				t.Fatal(err)
			}
			if out, _, _ := s.AnswerIntro(ctx, in.ID, 20, true, now); out == OutcomeConnected {
				t.Errorf("a rejected request was accepted")
			}
			if out, again, _ := s.RequestIntro(ctx, "o1", "n1", 20, 10, now); out != OutcomeRequested || again.ID == in.ID || again.From != "o1" {
				t.Errorf("request the other way after a rejection = %v %+v, want a new request (no connection)", out, again)
			}
			// A decided introduction stays decided.
			_, in2, _ := s.RequestIntro(ctx, "n2", "o2", 10, 20, now)
			s.AnswerIntro(ctx, in2.ID, 20, true, now)
			s.RejectIntro(ctx, in2.ID)
			if got, _ := s.Intro(ctx, in2.ID); got.State != IntroAccepted {
				t.Errorf("rejecting an accepted intro made it %v", got.State)
			}
			if err := s.RejectIntro(ctx, "nope"); err != nil {
				t.Errorf("unknown id: %v", err)
			}
		})
	}
}

// TestClaimRace: twelve holders of one code press Confirm at
// once; exactly one is told the profile is theirs, and only they read,
// export or delete it.
func TestClaimRace(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			if _, err := s.SaveProfile(ctx, profile("o1", matcher.KindOffer, 0)); err != nil {
				t.Fatal(err)
			}
			codes, err := s.ClaimCodes(ctx, []string{"o1"})
			if err != nil {
				t.Fatal(err)
			}
			states := make([]ClaimState, 12)
			var wg sync.WaitGroup
			for i := range states {
				wg.Add(1)
				go func() {
					defer wg.Done()
					p, st, err := s.ClaimProfile(ctx, codes["o1"], int64(101+i), now)
					if err != nil || p.ID != "o1" {
						t.Errorf("ClaimProfile = %+v %v", p, err)
					}
					states[i] = st
				}()
			}
			wg.Wait()
			var winner int64
			for i, st := range states {
				switch st {
				case ClaimOpen:
					if winner != 0 {
						t.Errorf("users %d and %d both claimed the profile", winner, 101+i)
					}
					winner = int64(101 + i)
				case ClaimUsed:
				default:
					t.Errorf("user %d: %v", 101+i, st)
				}
			}
			if winner == 0 {
				t.Fatal("nobody claimed the profile")
			}
			if p, _ := s.Profile(ctx, "o1"); p.OwnerID != winner {
				t.Errorf("owner %d, want the winner %d", p.OwnerID, winner)
			}
			if p, st, err := s.ClaimProfile(ctx, codes["o1"], winner, now); st != ClaimYours || p.OwnerID != winner || err != nil {
				t.Errorf("the winner's retry = %v %d %v, want yours", st, p.OwnerID, err)
			}
			for u := int64(101); u <= 112; u++ {
				if ps, _ := s.ProfilesOf(ctx, u); u != winner && len(ps) != 0 {
					t.Errorf("ProfilesOf(loser %d) = %d profiles", u, len(ps))
				}
			}
		})
	}
}

// TestReadsCheckOwner: a profile left in a former owner's set
// (what the old race saved) is not theirs to export or delete.
func TestReadsCheckOwner(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			s.SaveProfile(ctx, profile("o1", matcher.KindOffer, 201))
			s.SaveProfile(ctx, profile("o1", matcher.KindOffer, 202))
			if ps, err := s.ProfilesOf(ctx, 201); len(ps) != 0 || err != nil {
				t.Errorf("ProfilesOf(former owner) = %+v %v", ps, err)
			}
			if d, err := s.ExportUser(ctx, 201); len(d.Profiles) != 0 || err != nil {
				t.Errorf("export of the former owner holds %d profiles, %v", len(d.Profiles), err)
			}
			if err := s.DeleteUser(ctx, 201); err != nil {
				t.Fatal(err)
			}
			if p, err := s.Profile(ctx, "o1"); err != nil || p.OwnerID != 202 {
				t.Errorf("after the former owner's delete: %+v %v, want the owner's profile kept", p, err)
			}
			if ps, _ := s.ProfilesOf(ctx, 202); len(ps) != 1 {
				t.Errorf("ProfilesOf(owner) = %d profiles, want 1", len(ps))
			}
		})
	}
}

// TestClaimCodeEdges: codes begin and end with a letter or digit, so one
// pasted after /claim never looks like an option.
func TestClaimCodeEdges(t *testing.T) {
	for range 2000 {
		code, err := newClaimCode()
		if err != nil {
			t.Fatal(err)
		}
		if !validClaimCode(code) || !alnum(code[0]) || !alnum(code[len(code)-1]) {
			t.Fatalf("bad code %q", code)
		}
	}
}
