// Package telegram carries the dialog over the Telegram Bot API: it turns
// updates into dialog.Input and dialog.Reply into messages, receives
// updates by long polling or by webhook into an inbox in Redis, holds each
// user to a rate limit, keeps one short ordered queue per chat, fetches
// files, sends broadcasts, and sets the command menus. It is the only
// package that imports go-telegram/bot; its types stop here.
package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/internal/httpretry"
	"github.com/duijie/duijie/internal/lease"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/metrics"
	"github.com/duijie/duijie/redact"
	"github.com/duijie/duijie/store"
)

// Deduper remembers Telegram update ids so a redelivered update is
// handled once.
type Deduper interface {
	FirstDelivery(ctx context.Context, updateID int64) (bool, error)
}

// DirectObserver learns what happens in chats outside broadcasts
// (notify.Broadcaster).
type DirectObserver interface {
	// ObserveDirect is told of a direct reply and its classified outcome.
	ObserveDirect(ctx context.Context, chatID int64, err error)
	// Heard is told that a chat wrote to the bot.
	Heard(ctx context.Context, chatID int64)
}

// noObserver is the DirectObserver of a bot without broadcasts.
type noObserver struct{}

func (noObserver) ObserveDirect(context.Context, int64, error) {}
func (noObserver) Heard(context.Context, int64)                {}

// Options configure the Telegram adapter. Zero values take the
// defaults named below.
type Options struct {
	Token  string
	APIURL string // another Bot API server; empty for api.telegram.org
	// PollTimeout is the long-polling timeout (default 30 s).
	PollTimeout time.Duration
	// Workers is the number of chats handled in parallel (default 16);
	// each chat has a queue of its own, of a few updates.
	Workers int
	// UpdateTimeout bounds the handling of one update (default 60 s).
	UpdateTimeout time.Duration
	// ShutdownGrace is how long queued updates may still run after the
	// poller stops (default 20 s).
	ShutdownGrace time.Duration
	// HTTPClient talks to the Bot API (default: a client with a timeout
	// a little above PollTimeout). Its transport is wrapped in
	// httpretry, so a 5xx or a dropped connection is tried again.
	HTTPClient *http.Client

	// WebhookURL, when set, makes RunWebhook register it with Telegram;
	// WebhookSecret is the secret_token Telegram echoes in every call.
	WebhookURL, WebhookSecret string
	// Inbox stores updates until they are handled: webhook updates, and
	// polled ones before Telegram is told they arrived. Without an inbox
	// (or Leases), polled updates go straight to their chat's queue and a
	// crash loses those in hand.
	Inbox Inbox
	// Leases make roles exclusive across replicas: the long poller, and
	// the consumer of each inbox shard. Nil: no coordination (one process).
	Leases lease.Store
	// LeaseTTL is how long those leases last without renewal (default
	// lease.DefaultTTL); an inbox entry is taken over from another
	// replica only when it has been idle this long.
	LeaseTTL time.Duration
	// Replica names this process among replicas (default: host and pid).
	Replica string
	// Metrics receives counts and timings; nil for none.
	Metrics *metrics.Metrics
	// Limiter, when set, holds each user to RateLimit (zero: the store's
	// defaults) before the dialog sees the update.
	Limiter   Limiter
	RateLimit store.RateLimit
	// Admins get the organizers' commands in their chat's menu.
	Admins []int64
	// Broadcasts, when set, is the broadcast sender: it learns of direct
	// replies (their turns, 429s and 403s) so broadcasts leave them room,
	// and of chats that write, which are reachable again.
	Broadcasts DirectObserver
}

// Defaults of Options.
const (
	DefaultPollTimeout   = 30 * time.Second
	DefaultWorkers       = 16
	DefaultUpdateTimeout = 60 * time.Second
	DefaultShutdownGrace = 20 * time.Second
	maxCaptionUTF16      = 1024 // and on a document's caption
	maxRetryAfter        = 10 * time.Second
)

// Bot carries the dialog over the Telegram Bot API, by long polling or
// by webhook.
type Bot struct {
	opt    Options
	b      *tg.Bot
	engine *bot.Engine
	dedup  Deduper
	users  bot.UserToucher
	log    *slog.Logger
	now    func() time.Time

	queue   *chatQueue
	running atomic.Bool // polling or consuming the inbox
}

// Alive reports whether the bot is polling or consuming its inbox, for
// the health check.
func (t *Bot) Alive(context.Context) error {
	if !t.running.Load() {
		return errors.New("telegram loop not running")
	}
	return nil
}

var _ bot.Sender = (*Bot)(nil)

// New creates the adapter and checks the token with getMe.
func New(ctx context.Context, opt Options, e *bot.Engine, dedup Deduper, users bot.UserToucher, log *slog.Logger) (*Bot, error) {
	if opt.PollTimeout <= 0 {
		opt.PollTimeout = DefaultPollTimeout
	}
	if opt.Broadcasts == nil {
		opt.Broadcasts = noObserver{}
	}
	if opt.LeaseTTL <= 0 {
		opt.LeaseTTL = lease.DefaultTTL
	}
	if opt.Workers <= 0 {
		opt.Workers = DefaultWorkers
	}
	if opt.UpdateTimeout <= 0 {
		opt.UpdateTimeout = DefaultUpdateTimeout
	}
	if opt.ShutdownGrace <= 0 {
		opt.ShutdownGrace = DefaultShutdownGrace
	}
	if opt.HTTPClient == nil {
		opt.HTTPClient = &http.Client{Timeout: opt.PollTimeout + 15*time.Second}
	}
	// Replies that meet a 5xx or a dropped connection are sent again, a
	// few times with backoff.
	client := *opt.HTTPClient
	client.Transport = rewindable{httpretry.New(client.Transport, httpretry.Options{})}
	opt.HTTPClient = &client
	t := &Bot{opt: opt, engine: e, dedup: dedup, users: users, log: log, now: time.Now, queue: newChatQueue(opt.Workers)}
	// The bot polls by itself (poll.go); the client only sends.
	opts := []tg.Option{tg.WithHTTPClient(opt.PollTimeout, opt.HTTPClient)}
	if opt.APIURL != "" {
		opts = append(opts, tg.WithServerURL(strings.TrimRight(opt.APIURL, "/")))
	}
	b, err := tg.New(opt.Token, opts...)
	if err != nil {
		// The library's error may quote the request URL, which holds the token.
		return nil, fmt.Errorf("connect to Telegram: %s", hideToken(err.Error(), opt.Token))
	}
	t.b = b
	return t, nil
}

// rewindable reads a request's body into memory before next sees it, so
// that next may send it again: the client streams its multipart bodies
// through a pipe, which can be read once. Those bodies are built from
// data already in memory (a document included).
type rewindable struct{ next http.RoundTripper }

func (r rewindable) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return r.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	req.ContentLength = int64(len(body))
	return r.next.RoundTrip(req)
}

// hideToken removes a secret from a text meant for logs.
func hideToken(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "<token>")
}

// commands is the menu shown by Telegram clients, per language.
var commands = map[matcher.Lang][]models.BotCommand{
	matcher.LangEN: {
		{Command: "new", Description: "Create a profile: a need or an offer"},
		{Command: "cancel", Description: "Abandon the profile being written"},
		{Command: "my", Description: "My profiles and their matches"},
		{Command: "search", Description: "Look through counterparts by keywords"},
		{Command: "connections", Description: "My connections and their contacts"},
		{Command: "settings", Description: "Language and notifications"},
		{Command: "export", Description: "Everything stored about me"},
		{Command: "delete", Description: "Delete everything about me"},
		{Command: "lang", Description: "中文 / English"},
		{Command: "help", Description: "What Duijie does and how"},
		{Command: "start", Description: "Start over"},
	},
	matcher.LangZH: {
		{Command: "new", Description: "新建档案：需求或成果"},
		{Command: "cancel", Description: "放弃正在填写的档案"},
		{Command: "my", Description: "我的档案与匹配"},
		{Command: "search", Description: "按关键词搜索对接方"},
		{Command: "connections", Description: "我的对接"},
		{Command: "settings", Description: "语言与通知设置"},
		{Command: "export", Description: "导出我的数据"},
		{Command: "delete", Description: "删除我的全部数据"},
		{Command: "lang", Description: "中文 / English"},
		{Command: "help", Description: "使用说明"},
		{Command: "start", Description: "重新开始"},
	},
}

// Run registers the command menu and polls for updates until ctx ends,
// then lets queued updates finish within ShutdownGrace.
func (t *Bot) Run(ctx context.Context) error {
	if t.opt.Leases == nil {
		return t.poll(ctx)
	}
	var err error
	l := lease.Lease{Store: t.opt.Leases, Name: pollerLease, Holder: t.replicaName(), TTL: t.opt.LeaseTTL, Log: t.log}
	held, lerr := l.Do(ctx, func(lctx context.Context) {
		err = t.poll(lctx)
		if lease.Lost(lctx) {
			err = fmt.Errorf("telegram poller lease lost to another instance; long polling allows one instance")
		}
	})
	if lerr != nil {
		return fmt.Errorf("poller lease: %w", lerr)
	}
	if !held {
		holder, _ := t.opt.Leases.LeaseHolder(ctx, pollerLease)
		return fmt.Errorf("another instance (%s) is already polling Telegram for this bot; long polling allows one instance — stop it, or run all instances in webhook mode (WEBHOOK_URL)", holder)
	}
	return err
}

// poll receives updates by long polling until ctx ends, then lets queued
// updates finish within the shutdown grace. With an inbox, each update is
// stored before Telegram is told it arrived, and the inbox consumers
// handle it; without one (a single process that may lose what is in
// hand when it dies), it goes straight to its chat's queue.
func (t *Bot) poll(ctx context.Context) error {
	err := t.setUp(ctx)
	if err == nil {
		// Long polling fails while a webhook is set.
		if _, derr := t.b.DeleteWebhook(ctx, &tg.DeleteWebhookParams{}); derr != nil {
			err = fmt.Errorf("delete webhook: %w", derr)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	t.log.Info("telegram polling started", "workers", t.opt.Workers, "inbox", t.durable())
	t.running.Store(true)
	if t.durable() {
		consumed := t.consumeInbox(ctx)
		t.pollUpdates(ctx, func(ctx context.Context, id int64, raw []byte, u *models.Update) error {
			chatID := updateChatID(u)
			if chatID == 0 {
				return nil // a kind of update the bot does not use
			}
			_, err := t.opt.Inbox.PushUpdate(ctx, chatID, id, raw)
			if err != nil {
				t.opt.Metrics.Error("store")
			}
			return err
		})
		consumed()
	} else {
		t.pollUpdates(ctx, func(ctx context.Context, _ int64, _ []byte, u *models.Update) error {
			t.dispatch(ctx, u)
			return nil
		})
	}
	t.running.Store(false)
	t.log.Info("telegram polling stopped; finishing queued updates", "grace", t.opt.ShutdownGrace)
	return t.finish()
}

// durable reports whether updates go through the Redis inbox.
func (t *Bot) durable() bool { return t.opt.Inbox != nil && t.opt.Leases != nil }

// finish lets queued updates run within the shutdown grace.
func (t *Bot) finish() error {
	grace, cancel := context.WithTimeout(context.Background(), t.opt.ShutdownGrace)
	defer cancel()
	if err := t.queue.Close(grace); err != nil {
		t.log.Warn("telegram shutdown: some updates did not finish", "err", err)
		return err
	}
	return nil
}

// setUp registers the command menu in each language, and the admins'.
func (t *Bot) setUp(ctx context.Context) error {
	for _, set := range []struct {
		lang string
		cmds []models.BotCommand
	}{{"", commands[matcher.LangEN]}, {"en", commands[matcher.LangEN]}, {"zh", commands[matcher.LangZH]}} {
		if _, err := t.b.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: set.cmds, LanguageCode: set.lang}); err != nil {
			return fmt.Errorf("set commands (%q): %w", set.lang, err)
		}
	}
	t.setAdminMenus(ctx)
	for _, lang := range []struct {
		code string
		l    matcher.Lang
	}{{"", matcher.LangEN}, {"en", matcher.LangEN}, {"zh", matcher.LangZH}} {
		// What Telegram shows before START and on the bot's profile.
		if _, err := t.b.SetMyDescription(ctx, &tg.SetMyDescriptionParams{Description: dialog.Tr(lang.l, "bot_description"), LanguageCode: lang.code}); err != nil {
			return fmt.Errorf("set description (%q): %w", lang.code, err)
		}
		if _, err := t.b.SetMyShortDescription(ctx, &tg.SetMyShortDescriptionParams{ShortDescription: dialog.Tr(lang.l, "bot_short_description"), LanguageCode: lang.code}); err != nil {
			return fmt.Errorf("set short description (%q): %w", lang.code, err)
		}
	}
	return nil
}

// dispatch queues an update, received without an inbox, behind the
// earlier ones of its chat.
func (t *Bot) dispatch(ctx context.Context, u *models.Update) {
	chatID := updateChatID(u)
	if chatID == 0 {
		return
	}
	ok := t.queue.Submit(chatID, func() {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.opt.UpdateTimeout)
		defer cancel()
		t.handle(hctx, u, true)
	})
	if !ok {
		t.overflow(ctx, u)
	}
}

func updateChatID(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil:
		if m := u.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID
		}
		if m := u.CallbackQuery.Message.InaccessibleMessage; m != nil {
			return m.Chat.ID
		}
		return u.CallbackQuery.From.ID
	}
	return 0
}

// handle processes one update: de-duplicate (unless the inbox already
// did), convert, run the engine, answer the button press.
func (t *Bot) handle(ctx context.Context, u *models.Update, dedupe bool) {
	start := time.Now()
	in, from, callbackID := convert(u)
	kind := in.Kind.String()
	if dedupe {
		first, err := t.dedup.FirstDelivery(ctx, u.ID)
		if err != nil {
			t.opt.Metrics.Error("store")
			t.log.Warn("telegram dedupe failed; handling anyway", "update_id", u.ID, "err", err)
			first = true
		}
		if !first {
			t.opt.Metrics.Update(kind, true)
			t.log.Info("telegram duplicate update skipped", "update_id", u.ID)
			return
		}
	}
	t.opt.Metrics.Update(kind, false)
	defer func() { t.opt.Metrics.Handled(kind, time.Since(start)) }()
	if from == nil {
		return
	}
	chatID := updateChatID(u)
	if !t.allow(ctx, chatID, from, callbackID) {
		return
	}
	lang := matcher.Lang("")
	if from.LanguageCode != "" {
		lang = matcher.ParseLang(from.LanguageCode)
	}
	ctx = context.WithValue(ctx, langKey{}, langOf(from))
	in.LangHint = lang
	in.Group = !privateChat(u)
	if in.Group {
		t.log.Info("telegram group update refused", "update_id", u.ID, "chat_id", chatID)
	} else if err := t.users.TouchUser(ctx, store.User{ID: from.ID, Username: from.Username,
		Name: strings.TrimSpace(from.FirstName + " " + from.LastName), Lang: lang, SeenAt: t.now()}); err != nil {
		t.log.Warn("telegram touch user failed", "user_id", from.ID, "err", err)
	}
	t.opt.Broadcasts.Heard(ctx, chatID)
	t.log.Info("telegram update", "update_id", u.ID, "chat_id", chatID, "kind", in.Kind)
	res, err := t.engine.Handle(ctx, bot.Incoming{ChatID: chatID, UserID: from.ID, Input: in, MessageID: pressedMessage(u)}, t)
	if err != nil {
		t.opt.Metrics.Error("handle")
		t.log.Warn("telegram update failed", "update_id", u.ID, "chat_id", chatID, "err", err)
	}
	if msg := pressedMessage(u); res.Stale && msg != 0 {
		// Without reply_markup the keyboard is removed.
		if _, err := t.b.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{ChatID: chatID, MessageID: msg}); err != nil {
			t.log.Debug("telegram remove stale keyboard failed", "chat_id", chatID, "err", err)
		}
	}
	if callbackID != "" {
		if _, err := t.b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: callbackID, Text: res.Toast}); err != nil {
			t.log.Warn("telegram answer callback failed", "chat_id", chatID, "err", err)
		}
	}
}

// privateChat reports whether the update comes from a private chat.
func privateChat(u *models.Update) bool {
	switch {
	case u.Message != nil:
		return u.Message.Chat.Type == "" || u.Message.Chat.Type == models.ChatTypePrivate
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		t := u.CallbackQuery.Message.Message.Chat.Type
		return t == "" || t == models.ChatTypePrivate
	}
	return true
}

// pressedMessage is the id of the message whose button a callback
// pressed, or 0.
func pressedMessage(u *models.Update) int {
	if q := u.CallbackQuery; q != nil && q.Message.Message != nil {
		return q.Message.Message.ID
	}
	return 0
}

// convert turns an update into the dialog's input.
func convert(u *models.Update) (in dialog.Input, from *models.User, callbackID string) {
	if q := u.CallbackQuery; q != nil {
		b, ok := dialog.ParseButton(q.Data)
		if !ok {
			// Data we did not write: a nonce no session has, so the dialog
			// answers it as a stale button.
			b = dialog.Button{Nonce: -2, Action: "?"}
		}
		return dialog.Input{Kind: dialog.InButton, Button: b}, &q.From, q.ID
	}
	m := u.Message
	if m == nil || m.From == nil {
		return dialog.Input{}, nil, ""
	}
	if d := m.Document; d != nil {
		return dialog.Input{Kind: dialog.InDocument, Text: m.Caption, File: &dialog.FileRef{ID: d.FileID, Name: d.FileName, Size: d.FileSize}}, m.From, ""
	}
	if v := m.Voice; v != nil {
		return dialog.Input{Kind: dialog.InVoice, File: &dialog.FileRef{ID: v.FileID, Name: "voice.ogg", Size: v.FileSize}}, m.From, ""
	}
	if len(m.Photo) > 0 && strings.TrimSpace(m.Caption) != "" {
		return dialog.Input{Kind: dialog.InText, Text: m.Caption}, m.From, "" // a photo's caption is read as text
	}
	if m.Text == "" {
		return dialog.Input{Kind: dialog.InUnsupported}, m.From, ""
	}
	if cmd, arg, ok := dialog.ParseCommand(m.Text); ok {
		return dialog.Input{Kind: dialog.InCommand, Command: cmd, Arg: arg}, m.From, ""
	}
	if redact.Blank(m.Text) {
		// Zero-width and bidi characters alone show nothing: the dialog
		// gets the empty text it refuses.
		return dialog.Input{Kind: dialog.InText}, m.From, ""
	}
	return dialog.Input{Kind: dialog.InText, Text: m.Text}, m.From, ""
}

// Send delivers a reply, split into several messages when it is longer
// than Telegram allows; the buttons go with the last part.
func (t *Bot) Send(ctx context.Context, chatID int64, r dialog.Reply) error {
	parts := bot.SplitText(r.Text, bot.MaxMessageUTF16)
	for i, part := range parts {
		params := &tg.SendMessageParams{ChatID: chatID, Text: part, ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
		if i == len(parts)-1 && len(r.Buttons) > 0 {
			params.ReplyMarkup = keyboard(r.Buttons)
		}
		if err := t.sendMessage(ctx, params); err != nil {
			t.replyLost(ctx, chatID, err)
			return err
		}
	}
	return nil
}

// Replies are Telegram HTML (see dialog.Esc) and show no link previews.
var noPreview = &models.LinkPreviewOptions{IsDisabled: tg.True()}

// sendMessage sends once, and once more after a short flood wait. The
// broadcast sender hears of each outcome.
func (t *Bot) sendMessage(ctx context.Context, p *tg.SendMessageParams) error {
	chatID, _ := p.ChatID.(int64)
	_, err := t.b.SendMessage(ctx, p)
	t.opt.Broadcasts.ObserveDirect(ctx, chatID, classifySend(err))
	var flood *tg.TooManyRequestsError
	if errors.As(err, &flood) {
		t.opt.Metrics.TooManyRequests()
		wait := time.Duration(flood.RetryAfter) * time.Second
		if wait > maxRetryAfter {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		_, err = t.b.SendMessage(ctx, p)
		t.opt.Broadcasts.ObserveDirect(ctx, chatID, classifySend(err))
	}
	return err
}

func keyboard(rows [][]dialog.Choice) *models.InlineKeyboardMarkup {
	kb := &models.InlineKeyboardMarkup{}
	for _, row := range rows {
		var r []models.InlineKeyboardButton
		for _, c := range row {
			r = append(r, models.InlineKeyboardButton{Text: c.Label, CallbackData: c.Button.Encode()})
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}

// SendDocument sends a file.
func (t *Bot) SendDocument(ctx context.Context, chatID int64, d bot.Document) error {
	_, err := t.b.SendDocument(ctx, &tg.SendDocumentParams{ChatID: chatID, Caption: fitCaption(d.Caption), ParseMode: models.ParseModeHTML, Document: upload(d)})
	return err
}

// Typing shows "typing…" in the chat while the bot works.
func (t *Bot) Typing(ctx context.Context, chatID int64) {
	if _, err := t.b.SendChatAction(ctx, &tg.SendChatActionParams{ChatID: chatID, Action: models.ChatActionTyping}); err != nil {
		t.log.Debug("telegram typing failed", "chat_id", chatID, "err", err)
	}
}
