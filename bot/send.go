package bot

import (
	"errors"
	"fmt"
	"time"
)

// Failures of a send to Telegram, as the Telegram adapter reports them.
var (
	// ErrBlocked: Telegram refused the chat (403): the user blocked the
	// bot, or the bot is no longer in the group.
	ErrBlocked = errors.New("telegram: chat refuses the bot")
	// ErrRejected: Telegram refused the request itself (400); sending it
	// again cannot succeed.
	ErrRejected = errors.New("telegram: request rejected")
	// ErrNotSent: the message certainly did not arrive (an error answer
	// from Telegram, or no connection); it may be tried again.
	ErrNotSent = errors.New("telegram: message not sent")
)

// FloodError is Telegram's 429: wait RetryAfter before sending anything.
type FloodError struct {
	RetryAfter time.Duration
	Err        error
}

func (e *FloodError) Error() string {
	return fmt.Sprintf("telegram: too many requests, retry after %v: %v", e.RetryAfter, e.Err)
}

func (e *FloodError) Unwrap() error { return e.Err }
