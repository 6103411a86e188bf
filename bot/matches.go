package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/duijie/duijie/bot/dialog"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// Matches is what the owner of a profile is shown of its counterparts:
// the ranking of matcher.ShownQuery (without the counterparts they
// declined), a page at a time, each match with its buttons, and one match
// in full. Publishing, /my, a claim and new-match notices show matches
// through it.
type Matches struct {
	st     PageStore
	ranker Ranker
	tax    *matcher.Taxonomy
	views  *Views
	limit  int // matches on a page
	log    *slog.Logger
	now    func() time.Time
}

// PageStore is what showing matches needs of the store: the pairs
// declined, the tokens the buttons carry, the profiles, and the count of
// matches shown.
type PageStore interface {
	matcher.Declines
	MatchTokens(ctx context.Context, mine string, theirs []string) ([]string, error)
	MatchToken(ctx context.Context, tok string) (mine, theirs string, err error)
	Profile(ctx context.Context, id string) (matcher.Profile, error)
	CountBy(ctx context.Context, name string, n int64, now time.Time) error
}

var _ PageStore = (*store.Store)(nil)

// NewMatches builds the pages of matches; limit is how many one page
// shows (zero for matcher.DefaultLimit).
func NewMatches(st PageStore, ranker Ranker, tax *matcher.Taxonomy, views *Views, limit int, log *slog.Logger, now func() time.Time) *Matches {
	return &Matches{st: st, ranker: ranker, tax: tax, views: views, limit: cmp.Or(limit, matcher.DefaultLimit), log: log, now: now}
}

// shownQuery is matcher.ShownQuery on the store: what the owner of p is
// shown, without the counterparts they declined.
func (ms *Matches) shownQuery(ctx context.Context, p matcher.Profile, limit int) (matcher.Query, error) {
	return matcher.ShownQuery(ctx, ms.st, p, limit)
}

// count adds n to the matches shown.
func (ms *Matches) count(ctx context.Context, n int) {
	if err := ms.st.CountBy(ctx, store.CountMatchesShown, int64(n), ms.now()); err != nil {
		ms.log.Warn("count matches shown failed", "err", err)
	}
}

// buttons gives the first page of a profile's matches its buttons.
func (ms *Matches) buttons(ctx context.Context, mine string, m []matcher.Match, l matcher.Lang) ([][]dialog.Choice, error) {
	return ms.pageButtons(ctx, mine, m, l, 0, false)
}

// pageButtons gives each shown match its buttons — request an
// introduction, or mark it not relevant — and "more" when the page is
// full. A first page with no good match gets one button instead, to
// browse the weak ones (unless browsing).
func (ms *Matches) pageButtons(ctx context.Context, mine string, m []matcher.Match, l matcher.Lang, first int, browse bool) ([][]dialog.Choice, error) {
	if len(m) == 0 {
		return nil, nil
	}
	if first == 0 && !browse && !matcher.Good(m) {
		return [][]dialog.Choice{{{Label: dialog.Tr(l, "btn_browse"), Button: dialog.Action(aBrowse, mine)}}}, nil
	}
	ids := make([]string, len(m))
	for i, x := range m {
		ids[i] = x.Profile.ID
	}
	toks, err := ms.st.MatchTokens(ctx, mine, ids)
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
		nav = append(nav, dialog.Choice{Label: dialog.Tr(l, "btn_prev"), Button: dialog.Action(aMore, fmt.Sprintf("%s.%d", mine, max(first-ms.limit, 0)))})
	}
	if len(m) >= ms.limit {
		nav = append(nav, dialog.Choice{Label: dialog.Tr(l, "btn_more"), Button: dialog.Action(aMore, fmt.Sprintf("%s.%d", mine, first+len(m)))})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	return rows, nil
}

// show ranks a stored profile's counterparts, without the ones its
// owner declined, and shows them with their buttons.
func (ms *Matches) show(ctx context.Context, l matcher.Lang, p matcher.Profile, chatID int64, out Sender) error {
	q, err := ms.shownQuery(ctx, p, ms.limit)
	if err != nil {
		return err
	}
	m := ms.ranker.Rank(q)
	rows, err := ms.buttons(ctx, p.ID, m, l)
	if err != nil {
		return err
	}
	ms.count(ctx, len(m))
	return out.Send(ctx, chatID, dialog.Reply{Text: dialog.RenderMatches(ms.tax, l, p.Kind, ms.views.publicMatches(ctx, m, l)), Buttons: rows})
}

// page shows a page of a stored profile's matches from offset, weak
// ones included, in place of the message whose button asked for it.
func (ms *Matches) page(ctx context.Context, l matcher.Lang, p matcher.Profile, in Incoming, out Sender, offset int) error {
	q, err := ms.shownQuery(ctx, p, ms.limit)
	if err != nil {
		return err
	}
	q.Offset = offset
	m := ms.ranker.Rank(q)
	if len(m) == 0 {
		return replace(ctx, ms.log, in, out, dialog.Reply{Text: dialog.Tr(l, "no_more_matches")})
	}
	rows, err := ms.pageButtons(ctx, p.ID, m, l, offset, true)
	if err != nil {
		return err
	}
	ms.count(ctx, len(m))
	return replace(ctx, ms.log, in, out, dialog.Reply{Text: dialog.RenderPage(ms.tax, l, p.Kind, ms.views.publicMatches(ctx, m, l), offset), Buttons: rows})
}

// details shows one match in full in place of its page, with its
// buttons and one back to the page.
func (ms *Matches) details(ctx context.Context, l matcher.Lang, in Incoming, tok string, offset int, out Sender) (string, error) {
	mine, theirsID, err := ownedMatch(ctx, ms.st, in.UserID, tok)
	if err != nil {
		return refused(ms.log, l, err)
	}
	theirs, err := ms.st.Profile(ctx, theirsID)
	if errors.Is(err, store.ErrNotFound) || err == nil && theirs.Status != matcher.StatusActive {
		return dialog.Tr(l, "gone_toast"), nil
	}
	if err != nil {
		return "", err
	}
	m, ok := ms.ranker.Pair(mine, theirs.ID)
	if !ok {
		m = matcher.Match{}
	}
	m.Profile = theirs
	r := dialog.Reply{Text: dialog.RenderDetails(ms.tax, l, mine.Kind, ms.views.publicMatch(ctx, m, l)), Buttons: [][]dialog.Choice{
		{
			{Label: dialog.Tr(l, "btn_intro_one"), Button: dialog.Action(aRequestIntro, tok)},
			{Label: dialog.Tr(l, "btn_not_relevant_one"), Button: dialog.Action(aNotRelevant, tok)},
		},
		{{Label: dialog.Tr(l, "btn_back"), Button: dialog.Action(aMore, mine.ID+"."+strconv.Itoa(offset))}},
	}}
	return "", replace(ctx, ms.log, in, out, r)
}

// replace shows r in place of the message whose button was pressed when
// the adapter can edit it, else — or when the edit is refused (a message
// too old, or not the bot's) — as a new message.
func replace(ctx context.Context, log *slog.Logger, in Incoming, out Sender, r dialog.Reply) error {
	if ed, ok := out.(Editor); ok && in.MessageID != 0 {
		err := ed.Edit(ctx, in.ChatID, in.MessageID, r)
		if err == nil || ctx.Err() != nil {
			return err
		}
		log.Info("edit refused; sending anew", "chat_id", in.ChatID, "err", err)
	}
	return out.Send(ctx, in.ChatID, r)
}
