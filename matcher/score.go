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

// score returns the match of candidate d, or false if nothing joins them.
func (s *scorer) score(d *doc) (Match, bool) {
	// Concepts, both directions: how much of the query the candidate
	// covers, and how much of the candidate the query covers.
	type shared struct {
		id string
		w  float64
	}
	var common []shared
	var qCovered, dCovered, dTotal float64
	for _, id := range d.conceptKeys {
		dw := s.conceptWeight(id, d.concepts[id])
		dTotal += dw
		if qw, ok := s.qConcepts[id]; ok {
			qCovered += qw
			dCovered += dw
			common = append(common, shared{id, qw + dw})
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
	type term struct {
		t string
		w float64
	}
	var terms []term
	if s.qSelf > 0 {
		avg := s.avgLen()
		var sum float64
		for _, tok := range s.q.tokenKeys {
			w := s.qTokens[tok]
			if tf := d.tokens[tok]; tf > 0 {
				c := w * bm25TF(float64(tf), float64(d.length), avg)
				sum += c
				terms = append(terms, term{tok, c})
			}
		}
		lexical = math.Min(1, sum/s.qSelf)
	}

	domain := jaccard(s.q.domains, d.domains)
	soft := cosine(s.q.soft, d.soft)
	content := wConcept*concept + wSoft*soft + wLexical*lexical + wDomain*domain
	if content <= 0 {
		return Match{}, false
	}

	need, offer := s.q.p, d.p
	if need.Kind == KindOffer {
		need, offer = offer, need
	}
	fits, factor, bonus := fitOf(need, offer)
	m := Match{Profile: *d.p, Score: math.Min(1, content*factor+bonus*content), Fit: fits}

	for code := range s.q.domains {
		if d.domains[code] {
			m.Domains = append(m.Domains, code)
		}
	}
	sort.Strings(m.Domains)
	sort.Slice(common, func(i, j int) bool {
		if common[i].w != common[j].w {
			return common[i].w > common[j].w
		}
		return common[i].id < common[j].id
	})
	for _, c := range common {
		m.Concepts = append(m.Concepts, c.id)
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].w != terms[j].w {
			return terms[i].w > terms[j].w
		}
		return terms[i].t < terms[j].t
	})
	for i, t := range terms {
		if i == 5 {
			break
		}
		m.Terms = append(m.Terms, t.t)
	}
	return m, true
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
// the field-by-field list, a factor on the content score (below 1 for
// gaps) and a small bonus (for a close region).
func fitOf(need, offer *Profile) (fits []Fit, factor, bonus float64) {
	factor = 1
	if need.TRL > 0 && offer.TRL > 0 {
		f := Fit{Field: FieldTRL, Need: strconv.Itoa(need.TRL), Offer: strconv.Itoa(offer.TRL), Status: FitOK}
		if offer.TRL < need.TRL {
			f.Status = FitGap
			factor -= trlGapPenalty * float64(need.TRL-offer.TRL)
		}
		fits = append(fits, f)
	}
	if len(need.Modes) > 0 && len(offer.Modes) > 0 {
		var both []Mode
		for _, m := range need.Modes {
			if offer.HasMode(m) {
				both = append(both, m)
			}
		}
		f := Fit{Field: FieldModes, Need: joinModes(need.Modes), Offer: joinModes(offer.Modes), Status: FitOK}
		if len(both) == 0 {
			f.Status = FitPartial // only "other" joined them past the gate
		}
		fits = append(fits, f)
	}
	if need.Region != "" && offer.Region != "" {
		fit, pn, po := CompareRegions(need.Region, offer.Region)
		f := Fit{Field: FieldRegion, Need: pn.Label(LangEN), Offer: po.Label(LangEN)}
		switch fit {
		case RegionSame:
			f.Status, bonus = FitOK, regionSame
		case RegionNear:
			f.Status, bonus = FitPartial, regionNear
		case RegionFar:
			f.Status = FitGap
		}
		if fit != RegionUnknown {
			fits = append(fits, f)
		}
	}
	if need.Budget != "" && offer.Budget != "" {
		fits = append(fits, Fit{Field: FieldBudget, Need: need.Budget, Offer: offer.Budget, Status: FitPartial})
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
