package matcher

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Match is one counterpart with its score and what produced it.
type Match struct {
	Profile  Profile  `json:"-"`
	Score    float64  `json:"score"`    // 0..1, reciprocal
	Concepts []string `json:"concepts"` // shared concept ids, strongest first
	Related  []string `json:"related"`  // concepts both sides lean on without naming them, strongest first
	Terms    []string `json:"terms"`    // shared lexical terms, strongest first
	Domains  []string `json:"domains"`  // shared taxonomy domains
	Fit      []Fit    `json:"fit"`
}

// FitStatus grades one field of a pair.
type FitStatus string

const (
	FitOK      FitStatus = "ok"
	FitGap     FitStatus = "gap"
	FitPartial FitStatus = "partial"
)

// Fit compares one field of the two profiles of a match. Need and Offer
// hold the values on each side, as stored.
type Fit struct {
	Field  Field     `json:"field"`
	Status FitStatus `json:"status"`
	Need   string    `json:"need,omitempty"`
	Offer  string    `json:"offer,omitempty"`
}

// Weights of the parts of a score. Kept together so the ranking has one
// place to tune.
const (
	wConcept = 0.35
	wSoft    = 0.40
	wLexical = 0.15
	wDomain  = 0.10

	relatedCredit = 0.4 // a related concept counts this much of a shared one
	wEmbedding    = 0.3 // share of the embedding cosine when both sides have one

	minSoftReason = 0.01 // a soft concept weaker than this is not named as a reason
	maxRelated    = 3
	maxTerms      = 5

	bm25K1 = 1.2
	bm25B  = 0.75

	trlGapPenalty = 0.08 // per TRL level an offer is below the need's minimum
	regionSame    = 0.04
	regionNear    = 0.02
)

// scorer scores candidates against one query document.
type scorer struct {
	tax   *Taxonomy
	q     *doc
	stats *corpusStats

	qConcepts map[string]float64 // query concept weights
	qRelated  map[string]float64 // concepts related to the query's, with credit
	qTotal    float64
	qTokens   map[string]float64 // query token idf
	qSelf     float64            // BM25 of the query against itself
}

func newScorer(t *Taxonomy, q *doc, stats *corpusStats) *scorer {
	s := &scorer{tax: t, q: q, stats: stats, qConcepts: map[string]float64{}, qRelated: map[string]float64{}, qTokens: map[string]float64{}}
	for _, id := range q.conceptKeys {
		w := s.conceptWeight(id, q.concepts[id])
		s.qConcepts[id] = w
		s.qTotal += w
	}
	for _, id := range q.conceptKeys {
		w := s.qConcepts[id]
		if c, ok := t.Concept(id); ok {
			for _, r := range c.Related {
				if _, own := s.qConcepts[r]; !own && w*relatedCredit > s.qRelated[r] {
					s.qRelated[r] = w * relatedCredit
				}
			}
		}
	}
	avg := s.avgLen()
	for _, tok := range q.tokenKeys {
		w := idf(stats.n, stats.tokenDF[tok])
		s.qTokens[tok] = w
		s.qSelf += w * bm25TF(float64(q.tokens[tok]), float64(q.length), avg)
	}
	return s
}

func (s *scorer) avgLen() float64 {
	if s.stats.n == 0 {
		return 1
	}
	return math.Max(1, float64(s.stats.totalLen)/float64(s.stats.n))
}

// conceptWeight is the weight of a concept seen n times: sublinear in n,
// scaled by how rare the concept is among candidates.
func (s *scorer) conceptWeight(id string, n int) float64 {
	return (1 + math.Log(float64(n))) * (0.5 + idf(s.stats.n, s.stats.conceptDF[id]))
}

func bm25TF(tf, length, avg float64) float64 {
	return tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*length/avg))
}

// content scores what two profiles say, before the fit of their
// structured fields: exact concepts both ways, soft concepts, lexical
// relevance, shared domains and, when both sides have one, the
// embedding cosine. It is on the hot path and allocates nothing.
func (s *scorer) content(d *doc) float64 {
	// Concepts, both directions: how much of the query the candidate
	// covers, and how much of the candidate the query covers.
	var qCovered, dCovered, dTotal float64
	for _, id := range d.conceptKeys {
		dw := s.conceptWeight(id, d.concepts[id])
		dTotal += dw
		if qw, ok := s.qConcepts[id]; ok {
			qCovered += qw
			dCovered += dw
		} else if rw, ok := s.qRelated[id]; ok {
			qCovered += rw
			dCovered += dw * relatedCredit
		}
	}
	var concept float64
	if s.qTotal > 0 && dTotal > 0 {
		concept = harmonic(qCovered/s.qTotal, dCovered/dTotal)
	}
	// Lexical relevance: BM25 of the query's terms in the candidate,
	// relative to the query's score against itself.
	var lexical float64
	if s.qSelf > 0 {
		avg := s.avgLen()
		var sum float64
		for _, tok := range s.q.tokenKeys {
			if tf := d.tokens[tok]; tf > 0 {
				sum += s.qTokens[tok] * bm25TF(float64(tf), float64(d.length), avg)
			}
		}
		lexical = math.Min(1, sum/s.qSelf)
	}
	c := wConcept*concept + wSoft*cosine(s.q.soft, d.soft) + wLexical*lexical + wDomain*jaccard(s.q.domains, d.domains)
	if len(s.q.embedding) > 0 && len(s.q.embedding) == len(d.embedding) {
		c = (1-wEmbedding)*c + wEmbedding*math.Max(0, dot32(s.q.embedding, d.embedding))
	}
	return c
}

// score is the final score of candidate d: content, adjusted by the fit
// of the structured fields.
func (s *scorer) score(d *doc) float64 {
	c := s.content(d)
	if c <= 0 {
		return 0
	}
	need, offer := s.q, d
	if need.p.Kind == KindOffer {
		need, offer = offer, need
	}
	_, factor, bonus := fitOf(need, offer, false)
	return math.Min(1, c*(factor+bonus))
}

// match explains the score of candidate d: the concepts and terms both
// profiles share and the field-by-field fit. Only the few shown matches
// pay for it.
func (s *scorer) match(d *doc, score float64) Match {
	need, offer := s.q, d
	if need.p.Kind == KindOffer {
		need, offer = offer, need
	}
	fits, _, _ := fitOf(need, offer, true)
	m := Match{Profile: *d.p, Score: score, Fit: fits}

	type weighted struct {
		key string
		w   float64
	}
	byWeight := func(xs []weighted) []string {
		sort.Slice(xs, func(i, j int) bool {
			if xs[i].w != xs[j].w {
				return xs[i].w > xs[j].w
			}
			return xs[i].key < xs[j].key
		})
		out := make([]string, len(xs))
		for i, x := range xs {
			out[i] = x.key
		}
		return out
	}
	var common []weighted
	exact := map[string]bool{}
	for _, id := range d.conceptKeys {
		if qw, ok := s.qConcepts[id]; ok {
			common = append(common, weighted{id, qw + s.conceptWeight(id, d.concepts[id])})
			exact[id] = true
		}
	}
	m.Concepts = byWeight(common)

	// Soft concepts both sides lean on, strongest product first.
	var soft []weighted
	for i, j := 0, 0; i < len(s.q.soft) && j < len(d.soft); {
		a, b := s.q.soft[i], d.soft[j]
		switch {
		case a.c == b.c:
			if id := s.tax.concepts[a.c].ID; !exact[id] && float64(a.w)*float64(b.w) >= minSoftReason {
				soft = append(soft, weighted{id, float64(a.w) * float64(b.w)})
			}
			i++
			j++
		case a.c < b.c:
			i++
		default:
			j++
		}
	}
	m.Related = byWeight(soft)
	if len(m.Related) > maxRelated {
		m.Related = m.Related[:maxRelated]
	}

	var terms []weighted
	avg := s.avgLen()
	for _, tok := range s.q.tokenKeys {
		if tf := d.tokens[tok]; tf > 0 {
			terms = append(terms, weighted{tok, s.qTokens[tok] * bm25TF(float64(tf), float64(d.length), avg)})
		}
	}
	m.Terms = byWeight(terms)
	if len(m.Terms) > maxTerms {
		m.Terms = m.Terms[:maxTerms]
	}
	for code := range s.q.domains {
		if d.domains[code] {
			m.Domains = append(m.Domains, code)
		}
	}
	sort.Strings(m.Domains)
	return m
}

func dot32(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func harmonic(a, b float64) float64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	return 2 * a * b / (a + b)
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// fitOf compares the structured fields of a need and an offer. It returns
// a factor on the content score (below 1 for gaps), a small bonus (for a
// close region) and, when withFits, the field-by-field list.
func fitOf(need, offer *doc, withFits bool) (fits []Fit, factor, bonus float64) {
	factor = 1
	n, o := need.p, offer.p
	add := func(f Fit) {
		if withFits {
			fits = append(fits, f)
		}
	}
	if n.TRL > 0 && o.TRL > 0 {
		f := Fit{Field: FieldTRL, Need: strconv.Itoa(n.TRL), Offer: strconv.Itoa(o.TRL), Status: FitOK}
		if o.TRL < n.TRL {
			f.Status = FitGap
			factor -= trlGapPenalty * float64(n.TRL-o.TRL)
		}
		add(f)
	}
	if withFits && len(n.Modes) > 0 && len(o.Modes) > 0 {
		f := Fit{Field: FieldModes, Need: joinModes(n.Modes), Offer: joinModes(o.Modes), Status: FitPartial}
		for _, m := range n.Modes {
			if o.HasMode(m) {
				f.Status = FitOK // else only "other" joined them past the gate
			}
		}
		add(f)
	}
	if need.hasPlace && offer.hasPlace {
		f := Fit{Field: FieldRegion, Need: need.place.Label(LangEN), Offer: offer.place.Label(LangEN)}
		switch comparePlaces(need.place, offer.place) {
		case RegionSame:
			f.Status, bonus = FitOK, regionSame
		case RegionNear:
			f.Status, bonus = FitPartial, regionNear
		default:
			f.Status = FitGap
		}
		add(f)
	}
	if withFits && n.Budget != "" && o.Budget != "" {
		add(budgetFit(n.Budget, o.Budget))
	}
	return fits, math.Max(0.3, factor), bonus
}

func joinModes(ms []Mode) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, ",")
}

// budgetFit compares a need's budget with an offer's price when both
// read as amounts of money; otherwise they are left to discuss.
func budgetFit(budget, price string) Fit {
	f := Fit{Field: FieldBudget, Need: budget, Offer: price, Status: FitPartial}
	b, okb := ParseAmountCNY(budget)
	p, okp := ParseAmountCNY(price)
	if okb && okp {
		if p <= b {
			f.Status = FitOK
		} else {
			f.Status = FitGap
		}
	}
	return f
}
