package tgfake

import (
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// dispatch answers one API method (lower-case name). Call with s.mu held.
func (s *Server) dispatch(method string, p map[string]string, files map[string][]byte, fileNames map[string]string) (any, *apiError) {
	switch method {
	case "getme":
		return s.botUser(), nil
	case "logout", "close":
		return true, nil
	case "setwebhook":
		return s.setWebhook(p, files)
	case "deletewebhook":
		s.webhook = models.WebhookInfo{}
		if p["drop_pending_updates"] == "true" {
			s.queue = nil
		}
		return true, nil
	case "getwebhookinfo":
		info := s.webhook
		info.PendingUpdateCount = len(s.queue)
		return info, nil
	case "sendmessage":
		return s.sendMessage(p)
	case "editmessagetext", "editmessagecaption", "editmessagereplymarkup":
		return s.editMessage(method, p)
	case "deletemessage":
		return s.deleteMessage(p)
	case "answercallbackquery":
		id := p["callback_query_id"]
		answered, known := s.callbacks[id]
		if !known || answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		s.callbacks[id] = true
		return true, nil
	case "sendchataction":
		if _, e := chatParam(p); e != nil {
			return nil, e
		}
		switch p["action"] {
		case "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
			"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note":
			return true, nil
		}
		return nil, badRequest("wrong parameter action in request")
	case "setmycommands":
		return s.setMyCommands(p)
	case "setmydescription":
		return s.setDescription("description", p["description"], p["language_code"], 512)
	case "setmyshortdescription":
		return s.setDescription("short", p["short_description"], p["language_code"], 120)
	case "getmydescription":
		return map[string]string{"description": s.descriptions["description/"+p["language_code"]]}, nil
	case "getmyshortdescription":
		return map[string]string{"short_description": s.descriptions["short/"+p["language_code"]]}, nil
	case "getmycommands":
		cmds := s.commands[commandsKey(p)]
		if cmds == nil {
			cmds = []models.BotCommand{}
		}
		return cmds, nil
	case "deletemycommands":
		delete(s.commands, commandsKey(p))
		return true, nil
	case "senddocument":
		return s.sendFile("document", p, files, fileNames)
	case "sendphoto":
		return s.sendFile("photo", p, files, fileNames)
	case "getfile":
		f := s.files[p["file_id"]]
		if f == nil {
			return nil, badRequest("invalid file_id")
		}
		if len(f.data) > maxGetFileSize {
			return nil, badRequest("file is too big")
		}
		return f.file, nil
	default: // setChatMenuButton and everything not modelled
		return true, nil
	}
}

// chatParam reads chat_id. The go-telegram client sends a nil ChatID as the
// string "null".
func chatParam(p map[string]string) (int64, *apiError) {
	v := strings.TrimSpace(p["chat_id"])
	if v == "" || v == "null" {
		return 0, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}

func (s *Server) setWebhook(p map[string]string, files map[string][]byte) (any, *apiError) {
	u := p["url"]
	if u != "" && !strings.HasPrefix(u, "https://") {
		return nil, badRequest("bad webhook: HTTPS url must be provided for webhook")
	}
	info := models.WebhookInfo{URL: u, IPAddress: p["ip_address"]}
	if u != "" {
		info.MaxConnections = 40
		if n, err := strconv.Atoi(p["max_connections"]); err == nil && n > 0 {
			info.MaxConnections = n
		}
		if a := p["allowed_updates"]; a != "" {
			if err := json.Unmarshal([]byte(a), &info.AllowedUpdates); err != nil {
				return nil, badRequest("can't parse allowed updates JSON object")
			}
		}
		info.HasCustomCertificate = p["certificate"] != "" || files["certificate"] != nil
	}
	s.webhook = info
	if p["drop_pending_updates"] == "true" {
		s.queue = nil
	}
	return true, nil
}

// markup is a parsed reply_markup parameter.
type markup struct {
	inline *models.InlineKeyboardMarkup // nil unless a non-empty inline keyboard
}

// parseMarkup parses and validates reply_markup like Telegram does for
// inline keyboards. Other keyboards are accepted and not echoed.
func parseMarkup(raw string) (markup, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return markup{}, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &probe); err != nil {
		return markup{}, badRequest("can't parse reply keyboard markup JSON object")
	}
	rawKB, ok := probe["inline_keyboard"]
	if !ok {
		return markup{}, nil
	}
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(rawKB, &rows); err != nil {
		return markup{}, badRequest("can't parse inline keyboard button: field \"inline_keyboard\" must be an Array of Arrays")
	}
	for _, row := range rows {
		for _, b := range row {
			if e := checkButton(b); e != nil {
				return markup{}, e
			}
		}
	}
	var kb models.InlineKeyboardMarkup
	if err := json.Unmarshal(rawKB, &kb.InlineKeyboard); err != nil {
		return markup{}, badRequest("can't parse reply keyboard markup JSON object")
	}
	if len(kb.InlineKeyboard) == 0 {
		return markup{}, nil
	}
	return markup{inline: &kb}, nil
}

func checkButton(b map[string]json.RawMessage) *apiError {
	var text string
	if json.Unmarshal(b["text"], &text) != nil {
		return badRequest("can't parse inline keyboard button: Field \"text\" must be of type String")
	}
	if raw, ok := b["callback_data"]; ok {
		var data string
		if json.Unmarshal(raw, &data) != nil || len(data) < 1 || len(data) > maxCallbackData {
			return badRequest("BUTTON_DATA_INVALID")
		}
		return nil
	}
	str := func(k string) string {
		var v string
		_ = json.Unmarshal(b[k], &v)
		return v
	}
	present := func(k string) bool { _, ok := b[k]; return ok }
	var copyText struct{ Text string }
	_ = json.Unmarshal(b["copy_text"], &copyText)
	if str("url") != "" || present("web_app") || present("login_url") || present("switch_inline_query") ||
		present("switch_inline_query_current_chat") || present("switch_inline_query_chosen_chat") ||
		present("callback_game") || string(b["pay"]) == "true" || copyText.Text != "" {
		return nil
	}
	return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
}

func (s *Server) sendMessage(p map[string]string) (any, *apiError) {
	chatID, e := chatParam(p)
	if e != nil {
		return nil, e
	}
	text, e := checkText(p["text"], p["parse_mode"])
	if e != nil {
		return nil, e
	}
	mk, e := parseMarkup(p["reply_markup"])
	if e != nil {
		return nil, e
	}
	m := models.Message{From: s.botUser(), Date: now(), Chat: chatModel(chatID), Text: text, ReplyMarkup: mk.inline}
	return s.storeBotMessage(chatID, m, true), nil
}

// checkText validates message text and returns it as the user sees it.
func checkText(raw, parseMode string) (string, *apiError) {
	text, e := visibleText(raw, parseMode)
	if e != nil {
		return "", e
	}
	if strings.TrimSpace(text) == "" {
		return "", badRequest("message text is empty")
	}
	if textLen(text) > maxMessageText {
		return "", badRequest("message is too long")
	}
	return text, nil
}

func checkCaption(raw, parseMode string) (string, *apiError) {
	text, e := visibleText(raw, parseMode)
	if e != nil {
		return "", e
	}
	if textLen(text) > maxCaption {
		return "", badRequest("message caption is too long")
	}
	return text, nil
}

// storeBotMessage gives m the chat's next message id and remembers it.
func (s *Server) storeBotMessage(chatID int64, m models.Message, hasText bool) models.Message {
	c := s.chat(chatID)
	c.lastMsgID++
	m.ID = c.lastMsgID
	c.msgs[m.ID] = &storedMsg{msg: m, fromBot: true, hasText: hasText}
	c.botOrder = append(c.botOrder, m.ID)
	return m
}

// findMessage looks up the message an edit or delete refers to.
func (s *Server) findMessage(p map[string]string, notFound string) (*storedMsg, *apiError) {
	chatID, e := chatParam(p)
	if e != nil {
		return nil, e
	}
	id, err := strconv.Atoi(p["message_id"])
	if err != nil || id <= 0 {
		return nil, badRequest(notFound)
	}
	sm := s.chat(chatID).msgs[id]
	if sm == nil || sm.deleted {
		return nil, badRequest(notFound)
	}
	return sm, nil
}

func (s *Server) editMessage(method string, p map[string]string) (any, *apiError) {
	if p["inline_message_id"] != "" {
		return true, nil // inline messages are not modelled
	}
	sm, e := s.findMessage(p, "message to edit not found")
	if e != nil {
		return nil, e
	}
	if !sm.fromBot {
		return nil, badRequest("message can't be edited")
	}
	mk, e := parseMarkup(p["reply_markup"])
	if e != nil {
		return nil, e
	}
	next := sm.msg
	next.ReplyMarkup = mk.inline // no reply_markup removes the keyboard, as in Telegram
	switch method {
	case "editmessagetext":
		if !sm.hasText {
			return nil, badRequest("there is no text in the message to edit")
		}
		if next.Text, e = checkText(p["text"], p["parse_mode"]); e != nil {
			return nil, e
		}
	case "editmessagecaption":
		if sm.hasText {
			return nil, badRequest("there is no caption in the message to edit")
		}
		if next.Caption, e = checkCaption(p["caption"], p["parse_mode"]); e != nil {
			return nil, e
		}
	}
	if next.Text == sm.msg.Text && next.Caption == sm.msg.Caption && sameKeyboard(next.ReplyMarkup, sm.msg.ReplyMarkup) {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	next.EditDate = now()
	sm.msg = next
	sm.edited = true
	return next, nil
}

func sameKeyboard(a, b *models.InlineKeyboardMarkup) bool {
	if a == nil || b == nil {
		return a == b
	}
	return reflect.DeepEqual(a.InlineKeyboard, b.InlineKeyboard)
}

func (s *Server) deleteMessage(p map[string]string) (any, *apiError) {
	sm, e := s.findMessage(p, "message to delete not found")
	if e != nil {
		return nil, e
	}
	sm.deleted = true
	return true, nil
}

// sendFile answers sendDocument (field "document") and sendPhoto (field
// "photo"): the file is uploaded, or named by its id or URL.
func (s *Server) sendFile(field string, p map[string]string, files map[string][]byte, fileNames map[string]string) (any, *apiError) {
	chatID, e := chatParam(p)
	if e != nil {
		return nil, e
	}
	var f *fileEntry
	name := ""
	if data, ok := files[field]; ok {
		if len(data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		name = fileNames[field]
		f = s.newFile(field, name, append([]byte(nil), data...))
	} else {
		ref := p[field]
		switch {
		case ref == "":
			return nil, badRequest("there is no " + field + " in the request")
		case s.files[ref] != nil:
			f = s.files[ref]
			name = path.Base(f.file.FilePath)
		case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://"):
			name = path.Base(ref)
			f = s.newFile(field, name, nil)
		default:
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
	}
	caption, e := checkCaption(p["caption"], p["parse_mode"])
	if e != nil {
		return nil, e
	}
	mk, e := parseMarkup(p["reply_markup"])
	if e != nil {
		return nil, e
	}
	m := models.Message{From: s.botUser(), Date: now(), Chat: chatModel(chatID), Caption: caption, ReplyMarkup: mk.inline}
	if field == "photo" {
		m.Photo = []models.PhotoSize{{FileID: f.file.FileID, FileUniqueID: f.file.FileUniqueID, FileSize: len(f.data)}}
	} else {
		m.Document = documentModel(f, name)
	}
	return s.storeBotMessage(chatID, m, false), nil
}

func (s *Server) setMyCommands(p map[string]string) (any, *apiError) {
	var cmds []models.BotCommand
	if raw := p["commands"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &cmds); err != nil {
			return nil, badRequest("can't parse commands JSON object")
		}
	}
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if strings.TrimSpace(c.Description) == "" {
			return nil, badRequest("command description must be non-empty")
		}
		if textLen(c.Description) > 256 {
			return nil, badRequest("command description is too long")
		}
	}
	if cmds == nil {
		cmds = []models.BotCommand{}
	}
	s.commands[commandsKey(p)] = cmds
	return true, nil
}

// setDescription stores the bot's description or short description in
// a language ("" for every language without its own), within Telegram's
// limit.
func (s *Server) setDescription(kind, text, lang string, max int) (any, *apiError) {
	if !utf8.ValidString(text) {
		return nil, badRequest("text must be encoded in UTF-8")
	}
	if textLen(text) > max {
		return nil, badRequest("BOT_DESCRIPTION_INVALID")
	}
	if lang != "" && len(lang) != 2 {
		return nil, badRequest("LANGUAGE_CODE_INVALID")
	}
	s.descriptions[kind+"/"+lang] = text
	return true, nil
}

// Description returns the description ("description") or short
// description ("short") the bot set for a language code.
func (s *Server) Description(kind, lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.descriptions[kind+"/"+lang]
}

func validCommand(c string) bool {
	if len(c) < 1 || len(c) > 32 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if ch := c[i]; !(ch == '_' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z') {
			return false
		}
	}
	return true
}

// commandsKey identifies a command list by scope and language_code.
func commandsKey(p map[string]string) string {
	scope := "default"
	if raw := p["scope"]; raw != "" {
		var sc struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID json.RawMessage `json:"user_id"`
		}
		if json.Unmarshal([]byte(raw), &sc) == nil && sc.Type != "" {
			scope = fmt.Sprintf("%s/%s/%s", sc.Type, sc.ChatID, sc.UserID)
		}
	}
	return scope + "|" + p["language_code"]
}
