package matcher

import (
	"sort"
	"time"
)

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

// UpdatedBefore returns the ids of the active profiles with an owner that
// were last updated before t, sorted: all the expiry sweep has to read.
func (ix *Index) UpdatedBefore(t time.Time) []string {
	before := t.UnixNano()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var ids []string
	for _, s := range ix.shards {
		for _, d := range s.docs {
			if d != nil && d.p.OwnerID != 0 && d.p.updated < before && valueOf(statuses, d.p.status) == StatusActive {
				ids = append(ids, d.p.ID)
			}
		}
	}
	sort.Strings(ids)
	return ids
}
