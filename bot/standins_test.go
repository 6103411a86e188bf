package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
)

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
