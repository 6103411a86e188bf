package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/metrics"
	"github.com/duijie/duijie/store"
)

// Introductions is the introductions use case: a request from a match,
// its acceptance or refusal, the contacts exchanged once both sides
// accepted (and /connections, which lists them), the feedback 👎 on a
// match, and the sweep that finishes what a failed change still owes
// (owed.go). Each pair of profiles has one introduction record, changed
// only by the store's scripts (IntroStore).
type Introductions struct {
	st        IntroStore
	ledger    IntroLedger
	ranker    Pairer
	tax       *matcher.Taxonomy
	views     *Views
	contacts  ContactBook
	broker    Broker
	messenger Messenger
	metrics   *metrics.Metrics
	log       *slog.Logger
	now       func() time.Time
}

// IntroStore is what introductions need of the store: the match a button
// names and the pairs marked not relevant, the profiles and their owners,
// and the introduction records. Finishing what a change owes is
// IntroLedger (owed.go).
type IntroStore interface {
	MatchToken(ctx context.Context, tok string) (mine, theirs string, err error)
	DeclineMatch(ctx context.Context, mine, theirs, reason string, now time.Time) error
	Profile(ctx context.Context, id string) (matcher.Profile, error)
	ProfilesOf(ctx context.Context, owner int64) ([]matcher.Profile, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	RequestIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (store.IntroOutcome, store.Intro, error)
	RequestHeldIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (store.IntroOutcome, store.Intro, error)
	AnswerIntro(ctx context.Context, id string, user int64, accept bool, now time.Time) (store.IntroOutcome, store.Intro, error)
	IntrosOf(ctx context.Context, profileID string) ([]store.Intro, error)
}

var _ IntroStore = (*store.Store)(nil)

// Pairer scores one pair of profiles (the match index).
type Pairer interface {
	Pair(q matcher.Profile, otherID string) (matcher.Match, bool)
}

// Broker is what introductions and new-match notices need of the
// organizers: in broker mode a request or a notice waits for an admin's
// approval (Deliver holds it, Note tells the admin who is involved), and
// a profile from an organizer's list carries the contact the list gave.
// Without organizers, messages go straight to the Messenger and lists
// give nothing (admin.go).
type Broker interface {
	// Brokered reports whether requests and notices wait for approval.
	Brokered() bool
	// Deliver sends m to its recipient, or holds it for approval;
	// held reports which.
	Deliver(ctx context.Context, m Outgoing) (held bool, err error)
	// Note tells organizers who asks whom; "" outside broker mode.
	Note(ctx context.Context, from, to matcher.Profile) string
	// ListContact is the contact lines a list gave p, in l; "" for none.
	ListContact(ctx context.Context, l matcher.Lang, p matcher.Profile) string
	// ContactGiven tells the organizers that the requester from mine got
	// the list contact of theirs, a profile nobody has claimed.
	ContactGiven(ctx context.Context, mine, theirs matcher.Profile)
}

// NewIntroductions builds the introductions use case. ledger may be nil
// for a store that keeps no owed marks; metrics may be nil.
func NewIntroductions(st IntroStore, ledger IntroLedger, ranker Pairer, tax *matcher.Taxonomy, views *Views, contacts ContactBook,
	broker Broker, messenger Messenger, m *metrics.Metrics, log *slog.Logger, now func() time.Time) *Introductions {
	if ledger == nil {
		ledger = noLedger{}
	}
	return &Introductions{st: st, ledger: ledger, ranker: ranker, tax: tax, views: views, contacts: contacts,
		broker: broker, messenger: messenger, metrics: m, log: log, now: now}
}

// handles reports whether action is one of the introductions' buttons.
func (it *Introductions) handles(action string) bool {
	switch action {
	case aRequestIntro, aNotRelevant, aReason, aAccept, aDecline, aContact:
		return true
	}
	return false
}

// Action performs a button of a match or of an introduction request, and
// the /settings button that changes one's contact card. It returns the
// toast for the press.
func (it *Introductions) Action(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	l := s.Lang
	if handled, err := it.contacts.BeforeAction(ctx, s, in, b, out); handled || err != nil {
		return "", err
	}
	switch b.Action {
	case aRequestIntro:
		return it.requestIntro(ctx, s, in, b.Value, out)
	case aNotRelevant:
		mine, theirs, err := ownedMatch(ctx, it.st, in.UserID, b.Value)
		if err != nil {
			return refused(it.log, l, err)
		}
		// Declined at once; the reason asked next is optional.
		if err := it.st.DeclineMatch(ctx, mine.ID, theirs, "", it.now()); err != nil {
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
		mine, theirs, err := ownedMatch(ctx, it.st, in.UserID, tok)
		if err != nil {
			return refused(it.log, l, err)
		}
		if !validReason(reason) {
			return dialog.Tr(l, "stale_toast"), nil
		}
		if err := it.st.DeclineMatch(ctx, mine.ID, theirs, reason, it.now()); err != nil {
			return "", err
		}
		return dialog.Tr(l, "feedback_thanks"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "feedback_noted")})
	case aAccept, aDecline:
		return it.answerIntro(ctx, s, in, b.Value, b.Action == aAccept, out)
	}
	return dialog.Tr(l, "stale_toast"), nil
}

// ContactReply takes a text as the contact the bot asked for; then is
// the button of the action that waited for it, to perform now (zero for
// none). handled is false when the bot was not waiting for a contact.
func (it *Introductions) ContactReply(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (handled bool, then dialog.Button, err error) {
	return it.contacts.Reply(ctx, s, in, out)
}

// requestIntro asks for an introduction from the user's profile to the
// counterpart of a match.
func (it *Introductions) requestIntro(ctx context.Context, s *dialog.Session, in Incoming, tok string, out Sender) (string, error) {
	l := s.Lang
	mine, theirsID, err := ownedMatch(ctx, it.st, in.UserID, tok)
	if err != nil {
		return refused(it.log, l, err)
	}
	theirs, err := it.st.Profile(ctx, theirsID)
	if errors.Is(err, store.ErrNotFound) || err == nil && theirs.Status != matcher.StatusActive {
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
	}
	if err != nil {
		return "", err
	}
	shown := it.views.public(ctx, theirs, l) // what the requester may read of theirs
	request := it.st.RequestIntro
	if it.broker.Brokered() {
		// Held from the start: asking back cannot connect the two before
		// an organizer approves.
		request = it.st.RequestHeldIntro
	}
	outcome, intro, err := request(ctx, mine.ID, theirs.ID, mine.OwnerID, theirs.OwnerID, it.now())
	if err != nil {
		return "", err
	}
	switch store.Resume(outcome, intro) { // a retry finishes what a failure left owed (owed.go)
	case store.OutcomeRequested:
		it.metrics.Intro("requested")
		if theirs.OwnerID == 0 {
			if given, err := it.unclaimedContact(ctx, l, in.ChatID, mine, theirs, out); given {
				return dialog.Tr(l, "intro_sent_toast"), err
			}
			return dialog.Tr(l, "intro_sent_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_pending_owner", shown.Title)})
		}
		held, err := it.sendIntroRequest(ctx, mine, theirs, intro)
		if err != nil {
			return "", err
		}
		it.delivered(ctx, intro)
		if held {
			return dialog.Tr(l, "intro_sent_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_held", shown.Title)})
		}
		return dialog.Tr(l, "intro_sent_toast"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_sent", shown.Title)})
	case store.OutcomeConnected:
		return "", it.connect(ctx, intro, mine, theirs)
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
func (it *Introductions) sendIntroRequest(ctx context.Context, mine, theirs matcher.Profile, intro store.Intro) (held bool, err error) {
	l := it.views.langOf(ctx, theirs.OwnerID, theirs.Lang)
	mine = it.views.public(ctx, mine, l)
	var b strings.Builder
	b.WriteString(dialog.Tr(l, "intro_request", theirs.Title))
	b.WriteString("\n\n" + anonymousSummary(it.tax, l, mine))
	if m, ok := it.ranker.Pair(theirs, mine.ID); ok {
		b.WriteString("\n\n" + dialog.RenderMatch(it.tax, l, theirs.Kind, anonymous(it.views.publicMatch(ctx, m, l))))
	}
	b.WriteString("\n\n" + dialog.Tr(l, "intro_request_hint"))
	r := dialog.Reply{Text: b.String(), Buttons: [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_accept"), Button: dialog.Action(aAccept, intro.ID)},
		{Label: dialog.Tr(l, "btn_decline"), Button: dialog.Action(aDecline, intro.ID)},
	}}}
	return it.broker.Deliver(ctx, Outgoing{Kind: HeldIntro, From: mine.OwnerID, To: theirs.OwnerID, Key: "intro:" + intro.ID, Ref: intro.ID, Reply: r,
		Note: it.broker.Note(ctx, mine, theirs)})
}

// answerIntro accepts or declines an introduction request.
func (it *Introductions) answerIntro(ctx context.Context, s *dialog.Session, in Incoming, id string, accept bool, out Sender) (string, error) {
	l := s.Lang
	outcome, intro, err := it.st.AnswerIntro(ctx, id, in.UserID, accept, it.now())
	if err != nil {
		return "", err
	}
	switch store.Resume(outcome, intro) { // a retry finishes what a failure left owed (owed.go)
	case store.OutcomeNotYours:
		return dialog.Tr(l, "not_yours"), nil
	case store.OutcomeConnected:
		from, err1 := it.st.Profile(ctx, intro.From)
		to, err2 := it.st.Profile(ctx, intro.To)
		if err1 != nil || err2 != nil {
			return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
		}
		return dialog.Tr(l, "intro_connected_toast"), it.connect(ctx, intro, from, to)
	case store.OutcomeDeclined:
		it.metrics.Intro("declined")
		if err := it.tellDeclined(ctx, intro); err != nil {
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
func (it *Introductions) connect(ctx context.Context, intro store.Intro, a, b matcher.Profile) error {
	it.metrics.Intro("accepted")
	for _, side := range []struct {
		me, other matcher.Profile
	}{{a, b}, {b, a}} {
		if side.me.OwnerID == 0 {
			continue
		}
		l := it.views.langOf(ctx, side.me.OwnerID, side.me.Lang)
		card, err := it.contactCard(ctx, l, side.other)
		if err != nil {
			return err
		}
		text := dialog.Tr(l, "connected", side.me.Title) + "\n\n" + card + "\n\n" +
			dialog.Tr(l, "first_message", dialog.HTML("<code>"+dialog.Tr(l, "first_message_text", side.other.Title)+"</code>"))
		if err := it.messenger.Notify(ctx, side.me.OwnerID, "connected:"+intro.ID, dialog.Reply{Text: text}); err != nil {
			return err
		}
	}
	it.delivered(ctx, intro)
	return nil
}

// contactCard is what a connected user learns of the other: a tappable
// Telegram contact (their @username when they have one), their name, the
// contact an organizer's list gave the profile, the organisation and the
// profile's title.
func (it *Introductions) contactCard(ctx context.Context, l matcher.Lang, p matcher.Profile) (string, error) {
	u, err := it.st.GetUser(ctx, p.OwnerID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	// Telegram opens a user link only inside a link or a button.
	var shown any = it.contacts.Shared(ctx, p.OwnerID, u)
	switch c := shown.(string); {
	case strings.HasPrefix(c, "tg://user?id="):
		label := u.Name
		if label == "" {
			label = dialog.Tr(l, "contact_open")
		}
		shown = dialog.UserLink(p.OwnerID, label)
	case u.Username != "" && c == "@"+u.Username:
		shown = dialog.Link("https://t.me/"+u.Username, c)
	}
	lines := []string{dialog.Tr(l, "contact_line", shown)}
	if u.Name != "" {
		lines = append(lines, dialog.Tr(l, "name_line", u.Name))
	}
	if p.Org != "" {
		lines = append(lines, dialog.Tr(l, "org_line", p.Org))
	}
	lines = append(lines, dialog.Tr(l, "profile_line", p.Title))
	if c := it.broker.ListContact(ctx, l, p); c != "" {
		lines = append(lines, c)
	}
	return strings.Join(lines, "\n"), nil
}

// connections lists every connection of a user's profiles, each with
// the other side's contact card.
func (it *Introductions) connections(ctx context.Context, l matcher.Lang, user int64) (string, error) {
	ps, err := it.st.ProfilesOf(ctx, user)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, p := range ps {
		intros, err := it.st.IntrosOf(ctx, p.ID)
		if err != nil {
			return "", err
		}
		for _, in := range intros {
			if in.State != store.IntroAccepted {
				continue
			}
			otherID := in.To
			if otherID == p.ID {
				otherID = in.From
			}
			other, err := it.st.Profile(ctx, otherID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return "", err
			}
			card, err := it.contactCard(ctx, l, other)
			if err != nil {
				return "", err
			}
			parts = append(parts, dialog.Tr(l, "connection_for", p.Title, in.Decided.Format("2006-01-02"))+"\n"+card)
		}
	}
	if len(parts) == 0 {
		return dialog.Tr(l, "connections_none"), nil
	}
	return "<b>" + dialog.Tr(l, "connections_title", len(parts)) + "</b>\n\n" + strings.Join(parts, "\n\n"), nil
}

// unclaimedContact gives the requester of an introduction with an
// unclaimed profile the contact its list gave, and tells the organizers;
// false when the list gave none.
func (it *Introductions) unclaimedContact(ctx context.Context, l matcher.Lang, chatID int64, mine, theirs matcher.Profile, out Sender) (bool, error) {
	card := it.broker.ListContact(ctx, l, theirs)
	if card == "" {
		return false, nil
	}
	if err := out.Send(ctx, chatID, dialog.Reply{Text: dialog.Tr(l, "intro_list_contact", it.views.public(ctx, theirs, l).Title, dialog.HTML(card))}); err != nil {
		return true, err
	}
	it.broker.ContactGiven(ctx, mine, theirs)
	return true, nil
}

func validReason(r string) bool {
	for _, x := range store.FeedbackReasons {
		if r == x {
			return true
		}
	}
	return false
}

// anonymousSummary describes a profile without who is behind it: no
// organisation, no name, the region at province level.
func anonymousSummary(tax *matcher.Taxonomy, l matcher.Lang, p matcher.Profile) string {
	var b strings.Builder
	kind := dialog.Tr(l, "kind_need")
	if p.Kind == matcher.KindOffer {
		kind = dialog.Tr(l, "kind_offer")
	}
	b.WriteString("<b>" + kind + dialog.Tr(l, "colon") + dialog.Esc(p.Title) + "</b>")
	if text := firstRunes(matcher.RedactContacts(orStr(p.Summary, p.Description)), 300); text != "" {
		b.WriteString("\n" + dialog.Esc(text))
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
