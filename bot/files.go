package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	tg "github.com/go-telegram/bot"
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

var (
	_ Files  = (*Telegram)(nil)
	_ Editor = (*Telegram)(nil)
)

// Fetch asks Telegram where the file is (getFile) and downloads it. The
// download URL holds the token, so errors never quote it.
func (t *Telegram) Fetch(ctx context.Context, fileID string, max int64) ([]byte, error) {
	f, err := t.b.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		if strings.Contains(err.Error(), "too big") {
			return nil, ErrFileTooBig
		}
		return nil, fmt.Errorf("get file: %s", redact(err.Error(), t.opt.Token))
	}
	if f.FileSize > max {
		return nil, ErrFileTooBig
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.b.FileDownloadLink(f), nil)
	if err != nil {
		return nil, fmt.Errorf("download file: %s", redact(err.Error(), t.opt.Token))
	}
	res, err := t.opt.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download file: %s", redact(err.Error(), t.opt.Token))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download file: HTTP %d", res.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("download file: %s", redact(err.Error(), t.opt.Token))
	}
	if int64(len(b)) > max {
		return nil, ErrFileTooBig
	}
	return b, nil
}

// SendTracked sends r as one message (cut to Telegram's limit) and
// returns its id.
func (t *Telegram) SendTracked(ctx context.Context, chatID int64, r Reply) (int, error) {
	params := &tg.SendMessageParams{ChatID: chatID, Text: splitText(r.Text, maxMessageUTF16)[0]}
	if len(r.Buttons) > 0 {
		params.ReplyMarkup = keyboard(r.Buttons)
	}
	m, err := t.b.SendMessage(ctx, params)
	if err != nil {
		return 0, err
	}
	return m.ID, nil
}

// Edit replaces a message's text and buttons.
func (t *Telegram) Edit(ctx context.Context, chatID int64, messageID int, r Reply) error {
	params := &tg.EditMessageTextParams{ChatID: chatID, MessageID: messageID, Text: splitText(r.Text, maxMessageUTF16)[0]}
	if len(r.Buttons) > 0 {
		params.ReplyMarkup = keyboard(r.Buttons)
	}
	_, err := t.b.EditMessageText(ctx, params)
	if err != nil && strings.Contains(err.Error(), "message is not modified") {
		return nil
	}
	return err
}
