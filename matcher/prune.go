package matcher

import (
	"math"
	"sort"
)

// The pruned walk. A query reads a few dozen inverted lists; the longest
// ones (common terms, common soft concepts) hold most of the postings and
// add little to any score. The pruned walk leaves such lists out and still
// returns exactly the k best candidates scan would, the same profiles with
// the same scores:
//
//  1. Seed. The lists that can add the most are walked first, adding each
//     posting's share to the profile's accumulators as accumulate does
//     (of the concept signal only qCov, which its bound reads), until a
//     small number of postings is walked. The profiles with the largest
//     partial sums get their exact score (exact), and the k best of those
//     make a floor: the k-th best score can only be higher.
//  2. Skip. Of the lists not walked yet, those with the most postings per
//     unit of what they can add are left out, as long as a profile found
//     on skipped lists alone — with the best domain overlap and every
//     bonus — would still score below the floor. Every other list is
//     walked.
//  3. Score. A profile on no walked list scores below the floor, so it
//     cannot be among the k best. Each profile on a walked list is bounded
//     by its partial sums plus all that the skipped lists could add; those
//     whose bound reaches the current k-th best get their exact score.
//
// The bounds hold because each signal is at most what reach makes of its
// accumulator, which only grows with a list's share, and a list's share
// is at most its most (a term's BM25 as if the profile were empty, a
// soft weight of 1); a domain overlap is at most 1, and the fit of
// maturity and place multiplies by at most 1 + maxBonus. The partial
// sums are float32 like the scores, so comparisons allow a relative
// slack of boundSlack. exact adds a profile's shares in the order
// accumulate does, so a score is the same to the last bit whichever way
// it was found, and the k best under the total order of better are one
// set. TestPrunedRanksLikeScan checks it.

// Limits of the seed: it walks at least seedPostings postings (a share
// seedShare of the shard's slots when that is more), and scores the
// seedPerK·k profiles with the largest partial sums.
const (
	seedPostings = 4096
	seedShare    = 64
	seedPerK     = 4
	boundSlack   = 1e-4

	// skipShare is the share of the floor the skipped lists may take: the
	// more they take, the fewer postings are walked and the more profiles
	// reach an exact score; 0.3 was about the fastest on the synthetic
	// corpora.
	skipShare = 0.3
)

// Accumulators the pruned walk fills, by index in signals.
const (
	sigConcept = iota
	sigSoft
	sigLexical
)

// list is one inverted list of a query: its signal, the query's weight
// for it, and the most a posting on it adds to the signal's accumulator.
type list struct {
	sig  int
	ps   []posting
	qw   float64
	most float64
	ub   float64 // the most it adds to a content score
}

// tfMost is an upper bound of bm25TF for a term frequency, whatever the
// profile's length: the length of an empty profile.
var tfMost = func() (t [maxPacked + 1]float64) {
	for tf := range t {
		t[tf] = bm25TF(float64(tf), 0, 1)
	}
	return t
}()

// lists returns the inverted lists of the query with what each can add.
func (r *ranker) lists() []list {
	s := r.s
	var ls []list
	add := func(sig int, ps []posting, qw, most float64) {
		if len(ps) > 0 {
			var acc [3]float64
			acc[sig] = most
			ls = append(ls, list{sig, ps, qw, most, r.reach(acc)})
		}
	}
	for _, c := range r.own {
		add(sigConcept, s.conPost[c], r.qConcepts[c], r.qConcepts[c])
	}
	for _, c := range r.near {
		add(sigConcept, s.conPost[c], r.related[c], r.related[c])
	}
	for _, cw := range r.soft {
		add(sigSoft, s.softPost[cw.c], float64(cw.w), float64(cw.w))
	}
	for _, t := range r.terms {
		add(sigLexical, s.postings(t.id), t.idf, t.idf*tfMost[maxPacked])
	}
	return ls
}

// walk adds each posting's share of l to the accumulators, as accumulate
// does (only the order of the lists differs). With track, it lists the
// profiles it touches for the seed.
func (r *ranker) walk(l *list, track bool) {
	s, sc := r.s, r.sc
	if track {
		for _, p := range l.ps {
			slot := p.id()
			if w := &sc.seen[slot>>6]; *w&(1<<(slot&63)) == 0 {
				*w |= 1 << (slot & 63)
				sc.touched = append(sc.touched, slot)
			}
		}
	} else {
		sc.full = true // reset clears all: no list says which slots were touched
	}
	switch l.sig {
	case sigConcept:
		qw := float32(l.qw)
		for _, p := range l.ps {
			sc.qCov[p.id()] += qw
		}
	case sigSoft:
		w := float32(l.qw)
		for _, p := range l.ps {
			sc.soft[p.id()] += w * float32(p.weight())
		}
	case sigLexical:
		for _, p := range l.ps {
			sc.lex[p.id()] += float32(l.qw * bm25TF(float64(p.val()), float64(s.lens[p.id()]), r.avgLen))
		}
	}
}

// linear returns the coefficients that make the accumulators a bound
// above reach: reach(acc) ≤ c·acc, each signal's min(1, …) left out.
func (r *ranker) linear() (c [3]float64) {
	if r.qTotal > 0 {
		c[sigConcept] = r.weights[sigConcept] * 2 / r.qTotal
	}
	c[sigSoft] = r.weights[sigSoft]
	if r.qSelf > 0 {
		c[sigLexical] = r.weights[sigLexical] / r.qSelf
	}
	return c
}

// partial returns the accumulators of slot plus extra.
func (r *ranker) partial(slot int32, extra [3]float64) [3]float64 {
	sc := r.sc
	return [3]float64{float64(sc.qCov[slot]) + extra[0], float64(sc.soft[slot]) + extra[1], float64(sc.lex[slot]) + extra[2]}
}

// floor is the score a candidate must reach to enter the heap h of k.
func (r *ranker) floor(h []candidate, k int) float64 {
	if len(h) == k {
		return math.Max(r.q.MinScore, h[0].score)
	}
	return r.q.MinScore
}

// below reports whether a content score bounded by ub, with every bonus,
// stays under floor.
func below(ub, floor float64) bool {
	return math.Min(1, ub*(1+maxBonus))*(1+boundSlack) < floor
}

// cut is the content bound under which below holds for floor.
func cut(floor float64) float64 { return floor / ((1 + maxBonus) * (1 + boundSlack)) }

// pruned returns the k best candidates as a heap, by the pruned walk; it
// reports false, having scored nothing for sure, when the query has an
// embedding (the cosine can lift any profile) or the seed's floor cannot
// rule out the profiles that share only a domain.
func (r *ranker) pruned(k int) ([]candidate, bool) {
	if len(r.a.embed) > 0 || k <= 0 {
		return nil, false
	}
	ls := r.lists()
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].ub > ls[j].ub })
	budget := max(seedPostings, len(r.s.docs)/seedShare)
	walked, i := 0, 0
	for ; i < len(ls) && (i == 0 || walked < budget); i++ {
		r.walk(&ls[i], true)
		walked += len(ls[i].ps)
	}
	h := r.seed(k)

	var dom float64 // the domain signal's most, for any profile
	if r.domains != 0 {
		dom = r.weights[len(signals)-1]
	}
	// What the skipped lists can add to a profile's content score is
	// bounded by c·skipped, and must stay within skipShare of the floor.
	c := r.linear()
	var skipped [3]float64
	rest := r.floor(h, k)
	if dom >= cut(rest) {
		return nil, false
	}
	rest = cut(rest) - dom
	left := ls[i:]
	sort.SliceStable(left, func(i, j int) bool {
		return float64(len(left[i].ps))*left[j].ub > float64(len(left[j].ps))*left[i].ub
	})
	var base float64
	for j := range left {
		l := &left[j]
		if add := c[l.sig] * l.most; base+add < skipShare*rest {
			skipped[l.sig] += l.most
			base += add
			continue
		}
		r.walk(l, false)
	}

	// Every profile, in slot order: one on no walked list has zero sums
	// and falls under the cut, as do the seed's (see seed).
	sc, n := r.s, len(r.s.docs)
	qCov, soft, lex := r.sc.qCov[:n], r.sc.soft[:n], r.sc.lex[:n]
	floor := r.floor(h, k)
	under := cut(floor) - base - dom
	for i := range n {
		if c[0]*float64(qCov[i])+c[1]*float64(soft[i])+c[2]*float64(lex[i]) < under {
			continue
		}
		slot := int32(i)
		m := &sc.meta[slot]
		if below(r.reach(r.partial(slot, skipped))+r.weights[len(signals)-1]*domainValue(r, slot, m), floor) || r.gated(slot, m) {
			continue
		}
		h = r.offer(h, k, slot, sc.docs[slot], m, r.exact(sc.docs[slot], m))
		if f := r.floor(h, k); f != floor {
			floor, under = f, cut(f)-base-dom
		}
	}
	return h, true
}

// seed scores the seedPerK·k touched profiles with the largest partial
// sums and returns the k best of them as a heap. A profile scored here
// gets a soft sum of −∞ (a soft weight is never 0), which later shares
// leave at −∞, so that the pass over every profile passes over it.
func (r *ranker) seed(k int) []candidate {
	type pick struct {
		v    float64
		slot int32
	}
	// picks is a heap with the smallest partial sum at the root.
	n := seedPerK * k
	picks := make([]pick, 0, n)
	less := func(i, j int) bool {
		return picks[i].v < picks[j].v || picks[i].v == picks[j].v && picks[i].slot > picks[j].slot
	}
	down := func(i int) {
		for {
			l, m := 2*i+1, i
			if l < len(picks) && less(l, m) {
				m = l
			}
			if l+1 < len(picks) && less(l+1, m) {
				m = l + 1
			}
			if m == i {
				return
			}
			picks[i], picks[m] = picks[m], picks[i]
			i = m
		}
	}
	var none [3]float64
	for _, slot := range r.sc.touched {
		v := r.reach(r.partial(slot, none))
		switch {
		case len(picks) < n:
			picks = append(picks, pick{v, slot})
			for i := len(picks) - 1; i > 0 && less(i, (i-1)/2); i = (i - 1) / 2 {
				picks[i], picks[(i-1)/2] = picks[(i-1)/2], picks[i]
			}
		case v > picks[0].v:
			picks[0] = pick{v, slot}
			down(0)
		}
	}
	h := r.sc.heap[:0]
	for _, p := range picks {
		r.sc.soft[p.slot] = float32(math.Inf(-1))
		m := &r.s.meta[p.slot]
		if r.gated(p.slot, m) {
			continue
		}
		d := r.s.docs[p.slot]
		h = r.offer(h, k, p.slot, d, m, r.exact(d, m))
	}
	return h
}

// exact is the content score of d for the query, its shares added up in
// the order accumulate adds them, so that it equals what scan computes
// to the last bit. The query's lists and d's postings are both sorted by
// id and are merged; the terms, added in the order of their text, are
// gathered by position first (adding a zero changes no float sum).
func (r *ranker) exact(d *doc, m *meta) float64 {
	var qCov, dCov, soft, lex float32
	merge(r.own, d.concepts, func(c int32, n int) {
		qCov += float32(r.qConcepts[c])
		dCov += float32(r.conceptWeight(c, n))
	})
	merge(r.near, d.concepts, func(c int32, n int) {
		qCov += float32(r.related[c])
		dCov += float32(r.conceptWeight(c, n) * relatedCredit)
	})
	i := 0
	for _, p := range d.soft {
		for i < len(r.soft) && r.soft[i].c < p.id() {
			i++
		}
		if i == len(r.soft) {
			break
		}
		if cw := r.soft[i]; cw.c == p.id() {
			soft += cw.w * float32(p.weight())
		}
	}
	order, shares := r.termOrder()
	i = 0
	for _, p := range d.tokens {
		for i < len(order) && r.terms[order[i]].id < p.id() {
			i++
		}
		if i == len(order) {
			break
		}
		if t := r.terms[order[i]]; t.id == p.id() {
			shares[order[i]] = float32(t.idf * bm25TF(float64(p.val()), float64(d.length), r.avgLen))
		}
	}
	for j, x := range shares {
		lex += x
		shares[j] = 0
	}
	one := r.single()
	one.sc.qCov[0], one.sc.dCov[0], one.sc.soft[0], one.sc.lex[0] = qCov, dCov, soft, lex
	return one.content(0, d, m)
}

// merge calls f with the id and value of each posting of ps (sorted by
// id) whose id is in ids (sorted), in order.
func merge(ids []int32, ps []posting, f func(id int32, v int)) {
	i := 0
	for _, p := range ps {
		for i < len(ids) && ids[i] < p.id() {
			i++
		}
		if i == len(ids) {
			return
		}
		if ids[i] == p.id() {
			f(ids[i], p.val())
		}
	}
}

// termOrder returns the positions of the query's terms in r.terms, by
// term id, and a buffer of a share per term, all zero.
func (r *ranker) termOrder() ([]int32, []float32) {
	if r.byID == nil {
		r.byID = make([]int32, len(r.terms))
		for i := range r.byID {
			r.byID[i] = int32(i)
		}
		sort.Slice(r.byID, func(i, j int) bool { return r.terms[r.byID[i]].id < r.terms[r.byID[j]].id })
		r.shares = make([]float32, len(r.terms))
	}
	return r.byID, r.shares
}

// single returns the ranker with a scratch of one slot, which exact
// fills for the profile it scores.
func (r *ranker) single() *ranker {
	if r.one == nil {
		one := *r
		one.sc = &scratch{qCov: make([]float32, 1), dCov: make([]float32, 1), soft: make([]float32, 1), lex: make([]float32, 1)}
		r.one = &one
	}
	return r.one
}
