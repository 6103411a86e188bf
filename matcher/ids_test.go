package matcher

import (
	"slices"
	"testing"
	"time"
)

// TestUpdatedBefore lists only the active profiles with an owner updated
// before the time, and follows an upsert and a removal.
func TestUpdatedBefore(t *testing.T) {
	ix := NewIndex(Default())
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	old := now.Add(-100 * 24 * time.Hour)
	add := func(id string, owner int64, status Status, updated time.Time) Profile {
		p := Profile{ID: id, Kind: KindOffer, OwnerID: owner, Status: status, Lang: LangEN,
			Title: "Laser cladding " + id, Description: "Laser cladding of worn shafts.", UpdatedAt: updated}
		ix.Upsert(p)
		return p
	}
	add("b-old", 7, StatusActive, old)
	add("a-old", 8, StatusActive, old)
	add("fresh", 7, StatusActive, now)
	add("unowned", 0, StatusActive, old)
	add("paused", 7, StatusPaused, old)
	add("expired", 7, StatusExpired, old)
	renewed := add("renewed", 9, StatusActive, old)
	gone := add("gone", 9, StatusActive, old)

	cut := now.Add(-30 * 24 * time.Hour)
	if got, want := ix.UpdatedBefore(cut), []string{"a-old", "b-old", "gone", "renewed"}; !slices.Equal(got, want) {
		t.Errorf("UpdatedBefore = %v, want %v", got, want)
	}
	renewed.UpdatedAt = now
	ix.Upsert(renewed)
	ix.Remove(gone.ID)
	if got, want := ix.UpdatedBefore(cut), []string{"a-old", "b-old"}; !slices.Equal(got, want) {
		t.Errorf("after an upsert and a removal: %v, want %v", got, want)
	}
}
