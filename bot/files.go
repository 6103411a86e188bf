package bot

import (
	"context"
	"errors"
)

// Files fetches the content of a file a user sent. The Sender an input
// came through implements it when its chat can carry files (Telegram);
// the console cannot.
type Files interface {
	// Fetch returns the file's content. A file larger than max bytes is
	// not read: the error is ErrFileTooBig.
	Fetch(ctx context.Context, fileID string, max int64) ([]byte, error)
}

// Editor is a Sender that can change a message it sent, for progress
// shown in one message. Senders without it show no progress.
type Editor interface {
	// SendTracked sends r as one message and returns its id.
	SendTracked(ctx context.Context, chatID int64, r Reply) (int, error)
	// Edit replaces the text (and buttons) of a message sent with
	// SendTracked. An edit that changes nothing is not an error.
	Edit(ctx context.Context, chatID int64, messageID int, r Reply) error
}

// ErrFileTooBig is returned by Fetch for a file above the limit.
var ErrFileTooBig = errors.New("file too big")

// MaxFetchBytes is the largest file a bot can fetch from Telegram's
// servers (getFile's limit).
const MaxFetchBytes = 20 << 20
