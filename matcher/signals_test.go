package matcher

import (
	"math/rand"
	"strings"
	"testing"
)

// TestSignalBoundsHold checks, on many generated profiles, that no
// signal's bound is ever below its value: pruning by the bound never
// drops a profile the score would have ranked.
func TestSignalBoundsHold(t *testing.T) {
	tax := Default()
	rng := rand.New(rand.NewSource(7))
	filler := []string{"we need", "the line", "cost is high", "quality", "our farm", "每年", "工厂", "成本太高", "希望合作", "pilot"}
	gen := func(i int) Profile {
		var b strings.Builder
		for range 2 + rng.Intn(8) {
			c := tax.concepts[rng.Intn(len(tax.concepts))]
			switch rng.Intn(3) {
			case 0:
				b.WriteString(c.EN[rng.Intn(len(c.EN))])
			case 1:
				b.WriteString(c.ZH[rng.Intn(len(c.ZH))])
			default:
				b.WriteString(filler[rng.Intn(len(filler))])
			}
			b.WriteString(", ")
		}
		kind := KindOffer
		if i%2 == 1 {
			kind = KindNeed
		}
		p := Profile{ID: "p" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Kind: kind, Status: StatusActive,
			Title: filler[rng.Intn(len(filler))], Description: b.String()}
		if rng.Intn(2) == 0 {
			an := tax.Analyze(kind, p.Text())
			an.Apply(&p)
		}
		return p
	}
	ix := NewIndex(tax)
	for i := range 400 {
		ix.Upsert(gen(i))
	}
	checked := 0
	for i := range 200 {
		q := Query{Profile: gen(1000 + i)}
		a := ix.analyze(&q.Profile)
		ix.mu.RLock()
		r := ix.newRanker(&q, a)
		r.accumulate()
		for slot, d := range r.s.docs {
			m := &r.s.meta[slot]
			for _, sg := range signals {
				ub, v := sg.bound(r, int32(slot), m), sg.value(r, int32(slot), d, m)
				if v < 0 || v > 1 || ub < v-1e-9 {
					t.Fatalf("signal %s, query %d, slot %d: bound %.6f, value %.6f", sg.name, i, slot, ub, v)
				}
				checked++
			}
		}
		r.release()
		ix.mu.RUnlock()
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}
