package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// offerText and needText are an offer and a need that match each other.
const (
	offerText = "Ultra-high-speed laser cladding of corrosion-resistant alloy on hydraulic piston rods replaces hard chrome plating; 1000 hours salt spray without rust. Deployed on two production lines."
	needText  = "Our hydraulic cylinder piston rods rust within months near the sea and the chrome plating peels off. We need a corrosion-resistant surface without electroplating."
)

func TestNoticesOffAndDigest(t *testing.T) {
	e, st := testEngine(t)
	rec := &recorder{}
	e.SetMessenger(DirectMessenger{rec})
	ctx := context.Background()
	offer := matcher.Profile{ID: "o-mine", Kind: matcher.KindOffer, OwnerID: 50, Status: matcher.StatusActive, Lang: matcher.LangEN,
		Title: "Laser cladding of piston rods", Description: offerText, CreatedAt: fixedNow, UpdatedAt: fixedNow}
	st.SaveProfile(ctx, offer)
	e.interview.ranker.Upsert(offer)
	need := matcher.Profile{Kind: matcher.KindNeed, Status: matcher.StatusActive, Lang: matcher.LangEN, Title: "Rods rust", Description: needText}

	st.SetNotify(ctx, 50, store.NotifyOff)
	if _, _, _, err := e.interview.publish(ctx, need, 60, nil); err != nil {
		t.Fatal(err)
	}
	e.NotifyCounterparts(ctx, need)
	if strings.Contains(rec.b.String(), "New match") {
		t.Errorf("notices off, yet:\n%s", rec.b.String())
	}
	st.SetNotify(ctx, 50, store.NotifyDigest)
	if _, _, _, err := e.interview.publish(ctx, need, 61, nil); err != nil {
		t.Fatal(err)
	}
	e.NotifyCounterparts(ctx, need)
	if strings.Contains(rec.b.String(), "New match") {
		t.Errorf("digest mode sent a notice at once:\n%s", rec.b.String())
	}
	if err := e.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.b.String(), "daily digest: 1 new matches") {
		t.Errorf("no digest:\n%s", rec.b.String())
	}
}

func TestExpiryNudgeAndKeep(t *testing.T) {
	e, st := testEngine(t)
	rec := &recorder{}
	e.SetMessenger(DirectMessenger{rec})
	ctx := context.Background()
	old := func(id string, age time.Duration) matcher.Profile {
		p := matcher.Profile{ID: id, Kind: matcher.KindOffer, OwnerID: 70, Status: matcher.StatusActive, Lang: matcher.LangEN,
			Title: "Offer " + id, Description: offerText, CreatedAt: fixedNow.Add(-age), UpdatedAt: fixedNow.Add(-age)}
		st.SaveProfile(ctx, p)
		e.interview.ranker.Upsert(p)
		return p
	}
	old("o-soon", DefaultProfileTTL-3*24*time.Hour)
	old("o-gone", DefaultProfileTTL+time.Hour)
	old("o-fresh", time.Hour)
	for range 2 {
		if err := e.ExpireProfiles(ctx, DefaultProfileTTL); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(rec.b.String(), "Are you still looking?"); n != 1 {
		t.Errorf("%d nudges, want 1 (o-soon, once):\n%s", n, rec.b.String())
	}
	if p, _ := st.Profile(ctx, "o-gone"); p.Status != matcher.StatusExpired {
		t.Errorf("o-gone status %s, want expired", p.Status)
	}
	if p, _ := st.Profile(ctx, "o-fresh"); p.Status != matcher.StatusActive {
		t.Errorf("o-fresh status %s", p.Status)
	}
	// [Keep] renews the nudged profile.
	s := &dialog.Session{ChatID: 70, UserID: 70, Lang: matcher.LangEN}
	if _, err := e.action(ctx, s, Incoming{ChatID: 70, UserID: 70}, dialog.Action(aKeep, "o-soon"), rec); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Profile(ctx, "o-soon"); !p.UpdatedAt.Equal(fixedNow.UTC()) {
		t.Errorf("kept profile updated at %v, want now", p.UpdatedAt)
	}
}

// TestWatcherResumesWhereItStopped: a profile stored while no watcher
// runs is announced by the next watcher, even one started after the
// index was built, and only once.
func TestWatcherResumesWhereItStopped(t *testing.T) {
	e, st := testEngine(t)
	rec := &recorder{}
	e.SetMessenger(DirectMessenger{rec})
	ctx := context.Background()
	offer := matcher.Profile{ID: "o-resume", Kind: matcher.KindOffer, OwnerID: 50, Status: matcher.StatusActive, Lang: matcher.LangEN,
		Title: "Laser cladding of piston rods", Description: offerText, CreatedAt: fixedNow, UpdatedAt: fixedNow}
	if _, err := st.SaveProfile(ctx, offer); err != nil {
		t.Fatal(err)
	}
	e.interview.ranker.Upsert(offer)

	// watch runs a watcher that starts, as a new process would, at the
	// stream's last entry, and stops once it has handled the stream.
	watch := func() {
		t.Helper()
		from, err := st.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			e.WatchNewMatches(wctx, st, from)
		}()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if seq, _ := st.Cursor(ctx, WatcherCursor); seq == from {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the watcher did not reach %s", from)
			}
		}
		cancel()
		<-done
	}
	watch()
	need := matcher.Profile{ID: "n-resume", Kind: matcher.KindNeed, OwnerID: 60, Status: matcher.StatusActive, Lang: matcher.LangEN,
		Title: "Rods rust", Description: needText, CreatedAt: fixedNow, UpdatedAt: fixedNow}
	if _, err := st.SaveProfile(ctx, need); err != nil {
		t.Fatal(err)
	}
	watch()
	if n := strings.Count(rec.b.String(), "New match"); n != 1 {
		t.Fatalf("want one notice of the need stored while no watcher ran, got %d:\n%s", n, rec.b.String())
	}
	watch()
	if n := strings.Count(rec.b.String(), "New match"); n != 1 {
		t.Errorf("a later watcher announced it again: %d notices", n)
	}
}

// TestWithoutOptionalParts: an engine built without organizers, a
// transcriber, new-match notices or contact cards works with what stands
// in for each: organizers' commands and files are refused, voice gets a
// request to type, nobody is told of new matches and nothing expires.
func TestWithoutOptionalParts(t *testing.T) {
	e, st := testEngine(t, func(o *Options) { o.Notices = nil })
	rec := &recorder{}
	e.SetMessenger(DirectMessenger{rec})
	ctx := context.Background()
	send := func(in dialog.Input) string {
		t.Helper()
		rec.b.Reset()
		in.LangHint = matcher.LangEN
		if _, err := e.Handle(ctx, Incoming{ChatID: 80, UserID: 80, Input: in}, rec); err != nil {
			t.Fatal(err)
		}
		return rec.b.String()
	}
	en := func(m dialog.Msg) string { return dialog.Tr(matcher.LangEN, m) }
	for _, c := range []struct {
		name string
		in   dialog.Input
		want string
	}{
		{"admin command", dialog.Input{Kind: dialog.InCommand, Command: "stats"}, en("admin_only")},
		{"file", dialog.Input{Kind: dialog.InDocument, File: &dialog.FileRef{ID: "f1", Name: "list.csv", Size: 10}}, en("upload_refused")},
		{"voice", dialog.Input{Kind: dialog.InVoice, File: &dialog.FileRef{ID: "hello", Name: "v.ogg", Size: 5}}, en("voice_no_model")},
	} {
		if got := send(c.in); !strings.Contains(got, firstLine(c.want)) {
			t.Errorf("%s: got\n%s\nwant %q", c.name, got, c.want)
		}
	}
	if got := send(dialog.Input{Kind: dialog.InCommand, Command: "claim", Arg: "abc"}); strings.Contains(got, firstLine(en("claim_wrong"))) {
		t.Errorf("a claim looked up without organizers:\n%s", got)
	}

	offer := matcher.Profile{ID: "o-old", Kind: matcher.KindOffer, OwnerID: 50, Status: matcher.StatusActive, Lang: matcher.LangEN,
		Title: "Laser cladding of piston rods", Description: offerText, CreatedAt: fixedNow.Add(-400 * 24 * time.Hour), UpdatedAt: fixedNow.Add(-400 * 24 * time.Hour)}
	if _, err := st.SaveProfile(ctx, offer); err != nil {
		t.Fatal(err)
	}
	e.interview.ranker.Upsert(offer)
	rec.b.Reset()
	need, _, _, err := e.interview.publish(ctx, matcher.Profile{Kind: matcher.KindNeed, Status: matcher.StatusActive, Lang: matcher.LangEN, Title: "Rods rust", Description: needText}, 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.NotifyCounterparts(ctx, need)
	if err := e.SendDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.ExpireProfiles(ctx, DefaultProfileTTL); err != nil {
		t.Fatal(err)
	}
	if rec.b.Len() > 0 {
		t.Errorf("told someone without notices:\n%s", rec.b.String())
	}
	if p, _ := st.Profile(ctx, offer.ID); p.Status != matcher.StatusActive {
		t.Errorf("expired without notices: %s", p.Status)
	}
}

// firstLine is the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
