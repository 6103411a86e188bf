package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/matcher"
	"github.com/google/go-cmp/cmp"
)

func TestManage(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))

			toks, err := s.MatchTokens(ctx, "n1", []string{"o1", "o2"})
			if err != nil || len(toks) != 2 || toks[0] == toks[1] {
				t.Fatalf("MatchTokens = %v, %v", toks, err)
			}
			if mine, theirs, err := s.MatchToken(ctx, toks[1]); err != nil || mine != "n1" || theirs != "o2" {
				t.Errorf("MatchToken = %s %s %v", mine, theirs, err)
			}
			if _, _, err := s.MatchToken(ctx, "zzz"); err != ErrNotFound {
				t.Errorf("unknown token: %v", err)
			}

			if err := s.DeclineMatch(ctx, "n1", "o2", "costly", now); err != nil {
				t.Fatal(err)
			}
			if d, _ := s.Declined(ctx, "n1"); !d["o2"] || len(d) != 1 {
				t.Errorf("Declined = %v", d)
			}
			// The press, then its reason, then a second thought and a
			// stale press: one pair declined, its first reason counted.
			for _, reason := range []string{"", "field", "costly", ""} {
				if err := s.DeclineMatch(ctx, "n1", "o1", reason, now); err != nil {
					t.Fatal(err)
				}
			}
			got := map[string]int64{}
			for _, name := range []string{CountNotRelevant, FeedbackCounter("costly"), FeedbackCounter("field"), FeedbackCounter("early")} {
				got[name], _ = s.Counter(ctx, name, time.Time{})
			}
			want := map[string]int64{CountNotRelevant: 2, FeedbackCounter("costly"): 1, FeedbackCounter("field"): 1, FeedbackCounter("early"): 0}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("feedback counters (-want +got):\n%s", diff)
			}

			if st, _ := s.Settings(ctx, 7); st.Notify != NotifyInstant {
				t.Errorf("default notify = %q", st.Notify)
			}
			if err := s.SetNotify(ctx, 7, "weekly"); err == nil {
				t.Error("an unknown mode was stored")
			}
			s.SetNotify(ctx, 7, NotifyDigest)
			if st, _ := s.Settings(ctx, 7); st.Notify != NotifyDigest {
				t.Errorf("notify = %q", st.Notify)
			}
		})
	}
}

// TestDeleteUserLeavesNothing stores a user with profiles, a session, an
// introduction, feedback and counters, deletes the user, and scans every
// key and value for their ids, username and text.
func TestDeleteUserLeavesNothing(t *testing.T) {
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			prefix := testPrefix(t, b.rdb)
			s := New(b.rdb, prefix)
			const me, other = 777001, 888002
			s.TouchUser(ctx, User{ID: me, Username: "secret_handle", Name: "Zhang Wei", SeenAt: now})
			s.TouchUser(ctx, User{ID: other, Username: "other_user", SeenAt: now})
			mine := profile("pmine", matcher.KindNeed, me)
			mine.Description = "UniqueSecretTextOfTheUser about rusting rods"
			theirs := profile("ptheirs", matcher.KindOffer, other)
			s.SaveProfile(ctx, mine)
			s.SaveProfile(ctx, theirs)
			s.SaveSession(ctx, me, []byte(`{"texts":["UniqueSecretTextOfTheUser"]}`))
			s.RequestIntro(ctx, "pmine", "ptheirs", me, other, now)
			s.DeclineMatch(ctx, "pmine", "pother", "field", now)
			s.SetNotify(ctx, me, NotifyOff)
			s.MarkUnreachable(ctx, me, now)

			exp, err := s.ExportUser(ctx, me)
			if err != nil || len(exp.Profiles) != 1 || len(exp.Intros) != 1 || exp.User.Username != "secret_handle" {
				t.Fatalf("export = %+v, %v", exp, err)
			}
			if err := s.DeleteUser(ctx, me); err != nil {
				t.Fatal(err)
			}
			all, err := s.Dump(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for key, val := range all {
				for _, secret := range []string{"777001", "secret_handle", "Zhang Wei", "UniqueSecretTextOfTheUser"} {
					if strings.Contains(key, secret) || strings.Contains(val, secret) {
						t.Errorf("after delete, key %s still holds %q: %.120s", key, secret, val)
					}
				}
			}
			in := exp.Intros[0]
			if _, err := s.Intro(ctx, in.ID); err != ErrNotFound {
				t.Errorf("the introduction record is still there: %v", err)
			}
			if out, _, _ := s.AnswerIntro(ctx, in.ID, other, true, now); out != OutcomeWithdrawn {
				t.Errorf("the other side's press after the delete = %v, want withdrawn", out)
			}
			if n, _ := s.Counter(ctx, CountIntrosRequested, time.Time{}); n != 1 {
				t.Errorf("the anonymous count of intros is %d, want 1 kept", n)
			}
			if p, err := s.Profile(ctx, "ptheirs"); err != nil || p.OwnerID != other {
				t.Errorf("the other user's profile was touched: %+v %v", p, err)
			}
		})
	}
}
