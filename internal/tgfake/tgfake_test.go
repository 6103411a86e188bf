package tgfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

const wait = 5 * time.Second

// harness is a fake server plus a real client polling it.
type harness struct {
	s   *Server
	b   *bot.Bot
	ctx context.Context // for API calls made by the test
	ups chan *models.Update
}

// newBot connects a real client to s without starting it.
func newBot(t *testing.T, s *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	all := append([]bot.Option{
		bot.WithServerURL(s.URL()),
		bot.WithHTTPClient(2*time.Second, &http.Client{Timeout: 5 * time.Second}),
		bot.WithErrorsHandler(func(error) {}),
		bot.WithDefaultHandler(func(context.Context, *bot.Bot, *models.Update) {}),
	}, opts...)
	b, err := bot.New(s.Token(), all...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// start starts a fake and a polling client. Updates that reach the default
// handler go to h.ups unless opts install another default handler. The
// client is stopped before the fake shuts down.
func start(t *testing.T, opts ...bot.Option) *harness {
	t.Helper()
	h := &harness{s: New(t), ctx: testCtx(t), ups: make(chan *models.Update, 100)}
	collect := bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) {
		select {
		case h.ups <- u:
		default:
		}
	})
	h.b = newBot(t, h.s, append([]bot.Option{collect}, opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.b.Start(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(wait):
			t.Error("bot did not stop")
		}
	})
	return h
}

func (h *harness) next(t *testing.T) *models.Update {
	t.Helper()
	select {
	case u := <-h.ups:
		return u
	case <-time.After(wait):
		t.Fatal("no update reached the handler")
		return nil
	}
}

func keyboard(data ...string) *models.InlineKeyboardMarkup {
	var row []models.InlineKeyboardButton
	for _, d := range data {
		row = append(row, models.InlineKeyboardButton{Text: strings.ToUpper(d), CallbackData: d})
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{row}}
}

func wantBadRequest(t *testing.T, err error, desc string) {
	t.Helper()
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), desc) {
		t.Fatalf("got error %v, want bad request %q", err, desc)
	}
}

func TestUpdatesReachHandler(t *testing.T) {
	h := start(t)
	id := h.s.SendText(42, 42, "/start hello")
	u := h.next(t)
	if u.ID != id || u.Message == nil {
		t.Fatalf("got update %+v, want message update %d", u, id)
	}
	m := u.Message
	if m.Text != "/start hello" || m.Chat.ID != 42 || m.Chat.Type != models.ChatTypePrivate || m.From.ID != 42 || m.Date == 0 {
		t.Fatalf("unexpected message %+v", m)
	}
	want := []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: 6}}
	if fmt.Sprint(m.Entities) != fmt.Sprint(want) {
		t.Fatalf("entities %+v, want %+v", m.Entities, want)
	}

	sent, err := h.b.SendMessage(h.ctx, &bot.SendMessageParams{ChatID: 42, Text: "Pick", ReplyMarkup: keyboard("yes", "no")})
	if err != nil {
		t.Fatal(err)
	}
	cbUpdate, cbID := h.s.SendCallback(42, 42, sent.ID, "yes")
	u = h.next(t)
	cq := u.CallbackQuery
	if u.ID != cbUpdate || cq == nil || cq.ID != cbID || cq.Data != "yes" || cq.From.ID != 42 {
		t.Fatalf("unexpected callback update %+v", u)
	}
	if cq.Message.Type != models.MaybeInaccessibleMessageTypeMessage || cq.Message.Message == nil {
		t.Fatalf("callback message is inaccessible: %+v", cq.Message)
	}
	if got := cq.Message.Message; got.ID != sent.ID || got.Chat.ID != 42 || got.Text != "Pick" ||
		got.ReplyMarkup == nil || got.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "no" {
		t.Fatalf("callback carries %+v, want the sent message", got)
	}

	if u := h.next2(t, h.s.SendSticker(42, 42)); u.Message.Sticker == nil {
		t.Fatal("no sticker")
	}
	if u := h.next2(t, h.s.SendPhoto(42, 42)); len(u.Message.Photo) == 0 {
		t.Fatal("no photo")
	}
}

func (h *harness) next2(t *testing.T, id int64) *models.Update {
	t.Helper()
	u := h.next(t)
	if u.ID != id {
		t.Fatalf("got update %d, want %d", u.ID, id)
	}
	return u
}

func TestCommandHandlerMatchesEntity(t *testing.T) {
	got := make(chan string, 10)
	h := start(t, bot.WithMessageTextHandler("help", bot.MatchTypeCommand,
		func(_ context.Context, _ *bot.Bot, u *models.Update) { got <- u.Message.Text }))
	h.s.SendText(1, 1, "/help me")
	select {
	case text := <-got:
		if text != "/help me" {
			t.Fatalf("handler got %q", text)
		}
	case <-time.After(wait):
		t.Fatal("command handler not called")
	}
}

// TestEchoBotTranscript runs a small bot end to end: it answers text with a
// keyboard and turns a button press into an answer plus an edit.
func TestEchoBotTranscript(t *testing.T) {
	h := start(t, bot.WithDefaultHandler(func(ctx context.Context, b *bot.Bot, u *models.Update) {
		switch {
		case u.Message != nil:
			_, _ = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.Message.Chat.ID, Text: "echo: " + u.Message.Text, ReplyMarkup: keyboard("yes", "no")})
		case u.CallbackQuery != nil:
			cq := u.CallbackQuery
			_, _ = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cq.ID, Text: "ok"})
			m := cq.Message.Message
			_, _ = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: m.Chat.ID, MessageID: m.ID, Text: "chosen: " + cq.Data})
		}
	}))
	s := h.s
	s.SendText(7, 7, "hi")
	c := s.WaitFor(t, wait, func(c Call) bool { return c.Method == "sendMessage" && c.OK() })
	var m models.Message
	if err := c.Result(&m); err != nil {
		t.Fatal(err)
	}
	if c.Params["chat_id"] != "7" || c.Params["text"] != "echo: hi" || m.ID != 2 {
		t.Fatalf("unexpected call %+v / message id %d (user message is 1)", c.Params, m.ID)
	}
	msgs := s.Messages(7)
	wantButtons := [][]Button{{{Text: "YES", Data: "yes"}, {Text: "NO", Data: "no"}}}
	if len(msgs) != 1 || msgs[0].Text != "echo: hi" || fmt.Sprint(msgs[0].Buttons) != fmt.Sprint(wantButtons) || msgs[0].Edited {
		t.Fatalf("transcript %+v", msgs)
	}

	_, cbID := s.SendCallback(7, 7, m.ID, "no")
	s.WaitFor(t, wait, func(c Call) bool {
		return c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == cbID && c.OK()
	})
	s.WaitFor(t, wait, func(c Call) bool { return c.Method == "editMessageText" && c.OK() })
	last, ok := s.LastMessage(7)
	if !ok || last.MessageID != m.ID || last.Text != "chosen: no" || !last.Edited || last.Buttons != nil {
		t.Fatalf("last message %+v, want edited text without keyboard", last)
	}

	// A callback can be answered once; unknown ids are rejected.
	_, err := h.b.AnswerCallbackQuery(h.ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: cbID})
	wantBadRequest(t, err, "query is too old")
	_, err = h.b.AnswerCallbackQuery(h.ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: "nope"})
	wantBadRequest(t, err, "query is too old")
}

func TestEditAndDelete(t *testing.T) {
	s := New(t)
	b, ctx := newBot(t, s), testCtx(t)
	m, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 3, Text: "v1", ReplyMarkup: keyboard("a")})
	if err != nil {
		t.Fatal(err)
	}
	if m.ReplyMarkup == nil || m.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "a" || m.Date == 0 || m.Chat.ID != 3 {
		t.Fatalf("sendMessage returned %+v", m)
	}
	edit := func(text string, kb models.ReplyMarkup) (*models.Message, error) {
		return b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 3, MessageID: m.ID, Text: text, ReplyMarkup: kb})
	}
	_, err = edit("v1", keyboard("a"))
	wantBadRequest(t, err, "message is not modified")

	// Leaving out reply_markup removes the keyboard, which is a change.
	if _, err := edit("v1", nil); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(3); last.Buttons != nil || !last.Edited {
		t.Fatalf("keyboard not removed: %+v", last)
	}
	_, err = edit("v1", nil)
	wantBadRequest(t, err, "message is not modified")

	e, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 3, MessageID: m.ID, ReplyMarkup: keyboard("b", "c")})
	if err != nil || e.ReplyMarkup == nil || len(e.ReplyMarkup.InlineKeyboard[0]) != 2 || e.Text != "v1" {
		t.Fatalf("editMessageReplyMarkup: %+v, %v", e, err)
	}
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 3, MessageID: m.ID, ReplyMarkup: keyboard("b", "c")})
	wantBadRequest(t, err, "message is not modified")

	e, err = edit("v2", keyboard("b", "c"))
	if err != nil || e.Text != "v2" || e.EditDate == 0 {
		t.Fatalf("edit: %+v, %v", e, err)
	}
	want := Sent{ChatID: 3, MessageID: m.ID, Text: "v2", Buttons: [][]Button{{{"B", "b", ""}, {"C", "c", ""}}}, Edited: true}
	if last, ok := s.LastMessage(3); !ok || fmt.Sprint(last) != fmt.Sprint(want) {
		t.Fatalf("last message %+v, want %+v", last, want)
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 3, MessageID: 999, Text: "x"})
	wantBadRequest(t, err, "message to edit not found")

	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 3, MessageID: m.ID}); !ok || err != nil {
		t.Fatalf("deleteMessage: %v, %v", ok, err)
	}
	if msgs := s.Messages(3); len(msgs) != 0 {
		t.Fatalf("deleted message still listed: %+v", msgs)
	}
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: 3, MessageID: m.ID})
	wantBadRequest(t, err, "message to delete not found")
}

func TestValidation(t *testing.T) {
	s := New(t)
	b, ctx := newBot(t, s), testCtx(t)
	send := func(text string, kb models.ReplyMarkup) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: text, ReplyMarkup: kb})
		return err
	}
	if err := send(strings.Repeat("я", 4096), nil); err != nil {
		t.Fatalf("4096 characters rejected: %v", err)
	}
	wantBadRequest(t, send(strings.Repeat("я", 4097), nil), "message is too long")
	// Limits count UTF-16 code units: an emoji outside the BMP counts as 2.
	if err := send(strings.Repeat("😀", 2048), nil); err != nil {
		t.Fatalf("4096 UTF-16 units rejected: %v", err)
	}
	wantBadRequest(t, send(strings.Repeat("😀", 2049), nil), "message is too long")
	wantBadRequest(t, send("", nil), "message text is empty")
	wantBadRequest(t, send(" \n ", nil), "message text is empty")
	wantBadRequest(t, send("bad \xff utf-8", nil), "UTF-8")

	if err := send("ok", keyboard(strings.Repeat("d", 64))); err != nil {
		t.Fatalf("64-byte callback data rejected: %v", err)
	}
	wantBadRequest(t, send("ok", keyboard(strings.Repeat("d", 65))), "BUTTON_DATA_INVALID")
	wantBadRequest(t, send("ok", keyboard(strings.Repeat("ж", 33))), "BUTTON_DATA_INVALID") // 66 bytes
	noAction := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "x"}}}}
	wantBadRequest(t, send("ok", noAction), "Text buttons are unallowed")
	link := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "site", URL: "https://example.com"}}}}
	if err := send("ok", link); err != nil {
		t.Fatalf("url button rejected: %v", err)
	}
	if last, _ := s.LastMessage(1); last.Buttons[0][0].URL != "https://example.com" {
		t.Fatalf("url button not recorded: %+v", last)
	}

	_, err := b.SendMessage(ctx, &bot.SendMessageParams{Text: "no chat"})
	wantBadRequest(t, err, "chat_id is empty")

	// HTML is parsed: supported tags are removed, the rest must be escaped.
	html := func(text string) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 2, Text: text, ParseMode: models.ParseModeHTML})
		return err
	}
	if err := html(`<b>bold</b> <a href="https://x.y/?a=1&b=2">link</a> &lt;ok&gt; &amp; a > b`); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(2); last.Text != "bold link <ok> & a > b" {
		t.Fatalf("visible text %q", last.Text)
	}
	wantBadRequest(t, html("1 < 2"), "can't parse entities")
	wantBadRequest(t, html("<b>open"), "can't parse entities")
	wantBadRequest(t, html("<b><i>x</b></i>"), "can't parse entities")
	wantBadRequest(t, html("<div>x</div>"), "Unsupported start tag")
	// Length is counted on the visible text.
	if err := html("<b>" + strings.Repeat("x", 4096) + "</b>"); err != nil {
		t.Fatalf("tags counted toward the limit: %v", err)
	}

	// Every request was recorded, failed ones included.
	if n := len(s.CallsTo("SENDMESSAGE")); n != 19 {
		t.Fatalf("recorded %d sendMessage calls, want 19", n)
	}
}

func TestFailNext(t *testing.T) {
	s := New(t)
	b, ctx := newBot(t, s), testCtx(t)
	s.FailNext("sendMessage", Failure{Code: 429, RetryAfter: 7}, Failure{Code: 403})
	params := &bot.SendMessageParams{ChatID: 1, Text: "x"}

	_, err := b.SendMessage(ctx, params)
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) || tooMany.RetryAfter != 7 {
		t.Fatalf("got %v, want TooManyRequestsError with retry_after 7", err)
	}
	_, err = b.SendMessage(ctx, params)
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Fatalf("got %v, want ErrorForbidden", err)
	}
	if _, err := b.SendMessage(ctx, params); err != nil {
		t.Fatalf("third call: %v", err)
	}
	calls := s.CallsTo("sendMessage")
	if len(calls) != 3 || calls[0].OK() || calls[1].OK() || !calls[2].OK() {
		t.Fatalf("calls %+v", calls)
	}
	if msgs := s.Messages(1); len(msgs) != 1 || msgs[0].MessageID != 1 {
		t.Fatalf("failed sends must not create messages: %+v", msgs)
	}

	s.FailNext("editMessageText", Failure{Code: 502, Description: "Bad Gateway"})
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 1, MessageID: 1, Text: "y"})
	if err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Fatalf("got %v, want a 502", err)
	}
}

func TestFailNextGetUpdates(t *testing.T) {
	h := start(t)
	h.s.FailNext("getUpdates", Failure{Code: 500})
	id := h.s.SendText(1, 1, "after an error")
	h.next2(t, id) // the client backs off briefly and polls again
	// The client may already be polling when the failure is set, so the
	// failed call is whichever getUpdates arrived next, not the first.
	failed := false
	for _, c := range h.s.CallsTo("getUpdates") {
		failed = failed || !c.OK()
	}
	if !failed {
		t.Fatalf("no getUpdates call failed: %+v", h.s.CallsTo("getUpdates"))
	}
}

func TestRedeliver(t *testing.T) {
	h := start(t, bot.WithNotAsyncHandlers()) // handlers run in delivery order
	s := h.s
	id1 := s.SendText(1, 1, "one")
	h.next2(t, id1)
	id2 := s.SendText(1, 1, "two")
	h.next2(t, id2)

	s.Redeliver(id1)
	if u := h.next2(t, id1); u.Message.Text != "one" {
		t.Fatalf("redelivered %+v", u.Message)
	}
	// The client's offset went back to id1+1; id2 must not come again.
	id3 := s.SendText(1, 1, "three")
	h.next2(t, id3)

	// Redelivering an update that is still queued delivers it twice.
	id4 := s.SendText(1, 1, "four")
	s.Redeliver(id4)
	h.next2(t, id4)
	h.next2(t, id4)
	id5 := s.SendText(1, 1, "five")
	h.next2(t, id5)
}

func TestDocuments(t *testing.T) {
	h := start(t)
	s, b, ctx := h.s, h.b, h.ctx
	content := []byte("hello, document\n")
	doc := h.next2(t, s.SendDocument(5, 5, "notes.txt", content)).Message.Document
	if doc == nil || doc.FileName != "notes.txt" || doc.FileSize != int64(len(content)) || doc.MimeType != "text/plain" {
		t.Fatalf("document %+v", doc)
	}

	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: doc.FileID})
	if err != nil || f.FilePath == "" || f.FileSize != int64(len(content)) {
		t.Fatalf("getFile: %+v, %v", f, err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.FileDownloadLink(f), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, content) {
		t.Fatalf("download: %d %q", resp.StatusCode, got)
	}
	_, err = b.GetFile(ctx, &bot.GetFileParams{FileID: "missing"})
	wantBadRequest(t, err, "invalid file_id")

	// The bot uploads a document; the bytes are recorded.
	data := []byte("a,b\n1,2\n")
	m, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID: 5, Caption: "report", ReplyMarkup: keyboard("again"),
		Document: &models.InputFileUpload{Filename: "r.csv", Data: bytes.NewReader(data)},
	})
	if err != nil || m.Document == nil || m.Document.FileName != "r.csv" || m.Caption != "report" {
		t.Fatalf("sendDocument: %+v, %v", m, err)
	}
	if calls := s.CallsTo("sendDocument"); len(calls) != 1 || !bytes.Equal(calls[0].Files["document"], data) {
		t.Fatalf("upload not recorded: %+v", calls)
	}
	if last, _ := s.LastMessage(5); last.Text != "report" || last.Buttons[0][0].Data != "again" {
		t.Fatalf("last message %+v", last)
	}
	// Re-sending by file_id works; captions can be edited, texts cannot.
	m2, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: 5, Document: &models.InputFileString{Data: m.Document.FileID}})
	if err != nil || m2.Document.FileID != m.Document.FileID {
		t.Fatalf("resend: %+v, %v", m2, err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 5, MessageID: m2.ID, Text: "x"})
	wantBadRequest(t, err, "no text in the message")
	if _, err := b.EditMessageCaption(ctx, &bot.EditMessageCaptionParams{ChatID: 5, MessageID: m2.ID, Caption: "new"}); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastMessage(5); last.Text != "new" || !last.Edited {
		t.Fatalf("caption edit: %+v", last)
	}
}

func TestBotSetup(t *testing.T) {
	s := New(t)
	b, ctx := newBot(t, s), testCtx(t)
	me, err := b.GetMe(ctx)
	if err != nil || me.ID != 123456 || !me.IsBot || me.Username != "duijie_test_bot" || b.ID() != me.ID {
		t.Fatalf("getMe: %+v, %v", me, err)
	}

	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://example.com/hook", AllowedUpdates: []string{"message"}}); err != nil {
		t.Fatal(err)
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://example.com/hook" || fmt.Sprint(info.AllowedUpdates) != "[message]" {
		t.Fatalf("webhook info %+v, %v", info, err)
	}
	if status, env := post(t, s, "getUpdates", "", nil); status != http.StatusConflict || env.OK {
		t.Fatalf("getUpdates with a webhook: %d %+v", status, env)
	}
	_, err = b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "http://example.com/hook"})
	wantBadRequest(t, err, "HTTPS url must be provided")
	s.SendText(1, 1, "pending")
	if ok, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true}); !ok || err != nil {
		t.Fatalf("deleteWebhook: %v %v", ok, err)
	}
	if info, _ := b.GetWebhookInfo(ctx); info.URL != "" || info.PendingUpdateCount != 0 {
		t.Fatalf("webhook info after delete %+v", info)
	}

	def := []models.BotCommand{{Command: "start", Description: "Start"}}
	ru := []models.BotCommand{{Command: "start", Description: "Начать"}, {Command: "help", Description: "Помощь"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: def}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: ru, LanguageCode: "ru"}); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][]models.BotCommand{"": def, "ru": ru, "de": {}} {
		got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: lang})
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("getMyCommands(%q) = %v, %v; want %v", lang, got, err, want)
		}
	}
	scoped := &bot.GetMyCommandsParams{Scope: &models.BotCommandScopeAllPrivateChats{}}
	if got, _ := b.GetMyCommands(ctx, scoped); len(got) != 0 {
		t.Fatalf("other scope returned %v", got)
	}
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start", Description: "x"}}})
	wantBadRequest(t, err, "BOT_COMMAND_INVALID")
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "start"}}})
	wantBadRequest(t, err, "description must be non-empty")
	if _, err := b.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{LanguageCode: "ru"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "ru"}); len(got) != 0 {
		t.Fatalf("deleted commands returned %v", got)
	}

	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 1, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	_, err = b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 1, Action: "dancing"})
	wantBadRequest(t, err, "wrong parameter action")
	if _, err := b.SetChatMenuButton(ctx, &bot.SetChatMenuButtonParams{MenuButton: models.MenuButtonCommands{Type: models.MenuButtonTypeCommands}}); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.Logout(ctx); !ok || err != nil {
		t.Fatalf("logOut: %v %v", ok, err)
	}
	if ok, err := b.Close(ctx); !ok || err != nil {
		t.Fatalf("close: %v %v", ok, err)
	}
	// Methods the fake does not model are recorded and answered with true.
	if ok, err := b.SetMyName(ctx, &bot.SetMyNameParams{Name: "Duijie"}); !ok || err != nil {
		t.Fatalf("setMyName: %v %v", ok, err)
	}
	if c := s.CallsTo("setMyName"); len(c) != 1 || c[0].Params["name"] != "Duijie" {
		t.Fatalf("setMyName calls %+v", c)
	}
}

type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
}

// post sends a raw request to the fake's API with the right token.
func post(t *testing.T, s *Server, method, contentType string, body []byte) (int, envelope) {
	t.Helper()
	return postURL(t, s.URL()+"/bot"+s.Token()+"/"+method, contentType, body)
}

func postURL(t *testing.T, url, contentType string, body []byte) (int, envelope) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("POST: %v", err)
		return 0, envelope{}
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Errorf("decoding reply: %v", err)
	}
	return resp.StatusCode, env
}

func TestRawBodies(t *testing.T) {
	s := New(t)
	status, env := post(t, s, "sendMessage", "application/json",
		[]byte(`{"chat_id":9,"text":"hi","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`))
	if status != http.StatusOK || !env.OK {
		t.Fatalf("JSON body: %d %+v", status, env)
	}
	if c := s.CallsTo("sendMessage")[0]; c.Params["chat_id"] != "9" || !strings.Contains(c.Params["reply_markup"], `"callback_data":"a"`) {
		t.Fatalf("JSON params %+v", c.Params)
	}
	if status, env := post(t, s, "sendMessage", "application/x-www-form-urlencoded", []byte("chat_id=9&text=yo")); status != 200 || !env.OK {
		t.Fatalf("form body: %d %+v", status, env)
	}
	if status, env := post(t, s, "getMe", "", nil); status != 200 || !env.OK {
		t.Fatalf("empty body: %d %+v", status, env)
	}
	msgs := s.Messages(9)
	if len(msgs) != 2 || msgs[0].Buttons[0][0].Data != "a" || msgs[1].Text != "yo" {
		t.Fatalf("transcript %+v", msgs)
	}

	status, env = postURL(t, s.URL()+"/bot999:WRONG/getMe", "", nil)
	if status != http.StatusUnauthorized || env.OK || env.ErrorCode != 401 || env.Description != "Unauthorized" {
		t.Fatalf("wrong token: %d %+v", status, env)
	}
	if status, env := post(t, s, "sendMessage", "application/json", []byte(`{"text":"no chat"}`)); status != 400 || env.Description != "Bad Request: chat_id is empty" {
		t.Fatalf("missing chat_id: %d %+v", status, env)
	}
}

func TestLongPolling(t *testing.T) {
	s := New(t)
	begin := time.Now()
	_, env := post(t, s, "getUpdates", "application/x-www-form-urlencoded", []byte("timeout=1"))
	if d := time.Since(begin); string(env.Result) != "[]" || d < 900*time.Millisecond || d > 3*time.Second {
		t.Fatalf("empty long poll returned %s after %v", env.Result, d)
	}

	pushed := make(chan int64, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		pushed <- s.SendText(1, 1, "wake up")
	}()
	begin = time.Now()
	_, env = post(t, s, "getUpdates", "application/x-www-form-urlencoded", []byte("timeout=5"))
	var ups []models.Update
	if err := json.Unmarshal(env.Result, &ups); err != nil || len(ups) != 1 || time.Since(begin) > 2*time.Second {
		t.Fatalf("long poll: %s, %v after %v", env.Result, err, time.Since(begin))
	}
	if id := <-pushed; ups[0].ID != id {
		t.Fatalf("update id %d, want %d", ups[0].ID, id)
	}

	// Unconfirmed updates are delivered again; offset confirms them.
	id := ups[0].ID
	_, env = post(t, s, "getUpdates", "", []byte("offset=0"))
	if !strings.Contains(string(env.Result), fmt.Sprintf(`"update_id":%d`, id)) {
		t.Fatalf("unconfirmed update missing: %s", env.Result)
	}
	_, env = post(t, s, "getUpdates", "", []byte(fmt.Sprintf("offset=%d", id+1)))
	if string(env.Result) != "[]" {
		t.Fatalf("confirmed update delivered again: %s", env.Result)
	}

	// limit
	for i := 0; i < 3; i++ {
		s.SendText(1, 1, "x")
	}
	_, env = post(t, s, "getUpdates", "", []byte("limit=2"))
	if err := json.Unmarshal(env.Result, &ups); err != nil || len(ups) != 2 {
		t.Fatalf("limit=2 returned %s", env.Result)
	}
	_, _ = post(t, s, "getUpdates", "", []byte(fmt.Sprintf("offset=%d", ups[1].ID+100)))

	// A second poller ends the first one with 409.
	s.mu.Lock()
	gen := s.pollGen
	s.mu.Unlock()
	first := make(chan int, 1)
	go func() {
		status, _ := postURL(t, s.URL()+"/bot"+s.Token()+"/getUpdates", "", []byte("timeout=5"))
		first <- status
	}()
	for deadline := time.Now().Add(wait); ; time.Sleep(5 * time.Millisecond) {
		s.mu.Lock()
		started := s.pollGen > gen
		s.mu.Unlock()
		if started {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("first poll did not start")
		}
	}
	if status, _ := post(t, s, "getUpdates", "", nil); status != http.StatusOK {
		t.Fatalf("second poll: %d", status)
	}
	select {
	case status := <-first:
		if status != http.StatusConflict {
			t.Fatalf("first poll ended with %d, want 409", status)
		}
	case <-time.After(wait):
		t.Fatal("first poll not terminated")
	}
}

func TestConcurrentSends(t *testing.T) {
	s := New(t)
	b, ctx := newBot(t, s), testCtx(t)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := 0; g < 20; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				chat := int64(1 + g%2)
				if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: fmt.Sprintf("g%d-%d", g, i)}); err != nil {
					errs <- err
				}
			}
		}()
	}
	go func() { // readers run alongside
		for i := 0; i < 50; i++ {
			s.Messages(1)
			s.Calls()
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, chat := range []int64{1, 2} {
		msgs := s.Messages(chat)
		if len(msgs) != 50 {
			t.Fatalf("chat %d has %d messages", chat, len(msgs))
		}
		for i, m := range msgs {
			if m.MessageID != i+1 {
				t.Fatalf("chat %d: message %d has id %d", chat, i, m.MessageID)
			}
		}
	}
	s.WaitCount(t, wait, "sendMessage", 100)
}

// fatalTB records Fatalf instead of stopping the goroutine.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
}

func TestWaitForTimesOutWithDump(t *testing.T) {
	s := New(t)
	b, ctx := newBot(t, s), testCtx(t)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, Text: "visible in dump"}); err != nil {
		t.Fatal(err)
	}
	ft := &fatalTB{TB: t}
	begin := time.Now()
	s.WaitFor(ft, 200*time.Millisecond, func(c Call) bool { return c.Method == "deleteMessage" })
	if d := time.Since(begin); d < 200*time.Millisecond || d > 2*time.Second {
		t.Fatalf("WaitFor returned after %v", d)
	}
	if !strings.Contains(ft.msg, "sendMessage") || !strings.Contains(ft.msg, "visible in dump") {
		t.Fatalf("dump missing the call:\n%s", ft.msg)
	}
	ft.msg = ""
	s.WaitCount(ft, 100*time.Millisecond, "sendMessage", 2)
	if !strings.Contains(ft.msg, "1 of 2 calls to sendMessage") {
		t.Fatalf("WaitCount message: %s", ft.msg)
	}
}

// TestRedeliverOffsetRule follows the go-telegram client's offset rule
// (offset = last update_id received + 1) through a redelivery queued
// behind an unconfirmed update: nothing may be delivered twice.
func TestRedeliverOffsetRule(t *testing.T) {
	s := New(t)
	var offset int64
	poll := func() []int64 {
		t.Helper()
		_, env := post(t, s, "getUpdates", "", []byte(fmt.Sprintf("offset=%d", offset)))
		var ups []models.Update
		if err := json.Unmarshal(env.Result, &ups); err != nil {
			t.Fatalf("getUpdates: %s", env.Result)
		}
		var ids []int64
		for _, u := range ups {
			ids = append(ids, u.ID)
			offset = u.ID + 1
		}
		return ids
	}
	a := s.SendText(1, 1, "a")
	if got := poll(); fmt.Sprint(got) != fmt.Sprint([]int64{a}) {
		t.Fatalf("got %v, want [%d]", got, a)
	}
	b := s.SendText(1, 1, "b")
	s.Redeliver(a)
	var got []int64
	for i := 0; i < 4; i++ {
		got = append(got, poll()...)
	}
	if want := []int64{b, a}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
}

// TestShutdownEndsLongPoll checks that cleanup does not wait for a pending
// long poll to time out.
func TestShutdownEndsLongPoll(t *testing.T) {
	ended := make(chan error, 1)
	begin := time.Now()
	t.Run("server", func(t *testing.T) {
		s := New(t)
		go func() {
			resp, err := http.Post(s.URL()+"/bot"+s.Token()+"/getUpdates", "application/x-www-form-urlencoded", strings.NewReader("timeout=30"))
			if err == nil {
				resp.Body.Close()
			}
			ended <- err
		}()
		for deadline := time.Now().Add(wait); ; time.Sleep(5 * time.Millisecond) {
			s.mu.Lock()
			started := s.pollGen > 0
			s.mu.Unlock()
			if started {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("poll did not start")
			}
		}
	})
	if d := time.Since(begin); d > 3*time.Second {
		t.Fatalf("shutdown took %v", d)
	}
	select {
	case err := <-ended:
		if err != nil {
			t.Fatalf("poll failed instead of returning: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("poll still pending after shutdown")
	}
}
