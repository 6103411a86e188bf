// Package report counts what Duijie did (Stats, plain text for a chat or a
// terminal) and writes the docking report of an event (Report, Markdown
// for people and CSV for spreadsheets), in Chinese or English.
//
// It reads the store and the match index through the small interfaces
// declared here, which *store.Store and *matcher.Index implement, so the
// chat commands and the CLI produce the same numbers. It must not import
// the bot or Telegram packages.
package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
)

// StatsSource is what Stats reads from the store.
type StatsSource interface {
	// Profiles calls fn for every stored profile, in any order.
	Profiles(ctx context.Context, fn func(matcher.Profile) error) error
	// Counter returns a named event count: in total when day is zero,
	// else for that UTC day; 0 for a count never made.
	Counter(ctx context.Context, name string, day time.Time) (int64, error)
	// CountUsers returns the number of users seen.
	CountUsers(ctx context.Context) (int64, error)
}

var _ StatsSource = (*store.Store)(nil)

// Days shown one by one by default, and at most.
const (
	DefaultDays = 7
	MaxDays     = 90
)

// Stats is a snapshot of Duijie's use: users, profiles, and the events
// of matching and introductions in total and over the last days.
type Stats struct {
	At       time.Time     // when it was collected
	Users    int64         // users seen
	Profiles int           // stored profiles, in every status
	Active   KindCounts    // active profiles
	Domains  []DomainCount // active profiles per domain, most first; a profile counts in each of its domains
	NoDomain KindCounts    // active profiles with no domain
	Total    Events        // events since the start
	Days     []Day         // the last days (UTC), today first

	// NotRelevant counts the pairs declined with 👎 since the start, and
	// Reasons the first reason given for them, in the order of
	// store.FeedbackReasons (those never given left out).
	NotRelevant int64
	Reasons     []ReasonCount
}

// KindCounts counts profiles by kind.
type KindCounts struct {
	Offers int
	Needs  int
}

func (k *KindCounts) add(kind matcher.Kind) {
	if kind == matcher.KindOffer {
		k.Offers++
	} else {
		k.Needs++
	}
}

// DomainCount counts the active profiles of one taxonomy domain.
type DomainCount struct {
	Code string // taxonomy domain code
	KindCounts
}

// Events counts what happened, from the store's event counters.
type Events struct {
	NewUsers          int64 // store.CountNewUsers
	MatchesShown      int64 // store.CountMatchesShown: counterparts shown to users
	IntrosRequested   int64 // store.CountIntrosRequested
	Connections       int64 // store.CountConnections: introductions accepted
	IntrosDeclined    int64 // store.CountIntrosDeclined
	NotificationsSent int64 // store.CountNotificationsSent
}

// ReasonCount counts one of store.FeedbackReasons.
type ReasonCount struct {
	Reason string
	N      int64
}

// Day is one UTC day of Stats.
type Day struct {
	Date        time.Time // midnight UTC
	NewProfiles int       // stored profiles created that day
	Events
}

// CollectStats reads the statistics as of now, with the last days shown
// one by one (DefaultDays when days ≤ 0, at most MaxDays).
func CollectStats(ctx context.Context, src StatsSource, now time.Time, days int) (*Stats, error) {
	if days <= 0 {
		days = DefaultDays
	}
	days = min(days, MaxDays)
	now = now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	s := &Stats{At: now, Days: make([]Day, days)}
	dayIndex := map[string]int{}
	for i := range s.Days {
		s.Days[i].Date = today.AddDate(0, 0, -i)
		dayIndex[s.Days[i].Date.Format(time.DateOnly)] = i
	}

	var err error
	if s.Users, err = src.CountUsers(ctx); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	byDomain := map[string]*KindCounts{}
	err = src.Profiles(ctx, func(p matcher.Profile) error {
		s.Profiles++
		if i, ok := dayIndex[p.CreatedAt.UTC().Format(time.DateOnly)]; ok {
			s.Days[i].NewProfiles++
		}
		if p.Status != matcher.StatusActive {
			return nil
		}
		s.Active.add(p.Kind)
		if len(p.Domains) == 0 {
			s.NoDomain.add(p.Kind)
		}
		for _, d := range uniq(p.Domains) {
			if byDomain[d] == nil {
				byDomain[d] = &KindCounts{}
			}
			byDomain[d].add(p.Kind)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	for code, c := range byDomain {
		s.Domains = append(s.Domains, DomainCount{Code: code, KindCounts: *c})
	}
	sort.Slice(s.Domains, func(i, j int) bool {
		a, b := s.Domains[i], s.Domains[j]
		if na, nb := a.Offers+a.Needs, b.Offers+b.Needs; na != nb {
			return na > nb
		}
		return a.Code < b.Code
	})

	if err := readEvents(ctx, src, time.Time{}, &s.Total); err != nil {
		return nil, err
	}
	if s.NotRelevant, err = src.Counter(ctx, store.CountNotRelevant, time.Time{}); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	for _, r := range store.FeedbackReasons {
		n, err := src.Counter(ctx, store.FeedbackCounter(r), time.Time{})
		if err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		if n > 0 {
			s.Reasons = append(s.Reasons, ReasonCount{r, n})
		}
	}
	for i := range s.Days {
		if err := readEvents(ctx, src, s.Days[i].Date, &s.Days[i].Events); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func readEvents(ctx context.Context, src StatsSource, day time.Time, e *Events) error {
	for _, c := range []struct {
		name string
		n    *int64
	}{
		{store.CountNewUsers, &e.NewUsers},
		{store.CountMatchesShown, &e.MatchesShown},
		{store.CountIntrosRequested, &e.IntrosRequested},
		{store.CountConnections, &e.Connections},
		{store.CountIntrosDeclined, &e.IntrosDeclined},
		{store.CountNotificationsSent, &e.NotificationsSent},
	} {
		n, err := src.Counter(ctx, c.name, day)
		if err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		*c.n = n
	}
	return nil
}

// Text renders the statistics as plain text in lang, for a chat message
// or a terminal; domain names come from tax.
func (s *Stats) Text(tax *matcher.Taxonomy, lang matcher.Lang) string {
	w := wordsFor(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s UTC\n\n", w.statsTitle, s.At.Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, w.statsUsers, s.Users)
	// A user who deleted their data leaves the users but stays counted
	// among the new users of their first day: the line says so.
	if gone := s.Total.NewUsers - s.Users; gone > 0 {
		fmt.Fprintf(&b, w.statsGone, s.Total.NewUsers, gone)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, w.statsProfiles+"\n", s.Profiles, s.Active.Offers+s.Active.Needs, s.Active.Offers, s.Active.Needs)
	if len(s.Domains) > 0 || s.NoDomain != (KindCounts{}) {
		b.WriteString(w.statsByDomain + "\n")
		for _, d := range s.Domains {
			fmt.Fprintf(&b, "  %s%s%d / %d\n", domainName(tax, d.Code, lang), w.colon, d.Offers, d.Needs)
		}
		if s.NoDomain != (KindCounts{}) {
			fmt.Fprintf(&b, "  %s%s%d / %d\n", w.noDomain, w.colon, s.NoDomain.Offers, s.NoDomain.Needs)
		}
	}
	t := s.Total
	fmt.Fprintf(&b, "\n"+w.statsTotal+"\n", t.MatchesShown, t.IntrosRequested, t.Connections, t.IntrosDeclined, t.NotificationsSent)
	if s.NotRelevant > 0 || len(s.Reasons) > 0 {
		fmt.Fprintf(&b, w.notRelevant, s.NotRelevant)
		for i, r := range s.Reasons {
			if i == 0 {
				b.WriteString(w.reasonsGiven)
			} else {
				b.WriteString(" · ")
			}
			fmt.Fprintf(&b, "%s %d", w.reasons[r.Reason], r.N)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n"+w.statsDays+"\n", len(s.Days))
	for _, d := range s.Days {
		fmt.Fprintf(&b, "  %s  "+w.statsDay+"\n", d.Date.Format("01-02"),
			d.NewUsers, d.NewProfiles, d.MatchesShown, d.IntrosRequested, d.Connections, d.IntrosDeclined, d.NotificationsSent)
	}
	return b.String()
}

// domainName names a domain code in lang; "" is the bucket of profiles
// without a domain.
func domainName(tax *matcher.Taxonomy, code string, lang matcher.Lang) string {
	if code == "" {
		return wordsFor(lang).noDomain
	}
	if d, ok := tax.Domain(code); ok {
		return d.Name(lang)
	}
	return code
}

// uniq returns the distinct entries of xs in order.
func uniq(xs []string) []string {
	var out []string
	for i, x := range xs {
		seen := false
		for _, y := range xs[:i] {
			seen = seen || x == y
		}
		if !seen {
			out = append(out, x)
		}
	}
	return out
}
