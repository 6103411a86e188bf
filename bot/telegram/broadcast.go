package telegram

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/bot"
	"github.com/duijie/duijie/store"
)

// The Telegram side of broadcasts: BotAPI sends one message with the
// go-telegram client and classifies its failure for the Broadcaster.

// BotAPI sends broadcast messages through the Bot API.
type BotAPI struct {
	b *tg.Bot
}

// NewBotAPI returns a client for token on apiURL (empty for
// api.telegram.org). client defaults to one with a 20 s timeout. It does
// not call Telegram.
func NewBotAPI(token, apiURL string, client *http.Client) (*BotAPI, error) {
	if client == nil {
		client = &http.Client{Timeout: 20 * time.Second}
	}
	opts := []tg.Option{tg.WithSkipGetMe(), tg.WithHTTPClient(time.Second, client)}
	if apiURL != "" {
		opts = append(opts, tg.WithServerURL(strings.TrimRight(apiURL, "/")))
	}
	b, err := tg.New(token, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram client: %s", hideToken(err.Error(), token))
	}
	return &BotAPI{b: b}, nil
}

// SendMessage sends text with inline buttons to chatID.
func (a *BotAPI) SendMessage(ctx context.Context, chatID int64, text string, buttons [][]store.Button) error {
	p := &tg.SendMessageParams{ChatID: chatID, Text: text}
	if len(buttons) > 0 {
		kb := &models.InlineKeyboardMarkup{}
		for _, row := range buttons {
			var r []models.InlineKeyboardButton
			for _, b := range row {
				r = append(r, models.InlineKeyboardButton{Text: b.Label, CallbackData: b.Data})
			}
			kb.InlineKeyboard = append(kb.InlineKeyboard, r)
		}
		p.ReplyMarkup = kb
	}
	_, err := a.b.SendMessage(ctx, p)
	return classifySend(err)
}

// classifySend turns a go-telegram error into what BroadcastAPI promises:
// *FloodError for 429, ErrBlocked for 403, ErrRejected for 400, ErrNotSent
// for any other answer of Telegram or a connection that was never made;
// anything else (no answer to a request that left) unchanged.
func classifySend(err error) error {
	if err == nil {
		return nil
	}
	var flood *tg.TooManyRequestsError
	var migrate *tg.MigrateError
	var op *net.OpError
	switch {
	case errors.As(err, &flood):
		return &bot.FloodError{RetryAfter: time.Duration(flood.RetryAfter) * time.Second, Err: err}
	case errors.Is(err, tg.ErrorForbidden):
		return fmt.Errorf("%w: %v", bot.ErrBlocked, err)
	case errors.Is(err, tg.ErrorBadRequest), errors.As(err, &migrate):
		return fmt.Errorf("%w: %v", bot.ErrRejected, err)
	case errors.Is(err, tg.ErrorUnauthorized), errors.Is(err, tg.ErrorNotFound), errors.Is(err, tg.ErrorConflict),
		// The client's only words for other error answers (5xx).
		strings.HasPrefix(err.Error(), "error response from telegram"):
		return fmt.Errorf("%w: %v", bot.ErrNotSent, err)
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Errorf("%w: %v", bot.ErrNotSent, err)
	}
	return err
}
