package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// New matches: when a profile is stored active (published or edited in
// the chat, imported, uploaded by an organizer), the owners of its best
// counterparts hear of it — at once, in a daily digest, or not at all, as
// they chose in /settings, and at most DailyNoticeCap times a day. The
// notices follow the change stream (WatchNewMatches): publishing does not
// wait for them.

// Notices is what new-match notices need of the store.
type Notices interface {
	TakeDailyNotice(ctx context.Context, user int64, cap int, now time.Time) (bool, error)
	AddToDigest(ctx context.Context, user int64, text string) error
	TakeDigests(ctx context.Context) (map[int64][]string, error)
	FirstNudge(ctx context.Context, profileID string, updated time.Time, ttl time.Duration) (bool, error)
	ProfilesByID(ctx context.Context, ids []string, fn func(matcher.Profile) error) error
	Declined(ctx context.Context, profileID string) (map[string]bool, error)
	Settings(ctx context.Context, user int64) (store.Settings, error)
	MatchTokens(ctx context.Context, mine string, theirs []string) ([]string, error)
	SaveProfile(ctx context.Context, p matcher.Profile) (bool, error)
}

var _ Notices = (*store.Store)(nil)

// Limits of new-match notices.
const (
	// NotifyMinScore is the score a counterpart needs for its owner to be
	// told. It is well above ShowMinScore: a notice interrupts someone,
	// a shown list does not; on the labelled dev set few unrelated pairs
	// reach it.
	NotifyMinScore = 0.2
	// maxFanout bounds the counterparts told about one new profile.
	maxFanout = 100
	// DailyNoticeCap is how many new-match notices a user gets a day.
	DailyNoticeCap = 5
)

// ChangeStream is the change stream of stored profiles (store.Store).
type ChangeStream interface {
	// Changes waits up to block for entries after seq.
	Changes(ctx context.Context, seq string, count int64, block time.Duration) ([]store.Change, error)
	// Profile returns a stored profile, or store.ErrNotFound.
	Profile(ctx context.Context, id string) (matcher.Profile, error)
	// Cursor returns the position a named reader saved, "" for none;
	// SaveCursor saves it.
	Cursor(ctx context.Context, name string) (string, error)
	SaveCursor(ctx context.Context, name, seq string) error
}

// WatcherCursor names the new-match watcher's saved stream position.
const WatcherCursor = "new-matches"

// WatchNewMatches sends the new-match notices of every profile the change
// stream announces, until ctx ends, and returns the position it reached.
// It starts where the last watcher saved its position (WatcherCursor), so
// profiles stored while no watcher ran are announced too, or after from
// when no position was saved; it saves the position after each batch.
// Run one watcher among replicas; a notice is queued once per recipient
// and pair whatever replica sends it, so a batch handled again after a
// crash sends nothing twice.
func (e *Engine) WatchNewMatches(ctx context.Context, changes ChangeStream, from string) string {
	const block, pause = 2 * time.Second, time.Second
	seq := from
	saved, err := changes.Cursor(ctx, WatcherCursor)
	switch {
	case err != nil:
		e.log.Warn("new-match watcher: saved position unreadable; starting at the index", "err", err)
	case saved != "":
		seq = saved
	default:
		// The first watcher ever: a later one resumes from here.
		if err := changes.SaveCursor(ctx, WatcherCursor, seq); err != nil {
			e.log.Warn("new-match watcher: save position failed", "seq", seq, "err", err)
		}
	}
	for ctx.Err() == nil {
		cs, err := changes.Changes(ctx, seq, 100, block)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("new-match watcher read failed", "err", err)
				sleepCtx(ctx, pause)
			}
			continue
		}
		for _, c := range cs {
			if ctx.Err() != nil {
				return seq
			}
			if c.Op == store.OpUpsert {
				e.announce(ctx, changes, c.ID)
			}
			seq = c.Seq
		}
		if len(cs) > 0 {
			if err := changes.SaveCursor(ctx, WatcherCursor, seq); err != nil {
				e.log.Warn("new-match watcher: save position failed", "seq", seq, "err", err)
			}
		}
	}
	return seq
}

// announce sends the new-match notices of the stored profile id, if it
// is active.
func (e *Engine) announce(ctx context.Context, changes ChangeStream, id string) {
	p, err := changes.Profile(ctx, id)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			e.log.Warn("new-match watcher load failed", "profile_id", id, "err", err)
		}
		return
	}
	if p.Status == matcher.StatusActive {
		e.NotifyCounterparts(ctx, p)
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// MatchNotices tells owners of new matches for their profiles, sends the
// daily digests, and asks about profiles about to expire.
type MatchNotices struct {
	st        Notices
	matches   *Matches
	ranker    Ranker
	tax       *matcher.Taxonomy
	views     *Views
	broker    Broker
	messenger Messenger
	log       *slog.Logger
	now       func() time.Time
}

// newMatchNotices is MatchNotices, or noticesOff without a Notices store.
type newMatchNotices interface {
	NotifyCounterparts(ctx context.Context, p matcher.Profile)
	SendDigests(ctx context.Context) error
	ExpireProfiles(ctx context.Context, ttl time.Duration) error
}

var (
	_ newMatchNotices = (*MatchNotices)(nil)
	_ newMatchNotices = noticesOff{}
)

// noticesOff stands for new-match notices when no store keeps their caps
// and digests: nobody is told, and profiles do not expire.
type noticesOff struct{}

func (noticesOff) NotifyCounterparts(context.Context, matcher.Profile) {}
func (noticesOff) SendDigests(context.Context) error                   { return nil }
func (noticesOff) ExpireProfiles(context.Context, time.Duration) error { return nil }

// NewMatchNotices builds the new-match notices; in broker mode they wait
// for an organizer's approval (broker).
func NewMatchNotices(st Notices, matches *Matches, ranker Ranker, tax *matcher.Taxonomy, views *Views, broker Broker, messenger Messenger, log *slog.Logger, now func() time.Time) *MatchNotices {
	return &MatchNotices{st: st, matches: matches, ranker: ranker, tax: tax, views: views, broker: broker, messenger: messenger, log: log, now: now}
}

// NotifyCounterparts tells the owners of p's counterparts that p is a new
// match for their profile. Failures are logged.
func (mn *MatchNotices) NotifyCounterparts(ctx context.Context, p matcher.Profile) {
	q, err := mn.matches.shownQuery(ctx, p, maxFanout)
	if err != nil {
		mn.log.Warn("new-match notices failed", "profile_id", p.ID, "err", err)
		return
	}
	q.MinScore = NotifyMinScore
	ms := mn.ranker.Rank(q)
	told := 0
	for _, m := range ms {
		c := m.Profile
		if c.OwnerID == 0 || c.OwnerID == p.OwnerID || c.Status != matcher.StatusActive {
			continue
		}
		if declined, err := mn.st.Declined(ctx, c.ID); err != nil || declined[p.ID] {
			continue
		}
		ok, err := mn.noticeMatch(ctx, c, p, m)
		if err != nil {
			mn.log.Warn("new-match notice failed", "profile_id", c.ID, "err", err)
			continue
		}
		if ok {
			told++
		}
	}
	mn.log.Info("new-match notices", "profile_id", p.ID, "candidates", len(ms), "told", told)
}

// noticeMatch tells the owner of c that p is a new match for c.
func (mn *MatchNotices) noticeMatch(ctx context.Context, c, p matcher.Profile, m matcher.Match) (bool, error) {
	st, err := mn.st.Settings(ctx, c.OwnerID)
	if err != nil {
		return false, err
	}
	l := st.Lang
	if l == "" {
		l = c.Lang
	}
	p, m = mn.views.public(ctx, p, l), mn.views.publicMatch(ctx, m, l)
	text := dialog.Tr(l, "new_match", c.Title) + "\n\n<b>" + dialog.Esc(p.Title) + "</b>\n" + dialog.RenderMatch(mn.tax, l, c.Kind, m)
	switch st.Notify {
	case store.NotifyOff:
		return false, nil
	case store.NotifyDigest:
		if !mn.broker.Brokered() { // in broker mode each notice waits for approval on its own
			return true, mn.st.AddToDigest(ctx, c.OwnerID, dialog.Esc(p.Title)+" — "+dialog.Tr(l, "new_match_for", c.Title))
		}
	}
	ok, err := mn.st.TakeDailyNotice(ctx, c.OwnerID, DailyNoticeCap, mn.now())
	if err != nil || !ok {
		return false, err
	}
	toks, err := mn.st.MatchTokens(ctx, c.ID, []string{p.ID})
	if err != nil {
		return false, err
	}
	r := dialog.Reply{Text: text, Buttons: [][]dialog.Choice{{
		{Label: dialog.Tr(l, "btn_intro_one"), Button: dialog.Action(aRequestIntro, toks[0])},
		{Label: dialog.Tr(l, "btn_not_relevant_one"), Button: dialog.Action(aNotRelevant, toks[0])},
	}}}
	_, err = mn.broker.Deliver(ctx, Outgoing{Kind: HeldMatch, From: p.OwnerID, To: c.OwnerID, Key: c.ID + ">" + p.ID, Reply: r, Note: mn.broker.Note(ctx, p, c)})
	return true, err
}

// SendDigests sends every waiting daily digest.
func (mn *MatchNotices) SendDigests(ctx context.Context) error {
	all, err := mn.st.TakeDigests(ctx)
	if err != nil {
		return err
	}
	day := mn.now().UTC().Format("2006-01-02")
	for user, items := range all {
		l := mn.views.langOf(ctx, user, matcher.LangEN)
		text := dialog.Tr(l, "digest", len(items)) + "\n\n• " + strings.Join(items, "\n• ") + "\n\n" + dialog.Tr(l, "digest_hint")
		if err := mn.messenger.Notify(ctx, user, "digest:"+day, dialog.Reply{Text: text}); err != nil {
			mn.log.Warn("digest failed", "chat_id", user, "err", err)
		}
	}
	return nil
}

// ExpireProfiles asks owners of profiles about to expire whether they are
// still looking, and expires those past ttl. A [Keep] renews a profile.
// Only the profiles the index names as old enough are read from the store
// (profiles an import stored without an owner never are).
func (mn *MatchNotices) ExpireProfiles(ctx context.Context, ttl time.Duration) error {
	now := mn.now()
	nudgeAt := ttl - nudgeBefore
	var expired []matcher.Profile
	// The index names the candidates; each is read again, as stored now.
	candidates := mn.ranker.UpdatedBefore(now.Add(-nudgeAt))
	err := mn.st.ProfilesByID(ctx, candidates, func(p matcher.Profile) error {
		if p.Status != matcher.StatusActive || p.OwnerID == 0 {
			return nil
		}
		age := now.Sub(p.UpdatedAt)
		switch {
		case age > ttl:
			expired = append(expired, p)
		case age > nudgeAt:
			first, err := mn.st.FirstNudge(ctx, p.ID, p.UpdatedAt, ttl)
			if err != nil || !first {
				return err
			}
			l := mn.views.langOf(ctx, p.OwnerID, p.Lang)
			r := dialog.Reply{Text: dialog.Tr(l, "still_looking", p.Title, int(nudgeBefore.Hours()/24)), Buttons: [][]dialog.Choice{{
				{Label: dialog.Tr(l, "btn_keep"), Button: dialog.Action(aKeep, p.ID)},
				{Label: dialog.Tr(l, "btn_pause"), Button: dialog.Action(aPause, p.ID)},
			}}}
			if err := mn.messenger.Notify(ctx, p.OwnerID, "nudge:"+p.ID+":"+p.UpdatedAt.Format(time.RFC3339), r); err != nil {
				mn.log.Warn("still-looking nudge failed", "profile_id", p.ID, "err", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range expired {
		p.Status = matcher.StatusExpired
		if _, err := mn.st.SaveProfile(ctx, p); err != nil {
			return err
		}
		mn.ranker.Upsert(p)
	}
	if len(expired) > 0 {
		mn.log.Info("profiles expired", "count", len(expired))
	}
	return nil
}

// nudgeBefore is how long before expiry the owner is asked.
const nudgeBefore = 7 * 24 * time.Hour

// DefaultProfileTTL is how long a profile stays active without an update.
const DefaultProfileTTL = 90 * 24 * time.Hour
