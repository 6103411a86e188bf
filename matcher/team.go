package matcher

import "sort"

// A linkage team answers a need that no single offer covers: two or three
// offers that together cover its facets — upstream, midstream and
// downstream, as docking conferences put it.

// TeamMember is one offer of a team and the facets it brings.
type TeamMember struct {
	Profile Profile  `json:"-"`
	Facets  []string `json:"facets"` // concept ids of the need this offer covers first
}

// Team is a set of offers that together cover more of a need's facets
// than its best single offer.
type Team struct {
	Members []TeamMember `json:"members"`
	Covered int          `json:"covered"` // facets the team covers
	Facets  int          `json:"facets"`  // facets of the need
	Best    int          `json:"best"`    // facets the best single offer covers
}

// Limits of team building.
const (
	maxFacets      = 6    // facets of a need considered, strongest first
	minFacets      = 2    // a need with fewer facets needs no team
	teamPool       = 30   // best-scoring offers a team is drawn from
	maxTeam        = 3    // offers in a team
	softFacetLevel = 0.15 // soft-concept weight at which an offer counts as covering a facet
)

// Team proposes a linkage team for a need, or false when the need has
// too few facets or a single offer already covers all a team would.
func (ix *Index) Team(q Query) (Team, bool) {
	if q.Profile.Kind != KindNeed {
		return Team{}, false
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	qp := q.Profile
	qd := ix.prepare(&qp)
	sc := newScorer(ix.tax, qd, ix.stats[KindOffer])

	facets := append([]string(nil), qd.conceptKeys...)
	sort.SliceStable(facets, func(i, j int) bool { return sc.qConcepts[facets[i]] > sc.qConcepts[facets[j]] })
	if len(facets) > maxFacets {
		facets = facets[:maxFacets]
	}
	if len(facets) < minFacets {
		return Team{}, false
	}

	var pool []candidate
	for _, d := range ix.docs {
		if eligible(&qp, d.p, KindOffer, q.Exclude) {
			if s := sc.score(d); s > 0 && s >= q.MinScore {
				pool = append(pool, candidate{d, s})
			}
		}
	}
	sort.Slice(pool, func(i, j int) bool { return pool[i].better(pool[j]) })
	if len(pool) > teamPool {
		pool = pool[:teamPool]
	}
	covers := make([][]string, len(pool))
	best := 0
	for i, c := range pool {
		covers[i] = ix.facetsCovered(c.d, facets)
		best = max(best, len(covers[i]))
	}

	t := Team{Facets: len(facets), Best: best}
	done := map[string]bool{}
	used := map[int]bool{}
	for len(t.Members) < maxTeam {
		pick, gain := -1, 0
		for i := range pool {
			if used[i] {
				continue
			}
			n := 0
			for _, f := range covers[i] {
				if !done[f] {
					n++
				}
			}
			if n > gain { // pool is best-first, so ties keep the better score
				pick, gain = i, n
			}
		}
		if pick < 0 {
			break
		}
		used[pick] = true
		m := TeamMember{Profile: *pool[pick].d.p}
		for _, f := range covers[pick] {
			if !done[f] {
				done[f] = true
				m.Facets = append(m.Facets, f)
			}
		}
		t.Members = append(t.Members, m)
	}
	t.Covered = len(done)
	if len(t.Members) < 2 || t.Covered <= best {
		return Team{}, false
	}
	return t, true
}

// facetsCovered lists the facets an offer covers: it names the concept,
// a related one, or leans on it strongly.
func (ix *Index) facetsCovered(d *doc, facets []string) []string {
	var out []string
	for _, f := range facets {
		if d.concepts[f] > 0 || ix.softWeight(d, f) >= softFacetLevel {
			out = append(out, f)
			continue
		}
		if c, ok := ix.tax.Concept(f); ok {
			for _, r := range c.Related {
				if d.concepts[r] > 0 {
					out = append(out, f)
					break
				}
			}
		}
	}
	return out
}

// softWeight is the weight of concept id in d's soft vector.
func (ix *Index) softWeight(d *doc, id string) float64 {
	ci, ok := ix.tax.index[id]
	if !ok {
		return 0
	}
	i := sort.Search(len(d.soft), func(i int) bool { return d.soft[i].c >= ci })
	if i < len(d.soft) && d.soft[i].c == ci {
		return float64(d.soft[i].w)
	}
	return 0
}
