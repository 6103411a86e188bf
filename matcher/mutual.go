package matcher

import (
	"math"
	"sort"
)

// One score for a pair. A ranking reads the index from the query's side:
// the idf of its terms and concepts among the counterparts, the share of
// its own words the counterpart holds, the weights its number of concepts
// chooses. Read from the other side the same pair scores differently, so
// the score a user sees is the mean of both directions, computed from the
// two profiles as the index holds them. It is the same number in the list
// of either side, on the introduction card, in a notice and in a report,
// as long as the index does not change in between.

// mutual is the score of the pair of x and y, the same whichever is
// named first. Both are profiles as the index holds them (or would).
func (ix *Index) mutual(x *doc, xm *meta, y *doc, ym *meta) float64 {
	return pairMean(ix.side(x, xm).directed(y, ym), ix.side(y, ym).directed(x, xm))
}

// pairMean is the score of a pair from its two directions.
func pairMean(a, b float64) float64 { return (a + b) / 2 }

// side is a profile read as a query against its counterparts, as Rank
// reads a query, from the profile as the index holds it: what directed
// needs of it, prepared once for any number of counterparts.
type side struct {
	r     *ranker
	x     *doc
	own   []int32 // its concepts, and those related to them, in order
	near  []int32
	rel   map[int32]float64
	terms []float64 // idf of each of x.tokens among the counterparts
}

func (ix *Index) side(x *doc, xm *meta) *side {
	a := &analysis{concepts: make(map[int32]int, len(x.concepts)), domains: xm.domains, modes: xm.modes,
		province: xm.province, embed: x.embed, length: int(x.length)}
	for _, c := range x.concepts {
		a.concepts[c.id()] = c.val()
	}
	for _, c := range x.soft {
		a.soft = append(a.soft, conceptWeight{c.id(), float32(c.weight())})
	}
	s := ix.shards[kindIndex(x.p.Kind().Counterpart())]
	q := Query{Profile: x.p.profile()}
	r := &ranker{ix: ix, s: s, q: &q, a: a, qConcepts: map[int32]float64{}, soft: a.soft,
		domains: a.domains, modes: a.modes, self: -1, avgLen: 1,
		sc: &scratch{qCov: make([]float32, 1), dCov: make([]float32, 1), soft: make([]float32, 1), lex: make([]float32, 1)}}
	if s.n > 0 {
		r.avgLen = math.Max(1, float64(s.totalLen)/float64(s.n))
	}
	sd := &side{r: r, x: x, terms: make([]float64, len(x.tokens))}
	sd.own, sd.near, sd.rel = r.weighConcepts()
	for i, t := range x.tokens {
		w := idf(s.n, s.df(t.id()))
		sd.terms[i] = w
		r.qSelf += w * bm25TF(float64(t.val()), float64(x.length), r.avgLen)
	}
	r.weights = signalWeights(len(r.qConcepts))
	return sd
}

// directed scores y as a counterpart of the side's profile, read from
// that side: the score Rank gives y for it as a query, gates aside.
func (sd *side) directed(y *doc, ym *meta) float64 {
	r := sd.r
	// The accumulators of Rank, for y alone, in slot 0.
	r.sc.qCov[0], r.sc.dCov[0], r.sc.soft[0], r.sc.lex[0] = 0, 0, 0, 0
	for _, c := range sd.own {
		if n := find(y.concepts, c); n > 0 {
			r.addConcept(0, c, n, r.qConcepts[c], 1)
		}
	}
	for _, c := range sd.near {
		if n := find(y.concepts, c); n > 0 {
			r.addConcept(0, c, n, sd.rel[c], relatedCredit)
		}
	}
	for _, cw := range r.soft {
		r.sc.soft[0] += cw.w * float32(float64(find(y.soft, cw.c))/maxPacked)
	}
	for i, t := range sd.x.tokens {
		if tf := find(y.tokens, t.id()); tf > 0 {
			r.sc.lex[0] += float32(sd.terms[i] * bm25TF(float64(tf), float64(y.length), r.avgLen))
		}
	}
	c := r.content(0, y, ym)
	if c <= 0 {
		return 0
	}
	factor, bonus := r.fit(ym)
	return math.Min(1, c*(factor+bonus))
}

// queryDoc returns the query of r as the index would hold it, with its
// meta: terms the index does not know get ids of their own past the
// index's, which no indexed profile holds.
func (r *ranker) queryDoc() (*doc, *meta) {
	a, p := r.a, &r.q.Profile
	d := &doc{p: cardOf(p), length: int32(a.length), embed: a.embed}
	r.ix.termMu.RLock() // profiles being inserted add terms under termMu alone
	next := int32(len(r.ix.terms))
	for _, tok := range a.keys {
		id, ok := r.ix.terms[tok]
		if !ok {
			id, next = uint32(next), next+1
		}
		d.tokens = append(d.tokens, pack(int32(id), a.tokens[tok]))
	}
	r.ix.termMu.RUnlock()
	sort.Slice(d.tokens, func(i, j int) bool { return d.tokens[i].id() < d.tokens[j].id() })
	for c, n := range a.concepts {
		d.concepts = append(d.concepts, pack(c, n))
	}
	sort.Slice(d.concepts, func(i, j int) bool { return d.concepts[i].id() < d.concepts[j].id() })
	for _, cw := range a.soft {
		d.soft = append(d.soft, pack(cw.c, int(math.Round(float64(cw.w)*maxPacked))))
	}
	m := &meta{owner: p.OwnerID, domains: a.domains, trl: int8(p.TRL), province: a.province,
		modes: a.modes, active: p.Status == StatusActive}
	return d, m
}

// rescore gives each of cands the score of its pair with the query and
// sorts them by it, dropping those that fall below the query's MinScore.
func (r *ranker) rescore(cands []candidate) []candidate {
	if len(cands) == 0 {
		return cands
	}
	qd, qm := r.queryDoc()
	qs := r.ix.side(qd, qm)
	out := cands[:0]
	for _, c := range cands {
		m := &r.s.meta[c.slot]
		c.score = pairMean(qs.directed(c.d, m), r.ix.side(c.d, m).directed(qd, qm))
		if c.score > 0 && c.score >= r.q.MinScore {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].better(out[j]) })
	return out
}
