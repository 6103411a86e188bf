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
	Pair   string    `json:"pair"` // language pair of the query and its relevant items: en-en, zh-zh, zh-en
	NDCG5  float64   `json:"ndcg5"`
	Recall float64   `json:"recall10"`
	Ranked []string  `json:"ranked"`
	Scores []float64 `json:"scores"`
}

// EvalSummary aggregates queries of one direction.
type EvalSummary struct {
	Queries int                   `json:"queries"`
	NDCG5   float64               `json:"ndcg5"`
	Recall  float64               `json:"recall10"`
	ByPair  map[string][2]float64 `json:"by_pair"` // pair → {NDCG@5, recall@10}
	PairN   map[string]int        `json:"pair_queries"`
	Detail  []EvalQuery           `json:"queries_detail,omitempty"`
}

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
	sum := EvalSummary{ByPair: map[string][2]float64{}, PairN: map[string]int{}}
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
		q.Pair = langPair(byID, p, rel[id])
		sum.Detail = append(sum.Detail, q)
		sum.Queries++
		sum.NDCG5 += q.NDCG5
		sum.Recall += q.Recall
		bp := sum.ByPair[q.Pair]
		sum.ByPair[q.Pair] = [2]float64{bp[0] + q.NDCG5, bp[1] + q.Recall}
		sum.PairN[q.Pair]++
	}
	if sum.Queries > 0 {
		sum.NDCG5 /= float64(sum.Queries)
		sum.Recall /= float64(sum.Queries)
	}
	for k, v := range sum.ByPair {
		n := float64(sum.PairN[k])
		sum.ByPair[k] = [2]float64{v[0] / n, v[1] / n}
	}
	return sum
}

// langPair names the languages of a query and of its best judged item.
func langPair(byID map[string]Profile, q Profile, rel map[string]int) string {
	best, bestGrade := "", -1
	for id, g := range rel {
		if g > bestGrade || g == bestGrade && id < best {
			best, bestGrade = id, g
		}
	}
	other := byID[best]
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
