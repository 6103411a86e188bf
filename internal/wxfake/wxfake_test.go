package wxfake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// api calls the fake like a client would and returns errcode and the answer.
func api(t *testing.T, s *Server, method, path string, q url.Values, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL()+path+"?"+q.Encode(), rd)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	code, _ := m["errcode"].(float64)
	return int(code), m
}

func token(t *testing.T, s *Server) string {
	t.Helper()
	code, m := api(t, s, http.MethodPost, "/cgi-bin/stable_token", nil,
		map[string]any{"grant_type": "client_credential", "appid": AppID, "secret": AppSecret})
	if code != 0 {
		t.Fatalf("stable_token: %v", m)
	}
	return m["access_token"].(string)
}

func TestToken(t *testing.T) {
	s := New(t)
	for _, tc := range []struct {
		appid, secret string
		want          int
	}{{"wxother", AppSecret, 40013}, {AppID, "wrong", 40125}, {AppID, AppSecret, 0}} {
		q := url.Values{"grant_type": {"client_credential"}, "appid": {tc.appid}, "secret": {tc.secret}}
		if code, m := api(t, s, http.MethodGet, "/cgi-bin/token", q, nil); code != tc.want {
			t.Errorf("token(%s, %s) = %v, want errcode %d", tc.appid, tc.secret, m, tc.want)
		}
	}
	a, b := token(t, s), token(t, s)
	if a != b {
		t.Errorf("stable tokens differ while valid: %s, %s", a, b)
	}
	s.Advance(2*time.Hour + time.Second)
	if code, _ := api(t, s, http.MethodPost, "/cgi-bin/message/custom/send", url.Values{"access_token": {a}}, map[string]any{}); code != 42001 {
		t.Errorf("expired token: errcode %d, want 42001", code)
	}
	if code, _ := api(t, s, http.MethodPost, "/cgi-bin/message/custom/send", url.Values{"access_token": {"forged"}}, map[string]any{}); code != 40001 {
		t.Errorf("unknown token: errcode %d, want 40001", code)
	}
	if c := token(t, s); c == a {
		t.Error("an expired token was issued again")
	}
}

// bot is an endpoint that records the pushes it gets.
type bot struct {
	mu   sync.Mutex
	reqs []*http.Request
	body [][]byte
}

func (b *bot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.reqs, b.body = append(b.reqs, r), append(b.body, body)
	b.mu.Unlock()
}

func newBot(t *testing.T) (*bot, string) {
	b := &bot{}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return b, srv.URL
}

func TestCustomSendRules(t *testing.T) {
	s := New(t)
	_, endpoint := newBot(t)
	send := func(m map[string]any) int {
		q := url.Values{"access_token": {token(t, s)}}
		code, _ := api(t, s, http.MethodPost, "/cgi-bin/message/custom/send", q, m)
		return code
	}
	text := func(to, c string) map[string]any {
		return map[string]any{"touser": to, "msgtype": "text", "text": map[string]any{"content": c}}
	}
	if code := send(text("oA", "你好")); code != 45015 {
		t.Errorf("before the user wrote: errcode %d, want 45015", code)
	}
	s.Text(endpoint, "oA", "在吗")
	for _, tc := range []struct {
		name string
		m    map[string]any
		want int
	}{
		{"empty", text("oA", ""), 44004},
		{"too long", text("oA", strings.Repeat("长", TextLimit/3+1)), 45002},
		{"no user", text("", "x"), 40003},
		{"unknown type", map[string]any{"touser": "oA", "msgtype": "sticker"}, 40008},
		{"menu of 11", map[string]any{"touser": "oA", "msgtype": "msgmenu", "msgmenu": map[string]any{
			"head_content": "选", "list": make([]map[string]string, 11)}}, 40008},
	} {
		if code := send(tc.m); code != tc.want {
			t.Errorf("%s: errcode %d, want %d", tc.name, code, tc.want)
		}
	}
	for i := range 5 {
		if code := send(text("oA", fmt.Sprint(i))); code != 0 {
			t.Fatalf("message %d: errcode %d", i+1, code)
		}
	}
	if code := send(text("oA", "6")); code != 45047 {
		t.Errorf("sixth message: errcode %d, want 45047", code)
	}
	s.Text(endpoint, "oA", "还在")
	s.Advance(48 * time.Hour)
	if code := send(text("oA", "late")); code != 45015 {
		t.Errorf("after 48 hours: errcode %d, want 45015", code)
	}

	// A follow allows 3 messages for a minute.
	s.Deliver(endpoint, Message{From: "oB", Type: "event", Event: "subscribe"})
	if open, left := s.Window("oB"); !open || left != 3 {
		t.Errorf("after a follow: open %v, left %d; want 3", open, left)
	}
	s.Advance(61 * time.Second)
	if code := send(text("oB", "迟了")); code != 45015 {
		t.Errorf("a minute after a follow: errcode %d, want 45015", code)
	}

	s.FailNext("/cgi-bin/message/custom/send", 45009, "reach max api daily quota limit")
	s.Text(endpoint, "oA", "再来")
	if code := send(text("oA", "x")); code != 45009 {
		t.Errorf("injected failure: errcode %d", code)
	}
	if code := send(text("oA", "x")); code != 0 {
		t.Errorf("after the injected failure: errcode %d", code)
	}
}

func TestTemplateAndQR(t *testing.T) {
	s := New(t)
	q := url.Values{"access_token": {token(t, s)}}
	tmpl := func(id string) int {
		code, _ := api(t, s, http.MethodPost, "/cgi-bin/message/template/send", q,
			map[string]any{"touser": "oA", "template_id": id, "data": map[string]any{"thing1": map[string]string{"value": "x"}}})
		return code
	}
	if a, b := tmpl("other"), tmpl(TemplateID); a != 40037 || b != 0 {
		t.Errorf("template: unknown id errcode %d, known %d", a, b)
	}
	qr := func(action, scene string, expire int) (int, map[string]any) {
		return api(t, s, http.MethodPost, "/cgi-bin/qrcode/create", q, map[string]any{"action_name": action,
			"expire_seconds": expire, "action_info": map[string]any{"scene": map[string]any{"scene_str": scene}}})
	}
	if code, _ := qr("QR_STR_SCENE", strings.Repeat("x", 65), 0); code != 40097 {
		t.Errorf("long scene: errcode %d, want 40097", code)
	}
	_, m := qr("QR_STR_SCENE", "event:a", 0)
	if m["expire_seconds"] != float64(60) {
		t.Errorf("default expiry %v, want 60", m["expire_seconds"])
	}
	_, m = qr("QR_LIMIT_STR_SCENE", "event:b", 0)
	if _, ok := m["expire_seconds"]; ok {
		t.Errorf("permanent code with expiry: %v", m)
	}
	if sc, ok := s.Scene(m["ticket"].(string)); !ok || sc != "event:b" {
		t.Errorf("scene %q, %v", sc, ok)
	}
}

// TestPush checks the push as a bot reads it: signed, encrypted in safe
// mode, the same MsgId on a retry.
func TestPush(t *testing.T) {
	s := New(t)
	s.Safe = true
	b, endpoint := newBot(t)
	d := s.Text(endpoint, "oA", "需求")
	s.Redeliver(endpoint, d)
	if len(b.reqs) != 2 {
		t.Fatalf("%d pushes", len(b.reqs))
	}
	for i, r := range b.reqs {
		q := r.URL.Query()
		if q.Get("signature") != Sign(Token, q.Get("timestamp"), q.Get("nonce")) || q.Get("encrypt_type") != "aes" {
			t.Errorf("push %d: query %v", i, q)
		}
		var env struct{ Encrypt string }
		if err := xml.Unmarshal(b.body[i], &env); err != nil {
			t.Fatal(err)
		}
		if q.Get("msg_signature") != Sign(Token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt) {
			t.Errorf("push %d: msg_signature", i)
		}
		plain, err := Decrypt(AESKey, AppID, env.Encrypt)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("<MsgId>%d</MsgId>", d.Msg.MsgID); !strings.Contains(string(plain), want) {
			t.Errorf("push %d: %s lacks %s", i, plain, want)
		}
	}
}
