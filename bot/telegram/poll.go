package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"
)

// Long polling: getUpdates confirms every update below the offset it is
// asked with. The poller asks for the next batch only once each update
// of the last one is stored in the inbox (or, without an inbox, queued in
// its chat), so an update Telegram has forgotten is always in Redis and a
// crash loses none; the inbox consumers handle them as in webhook mode.

// allowedUpdates are the kinds of update the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query"}

// Waits of the poller after a failure.
const (
	pollRetryFirst = 100 * time.Millisecond
	pollRetryMax   = 5 * time.Second
)

// pollUpdates asks Telegram for updates until ctx ends, and hands each
// to keep; an update keep refuses is asked for again.
func (t *Bot) pollUpdates(ctx context.Context, keep func(ctx context.Context, id int64, raw []byte, u *models.Update) error) {
	var offset int64
	var wait time.Duration
	for {
		if wait > 0 && !sleep(ctx, wait) {
			return
		}
		if ctx.Err() != nil {
			return
		}
		batch, err := t.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if strings.Contains(err.Error(), "Conflict") {
				t.log.Error("telegram: another process is polling with this bot token; Telegram allows one long poller per bot — stop it, or run every replica in webhook mode (WEBHOOK_URL)", "err", err)
			} else {
				t.log.Warn("telegram poll error", "err", err)
			}
			wait = min(max(2*wait, pollRetryFirst), pollRetryMax)
			continue
		}
		wait = 0
		for _, raw := range batch {
			var u models.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				t.log.Warn("telegram undecodable update dropped", "err", err)
				continue // its id is unknown: the next one confirms it
			}
			if err := keep(ctx, u.ID, raw, &u); err != nil {
				if ctx.Err() == nil {
					t.log.Warn("telegram keep update failed; asking for it again", "update_id", u.ID, "err", err)
					wait = min(max(2*wait, pollRetryFirst), pollRetryMax)
				}
				break // offset stays: Telegram sends it again
			}
			offset = u.ID + 1
		}
	}
}

// getUpdates asks for the updates from offset on, waiting up to the poll
// timeout for one to come.
func (t *Bot) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(max(t.opt.PollTimeout-time.Second, 0).Seconds()),
		"allowed_updates": allowedUpdates,
	})
	url := t.apiURL() + "/bot" + t.opt.Token + "/getUpdates"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("getUpdates: %s", hideToken(err.Error(), t.opt.Token))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.opt.HTTPClient.Do(req)
	if err != nil {
		// The error quotes the URL, which holds the token.
		return nil, fmt.Errorf("getUpdates: %s", hideToken(err.Error(), t.opt.Token))
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("getUpdates: status %d: %w", resp.StatusCode, err)
	}
	if !r.OK {
		return nil, fmt.Errorf("getUpdates: %d %s", r.ErrorCode, r.Description)
	}
	return r.Result, nil
}

func (t *Bot) apiURL() string {
	if t.opt.APIURL == "" {
		return "https://api.telegram.org"
	}
	return strings.TrimRight(t.opt.APIURL, "/")
}
