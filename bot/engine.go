// Package bot holds Duijie's use cases and the engine that routes input
// to them:
//
//   - Interview (interview.go, voice.go): the dialog of bot/dialog with
//     its session, the analysis, publishing and search; InterviewStore.
//   - Introductions (intros.go, contact.go, owed.go): requests, answers,
//     contacts, 👎 feedback, /connections, the owed sweep; IntroStore.
//   - Profiles (manage.go): /my and its buttons, /settings, /export,
//     /delete; ProfileData.
//   - Desk (admin.go, claim.go, broker.go, import.go): the organizers'
//     commands, claims, broker mode, files sent in chat; OrganizerStore.
//     Lists (organizers.go) imports organizers' lists; ListStore.
//   - MatchNotices (matchnotify.go): new-match notices from the change
//     stream, digests, expiry; Notices.
//
// Matches (matches.go) and Views (public.go) are what the use cases show
// of matches and of other people's profiles. The Engine (engine.go)
// builds them all, putting a stand-in where an optional dependency is
// left out, and is what the adapters call; the console adapter is
// console.go. The Telegram adapter is bot/telegram; notification
// delivery is bot/notify.
//
// It imports no Telegram or Redis client: Redis is reached only through
// the small interfaces declared beside their users.
package bot

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/metrics"
)

// SessionStore keeps dialog state per chat. Session returns nil state
// and no error when the chat has none.
type SessionStore interface {
	Session(ctx context.Context, chatID int64) ([]byte, error)
	SaveSession(ctx context.Context, chatID int64, state []byte) error
}

// ProfileStore stores published profiles.
type ProfileStore interface {
	NewProfileID(ctx context.Context) (string, error)
	SaveProfile(ctx context.Context, p matcher.Profile) (created bool, err error)
}

// Analyzer turns a free-text description into a structured analysis:
// the offline taxonomy normalizer, or a model (prompts.Analyzer), which
// reads offline itself when the model fails. req.User is for per-user
// limits and never reaches a model. An error means no analysis at all.
type Analyzer interface {
	Analyze(ctx context.Context, req matcher.AnalysisRequest) (matcher.Analysis, error)
}

var _ Analyzer = matcher.Offline{}

// Embedder computes embedding vectors for the ranking (prompts.Embeddings).
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	Model() string // vectors of different models are not comparable
}

// Ranker holds the match index.
type Ranker interface {
	Upsert(p matcher.Profile)
	Remove(id string)
	Rank(q matcher.Query) []matcher.Match
	Team(q matcher.Query) (matcher.Team, bool)
	Pair(q matcher.Profile, otherID string) (matcher.Match, bool)
	// UpdatedBefore lists the active profiles with an owner last
	// updated before t.
	UpdatedBefore(t time.Time) []string
}

// Sender delivers replies to a chat.
type Sender interface {
	Send(ctx context.Context, chatID int64, r dialog.Reply) error
	SendDocument(ctx context.Context, chatID int64, d Document) error
	Typing(ctx context.Context, chatID int64)
}

// Document is a file sent to a chat.
type Document struct {
	Name    string
	Data    []byte
	Caption string
}

// Engine routes incoming input to the use cases: introductions
// (Introductions), one's own data (Profiles), the organizers' commands
// (admin.go) and, for everything else, the interview (Interview), which
// keeps the session. Callers serialize calls per chat.
type Engine struct {
	log       *slog.Logger
	interview *Interview
	intros    *Introductions
	profiles  *Profiles
	org       organizing
	notices   newMatchNotices
	messenger *messengerSlot
}

// Options are an engine's optional dependencies, but for Data.
type Options struct {
	// Now is the clock; nil for the wall clock.
	Now func() time.Time
	// MatchLimit is how many counterparts are shown after publishing;
	// zero for matcher.DefaultLimit.
	MatchLimit int
	// Embedder, when set, computes a profile's embedding on publish.
	Embedder Embedder
	// Data gives access to stored matches, introductions, profiles and
	// settings. Required.
	Data DataStore
	// Messenger reaches users other than the one acting (introductions,
	// contacts, new matches). An adapter built on the engine supplies it
	// with SetMessenger; until then such messages fail.
	Messenger Messenger
	// Metrics receives counts; nil for none.
	Metrics *metrics.Metrics
	// Organizers, when set, gives admins their commands and list imports,
	// lets owners claim imported profiles and runs broker mode (admin.go).
	Organizers *Organizers
	// Transcriber, when set, turns voice messages into text (voice.go);
	// without it users are asked to type.
	Transcriber Transcriber
	// Notices keeps daily caps, digests and expiry nudges of new-match
	// notices; without it nobody is told of new matches.
	Notices Notices
	// Contacts keeps the contact cards of users no username reaches
	// (contact.go); without it connected users get a Telegram link.
	Contacts Contacts
}

// NewEngine wires the use cases. Each optional dependency left out is
// replaced, once, by what stands for it: here TelegramLinks for Contacts,
// organizersOff for Organizers and noticesOff for Notices; NewInterview
// computes no embeddings without an Embedder and asks users to type
// without a Transcriber.
func NewEngine(tax *matcher.Taxonomy, sessions SessionStore, profiles ProfileStore, analyzer Analyzer, ranker Ranker, log *slog.Logger, opt Options) *Engine {
	if opt.Data == nil {
		panic("bot.NewEngine: Options.Data is required")
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	d := &dialog.Dialog{Tax: tax}
	msg := &messengerSlot{m: opt.Messenger}
	views := NewViews(opt.Data)
	matches := NewMatches(opt.Data, ranker, tax, views, opt.MatchLimit, log, opt.Now)
	var contacts ContactBook = TelegramLinks{}
	if opt.Contacts != nil {
		contacts = NewContactBook(opt.Contacts, opt.Data)
	}
	var org organizing = organizersOff{messenger: msg, log: log}
	var desk *Desk
	if opt.Organizers != nil {
		desk = NewDesk(opt.Organizers, ranker, tax, views, matches, msg, log, opt.Now)
		org = desk
	}
	ledger, _ := opt.Data.(IntroLedger)
	intros := NewIntroductions(opt.Data, ledger, ranker, tax, views, contacts, org, msg, opt.Metrics, log, opt.Now)
	if desk != nil {
		desk.intros = intros // a claim sends the requests waiting on its profile
	}
	var notices newMatchNotices = noticesOff{}
	if opt.Notices != nil {
		notices = NewMatchNotices(opt.Notices, matches, ranker, tax, views, org, msg, log, opt.Now)
	}
	return &Engine{
		log:       log,
		interview: NewInterview(d, interviewStore{sessions, profiles}, analyzer, opt.Embedder, opt.Transcriber, ranker, matches, views, org, log, opt.Now),
		intros:    intros,
		profiles:  NewProfiles(opt.Data, ranker, d, matches, contacts, org, log, opt.Now),
		org:       org,
		notices:   notices,
		messenger: msg,
	}
}

// SetMessenger sets the messenger of an engine whose messenger is built
// on an adapter that is itself built on the engine (replies sent
// directly, as in the console). Call it before the engine handles input.
func (e *Engine) SetMessenger(m Messenger) { e.messenger.m = m }

// messengerSlot is the Messenger the use cases share, set at
// construction or later by SetMessenger.
type messengerSlot struct{ m Messenger }

// errNoMessenger is returned by a Messenger not set yet.
var errNoMessenger = errors.New("no messenger to reach other users")

func (s *messengerSlot) Notify(ctx context.Context, chatID int64, key string, r dialog.Reply) error {
	if s.m == nil {
		return errNoMessenger
	}
	return s.m.Notify(ctx, chatID, key, r)
}

// Incoming is one input from a chat, with who sent it.
type Incoming struct {
	ChatID int64
	UserID int64
	Input  dialog.Input
	// MessageID is the message whose button was pressed, when the
	// adapter knows it: replies to the press may edit it (Editor).
	MessageID int
}

// Outcome is what the adapter needs after handling: the text to show on
// a pressed button (Telegram's answerCallbackQuery).
type Outcome struct {
	Toast string
	// Stale: the pressed button belongs to an earlier step; the adapter
	// removes the keyboard it was on.
	Stale bool
}

// Handle processes one incoming input end to end. On error nothing of
// the session is saved, so the user loses nothing; the user is told what
// happened in their language.
func (e *Engine) Handle(ctx context.Context, in Incoming, out Sender) (Outcome, error) {
	if in.Input.Group {
		return e.refuseGroup(ctx, in, out)
	}
	iv := e.interview
	s, err := iv.load(ctx, in)
	if err != nil {
		e.fail(ctx, in.ChatID, cmp.Or(in.Input.LangHint, matcher.LangEN), out, err)
		return Outcome{}, err
	}
	s.UseLangHint(in.Input.LangHint)
	if in.Input.Kind == dialog.InButton && s.UserID != 0 && in.UserID != 0 && s.UserID != in.UserID {
		// Someone else pressed a button of this chat (a group, or a forwarded message).
		return Outcome{Toast: dialog.Tr(s.Lang, "not_yours")}, nil
	}
	if heard, ok := confirmHeard(&s, in); ok {
		in.Input = heard // a confirmed transcript goes on as text
	}
	switch {
	case in.Input.Kind == dialog.InVoice:
		if err := iv.ears.hear(ctx, &s, in, out); err != nil {
			e.fail(ctx, in.ChatID, langFor(&s, in), out, err)
			return Outcome{}, err
		}
		return Outcome{}, iv.save(ctx, &s)
	case in.Input.Kind == dialog.InDocument && in.Input.Text != "" && !e.org.isAdmin(in.UserID):
		// A file's caption is read as text; only organizers upload lists.
		in.Input = dialog.Input{Kind: dialog.InText, Text: in.Input.Text, LangHint: in.Input.LangHint}
	case in.Input.Kind == dialog.InButton && in.Input.Button.IsAction():
		toast, err := e.action(ctx, &s, in, in.Input.Button, out)
		if err != nil {
			e.fail(ctx, in.ChatID, s.Lang, out, err)
			return Outcome{}, err
		}
		if in.Input.Button.Action == aDeleteMe {
			return Outcome{Toast: toast}, nil // nothing of the user is kept, the session neither
		}
		return Outcome{Toast: toast}, iv.save(ctx, &s)
	case in.Input.Kind == dialog.InDocument:
		if err := e.org.document(ctx, &s, in, out); err != nil {
			e.fail(ctx, in.ChatID, langFor(&s, in), out, err)
			return Outcome{}, err
		}
		return Outcome{}, nil
	case in.Input.Kind == dialog.InText:
		if handled, err := e.contactReply(ctx, &s, in, out); handled || err != nil {
			if err != nil {
				e.fail(ctx, in.ChatID, s.Lang, out, err)
				return Outcome{}, err
			}
			return Outcome{}, iv.save(ctx, &s)
		}
	case in.Input.Kind == dialog.InCommand:
		if handled, err := e.command(ctx, &s, in, out); handled {
			if err != nil {
				e.fail(ctx, in.ChatID, s.Lang, out, err)
			}
			return Outcome{}, err
		}
	}
	return iv.Run(ctx, &s, in, out)
}

// action performs an action button: buttons act on stored data rather
// than on the interview. It returns the toast for the press.
func (e *Engine) action(ctx context.Context, s *dialog.Session, in Incoming, b dialog.Button, out Sender) (string, error) {
	switch {
	case e.intros.handles(b.Action):
		return e.intros.Action(ctx, s, in, b, out)
	case e.profiles.handles(b.Action):
		return e.profiles.Action(ctx, s, in, b, out)
	case b.Action == aAdmin:
		return e.org.action(ctx, s, in, b, out)
	case b.Action == aHeard: // "use" was handled before the dialog: the transcript is gone
		s.Heard = ""
		return dialog.Tr(s.Lang, "voice_dropped"), replace(ctx, e.log, in, out, dialog.Reply{Text: dialog.Tr(s.Lang, "voice_dropped")})
	}
	return dialog.Tr(s.Lang, "stale_toast"), nil
}

// command performs the commands that act on stored data: the
// organizers', /connections, and one's own data. It reports false for
// commands the dialog handles.
func (e *Engine) command(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (bool, error) {
	if handled, err := e.org.command(ctx, s, in, out); handled {
		return true, err
	}
	if in.Input.Command == "connections" {
		text, err := e.intros.connections(ctx, s.Lang, in.UserID)
		if err != nil {
			return true, err
		}
		return true, out.Send(ctx, in.ChatID, dialog.Reply{Text: text})
	}
	return e.profiles.Command(ctx, s, in, out)
}

// contactReply takes a text as the contact the bot asked for, then
// performs the action that waited for it. handled is false when the bot
// was not waiting for a contact.
func (e *Engine) contactReply(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (handled bool, err error) {
	handled, then, err := e.intros.ContactReply(ctx, s, in, out)
	if !handled || err != nil || then.Action == "" {
		return handled, err
	}
	next := in
	next.Input = dialog.Input{Kind: dialog.InButton, Button: then}
	_, err = e.action(ctx, s, next, then, out)
	return true, err
}

// FinishOwedIntros sends the messages still owed by introduction changes
// made before the given time, and reports how many it finished.
func (e *Engine) FinishOwedIntros(ctx context.Context, before time.Time) (int, error) {
	return e.intros.FinishOwed(ctx, before)
}

// NotifyCounterparts tells the owners of p's counterparts that p is a new
// match for their profile. Failures are logged.
func (e *Engine) NotifyCounterparts(ctx context.Context, p matcher.Profile) {
	e.notices.NotifyCounterparts(ctx, p)
}

// SendDigests sends every waiting daily digest.
func (e *Engine) SendDigests(ctx context.Context) error { return e.notices.SendDigests(ctx) }

// ExpireProfiles asks owners of profiles about to expire whether they are
// still looking, and expires those past ttl.
func (e *Engine) ExpireProfiles(ctx context.Context, ttl time.Duration) error {
	return e.notices.ExpireProfiles(ctx, ttl)
}

// refuseGroup answers in a group chat with one line pointing to a private
// chat (a toast for a button) and keeps nothing of the group.
func (e *Engine) refuseGroup(ctx context.Context, in Incoming, out Sender) (Outcome, error) {
	l := in.Input.LangHint
	if in.Input.Kind == dialog.InButton {
		return Outcome{Toast: dialog.Tr(l, "group_only")}, nil
	}
	if in.Input.Kind != dialog.InCommand && in.Input.Kind != dialog.InText {
		return Outcome{}, nil
	}
	return Outcome{}, out.Send(ctx, in.ChatID, dialog.Reply{Text: dialog.Tr(l, "group_only")})
}

// reserve returns a context that ends d before ctx's deadline (if it has
// one, and that leaves anything).
func reserve(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) > 2*d {
		return context.WithDeadline(ctx, dl.Add(-d))
	}
	return context.WithCancel(ctx)
}

// identity lists the ids of an incoming message's chat and sender, which
// must not leave the process even when the user typed them.
func identity(in Incoming) []string {
	var out []string
	for _, id := range []int64{in.UserID, in.ChatID} {
		if id != 0 {
			out = append(out, strconv.FormatInt(id, 10))
		}
	}
	return out
}

// userKey identifies the user for per-user limits: the first id that is set.
func userKey(ids ...int64) string {
	for _, id := range ids {
		if id != 0 {
			return strconv.FormatInt(id, 10)
		}
	}
	return ""
}

// typingEvery renews the typing indicator while the bot works; clients
// show it for about five seconds.
const typingEvery = 4 * time.Second

// keepTyping shows the typing indicator until stop is called.
func keepTyping(ctx context.Context, out Sender, chatID int64) (stop func()) {
	out.Typing(ctx, chatID)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(typingEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				out.Typing(ctx, chatID)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// fail tells the user about err, once, and logs the detail.
func (e *Engine) fail(ctx context.Context, chatID int64, lang matcher.Lang, out Sender, err error) {
	fail(ctx, e.log, chatID, lang, out, err)
}

// fail tells the user about err, once, and logs the detail.
func fail(ctx context.Context, log *slog.Logger, chatID int64, lang matcher.Lang, out Sender, err error) {
	text, internal := userText(lang, err)
	if internal {
		log.Error("handle update failed", "chat_id", chatID, "err", err)
	} else {
		log.Info("input rejected", "chat_id", chatID, "err", err)
	}
	if serr := out.Send(ctx, chatID, dialog.Reply{Text: text}); serr != nil {
		log.Warn("send error notice failed", "chat_id", chatID, "err", serr)
	}
}
