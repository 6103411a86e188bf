package matcher

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

func offerOf(id, title, desc string) Profile {
	return Profile{ID: id, Kind: KindOffer, Status: StatusActive, Lang: LangEN, Title: title, Description: desc}
}

// A need whose counterparts share only a stray word gets weak matches
// only: the caller says there is no good match yet.
func TestWeakMatchesAreNoGoodMatch(t *testing.T) {
	ix := NewIndex(Default())
	ix.Upsert(offerOf("o1", "Kiln temperature controller", "A PID controller for tunnel kilns that cuts gas use; suits factories with old kilns."))
	ix.Upsert(offerOf("o2", "Drone crop spraying service", "Spraying of pesticides by drone for rice farms; our factories build drones."))
	need := Profile{ID: "n1", Kind: KindNeed, Status: StatusActive, Lang: LangEN,
		Title: "Tea leaves turn red while withering", Description: "Our tea factory in Anhui sees leaves turn red before rolling."}
	ms := ix.Rank(Query{Profile: need})
	if Good(ms) {
		t.Fatalf("a good match among %v", scores(ms))
	}
	for _, m := range ms {
		if m.Band() != BandWeak {
			t.Errorf("%s: band %s at score %.3f, want weak", m.Profile.ID, m.Band(), m.Score)
		}
	}
}

// Near-duplicates collapse into the best of them, which names the
// others; the next page ("more") goes on after the first.
func TestDuplicatesCollapseAndPagesFollow(t *testing.T) {
	ix := NewIndex(Default())
	desc := "Laser cladding of corrosion resistant alloy coatings on hydraulic cylinder rods, replacing hard chrome plating, %s."
	for i := range 4 {
		ix.Upsert(offerOf(fmt.Sprintf("dup%d", i), "Laser cladding instead of hard chrome plating", fmt.Sprintf(desc, []string{"shown on mining props", "tested on mining props", "used on mining props", "proven on mining props"}[i])))
	}
	ix.Upsert(offerOf("other1", "Thermal spray coatings for pump shafts", "HVOF thermal spray of carbide coatings against wear and corrosion on pump shafts."))
	ix.Upsert(offerOf("other2", "Electroless nickel plating line", "Electroless nickel plating for corrosion protection of hydraulic parts."))
	need := Profile{ID: "n1", Kind: KindNeed, Status: StatusActive, Lang: LangEN,
		Title: "Replace hard chrome plating on hydraulic cylinder rods", Description: "Chrome plating on our hydraulic cylinder rods corrodes; we need a laser cladding or other corrosion resistant coating."}
	ms := ix.Rank(Query{Profile: need, Limit: 2})
	if len(ms) == 0 || len(ms[0].Similar) != 3 {
		t.Fatalf("first match %v similar %v, want one of dup0..3 standing for the three others", ids(ms), ms[0].Similar)
	}
	n := 0
	for _, m := range ms {
		if slices.Contains([]string{"dup0", "dup1", "dup2", "dup3"}, m.Profile.ID) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("page one %v lists %d of the duplicates, want 1", ids(ms), n)
	}
	more := ix.Rank(Query{Profile: need, Limit: 2, Offset: 2})
	all := ix.Rank(Query{Profile: need, Limit: 4})
	if got, want := ids(append(ms, more...)), ids(all); !slices.Equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
}

// Of two counterparts that say the same, the one whose owner can answer
// comes first (and stands for the other).
func TestClaimedOwnerWinsATie(t *testing.T) {
	need := Profile{ID: "n1", Kind: KindNeed, Status: StatusActive, Lang: LangEN,
		Title: "Fish die at night in our ponds", Description: "Dissolved oxygen drops at night; we need aerator control."}
	for _, claimed := range []string{"", "a", "b"} {
		ix := NewIndex(Default())
		for _, id := range []string{"a", "b"} {
			p := offerOf(id, "Fish pond aerator controller", "Dissolved oxygen sensor and aerator control for fish ponds.")
			if id == claimed {
				p.OwnerID = 42
			}
			ix.Upsert(p)
		}
		want := claimed
		if want == "" {
			want = "a" // a tie breaks by id
		}
		ms := ix.Rank(Query{Profile: need})
		if len(ms) != 1 || ms[0].Profile.ID != want || len(ms[0].Similar) != 1 {
			t.Errorf("claimed %q: ranking %v %v, want %s standing for the other", claimed, ids(ms), scores(ms), want)
		}
	}
}

// One score: the list and the pair explanation give the same number, and
// the percent and band of a score agree.
func TestOneScoreOneScale(t *testing.T) {
	ix := NewIndex(Default())
	ix.Upsert(offerOf("o1", "Fish pond aerator controller", "Dissolved oxygen sensor and aerator control for fish ponds."))
	need := Profile{ID: "n1", Kind: KindNeed, Status: StatusActive, Lang: LangEN,
		Title: "Fish die at night in our ponds", Description: "Dissolved oxygen drops at night; we need aerator control."}
	ms := ix.Rank(Query{Profile: need})
	pm, ok := ix.Pair(need, "o1")
	if len(ms) != 1 || !ok || ms[0].Percent() != pm.Percent() || ms[0].Score != pm.Score {
		t.Fatalf("list %v, pair %.4f", scores(ms), pm.Score)
	}
	last := -1
	for i := 0; i <= 100; i++ {
		s := float64(i) / 100
		p := Percent(s)
		if p < last || p < 0 || p > 100 {
			t.Fatalf("Percent(%.2f) = %d after %d", s, p, last)
		}
		last = p
		want := map[Band][2]int{BandWeak: {0, 39}, BandPossible: {40, 59}, BandGood: {60, 79}, BandStrong: {80, 100}}[BandOf(s)]
		if p < want[0] || p > want[1] {
			t.Errorf("score %.2f: %d%% in band %s", s, p, BandOf(s))
		}
	}
}

func scores(ms []Match) []float64 {
	var out []float64
	for _, m := range ms {
		out = append(out, m.Score)
	}
	return out
}

// Of near-duplicates, the one whose owner can answer stands for the
// others even when another scores a little higher.
func TestClaimedDuplicateStandsForTheOthers(t *testing.T) {
	desc := "Dissolved oxygen sensor and aerator control for fish ponds, with alarms on the phone at night."
	listed := offerOf("listed", "Fish pond aerator controller for night oxygen", desc)
	claimed := offerOf("claimed", "Fish pond aerator controller", desc)
	claimed.OwnerID = 42
	ix := NewIndex(Default())
	ix.Upsert(listed)
	ix.Upsert(claimed)
	need := Profile{ID: "n1", Kind: KindNeed, Status: StatusActive, Lang: LangEN,
		Title: "Fish die at night in our ponds", Description: "Dissolved oxygen drops at night; we need aerator control."}
	ms := ix.Rank(Query{Profile: need})
	if len(ms) != 1 || ms[0].Profile.ID != "claimed" || !slices.Equal(ms[0].Similar, []string{"listed"}) {
		t.Fatalf("ranking %v, similar %v, want claimed standing for listed", ids(ms), ms[0].Similar)
	}
}

// TestOneScoreForAPair checks that a pair gets the same score in the list
// of either side and from Pair either way, over the broad labelled set.
func TestOneScoreForAPair(t *testing.T) {
	ps, _ := readLabelled(t, filepath.Join("testdata", "broad"))
	ix := NewIndex(Default())
	byID := map[string]Profile{}
	for i := range ps {
		an := Default().Analyze(ps[i].Kind, ps[i].Text())
		an.Apply(&ps[i])
		ix.Upsert(ps[i])
		byID[ps[i].ID] = ps[i]
	}
	listed := map[[2]string]float64{} // need, offer → score in a list
	for _, p := range ps {
		for _, m := range ix.Rank(Query{Profile: p, Limit: 10}) {
			key := [2]string{p.ID, m.Profile.ID}
			if p.Kind == KindOffer {
				key = [2]string{m.Profile.ID, p.ID}
			}
			if s, ok := listed[key]; ok && s != m.Score {
				t.Errorf("%s–%s: %v in one list, %v in the other", key[0], key[1], s, m.Score)
			}
			listed[key] = m.Score
		}
	}
	if len(listed) == 0 {
		t.Fatal("no matches")
	}
	for key, s := range listed {
		need, offer := byID[key[0]], byID[key[1]]
		a, okA := ix.Pair(need, offer.ID)
		b, okB := ix.Pair(offer, need.ID)
		if !okA || !okB || a.Score != s || b.Score != s {
			t.Errorf("%s–%s: listed %v, Pair %v (%v) and %v (%v)", key[0], key[1], s, a.Score, okA, b.Score, okB)
		}
	}
}
