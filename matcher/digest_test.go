package matcher_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/duijie/duijie/internal/synth"
	"github.com/duijie/duijie/matcher"
)

// TestDigestRanksLikeText: an index built from stored digests (encoded and
// decoded, as the store keeps them) ranks exactly like one built from the
// profiles' text: digests with the profile's fields (a profile read
// without its JSON), digests written before those were kept (with the
// profile decoded), and a batch of either as a replica's start builds it.
func TestDigestRanksLikeText(t *testing.T) {
	tax := matcher.Default()
	ps := synth.Profiles(corpusSeed, 2000)
	fromText, fromCard, fromBare, fromBatch := matcher.NewIndex(tax), matcher.NewIndex(tax), matcher.NewIndex(tax), matcher.NewIndex(tax)
	batch := fromBatch.NewBatch()
	for i, p := range ps {
		fromText.Upsert(p)
		d, err := tax.Decode(tax.Encode(&p, tax.Digest(&p)))
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		kept, ok := d.Profile()
		if !ok {
			t.Fatalf("%s: decoded digest holds no profile", p.ID)
		}
		if want, _ := fromText.Get(p.ID); !reflect.DeepEqual(kept, want) {
			t.Fatalf("%s: digest keeps\n%+v\nindex keeps\n%+v", p.ID, kept, want)
		}
		fromCard.UpsertDigest(kept, d)
		bare, err := tax.Decode(matcher.EncodeBare(tax, tax.Digest(&p)))
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		if _, ok := bare.Profile(); ok {
			t.Fatalf("%s: bare digest holds a profile", p.ID)
		}
		fromBare.UpsertDigest(p, bare)
		if i%2 == 0 {
			batch.Add(kept, d)
		} else {
			batch.Add(p, bare)
		}
	}
	batch.Commit()
	for _, q := range append(synth.Profiles(querySeed, 60), ps[:20]...) {
		want := fromText.Rank(matcher.Query{Profile: q, Limit: 20})
		if len(want) == 0 {
			continue
		}
		for name, ix := range map[string]*matcher.Index{"card": fromCard, "bare": fromBare, "batch": fromBatch} {
			if got := ix.Rank(matcher.Query{Profile: q, Limit: 20}); !reflect.DeepEqual(got, want) {
				t.Fatalf("query %s, index from %s digests: ranks differ\n got %+v\nwant %+v", q.ID, name, got, want)
			}
		}
	}
}

func TestDigestStale(t *testing.T) {
	tax := matcher.Default()
	p := synth.Profiles(corpusSeed, 1)[0]
	b := tax.Encode(&p, tax.Digest(&p))
	other := append([]byte(nil), b...)
	other[3] ^= 1 // another fingerprint
	for name, x := range map[string][]byte{"other analysis": other, "cut short": b[:len(b)-3], "empty": nil} {
		if _, err := tax.Decode(x); !errors.Is(err, matcher.ErrStaleDigest) {
			t.Errorf("%s: err = %v, want ErrStaleDigest", name, err)
		}
	}
}
