package bot

import (
	"context"
	"strings"
	"unicode"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/redact"
	"github.com/duijie/duijie/report"
	"github.com/duijie/duijie/store"
)

// What a counterpart or a notice shows of a profile goes through one step,
// redact.Profile: contacts, links, messenger ids, @names and the owner's
// own names removed, invisible and bidi characters stripped. Replies are
// HTML with user text escaped, but Telegram still makes a bare URL in the
// text a link, so no URL may remain. The owner's own views (/my, the
// review card) show the profile as written.

// Views is what every service shows of other people: profiles and
// matches redacted for their reader (redact.Profile), in the language the
// reader chose. Its methods read the store and never fail: what cannot
// be read is shown with less.
type Views struct {
	st ViewStore
}

// ViewStore is what Views read: a profile in full, its owner's names
// and a reader's settings.
type ViewStore interface {
	Profile(ctx context.Context, id string) (matcher.Profile, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	Settings(ctx context.Context, user int64) (store.Settings, error)
}

var _ ViewStore = (*store.Store)(nil)

// NewViews builds the views on st.
func NewViews(st ViewStore) *Views { return &Views{st: st} }

// langOf is the language a user chose, else fallback (English when
// empty).
func (v *Views) langOf(ctx context.Context, user int64, fallback matcher.Lang) matcher.Lang {
	if st, err := v.st.Settings(ctx, user); err == nil && st.Lang != "" {
		return st.Lang
	}
	if fallback == "" {
		return matcher.LangEN
	}
	return fallback
}

// publicOptions are the redaction options for a profile of owner shown to
// a reader of language l: the owner's username and, when distinctive,
// name, as far as the store knows them, count as names.
func (v *Views) publicOptions(ctx context.Context, owner int64, l matcher.Lang) redact.Options {
	opt := redact.Options{Lang: l}
	if owner == 0 {
		return opt
	}
	if u, err := v.st.GetUser(ctx, owner); err == nil {
		opt.Names = append(opt.Names, u.Username)
		if distinctive(u.Name) {
			opt.Names = append(opt.Names, u.Name)
		}
	}
	return opt
}

// distinctive reports whether a display name can be hidden wherever it
// stands without hiding ordinary words: a name of several words, or one
// with letters beyond Latin-1 (Chinese, Łukasz). "Will", "Grace" or
// "Solar" alone would take those words out of the profile's text.
func distinctive(name string) bool {
	name = strings.TrimSpace(name)
	if strings.ContainsRune(name, ' ') {
		return true
	}
	for _, r := range name {
		if r > unicode.MaxLatin1 {
			return true
		}
	}
	return false
}

// public is p as a reader of language l sees it when p is not theirs.
func (v *Views) public(ctx context.Context, p matcher.Profile, l matcher.Lang) matcher.Profile {
	return redact.Profile(p, v.publicOptions(ctx, p.OwnerID, l))
}

// publicMatch is m as its reader, of language l, sees it. The ranker
// holds profiles without their descriptions: the stored profile, when
// there is one, tells which shared terms came from hidden text.
func (v *Views) publicMatch(ctx context.Context, m matcher.Match, l matcher.Lang) matcher.Match {
	if full, err := v.st.Profile(ctx, m.Profile.ID); err == nil {
		m.Profile = full
	}
	return redact.Match(m, v.publicOptions(ctx, m.Profile.OwnerID, l))
}

// publicMatches is ms as their reader, of language l, sees them.
func (v *Views) publicMatches(ctx context.Context, ms []matcher.Match, l matcher.Lang) []matcher.Match {
	out := make([]matcher.Match, len(ms))
	for i, m := range ms {
		out[i] = v.publicMatch(ctx, m, l)
	}
	return out
}

// publicTeam is t as its reader, of language l, sees it; nil stays nil.
func (v *Views) publicTeam(ctx context.Context, t *matcher.Team, l matcher.Lang) *matcher.Team {
	if t == nil {
		return nil
	}
	c := *t
	c.Members = make([]matcher.TeamMember, len(t.Members))
	for i, m := range t.Members {
		m.Profile = v.public(ctx, m.Profile, l)
		c.Members[i] = m
	}
	return &c
}

// An organizer's report (OrganizerReport) reads its profiles redacted in
// the report's language. Organizers know who is behind each profile, so
// no names are hidden, but the files travel further than the bot's chats:
// they carry no contacts and no links from user text. Ranking reads the
// stored profiles as always; only what the report shows is redacted.

// publicSource is a report source whose profiles are redacted with opt.
type publicSource struct {
	report.ReportSource
	opt redact.Options
}

func (s publicSource) Profiles(ctx context.Context, fn func(matcher.Profile) error) error {
	return s.ReportSource.Profiles(ctx, func(p matcher.Profile) error { return fn(redact.Profile(p, s.opt)) })
}

// publicRanker is a report's ranker whose matches and teams are redacted
// with opt.
type publicRanker struct {
	report.Matcher
	opt redact.Options
}

func (r publicRanker) Rank(q matcher.Query) []matcher.Match {
	ms := r.Matcher.Rank(q)
	for i := range ms {
		ms[i] = redact.Match(ms[i], r.opt)
	}
	return ms
}

func (r publicRanker) Team(q matcher.Query) (matcher.Team, bool) {
	t, ok := r.Matcher.Team(q)
	members := make([]matcher.TeamMember, len(t.Members))
	for i, m := range t.Members {
		m.Profile = redact.Profile(m.Profile, r.opt)
		members[i] = m
	}
	t.Members = members
	return t, ok
}

// anonymous is m as the introduction request shows the requester's side:
// without organisation or exact place, which the summary gives at
// province level.
func anonymous(m matcher.Match) matcher.Match {
	m.Profile.Org, m.Profile.Region = "", ""
	return m
}
