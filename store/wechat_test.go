package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

func TestWeChatPutOnce(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.New(t)
	dup, err := st.Put(ctx, "wechat", "1001", []byte(`{"id":"1001"}`))
	if err != nil || dup {
		t.Fatalf("first put: dup %v, err %v", dup, err)
	}
	if dup, err = st.Put(ctx, "wechat", "1001", []byte(`{"id":"1001"}`)); err != nil || !dup {
		t.Fatalf("second put: dup %v, err %v; want a duplicate", dup, err)
	}
	if err := st.ClaimWeChat(ctx, "r1", time.Minute); err != nil {
		t.Fatal(err)
	}
	es, err := st.ReadWeChat(ctx, "r1", 10, -1, false)
	if err != nil || len(es) != 1 || string(es[0].Update) != `{"id":"1001"}` {
		t.Fatalf("read %+v, %v; want the one push", es, err)
	}
	if err := st.AckWeChat(ctx, es[0].ID); err != nil {
		t.Fatal(err)
	}
	if es, _ := st.ReadWeChat(ctx, "r1", 10, -1, true); len(es) != 0 {
		t.Errorf("pending after ack: %+v", es)
	}
}

func TestWeChatUsers(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.New(t)
	a, err := st.WeChatUser(ctx, "oA")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := st.WeChatUser(ctx, "oB")
	again, _ := st.WeChatUser(ctx, "oA")
	if a != again || a == b || !store.IsWeChatUser(a) || !store.IsWeChatUser(b) || store.IsWeChatUser(1<<52) {
		t.Fatalf("ids %d %d %d: want one stable id per openid, in the WeChat range", a, b, again)
	}
	if o, err := st.WeChatOpenID(ctx, b); err != nil || o != "oB" {
		t.Errorf("openid of %d = %q, %v", b, o, err)
	}
	if _, err := st.WeChatOpenID(ctx, 42); err != store.ErrNotFound {
		t.Errorf("openid of a Telegram id: %v, want ErrNotFound", err)
	}
}

func TestWeChatWaitingAndSeen(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.New(t)
	u, _ := st.WeChatUser(ctx, "oA")
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	st.SeeWeChat(ctx, u, t0)
	st.SeeWeChat(ctx, u, t0.Add(-time.Hour)) // an older push changes nothing
	if got, _ := st.WeChatSeen(ctx, u); !got.Equal(t0) {
		t.Errorf("seen %v, want %v", got, t0)
	}
	st.KeepWeChat(ctx, u, []byte("one"))
	st.KeepWeChat(ctx, u, []byte("two"))
	got, err := st.TakeWeChat(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"one", "two"}, []string{string(got[0]), string(got[1])}); diff != "" || len(got) != 2 {
		t.Errorf("taken (-want +got):\n%s", diff)
	}
	if again, _ := st.TakeWeChat(ctx, u); len(again) != 0 {
		t.Errorf("taken twice: %q", again)
	}
	first, err := st.SetWeChatChoices(ctx, u, []string{"a/ia/1", "a/id/1"})
	if err != nil || first != 1 {
		t.Fatalf("first menu: %d, %v", first, err)
	}
	if next, _ := st.SetWeChatChoices(ctx, u, []string{"3:trl:5"}); next != 3 {
		t.Errorf("second menu starts at %d, want 3", next)
	}
	if c, _ := st.WeChatChoices(ctx, u); len(c) != 1 || c[0] != "3:trl:5" {
		t.Errorf("last options %q", c)
	}
	for id, want := range map[string]string{"2": "a/id/1", "3": "3:trl:5", "4": "", "seq": ""} {
		if got, err := st.WeChatMenuItem(ctx, u, id); err != nil || got != want {
			t.Errorf("menu item %s = %q, %v; want %q", id, got, err, want)
		}
	}
	st.SetContactCard(ctx, u, "微信号 lijun_tc")
	if c, _ := st.ContactCard(ctx, u); c != "微信号 lijun_tc" {
		t.Errorf("card %q", c)
	}
	if d, err := st.ExportUser(ctx, u); err != nil || d.ContactCard != "微信号 lijun_tc" {
		t.Errorf("export: card %q, %v", d.ContactCard, err)
	}
	if err := st.DeleteUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.ContactCard(ctx, u); c != "" {
		t.Errorf("card after delete: %q", c)
	}
	if _, err := st.WeChatOpenID(ctx, u); err != store.ErrNotFound {
		t.Errorf("openid after delete: %v", err)
	}
	if again, _ := st.WeChatUser(ctx, "oA"); again == u {
		t.Error("a deleted WeChat user writing again got their old id")
	}
}
