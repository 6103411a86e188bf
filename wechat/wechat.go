// Package wechat connects the bot to a WeChat Official Account (服务号):
// it receives the messages WeChat pushes to the bot's endpoint (Handler),
// sends customer-service and template messages within WeChat's rules
// (Sender) and creates parametric QR codes for events (QR).
//
// It is the only package that imports github.com/silenceper/wechat/v2,
// and of it only util: the push signature, the safe-mode (AES) crypto and
// the API's error answers. The SDK's API calls go through a process-wide
// HTTP client to fixed hosts and take no context, so this package makes
// the few calls it needs itself, with its own http.Client, a context and
// a configurable base URL (which tests point at a fake); wire.go holds
// the formats.
//
// Users are keyed "wechat:<openid>" (UserKey) wherever the bot stores them.
package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Channel names WeChat among the bot's channels.
const Channel = "wechat"

// UserKey is the bot's key of a WeChat user.
func UserKey(openid string) string { return Channel + ":" + openid }

// DefaultAPIBase is WeChat's API host.
const DefaultAPIBase = "https://api.weixin.qq.com"

// Config configures the adapter.
type Config struct {
	AppID     string // WECHAT_APP_ID
	AppSecret string // WECHAT_APP_SECRET
	Token     string // WECHAT_TOKEN: the server-configuration token that signs pushes
	// AESKey is WECHAT_AES_KEY, the 43-character EncodingAESKey; required
	// for safe mode (安全模式) and compatible mode, unused in plain mode.
	AESKey string
	// TemplateMatch is WECHAT_TEMPLATE_MATCH, the id of the template
	// message used outside the customer-service window; empty means
	// notices wait for the user's next message.
	TemplateMatch string
	// APIBase replaces DefaultAPIBase (tests point it at a fake).
	APIBase string
	// HTTPClient makes API calls; default one with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Validate reports the first missing or malformed setting.
func (c Config) Validate() error {
	switch {
	case c.AppID == "":
		return errors.New("WECHAT_APP_ID is required")
	case c.AppSecret == "":
		return errors.New("WECHAT_APP_SECRET is required")
	case c.Token == "":
		return errors.New("WECHAT_TOKEN is required")
	case c.AESKey != "" && len(c.AESKey) != 43:
		return errors.New("WECHAT_AES_KEY must be the 43-character EncodingAESKey")
	}
	return nil
}

// Client calls WeChat's API with a cached access token.
type Client struct {
	cfg  Config
	base string
	http *http.Client
	log  *slog.Logger

	mu      sync.Mutex
	token   string
	expires time.Time
}

// tokenMargin renews the access token this long before it expires.
const tokenMargin = 5 * time.Minute

// NewClient returns a client for cfg; it checks cfg.
func NewClient(cfg Config, log *slog.Logger) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.APIBase, "/"), http: cfg.HTTPClient, log: log}
	if c.base == "" {
		c.base = DefaultAPIBase
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 10 * time.Second}
	}
	return c, nil
}

// Error is an error answer of WeChat's API.
type Error struct {
	API  string
	Code int64
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("wechat %s: errcode %d: %s", e.API, e.Code, e.Msg) }

// WeChat's error codes the adapter acts on.
const (
	codeInvalidToken = 40001 // access token invalid or not the latest
	codeTokenExpired = 42001
	codeOutOfWindow  = 45015 // outside the customer-service window, or unfollowed
	codeOutOfQuota   = 45047 // the window's message quota is used up
	codeUnauthorized = 48001 // the account lacks the API (e.g. msgmenu)
)

// Is makes errors.Is(err, ErrOutOfWindow) true for window and quota codes.
func (e *Error) Is(target error) bool {
	return target == ErrOutOfWindow && (e.Code == codeOutOfWindow || e.Code == codeOutOfQuota)
}

// ErrOutOfWindow means WeChat refused a customer-service message: the
// window closed, its quota is used up, or the user unfollowed.
var ErrOutOfWindow = errors.New("wechat: outside the customer-service window")

// accessToken returns a valid access token, fetching one when needed.
// It uses the stable-token endpoint, which returns the same token to
// every replica while it is valid instead of invalidating the others'.
func (c *Client) accessToken(ctx context.Context, force bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.cfg.Now()
	if !force && c.token != "" && now.Before(c.expires) {
		return c.token, nil
	}
	req := map[string]any{"grant_type": "client_credential", "appid": c.cfg.AppID, "secret": c.cfg.AppSecret}
	if force {
		req["force_refresh"] = true
	}
	var res struct {
		util.CommonError
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := c.do(ctx, "stable_token", "/cgi-bin/stable_token", nil, "", req, &res); err != nil {
		return "", err
	}
	if res.AccessToken == "" {
		return "", &Error{API: "stable_token", Msg: "no access_token in answer"}
	}
	c.token = res.AccessToken
	c.expires = now.Add(time.Duration(res.ExpiresIn)*time.Second - tokenMargin)
	return c.token, nil
}

// call makes an API call with the access token (see do); a token WeChat
// rejects is renewed once.
func (c *Client) call(ctx context.Context, api, path string, query url.Values, req, res any) error {
	tok, err := c.accessToken(ctx, false)
	if err != nil {
		return err
	}
	err = c.do(ctx, api, path, query, tok, req, res)
	var we *Error
	if errors.As(err, &we) && (we.Code == codeInvalidToken || we.Code == codeTokenExpired) {
		c.log.Info("wechat access token renewed", "api", api, "errcode", we.Code)
		if tok, err = c.accessToken(ctx, true); err != nil {
			return err
		}
		err = c.do(ctx, api, path, query, tok, req, res)
	}
	return err
}

// maxAnswer bounds an API answer; a voice message's media is far smaller.
const maxAnswer = 4 << 20

// do makes one API call: a POST of req as JSON, or a GET when req is nil.
// The answer is decoded into res, a struct embedding util.CommonError; a
// *[]byte res takes a file answer as it is. WeChat's error answers
// become *Error.
func (c *Client) do(ctx context.Context, api, path string, query url.Values, token string, req, res any) error {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	if token != "" {
		q.Set("access_token", token)
	}
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	method, body := http.MethodGet, []byte(nil)
	if req != nil {
		var err error
		if body, err = json.Marshal(req); err != nil {
			return fmt.Errorf("wechat %s: %w", api, err)
		}
		method = http.MethodPost
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("wechat %s: %w", api, err)
	}
	if req != nil {
		hreq.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return fmt.Errorf("wechat %s: %s", api, redact(err.Error(), token))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("wechat %s: read answer: %w", api, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("wechat %s: HTTP %d", api, resp.StatusCode)
	}
	if raw, ok := res.(*[]byte); ok {
		ct := resp.Header.Get("Content-Type")
		if !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/plain") {
			*raw = b
			return nil
		}
		if err := decode(b, &okAnswer{}, api); err != nil {
			return err
		}
		return &Error{API: api, Msg: "no file in answer"}
	}
	return decode(b, res, api)
}

// decode reads an answer into res, turning an error answer into *Error.
func decode(b []byte, res any, api string) error {
	if err := util.DecodeWithError(b, res, api); err != nil {
		var ce *util.CommonError
		if errors.As(err, &ce) {
			return &Error{API: api, Code: ce.ErrCode, Msg: ce.ErrMsg}
		}
		return fmt.Errorf("wechat %s: %w", api, err)
	}
	return nil
}

// Media fetches a temporary media file by id, such as the audio of a
// voice message (Message.Voice) to transcribe; WeChat keeps them 3 days.
func (c *Client) Media(ctx context.Context, mediaID string) ([]byte, error) {
	var b []byte
	if err := c.call(ctx, "media get", "/cgi-bin/media/get", url.Values{"media_id": {mediaID}}, nil, &b); err != nil {
		return nil, fmt.Errorf("media %s: %w", mediaID, err)
	}
	return b, nil
}

// redact removes the access token from an error text (URLs carry it).
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}
