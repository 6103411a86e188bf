package matcher

import (
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

	// The lexical weight rises by up to lexicalBoost for a query with
	// fewer than fullConcepts concepts (see signalWeights).
	lexicalBoost = 0.35
	fullConcepts = 12

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

// fitOf compares the structured fields of a need and an offer, field by
// field, for the explanation of a match.
func fitOf(n, o *Profile) []Fit {
	var fits []Fit
	if n.TRL > 0 && o.TRL > 0 {
		f := Fit{Field: FieldTRL, Need: strconv.Itoa(n.TRL), Offer: strconv.Itoa(o.TRL), Status: FitOK}
		if o.TRL < n.TRL {
			f.Status = FitGap
		}
		fits = append(fits, f)
	}
	if len(n.Modes) > 0 && len(o.Modes) > 0 {
		f := Fit{Field: FieldModes, Need: joinModes(n.Modes), Offer: joinModes(o.Modes), Status: FitPartial}
		for _, m := range n.Modes {
			if o.HasMode(m) {
				f.Status = FitOK // else only "other" joined them past the gate
			}
		}
		fits = append(fits, f)
	}
	if fit, pn, po := CompareRegions(n.Region, o.Region); fit != RegionUnknown {
		f := Fit{Field: FieldRegion, Need: pn.Label(LangEN), Offer: po.Label(LangEN), Status: FitGap}
		switch fit {
		case RegionSame:
			f.Status = FitOK
		case RegionNear:
			f.Status = FitPartial
		}
		fits = append(fits, f)
	}
	if n.Budget != "" && o.Budget != "" {
		fits = append(fits, budgetFit(n.Budget, o.Budget))
	}
	return fits
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
