package wechat

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// Inbox keeps received messages until the bot handles them.
type Inbox interface {
	// Put stores payload under the channel and the message's id, once:
	// it reports dup for an id stored before. An error means nothing was
	// stored; WeChat will push the message again.
	Put(ctx context.Context, channel, id string, payload []byte) (dup bool, err error)
}

// Kind is what a received message is.
type Kind string

// Kinds of received messages.
const (
	KindText        Kind = "text"        // a text, or the choice of a menu item
	KindVoice       Kind = "voice"       // a voice message
	KindFollow      Kind = "follow"      // the user followed, maybe by scanning an event QR code
	KindScan        Kind = "scan"        // a follower scanned an event QR code
	KindUnfollow    Kind = "unfollow"    // the user unfollowed
	KindMenu        Kind = "menu"        // the user clicked a custom menu entry
	KindUnsupported Kind = "unsupported" // an image, a location…: the bot asks for text
)

// Message is a user's message in the bot's terms, as stored in the inbox.
type Message struct {
	ID     string    `json:"id"`      // the dedupe id: MsgId, or user, time and event for events
	OpenID string    `json:"open_id"` // the user; the bot's key is UserKey(OpenID)
	Kind   Kind      `json:"kind"`
	Text   string    `json:"text,omitempty"`   // text; the chosen item's text for menu choices
	Choice string    `json:"choice,omitempty"` // the id of the chosen msgmenu item
	Voice  string    `json:"voice,omitempty"`  // voice: the media id, to fetch and transcribe
	Heard  string    `json:"heard,omitempty"`  // voice: WeChat's recognition, when the account has it
	Scene  string    `json:"scene,omitempty"`  // follow and scan: the QR code's scene (see QR)
	Key    string    `json:"key,omitempty"`    // menu: the entry's key
	At     time.Time `json:"at"`               // when WeChat received it
}

// User is the bot's key of the sender.
func (m Message) User() string { return UserKey(m.OpenID) }

// Decode reads a message stored by the Handler.
func Decode(payload []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(payload, &m); err != nil {
		return Message{}, fmt.Errorf("decode wechat message: %w", err)
	}
	return m, nil
}

// Limits of the push endpoint.
const (
	maxPushBytes = 1 << 20
	// putTimeout keeps the answer inside WeChat's 5 s, after which it
	// drops the connection and pushes again.
	putTimeout = 4 * time.Second
	// maxSkew bounds the age of a push's timestamp. In plain mode the
	// signature covers only the token, timestamp and nonce, not the body:
	// a bound on the timestamp limits what a captured URL can be replayed
	// for. WeChat's retries come within seconds.
	maxSkew = 5 * time.Minute
)

// Handler receives WeChat's pushes.
type Handler struct {
	cfg   Config
	inbox Inbox
	log   *slog.Logger
}

// NewHandler returns the handler of the endpoint configured as the
// account's server URL (服务器地址(URL)).
func NewHandler(cfg Config, inbox Inbox, log *slog.Logger) (*Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Handler{cfg: cfg, inbox: inbox, log: log}, nil
}

// ServeHTTP answers WeChat's URL check (GET) and pushes (POST). A push is
// stored in the inbox before the answer, an empty 200: the bot replies
// later by customer-service messages. A wrong signature or a timestamp
// older than maxSkew gets 401; a store failure 503, and WeChat pushes
// again.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !h.signed(q.Get("signature"), h.cfg.Token, ts, nonce) || !h.fresh(ts) {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	switch r.Method {
	case http.MethodGet:
		// The URL check: echo echostr, in plain text in every mode.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, q.Get("echostr"))
		return
	case http.MethodPost:
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPushBytes))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if q.Get("encrypt_type") == "aes" {
		if h.cfg.AESKey == "" {
			h.log.Error("wechat push encrypted but WECHAT_AES_KEY is not set; set it to the account's EncodingAESKey")
			http.Error(w, "not configured", http.StatusServiceUnavailable)
			return
		}
		var env envelope
		if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if !h.signed(q.Get("msg_signature"), h.cfg.Token, ts, nonce, env.Encrypt) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if _, body, err = util.DecryptMsg(h.cfg.AppID, env.Encrypt, h.cfg.AESKey); err != nil {
			h.log.Warn("wechat push undecryptable", "err", err)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	var p push
	if err := xml.Unmarshal(body, &p); err != nil {
		// Retrying cannot mend it: take it and drop it.
		h.log.Warn("wechat push undecodable, dropped", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	m, ok := convert(&p)
	if !ok {
		w.WriteHeader(http.StatusOK) // an event the bot does not use
		return
	}
	payload, err := json.Marshal(m)
	if err != nil {
		h.log.Error("wechat encode message", "err", err)
		w.WriteHeader(http.StatusOK)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), putTimeout)
	defer cancel()
	dup, err := h.inbox.Put(ctx, Channel, m.ID, payload)
	if err != nil {
		h.log.Error("wechat store push failed; WeChat will retry", "id", m.ID, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	if dup {
		h.log.Info("wechat duplicate push", "id", m.ID)
	}
	w.WriteHeader(http.StatusOK)
}

// signed checks a WeChat signature over parts in constant time.
func (h *Handler) signed(sig string, parts ...string) bool {
	want := util.Signature(parts...)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(sig)), []byte(want)) == 1
}

// fresh reports whether a push's timestamp is within maxSkew of now.
func (h *Handler) fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := h.cfg.Now().Sub(time.Unix(sec, 0))
	return d < maxSkew && d > -maxSkew
}

// qrScenePrefix marks the scene in a follow event's key.
const qrScenePrefix = "qrscene_"

// convert turns a push into the bot's message; false for pushes the bot
// does not use.
func convert(p *push) (Message, bool) {
	m := Message{OpenID: p.FromUserName, At: time.Unix(p.CreateTime, 0).UTC()}
	if m.OpenID == "" {
		return Message{}, false
	}
	if p.MsgID != 0 {
		m.ID = strconv.FormatInt(p.MsgID, 10)
	}
	switch p.MsgType {
	case typeText:
		m.Kind, m.Text = KindText, p.Content
		if p.MenuID != 0 {
			m.Choice = strconv.FormatInt(p.MenuID, 10)
		}
	case typeVoice:
		m.Kind, m.Voice, m.Heard = KindVoice, p.MediaID, p.Recognition
	case typeEvent:
		// Events carry no MsgId: WeChat's advice is to dedupe by user and time.
		m.ID = fmt.Sprintf("ev:%s:%d:%s", m.OpenID, p.CreateTime, p.Event)
		switch p.Event {
		case eventSubscribe:
			m.Kind, m.Scene = KindFollow, strings.TrimPrefix(p.EventKey, qrScenePrefix)
		case eventScan:
			m.Kind, m.Scene = KindScan, p.EventKey
		case eventUnsubscribe:
			m.Kind = KindUnfollow
		case eventClick:
			m.Kind, m.Key = KindMenu, p.EventKey
		default:
			return Message{}, false
		}
	default:
		if p.MsgID == 0 {
			return Message{}, false
		}
		m.Kind = KindUnsupported
	}
	if m.ID == "" {
		return Message{}, false
	}
	return m, true
}
