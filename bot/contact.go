package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/duijie/duijie/bot/dialog"
	"github.com/duijie/duijie/store"
)

// Contact cards. A connected user learns the other's contact: a Telegram
// username reaches them, but a WeChat user has no link anyone can open,
// nor has a Telegram user without a username. Such a user, the first
// time they request or accept an introduction, is asked for the contact
// they want to share — a phone number, a WeChat ID or an e-mail address
// — and the request or the acceptance goes ahead once it is given. Cards
// are exchanged only when both sides accepted (connect); the card is
// kept per user and can be changed in /settings.

// Contacts keeps users' contact cards and the action waiting for one.
type Contacts interface {
	ContactCard(ctx context.Context, user int64) (string, error)
	SetContactCard(ctx context.Context, user int64, card string) error
	// ContactAsked returns the button data of the action waiting for the
	// user's contact; asked is false when the bot is not waiting for one.
	ContactAsked(ctx context.Context, user int64) (action string, asked bool, err error)
	// AskContact records that the bot waits for the user's contact, then
	// to perform action ("" for none); done forgets it.
	AskContact(ctx context.Context, user int64, action string, done bool) error
}

var _ Contacts = (*store.Store)(nil)

// aContact asks for a new contact card (/settings).
const aContact = "sc"

// maxCardRunes bounds a contact card.
const maxCardRunes = 80

// contactPattern finds a phone number, an e-mail address or a WeChat ID
// (6–20 characters, a letter first) in what a user sent as their contact.
var contactPattern = regexp.MustCompile(`\+?\d[\d \-]{5,18}\d|[\w.+\-]+@[\w\-]+(\.[\w\-]+)+|\b[A-Za-z][\w\-]{5,19}\b`)

// validCard reports whether text can be a contact card.
func validCard(text string) bool {
	return utf8.RuneCountInString(text) <= maxCardRunes && contactPattern.MatchString(text)
}

// contactFirst asks the pressing user for their contact before b, a
// request or an acceptance of an introduction, when they have none the
// other side could use; it also handles the /settings button that
// changes the card. handled means b was handled here.
func (e *Engine) contactFirst(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (handled bool, err error) {
	if e.contacts == nil {
		return false, nil
	}
	switch b.Action {
	case aContact:
		return true, e.askContact(ctx, s, in, "", out)
	case aRequestIntro, aAccept:
	default:
		return false, nil
	}
	usable, err := e.reachable(ctx, in.UserID)
	if err != nil || usable {
		return false, err
	}
	return true, e.askContact(ctx, s, in, b.Encode(), out)
}

// reachable reports whether the other side of an introduction can reach
// the user: by a contact card, or by a Telegram username.
func (e *Engine) reachable(ctx context.Context, user int64) (bool, error) {
	card, err := e.contacts.ContactCard(ctx, user)
	if err != nil || card != "" {
		return card != "", err
	}
	if store.IsWeChatUser(user) {
		return false, nil
	}
	u, err := e.data.GetUser(ctx, user)
	if err != nil && err != store.ErrNotFound {
		return false, err
	}
	return u.Username != "", nil
}

func (e *Engine) askContact(ctx context.Context, s *dialog.Session, in Incoming, action string, out Sender) error {
	if err := e.contacts.AskContact(ctx, in.UserID, action, false); err != nil {
		return err
	}
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(s.Lang, "contact_ask")})
}

// contactReply takes a text as the contact the bot asked for, then
// performs the action that waited for it. handled is false when the bot
// was not waiting for a contact.
func (e *Engine) contactReply(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (handled bool, err error) {
	if e.contacts == nil {
		return false, nil
	}
	action, asked, err := e.contacts.ContactAsked(ctx, in.UserID)
	if err != nil || !asked {
		return false, err
	}
	card := strings.Join(strings.Fields(in.Input.Text), " ")
	if !validCard(card) {
		return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(s.Lang, "contact_invalid")})
	}
	if err := e.contacts.SetContactCard(ctx, in.UserID, card); err != nil {
		return true, err
	}
	if err := e.contacts.AskContact(ctx, in.UserID, "", true); err != nil {
		return true, err
	}
	if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(s.Lang, "contact_saved", card)}); err != nil {
		return true, err
	}
	if b, ok := dialog.ParseButton(action); ok && b.IsAction() {
		next := in
		next.Input = dialog.Input{Kind: dialog.InButton, Button: b}
		_, err := e.action(ctx, s, next, b, out)
		return true, err
	}
	return true, nil
}

// contactSetting is the /settings line of the user's contact card; ""
// when the engine keeps none.
func (e *Engine) contactSetting(ctx context.Context, s *dialog.Session, user int64) (string, []dialog.Choice) {
	if e.contacts == nil {
		return "", nil
	}
	line := dialog.Tr(s.Lang, "contact_none")
	if card, err := e.contacts.ContactCard(ctx, user); err == nil && card != "" {
		line = dialog.Tr(s.Lang, "contact_setting", card)
	}
	return line, []dialog.Choice{{Label: dialog.Tr(s.Lang, "contact_edit_btn"), Button: dialog.Action(aContact, "")}}
}

// sharedContact is the contact line of a connected user's card: their
// contact card, else their Telegram username or link.
func (e *Engine) sharedContact(ctx context.Context, user int64, u store.User) string {
	if e.contacts != nil {
		if card, err := e.contacts.ContactCard(ctx, user); err == nil && card != "" {
			return card
		}
	}
	if u.Username != "" {
		return "@" + u.Username
	}
	if store.IsWeChatUser(user) {
		return "—"
	}
	return "tg://user?id=" + strconv.FormatInt(user, 10)
}
