package bot

import (
	"context"
	"errors"
	"log/slog"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Actions act on stored data — matches, introductions, a user's profiles
// and settings — rather than on an interview; the engine routes each to
// its use case. Their buttons carry
// "a/<action>/<value>" and keep working as long as that data exists; each
// action checks that the user pressing owns what it acts on, so a
// forwarded button reveals and changes nothing.

// DataStore is what the use cases need of the store: the small
// interfaces declared beside each of them. store.Store satisfies it.
type DataStore interface {
	ViewStore
	PageStore
	IntroStore
	ProfileData
}

var _ DataStore = (*store.Store)(nil)

// Messenger delivers a message to a user other than the one whose action
// caused it (an introduction request, contacts, a new match): through the
// paced, durable outbox when one is wired, once per key.
type Messenger interface {
	Notify(ctx context.Context, chatID int64, key string, r dialog.Reply) error
}

// DirectMessenger sends straight through a Sender: for the console and
// tests, where there is no outbox.
type DirectMessenger struct{ Sender Sender }

// Notify sends r to chatID now.
func (n DirectMessenger) Notify(ctx context.Context, chatID int64, _ string, r dialog.Reply) error {
	return n.Sender.Send(ctx, chatID, r)
}

// Action names, as carried by buttons.
const (
	aRequestIntro = "ri" // value: match token
	aNotRelevant  = "nr" // value: match token; shows the reasons
	aReason       = "nx" // value: match token "." reason
	aAccept       = "ia" // value: intro id
	aDecline      = "id" // value: intro id
	aMatches      = "mm" // value: profile id
	aMore         = "mn" // value: profile id "." offset: the next page, weak ones included
	aBrowse       = "mw" // value: profile id: the weak matches of a profile with no good one
	aDetails      = "mi" // value: match token "." offset of its page
	aEdit         = "me"
	aPause        = "mp"
	aResume       = "mr"
	aDelete       = "md" // asks to confirm
	aDeleteYes    = "mx"
	aKeep         = "mk" // renews an expiring profile
	aNotify       = "sn" // value: notification mode
	aLang         = "sl" // value: zh or en
	aDeleteMe     = "dx" // confirms /delete
	aAdmin        = "ad" // value: an organizer's action, see admin.go
)

// errNotYours is returned when a user acts on what they do not own.
var errNotYours = errors.New("not yours")

// refused turns a failed ownership check, or a value the bot never
// offered, into the toast for the press; other errors go up.
func refused(log *slog.Logger, l matcher.Lang, err error) (string, error) {
	log.Debug("button refused", "err", err)
	switch {
	case errors.Is(err, matcher.ErrInvalid): // data the bot did not write
		return dialog.Tr(l, "stale_toast"), nil
	case errors.Is(err, errNotYours):
		return dialog.Tr(l, "not_yours"), nil
	case errors.Is(err, store.ErrNotFound):
		return dialog.Tr(l, "gone_toast"), nil
	}
	return "", err
}

// ownedStore finds the profiles a button names.
type ownedStore interface {
	MatchToken(ctx context.Context, tok string) (mine, theirs string, err error)
	Profile(ctx context.Context, id string) (matcher.Profile, error)
}

// ownedMatch resolves a match token and checks that user owns its first
// profile.
func ownedMatch(ctx context.Context, st ownedStore, user int64, tok string) (matcher.Profile, string, error) {
	mineID, theirs, err := st.MatchToken(ctx, tok)
	if err != nil {
		return matcher.Profile{}, "", err
	}
	mine, err := ownedProfile(ctx, st, user, mineID)
	return mine, theirs, err
}

// ownedProfile loads a profile and checks that user owns it.
func ownedProfile(ctx context.Context, st interface {
	Profile(ctx context.Context, id string) (matcher.Profile, error)
}, user int64, id string) (matcher.Profile, error) {
	p, err := st.Profile(ctx, id)
	if err != nil {
		return p, err
	}
	if p.OwnerID == 0 || p.OwnerID != user {
		return p, errNotYours
	}
	return p, nil
}
