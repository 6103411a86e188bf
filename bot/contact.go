package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/duijie/duijie/bot/dialog"
	"github.com/duijie/duijie/matcher"
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

// ContactBook is what introductions and /settings know of users'
// contacts: NewContactBook keeps cards in a Contacts store; without one
// (TelegramLinks) connected users get each other's Telegram link and
// nobody is asked for a card.
type ContactBook interface {
	// BeforeAction asks the pressing user for their contact before b, a
	// request or an acceptance of an introduction, when they have none
	// the other side could use; it also handles the /settings button
	// that changes the card. handled means b was handled here.
	BeforeAction(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (handled bool, err error)
	// Reply takes a text as the contact the bot asked for; then is the
	// button of the action that waited for it (zero for none). handled
	// is false when the bot was not waiting for a contact.
	Reply(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (handled bool, then dialog.Button, err error)
	// Setting is the /settings line of the user's card and its button
	// row; "" when cards are not kept.
	Setting(ctx context.Context, l matcher.Lang, user int64) (string, []dialog.Choice)
	// Shared is the contact line of a connected user's card: their
	// contact card, else their Telegram username or link.
	Shared(ctx context.Context, user int64, u store.User) string
}

// UserStore finds who a user is.
type UserStore interface {
	GetUser(ctx context.Context, id int64) (store.User, error)
}

// NewContactBook keeps contact cards in st; users tells who has a
// Telegram username.
func NewContactBook(st Contacts, users UserStore) ContactBook {
	return cardBook{st: st, users: users}
}

var (
	_ ContactBook = cardBook{}
	_ ContactBook = TelegramLinks{}
)

// cardBook keeps contact cards in a store.
type cardBook struct {
	st    Contacts
	users UserStore
}

// TelegramLinks is the ContactBook without a card store: it only knows
// Telegram usernames and links.
type TelegramLinks struct{}

// BeforeAction asks for nothing.
func (TelegramLinks) BeforeAction(context.Context, *dialog.Session, Incoming, dialog.Button, Sender) (bool, error) {
	return false, nil
}

// Reply never waits for a contact.
func (TelegramLinks) Reply(context.Context, *dialog.Session, Incoming, Sender) (bool, dialog.Button, error) {
	return false, dialog.Button{}, nil
}

// Setting has no line: there is no card to change.
func (TelegramLinks) Setting(context.Context, matcher.Lang, int64) (string, []dialog.Choice) {
	return "", nil
}

// Shared is the user's Telegram username or link.
func (TelegramLinks) Shared(_ context.Context, user int64, u store.User) string {
	return telegramContact(user, u)
}

// telegramContact is a user's Telegram username or link; "—" for a
// WeChat user, whom no link reaches.
func telegramContact(user int64, u store.User) string {
	if u.Username != "" {
		return "@" + u.Username
	}
	if store.IsWeChatUser(user) {
		return "—"
	}
	return "tg://user?id=" + strconv.FormatInt(user, 10)
}

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

func (c cardBook) BeforeAction(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (handled bool, err error) {
	switch b.Action {
	case aContact:
		return true, c.ask(ctx, s, in, "", out)
	case aRequestIntro, aAccept:
	default:
		return false, nil
	}
	usable, err := c.reachable(ctx, in.UserID)
	if err != nil || usable {
		return false, err
	}
	return true, c.ask(ctx, s, in, b.Encode(), out)
}

// reachable reports whether the other side of an introduction can reach
// the user: by a contact card, or by a Telegram username.
func (c cardBook) reachable(ctx context.Context, user int64) (bool, error) {
	card, err := c.st.ContactCard(ctx, user)
	if err != nil || card != "" {
		return card != "", err
	}
	if store.IsWeChatUser(user) {
		return false, nil
	}
	u, err := c.users.GetUser(ctx, user)
	if err != nil && err != store.ErrNotFound {
		return false, err
	}
	return u.Username != "", nil
}

func (c cardBook) ask(ctx context.Context, s *dialog.Session, in Incoming, action string, out Sender) error {
	if err := c.st.AskContact(ctx, in.UserID, action, false); err != nil {
		return err
	}
	return out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(s.Lang, "contact_ask")})
}

func (c cardBook) Reply(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (handled bool, then dialog.Button, err error) {
	action, asked, err := c.st.ContactAsked(ctx, in.UserID)
	if err != nil || !asked {
		return false, then, err
	}
	card := strings.Join(strings.Fields(in.Input.Text), " ")
	if !validCard(card) {
		return true, then, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(s.Lang, "contact_invalid")})
	}
	if err := c.st.SetContactCard(ctx, in.UserID, card); err != nil {
		return true, then, err
	}
	if err := c.st.AskContact(ctx, in.UserID, "", true); err != nil {
		return true, then, err
	}
	if err := out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(s.Lang, "contact_saved", card)}); err != nil {
		return true, then, err
	}
	if b, ok := dialog.ParseButton(action); ok && b.IsAction() {
		then = b
	}
	return true, then, nil
}

func (c cardBook) Setting(ctx context.Context, l matcher.Lang, user int64) (string, []dialog.Choice) {
	line := dialog.Tr(l, "contact_none")
	if card, err := c.st.ContactCard(ctx, user); err == nil && card != "" {
		line = dialog.Tr(l, "contact_setting", card)
	}
	return line, []dialog.Choice{{Label: dialog.Tr(l, "contact_edit_btn"), Button: dialog.Action(aContact, "")}}
}

func (c cardBook) Shared(ctx context.Context, user int64, u store.User) string {
	if card, err := c.st.ContactCard(ctx, user); err == nil && card != "" {
		return card
	}
	return telegramContact(user, u)
}
