package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEvents(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s := New(b.rdb, testPrefix(t, b.rdb))
			if ok, err := s.KnownEvent(ctx, "qxwq2026"); ok || err != nil {
				t.Fatalf("KnownEvent before = %v %v", ok, err)
			}
			for _, u := range []int64{1, 2, 2} {
				if err := s.ArriveByEvent(ctx, "qxwq2026", u); err != nil {
					t.Fatal(err)
				}
			}
			if tag, err := s.UserEvent(ctx, 2); tag != "qxwq2026" || err != nil {
				t.Errorf("UserEvent = %q %v", tag, err)
			}
			if tag, err := s.UserEvent(ctx, 3); tag != "" || err != nil {
				t.Errorf("UserEvent of a user without event = %q %v", tag, err)
			}
			if err := s.EventProfile(ctx, "qxwq2026", "p1"); err != nil {
				t.Fatal(err)
			}
			got, err := s.EventCountsOf(ctx, "qxwq2026")
			if diff := cmp.Diff(EventCounts{Users: 2, Profiles: 1}, got); diff != "" || err != nil {
				t.Errorf("counts (-want +got):\n%s %v", diff, err)
			}
			if err := s.NoteEvent(ctx, "EXPO-2026"); err != nil {
				t.Fatal(err)
			}
			for tag, want := range map[string]bool{"qxwq2026": true, "EXPO-2026": true, "千校万企": false} {
				if ok, err := s.KnownEvent(ctx, tag); ok != want || err != nil {
					t.Errorf("KnownEvent(%q) = %v %v", tag, ok, err)
				}
			}
		})
	}
}
