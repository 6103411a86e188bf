package matcher

import (
	"context"
	"fmt"
)

// Declines tells which counterparts the owner of a profile declined
// with 👎 (store.Store).
type Declines interface {
	Declined(ctx context.Context, profileID string) (map[string]bool, error)
}

// ShownQuery is the one query for what the owner of p is shown, used by
// every place that ranks for a person (the matches after publishing, /my,
// new-match notices, the docking report, `duijie match`): at most limit
// counterparts (0: DefaultLimit) scoring at least ShowMinScore, never one
// p's owner declined. The index gates the rest itself: drafts, paused,
// expired and deleted profiles, the owner's own profiles, and do-not-match
// lists either way.
func ShownQuery(ctx context.Context, d Declines, p Profile, limit int) (Query, error) {
	q := Query{Profile: p, Limit: limit, MinScore: ShowMinScore}
	if p.ID == "" {
		return q, nil // not stored yet: nothing declined
	}
	declined, err := d.Declined(ctx, p.ID)
	if err != nil {
		return q, fmt.Errorf("matches of %s: %w", p.ID, err)
	}
	q.Exclude = declined
	return q, nil
}
