package store

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/duijie/duijie/matcher"
)

// TestLoadProfiles: profiles written with AnalyseWith come back with their
// digests; one written without comes back without, to be read from its
// text; profiles still decode as plain profiles.
func TestLoadProfiles(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			prefix := testPrefix(t, b.rdb)
			plain, s := New(b.rdb, prefix), New(b.rdb, prefix)
			tax := matcher.Default()
			s.AnalyseWith(tax)
			var ps []matcher.Profile
			for i := range 2*loadBatch + 7 {
				p := profile("p"+strconv.Itoa(i), matcher.KindOffer, 0)
				p.Description = "Ceramic kiln temperature control for daily tableware"
				ps = append(ps, p)
			}
			if _, err := s.SaveProfiles(ctx, ps); err != nil {
				t.Fatal(err)
			}
			old := profile("old", matcher.KindNeed, 9)
			if _, err := plain.SaveProfile(ctx, old); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			digested := map[string]bool{}
			last := 0
			err := s.LoadProfiles(ctx, func(p matcher.Profile, d matcher.Digest) {
				mu.Lock()
				defer mu.Unlock()
				digested[p.ID] = d.Valid()
			}, func(done, total int) {
				mu.Lock()
				defer mu.Unlock()
				if total != len(ps)+1 || done <= last {
					t.Errorf("progress %d of %d after %d", done, total, last)
				}
				last = done
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(digested) != len(ps)+1 || last != len(ps)+1 {
				t.Fatalf("loaded %d, progress %d; want %d", len(digested), last, len(ps)+1)
			}
			for _, p := range ps {
				if !digested[p.ID] {
					t.Fatalf("%s loaded without its digest", p.ID)
				}
			}
			if digested["old"] {
				t.Error("a profile stored without a digest came with one")
			}
			got, err := s.Profile(ctx, ps[0].ID)
			if err != nil || got.Description != ps[0].Description {
				t.Errorf("Profile = %+v, %v", got, err)
			}
		})
	}
}
