package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// percentOf finds the percent shown on the line after the one naming
// title in a recorded transcript, or the first one when title is empty.
func percentOf(t *testing.T, transcript, title string) string {
	t.Helper()
	score := regexp.MustCompile(`· (\d+)%`)
	if title == "" {
		if m := score.FindStringSubmatch(transcript); m != nil {
			return m[1]
		}
	}
	lines := strings.Split(transcript, "\n")
	for i, line := range lines {
		if title != "" && strings.Contains(line, title) && i+1 < len(lines) {
			if m := score.FindStringSubmatch(lines[i+1]); m != nil {
				return m[1]
			}
		}
	}
	t.Fatalf("no score shown for %q in:\n%s", title, transcript)
	return ""
}

// TestOneScore: a need and an offer see the same number for their pair
// in the need's list, the offer's list, the new-match notice and the
// introduction card: the matcher scores a pair the same from either side.
func TestOneScore(t *testing.T) {
	ctx := context.Background()
	e, st := testEngine(t)
	rec := &recorder{}
	e.SetMessenger(DirectMessenger{rec})
	need, err := st.Profile(ctx, "demo-n01")
	if err != nil {
		t.Fatal(err)
	}
	offer, err := st.Profile(ctx, "demo-o01")
	if err != nil {
		t.Fatal(err)
	}
	need.OwnerID, offer.OwnerID = 1, 2
	for _, p := range []matcher.Profile{need, offer} {
		if _, err := st.SaveProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		e.interview.ranker.Upsert(p)
	}
	pair, ok := e.interview.ranker.Pair(need, offer.ID)
	back, _ := e.interview.ranker.Pair(offer, need.ID)
	if !ok || pair.Percent() != back.Percent() {
		t.Fatalf("the pair scores %d from the need's side and %d from the offer's", pair.Percent(), back.Percent())
	}
	want := strconv.Itoa(pair.Percent())

	show := func(what string, do func() error, title string) {
		t.Helper()
		rec.b.Reset()
		if err := do(); err != nil {
			t.Fatal(err)
		}
		if got := percentOf(t, rec.b.String(), title); got != want {
			t.Errorf("%s shows %s%%, want %s%%:\n%s", what, got, want, rec.b.String())
		}
	}
	show("the need's list", func() error { return e.interview.matches.show(ctx, matcher.LangEN, need, 1, rec) }, offer.Title)
	show("the offer's list", func() error { return e.interview.matches.show(ctx, matcher.LangEN, offer, 2, rec) }, need.Title)
	show("the notice", func() error {
		e.NotifyCounterparts(ctx, offer)
		return nil
	}, offer.Title)
	show("the introduction card", func() error {
		_, err := e.intros.sendIntroRequest(ctx, need, offer, store.Intro{ID: "i1"})
		return err
	}, "") // the card describes the need without naming it
}
