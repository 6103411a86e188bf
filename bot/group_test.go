package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/duijie/duijie/bot/dialog"
	"github.com/duijie/duijie/matcher"
)

// TestGroupKeepsNothing: in a group the bot answers one line in the
// sender's language and stores no session for the chat.
func TestGroupKeepsNothing(t *testing.T) {
	e, st := testEngine(t)
	rec := &recorder{}
	for _, in := range []dialog.Input{
		{Kind: dialog.InCommand, Command: "start"},
		{Kind: dialog.InText, Text: "我们是做家具的，在东莞，喷漆房废气味道大，想找治理设备"},
		{Kind: dialog.InCommand, Command: "export"},
	} {
		in.LangHint, in.Group = matcher.LangZH, true
		if _, err := e.Handle(context.Background(), Incoming{ChatID: -100, UserID: 7, Input: in}, rec); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Count(rec.b.String(), dialog.Tr(matcher.LangZH, "group_only")), 3; got != want {
		t.Errorf("%d refusals, want %d:\n%s", got, want, rec.b.String())
	}
	if b, err := st.Session(context.Background(), -100); err != nil || b != nil {
		t.Errorf("group session stored: %s, %v", b, err)
	}
	res, err := e.Handle(context.Background(), Incoming{ChatID: -100, UserID: 7,
		Input: dialog.Input{Kind: dialog.InButton, Button: dialog.Action(aMatches, "p1"), Group: true, LangHint: matcher.LangEN}}, rec)
	if err != nil || res.Toast != dialog.Tr(matcher.LangEN, "group_only") {
		t.Errorf("button in a group: toast %q, %v", res.Toast, err)
	}
}
