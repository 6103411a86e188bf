package synth

import (
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
)

func TestProfilesDeterministic(t *testing.T) {
	a, b := Profiles(7, 500), Profiles(7, 500)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different profiles (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(a[:100], Profiles(7, 100)); diff != "" {
		t.Fatalf("Profiles(7, 100) is not a prefix of Profiles(7, 500) (-want +got):\n%s", diff)
	}
	other := Profiles(8, 500)
	same := 0
	for i := range a {
		if a[i].Description == other[i].Description {
			same++
		}
	}
	if same > 5 {
		t.Errorf("seeds 7 and 8 share %d of 500 descriptions", same)
	}
}

func TestProfilesValidAndMixed(t *testing.T) {
	const n = 2000
	ps := Profiles(1, n)
	ids := map[string]bool{}
	count := map[string]int{}
	runes := map[matcher.Lang]int{}
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			t.Fatalf("%s: %v\n%+v", p.ID, err, p)
		}
		if ids[p.ID] {
			t.Fatalf("id %s twice", p.ID)
		}
		ids[p.ID] = true
		count[string(p.Kind)]++
		count[string(p.Lang)]++
		if got := matcher.DetectLang(p.Title + " " + p.Description); got != p.Lang {
			t.Errorf("%s: lang %s, text reads as %s: %s", p.ID, p.Lang, got, p.Description)
		}
		runes[p.Lang] += utf8.RuneCountInString(p.Title + p.Description)
	}
	for _, k := range []string{"offer", "need", "zh", "en"} {
		if c := count[k]; c < n*4/10 || c > n*6/10 {
			t.Errorf("%d of %d profiles are %s, want about half", c, n, k)
		}
	}
	// Lengths of the hand-written sets: about 150-200 characters in
	// Chinese, 400-550 in English.
	for _, want := range []struct {
		lang   matcher.Lang
		lo, hi int
	}{{matcher.LangZH, 110, 260}, {matcher.LangEN, 330, 650}} {
		if avg := runes[want.lang] / count[string(want.lang)]; avg < want.lo || avg > want.hi {
			t.Errorf("%s profiles average %d characters, want %d-%d", want.lang, avg, want.lo, want.hi)
		}
	}
}

// Generated profiles are about what their words say: the offline
// analyzer finds concepts in nearly all of them.
func TestProfilesCarryConcepts(t *testing.T) {
	tax := matcher.Default()
	without := 0
	ps := Profiles(3, 300)
	for _, p := range ps {
		if a := tax.Analyze(p.Kind, p.Text()); len(a.Concepts) == 0 {
			without++
		}
	}
	if without > len(ps)/20 {
		t.Errorf("%d of %d profiles have no taxonomy concept", without, len(ps))
	}
}
