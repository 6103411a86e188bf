package wechat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/util"
)

// WeChat's customer-service rules the sender designs around.
const (
	// TextLimit is the most bytes of a customer-service text.
	TextLimit = 2048
	// MenuLimit is the most items of a choice menu (msgmenu).
	MenuLimit = 10
	// Window is how long after a user's message the account may send
	// them customer-service messages (five at most per user message).
	Window = 48 * time.Hour
	// windowMargin keeps clock skew from sending just past the window.
	windowMargin = 5 * time.Minute
	// templateThingLimit is the most characters of a template's "thing" field.
	templateThingLimit = 20
)

// Out is one message of the bot to a user.
type Out struct {
	Text string
	// Options are the choices offered: a choice menu when they fit
	// (MenuLimit) and the account may send one, else numbered lines the
	// user answers by typing the number. Choose reads the answer.
	Options []string
	// FirstID is the menu item id of the first option, the next ones
	// counting up (default 1): ids distinct across a user's menus tell
	// which menu an item was chosen from, as the user may choose from an
	// older one.
	FirstID int64
	// Template is the data of the template message sent outside the
	// window (field name → value); nil sends {"thing1": the text's start}.
	Template map[string]string
}

// Outcome is how a message reached the user.
type Outcome int

// Outcomes of Send.
const (
	// Sent: delivered by customer-service messages.
	Sent Outcome = iota + 1
	// Templated: outside the window, the user got the template message;
	// the message itself is in Result.Rest for the user's next message.
	Templated
	// Wait: outside the window and no template configured, or the
	// window's quota ran out: Result.Rest waits for the next message.
	Wait
)

func (o Outcome) String() string {
	switch o {
	case Sent:
		return "sent"
	case Templated:
		return "templated"
	case Wait:
		return "wait"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// Result says what Send did.
type Result struct {
	Outcome Outcome
	Parts   int  // customer-service messages delivered
	Rest    *Out // what the user has not got yet; nil when Sent
}

// Sender sends the bot's messages within WeChat's rules.
type Sender struct {
	c *Client
}

// NewSender returns a sender over c.
func NewSender(c *Client) *Sender { return &Sender{c: c} }

// Send delivers out to openid, whose last message WeChat received at
// lastSeen. Inside the window it sends customer-service messages, the
// text split at TextLimit; outside it (or when WeChat refuses with 45015
// or 45047) it sends the configured template message, else reports Wait.
// Errors are other API or network failures; parts already sent are
// counted in the Result.
func (s *Sender) Send(ctx context.Context, openid string, lastSeen time.Time, out Out) (Result, error) {
	if s.c.cfg.Now().Sub(lastSeen) < Window-windowMargin {
		res, err := s.sendParts(ctx, openid, out, render(out, true), 0)
		if !errors.Is(err, errClosed) {
			return res, err
		}
	}
	if s.c.cfg.TemplateMatch == "" {
		return Result{Outcome: Wait, Rest: &out}, nil
	}
	if err := s.template(ctx, openid, out); err != nil {
		return Result{}, err
	}
	return Result{Outcome: Templated, Rest: &out}, nil
}

// errClosed: WeChat refused the first part; nothing was sent.
var errClosed = errors.New("window closed")

// sendParts sends the rendered parts of out in order, after sent parts
// went out already. An account that may not send menus gets the options
// numbered instead.
func (s *Sender) sendParts(ctx context.Context, openid string, out Out, parts []customMessage, sent int) (Result, error) {
	for i, p := range parts {
		err := s.custom(ctx, openid, p)
		var we *Error
		switch {
		case err == nil:
		case errors.Is(err, ErrOutOfWindow) && sent+i == 0:
			return Result{}, errClosed
		case errors.Is(err, ErrOutOfWindow):
			r := rest(out, parts[i:])
			return Result{Outcome: Wait, Parts: sent + i, Rest: &r}, nil
		case p.Menu != nil && errors.As(err, &we) && we.Code == codeUnauthorized:
			numbered := render(Out{Text: p.Menu.Head, Options: out.Options}, false)
			return s.sendParts(ctx, openid, out, numbered, sent+i)
		default:
			return Result{Parts: sent + i}, err
		}
	}
	return Result{Outcome: Sent, Parts: sent + len(parts)}, nil
}

// rest is what unsent, a tail of the rendered parts, still holds: its
// text, and the options when they were to go as a menu (numbered options
// are part of the text already).
func rest(out Out, unsent []customMessage) Out {
	var texts []string
	r := Out{Template: out.Template, FirstID: out.FirstID}
	for _, p := range unsent {
		switch {
		case p.Text != nil:
			texts = append(texts, p.Text.Content)
		case p.Menu != nil:
			texts = append(texts, p.Menu.Head)
			r.Options = out.Options
		}
	}
	r.Text = strings.Join(texts, "\n")
	return r
}

// custom sends one customer-service message.
func (s *Sender) custom(ctx context.Context, openid string, m customMessage) error {
	m.ToUser = openid
	var res okAnswer
	if err := s.c.call(ctx, "custom send", "/cgi-bin/message/custom/send", nil, &m, &res); err != nil {
		return fmt.Errorf("send to %s: %w", openid, err)
	}
	return nil
}

// template sends the configured template message.
func (s *Sender) template(ctx context.Context, openid string, out Out) error {
	data := out.Template
	if data == nil {
		data = map[string]string{"thing1": cut(out.Text, templateThingLimit)}
	}
	msg := templateMessage{ToUser: openid, TemplateID: s.c.cfg.TemplateMatch, Data: map[string]templateValue{}}
	for k, v := range data {
		msg.Data[k] = templateValue{v}
	}
	var res struct {
		util.CommonError
		MsgID int64 `json:"msgid"`
	}
	if err := s.c.call(ctx, "template send", "/cgi-bin/message/template/send", nil, &msg, &res); err != nil {
		return fmt.Errorf("template to %s: %w", openid, err)
	}
	return nil
}

// render turns out into customer-service messages: the text in parts of
// at most TextLimit bytes, the options as a choice menu on the last part
// when menu is set and they fit, else as numbered lines.
func render(out Out, menu bool) []customMessage {
	n := len(out.Options)
	if n == 0 || !menu || n > MenuLimit {
		text := out.Text
		if n > 0 {
			text = strings.TrimSpace(strings.TrimRight(text, "\n") + "\n\n" + Numbered(out.Options))
		}
		var msgs []customMessage
		for _, p := range Split(text, TextLimit) {
			msgs = append(msgs, textMessage(p))
		}
		return msgs
	}
	parts := Split(out.Text, TextLimit)
	if len(parts) == 0 {
		parts = []string{""}
	}
	var msgs []customMessage
	for _, p := range parts[:len(parts)-1] {
		msgs = append(msgs, textMessage(p))
	}
	first := max(out.FirstID, 1)
	items := make([]menuItem, n)
	for i, o := range out.Options {
		items[i] = menuItem{ID: strconv.FormatInt(first+int64(i), 10), Content: o}
	}
	return append(msgs, customMessage{MsgType: "msgmenu", Menu: &menuBody{Head: parts[len(parts)-1], Items: items}})
}

func textMessage(s string) customMessage {
	return customMessage{MsgType: "text", Text: &textBody{Content: s}}
}

// Numbered lists options as "1. …" lines.
func Numbered(options []string) string {
	var b strings.Builder
	for i, o := range options {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d. %s", i+1, o)
	}
	return b.String()
}

// Choose returns the index of the option m chose among n: an item of a
// menu sent with FirstID 1, or a typed number ("2", "２", " 2. ").
func Choose(m Message, n int) (int, bool) {
	s := m.Choice
	if s == "" {
		s = strings.TrimRight(strings.TrimSpace(m.Text), ".。、")
		s = strings.Map(func(r rune) rune {
			if r >= '０' && r <= '９' {
				return '0' + (r - '０')
			}
			return r
		}, s)
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 1 || i > n {
		return 0, false
	}
	return i - 1, true
}

// Split cuts text into parts of at most limit bytes, at a line break
// when one is in the second half of a part, else after a sentence end or
// a space, else between characters. Empty text gives no parts.
func Split(text string, limit int) []string {
	var parts []string
	for len(text) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		head := text[:cut]
		if i := strings.LastIndexByte(head, '\n'); i >= limit/2 {
			cut = i + 1
		} else if i := lastSentenceEnd(head); i >= limit/2 {
			cut = i
		}
		parts = append(parts, strings.TrimRight(text[:cut], "\n"))
		text = strings.TrimLeft(text[cut:], "\n ")
	}
	if strings.TrimSpace(text) != "" {
		parts = append(parts, text)
	}
	return parts
}

// lastSentenceEnd is the byte offset just after the last sentence end or
// space in s, or -1.
func lastSentenceEnd(s string) int {
	best := -1
	for _, sep := range []string{"。", "！", "？", "；", ". ", "! ", "? ", " "} {
		if i := strings.LastIndex(s, sep); i >= 0 && i+len(sep) > best {
			best = i + len(sep)
		}
	}
	return best
}

// cut shortens s to n characters, marking the cut with "…".
func cut(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
