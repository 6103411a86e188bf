package matcher

import (
	"math"
	"sort"
	"strings"
)

// Query asks for the counterparts of one profile.
type Query struct {
	Profile  Profile         // need not be indexed (a draft is fine)
	Limit    int             // at most this many matches; 0 means DefaultLimit
	Exclude  map[string]bool // profile ids never to return (declined pairs)
	MinScore float64         // drop matches scoring below this (0..1)
	Offset   int             // skip this many of the best matches: the next page ("more")
}

// DefaultLimit is the number of counterparts shown when a query gives none.
const DefaultLimit = 5

// ShowMinScore is the score below which a counterpart is not shown to a
// user: on the labelled dev set it keeps nine in ten of the relevant
// pairs ranked in a top ten and drops four in five of the others (scores
// of pairs, see mutual); lower, junk sharing a word or two comes back.
const ShowMinScore = 0.05

// Rank returns the best counterparts of q.Profile, best first, each with
// the score of the pair read from both sides (see mutual). Ties break by
// profile id, so the order is deterministic.
func (ix *Index) Rank(q Query) []Match {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	a := ix.analyze(&q.Profile)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	r := ix.newRanker(&q, a)
	defer r.release()
	offset := max(q.Offset, 0)
	// Keep a few more than asked so diversity has room to choose, and never
	// fewer than rescorePool: the pair scores reorder the candidates, so
	// pages of one query are consistent only if they rescore the same ones.
	n := offset + limit
	kept, similar := collapse(r.rescore(r.top(max(n*diversityPool, rescorePool))), max(n*diversityKeep, rescorePool))
	picked := diversify(kept, offset+limit)
	if offset >= len(picked) {
		return nil
	}
	picked = picked[offset:]
	out := make([]Match, len(picked))
	for i, c := range picked {
		out[i] = r.match(c)
		out[i].Similar = similar[c.d.p.ID]
	}
	return out
}

// diversityPool is how many candidates per requested match diversify
// chooses among.
const diversityPool = 4

// rescorePool is the fewest candidates Rank rescores with the pair score.
// Lists of up to rescorePool/diversityPool matches, offset included, come
// from the same candidates, so a shorter list is the head of a longer one
// and "More" neither repeats nor skips a match.
const rescorePool = 64

// candidate is a scored profile before it is explained.
type candidate struct {
	slot  int32
	d     *doc
	score float64
}

func (a candidate) better(b candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.d.p.ID < b.d.p.ID
}

// scratch holds the per-profile accumulators of one query. Between
// queries every accumulator and bit is zero: a query clears what it
// wrote when it is released, all of it once it walked past the seed's
// lists (see prune.go), else only the slots those lists touched.
type scratch struct {
	qCov, dCov, soft, lex []float32 // by slot
	seen                  []uint64  // bit per slot: touched by the seed's lists (pruned walk)
	touched               []int32   // slots in seen, in the order they were first touched
	full                  bool      // the accumulators of any slot may be set, not only of touched
	heap                  []candidate
}

// ensure makes the scratch hold n slots.
func (sc *scratch) ensure(n int) {
	sc.qCov, sc.dCov, sc.soft, sc.lex = extend(sc.qCov, n), extend(sc.dCov, n), extend(sc.soft, n), extend(sc.lex, n)
	if words := (n + 63) / 64; len(sc.seen) < words {
		sc.seen = append(sc.seen, make([]uint64, words-len(sc.seen))...)
	}
}

// reset zeroes what the last query wrote.
func (sc *scratch) reset() {
	if sc.full {
		clear(sc.qCov)
		clear(sc.dCov)
		clear(sc.soft)
		clear(sc.lex)
	}
	for _, slot := range sc.touched {
		sc.qCov[slot], sc.dCov[slot], sc.soft[slot], sc.lex[slot] = 0, 0, 0, 0
		sc.seen[slot>>6] = 0
	}
	sc.touched, sc.full, sc.heap = sc.touched[:0], false, sc.heap[:0]
}

// ranker scores every profile of one shard against one query.
type ranker struct {
	ix *Index
	s  *shard
	q  *Query
	a  *analysis
	sc *scratch

	qConcepts map[int32]float64 // the query's concepts with their weights
	qTotal    float64
	qTokens   map[int32]float64 // the query's known terms with their idf
	qSelf     float64           // BM25 of the query against itself
	avgLen    float64
	soft      []conceptWeight
	domains   uint32
	modes     uint8
	self      int32     // the query's own slot in this shard, or -1
	weights   []float64 // of signals, for this query

	// The inverted lists the query reads, in the order their shares are
	// added up (see accumulate).
	own, near []int32           // its concepts and the related ones, by index
	related   map[int32]float64 // weights of near
	terms     []queryTerm       // known terms some profile of the shard holds, by text

	one    *ranker   // the same query with a scratch of one slot (see exact)
	byID   []int32   // positions in terms, by term id (see termOrder)
	shares []float32 // a share per term of terms, for exact
}

// queryTerm is a term of the query with its idf among the shard's profiles.
type queryTerm struct {
	id  int32
	idf float64
}

func (ix *Index) newRanker(q *Query, a *analysis) *ranker {
	s := ix.shards[kindIndex(q.Profile.Kind.Counterpart())]
	r := &ranker{ix: ix, s: s, q: q, a: a, qConcepts: map[int32]float64{}, qTokens: map[int32]float64{},
		soft: a.soft, domains: a.domains, modes: a.modes, self: -1}
	if l, ok := ix.byID[q.Profile.ID]; ok && l.is(q.Profile.Kind.Counterpart()) {
		r.self = l.slot
	}
	r.avgLen = 1
	if s.n > 0 {
		r.avgLen = math.Max(1, float64(s.totalLen)/float64(s.n))
	}
	sc, _ := ix.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	sc.ensure(len(s.docs))
	r.sc = sc
	r.prepare()
	r.weights = signalWeights(len(r.qConcepts))
	return r
}

func (r *ranker) release() {
	r.sc.reset()
	r.ix.pool.Put(r.sc)
}

// extend returns buf with n entries, keeping the zeroes it holds.
func extend(buf []float32, n int) []float32 {
	if len(buf) >= n {
		return buf
	}
	return append(buf, make([]float32, n-len(buf))...)
}

// conceptWeight is the weight of a concept seen n times: sublinear in n,
// scaled by how rare the concept is among candidates.
func (r *ranker) conceptWeight(c int32, n int) float64 {
	return (1 + math.Log(float64(n))) * (0.5 + idf(r.s.n, int(r.s.conceptDF[c])))
}

func bm25TF(tf, length, avg float64) float64 {
	return tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*length/avg))
}

// weighConcepts sets the weights of the query's concepts and of the
// concepts related to them, which give partial credit, the strongest
// link counting. It returns both sets of concepts in order.
func (r *ranker) weighConcepts() (own, near []int32, related map[int32]float64) {
	own = make([]int32, 0, len(r.a.concepts))
	for c := range r.a.concepts {
		own = append(own, c)
	}
	sort.Slice(own, func(i, j int) bool { return own[i] < own[j] })
	for _, c := range own {
		w := r.conceptWeight(c, r.a.concepts[c])
		r.qConcepts[c] = w
		r.qTotal += w
	}
	related = map[int32]float64{}
	for _, c := range own {
		for _, rid := range r.ix.tax.concepts[c].Related {
			rc := r.ix.tax.index[rid]
			if _, mine := r.qConcepts[rc]; !mine {
				related[rc] = math.Max(related[rc], r.qConcepts[c]*relatedCredit)
			}
		}
	}
	near = make([]int32, 0, len(related))
	for c := range related {
		near = append(near, c)
	}
	sort.Slice(near, func(i, j int) bool { return near[i] < near[j] })
	return own, near, related
}

// addConcept credits the profile in slot, which holds concept c n times,
// with the query's weight qw of it; credit is 1 for a shared concept,
// relatedCredit for a related one.
func (r *ranker) addConcept(slot int32, c int32, n int, qw, credit float64) {
	r.sc.qCov[slot] += float32(qw)
	r.sc.dCov[slot] += float32(r.conceptWeight(c, n) * credit)
}

// prepare weighs the query's concepts and terms and lists the inverted
// lists it reads.
func (r *ranker) prepare() {
	s, a := r.s, r.a
	r.own, r.near, r.related = r.weighConcepts()
	for i, id := range r.ix.termIDs(a.keys) {
		tf := float64(a.tokens[a.keys[i]])
		df := s.df(id)
		w := idf(s.n, df)
		r.qSelf += w * bm25TF(tf, float64(a.length), r.avgLen)
		if id < 0 || df == 0 {
			continue
		}
		r.qTokens[id] = w
		r.terms = append(r.terms, queryTerm{id, w})
	}
}

// accumulate walks every inverted list of the query — concepts, related
// concepts, soft concepts, terms — adding each list's share to the
// profiles on it. The shares of one profile are added in this order,
// which exact repeats.
func (r *ranker) accumulate() {
	s, sc := r.s, r.sc
	sc.full = true
	for _, c := range r.own {
		for _, p := range s.conPost[c] {
			if s.docs[p.id()] != nil {
				r.addConcept(p.id(), c, p.val(), r.qConcepts[c], 1)
			}
		}
	}
	for _, c := range r.near {
		for _, p := range s.conPost[c] {
			if s.docs[p.id()] != nil {
				r.addConcept(p.id(), c, p.val(), r.related[c], relatedCredit)
			}
		}
	}
	for _, cw := range r.soft {
		for _, p := range s.softPost[cw.c] {
			sc.soft[p.id()] += cw.w * float32(p.weight())
		}
	}
	for _, t := range r.terms {
		for _, p := range s.postings(t.id) {
			// A removed profile is gated: what it gathers here is never read.
			sc.lex[p.id()] += float32(t.idf * bm25TF(float64(p.val()), float64(s.lens[p.id()]), r.avgLen))
		}
	}
}

// bound is an upper bound of the content score of the profile in slot,
// from the accumulators and its meta alone; 0 when nothing joins them.
func (r *ranker) bound(slot int32, m *meta) float64 {
	var ub float64
	for i, sg := range signals {
		ub += r.weights[i] * sg.bound(r, slot, m)
	}
	return ub
}

// disjoint reports whether the profile in slot shares nothing with the
// query: no signal can be above zero.
func (r *ranker) disjoint(slot int32, m *meta) bool {
	sc := r.sc
	return sc.dCov[slot] == 0 && sc.soft[slot] == 0 && sc.lex[slot] == 0 && r.domains&m.domains == 0
}

// content is what two profiles say in common, before the fit of their
// structured fields.
func (r *ranker) content(slot int32, d *doc, m *meta) float64 {
	var c float64
	for i, sg := range signals {
		c += r.weights[i] * sg.value(r, slot, d, m)
	}
	if len(r.a.embed) > 0 && len(r.a.embed) == len(d.embed) {
		c = (1-wEmbedding)*c + wEmbedding*math.Max(0, dot32(r.a.embed, d.embed))
	}
	return c
}

// gated reports whether the hard gates keep the profile in slot out:
// inactive, the query itself, the same owner, incompatible modes.
func (r *ranker) gated(slot int32, m *meta) bool {
	if !m.active || slot == r.self {
		return true
	}
	if owner := r.q.Profile.OwnerID; owner != 0 && owner == m.owner {
		return true
	}
	return r.modes != 0 && m.modes != 0 && r.modes&m.modes == 0 && (r.modes|m.modes)&modeBit(ModeOther) == 0
}

// fit is the effect of maturity and place on a score: a factor below 1
// for a TRL gap and a small bonus for a close region.
func (r *ranker) fit(m *meta) (factor, bonus float64) {
	needTRL, offerTRL := r.q.Profile.TRL, int(m.trl)
	if r.q.Profile.Kind == KindOffer {
		needTRL, offerTRL = offerTRL, needTRL
	}
	factor = 1
	if m.owner != 0 {
		bonus = claimedBonus // someone will read an introduction request
	}
	if needTRL > 0 && offerTRL > 0 && offerTRL < needTRL {
		factor = math.Max(0.3, 1-trlGapPenalty*float64(needTRL-offerTRL))
	}
	if r.a.province >= 0 && m.province >= 0 {
		switch provinceFit(int(r.a.province), int(m.province)) {
		case RegionSame:
			bonus += regionSame
		case RegionNear:
			bonus += regionNear
		}
	}
	return factor, bonus
}

// top returns the k best candidates, best first. Most queries take the
// pruned walk (see prune.go), which leaves out the lists and profiles
// that cannot reach the top k; a query with an embedding, or one whose
// k-th best the first lists do not bound, walks every list and looks at
// every profile (scan).
func (r *ranker) top(k int) []candidate {
	h, _ := r.candidates(k)
	return sortedCopy(h)
}

// candidates returns the k best candidates as a heap, and whether the
// pruned walk found them.
func (r *ranker) candidates(k int) ([]candidate, bool) {
	h, ok := r.pruned(k)
	if !ok {
		r.sc.reset()
		r.accumulate()
		h = r.scan(k)
	}
	r.sc.heap = h
	return h, ok
}

// sortedCopy returns the candidates of h, best first.
func sortedCopy(h []candidate) []candidate {
	out := append([]candidate(nil), h...)
	sort.Slice(out, func(i, j int) bool { return out[i].better(out[j]) })
	return out
}

// scan returns the k best candidates as a heap, from the accumulators of
// every list. It reads every profile's meta and accumulators, and looks
// further only at those whose upper bound could still enter the top k;
// the gates that need strings (exclusions, do-not-match lists) run only
// for contenders.
func (r *ranker) scan(k int) []candidate {
	h := r.sc.heap[:0]
	withEmbedding := len(r.a.embed) > 0
	for i := range r.s.meta {
		slot, m := int32(i), &r.s.meta[i]
		if r.gated(slot, m) || r.disjoint(slot, m) {
			continue
		}
		ub := r.bound(slot, m)
		if ub <= 0 {
			continue
		}
		if !withEmbedding {
			ub = math.Min(1, ub*(1+maxBonus))
			if ub < r.q.MinScore || len(h) == k && ub < h[0].score {
				continue
			}
		}
		d := r.s.docs[slot]
		h = r.offer(h, k, slot, d, m, r.content(slot, d, m))
	}
	return h
}

// offer puts the profile in slot, whose content score is c, into the
// heap h of the k best if it belongs there.
func (r *ranker) offer(h []candidate, k int, slot int32, d *doc, m *meta, c float64) []candidate {
	if c <= 0 {
		return h
	}
	factor, bonus := r.fit(m)
	cand := candidate{slot, d, math.Min(1, c*(factor+bonus))}
	if cand.score < r.q.MinScore || len(h) == k && !cand.better(h[0]) {
		return h
	}
	if r.q.Exclude[d.p.ID] || avoids(r.q.Profile.DoNotMatch, d.p.ID, d.p.Org) || avoids(d.p.doNotMatch(), r.q.Profile.ID, r.q.Profile.Org) {
		return h
	}
	if len(h) < k {
		h = append(h, cand)
		siftUp(h, len(h)-1)
	} else {
		h[0] = cand
		siftDown(h, 0)
	}
	return h
}

// The heap keeps the worst kept candidate at the root.
func siftUp(h []candidate, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[p].better(h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []candidate, i int) {
	for {
		l, m := 2*i+1, i
		if l < len(h) && h[m].better(h[l]) {
			m = l
		}
		if l+1 < len(h) && h[m].better(h[l+1]) {
			m = l + 1
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// nearDuplicate is the share of lexical terms two profiles must have in
// common to be shown as one: the same listing posted twice, or one
// result in several near-identical variants.
const nearDuplicate = 0.7

// nearScore is how close, as a ratio, near-duplicates' scores are.
const nearScore = 0.8

// diversityKeep is how many candidates per requested match are left for
// diversify once near-duplicates are collapsed.
const diversityKeep = 2

// collapse keeps, of each group of near-duplicates among sorted, one, up
// to n in all, and returns for each kept profile the ids of the ones it
// stands for. The one kept is the best whose owner can answer (it is
// claimed), else the best.
func collapse(sorted []candidate, n int) (kept []candidate, similar map[string][]string) {
	swapped := false
	for _, c := range sorted {
		if len(kept) == n {
			break
		}
		dup := false
		// Near-duplicates score alike: look back only over the kept ones
		// that score at most a little more.
		for i := len(kept) - 1; i >= 0 && kept[i].score*nearScore <= c.score; i-- {
			k := kept[i]
			if !sameText(k.d, c.d) {
				continue
			}
			if similar == nil {
				similar = map[string][]string{}
			}
			if c.d.p.OwnerID != 0 && k.d.p.OwnerID == 0 {
				kept[i], swapped = c, true
				similar[c.d.p.ID] = append(similar[k.d.p.ID], k.d.p.ID)
				delete(similar, k.d.p.ID)
			} else {
				similar[k.d.p.ID] = append(similar[k.d.p.ID], c.d.p.ID)
			}
			dup = true
			break
		}
		if !dup {
			kept = append(kept, c)
		}
	}
	if swapped {
		sort.SliceStable(kept, func(i, j int) bool { return kept[i].better(kept[j]) })
	}
	return kept, similar
}

// sameText reports whether two profiles are near-duplicates: the same
// title, or terms that overlap by nearDuplicate or more (Jaccard).
func sameText(a, b *doc) bool {
	if a.p.Title != "" && strings.EqualFold(a.p.Title, b.p.Title) {
		return true
	}
	if na, nb := len(a.tokens), len(b.tokens); float64(min(na, nb)) < nearDuplicate*float64(max(na, nb)) {
		return false // the overlap cannot reach nearDuplicate
	}
	both := 0
	for i, j := 0, 0; i < len(a.tokens) && j < len(b.tokens); {
		switch x, y := a.tokens[i].id(), b.tokens[j].id(); {
		case x == y:
			both++
			i++
			j++
		case x < y:
			i++
		default:
			j++
		}
	}
	union := len(a.tokens) + len(b.tokens) - both
	return union > 0 && float64(both) >= nearDuplicate*float64(union)
}

// maxPerOrg keeps one organisation from filling the top of a list.
const maxPerOrg = 2

// diversify takes the best matches, at most maxPerOrg from one
// organisation while others are left; the rest fill remaining places.
func diversify(sorted []candidate, limit int) []candidate {
	out := make([]candidate, 0, min(limit, len(sorted)))
	perOrg := map[string]int{}
	var held []candidate
	for _, c := range sorted {
		if len(out) == limit {
			break
		}
		org := c.d.p.Org
		if org != "" && perOrg[org] >= maxPerOrg {
			held = append(held, c)
			continue
		}
		perOrg[org]++
		out = append(out, c)
	}
	for _, c := range held {
		if len(out) == limit {
			break
		}
		out = append(out, c)
	}
	if len(held) > 0 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].better(out[j]) })
	}
	return out
}

// weighted is a reason with the weight of its evidence.
type weighted struct {
	key string
	w   float64
}

// dedupe merges the entries of xs with the same key, adding their weights.
func dedupe(xs []weighted) []weighted {
	at := map[string]int{}
	var out []weighted
	for _, x := range xs {
		if i, ok := at[x.key]; ok {
			out[i].w += x.w
			continue
		}
		at[x.key] = len(out)
		out = append(out, x)
	}
	return out
}

// match explains a picked candidate: the concepts and terms both
// profiles share and the field-by-field fit.
func (r *ranker) match(c candidate) Match {
	d := c.d
	m := Match{Profile: d.p.profile(), Score: c.score}
	need, offer := &r.q.Profile, &m.Profile
	if need.Kind == KindOffer {
		need, offer = offer, need
	}
	m.Fit = fitOf(need, offer)
	tax := r.ix.tax

	byWeight := func(xs []weighted, max int) []string {
		sort.Slice(xs, func(i, j int) bool {
			if xs[i].w != xs[j].w {
				return xs[i].w > xs[j].w
			}
			return xs[i].key < xs[j].key
		})
		var out []string
		for i, x := range xs {
			if i == max {
				break
			}
			out = append(out, x.key)
		}
		return out
	}
	var common []weighted
	exact := map[int32]bool{}
	for _, p := range d.concepts {
		if qw, ok := r.qConcepts[p.id()]; ok {
			common = append(common, weighted{tax.concepts[p.id()].ID, qw + r.conceptWeight(p.id(), p.val())})
			exact[p.id()] = true
		}
	}
	m.Concepts = byWeight(common, -1)

	var soft []weighted
	for _, cw := range r.soft {
		if exact[cw.c] {
			continue
		}
		if w := float64(cw.w) * float64(find(d.soft, cw.c)) / maxPacked; w >= minSoftReason {
			soft = append(soft, weighted{tax.concepts[cw.c].ID, w})
		}
	}
	m.Related = byWeight(soft, maxRelated)

	var terms []weighted
	for i, id := range r.ix.termIDs(r.a.keys) {
		tok := r.a.keys[i]
		if id < 0 {
			continue
		}
		if tf := find(d.tokens, id); tf > 0 {
			// A term the query holds by a Chinese word's meaning is named
			// by that word, as its reader wrote it.
			if w := r.a.source[tok]; w != "" {
				tok = w
			}
			terms = append(terms, weighted{tok, r.qTokens[id] * bm25TF(float64(tf), float64(d.length), r.avgLen)})
		}
	}
	m.Terms = byWeight(dedupe(terms), maxTerms)
	for i, dom := range tax.domains {
		if r.domains&r.s.meta[c.slot].domains&(1<<i) != 0 {
			m.Domains = append(m.Domains, dom.Code)
		}
	}
	return m
}

// Pair scores one indexed counterpart against q.Profile, gates aside: the
// explanation a user reads when that counterpart is put to them (an
// introduction request, a notification), with the score the pair has in
// either side's list. It reports false when the counterpart is not
// indexed or shares nothing with q.Profile.
func (ix *Index) Pair(q Profile, otherID string) (Match, bool) {
	a := ix.analyze(&q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	l, ok := ix.byID[otherID]
	if !ok || !l.is(q.Kind.Counterpart()) {
		return Match{}, false
	}
	query := Query{Profile: q}
	r := ix.newRanker(&query, a)
	defer r.release()
	d, m := r.s.docs[l.slot], &r.s.meta[l.slot]
	qd, qm := r.queryDoc()
	score := ix.mutual(qd, qm, d, m)
	if score <= 0 {
		return Match{}, false
	}
	return r.match(candidate{l.slot, d, score}), true
}
