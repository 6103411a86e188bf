package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/silenceper/wechat/v2/util"

	"github.com/duijie/duijie/internal/wxfake"
	"github.com/duijie/duijie/wechat"
)

// memInbox is an Inbox in memory that can fail on demand.
type memInbox struct {
	mu    sync.Mutex
	ids   map[string]bool
	msgs  []wechat.Message
	dups  int
	fails int // Put fails this many more times
}

func (in *memInbox) Put(_ context.Context, channel, id string, payload []byte) (bool, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.fails > 0 {
		in.fails--
		return false, errors.New("store down")
	}
	if channel != wechat.Channel {
		return false, fmt.Errorf("channel %q", channel)
	}
	if in.ids[id] {
		in.dups++
		return true, nil
	}
	m, err := wechat.Decode(payload)
	if err != nil {
		return false, err
	}
	in.ids[id] = true
	in.msgs = append(in.msgs, m)
	return false, nil
}

func (in *memInbox) messages() []wechat.Message {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]wechat.Message(nil), in.msgs...)
}

var _ wechat.Inbox = (*memInbox)(nil)

// rig is the adapter wired to a fake WeChat.
type rig struct {
	fake     *wxfake.Server
	inbox    *memInbox
	endpoint string
	client   *wechat.Client
	sender   *wechat.Sender
}

func newRig(t *testing.T, safe bool, template string) *rig {
	t.Helper()
	fake := wxfake.New(t)
	fake.Safe = safe
	log := slog.New(slog.NewTextHandler(tWriter{t}, nil))
	cfg := wechat.Config{AppID: wxfake.AppID, AppSecret: wxfake.AppSecret, Token: wxfake.Token, AESKey: wxfake.AESKey,
		TemplateMatch: template, APIBase: fake.URL(), HTTPClient: fake.Client(), Now: fake.Now}
	inbox := &memInbox{ids: map[string]bool{}}
	h, err := wechat.NewHandler(cfg, inbox, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := wechat.NewClient(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{fake: fake, inbox: inbox, endpoint: srv.URL + "/wechat", client: c, sender: wechat.NewSender(c)}
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestSignature(t *testing.T) {
	for _, safe := range []bool{false, true} {
		t.Run(fmt.Sprintf("safe=%v", safe), func(t *testing.T) {
			r := newRig(t, safe, "")
			d := r.fake.Tampered(r.endpoint, wxfake.Message{From: "oUser1", Content: "你好"})
			if d.Err != nil || d.Status != http.StatusUnauthorized {
				t.Errorf("forged push: status %d, err %v; want 401", d.Status, d.Err)
			}
			if n := len(r.inbox.messages()); n != 0 {
				t.Errorf("forged push stored %d messages", n)
			}
			if status, _, err := r.fake.Verify(r.endpoint, true); err != nil || status != http.StatusUnauthorized {
				t.Errorf("forged URL check: status %d, err %v; want 401", status, err)
			}
			if status, _, err := r.fake.Verify(r.endpoint, false); err != nil || status != http.StatusOK {
				t.Errorf("URL check: status %d, err %v; want 200 with echostr", status, err)
			}

			// A push replayed later with its signed query is refused.
			var captured *http.Request
			spy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { captured = req }))
			defer spy.Close()
			d = r.fake.Text(spy.URL, "oUser1", "原文")
			r.fake.Advance(10 * time.Minute)
			body := strings.NewReader("<xml><FromUserName>oUser1</FromUserName><MsgType>text</MsgType><Content>伪造</Content><MsgId>1</MsgId></xml>")
			resp, err := http.Post(r.endpoint+"?"+captured.URL.RawQuery, "text/xml", body)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || len(r.inbox.messages()) != 0 {
				t.Errorf("stale replay: status %d, %d stored; want 401, none", resp.StatusCode, len(r.inbox.messages()))
			}
		})
	}
}

func TestReceive(t *testing.T) {
	for _, safe := range []bool{false, true} {
		t.Run(fmt.Sprintf("safe=%v", safe), func(t *testing.T) {
			r := newRig(t, safe, "")
			at := r.fake.Now()
			text := r.fake.Text(r.endpoint, "oUser1", "我们厂需要一套农产品冷链温控方案 <急>")
			voice := r.fake.Deliver(r.endpoint, wxfake.Message{From: "oUser1", Type: "voice", MediaID: "m1", Recognition: "冷链温控"})
			choice := r.fake.Deliver(r.endpoint, wxfake.Message{From: "oUser1", Content: "接受", MenuID: "2"})
			for _, d := range []wxfake.Delivery{text, voice, choice} {
				if d.Err != nil || d.Status != http.StatusOK || d.Body != "" {
					t.Fatalf("push: status %d, body %q, err %v; want an empty 200", d.Status, d.Body, d.Err)
				}
			}
			want := []wechat.Message{
				{ID: fmt.Sprint(text.Msg.MsgID), OpenID: "oUser1", Kind: wechat.KindText, Text: "我们厂需要一套农产品冷链温控方案 <急>", At: at},
				{ID: fmt.Sprint(voice.Msg.MsgID), OpenID: "oUser1", Kind: wechat.KindVoice, Voice: "m1", Heard: "冷链温控", At: at},
				{ID: fmt.Sprint(choice.Msg.MsgID), OpenID: "oUser1", Kind: wechat.KindText, Text: "接受", Choice: "2", At: at},
			}
			if diff := cmp.Diff(want, r.inbox.messages()); diff != "" {
				t.Errorf("stored messages (-want +got):\n%s", diff)
			}
			if got := want[0].User(); got != "wechat:oUser1" {
				t.Errorf("user key %q", got)
			}
		})
	}
}

// TestCrypto checks the SDK's safe-mode crypto against the fake's, which
// is written from WeChat's documentation, both ways.
func TestCrypto(t *testing.T) {
	msg := []byte("<xml><Content><![CDATA[需求：温室大棚物联网]]></Content></xml>")
	enc, err := wxfake.Encrypt(wxfake.AESKey, wxfake.AppID, msg)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := util.DecryptMsg(wxfake.AppID, enc, wxfake.AESKey); err != nil || string(got) != string(msg) {
		t.Errorf("SDK decrypts the fake's: %q, %v", got, err)
	}
	if _, _, err := util.DecryptMsg("wxotherapp", enc, wxfake.AESKey); err == nil {
		t.Error("SDK decrypted a message for another app id")
	}
	sdk, err := util.EncryptMsg([]byte("0123456789abcdef"), msg, wxfake.AppID, wxfake.AESKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := wxfake.Decrypt(wxfake.AESKey, wxfake.AppID, string(sdk)); err != nil || string(got) != string(msg) {
		t.Errorf("the fake decrypts the SDK's: %q, %v", got, err)
	}
	if a, b := util.Signature(wxfake.Token, "1", "2", enc), wxfake.Sign(enc, "2", wxfake.Token, "1"); a != b {
		t.Errorf("signatures differ: SDK %s, fake %s", a, b)
	}
}

func TestDuplicateHandledOnce(t *testing.T) {
	r := newRig(t, true, "")
	d := r.fake.Text(r.endpoint, "oUser1", "你好")
	d = r.fake.Redeliver(r.endpoint, d)
	d = r.fake.Redeliver(r.endpoint, d)
	if d.Status != http.StatusOK || d.Attempts != 3 {
		t.Fatalf("status %d after %d attempts", d.Status, d.Attempts)
	}
	if n, dups := len(r.inbox.messages()), r.inbox.dups; n != 1 || dups != 2 {
		t.Errorf("stored %d, duplicates %d; want 1 and 2", n, dups)
	}

	// The store fails: 503, and WeChat's retry is stored.
	r.inbox.fails = 2
	d = r.fake.DeliverRetrying(r.endpoint, wxfake.Message{From: "oUser2", Content: "再来"})
	if d.Status != http.StatusOK || d.Attempts != 3 {
		t.Errorf("status %d after %d attempts; want 200 after 3", d.Status, d.Attempts)
	}
	if n := len(r.inbox.messages()); n != 2 {
		t.Errorf("stored %d, want 2", n)
	}
}

func TestQRTagsUser(t *testing.T) {
	r := newRig(t, false, "")
	ctx := context.Background()
	q, err := r.client.QR(ctx, "qxwq-2026-hefei", 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if q.Expires.IsZero() || !strings.Contains(q.Image, "ticket=") {
		t.Errorf("code %+v", q)
	}
	perm, err := r.client.QR(ctx, "qxwq-2026-hefei", 0)
	if err != nil || !perm.Expires.IsZero() {
		t.Fatalf("permanent code %+v, %v", perm, err)
	}
	if _, err := r.client.QR(ctx, strings.Repeat("x", 60), 0); err == nil {
		t.Error("a tag beyond the scene limit was accepted")
	}
	r.fake.Scan(r.endpoint, "oNew", q.Ticket, false)
	r.fake.Scan(r.endpoint, "oOld", perm.Ticket, true)
	msgs := r.inbox.messages()
	if len(msgs) != 2 {
		t.Fatalf("stored %d messages, want 2", len(msgs))
	}
	for i, want := range []wechat.Kind{wechat.KindFollow, wechat.KindScan} {
		tag, ok := wechat.EventTag(msgs[i].Scene)
		if msgs[i].Kind != want || !ok || tag != "qxwq-2026-hefei" {
			t.Errorf("message %d: kind %s, scene %q; want %s tagged qxwq-2026-hefei", i, msgs[i].Kind, msgs[i].Scene, want)
		}
	}
}

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestVoiceMedia(t *testing.T) {
	r := newRig(t, false, "")
	r.fake.AddMedia("m1", []byte("#!AMR\n..."))
	r.fake.Deliver(r.endpoint, wxfake.Message{From: "oUser1", Type: "voice", MediaID: "m1"})
	msgs := r.inbox.messages()
	if len(msgs) != 1 || msgs[0].Kind != wechat.KindVoice || msgs[0].Heard != "" {
		t.Fatalf("stored %+v", msgs)
	}
	audio, err := r.client.Media(context.Background(), msgs[0].Voice)
	if err != nil || string(audio) != "#!AMR\n..." {
		t.Errorf("Media = %q, %v", audio, err)
	}
	var we *wechat.Error
	if _, err := r.client.Media(context.Background(), "gone"); !errors.As(err, &we) || we.Code != 40007 {
		t.Errorf("unknown media: %v, want errcode 40007", err)
	}
}
