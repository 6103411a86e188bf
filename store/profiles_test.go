package store

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
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
			// Longer than what is read first: read whole.
			ps[1].Embedding = make([]float32, loadPrefix/2)
			ps[1].Embedding[0] = 1
			old := profile("old", matcher.KindNeed, 9)
			old.Description = strings.Repeat("Kiln control. ", loadPrefix/10)
			if _, err := plain.SaveProfile(ctx, old); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			digested := map[string]bool{}
			descriptions := map[string]string{}
			last := 0
			err := s.LoadProfiles(ctx, func(p matcher.Profile, d matcher.Digest) {
				mu.Lock()
				defer mu.Unlock()
				digested[p.ID] = d.Valid()
				descriptions[p.ID] = p.Description
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
			if digested["old"] || descriptions["old"] != old.Description {
				t.Error("a profile stored without a digest came with one, or without its text")
			}
			got, err := s.Profile(ctx, ps[0].ID)
			if err != nil || got.Description != ps[0].Description {
				t.Errorf("Profile = %+v, %v", got, err)
			}
		})
	}
}

// TestLoadProfilesLayouts: a profile is stored with its digest first, and
// the index built from it holds the same as from a profile stored as
// before: digest after the fields (read from the JSON), or none (read
// from the text).
func TestLoadProfilesLayouts(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			tax := matcher.Default()
			p := profile("p1", matcher.KindNeed, 42)
			p.Description = "Ceramic kiln temperature control for daily tableware"
			p.Org, p.Region, p.Tags, p.Modes = "Jingdezhen Porcelain Co.", "Jingdezhen, Jiangxi", []string{"expo"}, []matcher.Mode{matcher.ModeTransfer, matcher.ModeLicense}
			p.Embedding = []float32{3, 4}
			d := tax.Digest(&p)
			before, err := json.Marshal(struct {
				matcher.Profile
				Digest []byte `json:"digest"`
			}{p, tax.Encode(&p, d)})
			if err != nil {
				t.Fatal(err)
			}
			plain, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			now := New(b.rdb, testPrefix(t, b.rdb))
			now.AnalyseWith(tax)
			current, err := now.encodeProfile(&p, d)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(current, []byte(digestPrefix)) {
				t.Fatalf("stored profile starts %.20q, want %q", current, digestPrefix)
			}
			var kept []matcher.Profile
			for _, v := range [][]byte{current, before, plain} {
				var buf loadBuffers
				got, d, err := now.decodeLoaded(string(v), &buf)
				if err != nil {
					t.Fatal(err)
				}
				if d.Valid() == bytes.Equal(v, plain) {
					t.Fatalf("%.30q: read with a digest %v", v, d.Valid())
				}
				ix := matcher.NewIndex(tax)
				ix.UpsertDigest(got, d)
				k, _ := ix.Get(p.ID)
				kept = append(kept, k)
			}
			if !reflect.DeepEqual(kept[0], kept[1]) || !reflect.DeepEqual(kept[0], kept[2]) {
				t.Fatalf("indexes keep\n%+v\n%+v\n%+v", kept[0], kept[1], kept[2])
			}
		})
	}
}
