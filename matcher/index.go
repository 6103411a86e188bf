package matcher

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Index holds the profiles that can be matched. It lives in memory, is
// rebuilt from the store at start and kept current by Upsert and Remove.
// Safe for concurrent use.
//
// Each kind (offers, needs) is a shard with inverted lists — terms,
// concepts, soft concepts — so a query touches only the profiles that
// share something with it, and a few arrays the final pass reads in
// order. Profiles keep only what ranking and display need; their full
// text stays in the store.
type Index struct {
	tax *Taxonomy

	// termMu guards terms on its own, so that profiles being inserted
	// look up their terms' ids without holding mu. Lock order: mu, then termMu.
	termMu sync.RWMutex
	terms  map[string]uint32 // lexical term → dense id; grows with the vocabulary

	mu     sync.RWMutex
	byID   map[string]loc
	shards [2]*shard // by kindIndex
	pool   sync.Pool // *scratch
}

// loc is where a profile sits in the index.
type loc struct {
	slot int32
	kind uint8 // kindIndex
}

// is reports whether the profile at l is of kind k.
func (l loc) is(k Kind) bool { return int(l.kind) == kindIndex(k) }

// posting packs a slot (or a term or concept id) in its low 24 bits and a
// small value (a count, or a weight in 1/255) in its high 8 bits.
type posting uint32

const (
	maxSlots  = 1 << 24
	maxPacked = 255
)

func pack(id int32, v int) posting {
	return posting(uint32(min(max(v, 0), maxPacked))<<24 | uint32(id)&0xFFFFFF)
}
func (p posting) id() int32 { return int32(p & 0xFFFFFF) }
func (p posting) val() int  { return int(p >> 24) }

// weight reads the value as a weight in [0, 1].
func (p posting) weight() float64 { return float64(p.val()) / maxPacked }

// shard is the index of one kind.
type shard struct {
	docs  []*doc  // by slot; nil when free or removed
	meta  []meta  // by slot: what the final pass of a query reads for every profile
	lens  []int32 // by slot: the doc's length, which a query's walk over term postings reads
	free  []int32 // slots no inverted list refers to any more
	stale int     // removed slots still named by inverted lists

	n, totalLen int
	tokenDF     []int32     // by term id; shorter than the terms when the last ones are not in this shard
	conceptDF   []int32     // by concept index
	tokPost     [][]posting // by term id: slots with term frequency
	conPost     [][]posting // concept → slots with occurrences
	softPost    [][]posting // concept → slots with soft weight
	conceptN    int
}

func newShard(concepts int) *shard {
	return &shard{conceptDF: make([]int32, concepts),
		conPost: make([][]posting, concepts), softPost: make([][]posting, concepts), conceptN: concepts}
}

// df returns how many profiles of the shard hold term id.
func (s *shard) df(id int32) int {
	if id < 0 || int(id) >= len(s.tokenDF) {
		return 0
	}
	return int(s.tokenDF[id])
}

// postings returns the slots holding term id, with its frequency.
func (s *shard) postings(id int32) []posting {
	if id < 0 || int(id) >= len(s.tokPost) {
		return nil
	}
	return s.tokPost[id]
}

// meta is the part of a profile every query looks at, kept in one
// contiguous array so the pass over all profiles stays in cache.
type meta struct {
	owner    int64
	domains  uint32 // bit per taxonomy domain
	trl      int8
	province int8  // index in provinces, -1 unknown
	modes    uint8 // bit per cooperation mode
	active   bool  // indexed, and its status is active
}

// doc is an indexed profile. Its postings share one array: tokens, then
// concepts, then soft.
type doc struct {
	p        card      // the fields ranking and display need
	length   int32     // lexical terms, title counted twice
	tokens   []posting // term id and frequency, by term id
	concepts []posting // concept index and occurrences, by concept
	soft     []posting // concept index and soft weight, by concept
	embed    []float32 // unit-length embedding, if any
}

// NewIndex returns an empty index over the taxonomy t.
func NewIndex(t *Taxonomy) *Index {
	ix := &Index{tax: t, terms: map[string]uint32{}, byID: map[string]loc{}}
	for i := range ix.shards {
		ix.shards[i] = newShard(len(t.concepts))
	}
	return ix
}

func kindIndex(k Kind) int {
	if k == KindNeed {
		return 1
	}
	return 0
}

// analysis is a profile read for the index, before its terms have ids.
type analysis struct {
	tokens   map[string]int
	keys     []string          // tokens, sorted
	source   map[string]string // a term the text holds only by a Chinese word's meaning → that word
	length   int
	concepts map[int32]int
	soft     []conceptWeight
	domains  uint32
	modes    uint8
	province int8
	embed    []float32
}

// analyze reads a profile's text; it needs no lock.
func (ix *Index) analyze(p *Profile) *analysis { return ix.tax.analyze(p) }

// analyze reads a profile's text for the index.
func (t *Taxonomy) analyze(p *Profile) *analysis { return t.analyzeFound(p, nil) }

// analyzeFound is analyze with the concepts of p.Text() already found
// (nil to find them).
func (t *Taxonomy) analyzeFound(p *Profile, found map[*Concept]int) *analysis {
	text := p.Text()
	terms := len(text)/6 + 8 // about as many distinct terms as a text of this length has: the maps need not grow
	a := &analysis{tokens: make(map[string]int, terms), source: make(map[string]string, terms), concepts: map[int32]int{}, province: -1}
	// The lexical signal reads words; the soft concepts read the character
	// bigrams their Chinese terms are indexed by. Both take in the English
	// terms of the Chinese words.
	bigrams := make(map[string]int, terms)
	lexicon := defaultLexicon()
	// Titles are dense, and so are the canonical keywords a model gives
	// (in both languages, often terms no concept holds): a term there
	// counts twice.
	dense := strings.Join(append([]string{p.Title}, p.Keywords...), "\n")
	for _, part := range []string{text, dense} {
		own, bridged, tokens := lexicon.read(part, t.terms, true)
		for _, tok := range own {
			a.tokens[tok]++
			a.length++
		}
		for _, b := range bridged {
			a.tokens[b.term]++
			bigrams[b.term]++
			if _, ok := a.source[b.term]; !ok {
				a.source[b.term] = b.word
			}
		}
		for _, tok := range tokens {
			bigrams[tok]++
		}
		for _, tok := range own {
			a.source[tok] = "" // a word of the text itself
		}
	}
	if found == nil {
		found = t.terms.find(text)
	}
	for c, n := range found {
		a.concepts[t.index[c.ID]] += n
	}
	for c := range t.terms.find(p.Title) {
		a.concepts[t.index[c.ID]]++
	}
	for _, id := range p.Concepts {
		if ci, ok := t.index[id]; ok && a.concepts[ci] == 0 {
			a.concepts[ci] = 1
		}
	}
	a.keys = sortedKeys(a.tokens)
	a.soft = t.soft.project(bigrams, sortedKeys(bigrams))
	for _, code := range p.Domains {
		if i, ok := t.domainBy[code]; ok {
			a.domains |= 1 << i
		}
	}
	if a.domains == 0 {
		// Imported profiles may come without domains: take them from the concepts.
		w := map[string]float64{}
		for ci, n := range a.concepts {
			for j, code := range t.concepts[ci].Domains {
				w[code] += float64(n) / float64(j+1)
			}
		}
		for _, code := range topDomains(w) {
			a.domains |= 1 << t.domainBy[code]
		}
	}
	for _, m := range p.Modes {
		a.modes |= modeBit(m)
	}
	if pl, ok := FindPlace(p.Region); ok {
		a.province = int8(provinceIndex(pl.Province))
	}
	a.embed = unit(p.Embedding)
	return a
}

func modeBit(m Mode) uint8 {
	for i, x := range Modes {
		if x == m {
			return 1 << i
		}
	}
	return 0
}

// Upsert adds p or replaces the profile with the same id.
func (ix *Index) Upsert(p Profile) {
	if !p.Kind.Valid() {
		return
	}
	ix.insert(ix.prepare(&p, ix.analyze(&p).digest()))
}

// UpsertDigest adds p, or replaces the profile with the same id, as read
// in d (the Digest of p) rather than from its text. When d was decoded
// with the profile's fields (see Taxonomy.Encode), those stand for p's.
func (ix *Index) UpsertDigest(p Profile, d Digest) {
	if e, ok := ix.prepareDigest(&p, d); ok {
		ix.insert(e)
	}
}

// prepareDigest is prepare for UpsertDigest: false for a profile of no kind.
func (ix *Index) prepareDigest(p *Profile, d Digest) (entry, bool) {
	if d.Valid() && d.d.card != nil {
		return ix.prepare(nil, d.d), true
	}
	if !p.Kind.Valid() {
		return entry{}, false
	}
	if !d.Valid() {
		return ix.prepare(p, ix.analyze(p).digest()), true
	}
	return ix.prepare(p, d.d), true
}

// A Batch gathers profiles to put into an index at once, as a replica
// does when it starts: Add reads each profile (its terms get their ids,
// its postings are laid out) without the index's lock, from any number of
// goroutines, and Commit inserts them all under one lock, growing each
// inverted list once to its final length.
type Batch struct {
	ix *Index
	mu sync.Mutex
	es []entry
}

// NewBatch returns an empty batch for ix.
func (ix *Index) NewBatch() *Batch { return &Batch{ix: ix} }

// Add readies p, read as UpsertDigest reads it, for Commit. Safe for
// concurrent use.
func (b *Batch) Add(p Profile, d Digest) {
	e, ok := b.ix.prepareDigest(&p, d)
	if !ok {
		return
	}
	b.mu.Lock()
	b.es = append(b.es, e)
	b.mu.Unlock()
}

// Commit puts the added profiles into the index, each replacing the
// profile with its id, and empties the batch.
func (b *Batch) Commit() {
	b.mu.Lock()
	es := b.es
	b.es = nil
	b.mu.Unlock()
	b.ix.insert(es...)
}

// entry is a profile ready for the index: its doc and meta.
type entry struct {
	d *doc
	m meta
}

// prepare lays out a profile as read in a for insert, with its terms'
// ids; it takes no lock but termMu's. The fields kept are a's card when
// it has one, else p's.
func (ix *Index) prepare(p *Profile, a *digest) entry {
	d := &doc{length: a.length}
	if a.card != nil {
		d.p, d.embed = *a.card, a.embed
	} else {
		d.p, d.embed = cardOf(p), unit(p.Embedding)
	}
	ids := ix.digestTermIDs(a)
	nt, nc := len(ids), len(a.concepts)
	all := make([]posting, nt+nc+len(a.soft))
	d.tokens, d.concepts, d.soft = all[:nt:nt], all[nt:nt+nc:nt+nc], all[nt+nc:]
	// Sorted by id: held as id<<8 | count, they sort as plain numbers.
	for i, id := range ids {
		d.tokens[i] = posting(uint32(id)<<8 | uint32(pack(0, int(a.counts[i])).val()))
	}
	slices.Sort(d.tokens)
	for i, t := range d.tokens {
		d.tokens[i] = pack(int32(t>>8), int(t&0xFF))
	}
	copy(d.concepts, a.concepts)
	copy(d.soft, a.soft)
	return entry{d, meta{owner: d.p.OwnerID, domains: a.domains, trl: d.p.TRL, province: a.province,
		modes: a.modes, active: valueOf(statuses, d.p.status) == StatusActive}}
}

// insert puts es into the index, each replacing the profile with its id.
// The inverted lists grow once per call: to their exact length when es
// are many (a load), as append grows them when few.
func (ix *Index) insert(es ...entry) {
	if len(es) == 0 {
		return
	}
	if len(es) > 1 {
		es = lastOfEach(es)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if len(ix.byID) == 0 && len(es) > 1 {
		ix.byID = make(map[string]loc, len(es)) // a load: no growing
	}
	var kinds [2]int
	for _, e := range es {
		kinds[e.d.p.kind]++
	}
	var added [2][]int32 // slots, by shard
	for k, n := range kinds {
		s := ix.shards[k]
		s.docs, s.meta, s.lens = slices.Grow(s.docs, n), slices.Grow(s.meta, n), slices.Grow(s.lens, n)
		added[k] = make([]int32, 0, n)
	}
	for _, e := range es {
		ix.removeLocked(e.d.p.ID)
		k := int(e.d.p.kind)
		s := ix.shards[k]
		slot := s.alloc(e.d, e.m)
		ix.byID[e.d.p.ID] = loc{slot, e.d.p.kind}
		s.n++
		s.totalLen += int(e.d.length)
		added[k] = append(added[k], slot)
	}
	exact := len(es) > 1
	if len(added[0]) > 0 && len(added[1]) > 0 && len(es) >= 1000 {
		var wg sync.WaitGroup
		wg.Go(func() { ix.shards[1].post(added[1], exact) })
		ix.shards[0].post(added[0], exact)
		wg.Wait()
		return
	}
	for k, slots := range added {
		ix.shards[k].post(slots, exact)
	}
}

// lastOfEach returns es with only the last entry of each profile id.
func lastOfEach(es []entry) []entry {
	last := make(map[string]int, len(es))
	for i, e := range es {
		last[e.d.p.ID] = i
	}
	if len(last) == len(es) {
		return es
	}
	out := make([]entry, 0, len(last))
	for i, e := range es {
		if last[e.d.p.ID] == i {
			out = append(out, e)
		}
	}
	return out
}

// post adds the slots' postings to the shard's inverted lists: grown to
// their exact length first when exact, else as append grows them.
func (s *shard) post(slots []int32, exact bool) {
	if len(slots) == 0 {
		return
	}
	need := len(s.tokPost)
	for _, slot := range slots {
		if ts := s.docs[slot].tokens; len(ts) > 0 {
			need = max(need, int(ts[len(ts)-1].id())+1)
		}
	}
	if need > len(s.tokPost) {
		s.tokPost = append(s.tokPost, make([][]posting, need-len(s.tokPost))...)
		s.tokenDF = append(s.tokenDF, make([]int32, need-len(s.tokenDF))...)
	}
	if exact {
		s.reserve(slots)
	}
	for _, slot := range slots {
		d := s.docs[slot]
		for _, t := range d.tokens {
			s.tokenDF[t.id()]++
			s.tokPost[t.id()] = append(s.tokPost[t.id()], pack(slot, t.val()))
		}
		for _, c := range d.concepts {
			s.conceptDF[c.id()]++
			s.conPost[c.id()] = append(s.conPost[c.id()], pack(slot, c.val()))
		}
		for _, c := range d.soft {
			s.softPost[c.id()] = append(s.softPost[c.id()], pack(slot, c.val()))
		}
	}
}

// reserve grows each inverted list the slots' postings go to, once, to
// the exact length it will have.
func (s *shard) reserve(slots []int32) {
	tokInc := make([]int32, len(s.tokPost))
	conInc := make([]int32, s.conceptN)
	softInc := make([]int32, s.conceptN)
	for _, slot := range slots {
		d := s.docs[slot]
		for _, t := range d.tokens {
			tokInc[t.id()]++
		}
		for _, c := range d.concepts {
			conInc[c.id()]++
		}
		for _, c := range d.soft {
			softInc[c.id()]++
		}
	}
	grow := func(lists [][]posting, inc []int32) {
		for i, n := range inc {
			if l := lists[i]; n > 0 && cap(l)-len(l) < int(n) {
				lists[i] = make([]posting, len(l), len(l)+int(n))
				copy(lists[i], l)
			}
		}
	}
	grow(s.tokPost, tokInc)
	grow(s.conPost, conInc)
	grow(s.softPost, softInc)
}

// termIDs returns the ids of terms, -1 for one the index does not know.
func (ix *Index) termIDs(terms []string) []int32 {
	ids := make([]int32, len(terms))
	ix.termMu.RLock()
	defer ix.termMu.RUnlock()
	for i, t := range terms {
		if id, ok := ix.terms[t]; ok {
			ids[i] = int32(id)
		} else {
			ids[i] = -1
		}
	}
	return ids
}

// digestTermIDs returns the ids of a's terms, giving the next ids to those
// the index does not know yet.
func (ix *Index) digestTermIDs(a *digest) []int32 {
	n := len(a.counts)
	ids := make([]int32, n)
	missing := false
	ix.termMu.RLock()
	for i := range n {
		var id uint32
		var ok bool
		if a.terms != nil {
			id, ok = ix.terms[a.terms[i]]
		} else {
			id, ok = ix.terms[string(a.term(i))] // no string is made for the lookup
		}
		if ok {
			ids[i] = int32(id)
		} else {
			ids[i], missing = -1, true
		}
	}
	ix.termMu.RUnlock()
	if !missing {
		return ids
	}
	ix.termMu.Lock()
	defer ix.termMu.Unlock()
	for i := range n {
		if ids[i] >= 0 {
			continue
		}
		t := ""
		if a.terms != nil {
			t = strings.Clone(a.terms[i]) // a term read from a text is cut from it: keep no more than the term
		} else {
			t = string(a.term(i))
		}
		id, ok := ix.terms[t]
		if !ok {
			id = uint32(len(ix.terms))
			ix.terms[t] = id
		}
		ids[i] = int32(id)
	}
	return ids
}

func (s *shard) alloc(d *doc, m meta) int32 {
	if n := len(s.free); n > 0 {
		slot := s.free[n-1]
		s.free = s.free[:n-1]
		s.docs[slot], s.meta[slot], s.lens[slot] = d, m, d.length
		return slot
	}
	if len(s.docs) >= maxSlots {
		panic("matcher: index shard full")
	}
	s.docs = append(s.docs, d)
	s.meta = append(s.meta, m)
	s.lens = append(s.lens, d.length)
	return int32(len(s.docs) - 1)
}

// Remove drops the profile with the given id, if present.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(id)
}

func (ix *Index) removeLocked(id string) {
	l, ok := ix.byID[id]
	if !ok {
		return
	}
	delete(ix.byID, id)
	s := ix.shards[int(l.kind)]
	d := s.docs[l.slot]
	s.docs[l.slot] = nil
	s.meta[l.slot] = meta{}
	s.stale++
	s.n--
	s.totalLen -= int(d.length)
	for _, t := range d.tokens {
		s.tokenDF[t.id()]--
	}
	for _, c := range d.concepts {
		s.conceptDF[c.id()]--
	}
	// Inverted lists keep naming removed slots until enough have piled up
	// to make a sweep worth it.
	if s.stale > 1024 && s.stale*4 > s.n {
		s.sweep()
	}
}

// sweep drops removed slots from every inverted list and frees them.
func (s *shard) sweep() {
	live := func(ps []posting) []posting {
		out := ps[:0]
		for _, p := range ps {
			if s.docs[p.id()] != nil {
				out = append(out, p)
			}
		}
		return out
	}
	for t := range s.tokPost {
		s.tokPost[t] = live(s.tokPost[t])
	}
	for c := range s.conPost {
		s.conPost[c] = live(s.conPost[c])
		s.softPost[c] = live(s.softPost[c])
	}
	s.free = s.free[:0]
	for slot, d := range s.docs {
		if d == nil {
			s.free = append(s.free, int32(slot))
		}
	}
	s.stale = 0
}

// Get returns the indexed fields of the profile with the given id: what
// ranking and display use, without the description.
func (ix *Index) Get(id string) (Profile, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	l, ok := ix.byID[id]
	if !ok {
		return Profile{}, false
	}
	return ix.shards[int(l.kind)].docs[l.slot].p.profile(), true
}

// Len returns the number of indexed profiles.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// unit returns v scaled to length 1, or nil for an empty or zero vector.
func unit(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return nil
	}
	n = math.Sqrt(n)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / n)
	}
	return out
}

func idf(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

// avoids reports whether the do-not-match list dnm names the
// organisation org or the profile id.
func avoids(dnm []string, id, org string) bool {
	for _, x := range dnm {
		if x == id || org != "" && strings.EqualFold(x, org) {
			return true
		}
	}
	return false
}
