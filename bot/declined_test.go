package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/report"
)

// TestDeclinedPairNeverComesBack: 👎 on a match, without a reason, keeps
// that counterpart away from the profile everywhere it is ranked: after
// an edit and publish, in /my, in new-match notices either way, and in
// the docking report.
func TestDeclinedPairNeverComesBack(t *testing.T) {
	e, st := testEngine(t)
	rec := &recorder{}
	e.SetMessenger(DirectMessenger{Sender: rec})
	ctx := context.Background()
	offer := matcher.Profile{ID: "o-mine", Kind: matcher.KindOffer, OwnerID: 50, Status: matcher.StatusActive, Lang: matcher.LangEN,
		Title: "Laser cladding of piston rods", Description: offerText, CreatedAt: fixedNow, UpdatedAt: fixedNow}
	if _, err := st.SaveProfile(ctx, offer); err != nil {
		t.Fatal(err)
	}
	e.interview.ranker.Upsert(offer)
	need := matcher.Profile{Kind: matcher.KindNeed, Status: matcher.StatusActive, Lang: matcher.LangEN, Title: "Rods rust", Description: needText}
	need, ms, _, err := e.interview.publish(ctx, need, 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.NotifyCounterparts(ctx, need) // as the watcher of the change stream does
	rank := 0
	for i, m := range ms {
		if m.Profile.ID == offer.ID {
			rank = i + 1
		}
	}
	if rank == 0 || !strings.Contains(rec.b.String(), "New match for your") {
		t.Fatalf("the offer is not a match of the need to begin with (rank %d):\n%s", rank, rec.b.String())
	}

	// The need's owner presses 👎 on the offer and gives no reason.
	if err := e.interview.matches.show(ctx, matcher.LangEN, need, 60, rec); err != nil {
		t.Fatal(err)
	}
	b, ok := rec.press(fmt.Sprintf("👎 %d Not relevant", rank))
	if !ok {
		t.Fatalf("no 👎 button for match %d:\n%s", rank, rec.b.String())
	}
	if _, err := e.Handle(ctx, Incoming{ChatID: 60, UserID: 60, Input: dialog.Input{Kind: dialog.InButton, Button: b}}, rec); err != nil {
		t.Fatal(err)
	}

	shown := func(ms []matcher.Match) bool {
		for _, m := range ms {
			if m.Profile.ID == offer.ID {
				return true
			}
		}
		return false
	}
	rec.b.Reset()
	need.Description += " The rods are two metres long."
	need, ms, team, err := e.interview.publish(ctx, need, 60, nil)
	if err != nil || shown(ms) {
		t.Errorf("after an edit and publish the declined offer is back: %v", err)
	} else if team != nil {
		for _, m := range team.Members {
			if m.Profile.ID == offer.ID {
				t.Error("the declined offer is back in the linkage team")
			}
		}
	}
	e.NotifyCounterparts(ctx, need)
	offer, _, _, err = e.interview.publish(ctx, offer, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.NotifyCounterparts(ctx, offer)
	if strings.Contains(rec.b.String(), "New match for your") {
		t.Errorf("a notice about the declined pair:\n%s", rec.b.String())
	}
	rec.b.Reset()
	if err := e.interview.matches.show(ctx, matcher.LangEN, need, 60, rec); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rec.b.String(), offer.Title) {
		t.Errorf("/my shows the declined offer:\n%s", rec.b.String())
	}
	r, err := report.Build(ctx, st, e.interview.ranker, e.interview.dialog.Tax, report.Options{Lang: matcher.LangEN, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	inReport := false
	for _, n := range r.Needs {
		if n.Need.ID != need.ID {
			continue
		}
		inReport = true
		for _, o := range n.Offers {
			if o.Offer.ID == offer.ID {
				t.Error("the report lists the declined offer for the need")
			}
		}
	}
	if !inReport {
		t.Error("the need is not in the report")
	}
}
