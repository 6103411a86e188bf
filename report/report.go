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

// ReportSource is what a docking report reads from the store.
type ReportSource interface {
	// Profiles calls fn for every stored profile, in any order.
	Profiles(ctx context.Context, fn func(matcher.Profile) error) error
	// IntrosOf returns the introductions a profile takes part in, in
	// every state; none for an unknown profile.
	IntrosOf(ctx context.Context, profileID string) ([]store.Intro, error)
	// Declined returns the counterparts the owner of a profile declined.
	Declined(ctx context.Context, profileID string) (map[string]bool, error)
}

// Matcher ranks offers for a need and proposes linkage teams.
type Matcher interface {
	Rank(q matcher.Query) []matcher.Match
	Team(q matcher.Query) (matcher.Team, bool)
}

var (
	_ ReportSource = (*store.Store)(nil)
	_ Matcher      = (*matcher.Index)(nil)
)

// GoodMatchScore is the score a need's best offer must reach for the need
// to count as covered; below it the need is a coverage gap. On the
// labelled dev set (every need there has an offer that answers it) 93% of
// the answering offers score at least 0.15 and only 6% of the unrelated
// offers in a need's top ten do, so a need whose best offer stays below
// it most likely has no answer among the offers. At 0.2 a quarter of the
// answering offers would fall below, and covered needs would be reported
// as gaps.
const GoodMatchScore = 0.15

// TopOffers is how many offers the report lists for each need.
const TopOffers = 3

// Options choose the needs of a report and its language.
type Options struct {
	Since time.Time    // only needs created at or after Since; zero: all
	Tag   string       // only needs carrying this event tag (any letter case); empty: all
	Lang  matcher.Lang // language of headings, reasons and domain names
	Now   time.Time    // when the report is made
}

// Report is the docking report of a set of needs: for each its best
// offers, linkage team and introductions, and the needs nobody covers.
type Report struct {
	Options
	Offers int          // active offers the needs were ranked against
	Needs  []NeedReport // by need id
	Gaps   []DomainGap  // per domain of the needs, most gaps first
	// Waiting are the profiles without an owner that the needs'
	// introductions wait on, by id: a claim would let them answer.
	Waiting []Waiting
	// Arrivals, when the caller sets it, is what the event's link
	// brought (see store.EventCountsOf).
	Arrivals *store.EventCounts
	// Tags are the event tags profiles carry, most used first, with how
	// many profiles carry each (any kind, any time).
	Tags  []TagCount
	tax   *matcher.Taxonomy
	brief map[string]matcher.Profile // every profile by id, without texts
}

// TagCount is an event tag and the profiles carrying it.
type TagCount struct {
	Tag      string
	Profiles int
}

// Waiting is a profile nobody has claimed with introductions waiting for it.
type Waiting struct {
	Profile  matcher.Profile // without texts
	Requests int             // introductions waiting for its owner
}

// NeedReport is one need of the report.
type NeedReport struct {
	Need   matcher.Profile
	Offers []OfferMatch  // best first: at most TopOffers scoring at least matcher.ShowMinScore
	Team   *matcher.Team // nil when the need gets no linkage team
	Intros IntroCounts   // the need's introductions, asked by it or of it
	// Connections are the need's accepted introductions.
	Connections []store.Intro
	Best        float64 // the best offer's score; 0 without offers
	Gap         bool    // Best < GoodMatchScore
}

// OfferMatch is one offer proposed for a need.
type OfferMatch struct {
	Offer  matcher.Profile // the indexed fields (no description)
	Score  float64
	Reason string // one line in the report's language
}

// IntroCounts counts introductions by outcome. Requested counts every
// introduction, since each began as a request; Accepted ones are
// connections.
type IntroCounts struct {
	Requested int
	Accepted  int
	Declined  int
}

// DomainGap is the coverage of one domain: its needs in the report and
// those without a good match.
type DomainGap struct {
	Code  string   // taxonomy domain code; "" for needs without a domain
	Needs int      // needs of the report in this domain
	Gaps  []string // ids of those needs without a good match, in order
}

// Totals are the summary numbers of a report.
type Totals struct {
	Needs     int
	Good      int // needs with a good match
	Gaps      int // needs without one
	Teams     int // needs with a linkage team
	Requested int // introductions of the needs
	Accepted  int
	Declined  int
}

// Build makes the docking report of the needs opts selects (drafts are
// never reported), ranking them against the offers m knows and reading
// introductions from src; names and reasons come from tax.
func Build(ctx context.Context, src ReportSource, m Matcher, tax *matcher.Taxonomy, opts Options) (*Report, error) {
	r := &Report{Options: opts, tax: tax, brief: map[string]matcher.Profile{}}
	r.Tag = strings.TrimSpace(r.Tag)
	var needs []matcher.Profile
	tags := map[string]int{}
	err := src.Profiles(ctx, func(p matcher.Profile) error {
		if len(p.Domains) == 0 && p.Kind == matcher.KindNeed {
			// Rows stored without a normalizer's reading (the demo set, an
			// export's bare rows) still belong to a field.
			p.Domains = tax.Analyze(p.Kind, p.Title+"\n"+p.Description).Domains
		}
		for _, t := range uniq(p.Tags) {
			tags[strings.TrimSpace(t)]++
		}
		r.brief[p.ID] = matcher.Profile{ID: p.ID, Kind: p.Kind, OwnerID: p.OwnerID, Status: p.Status,
			Title: p.Title, Org: p.Org, Region: p.Region, Domains: p.Domains, Tags: p.Tags}
		switch {
		case p.Kind == matcher.KindOffer && p.Status == matcher.StatusActive:
			r.Offers++
		case p.Kind == matcher.KindNeed && p.Status != matcher.StatusDraft && r.selects(p):
			needs = append(needs, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	sort.Slice(needs, func(i, j int) bool { return needs[i].ID < needs[j].ID })
	for t, n := range tags {
		r.Tags = append(r.Tags, TagCount{Tag: t, Profiles: n})
	}
	sort.Slice(r.Tags, func(i, j int) bool {
		if r.Tags[i].Profiles != r.Tags[j].Profiles {
			return r.Tags[i].Profiles > r.Tags[j].Profiles
		}
		return r.Tags[i].Tag < r.Tags[j].Tag
	})

	waiting := map[string]int{}
	for _, p := range needs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nr := NeedReport{Need: p}
		q, err := matcher.ShownQuery(ctx, src, p, TopOffers)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		for _, mt := range m.Rank(q) {
			nr.Offers = append(nr.Offers, OfferMatch{Offer: mt.Profile, Score: mt.Score,
				Reason: tax.Explain(mt, matcher.KindNeed, r.Lang).Reason})
		}
		if len(nr.Offers) > 0 {
			nr.Best = nr.Offers[0].Score
		}
		nr.Gap = nr.Best < GoodMatchScore
		if t, ok := m.Team(q); ok {
			nr.Team = &t
		}
		intros, err := src.IntrosOf(ctx, p.ID)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		for _, in := range intros {
			nr.Intros.Requested++
			switch in.State {
			case store.IntroAccepted:
				nr.Intros.Accepted++
				nr.Connections = append(nr.Connections, in)
			case store.IntroRequested:
				if in.ToOwner == 0 {
					waiting[in.To]++
				}
			case store.IntroDeclined:
				nr.Intros.Declined++
			}
		}
		r.Needs = append(r.Needs, nr)
	}
	r.Gaps = gapsOf(r.Needs, tax)
	for id, n := range waiting {
		if p, ok := r.brief[id]; ok && p.OwnerID == 0 {
			r.Waiting = append(r.Waiting, Waiting{Profile: p, Requests: n})
		}
	}
	sort.Slice(r.Waiting, func(i, j int) bool {
		a, b := r.Waiting[i], r.Waiting[j]
		if a.Requests != b.Requests {
			return a.Requests > b.Requests
		}
		return a.Profile.ID < b.Profile.ID
	})
	return r, nil
}

// selects reports whether a need passes the report's filter.
func (r *Report) selects(p matcher.Profile) bool {
	if !r.Since.IsZero() && p.CreatedAt.Before(r.Since) {
		return false
	}
	if r.Tag == "" {
		return true
	}
	for _, t := range p.Tags {
		if strings.EqualFold(strings.TrimSpace(t), r.Tag) {
			return true
		}
	}
	return false
}

// gapsOf groups needs by domain: most gaps first, then most needs, then
// taxonomy order, with the needs without a domain last.
func gapsOf(needs []NeedReport, tax *matcher.Taxonomy) []DomainGap {
	at := map[string]int{}
	var out []DomainGap
	for _, n := range needs {
		for _, c := range domainsOf(n.Need) {
			i, ok := at[c]
			if !ok {
				i = len(out)
				at[c] = i
				out = append(out, DomainGap{Code: c})
			}
			out[i].Needs++
			if n.Gap {
				out[i].Gaps = append(out[i].Gaps, n.Need.ID)
			}
		}
	}
	order := map[string]int{}
	for i, d := range tax.Domains() {
		order[d.Code] = i
	}
	rank := func(code string) int {
		if i, ok := order[code]; ok {
			return i
		}
		return len(order) // unknown codes and "" last
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case len(a.Gaps) != len(b.Gaps):
			return len(a.Gaps) > len(b.Gaps)
		case a.Needs != b.Needs:
			return a.Needs > b.Needs
		case rank(a.Code) != rank(b.Code):
			return rank(a.Code) < rank(b.Code)
		}
		return a.Code < b.Code
	})
	return out
}

// domainsOf is the distinct domains of a profile, or the bucket "" of
// profiles without a domain.
func domainsOf(p matcher.Profile) []string {
	if codes := uniq(p.Domains); len(codes) > 0 {
		return codes
	}
	return []string{""}
}

// Totals adds up the report's needs.
func (r *Report) Totals() Totals {
	t := Totals{Needs: len(r.Needs)}
	for _, n := range r.Needs {
		if n.Gap {
			t.Gaps++
		} else {
			t.Good++
		}
		if n.Team != nil {
			t.Teams++
		}
		t.Requested += n.Intros.Requested
		t.Accepted += n.Intros.Accepted
		t.Declined += n.Intros.Declined
	}
	return t
}

// Caption is the report's title and totals in two lines of plain text,
// for the message that carries its files or for a terminal.
func (r *Report) Caption() string {
	wd := wordsFor(r.Lang)
	title := wd.reportTitle
	if r.Tag != "" {
		title += wd.colon + r.Tag
	}
	t := r.Totals()
	return title + "\n" + fmt.Sprintf(wd.caption, t.Needs, t.Good, t.Gaps, t.Teams, t.Requested, t.Accepted)
}

// FileName names a file of the report with the given extension ("md",
// "csv"), from its tag and date, for sending as a document.
func (r *Report) FileName(ext string) string {
	name := "duijie-report"
	if r.Tag != "" {
		name += "-" + strings.Map(func(c rune) rune {
			if c == '/' || c == '\\' || c == ' ' || c < 0x20 {
				return '_'
			}
			return c
		}, r.Tag)
	}
	return name + "-" + r.Now.UTC().Format(time.DateOnly) + "." + ext
}

// score formats a score as the report prints it.
func score(s float64) string { return fmt.Sprintf("%.3f", s) }

// shown is a score as users see it in the bot: the band in words and the
// percent (matcher.Percent).
func shown(s float64, l matcher.Lang) string {
	if b := matcher.BandOf(s); b != matcher.BandWeak {
		return matcher.BandLabel(b, l) + " · " + percent(s)
	}
	return percent(s)
}

// percent is a score's percent, as users see it.
func percent(s float64) string { return fmt.Sprintf("%d%%", matcher.Percent(s)) }
