package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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

// DataStore is what actions need of the store: the small interfaces
// below, each beside the code that uses it. store.Store satisfies it.
type DataStore interface {
	MatchStore
	IntroStore
	ProfileData
	AccountStore
}

var _ DataStore = (*store.Store)(nil)

// MatchStore is what the buttons on matches need of the store: the
// tokens they carry and the pairs marked not relevant.
type MatchStore interface {
	MatchTokens(ctx context.Context, mine string, theirs []string) ([]string, error)
	MatchToken(ctx context.Context, tok string) (mine, theirs string, err error)
	DeclineMatch(ctx context.Context, mine, theirs, reason string, now time.Time) error
	Declined(ctx context.Context, profileID string) (map[string]bool, error)
}

// IntroStore is what introductions need of the store: the request, its
// answer and an organizer's hold in broker mode. Finishing what a change
// owes is IntroLedger (owed.go).
type IntroStore interface {
	RequestIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (store.IntroOutcome, store.Intro, error)
	RequestHeldIntro(ctx context.Context, from, to string, fromOwner, toOwner int64, now time.Time) (store.IntroOutcome, store.Intro, error)
	HoldIntro(ctx context.Context, id string, held bool) error
	AnswerIntro(ctx context.Context, id string, user int64, accept bool, now time.Time) (store.IntroOutcome, store.Intro, error)
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

// action performs an action button. It returns the toast for the press.
func (e *Engine) action(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	if e.data == nil {
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
		if err := e.data.DeclineMatch(ctx, mine.ID, theirs, "", e.now()); err != nil {
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
		if err := e.data.DeclineMatch(ctx, mine.ID, theirs, reason, e.now()); err != nil {
			return "", err
		}
		return dialog.Tr(l, "feedback_thanks"), out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "feedback_noted")})
	case aAccept, aDecline:
		return e.answerIntro(ctx, s, in, b.Value, b.Action == aAccept, out)
	case aMore, aBrowse:
		id, offset := b.Value, 0
		if b.Action == aMore {
			var n string
			var err error
			id, n, _ = strings.Cut(b.Value, ".")
			if offset, err = strconv.Atoi(n); err != nil || offset < 0 {
				return dialog.Tr(l, "stale_toast"), nil
			}
		}
		p, err := e.ownedProfile(ctx, in.UserID, id)
		if err != nil {
			return e.refused(l, err)
		}
		return "", e.showPage(ctx, l, p, in, out, offset)
	case aDetails:
		tok, n, _ := strings.Cut(b.Value, ".")
		offset, err := strconv.Atoi(n)
		if err != nil || offset < 0 {
			return dialog.Tr(l, "stale_toast"), nil
		}
		return e.showDetails(ctx, l, in, tok, offset, out)
	case aMatches, aEdit, aPause, aResume, aDelete, aDeleteYes, aKeep:
		return e.profileAction(ctx, s, in, b, out)
	case aNotify:
		if err := e.data.SetNotify(ctx, in.UserID, b.Value); err != nil {
			return e.refused(l, err)
		}
		return dialog.Tr(l, "saved"), e.replace(ctx, in, out, e.settingsReply(ctx, s, in.UserID))
	case aLang:
		s.Lang, s.LangSet = matcher.ParseLang(b.Value), true
		return dialog.Tr(s.Lang, "saved"), e.replace(ctx, in, out, e.settingsReply(ctx, s, in.UserID))
	case aAdmin:
		return e.adminAction(ctx, s, in, b, out)
	case aHeard: // "use" was handled before the dialog: the transcript is gone
		s.Heard = ""
		return dialog.Tr(l, "voice_dropped"), e.replace(ctx, in, out, dialog.Reply{Text: dialog.Tr(l, "voice_dropped")})
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
	mineID, theirs, err := e.data.MatchToken(ctx, tok)
	if err != nil {
		return matcher.Profile{}, "", err
	}
	mine, err := e.ownedProfile(ctx, user, mineID)
	return mine, theirs, err
}

// ownedProfile loads a profile and checks that user owns it.
func (e *Engine) ownedProfile(ctx context.Context, user int64, id string) (matcher.Profile, error) {
	p, err := e.data.Profile(ctx, id)
	if err != nil {
		return p, err
	}
	if p.OwnerID == 0 || p.OwnerID != user {
		return p, errNotYours
	}
	return p, nil
}

// matchButtons gives the first page of a profile's matches its buttons.
func (e *Engine) matchButtons(ctx context.Context, mine string, ms []matcher.Match, l matcher.Lang) ([][]dialog.Choice, error) {
	return e.pageButtons(ctx, mine, ms, l, 0, false)
}

// pageButtons gives each shown match its buttons — request an
// introduction, or mark it not relevant — and "more" when the page is
// full. A first page with no good match gets one button instead, to
// browse the weak ones (unless browsing). Without a store there are none.
func (e *Engine) pageButtons(ctx context.Context, mine string, ms []matcher.Match, l matcher.Lang, first int, browse bool) ([][]dialog.Choice, error) {
	if e.data == nil || len(ms) == 0 {
		return nil, nil
	}
	if first == 0 && !browse && !matcher.Good(ms) {
		return [][]dialog.Choice{{{Label: dialog.Tr(l, "btn_browse"), Button: dialog.Action(aBrowse, mine)}}}, nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.Profile.ID
	}
	toks, err := e.data.MatchTokens(ctx, mine, ids)
	if err != nil {
		return nil, err
	}
	rows := make([][]dialog.Choice, len(toks))
	for i, tok := range toks {
		rows[i] = []dialog.Choice{
			{Label: dialog.Tr(l, "btn_intro", first+i+1), Button: dialog.Action(aRequestIntro, tok)},
			{Label: dialog.Tr(l, "btn_not_relevant", first+i+1), Button: dialog.Action(aNotRelevant, tok)},
			{Label: dialog.Tr(l, "btn_details", first+i+1), Button: dialog.Action(aDetails, tok+"."+strconv.Itoa(first))},
		}
	}
	var nav []dialog.Choice
	if first > 0 {
		nav = append(nav, dialog.Choice{Label: dialog.Tr(l, "btn_prev"), Button: dialog.Action(aMore, fmt.Sprintf("%s.%d", mine, max(first-e.pageSize(), 0)))})
	}
	if len(ms) >= e.pageSize() {
		nav = append(nav, dialog.Choice{Label: dialog.Tr(l, "btn_more"), Button: dialog.Action(aMore, fmt.Sprintf("%s.%d", mine, first+len(ms)))})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	return rows, nil
}

// pageSize is how many matches one page shows.
func (e *Engine) pageSize() int {
	if e.matchLimit > 0 {
		return e.matchLimit
	}
	return matcher.DefaultLimit
}

// showDetails shows one match in full in place of its page, with its
// buttons and one back to the page.
func (e *Engine) showDetails(ctx context.Context, l matcher.Lang, in Incoming, tok string, offset int, out Sender) (string, error) {
	mine, theirsID, err := e.ownedMatch(ctx, in.UserID, tok)
	if err != nil {
		return e.refused(l, err)
	}
	theirs, err := e.data.Profile(ctx, theirsID)
	if errors.Is(err, store.ErrNotFound) || err == nil && theirs.Status != matcher.StatusActive {
		return dialog.Tr(l, "gone_toast"), nil
	}
	if err != nil {
		return "", err
	}
	m, ok := e.ranker.Pair(mine, theirs.ID)
	if !ok {
		m = matcher.Match{}
	}
	m.Profile = theirs
	r := dialog.Reply{Text: dialog.RenderDetails(e.dialog.Tax, l, mine.Kind, e.publicMatch(ctx, m, l)), Buttons: [][]dialog.Choice{
		{
			{Label: dialog.Tr(l, "btn_intro_one"), Button: dialog.Action(aRequestIntro, tok)},
			{Label: dialog.Tr(l, "btn_not_relevant_one"), Button: dialog.Action(aNotRelevant, tok)},
		},
		{{Label: dialog.Tr(l, "btn_back"), Button: dialog.Action(aMore, mine.ID+"."+strconv.Itoa(offset))}},
	}}
	return "", e.replace(ctx, in, out, r)
}

// requestIntro asks for an introduction from the user's profile to the
// counterpart of a match.
func (e *Engine) requestIntro(ctx context.Context, s *dialog.Session, in Incoming, tok string, out Sender) (string, error) {
	l := s.Lang
	mine, theirsID, err := e.ownedMatch(ctx, in.UserID, tok)
	if err != nil {
		return e.refused(l, err)
	}
	theirs, err := e.data.Profile(ctx, theirsID)
	if errors.Is(err, store.ErrNotFound) || err == nil && theirs.Status != matcher.StatusActive {
		return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
	}
	if err != nil {
		return "", err
	}
	shown := e.public(ctx, theirs, l) // what the requester may read of theirs
	request := e.data.RequestIntro
	if e.brokered() {
		// Held from the start: asking back cannot connect the two before
		// an organizer approves.
		request = e.data.RequestHeldIntro
	}
	outcome, intro, err := request(ctx, mine.ID, theirs.ID, mine.OwnerID, theirs.OwnerID, e.now())
	if err != nil {
		return "", err
	}
	switch store.Resume(outcome, intro) { // a retry finishes what a failure left owed (owed.go)
	case store.OutcomeRequested:
		e.metrics.Intro("requested")
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
		b.WriteString("\n\n" + dialog.RenderMatch(e.dialog.Tax, l, theirs.Kind, anonymous(e.publicMatch(ctx, m, l))))
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

// answerIntro accepts or declines an introduction request.
func (e *Engine) answerIntro(ctx context.Context, s *dialog.Session, in Incoming, id string, accept bool, out Sender) (string, error) {
	l := s.Lang
	outcome, intro, err := e.data.AnswerIntro(ctx, id, in.UserID, accept, e.now())
	if err != nil {
		return "", err
	}
	switch store.Resume(outcome, intro) { // a retry finishes what a failure left owed (owed.go)
	case store.OutcomeNotYours:
		return dialog.Tr(l, "not_yours"), nil
	case store.OutcomeConnected:
		from, err1 := e.data.Profile(ctx, intro.From)
		to, err2 := e.data.Profile(ctx, intro.To)
		if err1 != nil || err2 != nil {
			return "", out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "intro_gone")})
		}
		return dialog.Tr(l, "intro_connected_toast"), e.connect(ctx, intro, from, to)
	case store.OutcomeDeclined:
		e.metrics.Intro("declined")
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
	e.metrics.Intro("accepted")
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
		text := dialog.Tr(l, "connected", side.me.Title) + "\n\n" + card + "\n\n" +
			dialog.Tr(l, "first_message", dialog.HTML("<code>"+dialog.Tr(l, "first_message_text", side.other.Title)+"</code>"))
		if err := e.messenger.Notify(ctx, side.me.OwnerID, "connected:"+intro.ID, dialog.Reply{Text: text}); err != nil {
			return err
		}
	}
	e.delivered(ctx, intro)
	return nil
}

// contactCard is what a connected user learns of the other: a tappable
// Telegram contact (their @username when they have one), their name, the
// contact an organizer's list gave the profile, the organisation and the
// profile's title.
func (e *Engine) contactCard(ctx context.Context, l matcher.Lang, p matcher.Profile) (string, error) {
	u, err := e.data.GetUser(ctx, p.OwnerID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	// Telegram opens a user link only inside a link or a button.
	var shown any = e.sharedContact(ctx, p.OwnerID, u)
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
	if c := e.listContact(ctx, l, p); c != "" {
		lines = append(lines, c)
	}
	return strings.Join(lines, "\n"), nil
}

// langOf is the language a user chose, else fallback.
func (e *Engine) langOf(ctx context.Context, user int64, fallback matcher.Lang) matcher.Lang {
	if st, err := e.data.Settings(ctx, user); err == nil && st.Lang != "" {
		return st.Lang
	}
	if fallback == "" {
		return matcher.LangEN
	}
	return fallback
}

// exportJSON is the document /export sends: indented, with text as
// written (no \u escapes).
func exportJSON(d store.UserData) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// exportSummary says in words what /export's file holds: the profiles
// with their status, the introductions and connections, the settings.
func exportSummary(l matcher.Lang, d store.UserData) string {
	var b strings.Builder
	b.WriteString("<b>" + dialog.Tr(l, "export_title") + "</b>\n")
	b.WriteString("\n" + dialog.Tr(l, "export_profiles", len(d.Profiles)))
	for _, p := range d.Profiles {
		b.WriteString("\n• " + dialog.Esc(p.Title) + " (" + kindLabel(l, p.Kind) + dialog.Tr(l, "list_sep") + dialog.Tr(l, dialog.Msg("status_"+string(p.Status))) + ")")
	}
	connected := 0
	for _, in := range d.Intros {
		if in.State == store.IntroAccepted {
			connected++
		}
	}
	b.WriteString("\n\n" + dialog.Tr(l, "export_intros", len(d.Intros), connected))
	lang := d.Settings.Lang
	if lang == "" {
		lang = l
	}
	notify := d.Settings.Notify
	if notify == "" {
		notify = store.NotifyInstant
	}
	b.WriteString("\n" + dialog.Tr(l, "export_settings", dialog.Tr(l, dialog.Msg("notify_"+notify)), dialog.Tr(lang, "lang_name")))
	b.WriteString("\n\n" + dialog.Tr(l, "export_file_hint"))
	return b.String()
}
