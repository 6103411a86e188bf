package matcher

import (
	"math"
	"sort"
	"strings"
	"sync"
)

// Index holds the profiles that can be matched, with the term statistics
// the ranking needs. It lives in memory, is rebuilt from the store at
// start and kept current by Upsert and Remove. Safe for concurrent use.
type Index struct {
	tax *Taxonomy

	mu    sync.RWMutex
	docs  map[string]*doc
	stats map[Kind]*corpusStats
}

// corpusStats are document frequencies over the profiles of one kind.
type corpusStats struct {
	n         int
	totalLen  int
	tokenDF   map[string]int
	conceptDF map[string]int
}

// doc is a profile prepared for scoring.
type doc struct {
	p        *Profile
	tokens   map[string]int // lexical term → frequency
	length   int            // number of lexical terms
	concepts map[string]int // concept id → weight (occurrences, title counted twice)
	domains  map[string]bool
	// The keys of tokens and concepts, sorted: scores are sums of floats,
	// and summing in one fixed order makes them reproducible.
	tokenKeys, conceptKeys []string
	soft                   []conceptWeight // soft concepts, see esa.go
	embedding              []float32       // unit-length copy of the profile's embedding, if any
	place                  Place
	hasPlace               bool
}

// NewIndex returns an empty index over the taxonomy t.
func NewIndex(t *Taxonomy) *Index {
	return &Index{tax: t, docs: map[string]*doc{}, stats: map[Kind]*corpusStats{
		KindOffer: newStats(), KindNeed: newStats(),
	}}
}

func newStats() *corpusStats {
	return &corpusStats{tokenDF: map[string]int{}, conceptDF: map[string]int{}}
}

// prepare analyses a profile for scoring.
func (ix *Index) prepare(p *Profile) *doc {
	d := &doc{p: p, tokens: map[string]int{}, concepts: map[string]int{}, domains: map[string]bool{}}
	for _, tok := range Tokens(p.Text()) {
		d.tokens[tok]++
		d.length++
	}
	// Titles are dense: a term there counts twice.
	for _, tok := range Tokens(p.Title) {
		d.tokens[tok]++
		d.length++
	}
	for c, n := range ix.tax.terms.find(p.Text()) {
		d.concepts[c.ID] += n
	}
	for c := range ix.tax.terms.find(p.Title) {
		d.concepts[c.ID]++
	}
	for _, id := range p.Concepts {
		if d.concepts[id] == 0 {
			d.concepts[id] = 1
		}
	}
	d.tokenKeys = sortedKeys(d.tokens)
	d.conceptKeys = sortedKeys(d.concepts)
	d.soft = ix.tax.soft.project(d.tokens, d.tokenKeys)
	d.place, d.hasPlace = FindPlace(p.Region)
	d.embedding = unit(p.Embedding)
	for _, code := range p.Domains {
		d.domains[code] = true
	}
	if len(d.domains) == 0 {
		// Imported profiles may come without domains: take them from the concepts.
		w := map[string]float64{}
		for id, n := range d.concepts {
			if c, ok := ix.tax.Concept(id); ok {
				for j, code := range c.Domains {
					w[code] += float64(n) / float64(j+1)
				}
			}
		}
		for _, code := range topDomains(w) {
			d.domains[code] = true
		}
	}
	return d
}

// Upsert adds p or replaces the profile with the same id. The index keeps
// its own copy.
func (ix *Index) Upsert(p Profile) {
	cp := p
	d := ix.prepare(&cp)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(p.ID)
	ix.docs[p.ID] = d
	s := ix.stats[p.Kind]
	if s == nil {
		return
	}
	s.n++
	s.totalLen += d.length
	for t := range d.tokens {
		s.tokenDF[t]++
	}
	for c := range d.concepts {
		s.conceptDF[c]++
	}
}

// Remove drops the profile with the given id, if present.
func (ix *Index) Remove(id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.removeLocked(id)
}

func (ix *Index) removeLocked(id string) {
	d, ok := ix.docs[id]
	if !ok {
		return
	}
	delete(ix.docs, id)
	s := ix.stats[d.p.Kind]
	if s == nil {
		return
	}
	s.n--
	s.totalLen -= d.length
	for t := range d.tokens {
		if s.tokenDF[t]--; s.tokenDF[t] <= 0 {
			delete(s.tokenDF, t)
		}
	}
	for c := range d.concepts {
		if s.conceptDF[c]--; s.conceptDF[c] <= 0 {
			delete(s.conceptDF, c)
		}
	}
}

// Get returns a copy of the indexed profile with the given id.
func (ix *Index) Get(id string) (Profile, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	d, ok := ix.docs[id]
	if !ok {
		return Profile{}, false
	}
	return *d.p, true
}

// Len returns the number of indexed profiles.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.docs)
}

// Query asks for the counterparts of one profile.
type Query struct {
	Profile  Profile         // need not be indexed (a draft is fine)
	Limit    int             // at most this many matches; 0 means DefaultLimit
	Exclude  map[string]bool // profile ids never to return (declined pairs)
	MinScore float64         // drop matches scoring below this (0..1)
}

// DefaultLimit is the number of counterparts shown when a query gives none.
const DefaultLimit = 5

// ShowMinScore is the score below which a counterpart is not shown to a
// user: on the labelled dev set it keeps 97% of relevant pairs in the top
// ten and drops half of the irrelevant ones.
const ShowMinScore = 0.05

// Rank returns the best counterparts of q.Profile, best first. Ties break
// by profile id, so the order is deterministic.
func (ix *Index) Rank(q Query) []Match {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()

	qp := q.Profile
	qd := ix.prepare(&qp)
	want := qp.Kind.Counterpart()
	sc := newScorer(ix.tax, qd, ix.stats[want])
	var cands []candidate
	for _, d := range ix.docs {
		if !eligible(&qp, d.p, want, q.Exclude) {
			continue
		}
		if score := sc.score(d); score > 0 && score >= q.MinScore {
			cands = append(cands, candidate{d, score})
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].better(cands[j]) })
	picked := diversify(cands, limit)
	out := make([]Match, len(picked))
	for i, c := range picked {
		out[i] = sc.match(c.d, c.score)
	}
	return out
}

// candidate is a scored profile before it is explained.
type candidate struct {
	d     *doc
	score float64
}

func (a candidate) better(b candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.d.p.ID < b.d.p.ID
}

// maxPerOrg keeps one organisation from filling the top of a list.
const maxPerOrg = 2

// diversify takes the best matches, at most maxPerOrg from one
// organisation while others are left; the rest fill remaining places.
func diversify(sorted []candidate, limit int) []candidate {
	out := make([]candidate, 0, min(limit, len(sorted)))
	perOrg := map[string]int{}
	var held []candidate
	for _, m := range sorted {
		if len(out) == limit {
			break
		}
		org := m.d.p.Org
		if org != "" && perOrg[org] >= maxPerOrg {
			held = append(held, m)
			continue
		}
		perOrg[org]++
		out = append(out, m)
	}
	for _, m := range held {
		if len(out) == limit {
			break
		}
		out = append(out, m)
	}
	if len(held) > 0 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].better(out[j]) })
	}
	return out
}

// eligible applies the hard gates: the other kind, active, not one's own,
// not excluded, and cooperation modes compatible where both sides list some.
func eligible(q, c *Profile, want Kind, exclude map[string]bool) bool {
	if c.Kind != want || c.Status != StatusActive || c.ID == q.ID || exclude[c.ID] {
		return false
	}
	if q.OwnerID != 0 && q.OwnerID == c.OwnerID {
		return false
	}
	if len(q.Modes) > 0 && len(c.Modes) > 0 && !modesOverlap(q.Modes, c.Modes) {
		return false
	}
	return !avoids(q, c) && !avoids(c, q)
}

// avoids reports whether a's do-not-match list names b's organisation or id.
func avoids(a, b *Profile) bool {
	for _, x := range a.DoNotMatch {
		if x == b.ID || b.Org != "" && strings.EqualFold(x, b.Org) {
			return true
		}
	}
	return false
}

func modesOverlap(a, b []Mode) bool {
	for _, x := range a {
		if x == ModeOther {
			return true
		}
		for _, y := range b {
			if x == y || y == ModeOther {
				return true
			}
		}
	}
	return false
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
