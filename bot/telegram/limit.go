package telegram

import (
	"context"
	"errors"
	"strconv"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Limiter takes a token from a named bucket shared by every replica
// (store.Store.Allow). An error means the bucket could not be read; the
// update is then let through.
type Limiter interface {
	Allow(ctx context.Context, key string, lim store.RateLimit, now time.Time) (ok bool, wait time.Duration, err error)
}

var _ Limiter = (*store.Store)(nil)

// noticeLimit lets a user be told once a minute that they are over the
// limit: once per burst, not once per message.
var noticeLimit = store.RateLimit{Burst: 1, PerSecond: 1.0 / 60}

// limitKey names the bucket of a Telegram user.
func limitKey(userID int64) string { return "telegram:" + strconv.FormatInt(userID, 10) }

// The adapter's own words: what the dialog never says because it never
// sees the update.
var adapterText = map[string][2]string{ // English, Chinese
	"rate_limited": {"You are sending messages faster than I can answer. Please wait a moment; what you sent just now was skipped.",
		"您发送得太快了，我来不及回复。请稍等片刻；刚才发来的消息没有处理。"},
	"reply_lost": {"Sorry, my answer did not get through. Please send your last message again.",
		"抱歉，我的回复没能送达。请再发一次您刚才的消息。"},
}

func adapterTr(lang matcher.Lang, key string) string {
	if lang == matcher.LangZH {
		return adapterText[key][1]
	}
	return adapterText[key][0]
}

// langOf is the language a Telegram user's client reports.
func langOf(from *models.User) matcher.Lang {
	if from == nil {
		return matcher.LangEN
	}
	return matcher.ParseLang(from.LanguageCode)
}

// allow takes a token from the user's bucket. Over the limit, the user is
// told (a button press by its toast, a message once per burst) and allow
// reports false.
func (t *Bot) allow(ctx context.Context, chatID int64, from *models.User, callbackID string) bool {
	if t.opt.Limiter == nil {
		return true
	}
	ok, _, err := t.opt.Limiter.Allow(ctx, limitKey(from.ID), t.opt.RateLimit, t.now())
	if err != nil {
		t.opt.Metrics.Error("store")
		t.log.Warn("telegram rate limit unreadable; update let through", "user_id", from.ID, "err", err)
		return true
	}
	if ok {
		return true
	}
	t.opt.Metrics.Limited()
	t.log.Info("telegram update over the user's limit skipped", "chat_id", chatID, "user_id", from.ID)
	if callbackID != "" {
		if _, err := t.b.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: callbackID,
			Text: adapterTr(langOf(from), "rate_limited")}); err != nil {
			t.log.Debug("telegram answer callback failed", "chat_id", chatID, "err", err)
		}
		return false
	}
	if t.noticeDue(ctx, from.ID) {
		t.tellLimited(ctx, chatID, langOf(from))
	}
	return false
}

// overflow answers an update refused by its chat's full queue: it is
// dropped, and the user is told once per burst. The message goes out on
// its own, so that the poller or inbox reader that refused the update
// never waits on Telegram.
func (t *Bot) overflow(ctx context.Context, u *models.Update) {
	t.opt.Metrics.Limited()
	_, from, _ := convert(u)
	chatID := updateChatID(u)
	t.log.Info("telegram chat queue full; update dropped", "chat_id", chatID, "update_id", u.ID)
	if from == nil || !t.noticeDue(ctx, from.ID) {
		return
	}
	go func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.opt.UpdateTimeout)
		defer cancel()
		t.tellLimited(sctx, chatID, langOf(from))
	}()
}

// noticeDue reports whether the user may be told about the limit now.
func (t *Bot) noticeDue(ctx context.Context, userID int64) bool {
	if t.opt.Limiter == nil {
		return true
	}
	ok, _, err := t.opt.Limiter.Allow(ctx, limitKey(userID)+":notice", noticeLimit, t.now())
	return err == nil && ok
}

// tellLimited sends the limit message, once: a user who floods a chat
// Telegram already throttles gets no second try.
func (t *Bot) tellLimited(ctx context.Context, chatID int64, lang matcher.Lang) {
	_, err := t.b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: adapterTr(lang, "rate_limited")})
	t.opt.Broadcasts.ObserveDirect(ctx, chatID, classifySend(err))
	if err != nil {
		t.log.Info("telegram limit notice not sent", "chat_id", chatID, "err", err)
	}
}

// replyLost follows a reply that could not be sent after the retries: the
// user is told once, in a message of its own, unless the chat refuses the
// bot, Telegram asked to wait, or the update ran out of time. A notice
// that cannot go either is logged and counted, never tried again.
func (t *Bot) replyLost(ctx context.Context, chatID int64, err error) {
	t.opt.Metrics.ReplyLost()
	t.log.Warn("telegram reply not sent", "chat_id", chatID, "err", err)
	var flood *bot.FloodError
	if cerr := classifySend(err); ctx.Err() != nil || errors.Is(cerr, bot.ErrBlocked) || errors.As(cerr, &flood) {
		return
	}
	lang, _ := ctx.Value(langKey{}).(matcher.Lang)
	_, nerr := t.b.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: adapterTr(lang, "reply_lost")})
	t.opt.Broadcasts.ObserveDirect(ctx, chatID, classifySend(nerr))
	if nerr != nil {
		t.opt.Metrics.ReplyLost()
		t.log.Warn("telegram reply-lost notice not sent either", "chat_id", chatID, "err", nerr)
	}
}

// langKey carries, in the context of an update's handling, the language
// of the user who sent it.
type langKey struct{}
