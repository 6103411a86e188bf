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
	a := ix.analyze(&q.Profile)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	r := ix.newRanker(&q, a)
	defer r.release()

	facets := make([]int32, 0, len(r.qConcepts))
	for c := range r.qConcepts {
		facets = append(facets, c)
	}
	sort.Slice(facets, func(i, j int) bool {
		if wi, wj := r.qConcepts[facets[i]], r.qConcepts[facets[j]]; wi != wj {
			return wi > wj
		}
		return facets[i] < facets[j]
	})
	if len(facets) > maxFacets {
		facets = facets[:maxFacets]
	}
	if len(facets) < minFacets {
		return Team{}, false
	}

	pool := r.top(teamPool)
	covers := make([][]int32, len(pool))
	best := 0
	for i, c := range pool {
		covers[i] = ix.facetsCovered(c.d, facets)
		best = max(best, len(covers[i]))
	}

	t := Team{Facets: len(facets), Best: best}
	done := map[int32]bool{}
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
		m := TeamMember{Profile: pool[pick].d.p.profile()}
		for _, f := range covers[pick] {
			if !done[f] {
				done[f] = true
				m.Facets = append(m.Facets, ix.tax.concepts[f].ID)
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

// facetsCovered lists the facets an offer covers: it names the concept
// or a related one, or leans on it strongly.
func (ix *Index) facetsCovered(d *doc, facets []int32) []int32 {
	var out []int32
	for _, f := range facets {
		if find(d.concepts, f) > 0 || float64(find(d.soft, f))/maxPacked >= softFacetLevel {
			out = append(out, f)
			continue
		}
		for _, rid := range ix.tax.concepts[f].Related {
			if find(d.concepts, ix.tax.index[rid]) > 0 {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// find returns the value packed with id in ps (sorted by id), or 0.
func find(ps []posting, id int32) int {
	i := sort.Search(len(ps), func(i int) bool { return ps[i].id() >= id })
	if i < len(ps) && ps[i].id() == id {
		return ps[i].val()
	}
	return 0
}
