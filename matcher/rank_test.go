package matcher

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

func prof(id string, kind Kind, owner int64, title, desc string) Profile {
	return Profile{ID: id, Kind: kind, OwnerID: owner, Status: StatusActive, Title: title, Description: desc,
		Lang: DetectLang(title + desc), CreatedAt: time.Unix(0, 0), UpdatedAt: time.Unix(0, 0)}
}

func TestRankGatesAndCrossLanguage(t *testing.T) {
	ix := NewIndex(Default())
	ix.Upsert(prof("o-clad", KindOffer, 1, "超高速激光熔覆耐蚀涂层", "激光熔覆替代电镀硬铬，活塞杆防腐，盐雾试验1000小时。"))
	ix.Upsert(prof("o-vision", KindOffer, 2, "Machine vision defect inspection", "Deep learning detects scratches on metal strip."))
	paused := prof("o-paused", KindOffer, 3, "Laser cladding of piston rods", "Corrosion-resistant laser cladding.")
	paused.Status = StatusPaused
	ix.Upsert(paused)
	own := prof("o-own", KindOffer, 9, "Laser cladding for rods", "Laser cladding against rust on piston rods.")
	ix.Upsert(own)
	other := prof("n-other", KindNeed, 5, "Piston rods rust", "Our piston rods rust.")
	ix.Upsert(other)
	modes := prof("o-modes", KindOffer, 4, "Laser cladding service", "Laser cladding of hydraulic piston rods against rust.")
	modes.Modes = []Mode{ModeEquity}
	ix.Upsert(modes)

	rival := prof("o-rival", KindOffer, 6, "Laser cladding of rods", "Laser cladding of piston rods against rust.")
	rival.Org = "Rival Hydraulics"
	ix.Upsert(rival)
	shy := prof("o-shy", KindOffer, 7, "Laser cladding for hydraulics", "Laser cladding of piston rods against rust.")
	shy.DoNotMatch = []string{"n-rust"}
	ix.Upsert(shy)

	q := prof("n-rust", KindNeed, 9, "Our piston rods rust", "Hydraulic cylinder piston rods rust within months near the sea; the chrome plating peels.")
	q.Modes = []Mode{ModeLicense}
	q.DoNotMatch = []string{"rival hydraulics"}
	got := ix.Rank(Query{Profile: q, Limit: 10, Exclude: map[string]bool{"o-vision": true}})
	ids := map[string]bool{}
	for _, m := range got {
		ids[m.Profile.ID] = true
	}
	if len(got) == 0 || got[0].Profile.ID != "o-clad" {
		t.Fatalf("top match = %v, want the Chinese laser-cladding offer first", got)
	}
	for id, why := range map[string]string{"o-paused": "paused", "o-own": "own profile", "n-other": "same kind", "o-vision": "excluded", "o-modes": "incompatible modes",
		"o-rival": "on the need's do-not-match list", "o-shy": "its do-not-match list names the need"} {
		if ids[id] {
			t.Errorf("%s returned although %s", id, why)
		}
	}
	if len(got[0].Concepts) == 0 {
		t.Error("top match has no shared concepts to explain it")
	}
	ex := Default().Explain(got[0], KindNeed, LangEN)
	if ex.Reason == "" {
		t.Error("empty reason")
	}
}

func TestRankDiversity(t *testing.T) {
	ix := NewIndex(Default())
	for i := range 5 {
		p := prof(fmt.Sprintf("o-lab%d", i), KindOffer, 0, "Laser cladding of piston rods", "Laser cladding against rust and corrosion.")
		p.Org = "Same Lab"
		ix.Upsert(p)
	}
	ix.Upsert(prof("o-else", KindOffer, 0, "Anticorrosion coating", "A coating against rust and corrosion of steel parts."))
	got := ix.Rank(Query{Profile: prof("n", KindNeed, 0, "Rods rust", "Piston rods rust, laser cladding wanted."), Limit: 3})
	n := 0
	for _, m := range got {
		if m.Profile.Org == "Same Lab" {
			n++
		}
	}
	if n > maxPerOrg {
		t.Errorf("%d of the top 3 from one lab, want at most %d", n, maxPerOrg)
	}
}

// FuzzRankIsDeterministicPermutation checks that ranking returns each
// eligible candidate at most once, in a stable order.
func FuzzRankIsDeterministicPermutation(f *testing.F) {
	f.Add(int64(1), uint8(12))
	f.Add(int64(42), uint8(40))
	words := []string{"laser", "cladding", "rust", "piston", "vision", "defect", "battery", "激光", "熔覆", "电池", "水泵", "pump", "membrane", "fuel", "cell"}
	f.Fuzz(func(t *testing.T, seed int64, n uint8) {
		r := rand.New(rand.NewSource(seed))
		ix := NewIndex(Default())
		text := func() string {
			s := ""
			for range 6 {
				s += words[r.Intn(len(words))] + " "
			}
			return s
		}
		for i := range int(n%60) + 1 {
			kind := KindOffer
			if r.Intn(3) == 0 {
				kind = KindNeed
			}
			ix.Upsert(prof(fmt.Sprintf("p%d", i), kind, 0, text(), text()))
		}
		q := prof("q", KindNeed, 0, text(), text())
		a := ix.Rank(Query{Profile: q, Limit: 100})
		b := ix.Rank(Query{Profile: q, Limit: 100})
		// A short list, where pruning by upper bounds kicks in, is the head of
		// a longer one drawn from the same rescoring pool, and a second page
		// continues the first.
		long := ix.Rank(Query{Profile: q, Limit: rescorePool / diversityPool})
		short := ix.Rank(Query{Profile: q, Limit: 3})
		page2 := ix.Rank(Query{Profile: q, Limit: 3, Offset: 3})
		for i, m := range append(short, page2...) {
			if m.Profile.ID != long[i].Profile.ID || m.Score != long[i].Score {
				t.Fatalf("pages of 3 differ from the head of the longer ranking at %d: %s %v vs %s %v",
					i, m.Profile.ID, m.Score, long[i].Profile.ID, long[i].Score)
			}
		}
		if len(a) != len(b) {
			t.Fatalf("two runs returned %d and %d matches", len(a), len(b))
		}
		seen := map[string]bool{}
		for i := range a {
			if a[i].Profile.ID != b[i].Profile.ID || a[i].Score != b[i].Score {
				t.Fatalf("order differs at %d: %s vs %s", i, a[i].Profile.ID, b[i].Profile.ID)
			}
			if seen[a[i].Profile.ID] {
				t.Fatalf("%s returned twice", a[i].Profile.ID)
			}
			seen[a[i].Profile.ID] = true
			if i > 0 && a[i].Score > a[i-1].Score && a[i].Profile.Org == "" {
				t.Fatalf("scores not descending at %d", i)
			}
		}
	})
}

func TestPairExplainsOneCounterpart(t *testing.T) {
	ix := NewIndex(Default())
	ix.Upsert(prof("o-clad", KindOffer, 1, "Laser cladding of piston rods", "Corrosion-resistant laser cladding replacing hard chrome."))
	need := prof("n", KindNeed, 2, "Our piston rods rust", "Hydraulic piston rods rust near the sea.")
	m, ok := ix.Pair(need, "o-clad")
	if !ok || m.Profile.ID != "o-clad" || m.Score <= 0 || len(m.Concepts)+len(m.Related) == 0 {
		t.Fatalf("Pair = %+v, %v", m, ok)
	}
	ranked := ix.Rank(Query{Profile: need})
	if len(ranked) != 1 || ranked[0].Score != m.Score {
		t.Errorf("Pair's score %v differs from Rank's %v", m.Score, ranked)
	}
	if _, ok := ix.Pair(need, "missing"); ok {
		t.Error("Pair found a profile that is not indexed")
	}
}
