package matcher

import (
	"math"
	"strconv"
	"strings"
)

// Match is one counterpart with its score and what produced it.
type Match struct {
	Profile  Profile  `json:"-"`
	Score    float64  `json:"score"`             // 0..1; users see it as Band and Percent
	Concepts []string `json:"concepts"`          // shared concept ids, strongest first
	Related  []string `json:"related"`           // concepts both sides lean on without naming them, strongest first; scoring detail, never a reason
	Terms    []string `json:"terms"`             // shared lexical terms, strongest first
	Domains  []string `json:"domains"`           // shared taxonomy domains
	Similar  []string `json:"similar,omitempty"` // ids of near-duplicates this match stands for, not listed
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
	lexicalBoost = 0.55
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
	claimedBonus  = 0.03 // an owner who can answer wins among near-equal scores
	maxBonus      = regionSame + claimedBonus
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

// One scale. A score is read the same way wherever it is shown: by its
// band in words first, and by its percent, which every caller takes from
// Match.Percent so that a list, a card and a notice show the same number
// for the same pair.

// Band names how good a match is, for a user.
type Band string

const (
	BandStrong   Band = "strong"   // the counterpart answers the profile directly
	BandGood     Band = "good"     // it answers a large part of it
	BandPossible Band = "possible" // worth a look
	BandWeak     Band = "weak"     // below MatchThreshold: no good match yet
)

// Score limits of the bands. On the labelled sets (testdata) nine in ten
// of the pairs judged a direct answer score at least MatchThreshold, and
// nine in ten of the unjudged pairs ranked in a top ten score below it;
// two thirds of the direct answers reach goodScore and a quarter
// strongScore (scores of pairs, see mutual).
const (
	MatchThreshold = 0.10
	goodScore      = 0.18
	strongScore    = 0.30
)

// BandOf returns the band of a score.
func BandOf(score float64) Band {
	switch {
	case score >= strongScore:
		return BandStrong
	case score >= goodScore:
		return BandGood
	case score >= MatchThreshold:
		return BandPossible
	}
	return BandWeak
}

// percentScale maps scores to percents so that the bands read as a user
// expects: possible from 40, good from 60, strong from 80.
var percentScale = [][2]float64{{0, 0}, {MatchThreshold, 40}, {goodScore, 60}, {strongScore, 80}, {0.5, 100}}

// Percent returns a score on the 0–100 scale users see.
func Percent(score float64) int {
	for i := 1; i < len(percentScale); i++ {
		lo, hi := percentScale[i-1], percentScale[i]
		if score < hi[0] {
			// Rounded down, so that a percent never reads as the band above.
			return int(math.Floor(lo[1] + (math.Max(score, 0)-lo[0])/(hi[0]-lo[0])*(hi[1]-lo[1]) + 1e-9))
		}
	}
	return 100
}

// Band returns the band of m's score.
func (m Match) Band() Band { return BandOf(m.Score) }

// Percent returns m's score on the 0–100 scale users see.
func (m Match) Percent() int { return Percent(m.Score) }

// Good reports whether any of ms is at least MatchThreshold: when none
// is, a user is told there is no good match yet (and that they will hear
// when one arrives), and may still browse the weak ones.
func Good(ms []Match) bool {
	for _, m := range ms {
		if m.Score >= MatchThreshold {
			return true
		}
	}
	return false
}

// BandLabel names a band in lang.
func BandLabel(b Band, lang Lang) string {
	zh := map[Band]string{BandStrong: "高度匹配", BandGood: "较好匹配", BandPossible: "可能相关", BandWeak: "暂无合适匹配"}
	en := map[Band]string{BandStrong: "strong match", BandGood: "good match", BandPossible: "possible match", BandWeak: "no good match yet"}
	if lang == LangZH {
		return zh[b]
	}
	return en[b]
}
