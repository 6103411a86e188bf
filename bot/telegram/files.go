package telegram

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/duijie/duijie/bot/dialog"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/duijie/duijie/bot"
)

var (
	_ bot.Files  = (*Bot)(nil)
	_ bot.Editor = (*Bot)(nil)
)

// Fetch asks Telegram where the file is (getFile) and downloads it. The
// download URL holds the token, so errors never quote it.
func (t *Bot) Fetch(ctx context.Context, fileID string, max int64) ([]byte, error) {
	f, err := t.b.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		if strings.Contains(err.Error(), "too big") {
			return nil, bot.ErrFileTooBig
		}
		return nil, fmt.Errorf("get file: %s", hideToken(err.Error(), t.opt.Token))
	}
	if f.FileSize > max {
		return nil, bot.ErrFileTooBig
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.b.FileDownloadLink(f), nil)
	if err != nil {
		return nil, fmt.Errorf("download file: %s", hideToken(err.Error(), t.opt.Token))
	}
	res, err := t.opt.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download file: %s", hideToken(err.Error(), t.opt.Token))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download file: HTTP %d", res.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("download file: %s", hideToken(err.Error(), t.opt.Token))
	}
	if int64(len(b)) > max {
		return nil, bot.ErrFileTooBig
	}
	return b, nil
}

// SendTracked sends r as one message (cut to Telegram's limit) and
// returns its id.
func (t *Bot) SendTracked(ctx context.Context, chatID int64, r dialog.Reply) (int, error) {
	params := &tg.SendMessageParams{ChatID: chatID, Text: bot.SplitText(r.Text, bot.MaxMessageUTF16)[0], ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
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
func (t *Bot) Edit(ctx context.Context, chatID int64, messageID int, r dialog.Reply) error {
	params := &tg.EditMessageTextParams{ChatID: chatID, MessageID: messageID, Text: bot.SplitText(r.Text, bot.MaxMessageUTF16)[0], ParseMode: models.ParseModeHTML, LinkPreviewOptions: noPreview}
	if len(r.Buttons) > 0 {
		params.ReplyMarkup = keyboard(r.Buttons)
	}
	_, err := t.b.EditMessageText(ctx, params)
	if err != nil && strings.Contains(err.Error(), "message is not modified") {
		return nil
	}
	return err
}

var _ bot.Pictures = (*Bot)(nil)

// SendPhoto sends a picture shown in the chat (a chart, a QR code); a
// caption too long for Telegram is left out.
func (t *Bot) SendPhoto(ctx context.Context, chatID int64, d bot.Document) error {
	_, err := t.b.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: chatID, Caption: fitCaption(d.Caption), ParseMode: models.ParseModeHTML, Photo: upload(d)})
	return err
}

// fitCaption is a file's caption, left out when too long for Telegram.
func fitCaption(s string) string {
	if bot.UTF16Len(s) > maxCaptionUTF16 {
		return ""
	}
	return s
}

// upload is a file's content as sent to Telegram.
func upload(d bot.Document) *models.InputFileUpload {
	return &models.InputFileUpload{Filename: d.Name, Data: bytes.NewReader(d.Data)}
}
