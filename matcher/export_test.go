package matcher

// Hooks for the external tests.

// EncodeBare is Encode without the profile's fields, as digests were
// written before they were kept with them.
var EncodeBare = (*Taxonomy).encodeBare

// Scored is a candidate of a ranking: a profile with its content score.
type Scored struct {
	ID    string
	Score float64
}

// TopBoth returns the k best candidates for q found by the pruned walk and
// by the scan of every profile, best first, and whether the pruned walk
// answered rather than leave the query to the scan.
func (ix *Index) TopBoth(q Query, k int) (pruned, scanned []Scored, ok bool) {
	a := ix.analyze(&q.Profile)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	list := func(h []candidate) []Scored {
		out := make([]Scored, len(h))
		for i, c := range h {
			out[i] = Scored{c.d.p.ID, c.score}
		}
		return out
	}
	r := ix.newRanker(&q, a)
	h, ok := r.candidates(k)
	pruned = list(sortedCopy(h))
	r.release()

	r = ix.newRanker(&q, a)
	r.accumulate()
	h = r.scan(k)
	r.sc.heap = h
	scanned = list(sortedCopy(h))
	r.release()
	return pruned, scanned, ok
}
