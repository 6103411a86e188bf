package matcher

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// Soft concepts. Exact terms find a concept only when a profile uses one
// of its phrases; many profiles say the same thing in other words. Each
// concept is also read as a small bilingual document — the stemmed words
// of its English terms and the character bigrams of its Chinese terms —
// and a profile is projected onto those documents: every term of the
// profile votes for the concepts whose vocabulary holds it, weighted by
// how specific the term is among concepts. Two profiles in different
// languages meet when their votes land on the same concepts.

// softConceptsPerDoc is how many soft concepts a profile keeps.
const softConceptsPerDoc = 32

// conceptWeight is one concept of a sparse vector, by index in the taxonomy.
type conceptWeight struct {
	c int32
	w float32
}

// softVocab maps a term to the concepts whose terms contain it.
type softVocab struct {
	postings map[string][]conceptWeight
	idf      map[string]float64
	scratch  sync.Pool // of *softScratch
}

func newSoftVocab(concepts []*Concept) *softVocab {
	v := &softVocab{postings: map[string][]conceptWeight{}, idf: map[string]float64{}}
	v.scratch.New = func() any {
		return &softScratch{w: make([]float64, len(concepts)), seen: make([]bool, len(concepts))}
	}
	for i, c := range concepts {
		counts := map[string]int{}
		for _, term := range c.EN {
			for _, tok := range Tokens(term) {
				counts[tok]++
			}
		}
		for _, term := range c.ZH {
			for _, tok := range Tokens(term) {
				counts[tok]++
			}
		}
		var total float64
		for _, n := range counts {
			total += 1 + math.Log(float64(n))
		}
		for _, tok := range sortedKeys(counts) {
			w := (1 + math.Log(float64(counts[tok]))) / math.Sqrt(total)
			v.postings[tok] = append(v.postings[tok], conceptWeight{int32(i), float32(w)})
		}
	}
	n := float64(len(concepts))
	for tok, ps := range v.postings {
		v.idf[tok] = math.Log(1 + n/float64(len(ps)))
	}
	return v
}

// project returns the soft-concept vector of a bag of terms: the
// strongest concepts, L2-normalized, sorted by concept index.
func (v *softVocab) project(tokens map[string]int, keys []string) []conceptWeight {
	acc := v.scratch.Get().(*softScratch)
	defer v.scratch.Put(acc)
	for _, tok := range keys {
		ps := v.postings[tok]
		if len(ps) == 0 {
			continue
		}
		tw := (1 + math.Log(float64(tokens[tok]))) * v.idf[tok]
		for _, p := range ps {
			if !acc.seen[p.c] {
				acc.seen[p.c] = true
				acc.touched = append(acc.touched, p.c)
			}
			acc.w[p.c] += tw * float64(p.w)
		}
	}
	// The strongest concepts, strongest first, kept in order as the votes
	// are read: most concepts fall below the last kept one at once.
	vec := make([]conceptWeight, 0, min(len(acc.touched), softConceptsPerDoc))
	for _, c := range acc.touched {
		x := conceptWeight{c, float32(acc.w[c])}
		acc.w[c], acc.seen[c] = 0, false
		if len(vec) == softConceptsPerDoc && !stronger(x, vec[len(vec)-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(vec, x, func(a, b conceptWeight) int {
			if stronger(a, b) {
				return -1
			}
			return 1
		})
		if len(vec) == softConceptsPerDoc {
			vec = vec[:len(vec)-1]
		}
		vec = slices.Insert(vec, i, x)
	}
	acc.touched = acc.touched[:0]
	var norm float64
	for _, x := range vec {
		norm += float64(x.w) * float64(x.w)
	}
	norm = math.Sqrt(norm)
	for i := range vec {
		vec[i].w = float32(float64(vec[i].w) / norm)
	}
	slices.SortFunc(vec, func(a, b conceptWeight) int { return cmp.Compare(a.c, b.c) })
	return vec
}

// stronger orders soft concepts by weight, then by index.
func stronger(a, b conceptWeight) bool {
	if a.w != b.w {
		return a.w > b.w
	}
	return a.c < b.c
}

// softScratch is where project adds up the votes of a text, by concept
// index; it is left zeroed after use.
type softScratch struct {
	w       []float64
	seen    []bool
	touched []int32
}

// cosine of two normalized sparse vectors sorted by concept index.
func cosine(a, b []conceptWeight) float64 {
	var dot float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].c == b[j].c:
			dot += float64(a[i].w) * float64(b[j].w)
			i++
			j++
		case a[i].c < b[j].c:
			i++
		default:
			j++
		}
	}
	return dot
}
