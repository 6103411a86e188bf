package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/duijie/duijie/bot/dialog"
	"github.com/duijie/duijie/matcher"
)

// userText is the one place where an error becomes what the user reads.
// Invalid input is explained; anything else gets a short apology (and
// internal is true, so the caller logs the detail).
func userText(lang matcher.Lang, err error) (text string, internal bool) {
	var verr *matcher.ValidationError
	switch {
	case errors.As(err, &verr):
		return dialog.Tr(lang, "err_invalid", strings.Join(verr.Problems, "; ")), false
	case errors.Is(err, context.DeadlineExceeded):
		return dialog.Tr(lang, "err_timeout"), true
	default:
		return dialog.Tr(lang, "err_internal"), true
	}
}
