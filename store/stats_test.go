package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStatsReads(t *testing.T) {
	day1 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))

			t.Run("Users", func(t *testing.T) {
				for _, u := range []User{{ID: 1, SeenAt: day1}, {ID: 1, SeenAt: day2}, {ID: 2, SeenAt: day2}, {ID: 3, SeenAt: day2}} {
					if err := s.TouchUser(ctx, u); err != nil {
						t.Fatal(err)
					}
				}
				n, err := s.CountUsers(ctx)
				if err != nil || n != 3 {
					t.Errorf("CountUsers = %d, %v; want 3", n, err)
				}
				got := map[string]int64{}
				for name, day := range map[string]time.Time{"total": {}, "day1": day1, "day2": day2} {
					got[name], _ = s.Counter(ctx, CountNewUsers, day)
				}
				if diff := cmp.Diff(map[string]int64{"total": 3, "day1": 1, "day2": 2}, got); diff != "" {
					t.Errorf("new users (-want +got):\n%s", diff)
				}
			})

			t.Run("CountBy", func(t *testing.T) {
				for _, n := range []int64{5, 0, 3} {
					if err := s.CountBy(ctx, CountMatchesShown, n, day1); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.Count(ctx, CountMatchesShown, day2); err != nil {
					t.Fatal(err)
				}
				total, _ := s.Counter(ctx, CountMatchesShown, time.Time{})
				d1, _ := s.Counter(ctx, CountMatchesShown, day1)
				if total != 9 || d1 != 8 {
					t.Errorf("matches shown = %d total, %d on day 1; want 9 and 8", total, d1)
				}
			})

			t.Run("IntrosOf", func(t *testing.T) {
				_, a, _ := s.RequestIntro(ctx, "n1", "o1", 10, 20, day1)
				_, _, _ = s.RequestIntro(ctx, "o2", "n1", 30, 10, day2)
				_, _, _ = s.RequestIntro(ctx, "n2", "o1", 40, 20, day1)
				if out, _, err := s.AnswerIntro(ctx, a.ID, 20, true, day2); err != nil || out != OutcomeConnected {
					t.Fatalf("accept = %v, %v", out, err)
				}
				got, err := s.IntrosOf(ctx, "n1")
				if err != nil {
					t.Fatal(err)
				}
				type brief struct {
					From, To string
					State    IntroState
				}
				var briefs []brief
				for _, in := range got {
					briefs = append(briefs, brief{in.From, in.To, in.State})
				}
				want := []brief{{"n1", "o1", IntroAccepted}, {"o2", "n1", IntroRequested}}
				if diff := cmp.Diff(want, briefs); diff != "" {
					t.Errorf("IntrosOf(n1) (-want +got):\n%s", diff)
				}
				if got, err := s.IntrosOf(ctx, "nobody"); err != nil || len(got) != 0 {
					t.Errorf("IntrosOf(nobody) = %v, %v; want none", got, err)
				}
			})
		})
	}
}
