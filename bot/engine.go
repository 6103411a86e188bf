// Package bot performs Duijie's conversation: the engine carries out the
// effects of the dialog (bot/dialog) against the store, the normalizer
// and the match index, and holds the actions on stored data
// (introductions, feedback, /my, /settings, /export, /delete), the
// organizers' commands, the new-match watcher and the console adapter.
// The Telegram adapter is bot/telegram; notification delivery is
// bot/notify.
//
// It imports no Telegram or Redis client: Redis is reached only through
// the small interfaces declared beside their users.
package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/metrics"
	"github.com/duijie/duijie/store"
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

// Engine runs the dialog for incoming messages: it loads the session,
// steps the dialog, performs the effects and saves the session. Callers
// serialize calls per chat.
type Engine struct {
	dialog   *dialog.Dialog
	sessions SessionStore
	profiles ProfileStore
	analyzer Analyzer
	ranker   Ranker
	log      *slog.Logger
	now      func() time.Time
	// matchLimit is how many counterparts are shown after publishing.
	matchLimit int
	embedder   Embedder
	data       DataStore
	// ledger is Data's IntroLedger, nil when Data keeps no owed marks.
	ledger      IntroLedger
	messenger   Messenger
	metrics     *metrics.Metrics
	organizers  *Organizers
	transcriber Transcriber
	notices     Notices
	contacts    Contacts
}

// Options are an engine's optional dependencies.
type Options struct {
	// Now is the clock; nil for the wall clock.
	Now func() time.Time
	// MatchLimit is how many counterparts are shown after publishing;
	// zero for matcher.DefaultLimit.
	MatchLimit int
	// Embedder, when set, computes a profile's embedding on publish.
	Embedder Embedder
	// Data gives access to stored matches, introductions, profiles and
	// settings; without it the buttons on matches and /my, /settings,
	// /export, /delete are not offered.
	Data DataStore
	// Messenger reaches users other than the one acting (introductions,
	// contacts, new matches). Required with Data; an adapter built on
	// the engine supplies it with SetMessenger.
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

// NewEngine wires an engine.
func NewEngine(tax *matcher.Taxonomy, sessions SessionStore, profiles ProfileStore, analyzer Analyzer, ranker Ranker, log *slog.Logger, opt Options) *Engine {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	ledger, _ := opt.Data.(IntroLedger)
	return &Engine{
		dialog: &dialog.Dialog{Tax: tax}, sessions: sessions, profiles: profiles, analyzer: analyzer,
		ranker: ranker, log: log, now: opt.Now, matchLimit: cmp.Or(opt.MatchLimit, matcher.DefaultLimit),
		embedder: opt.Embedder, data: opt.Data, ledger: ledger, messenger: opt.Messenger, metrics: opt.Metrics,
		organizers: opt.Organizers, transcriber: opt.Transcriber, notices: opt.Notices, contacts: opt.Contacts,
	}
}

// SetMessenger sets the messenger of an engine whose messenger is built
// on an adapter that is itself built on the engine (replies sent
// directly, as in the console). Call it before the engine handles input.
func (e *Engine) SetMessenger(m Messenger) { e.messenger = m }

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

// maxChain bounds the effect → input loop of one incoming message.
const maxChain = 4

// Handle processes one incoming input end to end. On error nothing of
// the session is saved, so the user loses nothing; the user is told what
// happened in their language.
func (e *Engine) Handle(ctx context.Context, in Incoming, out Sender) (Outcome, error) {
	if in.Input.Group {
		return e.refuseGroup(ctx, in, out)
	}
	s, err := e.load(ctx, in)
	if err != nil {
		e.fail(ctx, in.ChatID, cmp.Or(in.Input.LangHint, matcher.LangEN), out, err)
		return Outcome{}, err
	}
	s.UseLangHint(in.Input.LangHint)
	if in.Input.Kind == dialog.InButton && s.UserID != 0 && in.UserID != 0 && s.UserID != in.UserID {
		// Someone else pressed a button of this chat (a group, or a forwarded message).
		return Outcome{Toast: dialog.Tr(s.Lang, "not_yours")}, nil
	}
	if heard, ok := e.confirmHeard(&s, in); ok {
		in.Input = heard // a confirmed transcript goes on as text
	}
	switch {
	case in.Input.Kind == dialog.InVoice:
		if err := e.voice(ctx, &s, in, out); err != nil {
			e.fail(ctx, in.ChatID, langFor(&s, in), out, err)
			return Outcome{}, err
		}
		return Outcome{}, e.save(ctx, &s)
	case in.Input.Kind == dialog.InDocument && in.Input.Text != "" && !e.isAdmin(in.UserID):
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
		return Outcome{Toast: toast}, e.save(ctx, &s)
	case in.Input.Kind == dialog.InDocument:
		if err := e.document(ctx, &s, in, out); err != nil {
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
			return Outcome{}, e.save(ctx, &s)
		}
	case in.Input.Kind == dialog.InCommand:
		if handled, err := e.command(ctx, &s, in, out); handled {
			if err != nil {
				e.fail(ctx, in.ChatID, s.Lang, out, err)
			}
			return Outcome{}, err
		}
	}
	next := in.Input
	var res Outcome
	for range maxChain {
		eff := e.dialog.Step(&s, next, e.now())
		if eff.Toast != "" {
			res.Toast = eff.Toast
		}
		res.Stale = res.Stale || eff.Stale
		for _, r := range eff.Replies {
			if err := out.Send(ctx, in.ChatID, r); err != nil {
				// The dialog moved on; keep the state so the user can continue.
				e.save(ctx, &s)
				return res, fmt.Errorf("send to %d: %w", in.ChatID, err)
			}
		}
		switch {
		case eff.Analyze != nil:
			stop := keepTyping(ctx, out, in.ChatID)
			req := eff.Analyze
			actx, cancel := reserve(ctx, analyzeReserve)
			a, err := e.analyzer.Analyze(actx, matcher.AnalysisRequest{Kind: req.Kind, Lang: req.Lang, Text: req.Text,
				User: userKey(s.UserID, in.UserID), Private: identity(in)})
			cancel()
			stop()
			if err != nil {
				e.fail(ctx, in.ChatID, s.Lang, out, err)
				return res, err
			}
			next = dialog.Input{Kind: dialog.InAnalyzed, Analysis: &a}
			continue
		case eff.Publish != nil:
			stop := keepTyping(ctx, out, in.ChatID)
			p, matches, team, err := e.publish(ctx, *eff.Publish, in.UserID, identity(in))
			stop()
			if err != nil {
				e.fail(ctx, in.ChatID, s.Lang, out, err)
				return res, err
			}
			rows, err := e.matchButtons(ctx, p.ID, matches, s.Lang)
			if err != nil {
				e.fail(ctx, in.ChatID, s.Lang, out, err)
				return res, err
			}
			next = dialog.Input{Kind: dialog.InPublished, Profile: &p, Matches: e.publicMatches(ctx, matches, s.Lang), Team: e.publicTeam(ctx, team, s.Lang), MatchButtons: rows}
			continue
		case eff.Search != nil:
			matches, err := e.search(ctx, *eff.Search)
			if err != nil {
				e.fail(ctx, in.ChatID, s.Lang, out, err)
				return res, err
			}
			next = dialog.Input{Kind: dialog.InSearched, Text: eff.Search.Query, Matches: e.publicMatches(ctx, matches, s.Lang)}
			continue
		}
		break
	}
	if err := e.save(ctx, &s); err != nil {
		e.fail(ctx, in.ChatID, s.Lang, out, err)
		return res, err
	}
	return res, nil
}

func (e *Engine) load(ctx context.Context, in Incoming) (dialog.Session, error) {
	b, err := e.sessions.Session(ctx, in.ChatID)
	if err != nil {
		return dialog.Session{}, err
	}
	if b == nil {
		return dialog.Session{ChatID: in.ChatID, UserID: in.UserID}, nil
	}
	var s dialog.Session
	if err := json.Unmarshal(b, &s); err != nil {
		// A session that cannot be read is dropped rather than blocking the chat forever.
		e.log.Warn("session undecodable, starting afresh", "chat_id", in.ChatID, "err", err)
		return dialog.Session{ChatID: in.ChatID, UserID: in.UserID}, nil
	}
	return s, nil
}

func (e *Engine) save(ctx context.Context, s *dialog.Session) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode session %d: %w", s.ChatID, err)
	}
	return e.sessions.SaveSession(ctx, s.ChatID, b)
}

// publish stores the profile and ranks its counterparts; for a need it
// also proposes a linkage team when one adds coverage.
func (e *Engine) publish(ctx context.Context, p matcher.Profile, ownerID int64, private []string) (matcher.Profile, []matcher.Match, *matcher.Team, error) {
	now := e.now().UTC()
	if p.ID == "" {
		id, err := e.profiles.NewProfileID(ctx)
		if err != nil {
			return p, nil, nil, err
		}
		p.ID = id
		p.CreatedAt = now
	}
	p.OwnerID = ownerID
	p.UpdatedAt = now
	e.embed(ctx, &p, private)
	underEvent := e.eventTag(ctx, &p, ownerID)
	if _, err := e.profiles.SaveProfile(ctx, p); err != nil {
		return p, nil, nil, err
	}
	underEvent(ctx)
	e.ranker.Upsert(p)
	q, err := e.shownQuery(ctx, p, e.matchLimit)
	if err != nil {
		return p, nil, nil, err
	}
	matches := e.ranker.Rank(q)
	var team *matcher.Team
	if t, ok := e.ranker.Team(q); ok {
		team = &t
	}
	e.log.Info("profile published", "profile_id", p.ID, "kind", p.Kind, "matches", len(matches), "team", team != nil)
	if e.data != nil {
		if err := e.data.CountBy(ctx, store.CountMatchesShown, int64(len(matches)), now); err != nil {
			e.log.Warn("count matches shown failed", "err", err)
		}
	}
	return p, matches, team, nil
}

// search ranks the counterparts that the words of req describe, as
// a draft profile of req.Kind would see them.
func (e *Engine) search(ctx context.Context, req dialog.SearchRequest) ([]matcher.Match, error) {
	p := matcher.Profile{Kind: req.Kind, Title: req.Query, Description: req.Query, Lang: matcher.DetectLang(req.Query)}
	q, err := e.shownQuery(ctx, p, e.matchLimit)
	if err != nil {
		return nil, err
	}
	return e.ranker.Rank(q), nil
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

// embed gives p an embedding when an Embedder is set; without one, or
// when it fails, p is published without (the ranking does not need it).
// The private words are removed from the text first.
func (e *Engine) embed(ctx context.Context, p *matcher.Profile, private []string) {
	if e.embedder == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, embedBudget)
	defer cancel()
	vs, err := e.embedder.Embed(ctx, []string{matcher.RedactWords(p.EmbeddingText(), private...)})
	if err != nil || len(vs) != 1 {
		e.log.Warn("profile embedding failed; published without", "profile_id", p.ID, "err", err)
		return
	}
	p.Embedding, p.EmbeddingModel = vs[0], e.embedder.Model()
}

// embedBudget bounds the embedding of a profile on publish; a slow
// server delays the matches by at most this much.
const embedBudget = 10 * time.Second

// analyzeReserve is kept back from an update's deadline for what follows
// an analysis: the replies and saving the session.
const analyzeReserve = 5 * time.Second

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
	text, internal := userText(lang, err)
	if internal {
		e.log.Error("handle update failed", "chat_id", chatID, "err", err)
	} else {
		e.log.Info("input rejected", "chat_id", chatID, "err", err)
	}
	if serr := out.Send(ctx, chatID, dialog.Reply{Text: text}); serr != nil {
		e.log.Warn("send error notice failed", "chat_id", chatID, "err", serr)
	}
}

// shownQuery is matcher.ShownQuery on the engine's store: what the owner
// of p is shown, without the counterparts they declined.
func (e *Engine) shownQuery(ctx context.Context, p matcher.Profile, limit int) (matcher.Query, error) {
	var d matcher.Declines = noDeclines{}
	if e.data != nil {
		d = e.data
	}
	return matcher.ShownQuery(ctx, d, p, limit)
}

// noDeclines is the Declines of an engine without stored data.
type noDeclines struct{}

func (noDeclines) Declined(context.Context, string) (map[string]bool, error) { return nil, nil }
