package wechat_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/internal/wxfake"
	"github.com/duijie/duijie/wechat"
)

const (
	customPath   = "/cgi-bin/message/custom/send"
	templatePath = "/cgi-bin/message/template/send"
)

// wrote pushes a text from openid and returns when WeChat received it.
func (r *rig) wrote(t *testing.T, openid string) time.Time {
	t.Helper()
	d := r.fake.Text(r.endpoint, openid, "在吗")
	if d.Status != 200 {
		t.Fatalf("push: status %d, %v", d.Status, d.Err)
	}
	return time.Unix(d.Msg.CreateTime, 0)
}

func TestSendInsideWindow(t *testing.T) {
	r := newRig(t, false, wxfake.TemplateID)
	ctx := context.Background()
	seen := r.wrote(t, "oUser1")
	r.fake.Advance(47 * time.Hour)

	res, err := r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: "找到一个匹配：冷链温控方案。"})
	if err != nil || res.Outcome != wechat.Sent || res.Parts != 1 || res.Rest != nil {
		t.Fatalf("Send = %+v, %v; want sent in 1 part", res, err)
	}
	want := []map[string]any{{"touser": "oUser1", "msgtype": "text", "text": map[string]any{"content": "找到一个匹配：冷链温控方案。"}}}
	if diff := cmp.Diff(want, r.fake.Sent("oUser1")); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if n := len(r.fake.Calls(templatePath)); n != 0 {
		t.Errorf("%d template messages inside the window", n)
	}
}

func TestSendLongTextAndMenu(t *testing.T) {
	r := newRig(t, false, "")
	ctx := context.Background()
	seen := r.wrote(t, "oUser1")
	long := strings.Repeat("这是一段很长的需求描述，包含技术细节。", 100) // 5,700 bytes
	res, err := r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: long, Options: []string{"接受", "跳过"}})
	if err != nil || res.Outcome != wechat.Sent || res.Parts != 3 {
		t.Fatalf("Send = %+v, %v; want sent in 3 parts", res, err)
	}
	sent := r.fake.Sent("oUser1")
	var got strings.Builder
	for _, m := range sent[:2] {
		got.WriteString(m["text"].(map[string]any)["content"].(string))
	}
	menu := sent[2]["msgmenu"].(map[string]any)
	got.WriteString(menu["head_content"].(string))
	if got.String() != long {
		t.Errorf("the parts do not add up to the text")
	}
	wantItems := []any{map[string]any{"id": "1", "content": "接受"}, map[string]any{"id": "2", "content": "跳过"}}
	if diff := cmp.Diff(wantItems, menu["list"]); diff != "" {
		t.Errorf("menu items (-want +got):\n%s", diff)
	}

	// An account without msgmenu gets numbered options.
	r.fake.FailNext(customPath, 48001, "api unauthorized")
	res, err = r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: "要交换联系方式吗？", Options: []string{"接受", "跳过"}})
	if err != nil || res.Outcome != wechat.Sent {
		t.Fatalf("Send = %+v, %v", res, err)
	}
	sent = r.fake.Sent("oUser1")
	if got, want := sent[len(sent)-1]["text"], map[string]any{"content": "要交换联系方式吗？\n\n1. 接受\n2. 跳过"}; !cmp.Equal(want, got) {
		t.Errorf("numbered fallback %v, want %v", got, want)
	}
}

func TestSendOutsideWindow(t *testing.T) {
	for _, tc := range []struct {
		name     string
		template string
		want     wechat.Outcome
		calls    int
	}{
		{"no template", "", wechat.Wait, 0},
		{"template", wxfake.TemplateID, wechat.Templated, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, false, tc.template)
			ctx := context.Background()
			seen := r.wrote(t, "oUser1")
			r.fake.Advance(49 * time.Hour)
			out := wechat.Out{Text: "有一家企业接受了你的对接请求，回复任意消息查看详情。"}
			res, err := r.sender.Send(ctx, "oUser1", seen, out)
			if err != nil || res.Outcome != tc.want || res.Rest == nil || res.Rest.Text != out.Text {
				t.Fatalf("Send = %+v, %v; want %s with the message kept", res, err, tc.want)
			}
			if n := len(r.fake.Sent("oUser1")); n != 0 {
				t.Errorf("%d customer-service messages outside the window", n)
			}
			calls := r.fake.Calls(templatePath)
			if len(calls) != tc.calls {
				t.Fatalf("%d template messages, want %d", len(calls), tc.calls)
			}
			if tc.calls > 0 && (calls[0].ErrCode != 0 || !strings.Contains(string(calls[0].Body), `"thing1":{"value":"有一家企业接受了你的对接请求，回复任意…"}`)) {
				t.Errorf("template call %s (errcode %d)", calls[0].Body, calls[0].ErrCode)
			}

			// The user writes again: the notice goes out.
			seen = r.wrote(t, "oUser1")
			res, err = r.sender.Send(ctx, "oUser1", seen, *res.Rest)
			if err != nil || res.Outcome != wechat.Sent {
				t.Errorf("after the user wrote: %+v, %v", res, err)
			}
		})
	}
}

// TestSendQuota: WeChat allows five messages per user message; the sixth
// waits, with what is left of it.
func TestSendQuota(t *testing.T) {
	r := newRig(t, false, "")
	ctx := context.Background()
	seen := r.wrote(t, "oUser1")
	for i := range 4 {
		if res, err := r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: "通知"}); err != nil || res.Outcome != wechat.Sent {
			t.Fatalf("message %d: %+v, %v", i+1, res, err)
		}
	}
	long := strings.Repeat("甲", 600) + "\n" + strings.Repeat("乙", 600) // two parts
	res, err := r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: long, Options: []string{"好"}})
	if err != nil || res.Outcome != wechat.Wait || res.Parts != 1 || res.Rest == nil {
		t.Fatalf("Send = %+v, %v; want wait after 1 part", res, err)
	}
	want := wechat.Out{Text: strings.Repeat("乙", 600), Options: []string{"好"}}
	if diff := cmp.Diff(want, *res.Rest); diff != "" {
		t.Errorf("rest (-want +got):\n%s", diff)
	}
}

// TestTokenRenewed: a token WeChat rejects is renewed once, and an
// expired one is not used.
func TestTokenRenewed(t *testing.T) {
	r := newRig(t, false, "")
	ctx := context.Background()
	seen := r.wrote(t, "oUser1")
	if _, err := r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: "一"}); err != nil {
		t.Fatal(err)
	}
	r.fake.FailNext(customPath, 40001, "invalid credential")
	if _, err := r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: "二"}); err != nil {
		t.Fatalf("after a rejected token: %v", err)
	}
	r.fake.Advance(3 * time.Hour)
	seen = r.wrote(t, "oUser1")
	if _, err := r.sender.Send(ctx, "oUser1", seen, wechat.Out{Text: "三"}); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	for _, c := range r.fake.Calls(customPath) {
		if c.ErrCode == 42001 {
			t.Error("an expired token was used")
		}
	}
	if n := len(r.fake.Sent("oUser1")); n != 3 {
		t.Errorf("%d sent, want 3", n)
	}
}

func TestBadCredentials(t *testing.T) {
	fake := wxfake.New(t)
	c, err := wechat.NewClient(wechat.Config{AppID: wxfake.AppID, AppSecret: "wrong", Token: wxfake.Token,
		APIBase: fake.URL(), HTTPClient: fake.Client(), Now: fake.Now}, slogDiscard())
	if err != nil {
		t.Fatal(err)
	}
	_, err = wechat.NewSender(c).Send(context.Background(), "oUser1", fake.Now(), wechat.Out{Text: "x"})
	var we *wechat.Error
	if !errors.As(err, &we) || we.Code != 40125 {
		t.Errorf("err = %v, want errcode 40125", err)
	}
}
