package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Actions act on stored data — matches, introductions, a user's profiles
// and settings — rather than on an interview. Their buttons carry
// "a/<action>/<value>" and keep working as long as that data exists; each
// action checks that the user pressing owns what it acts on, so a
// forwarded button reveals and changes nothing.

// DataStore is what actions need of the store.
type DataStore interface {
	Profile(ctx context.Context, id string) (matcher.Profile, error)
	ProfilesOf(ctx context.Context, owner int64) ([]matcher.Profile, error)
	SaveProfile(ctx context.Context, p matcher.Profile) (bool, error)
	DeleteProfile(ctx context.Context, p matcher.Profile) error
	WithdrawIntros(ctx context.Context, profileID string) error
	MatchTokens(ctx context.Context, mine string, theirs []string) ([]string, error)
	MatchToken(ctx context.Context, tok string) (mine, theirs string, err error)
	DeclineMatch(ctx context.Context, mine, theirs, reason string, now time.Time) error
	Declined(ctx context.Context, profileID string) (map[string]bool, error)
	RequestIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (store.IntroOutcome, store.Intro, error)
	RequestHeldIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (store.IntroOutcome, store.Intro, error)
	HoldIntro(ctx context.Context, id string, held bool) error
	AnswerIntro(ctx context.Context, id string, user int64, accept bool, now time.Time) (store.IntroOutcome, store.Intro, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	Settings(ctx context.Context, user int64) (store.Settings, error)
	SetNotify(ctx context.Context, user int64, mode string) error
	ExportUser(ctx context.Context, user int64) (store.UserData, error)
	DeleteUser(ctx context.Context, user int64) error
	CountBy(ctx context.Context, name string, n int64, now time.Time) error
}

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

// action performs an action button. It returns the toast for the press.
func (e *Engine) action(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	if e.Data == nil {
		return dialog.Tr(s.Lang, "stale_toast"), nil
	}
	l := s.Lang
	if handled, err := e.contactFirst(ctx, s, in, b, out); handled || err != nil {
		return "", err
	}
	switch b.Action {
	case aRequestIntro:
		return e.requestIntro(ctx, s, in, b.Value, out)
	case aNotRelevant:
		mine, theirs, err := e.ownedMatch(ctx, in.UserID, b.Value)
		if err != nil {
			return e.refused(l, err)
		}
		// Declined at once; the reason asked next is optional.
		if err := e.Data.DeclineMatch(ctx, mine.ID, theirs, "", e.now()); err != nil {
			return "", err
		}
		var row1, row2 []dialog.Choice
		for i, r := range store.FeedbackReasons {
			c := dialog.Choice{Label: dialog.Tr(l, dialog.Msg("reason_"+r)), Button: dialog.Action(aReason, b.Value+"."+r)}
			if i < 3 {
				row1 = append(row1, c)
			} else {
				row2 = append(row2, c)
			}
		}
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "why_not_relevant"), Buttons: [][]dialog.Choice{row1, row2}})
	case aReason:
		tok, reason, _ := strings.Cut(b.Value, ".")
		mine, theirs, err := e.ownedMatch(ctx, in.UserID, tok)
		if err != nil {
			return e.refused(l, err)
		}
		if !validReason(reason) {
			return dialog.Tr(l, "stale_toast"), nil
		}
		if err := e.Data.DeclineMatch(ctx, mine.ID, theirs, reason, e.now()); err != nil {
			return "", err
		}
		return dialog.Tr(l, "feedback_thanks"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "feedback_noted")})
	case aAccept, aDecline:
		return e.answerIntro(ctx, s, in, b.Value, b.Action == aAccept, out)
	case aMatches, aEdit, aPause, aResume, aDelete, aDeleteYes, aKeep:
		return e.profileAction(ctx, s, in, b, out)
	case aNotify:
		if err := e.Data.SetNotify(ctx, in.UserID, b.Value); err != nil {
			return e.refused(l, err)
		}
		return dialog.Tr(l, "saved"), out.Send(ctx, in.ChatID, e.settingsReply(ctx, s, in.UserID))
	case aLang:
		s.Lang, s.LangSet = matcher.ParseLang(b.Value), true
		return dialog.Tr(s.Lang, "saved"), out.Send(ctx, in.ChatID, e.settingsReply(ctx, s, in.UserID))
	case aAdmin:
		return e.adminAction(ctx, s, in, b, out)
	case aDeleteMe:
		if err := e.deleteUser(ctx, in.UserID); err != nil {
			return "", err
		}
		*s = dialog.Session{ChatID: s.ChatID, Lang: s.Lang}
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "deleted_all")})
	}
	return dialog.Tr(l, "stale_toast"), nil
}

func validReason(r string) bool {
	for _, x := range store.FeedbackReasons {
		if r == x {
			return true
		}
	}
	return false
}

// refused turns a failed ownership check, or a value the bot never
// offered, into the toast for the press; other errors go up.
func (e *Engine) refused(l matcher.Lang, err error) (string, error) {
	e.log.Debug("button refused", "err", err)
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

// ownedMatch resolves a match token and checks that user owns its first
// profile.
func (e *Engine) ownedMatch(ctx context.Context, user int64, tok string) (matcher.Profile, string, error) {
	mineID, theirs, err := e.Data.MatchToken(ctx, tok)
	if err != nil {
		return matcher.Profile{}, "", err
	}
	mine, err := e.ownedProfile(ctx, user, mineID)
	return mine, theirs, err
}

// ownedProfile loads a profile and checks that user owns it.
func (e *Engine) ownedProfile(ctx context.Context, user int64, id string) (matcher.Profile, error) {
	p, err := e.Data.Profile(ctx, id)
	if err != nil {
		return p, err
	}
	if p.OwnerID == 0 || p.OwnerID != user {
		return p, errNotYours
	}
	return p, nil
}

// matchButtons gives each shown match its buttons: request an
// introduction, or mark it not relevant. Without a store there are none.
func (e *Engine) matchButtons(ctx context.Context, mine string, ms []matcher.Match, l matcher.Lang) ([][]dialog.Choice, error) {
	if e.Data == nil || len(ms) == 0 {
		return nil, nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.Profile.ID
	}
	toks, err := e.Data.MatchTokens(ctx, mine, ids)
	if err != nil {
		return nil, err
	}
	rows := make([][]dialog.Choice, len(toks))
	for i, tok := range toks {
		rows[i] = []dialog.Choice{
			{Label: dialog.Tr(l, "btn_intro", i+1), Button: dialog.Action(aRequestIntro, tok)},
			{Label: dialog.Tr(l, "btn_not_relevant", i+1), Button: dialog.Action(aNotRelevant, tok)},
		}
	}
	return rows, nil
}

// requestIntro asks for an introduction from the user's profile to the
// counterpart of a match.
func (e *Engine) requestIntro(ctx context.Context, s *dialog.Session, in Incoming, tok string, out Sender) (string, error) {
	l := s.Lang
	mine, theirsID, err := e.ownedMatch(ctx, in.UserID, tok)
	if err != nil {
		return e.refused(l, err)
	}
	theirs, err := e.Data.Profile(ctx, theirsID)
	if errors.Is(err, store.ErrNotFound) || err == nil && theirs.Status != matcher.StatusActive {
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
	}
	if err != nil {
		return "", err
	}
	shown := e.public(ctx, theirs, l) // what the requester may read of theirs
	request := e.Data.RequestIntro
	if e.brokered() {
		// Held from the start: asking back cannot connect the two before
		// an organizer approves.
		request = e.Data.RequestHeldIntro
	}
	outcome, intro, err := request(ctx, mine.ID, theirs.ID, mine.OwnerID, theirs.OwnerID, e.now())
	if err != nil {
		return "", err
	}
	switch store.Resume(outcome, intro) { // a retry finishes what a failure left owed (owed.go)
	case store.OutcomeRequested:
		e.Metrics.Intro("requested")
		if theirs.OwnerID == 0 {
			if given, err := e.unclaimedContact(ctx, l, in.ChatID, mine, theirs, out); given {
				return dialog.Tr(l, "intro_sent_toast"), err
			}
			return dialog.Tr(l, "intro_sent_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_pending_owner", shown.Title)})
		}
		held, err := e.sendIntroRequest(ctx, mine, theirs, intro)
		if err != nil {
			return "", err
		}
		e.delivered(ctx, intro)
		if held {
			return dialog.Tr(l, "intro_sent_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_held", shown.Title)})
		}
		return dialog.Tr(l, "intro_sent_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_sent", shown.Title)})
	case store.OutcomeConnected:
		return "", e.connect(ctx, intro, mine, theirs)
	case store.OutcomeAlreadyRequested:
		return dialog.Tr(l, "intro_already_toast"), nil
	case store.OutcomeAwaitingApproval:
		return dialog.Tr(l, "intro_sent_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_held", shown.Title)})
	case store.OutcomeAlreadyConnected:
		return dialog.Tr(l, "intro_connected_toast"), nil
	case store.OutcomeDeclined:
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_was_declined")})
	}
	return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
}

// sendIntroRequest shows the owner of theirs an anonymous summary of
// mine, why they match, and Accept/Decline. Nothing in it names the
// requester. In broker mode it waits for an admin's approval (held).
func (e *Engine) sendIntroRequest(ctx context.Context, mine, theirs matcher.Profile, intro store.Intro) (held bool, err error) {
	l := e.langOf(ctx, theirs.OwnerID, theirs.Lang)
	mine = e.public(ctx, mine, l)
	var b strings.Builder
	b.WriteString(dialog.Tr(l, "intro_request", theirs.Title))
	b.WriteString("\n\n" + anonymousSummary(e.dialog.Tax, l, mine))
	if m, ok := e.ranker.Pair(theirs, mine.ID); ok {
		ex := e.dialog.Tax.Explain(e.publicMatch(ctx, m, l), theirs.Kind, l)
		b.WriteString("\n\n" + dialog.Tr(l, "match_score", int(m.Score*100+0.5)) + " · " + ex.Reason)
		if len(ex.Fit) > 0 {
			b.WriteString("\n" + strings.Join(ex.Fit, " · "))
		}
	}
	b.WriteString("\n\n" + dialog.Tr(l, "intro_request_hint"))
	r := dialog.Reply{Text: b.String(), Buttons: [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_accept"), Button: dialog.Action(aAccept, intro.ID)},
		{Label: dialog.Tr(l, "btn_decline"), Button: dialog.Action(aDecline, intro.ID)},
	}}}
	return e.deliver(ctx, Outgoing{Kind: HeldIntro, From: mine.OwnerID, To: theirs.OwnerID, Key: "intro:" + intro.ID, Ref: intro.ID, Reply: r,
		Note: e.introNote(ctx, mine, theirs)})
}

// anonymousSummary describes a profile without who is behind it: no
// organisation, no name, the region at province level.
func anonymousSummary(tax *matcher.Taxonomy, l matcher.Lang, p matcher.Profile) string {
	var b strings.Builder
	kind := dialog.Tr(l, "kind_need")
	if p.Kind == matcher.KindOffer {
		kind = dialog.Tr(l, "kind_offer")
	}
	b.WriteString(kind + ": " + p.Title)
	if text := firstRunes(matcher.RedactContacts(orStr(p.Summary, p.Description)), 300); text != "" {
		b.WriteString("\n" + text)
	}
	if d := tax.DomainsLabel(p.Domains, l); d != "" {
		b.WriteString("\n" + dialog.Tr(l, "card_domains", d))
	}
	if p.TRL > 0 {
		b.WriteString("\nTRL " + fmt.Sprint(p.TRL))
	}
	if pl, ok := matcher.FindPlace(p.Region); ok {
		b.WriteString("\n" + dialog.Tr(l, "card_region", matcher.Place{Province: pl.Province}.Label(l)))
	}
	return b.String()
}

func orStr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func firstRunes(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// answerIntro accepts or declines an introduction request.
func (e *Engine) answerIntro(ctx context.Context, s *dialog.Session, in Incoming, id string, accept bool, out Sender) (string, error) {
	l := s.Lang
	outcome, intro, err := e.Data.AnswerIntro(ctx, id, in.UserID, accept, e.now())
	if err != nil {
		return "", err
	}
	switch store.Resume(outcome, intro) { // a retry finishes what a failure left owed (owed.go)
	case store.OutcomeNotYours:
		return dialog.Tr(l, "not_yours"), nil
	case store.OutcomeConnected:
		from, err1 := e.Data.Profile(ctx, intro.From)
		to, err2 := e.Data.Profile(ctx, intro.To)
		if err1 != nil || err2 != nil {
			return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
		}
		return dialog.Tr(l, "intro_connected_toast"), e.connect(ctx, intro, from, to)
	case store.OutcomeDeclined:
		e.Metrics.Intro("declined")
		if err := e.tellDeclined(ctx, intro); err != nil {
			return "", err
		}
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_you_declined")})
	case store.OutcomeAlreadyDecided:
		return dialog.Tr(l, "intro_already_decided_toast"), nil
	case store.OutcomeExpired:
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_expired")})
	}
	return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
}

// connect tells both sides of an accepted introduction who the other is.
func (e *Engine) connect(ctx context.Context, intro store.Intro, a, b matcher.Profile) error {
	e.Metrics.Intro("accepted")
	for _, side := range []struct {
		me, other matcher.Profile
	}{{a, b}, {b, a}} {
		if side.me.OwnerID == 0 {
			continue
		}
		l := e.langOf(ctx, side.me.OwnerID, side.me.Lang)
		card, err := e.contactCard(ctx, l, side.other)
		if err != nil {
			return err
		}
		text := dialog.Tr(l, "connected", side.me.Title) + "\n\n" + card
		if err := e.Messenger.Notify(ctx, side.me.OwnerID, "connected:"+intro.ID, dialog.Reply{Text: text}); err != nil {
			return err
		}
	}
	e.delivered(ctx, intro)
	return nil
}

// contactCard is what a connected user learns of the other: their
// Telegram contact, name and organisation.
func (e *Engine) contactCard(ctx context.Context, l matcher.Lang, p matcher.Profile) (string, error) {
	u, err := e.Data.GetUser(ctx, p.OwnerID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	lines := []string{dialog.Tr(l, "contact_line", e.sharedContact(ctx, p.OwnerID, u))}
	if u.Name != "" {
		lines = append(lines, dialog.Tr(l, "name_line", u.Name))
	}
	if p.Org != "" {
		lines = append(lines, dialog.Tr(l, "org_line", p.Org))
	}
	lines = append(lines, dialog.Tr(l, "profile_line", p.Title))
	if c := e.listContact(ctx, l, p); c != "" {
		lines = append(lines, c)
	}
	return strings.Join(lines, "\n"), nil
}

// langOf is the language a user chose, else fallback.
func (e *Engine) langOf(ctx context.Context, user int64, fallback matcher.Lang) matcher.Lang {
	if st, err := e.Data.Settings(ctx, user); err == nil && st.Lang != "" {
		return st.Lang
	}
	if fallback == "" {
		return matcher.LangEN
	}
	return fallback
}

// exportJSON is the document /export sends.
func exportJSON(d store.UserData) ([]byte, error) {
	return json.MarshalIndent(d, "", "  ")
}
