package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
)

// TestContactCard: the contact handed over is tappable — a tg://user
// link when the owner has no username — and the card's user text is
// escaped.
func TestContactCard(t *testing.T) {
	ctx := context.Background()
	e, _ := testEngine(t)
	card, err := e.intros.contactCard(ctx, matcher.LangZH, matcher.Profile{ID: "x1", OwnerID: 42, Title: "<b>窑炉", Org: "A&B 陶瓷"})
	if err != nil {
		t.Fatal(err)
	}
	seen, err := tgfake.VisibleHTML(card)
	if err != nil {
		t.Fatalf("Telegram refuses the card: %v\n%s", err, card)
	}
	if want := `<a href="tg://user?id=42">`; !strings.Contains(card, want) {
		t.Errorf("card lacks %s:\n%s", want, card)
	}
	for _, want := range []string{"联系方式：点此发消息", "单位：A&B 陶瓷", "对方发布的内容：<b>窑炉"} {
		if !strings.Contains(seen, want) {
			t.Errorf("card shows no %q:\n%s", want, seen)
		}
	}
}
