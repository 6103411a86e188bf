package matcher

import (
	"math"
	"math/bits"
)

// signal is one kind of evidence two profiles share. Its value and an
// upper bound of it come from the same place, so the pruning of Rank can
// never drop a profile the score would have kept: bound reads only the
// accumulators and meta every profile has, value may read the profile.
// Both lie in [0, 1].
type signal struct {
	name  string
	bound func(r *ranker, slot int32, m *meta) float64
	value func(r *ranker, slot int32, d *doc, m *meta) float64
}

// signals are the parts of a content score, in the order of the weights
// signalWeights returns.
var signals = []signal{
	{"concept", conceptBound, conceptValue},
	{"soft", softValue, func(r *ranker, slot int32, _ *doc, m *meta) float64 { return softValue(r, slot, m) }},
	{"lexical", lexicalValue, func(r *ranker, slot int32, _ *doc, m *meta) float64 { return lexicalValue(r, slot, m) }},
	{"domain", domainValue, func(r *ranker, slot int32, _ *doc, m *meta) float64 { return domainValue(r, slot, m) }},
}

// conceptBound: the harmonic mean of the two coverages is at most twice
// the query's coverage.
func conceptBound(r *ranker, slot int32, _ *meta) float64 {
	if r.qTotal <= 0 || r.sc.dCov[slot] == 0 {
		return 0
	}
	return math.Min(1, 2*float64(r.sc.qCov[slot])/r.qTotal)
}

// conceptValue is the harmonic mean of how much of the query's concept
// weight the profile covers and how much of its own the query covers.
func conceptValue(r *ranker, slot int32, d *doc, _ *meta) float64 {
	if r.qTotal <= 0 || r.sc.dCov[slot] == 0 {
		return 0
	}
	var dTotal float64
	for _, c := range d.concepts {
		dTotal += r.conceptWeight(c.id(), c.val())
	}
	// Accumulated in float32: a full cover may come out a hair above 1.
	return math.Min(1, harmonic(float64(r.sc.qCov[slot])/r.qTotal, float64(r.sc.dCov[slot])/dTotal))
}

// softValue is the cosine of the two soft-concept vectors.
func softValue(r *ranker, slot int32, _ *meta) float64 {
	return math.Min(1, float64(r.sc.soft[slot]))
}

// lexicalValue is the BM25 of the profile's terms for the query, as a
// share of the query's BM25 against itself.
func lexicalValue(r *ranker, slot int32, _ *meta) float64 {
	if r.qSelf <= 0 {
		return 0
	}
	return math.Min(1, float64(r.sc.lex[slot])/r.qSelf)
}

// domainValue is the Jaccard overlap of the two profiles' domains.
func domainValue(r *ranker, _ int32, m *meta) float64 {
	both := r.domains & m.domains
	if both == 0 {
		return 0
	}
	return float64(bits.OnesCount32(both)) / float64(bits.OnesCount32(r.domains|m.domains))
}

// reach is an upper bound of the weighted sum of the concept, soft and
// lexical signals of a profile whose accumulators are at most acc (qCov,
// soft, lex by sigConcept, sigSoft, sigLexical): each signal's bound
// above grows with its accumulator, and reach applies it to acc.
func (r *ranker) reach(acc [3]float64) float64 {
	var ub float64
	if r.qTotal > 0 {
		ub += r.weights[sigConcept] * math.Min(1, 2*acc[sigConcept]/r.qTotal)
	}
	ub += r.weights[sigSoft] * math.Min(1, acc[sigSoft])
	if r.qSelf > 0 {
		ub += r.weights[sigLexical] * math.Min(1, acc[sigLexical]/r.qSelf)
	}
	return ub
}

// signalWeights returns the weights of signals for a query with n
// concepts of its own. Concepts are the precise evidence when a text has
// several; a text the taxonomy barely covers is matched mostly by its
// words, so the lexical weight grows as the concepts get fewer, taking
// its share from the others in proportion.
func signalWeights(n int) []float64 {
	thin := 1 - math.Min(1, float64(n)/fullConcepts)
	lex := wLexical + lexicalBoost*thin
	scale := (1 - lex) / (1 - wLexical)
	return []float64{wConcept * scale, wSoft * scale, lex, wDomain * scale}
}
