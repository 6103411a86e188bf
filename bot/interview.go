package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Interview is the use case of describing a need or an offer: it keeps
// the dialog's session per chat, steps the dialog, and performs its
// effects — the analysis of a description, publishing (with the
// profile's embedding and the event its owner came by) and the search —
// and hears voice messages (voice.go).
type Interview struct {
	dialog   *dialog.Dialog
	st       InterviewStore
	analyzer Analyzer
	embedder Embedder
	ears     ears
	ranker   Ranker
	matches  *Matches
	views    *Views
	events   EventTagger
	log      *slog.Logger
	now      func() time.Time
}

// InterviewStore is what the interview needs of the store: the sessions
// and the published profiles.
type InterviewStore interface {
	SessionStore
	ProfileStore
}

var _ InterviewStore = (*store.Store)(nil)

// interviewStore joins sessions and profiles kept apart.
type interviewStore struct {
	SessionStore
	ProfileStore
}

// EventTagger tags a profile with the event by whose link its owner
// arrived (the organizers' /event); the returned func records the profile
// under the event once stored. Without organizers nothing is tagged.
type EventTagger interface {
	EventTag(ctx context.Context, p *matcher.Profile, owner int64) (stored func(context.Context))
}

// NewInterview builds the interview. embedder may be nil (no embeddings
// computed), and so may transcriber (users are asked to type instead of
// speaking).
func NewInterview(d *dialog.Dialog, st InterviewStore, analyzer Analyzer, embedder Embedder, transcriber Transcriber, ranker Ranker,
	matches *Matches, views *Views, events EventTagger, log *slog.Logger, now func() time.Time) *Interview {
	if embedder == nil {
		embedder = NoEmbedder{}
	}
	var e ears = typeInstead{}
	if transcriber != nil {
		e = transcribing{t: transcriber, log: log}
	}
	return &Interview{dialog: d, st: st, analyzer: analyzer, embedder: embedder, ears: e, ranker: ranker,
		matches: matches, views: views, events: events, log: log, now: now}
}

// NoEmbedder is the Embedder without a model: it computes no vectors.
type NoEmbedder struct{}

// Embed returns no vectors and no error.
func (NoEmbedder) Embed(context.Context, []string) ([][]float32, error) { return nil, nil }

// Model is empty.
func (NoEmbedder) Model() string { return "" }

// maxChain bounds the effect → input loop of one incoming message.
const maxChain = 4

// Run steps the dialog with in, performs the effects, and saves the
// session. On error the user has been told (fail).
func (iv *Interview) Run(ctx context.Context, s *dialog.Session, in Incoming, out Sender) (Outcome, error) {
	next := in.Input
	var res Outcome
	for range maxChain {
		eff := iv.dialog.Step(s, next, iv.now())
		if eff.Toast != "" {
			res.Toast = eff.Toast
		}
		res.Stale = res.Stale || eff.Stale
		for _, r := range eff.Replies {
			if err := out.Send(ctx, in.ChatID, r); err != nil {
				// The dialog moved on; keep the state so the user can continue.
				iv.save(ctx, s)
				return res, fmt.Errorf("send to %d: %w", in.ChatID, err)
			}
		}
		switch {
		case eff.Analyze != nil:
			stop := keepTyping(ctx, out, in.ChatID)
			req := eff.Analyze
			actx, cancel := reserve(ctx, analyzeReserve)
			a, err := iv.analyzer.Analyze(actx, matcher.AnalysisRequest{Kind: req.Kind, Lang: req.Lang, Text: req.Text,
				User: userKey(s.UserID, in.UserID), Private: identity(in)})
			cancel()
			stop()
			if err != nil {
				fail(ctx, iv.log, in.ChatID, s.Lang, out, err)
				return res, err
			}
			next = dialog.Input{Kind: dialog.InAnalyzed, Analysis: &a}
			continue
		case eff.Publish != nil:
			stop := keepTyping(ctx, out, in.ChatID)
			p, matches, team, err := iv.publish(ctx, *eff.Publish, in.UserID, identity(in))
			stop()
			if err != nil {
				fail(ctx, iv.log, in.ChatID, s.Lang, out, err)
				return res, err
			}
			rows, err := iv.matches.buttons(ctx, p.ID, matches, s.Lang)
			if err != nil {
				fail(ctx, iv.log, in.ChatID, s.Lang, out, err)
				return res, err
			}
			next = dialog.Input{Kind: dialog.InPublished, Profile: &p, Matches: iv.views.publicMatches(ctx, matches, s.Lang), Team: iv.views.publicTeam(ctx, team, s.Lang), MatchButtons: rows}
			continue
		case eff.Search != nil:
			matches, err := iv.search(ctx, *eff.Search)
			if err != nil {
				fail(ctx, iv.log, in.ChatID, s.Lang, out, err)
				return res, err
			}
			next = dialog.Input{Kind: dialog.InSearched, Text: eff.Search.Query, Matches: iv.views.publicMatches(ctx, matches, s.Lang)}
			continue
		}
		break
	}
	if err := iv.save(ctx, s); err != nil {
		fail(ctx, iv.log, in.ChatID, s.Lang, out, err)
		return res, err
	}
	return res, nil
}

func (iv *Interview) load(ctx context.Context, in Incoming) (dialog.Session, error) {
	b, err := iv.st.Session(ctx, in.ChatID)
	if err != nil {
		return dialog.Session{}, err
	}
	if b == nil {
		return dialog.Session{ChatID: in.ChatID, UserID: in.UserID}, nil
	}
	var s dialog.Session
	if err := json.Unmarshal(b, &s); err != nil {
		// A session that cannot be read is dropped rather than blocking the chat forever.
		iv.log.Warn("session undecodable, starting afresh", "chat_id", in.ChatID, "err", err)
		return dialog.Session{ChatID: in.ChatID, UserID: in.UserID}, nil
	}
	return s, nil
}

func (iv *Interview) save(ctx context.Context, s *dialog.Session) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode session %d: %w", s.ChatID, err)
	}
	return iv.st.SaveSession(ctx, s.ChatID, b)
}

// publish stores the profile and ranks its counterparts; for a need it
// also proposes a linkage team when one adds coverage.
func (iv *Interview) publish(ctx context.Context, p matcher.Profile, ownerID int64, private []string) (matcher.Profile, []matcher.Match, *matcher.Team, error) {
	now := iv.now().UTC()
	if p.ID == "" {
		id, err := iv.st.NewProfileID(ctx)
		if err != nil {
			return p, nil, nil, err
		}
		p.ID = id
		p.CreatedAt = now
	}
	p.OwnerID = ownerID
	p.UpdatedAt = now
	iv.embed(ctx, &p, private)
	underEvent := iv.events.EventTag(ctx, &p, ownerID)
	if _, err := iv.st.SaveProfile(ctx, p); err != nil {
		return p, nil, nil, err
	}
	underEvent(ctx)
	iv.ranker.Upsert(p)
	q, err := iv.matches.shownQuery(ctx, p, iv.matches.limit)
	if err != nil {
		return p, nil, nil, err
	}
	matches := iv.ranker.Rank(q)
	var team *matcher.Team
	if t, ok := iv.ranker.Team(q); ok {
		team = &t
	}
	iv.log.Info("profile published", "profile_id", p.ID, "kind", p.Kind, "matches", len(matches), "team", team != nil)
	iv.matches.count(ctx, len(matches))
	return p, matches, team, nil
}

// search ranks the counterparts that the words of req describe, as
// a draft profile of req.Kind would see them.
func (iv *Interview) search(ctx context.Context, req dialog.SearchRequest) ([]matcher.Match, error) {
	p := matcher.Profile{Kind: req.Kind, Title: req.Query, Description: req.Query, Lang: matcher.DetectLang(req.Query)}
	q, err := iv.matches.shownQuery(ctx, p, iv.matches.limit)
	if err != nil {
		return nil, err
	}
	return iv.ranker.Rank(q), nil
}

// embed gives p an embedding; without an Embedder (NoEmbedder computes
// none), or when it fails, p is published without (the ranking does not
// need it). The private words are removed from the text first.
func (iv *Interview) embed(ctx context.Context, p *matcher.Profile, private []string) {
	ctx, cancel := context.WithTimeout(ctx, embedBudget)
	defer cancel()
	vs, err := iv.embedder.Embed(ctx, []string{matcher.RedactWords(p.EmbeddingText(), private...)})
	if err == nil && len(vs) == 0 {
		return // none computed
	}
	if err != nil || len(vs) != 1 {
		iv.log.Warn("profile embedding failed; published without", "profile_id", p.ID, "err", err)
		return
	}
	p.Embedding, p.EmbeddingModel = vs[0], iv.embedder.Model()
}

// embedBudget bounds the embedding of a profile on publish; a slow
// server delays the matches by at most this much.
const embedBudget = 10 * time.Second

// analyzeReserve is kept back from an update's deadline for what follows
// an analysis: the replies and saving the session.
const analyzeReserve = 5 * time.Second
