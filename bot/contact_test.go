package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/duijie/duijie/dataset"
	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// listContact is a store whose profiles all have a contact from an
// organizer's list.
type listContact struct {
	*store.Store
	c dataset.Contact
}

func (s listContact) Contact(context.Context, string) (dataset.Contact, error) { return s.c, nil }

// TestContactCard: the contact handed over is tappable — a tg://user
// link when the owner has no username — and carries the list's contact,
// escaped.
func TestContactCard(t *testing.T) {
	ctx := context.Background()
	e, st := testEngine(t)
	e.Data = listContact{st, dataset.Contact{Name: "王工", Phone: "138 0000 0000", Email: "wang<x>@example.cn"}}
	card, err := e.contactCard(ctx, matcher.LangZH, matcher.Profile{ID: "x1", OwnerID: 42, Title: "<b>窑炉", Org: "A&B 陶瓷"})
	if err != nil {
		t.Fatal(err)
	}
	seen, err := tgfake.VisibleHTML(card)
	if err != nil {
		t.Fatalf("Telegram refuses the card: %v\n%s", err, card)
	}
	for _, want := range []string{`<a href="tg://user?id=42">`, `<a href="tel:13800000000">`} {
		if !strings.Contains(card, want) {
			t.Errorf("card lacks %s:\n%s", want, card)
		}
	}
	for _, want := range []string{"联系方式：点此发消息", "姓名：王工", "电话：138 0000 0000", "邮箱：wang<x>@example.cn", "单位：A&B 陶瓷", "对方发布的内容：<b>窑炉"} {
		if !strings.Contains(seen, want) {
			t.Errorf("card shows no %q:\n%s", want, seen)
		}
	}
}
