package matcher

import "sort"

// IDs returns the ids of the indexed profiles, sorted: what a reader that
// rebuilds the index compares with what is stored.
func (ix *Index) IDs() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ids := make([]string, 0, len(ix.byID))
	for id := range ix.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
