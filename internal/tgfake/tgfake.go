// Package tgfake is an in-process fake of the Telegram Bot API for tests.
//
// A Server listens on a local httptest server and speaks the Bot API wire
// format, so a real client can be pointed at it:
//
//	s := tgfake.New(t)
//	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL()), ...)
//
// Tests feed the bot updates (SendText, SendCallback, SendDocument, Push,
// Redeliver), inspect what the bot called (Calls, WaitFor, WaitCount), read
// the chat as the user would see it (Messages, LastMessage) and make methods
// fail on demand (FailNext).
//
// Every request is a POST to /bot<token>/<method> with parameters as
// multipart/form-data, application/json, a URL-encoded form or no body at
// all. Method names are matched case-insensitively, as Telegram does.
// Answered methods: getMe, getUpdates (long polling; an update stays queued
// until a later getUpdates confirms it with offset > update_id), setWebhook,
// deleteWebhook, getWebhookInfo, close, logOut, sendMessage, editMessageText,
// editMessageCaption, editMessageReplyMarkup, deleteMessage,
// answerCallbackQuery, sendChatAction, setMyCommands, getMyCommands,
// deleteMyCommands, setChatMenuButton, sendDocument, sendPhoto and getFile, plus file
// downloads from /file/bot<token>/<file_path>. Any other method is recorded
// and answered with true.
//
// Where it matters for a bot's correctness the fake validates like Telegram
// and answers with Telegram's error descriptions: chat_id is required; text
// is 1..4096 and captions 0..1024 UTF-16 code units (emoji outside the BMP
// count as 2), measured after HTML parsing when parse_mode is HTML; HTML
// must only use supported, properly nested tags; text must be valid UTF-8;
// callback_data is 1..64 bytes; an inline button needs an action; edits
// that change nothing fail with "message is not modified"; a callback query
// can be answered once. MarkdownV2 and Markdown texts are not parsed.
//
// Like Telegram, editMessageText, editMessageCaption and
// editMessageReplyMarkup without reply_markup remove the inline keyboard.
package tgfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

const (
	testToken   = "123456:TEST"
	botUsername = "duijie_test_bot"
	firstUpdate = 1000
)

// Server is a fake Telegram Bot API server. It is safe for concurrent use.
type Server struct {
	srv   *httptest.Server
	tb    testing.TB
	token string
	botID int64
	start time.Time

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever state changes
	closed   chan struct{} // closed when the server shuts down
	isClosed bool

	nextUpdateID int64
	queue        []queuedUpdate
	history      map[int64]json.RawMessage // every update ever queued, by id
	pollGen      int64                     // bumped by each getUpdates

	calls    []Call
	counts   map[string]int       // calls per lower-cased method, kept by record
	failures map[string][]Failure // by lower-case method name

	chats     map[int64]*chatState
	callbacks map[string]bool // callback query id → already answered
	nextCbID  int64

	files       map[string]*fileEntry // by file_id
	filesByPath map[string]*fileEntry
	nextFileID  int64

	webhook  models.WebhookInfo
	commands map[string][]models.BotCommand // by scope and language
	// descriptions set by setMyDescription and setMyShortDescription, by
	// "description/" or "short/" and the language code
	descriptions map[string]string
}

type queuedUpdate struct {
	id     int64
	raw    json.RawMessage
	forced bool // queued by Redeliver: delivered once, whatever the offset
}

type chatState struct {
	lastMsgID int
	msgs      map[int]*storedMsg
	botOrder  []int // ids of the bot's messages in the order they were sent
}

type storedMsg struct {
	msg     models.Message
	fromBot bool
	hasText bool // a text message (as opposed to media with a caption)
	edited  bool
	deleted bool
}

type fileEntry struct {
	file models.File
	data []byte
}

// New starts a fake server; it is shut down by t.Cleanup. If the test has
// failed by then, the most recent calls are logged.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		tb:           t,
		token:        testToken,
		botID:        123456,
		start:        time.Now(),
		changed:      make(chan struct{}),
		closed:       make(chan struct{}),
		nextUpdateID: firstUpdate,
		history:      map[int64]json.RawMessage{},
		failures:     map[string][]Failure{},
		chats:        map[int64]*chatState{},
		callbacks:    map[string]bool{},
		files:        map[string]*fileEntry{},
		filesByPath:  map[string]*fileEntry{},
		commands:     map[string][]models.BotCommand{},
		descriptions: map[string]string{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.shutdown)
	return s
}

func (s *Server) shutdown() {
	s.mu.Lock()
	if !s.isClosed {
		s.isClosed = true
		close(s.closed) // ends pending long polls, so Close does not hang
		s.notify()
	}
	s.mu.Unlock()
	s.srv.Close()
	if s.tb.Failed() {
		s.tb.Logf("tgfake: recent calls:\n%s", s.dump(30))
	}
}

// URL is the base URL to pass to bot.WithServerURL.
func (s *Server) URL() string { return s.srv.URL }

// Token is the only bot token the server accepts ("123456:TEST"); requests
// with any other token get 401 "Unauthorized". The bot's user id is 123456.
func (s *Server) Token() string { return s.token }

// notify wakes everyone waiting for a state change. Call with s.mu held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ---------------------------------------------------------------------------
// Updates

// Push queues u for getUpdates and returns its update_id. A zero update_id
// is replaced by the next free one; a non-zero one is kept (and later
// automatic ids continue above it). An update whose id is below an offset
// the bot has already confirmed is never delivered. The update is encoded
// when pushed, so later changes to u have no effect.
func (s *Server) Push(u models.Update) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(u)
}

func (s *Server) pushLocked(u models.Update) int64 {
	if u.ID == 0 {
		u.ID = s.nextUpdateID
	}
	if u.ID >= s.nextUpdateID {
		s.nextUpdateID = u.ID + 1
	}
	if cq := u.CallbackQuery; cq != nil && cq.ID != "" {
		if _, known := s.callbacks[cq.ID]; !known {
			s.callbacks[cq.ID] = false
		}
	}
	raw, err := json.Marshal(&u)
	if err != nil {
		panic(fmt.Sprintf("tgfake: encoding update: %v", err))
	}
	s.history[u.ID] = raw
	s.queue = append(s.queue, queuedUpdate{id: u.ID, raw: raw})
	s.notify()
	return u.ID
}

// Redeliver queues an already pushed update again with the same update_id,
// as Telegram may do, to test de-duplication. The copy is delivered exactly
// once, alone in its getUpdates answer, even though its id is below the
// confirmed offset. It must be called from the test goroutine.
func (s *Server) Redeliver(updateID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	raw, ok := s.history[updateID]
	if !ok {
		s.tb.Fatalf("tgfake: Redeliver: no update with update_id %d was pushed", updateID)
		return
	}
	s.queue = append(s.queue, queuedUpdate{id: updateID, raw: raw, forced: true})
	s.notify()
}

// SendText queues a text message from user userID in chat chatID and
// returns its update_id. The chat is private for a positive chatID, a group
// otherwise. Text starting with a command ("/start", "/help@bot") gets a
// bot_command entity at offset 0 covering the command.
func (s *Server) SendText(chatID, userID int64, text string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.userMessage(chatID, userID)
	m.Text = text
	if n := commandLen(text); n > 0 {
		m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: n}}
	}
	return s.queueUserMessage(chatID, m)
}

// SendCallback queues a callback query from user userID pressing a button
// with data on message messageID in chat chatID. The query carries the
// bot's stored message when the fake knows it (a copy of what the bot sent,
// edits applied), otherwise a minimal message from the bot. It returns the
// update_id and the callback query id, which answerCallbackQuery accepts once.
func (s *Server) SendCallback(chatID, userID int64, messageID int, data string) (updateID int64, callbackID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var msg models.Message
	if sm := s.chat(chatID).msgs[messageID]; sm != nil && !sm.deleted {
		msg = sm.msg
	} else {
		msg = models.Message{ID: messageID, From: s.botUser(), Date: now(), Chat: chatModel(chatID)}
	}
	s.nextCbID++
	callbackID = fmt.Sprintf("cq%d", s.nextCbID)
	u := models.Update{CallbackQuery: &models.CallbackQuery{
		ID:           callbackID,
		From:         userModel(userID),
		ChatInstance: fmt.Sprintf("ci%d", chatID),
		Data:         data,
		Message: models.MaybeInaccessibleMessage{
			Type:    models.MaybeInaccessibleMessageTypeMessage,
			Message: &msg,
		},
	}}
	return s.pushLocked(u), callbackID
}

// SendSticker queues a message with a sticker from user userID.
func (s *Server) SendSticker(chatID, userID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.newFile("sticker", "sticker.webp", []byte("fake sticker"))
	m := s.userMessage(chatID, userID)
	m.Sticker = &models.Sticker{
		FileID: f.file.FileID, FileUniqueID: f.file.FileUniqueID,
		Type: "regular", Width: 512, Height: 512, Emoji: "👍", FileSize: len(f.data),
	}
	return s.queueUserMessage(chatID, m)
}

// SendPhoto queues a message with a photo (two sizes) from user userID.
func (s *Server) SendPhoto(chatID, userID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.userMessage(chatID, userID)
	for _, side := range []int{90, 800} {
		f := s.newFile("photo", "photo.jpg", []byte(fmt.Sprintf("fake photo %dx%d", side, side)))
		m.Photo = append(m.Photo, models.PhotoSize{
			FileID: f.file.FileID, FileUniqueID: f.file.FileUniqueID,
			Width: side, Height: side, FileSize: len(f.data),
		})
	}
	return s.queueUserMessage(chatID, m)
}

// SendVoice queues a voice message (Opus in OGG, as Telegram clients
// record) from user userID; audio is served through getFile.
func (s *Server) SendVoice(chatID, userID int64, audio []byte, seconds int) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.newFile("voice", "voice.ogg", append([]byte(nil), audio...))
	m := s.userMessage(chatID, userID)
	m.Voice = &models.Voice{FileID: f.file.FileID, FileUniqueID: f.file.FileUniqueID, Duration: seconds,
		MimeType: "audio/ogg", FileSize: int64(len(f.data))}
	return s.queueUserMessage(chatID, m)
}

// SendPhotoCaption queues a photo with a caption from user userID.
func (s *Server) SendPhotoCaption(chatID, userID int64, caption string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.userMessage(chatID, userID)
	f := s.newFile("photo", "photo.jpg", []byte("fake photo 800x800"))
	m.Photo = []models.PhotoSize{{FileID: f.file.FileID, FileUniqueID: f.file.FileUniqueID, Width: 800, Height: 800, FileSize: len(f.data)}}
	m.Caption = caption
	return s.queueUserMessage(chatID, m)
}

// SendDocument queues a message with a document from user userID. The
// content is served through getFile and the file download URL.
func (s *Server) SendDocument(chatID, userID int64, fileName string, content []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.newFile("document", fileName, append([]byte(nil), content...))
	m := s.userMessage(chatID, userID)
	m.Document = documentModel(f, fileName)
	return s.queueUserMessage(chatID, m)
}

func (s *Server) userMessage(chatID, userID int64) models.Message {
	from := userModel(userID)
	return models.Message{From: &from, Date: now(), Chat: chatModel(chatID)}
}

// queueUserMessage gives m the chat's next message id, remembers it (so the
// bot may delete it) and queues it as a "message" update.
func (s *Server) queueUserMessage(chatID int64, m models.Message) int64 {
	c := s.chat(chatID)
	c.lastMsgID++
	m.ID = c.lastMsgID
	c.msgs[m.ID] = &storedMsg{msg: m, hasText: m.Text != ""}
	return s.pushLocked(models.Update{Message: &m})
}

// commandLen is the length of a leading bot command ("/cmd" or
// "/cmd@botname"), or 0 if text does not start with one.
func commandLen(text string) int {
	if !strings.HasPrefix(text, "/") {
		return 0
	}
	isWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	i := 1
	for i < len(text) && isWord(text[i]) {
		i++
	}
	if i == 1 {
		return 0
	}
	if i < len(text) && text[i] == '@' {
		j := i + 1
		for j < len(text) && isWord(text[j]) {
			j++
		}
		if j > i+1 {
			i = j
		}
	}
	return i // ASCII, so bytes equal UTF-16 code units
}

// ---------------------------------------------------------------------------
// Recorded calls

// Call is one request the server answered.
type Call struct {
	Method string            // as sent (Telegram method names are case-insensitive)
	Params map[string]string // form fields; nested objects are JSON text
	Files  map[string][]byte // uploaded files by form field name
	At     time.Time         // when the request arrived
	// Reply is the complete JSON body sent back ({"ok":...}), or nil if
	// the client went away before the answer (a cancelled long poll).
	Reply json.RawMessage
}

// OK reports whether the call was answered with "ok":true.
func (c Call) OK() bool {
	var env struct {
		OK bool `json:"ok"`
	}
	return json.Unmarshal(c.Reply, &env) == nil && env.OK
}

// Result decodes the reply's result into v, or returns the error the
// server answered with.
func (c Call) Result(v any) error {
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
	}
	if err := json.Unmarshal(c.Reply, &env); err != nil {
		return fmt.Errorf("tgfake: %s: no reply: %w", c.Method, err)
	}
	if !env.OK {
		return fmt.Errorf("tgfake: %s: %d %s", c.Method, env.ErrorCode, env.Description)
	}
	return json.Unmarshal(env.Result, v)
}

func (c Call) clone() Call {
	p := make(map[string]string, len(c.Params))
	for k, v := range c.Params {
		p[k] = v
	}
	c.Params = p
	if c.Files != nil {
		f := make(map[string][]byte, len(c.Files))
		for k, v := range c.Files {
			f[k] = append([]byte(nil), v...)
		}
		c.Files = f
	}
	c.Reply = append(json.RawMessage(nil), c.Reply...)
	return c
}

// Calls returns a copy of every call, getUpdates included, in the order the
// server answered them (a long poll counts when it ends). Calls answered
// with an error, injected or not, are included.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = c.clone()
	}
	return out
}

// CallsTo returns the calls to method (case-insensitive), as Calls does.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsToLocked(method)
}

func (s *Server) callsToLocked(method string) []Call {
	var out []Call
	for _, c := range s.calls {
		if strings.EqualFold(c.Method, method) {
			out = append(out, c.clone())
		}
	}
	return out
}

// WaitFor returns the first call, in Calls order and including calls made
// before it was called, for which pred returns true, waiting up to timeout
// for one to arrive. On timeout it fails the test with t.Fatalf, listing
// the recent calls, so it must be called from the test goroutine. pred may
// call the Server's methods.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, pred func(Call) bool) Call {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	next := 0
	for {
		s.mu.Lock()
		fresh := make([]Call, 0, len(s.calls)-next)
		for _, c := range s.calls[next:] {
			fresh = append(fresh, c.clone())
		}
		next = len(s.calls)
		changed := s.changed
		s.mu.Unlock()
		for _, c := range fresh {
			if pred(c) {
				return c
			}
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("tgfake: no matching call within %v; recent calls:\n%s", timeout, s.dump(20))
			return Call{}
		}
	}
}

// Count returns how many calls to method (case-insensitive, failed ones
// included) the server has answered so far.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[strings.ToLower(method)]
}

// WaitCount waits up to timeout until there are at least n calls to method
// (case-insensitive, failed ones included) and returns all calls to it. On
// timeout it fails the test with t.Fatalf, like WaitFor. While it waits it
// only counts, so waiting for many calls costs no more than the calls.
func (s *Server) WaitCount(t testing.TB, timeout time.Duration, method string, n int) []Call {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	key := strings.ToLower(method)
	for {
		s.mu.Lock()
		have := s.counts[key]
		if have >= n {
			calls := s.callsToLocked(method)
			s.mu.Unlock()
			return calls
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("tgfake: %d of %d calls to %s within %v; recent calls:\n%s", have, n, method, timeout, s.dump(20))
			return nil
		}
	}
}

// dump lists the last n calls other than getUpdates calls that returned no
// updates, one a line.
func (s *Server) dump(n int) string {
	s.mu.Lock()
	var picked []Call
	for i := len(s.calls) - 1; i >= 0 && len(picked) < n; i-- {
		c := s.calls[i]
		if strings.EqualFold(c.Method, "getUpdates") && bytes.Contains(c.Reply, []byte(`"result":[]`)) {
			continue
		}
		picked = append(picked, c)
	}
	total := len(s.calls)
	s.mu.Unlock()
	if len(picked) == 0 {
		return fmt.Sprintf("  (none of %d calls)", total)
	}
	var b strings.Builder
	for i := len(picked) - 1; i >= 0; i-- {
		c := picked[i]
		fmt.Fprintf(&b, "  +%.3fs %s", c.At.Sub(s.start).Seconds(), c.Method)
		keys := make([]string, 0, len(c.Params))
		for k := range c.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%s", k, shorten(c.Params[k], 60))
		}
		for k, v := range c.Files {
			fmt.Fprintf(&b, " %s=<%d bytes>", k, len(v))
		}
		fmt.Fprintf(&b, " -> %s\n", shorten(string(c.Reply), 120))
	}
	return b.String()
}

func shorten(v string, n int) string {
	q := strconv.Quote(v)
	if len(q) > n {
		q = q[:n] + "…"
	}
	return q
}

// ---------------------------------------------------------------------------
// Transcript

// Sent is a message the bot sent (sendMessage, or sendDocument with its
// caption as Text), as it currently looks after edits.
type Sent struct {
	ChatID    int64
	MessageID int
	Text      string     // as the user sees it: HTML tags removed when parse_mode was HTML
	Buttons   [][]Button // the inline keyboard, nil if none
	Edited    bool
}

// Button is one inline keyboard button.
type Button struct {
	Text string
	Data string // callback_data; empty for other kinds of buttons
	URL  string // url, for link buttons
}

// Messages returns the bot's messages in chat chatID in the order they were
// sent, with edits applied and deleted messages left out.
func (s *Server) Messages(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Sent
	for _, id := range c.botOrder {
		sm := c.msgs[id]
		if sm.deleted {
			continue
		}
		text := sm.msg.Text
		if !sm.hasText {
			text = sm.msg.Caption
		}
		out = append(out, Sent{
			ChatID:    chatID,
			MessageID: id,
			Text:      text,
			Buttons:   buttons(sm.msg.ReplyMarkup),
			Edited:    sm.edited,
		})
	}
	return out
}

// LastMessage returns the bot's most recent message in chat chatID that has
// not been deleted, as Messages does.
func (s *Server) LastMessage(chatID int64) (Sent, bool) {
	msgs := s.Messages(chatID)
	if len(msgs) == 0 {
		return Sent{}, false
	}
	return msgs[len(msgs)-1], true
}

func buttons(kb *models.InlineKeyboardMarkup) [][]Button {
	if kb == nil {
		return nil
	}
	out := make([][]Button, 0, len(kb.InlineKeyboard))
	for _, row := range kb.InlineKeyboard {
		r := make([]Button, 0, len(row))
		for _, b := range row {
			r = append(r, Button{Text: b.Text, Data: b.CallbackData, URL: b.URL})
		}
		out = append(out, r)
	}
	return out
}

// ---------------------------------------------------------------------------
// Failure injection

// Failure is an error answer to inject with FailNext.
type Failure struct {
	Code        int    // error_code and HTTP status; 0 means 500
	Description string // empty means a typical description for Code
	RetryAfter  int    // parameters.retry_after in seconds, sent if > 0
}

// FailNext makes the next len(f) calls to method (case-insensitive) fail
// with f[0], f[1], ... in order, before any other processing. Calls queue
// up across FailNext calls. The go-telegram client turns 429 into
// *bot.TooManyRequestsError and 403 into bot.ErrorForbidden.
func (s *Server) FailNext(method string, f ...Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	s.failures[key] = append(s.failures[key], f...)
}

func (s *Server) popFailure(method string) *apiError {
	key := strings.ToLower(method)
	q := s.failures[key]
	if len(q) == 0 {
		return nil
	}
	f := q[0]
	s.failures[key] = q[1:]
	e := &apiError{code: f.Code, desc: f.Description, retryAfter: f.RetryAfter}
	if e.code == 0 {
		e.code = http.StatusInternalServerError
	}
	if e.desc == "" {
		switch e.code {
		case http.StatusTooManyRequests:
			e.desc = fmt.Sprintf("Too Many Requests: retry after %d", f.RetryAfter)
		case http.StatusForbidden:
			e.desc = "Forbidden: bot was blocked by the user"
		case http.StatusBadRequest:
			e.desc = "Bad Request"
		case http.StatusUnauthorized:
			e.desc = "Unauthorized"
		case http.StatusNotFound:
			e.desc = "Not Found"
		case http.StatusConflict:
			e.desc = "Conflict"
		default:
			e.desc = http.StatusText(e.code)
			if e.desc == "" {
				e.desc = "Internal Server Error"
			}
		}
	}
	return e
}

// ---------------------------------------------------------------------------
// HTTP

type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(desc string) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + desc}
}

func encodeOK(result any) []byte {
	body, err := json.Marshal(struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
	}{true, result})
	if err != nil {
		panic(fmt.Sprintf("tgfake: encoding result: %v", err))
	}
	return body
}

func encodeError(e *apiError) []byte {
	type params struct {
		RetryAfter int `json:"retry_after,omitempty"`
	}
	v := struct {
		OK          bool    `json:"ok"`
		ErrorCode   int     `json:"error_code"`
		Description string  `json:"description"`
		Parameters  *params `json:"parameters,omitempty"`
	}{ErrorCode: e.code, Description: e.desc}
	if e.retryAfter > 0 {
		v.Parameters = &params{RetryAfter: e.retryAfter}
	}
	body, _ := json.Marshal(v)
	return body
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// record appends a call and wakes waiters. Call with s.mu held.
func (s *Server) record(c Call) {
	s.calls = append(s.calls, c)
	if s.counts == nil {
		s.counts = make(map[string]int)
	}
	s.counts[strings.ToLower(c.Method)]++
	s.notify()
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		writeBody(w, http.StatusNotFound, encodeError(&apiError{code: http.StatusNotFound, desc: "Not Found"}))
		return
	}
	token, method, _ := strings.Cut(rest, "/")
	method = strings.TrimPrefix(method, "test/")
	params, files, fileNames, perr := parseRequest(r)
	call := Call{Method: method, Params: params, Files: files, At: at}

	var status int
	var body []byte
	switch {
	case token != s.token:
		status, body = http.StatusUnauthorized, encodeError(&apiError{code: http.StatusUnauthorized, desc: "Unauthorized"})
	case method == "":
		status, body = http.StatusNotFound, encodeError(&apiError{code: http.StatusNotFound, desc: "Not Found"})
	case perr != nil:
		status, body = http.StatusBadRequest, encodeError(badRequest("can't parse request: "+perr.Error()))
	case strings.EqualFold(method, "getUpdates"):
		s.getUpdates(w, r, call)
		return
	}

	s.mu.Lock()
	if body == nil {
		if e := s.popFailure(method); e != nil {
			status, body = e.code, encodeError(e)
		} else if result, e := s.dispatch(strings.ToLower(method), params, files, fileNames); e != nil {
			status, body = e.code, encodeError(e)
		} else {
			status, body = http.StatusOK, encodeOK(result)
		}
	}
	call.Reply = body
	s.record(call)
	s.mu.Unlock()
	writeBody(w, status, body)
}

// parseRequest reads the parameters of an API request: URL query, then a
// multipart, JSON or URL-encoded body (an empty body means no parameters).
// JSON values that are not strings are kept as JSON text, as in forms.
func parseRequest(r *http.Request) (params map[string]string, files map[string][]byte, fileNames map[string]string, err error) {
	params = map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return params, nil, nil, err
	}
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), ctParams["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return params, files, fileNames, err
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return params, files, fileNames, err
			}
			if part.FileName() != "" {
				if files == nil {
					files, fileNames = map[string][]byte{}, map[string]string{}
				}
				files[part.FormName()] = data
				fileNames[part.FormName()] = part.FileName()
			} else {
				params[part.FormName()] = string(data)
			}
		}
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return params, nil, nil, err
		}
		for k, v := range m {
			var str string
			switch {
			case string(v) == "null":
			case json.Unmarshal(v, &str) == nil:
				params[k] = str
			default:
				params[k] = string(v)
			}
		}
	case "", "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return params, nil, nil, err
		}
		for k, v := range vals {
			params[k] = v[0]
		}
	default:
		return params, nil, nil, fmt.Errorf("unsupported content type %q", ct)
	}
	return params, files, fileNames, nil
}

// getUpdates answers a (long) poll: it confirms updates below offset, then
// answers with what is queued, waiting up to timeout seconds for something
// to arrive. A newer getUpdates ends a pending one with 409, like Telegram.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, call Call) {
	p := call.Params
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	limit, _ := strconv.Atoi(p["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])

	finish := func(status int, body []byte) {
		call.Reply = body
		s.record(call)
		s.mu.Unlock()
		writeBody(w, status, body)
	}

	s.mu.Lock()
	if e := s.popFailure(call.Method); e != nil {
		finish(e.code, encodeError(e))
		return
	}
	if s.webhook.URL != "" {
		finish(http.StatusConflict, encodeError(&apiError{code: http.StatusConflict,
			desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}))
		return
	}
	s.pollGen++
	gen := s.pollGen
	s.confirm(offset)
	s.notify() // ends an older pending poll
	s.mu.Unlock()

	timer := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer timer.Stop()
	expired := timeout <= 0
	for {
		s.mu.Lock()
		if s.pollGen != gen {
			finish(http.StatusConflict, encodeError(&apiError{code: http.StatusConflict,
				desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}))
			return
		}
		batch := s.takeBatch(limit)
		if len(batch) > 0 || expired || s.isClosed {
			finish(http.StatusOK, encodeOK(batch))
			return
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			expired = true
		case <-r.Context().Done():
			s.mu.Lock()
			s.record(call) // no reply: the client is gone
			s.mu.Unlock()
			return
		}
	}
}

// confirm forgets updates the bot has confirmed. Call with s.mu held.
func (s *Server) confirm(offset int64) {
	switch {
	case offset > 0:
		kept := s.queue[:0]
		for _, q := range s.queue {
			if q.forced || q.id >= offset {
				kept = append(kept, q)
			}
		}
		s.queue = kept
	case offset < 0:
		if n := int(-offset); n < len(s.queue) {
			s.queue = append([]queuedUpdate(nil), s.queue[len(s.queue)-n:]...)
		}
	}
}

// takeBatch returns up to limit queued updates in order. Updates stay
// queued until confirmed; a redelivered one is sent alone and dropped, so
// the client moving its offset back to it does not repeat other updates.
// Call with s.mu held.
func (s *Server) takeBatch(limit int) []json.RawMessage {
	batch := []json.RawMessage{}
	for i, q := range s.queue {
		if q.forced {
			if len(batch) == 0 {
				batch = append(batch, q.raw)
				s.queue = append(s.queue[:i:i], s.queue[i+1:]...)
			}
			break
		}
		batch = append(batch, q.raw)
		if len(batch) == limit {
			break
		}
	}
	return batch
}

func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, filePath, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeBody(w, http.StatusUnauthorized, encodeError(&apiError{code: http.StatusUnauthorized, desc: "Unauthorized"}))
		return
	}
	s.mu.Lock()
	f := s.filesByPath[filePath]
	s.mu.Unlock()
	if f == nil {
		writeBody(w, http.StatusNotFound, encodeError(&apiError{code: http.StatusNotFound, desc: "Not Found"}))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	_, _ = w.Write(f.data)
}

// ---------------------------------------------------------------------------
// Models

func now() int { return int(time.Now().Unix()) }

func (s *Server) botUser() *models.User {
	return &models.User{ID: s.botID, IsBot: true, FirstName: "Duijie Test", Username: botUsername}
}

func userModel(id int64) models.User {
	return models.User{ID: id, FirstName: "Test", LastName: "User", Username: fmt.Sprintf("user%d", id)}
}

func chatModel(id int64) models.Chat {
	switch {
	case id > 0:
		return models.Chat{ID: id, Type: models.ChatTypePrivate, FirstName: "Test", LastName: "User", Username: fmt.Sprintf("user%d", id)}
	case id < -1_000_000_000_000:
		return models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: "Test Supergroup"}
	default:
		return models.Chat{ID: id, Type: models.ChatTypeGroup, Title: "Test Group"}
	}
}

func (s *Server) chat(id int64) *chatState {
	c := s.chats[id]
	if c == nil {
		c = &chatState{msgs: map[int]*storedMsg{}}
		s.chats[id] = c
	}
	return c
}

// newFile stores a file and gives it an id and a download path.
func (s *Server) newFile(kind, name string, data []byte) *fileEntry {
	s.nextFileID++
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.ContainsAny(name[i:], "/\\") {
		ext = name[i:]
	}
	f := &fileEntry{data: data, file: models.File{
		FileID:       fmt.Sprintf("fake-%s-%d", kind, s.nextFileID),
		FileUniqueID: fmt.Sprintf("u%d", s.nextFileID),
		FileSize:     int64(len(data)),
		FilePath:     fmt.Sprintf("%ss/file_%d%s", kind, s.nextFileID, ext),
	}}
	s.files[f.file.FileID] = f
	s.filesByPath[f.file.FilePath] = f
	return f
}

func documentModel(f *fileEntry, name string) *models.Document {
	mt := "application/octet-stream"
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if t := mime.TypeByExtension(name[i:]); t != "" {
			mt, _, _ = strings.Cut(t, ";")
		}
	}
	return &models.Document{
		FileID: f.file.FileID, FileUniqueID: f.file.FileUniqueID,
		FileName: name, MimeType: mt, FileSize: f.file.FileSize,
	}
}
