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
// profiles' text.
func TestDigestRanksLikeText(t *testing.T) {
	tax := matcher.Default()
	ps := synth.Profiles(corpusSeed, 2000)
	fromText, fromDigest := matcher.NewIndex(tax), matcher.NewIndex(tax)
	for _, p := range ps {
		fromText.Upsert(p)
		d, err := tax.Decode(tax.Encode(tax.Digest(&p)))
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		fromDigest.UpsertDigest(p, d)
	}
	for _, q := range append(synth.Profiles(querySeed, 60), ps[:20]...) {
		want := fromText.Rank(matcher.Query{Profile: q, Limit: 20})
		got := fromDigest.Rank(matcher.Query{Profile: q, Limit: 20})
		if len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("query %s: ranks differ\n got %+v\nwant %+v", q.ID, got, want)
		}
	}
}

func TestDigestStale(t *testing.T) {
	tax := matcher.Default()
	p := synth.Profiles(corpusSeed, 1)[0]
	b := tax.Encode(tax.Digest(&p))
	other := append([]byte(nil), b...)
	other[3] ^= 1 // another fingerprint
	for name, x := range map[string][]byte{"other analysis": other, "cut short": b[:len(b)-3], "empty": nil} {
		if _, err := tax.Decode(x); !errors.Is(err, matcher.ErrStaleDigest) {
			t.Errorf("%s: err = %v, want ErrStaleDigest", name, err)
		}
	}
}
