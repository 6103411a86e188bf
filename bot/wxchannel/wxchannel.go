// Package wxchannel runs the bot's dialog on WeChat: it handles the
// pushes the wechat Handler stored, one after another under a lease,
// feeding them to the engine as the Telegram adapter feeds updates, and
// carries the engine's replies and notifications out through
// wechat.Sender within WeChat's rules.
//
// A WeChat user is a user of the one pool under an id of the bot's own
// (store.WeChatUser). Buttons become options the user chooses from a
// choice menu or by typing their number, as on the console; the options
// last shown are kept in the store, so a number typed after a restart or
// on another replica still chooses. Outside the 48-hour window a message
// waits in the store (after a template message when one is configured)
// and goes out at the user's next message, once.
//
// It imports no WeChat SDK (only the wechat adapter) and no Redis client.
package wxchannel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/bot/dialog"
	"github.com/duijie/duijie/internal/lease"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/wechat"
)

// Store is what the channel needs of the store (store.Store).
type Store interface {
	lease.Store
	ClaimWeChat(ctx context.Context, consumer string, minIdle time.Duration) error
	ReadWeChat(ctx context.Context, consumer string, count int64, block time.Duration, pending bool) ([]store.InboxEntry, error)
	AckWeChat(ctx context.Context, entryID string) error
	WeChatUser(ctx context.Context, openid string) (int64, error)
	WeChatOpenID(ctx context.Context, user int64) (string, error)
	SeeWeChat(ctx context.Context, user int64, at time.Time) error
	WeChatSeen(ctx context.Context, user int64) (time.Time, error)
	SetWeChatChoices(ctx context.Context, user int64, data []string) (first int64, err error)
	WeChatChoices(ctx context.Context, user int64) ([]string, error)
	WeChatMenuItem(ctx context.Context, user int64, id string) (string, error)
	KeepWeChat(ctx context.Context, user int64, msg []byte) error
	TakeWeChat(ctx context.Context, user int64) ([][]byte, error)
}

var _ Store = (*store.Store)(nil)

// API sends messages within WeChat's rules (wechat.Sender).
type API interface {
	Send(ctx context.Context, openid string, lastSeen time.Time, out wechat.Out) (wechat.Result, error)
}

var _ API = (*wechat.Sender)(nil)

// Limiter is a per-user token bucket (store.Store).
type Limiter interface {
	Allow(ctx context.Context, key string, lim store.RateLimit, now time.Time) (ok bool, wait time.Duration, err error)
}

var _ Limiter = (*store.Store)(nil)

// noticeLimit tells a user over the limit so once a minute at most.
var noticeLimit = store.RateLimit{Burst: 1, PerSecond: 1.0 / 60}

// Engine handles one input of a user (bot.Engine).
type Engine interface {
	Handle(ctx context.Context, in bot.Incoming, out bot.Sender) (bot.Outcome, error)
}

var _ Engine = (*bot.Engine)(nil)

// Options configure a Channel; zero values take the defaults named.
type Options struct {
	// Replica names this process among replicas (the lease holder).
	Replica string
	// LeaseTTL is the consumer lease's life (default lease.DefaultTTL).
	LeaseTTL time.Duration
	// Timeout bounds the handling of one message (default 60 s).
	Timeout time.Duration
	// Users records who wrote; nil for nobody.
	Users bot.UserToucher
	// Limiter, when set, holds each user to RateLimit (zero: the store's
	// defaults) before the dialog sees the message.
	Limiter   Limiter
	RateLimit store.RateLimit
	// Now defaults to time.Now.
	Now func() time.Time
}

// Default timings.
const (
	DefaultTimeout = 60 * time.Second
	readBlock      = 2 * time.Second
	readBatch      = 32
)

// Channel is the WeChat channel.
type Channel struct {
	st     Store
	api    API
	engine Engine
	opt    Options
	log    *slog.Logger
}

// New returns the channel.
func New(st Store, api API, engine Engine, opt Options, log *slog.Logger) *Channel {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Channel{st: st, api: api, engine: engine, opt: opt, log: log.With("channel", wechat.Channel)}
}

// Run handles the stored pushes while this replica holds the WeChat
// lease, until ctx ends. A message in hand runs to its end when shutdown
// begins; the lease lost cuts it off, unacked, for the next holder.
func (c *Channel) Run(ctx context.Context) error {
	l := lease.Lease{Store: c.st, Name: store.WeChatLease, Holder: c.opt.Replica, TTL: c.opt.LeaseTTL, Log: c.log}
	l.Hold(ctx, func(lctx context.Context) {
		ttl := c.opt.LeaseTTL
		if ttl <= 0 {
			ttl = lease.DefaultTTL
		}
		if err := c.st.ClaimWeChat(lctx, c.opt.Replica, ttl); err != nil {
			if lctx.Err() == nil {
				c.log.Warn("wechat inbox claim failed", "err", err)
				sleep(lctx, ttl/3)
			}
			return
		}
		c.drain(lctx)
	})
	return nil
}

// drain reads and handles the inbox until lctx, the lease's work
// context, ends.
func (c *Channel) drain(lctx context.Context) {
	pending := true // first what a dead holder (or this one) left unacked
	for lctx.Err() == nil {
		entries, err := c.st.ReadWeChat(lctx, c.opt.Replica, readBatch, readBlock, pending)
		if err != nil {
			if lctx.Err() == nil {
				c.log.Warn("wechat inbox read failed", "err", err)
				sleep(lctx, time.Second)
			}
			continue
		}
		if pending && len(entries) == 0 {
			pending = false
			continue
		}
		if !c.handleEntries(lctx, entries) {
			return
		}
	}
}

// handleEntries handles and acks entries in order; false when lctx ended
// first, leaving the rest pending for the next holder.
func (c *Channel) handleEntries(lctx context.Context, entries []store.InboxEntry) bool {
	for _, e := range entries {
		if lctx.Err() != nil {
			return false
		}
		if m, err := wechat.Decode(e.Update); err == nil {
			hctx, cancel := context.WithTimeout(context.WithoutCancel(lctx), c.opt.Timeout)
			stop := context.AfterFunc(lctx, func() {
				if lease.Lost(lctx) {
					cancel()
				}
			})
			if err := c.Handle(hctx, m); err != nil {
				c.log.Warn("wechat message failed", "id", m.ID, "err", err)
			}
			stop()
			cancel()
			if lease.Lost(lctx) {
				return false // not acked: the next holder handles it
			}
		} else {
			c.log.Warn("wechat inbox entry undecodable; dropped", "err", err)
		}
		if err := c.st.AckWeChat(context.WithoutCancel(lctx), e.ID); err != nil {
			c.log.Warn("wechat inbox ack failed", "err", err)
		}
	}
	return true
}

// Handle carries one user message to the engine: it records the user's
// last message (the window), delivers what waited for it, and turns the
// message into the dialog's input.
func (c *Channel) Handle(ctx context.Context, m wechat.Message) error {
	user, err := c.st.WeChatUser(ctx, m.OpenID)
	if err != nil {
		return err
	}
	if m.Kind == wechat.KindUnfollow {
		c.log.Info("wechat user unfollowed", "user_id", user)
		return nil
	}
	if err := c.st.SeeWeChat(ctx, user, m.At); err != nil {
		return err
	}
	if c.opt.Users != nil {
		if err := c.opt.Users.TouchUser(ctx, store.User{ID: user, SeenAt: c.opt.Now().UTC()}); err != nil {
			c.log.Warn("wechat record user failed", "user_id", user, "err", err)
		}
	}
	c.deliverWaiting(ctx, user, m.OpenID)
	if !c.allowed(ctx, user, m.OpenID) {
		return nil
	}
	out := &replies{c: c, user: user, openid: m.OpenID}
	in, ok, err := c.input(ctx, user, m)
	if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	_, err = c.engine.Handle(ctx, bot.Incoming{ChatID: user, UserID: user, Input: in}, out)
	return err
}

// allowed holds a user to the rate limit; one over it is told so, once
// a minute, and the message is skipped.
func (c *Channel) allowed(ctx context.Context, user int64, openid string) bool {
	if c.opt.Limiter == nil {
		return true
	}
	key := wechat.UserKey(openid)
	ok, _, err := c.opt.Limiter.Allow(ctx, key, c.opt.RateLimit, c.opt.Now())
	if err != nil {
		c.log.Warn("wechat rate limit unreadable; message let through", "user_id", user, "err", err)
		return true
	}
	if ok {
		return true
	}
	c.log.Info("wechat message over the user's limit skipped", "user_id", user)
	if tell, _, err := c.opt.Limiter.Allow(ctx, key+":notice", noticeLimit, c.opt.Now()); err == nil && tell {
		if err := c.say(ctx, user, openid, "wx_rate_limited"); err != nil {
			c.log.Warn("wechat limit notice failed", "user_id", user, "err", err)
		}
	}
	return false
}

// input is the dialog input of m; false when m needs none (it was
// answered here).
func (c *Channel) input(ctx context.Context, user int64, m wechat.Message) (dialog.Input, bool, error) {
	switch m.Kind {
	case wechat.KindFollow, wechat.KindScan:
		// A QR code's scene is the payload of the matching Telegram link
		// (ev_<tag> for an event): the engine reads it as /start's.
		return dialog.Input{Kind: dialog.InCommand, Command: "start", Arg: m.Scene, LangHint: matcher.LangZH}, true, nil
	case wechat.KindMenu:
		cmd := strings.TrimPrefix(strings.ToLower(m.Key), "/")
		return dialog.Input{Kind: dialog.InCommand, Command: cmd, LangHint: matcher.LangZH}, cmd != "", nil
	case wechat.KindVoice:
		if strings.TrimSpace(m.Heard) == "" {
			return dialog.Input{}, false, c.say(ctx, user, m.OpenID, "wx_voice_unheard")
		}
		return dialog.Input{Kind: dialog.InText, Text: m.Heard, LangHint: matcher.LangZH}, true, nil
	case wechat.KindText:
		if b, ok, err := c.chosen(ctx, user, m); err != nil || ok {
			return dialog.Input{Kind: dialog.InButton, Button: b}, ok, err
		}
		if cmd, arg, ok := dialog.ParseCommand(m.Text); ok {
			return dialog.Input{Kind: dialog.InCommand, Command: cmd, Arg: arg, LangHint: matcher.LangZH}, true, nil
		}
		return dialog.Input{Kind: dialog.InText, Text: m.Text, LangHint: matcher.LangZH}, true, nil
	}
	return dialog.Input{}, false, c.say(ctx, user, m.OpenID, "wx_unsupported")
}

// chosen is the button of the option m chose: a menu item by its id,
// whichever menu it was on, or a typed number among the options shown
// last. A menu item the store forgot is taken as its text.
func (c *Channel) chosen(ctx context.Context, user int64, m wechat.Message) (dialog.Button, bool, error) {
	var data string
	if m.Choice != "" {
		d, err := c.st.WeChatMenuItem(ctx, user, m.Choice)
		if err != nil {
			return dialog.Button{}, false, err
		}
		data = d
	} else {
		choices, err := c.st.WeChatChoices(ctx, user)
		if err != nil {
			return dialog.Button{}, false, err
		}
		if i, ok := wechat.Choose(m, len(choices)); ok {
			data = choices[i]
		}
	}
	b, ok := dialog.ParseButton(data)
	return b, ok, nil
}

// say sends a catalog text in both languages: the channel does not know
// the user's language, the engine does.
func (c *Channel) say(ctx context.Context, user int64, openid string, key dialog.Msg) error {
	text := dialog.Tr(matcher.LangZH, key) + "\n" + dialog.Tr(matcher.LangEN, key)
	return c.send(ctx, user, openid, waiting{Text: text})
}

// waiting is a message kept for a user's next message.
type waiting struct {
	Text    string   `json:"text"`
	Labels  []string `json:"labels,omitempty"`
	Buttons []string `json:"buttons,omitempty"` // each label's button data
}

// send delivers w to a user, keeping it for their next message when
// WeChat does not let it through now. Options replace the ones the user
// chooses from.
func (c *Channel) send(ctx context.Context, user int64, openid string, w waiting) error {
	// WeChat shows plain text: the bot's HTML is read as a reader would see it.
	labels := make([]string, len(w.Labels))
	for i, l := range w.Labels {
		labels[i] = dialog.PlainText(l)
	}
	out := wechat.Out{Text: dialog.PlainText(w.Text), Options: labels}
	if len(w.Buttons) > 0 {
		first, err := c.st.SetWeChatChoices(ctx, user, w.Buttons)
		if err != nil {
			return err
		}
		out.FirstID = first
	}
	seen, err := c.st.WeChatSeen(ctx, user)
	if err != nil {
		return err
	}
	res, err := c.api.Send(ctx, openid, seen, out)
	if err != nil {
		return err
	}
	if res.Rest == nil {
		return nil
	}
	rest := waiting{Text: res.Rest.Text, Labels: res.Rest.Options}
	if len(res.Rest.Options) > 0 {
		rest.Buttons = w.Buttons
	}
	b, err := json.Marshal(rest)
	if err != nil {
		return fmt.Errorf("keep message for %d: %w", user, err)
	}
	c.log.Info("wechat message kept for the user's next message", "user_id", user, "outcome", res.Outcome.String())
	return c.st.KeepWeChat(ctx, user, b)
}

// deliverWaiting sends what was kept for the user, oldest first; what
// fails is kept again.
func (c *Channel) deliverWaiting(ctx context.Context, user int64, openid string) {
	msgs, err := c.st.TakeWeChat(ctx, user)
	if err != nil {
		c.log.Warn("wechat waiting messages unreadable", "user_id", user, "err", err)
		return
	}
	for i, b := range msgs {
		var w waiting
		if err := json.Unmarshal(b, &w); err != nil {
			c.log.Warn("wechat waiting message undecodable; dropped", "user_id", user, "err", err)
			continue
		}
		if err := c.send(ctx, user, openid, w); err != nil {
			c.log.Warn("wechat waiting message not delivered; kept", "user_id", user, "err", err)
			for _, rest := range msgs[i:] {
				c.st.KeepWeChat(context.WithoutCancel(ctx), user, rest)
			}
			return
		}
	}
}

// SendMessage sends a notification to a WeChat user (notify.BroadcastAPI
// for the users of this channel). A message WeChat refuses now is kept
// for the user's next message, which counts as delivered. A WeChat error
// answer wraps bot.ErrNotSent; other errors leave it unknown whether it
// arrived.
func (c *Channel) SendMessage(ctx context.Context, chatID int64, text string, buttons [][]store.Button) error {
	openid, err := c.st.WeChatOpenID(ctx, chatID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("wechat user %d: %w", chatID, bot.ErrRejected)
	}
	if err != nil {
		return fmt.Errorf("wechat user %d: %w: %v", chatID, bot.ErrNotSent, err)
	}
	w := waiting{Text: text}
	for _, row := range buttons {
		for _, b := range row {
			w.Labels, w.Buttons = append(w.Labels, b.Label), append(w.Buttons, b.Data)
		}
	}
	err = c.send(ctx, chatID, openid, w)
	var we *wechat.Error
	if errors.As(err, &we) {
		return fmt.Errorf("%w: %v", bot.ErrNotSent, err)
	}
	return err
}

// replies is the engine's Sender for one user's message.
type replies struct {
	c      *Channel
	user   int64
	openid string
}

var _ bot.Sender = (*replies)(nil)

// Send sends a reply, its buttons as options.
func (r *replies) Send(ctx context.Context, chatID int64, rep dialog.Reply) error {
	openid := r.openid
	if chatID != r.user {
		o, err := r.c.st.WeChatOpenID(ctx, chatID)
		if err != nil {
			return fmt.Errorf("wechat user %d: %w", chatID, err)
		}
		openid = o
	}
	w := waiting{Text: rep.Text}
	for _, row := range rep.Buttons {
		for _, ch := range row {
			w.Labels, w.Buttons = append(w.Labels, ch.Label), append(w.Buttons, ch.Button.Encode())
		}
	}
	return r.c.send(ctx, chatID, openid, w)
}

// SendDocument sends a document's caption and, WeChat's customer-service
// messages carrying no files, its content as text.
func (r *replies) SendDocument(ctx context.Context, chatID int64, d bot.Document) error {
	text := strings.TrimSpace(d.Caption + "\n📎 " + d.Name + "\n\n" + string(d.Data))
	return r.Send(ctx, chatID, dialog.Reply{Text: text})
}

// Typing does nothing: WeChat's typing state needs a separate API and
// shows for seconds only.
func (r *replies) Typing(context.Context, int64) {}

// Router sends a notification through the channel of its recipient:
// WeChat users' through WeChat, others' through Telegram.
type Router struct {
	Telegram Broadcaster // nil when the bot serves WeChat alone
	WeChat   Broadcaster // nil when the bot serves Telegram alone
}

// Broadcaster sends one notification (notify.BroadcastAPI).
type Broadcaster interface {
	SendMessage(ctx context.Context, chatID int64, text string, buttons [][]store.Button) error
}

// SendMessage sends through the recipient's channel.
func (r Router) SendMessage(ctx context.Context, chatID int64, text string, buttons [][]store.Button) error {
	api := r.Telegram
	if store.IsWeChatUser(chatID) {
		api = r.WeChat
	}
	if api == nil {
		return fmt.Errorf("chat %d: no channel serves it: %w", chatID, bot.ErrRejected)
	}
	return api.SendMessage(ctx, chatID, text, buttons)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}
