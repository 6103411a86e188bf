// Package wxfake is an in-process fake of the WeChat Official Account API
// for tests, and a fake of WeChat's side of the message push: it signs,
// encrypts and POSTs user messages to a bot's endpoint the way WeChat does.
//
// A Server listens on a loopback httptest server; point a client's API
// base URL at URL(). Answered endpoints:
//
//	GET  /cgi-bin/token             grant_type=client_credential, appid, secret
//	POST /cgi-bin/stable_token      {grant_type, appid, secret, force_refresh}
//	POST /cgi-bin/message/custom/send   text and msgmenu
//	POST /cgi-bin/message/template/send
//	POST /cgi-bin/qrcode/create     QR_SCENE, QR_STR_SCENE, QR_LIMIT_SCENE, QR_LIMIT_STR_SCENE
//	GET  /cgi-bin/media/get         media_id: a file added by AddMedia or a voice push
//
// Like WeChat it answers HTTP 200 with {"errcode","errmsg"} and checks:
// the appid and secret (40013, 40125); the access token (40001 unknown,
// 42001 expired after 7200 s of the fake's clock); a customer-service
// text of 1..2048 bytes (44004, 45002); a menu of 1..10 items with an id
// and content each; the customer-service window (45015): only after the
// user wrote, for 48 hours and at most 5 messages (45047 beyond), or
// after a follow, a QR scan or a menu click, for 1 minute and at most 3
// messages — a new interaction raises the quota and the deadline to the
// larger of the two, as WeChat does; a template id the account owns
// (40037); a QR scene string of 1..64 characters, a scene id of
// 1..100000 for permanent codes (40097); a temporary code's life of 60 s
// by default and 30 days at most. FailNext injects any error answer.
//
// The fake does not import the WeChat SDK: its signature and AES code is
// written from WeChat's documentation, so a round trip with the adapter
// checks both against each other.
package wxfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials of the fake account.
const (
	AppID      = "wx0123456789abcdef"
	AppSecret  = "fake-app-secret-0123456789abcdef"
	Token      = "faketoken123"
	AESKey     = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" // 43 characters
	TemplateID = "tmpl-match-0001"
	AccountID  = "gh_fakeaccount01" // the account's own user name, ToUserName of pushes
)

// WeChat's limits the fake enforces.
const (
	TextLimit       = 2048 // bytes of a customer-service text
	MenuItemsLimit  = 10
	tokenTTL        = 7200 * time.Second
	messageWindow   = 48 * time.Hour
	messageQuota    = 5
	eventWindow     = time.Minute
	eventQuota      = 3
	sceneStrLimit   = 64
	maxTempQRExpiry = 30 * 24 * time.Hour
	defaultQRExpiry = 60 * time.Second
)

// Call is one API request the fake received.
type Call struct {
	Path    string          // e.g. "/cgi-bin/message/custom/send"
	Body    json.RawMessage // the JSON body; nil for GET
	ErrCode int             // what the fake answered
}

// window is what the account may still send a user by customer service.
type window struct {
	until time.Time
	left  int
}

// Server is a fake WeChat API server. It is safe for concurrent use.
type Server struct {
	srv *httptest.Server
	tb  testing.TB

	// Safe makes Deliver encrypt messages (安全模式); else plain text mode.
	Safe bool

	mu        sync.Mutex
	now       time.Time
	tokens    map[string]time.Time // access token → expiry
	current   string
	tokenSeq  int
	windows   map[string]window // by openid
	calls     []Call
	failNext  map[string][]apiError // by path
	tickets   map[string]string     // ticket → scene
	media     map[string][]byte     // media id → file
	nextMsgID int64
	changed   chan struct{}
}

type apiError struct {
	Code int    `json:"errcode"`
	Msg  string `json:"errmsg"`
}

// New starts a fake on loopback; it stops when the test ends.
func New(tb testing.TB) *Server {
	s := &Server{tb: tb, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		tokens: map[string]time.Time{}, windows: map[string]window{}, failNext: map[string][]apiError{},
		tickets: map[string]string{}, media: map[string][]byte{}, nextMsgID: 24000000000000000, changed: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/cgi-bin/token", s.token)
	mux.HandleFunc("/cgi-bin/stable_token", s.stableToken)
	mux.HandleFunc("/cgi-bin/message/custom/send", s.authed(s.customSend))
	mux.HandleFunc("/cgi-bin/message/template/send", s.authed(s.templateSend))
	mux.HandleFunc("/cgi-bin/qrcode/create", s.authed(s.qrCreate))
	mux.HandleFunc("/cgi-bin/media/get", s.mediaGet)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.answer(w, r.URL.Path, nil, apiError{48001, "api unauthorized"}, nil)
	})
	s.srv = httptest.NewServer(mux)
	tb.Cleanup(s.srv.Close)
	return s
}

// URL is the API base URL, in place of https://api.weixin.qq.com.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Now is the fake's clock; it starts at a fixed time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// Advance moves the fake's clock: tokens expire, windows close.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.now = s.now.Add(d)
	s.mu.Unlock()
}

// FailNext makes the next call to path answer errcode and errmsg.
func (s *Server) FailNext(path string, errcode int, errmsg string) {
	s.mu.Lock()
	s.failNext[path] = append(s.failNext[path], apiError{errcode, errmsg})
	s.mu.Unlock()
}

// Calls returns the calls to path so far ("" for all).
func (s *Server) Calls(path string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if path == "" || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// Sent returns the customer-service messages accepted for openid, in
// order, decoded as generic JSON objects.
func (s *Server) Sent(openid string) []map[string]any {
	var out []map[string]any
	for _, c := range s.Calls("/cgi-bin/message/custom/send") {
		var m map[string]any
		if c.ErrCode == 0 && json.Unmarshal(c.Body, &m) == nil && m["touser"] == openid {
			out = append(out, m)
		}
	}
	return out
}

// WaitCalls waits until path has n successful calls or d passes, and
// returns them.
func (s *Server) WaitCalls(path string, n int, d time.Duration) []Call {
	deadline := time.After(d)
	for {
		s.mu.Lock()
		var ok []Call
		for _, c := range s.calls {
			if c.Path == path && c.ErrCode == 0 {
				ok = append(ok, c)
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if len(ok) >= n {
			return ok
		}
		select {
		case <-ch:
		case <-deadline:
			s.tb.Errorf("wxfake: %d successful calls to %s, want %d", len(ok), path, n)
			return ok
		}
	}
}

// Window reports whether the account may send openid a customer-service
// message now, and how many.
func (s *Server) Window(openid string) (open bool, left int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.windows[openid]
	if !s.now.Before(w.until) {
		return false, 0
	}
	return true, w.left
}

// interact opens or widens a user's window, as an interaction does.
// s.mu must be held.
func (s *Server) interact(openid string, d time.Duration, quota int) {
	w := s.windows[openid]
	if !s.now.Before(w.until) {
		w = window{}
	}
	w.until = later(w.until, s.now.Add(d))
	w.left = max(w.left, quota)
	s.windows[openid] = w
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// record adds c to the calls and wakes waiters.
func (s *Server) record(c Call) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// answer records a call and writes WeChat's JSON answer: e when non-zero,
// else ok merged with errcode 0.
func (s *Server) answer(w http.ResponseWriter, path string, body []byte, e apiError, ok map[string]any) {
	s.record(Call{Path: path, Body: body, ErrCode: e.Code})
	w.Header().Set("Content-Type", "application/json; encoding=utf-8")
	if e.Code != 0 {
		json.NewEncoder(w).Encode(e)
		return
	}
	if ok == nil {
		ok = map[string]any{}
	}
	ok["errcode"], ok["errmsg"] = 0, "ok"
	json.NewEncoder(w).Encode(ok)
}

// injected pops a queued failure for path.
func (s *Server) injected(path string) (apiError, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failNext[path]
	if len(q) == 0 {
		return apiError{}, false
	}
	s.failNext[path] = q[1:]
	return q[0], true
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.issue(w, r.URL.Path, nil, q.Get("grant_type"), q.Get("appid"), q.Get("secret"), true)
}

func (s *Server) stableToken(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if r.Method != http.MethodPost || json.Unmarshal(body, &req) != nil {
		s.answer(w, r.URL.Path, body, apiError{47001, "data format error"}, nil)
		return
	}
	s.issue(w, r.URL.Path, body, req.GrantType, req.AppID, req.Secret, req.ForceRefresh)
}

// issue answers a token request: stable tokens are reused while valid
// unless fresh is set; /cgi-bin/token always issues a new one, which
// leaves the previous one valid for a while, as WeChat does.
func (s *Server) issue(w http.ResponseWriter, path string, body []byte, grant, appid, secret string, fresh bool) {
	if e, ok := s.injected(path); ok {
		s.answer(w, path, body, e, nil)
		return
	}
	switch {
	case grant != "client_credential":
		s.answer(w, path, body, apiError{40002, "invalid grant_type"}, nil)
		return
	case appid != AppID:
		s.answer(w, path, body, apiError{40013, "invalid appid"}, nil)
		return
	case secret != AppSecret:
		s.answer(w, path, body, apiError{40125, "invalid appsecret"}, nil)
		return
	}
	s.mu.Lock()
	exp, valid := s.tokens[s.current]
	if fresh || !valid || !s.now.Before(exp) {
		s.tokenSeq++
		s.current = fmt.Sprintf("FAKE_ACCESS_TOKEN_%04d", s.tokenSeq)
		exp = s.now.Add(tokenTTL)
		s.tokens[s.current] = exp
	}
	tok, left := s.current, exp.Sub(s.now)
	s.mu.Unlock()
	s.answer(w, path, body, apiError{}, map[string]any{"access_token": tok, "expires_in": int(left.Seconds())})
}

// authed checks the method, the access token and injected failures
// before handing the JSON body to h, which returns the answer.
func (s *Server) authed(h func(body []byte) (apiError, map[string]any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		path := r.URL.Path
		if r.Method != http.MethodPost {
			s.answer(w, path, body, apiError{43002, "require POST method"}, nil)
			return
		}
		tok := r.URL.Query().Get("access_token")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		expired := known && !s.now.Before(exp)
		s.mu.Unlock()
		switch {
		case tok == "":
			s.answer(w, path, body, apiError{41001, "access_token missing"}, nil)
		case !known:
			s.answer(w, path, body, apiError{40001, "invalid credential, access_token is invalid or not latest"}, nil)
		case expired:
			s.answer(w, path, body, apiError{42001, "access_token expired"}, nil)
		default:
			if e, ok := s.injected(path); ok {
				s.answer(w, path, body, e, nil)
				return
			}
			if !json.Valid(body) {
				s.answer(w, path, body, apiError{47001, "data format error"}, nil)
				return
			}
			e, ok := h(body)
			s.answer(w, path, body, e, ok)
		}
	}
}

func (s *Server) customSend(body []byte) (apiError, map[string]any) {
	var m struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		Text    *struct {
			Content string `json:"content"`
		} `json:"text"`
		Menu *struct {
			Head string `json:"head_content"`
			List []struct {
				ID      string `json:"id"`
				Content string `json:"content"`
			} `json:"list"`
			Tail string `json:"tail_content"`
		} `json:"msgmenu"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return apiError{47001, "data format error"}, nil
	}
	if m.ToUser == "" {
		return apiError{40003, "invalid openid"}, nil
	}
	switch m.MsgType {
	case "text":
		if m.Text == nil || m.Text.Content == "" {
			return apiError{44004, "empty content"}, nil
		}
		if len(m.Text.Content) > TextLimit {
			return apiError{45002, "content size out of limit"}, nil
		}
	case "msgmenu":
		if m.Menu == nil || len(m.Menu.List) == 0 || len(m.Menu.List) > MenuItemsLimit {
			return apiError{40008, "invalid message type"}, nil
		}
		if len(m.Menu.Head)+len(m.Menu.Tail) > TextLimit {
			return apiError{45002, "content size out of limit"}, nil
		}
		for _, it := range m.Menu.List {
			if it.ID == "" || it.Content == "" {
				return apiError{47001, "data format error"}, nil
			}
		}
	default:
		return apiError{40008, "invalid message type"}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	win := s.windows[m.ToUser]
	if !s.now.Before(win.until) {
		return apiError{45015, "response out of time limit or subscription is canceled"}, nil
	}
	if win.left <= 0 {
		return apiError{45047, "out of response count limit"}, nil
	}
	win.left--
	s.windows[m.ToUser] = win
	return apiError{}, nil
}

func (s *Server) templateSend(body []byte) (apiError, map[string]any) {
	var m struct {
		ToUser     string                     `json:"touser"`
		TemplateID string                     `json:"template_id"`
		Data       map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return apiError{47001, "data format error"}, nil
	}
	switch {
	case m.ToUser == "":
		return apiError{40003, "invalid openid"}, nil
	case m.TemplateID != TemplateID:
		return apiError{40037, "invalid template_id"}, nil
	case len(m.Data) == 0:
		return apiError{47003, "argument invalid! data is empty"}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsgID++
	return apiError{}, map[string]any{"msgid": s.nextMsgID}
}

func (s *Server) qrCreate(body []byte) (apiError, map[string]any) {
	var req struct {
		ExpireSeconds int64  `json:"expire_seconds"`
		ActionName    string `json:"action_name"`
		ActionInfo    struct {
			Scene struct {
				SceneStr string `json:"scene_str"`
				SceneID  int64  `json:"scene_id"`
			} `json:"scene"`
		} `json:"action_info"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return apiError{47001, "data format error"}, nil
	}
	sc := req.ActionInfo.Scene
	var scene string
	switch req.ActionName {
	case "QR_STR_SCENE", "QR_LIMIT_STR_SCENE":
		if n := len([]rune(sc.SceneStr)); n < 1 || n > sceneStrLimit {
			return apiError{40097, "invalid args: scene_str"}, nil
		}
		scene = sc.SceneStr
	case "QR_SCENE":
		if sc.SceneID <= 0 {
			return apiError{40097, "invalid args: scene_id"}, nil
		}
		scene = strconv.FormatInt(sc.SceneID, 10)
	case "QR_LIMIT_SCENE":
		if sc.SceneID < 1 || sc.SceneID > 100000 {
			return apiError{40097, "invalid args: scene_id"}, nil
		}
		scene = strconv.FormatInt(sc.SceneID, 10)
	default:
		return apiError{40097, "invalid args: action_name"}, nil
	}
	out := map[string]any{}
	if !strings.HasPrefix(req.ActionName, "QR_LIMIT") {
		exp := time.Duration(req.ExpireSeconds) * time.Second
		if exp <= 0 {
			exp = defaultQRExpiry
		}
		if exp > maxTempQRExpiry {
			exp = maxTempQRExpiry
		}
		out["expire_seconds"] = int(exp.Seconds())
	}
	s.mu.Lock()
	ticket := fmt.Sprintf("gQFAKE%06d==", len(s.tickets)+1)
	s.tickets[ticket] = scene
	s.mu.Unlock()
	out["ticket"] = ticket
	out["url"] = "http://weixin.qq.com/q/" + ticket
	return apiError{}, out
}

// AddMedia stores a file that /cgi-bin/media/get serves under id.
func (s *Server) AddMedia(id string, file []byte) {
	s.mu.Lock()
	s.media[id] = file
	s.mu.Unlock()
}

// mediaGet serves a media file as WeChat does: the file with its content
// type, or a JSON error (40007 for an unknown media id).
func (s *Server) mediaGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	exp, known := s.tokens[q.Get("access_token")]
	valid := known && s.now.Before(exp)
	file, ok := s.media[q.Get("media_id")]
	s.mu.Unlock()
	switch {
	case !known:
		s.answer(w, r.URL.Path, nil, apiError{40001, "invalid credential, access_token is invalid or not latest"}, nil)
	case !valid:
		s.answer(w, r.URL.Path, nil, apiError{42001, "access_token expired"}, nil)
	case !ok:
		s.answer(w, r.URL.Path, nil, apiError{40007, "invalid media_id"}, nil)
	default:
		s.record(Call{Path: r.URL.Path})
		w.Header().Set("Content-Type", "audio/amr")
		w.Write(file)
	}
}

// Scene returns the scene a ticket was created for.
func (s *Server) Scene(ticket string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := s.tickets[ticket]
	return sc, ok
}

// post sends one push to the bot's endpoint as WeChat does, with WeChat's
// 5-second limit.
func post(c *http.Client, url string, body []byte) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "Mozilla/4.0")
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b), nil
}
