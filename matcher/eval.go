package matcher

import (
	"math"
	"sort"
)

// Judgement is a graded pair of a labelled set: how well an offer
// answers a need (2 directly, 1 related).
type Judgement struct {
	Need, Offer string
	Grade       int
}

// EvalQuery is the result of one query of an evaluation.
type EvalQuery struct {
	ID     string    `json:"id"`
	Pair   string    `json:"pair"`  // language pair of the query and its relevant items: en-en, zh-zh, zh-en
	Scope  string    `json:"scope"` // ScopeInside or ScopeOutside: where the need's primary domain is
	NDCG5  float64   `json:"ndcg5"`
	Recall float64   `json:"recall10"`
	Ranked []string  `json:"ranked"`
	Scores []float64 `json:"scores"`
}

// EvalSummary aggregates queries of one direction.
type EvalSummary struct {
	EvalGroup
	ByPair  map[string]EvalGroup `json:"by_pair"`  // by language pair
	ByScope map[string]EvalGroup `json:"by_scope"` // inside or outside the original domains
	Detail  []EvalQuery          `json:"queries_detail,omitempty"`
}

// EvalGroup is the mean of some queries' measures.
type EvalGroup struct {
	Queries int     `json:"queries"`
	NDCG5   float64 `json:"ndcg5"`
	Recall  float64 `json:"recall10"`
}

func (g *EvalGroup) add(q EvalQuery) {
	g.Queries++
	g.NDCG5 += q.NDCG5
	g.Recall += q.Recall
}

func (g *EvalGroup) mean() {
	if g.Queries > 0 {
		g.NDCG5 /= float64(g.Queries)
		g.Recall /= float64(g.Queries)
	}
}

// Scopes of a query: whether the primary domain of the need of the pair
// (the query, or its best judged need) is one of originalDomains.
const (
	ScopeInside  = "inside"
	ScopeOutside = "outside"
)

// originalDomains are the 16 domains the taxonomy started with, around
// which the dev set was written; the rest of the economy came later.
var originalDomains = map[string]bool{"ai": true, "manufacturing": true, "biomed": true, "materials": true,
	"energy": true, "electronics": true, "agrifood": true, "environment": true, "iot": true, "auto": true,
	"textiles": true, "construction": true, "marine": true, "comms": true, "chemical": true, "aerospace": true}

// evalDepth is how many ranked items each query keeps.
const evalDepth = 10

// Evaluate ranks, for every profile of kind from that has at least one
// judged counterpart, all counterparts in ix, and measures NDCG@5 (gain
// 2^grade − 1, ideal from all judged items) and recall@10 (grade ≥ 1).
// profiles holds the labelled profiles in full: the queries.
func Evaluate(ix *Index, profiles []Profile, judged []Judgement, from Kind) EvalSummary {
	byID := make(map[string]Profile, len(profiles))
	for _, p := range profiles {
		byID[p.ID] = p
	}
	rel := map[string]map[string]int{}
	for _, j := range judged {
		q, c := j.Need, j.Offer
		if from == KindOffer {
			q, c = j.Offer, j.Need
		}
		if rel[q] == nil {
			rel[q] = map[string]int{}
		}
		rel[q][c] = j.Grade
	}
	var ids []string
	for id := range rel {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	sum := EvalSummary{ByPair: map[string]EvalGroup{}, ByScope: map[string]EvalGroup{}}
	for _, id := range ids {
		p, ok := byID[id]
		if !ok || p.Kind != from {
			continue
		}
		ms := ix.Rank(Query{Profile: p, Limit: evalDepth})
		q := EvalQuery{ID: id}
		for _, m := range ms {
			q.Ranked = append(q.Ranked, m.Profile.ID)
			q.Scores = append(q.Scores, math.Round(m.Score*1000)/1000)
		}
		q.NDCG5 = ndcg(q.Ranked, rel[id], 5)
		found := 0
		for _, r := range q.Ranked {
			if rel[id][r] > 0 {
				found++
			}
		}
		q.Recall = float64(found) / float64(len(rel[id]))
		best := byID[bestJudged(rel[id])]
		q.Pair = langPair(p, best)
		need := p
		if from == KindOffer {
			need = best
		}
		q.Scope = ScopeOutside
		if len(need.Domains) > 0 && originalDomains[need.Domains[0]] {
			q.Scope = ScopeInside
		}
		sum.Detail = append(sum.Detail, q)
		sum.add(q)
		for _, g := range []struct {
			m   map[string]EvalGroup
			key string
		}{{sum.ByPair, q.Pair}, {sum.ByScope, q.Scope}} {
			v := g.m[g.key]
			v.add(q)
			g.m[g.key] = v
		}
	}
	sum.mean()
	for _, m := range []map[string]EvalGroup{sum.ByPair, sum.ByScope} {
		for k, v := range m {
			v.mean()
			m[k] = v
		}
	}
	return sum
}

// bestJudged returns the id of the best judged item, ties by id.
func bestJudged(rel map[string]int) string {
	best, bestGrade := "", -1
	for id, g := range rel {
		if g > bestGrade || g == bestGrade && id < best {
			best, bestGrade = id, g
		}
	}
	return best
}

// langPair names the languages of a query and of its best judged item.
func langPair(q, other Profile) string {
	a, b := string(q.Lang), string(other.Lang)
	if a == b {
		return a + "-" + b
	}
	return "zh-en"
}

func ndcg(ranked []string, rel map[string]int, k int) float64 {
	gain := func(g int) float64 { return math.Pow(2, float64(g)) - 1 }
	var dcg float64
	for i, id := range ranked {
		if i == k {
			break
		}
		dcg += gain(rel[id]) / math.Log2(float64(i+2))
	}
	var grades []int
	for _, g := range rel {
		grades = append(grades, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	var idcg float64
	for i, g := range grades {
		if i == k {
			break
		}
		idcg += gain(g) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}
