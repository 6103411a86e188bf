package dialog

import (
	"fmt"
	"strings"

	"github.com/duijie/duijie/matcher"
)

// maxCardConcepts is how many key topics a summary card lists.
const maxCardConcepts = 6

// renderCard shows a draft profile for review.
func renderCard(tax *matcher.Taxonomy, l matcher.Lang, p *matcher.Profile) string {
	if p == nil {
		return Tr(l, "idle_hint")
	}
	need := p.Kind == matcher.KindNeed
	pick := func(needKey, offerKey Msg) Msg {
		if need {
			return needKey
		}
		return offerKey
	}
	unknown := Tr(l, "card_unknown")
	or := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return unknown
		}
		return s
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(Tr(l, pick("card_need", "card_offer")))
	line("")
	line(Tr(l, "card_title", p.Title))
	line(Tr(l, "card_domains", or(tax.DomainsLabel(p.Domains, l))))
	topics := tax.ConceptLabels(p.Concepts, l, maxCardConcepts)
	line(Tr(l, "card_concepts", or(strings.Join(topics, listSep(l)))))
	if p.TRL > 0 {
		line(Tr(l, pick("card_trl_need", "card_trl_offer"), p.TRL))
	} else {
		line(strings.Replace(Tr(l, pick("card_trl_need", "card_trl_offer"), 0), "TRL 0", unknown, 1))
	}
	line(Tr(l, "card_modes", or(matcher.ModesLabel(p.Modes, l))))
	region := p.Region
	if pl, ok := matcher.FindPlace(region); ok {
		region = pl.Label(l)
	}
	line(Tr(l, "card_region", or(region)))
	line(Tr(l, pick("card_budget_need", "card_budget_offer"), or(p.Budget)))
	if need {
		line(Tr(l, "card_deadline", or(p.Deadline)))
	}
	line(Tr(l, pick("card_success_need", "card_success_offer"), or(p.Success)))
	line("")
	b.WriteString(Tr(l, "card_footer"))
	return b.String()
}

func listSep(l matcher.Lang) string {
	if l == matcher.LangZH {
		return "、"
	}
	return ", "
}

// RenderMatches lists the counterparts of a profile of kind reader, in
// the reader's language. When none reaches matcher.MatchThreshold it
// says there is no good match yet rather than listing weak ones; the
// user may still browse them (RenderPage).
func RenderMatches(tax *matcher.Taxonomy, l matcher.Lang, reader matcher.Kind, ms []matcher.Match) string {
	switch {
	case len(ms) == 0:
		return Tr(l, "no_matches")
	case !matcher.Good(ms):
		return Tr(l, "no_good_match")
	}
	return RenderPage(tax, l, reader, ms, 0)
}

// RenderPage lists a page of counterparts numbered from first+1: each
// with its band in words and its percent (Match.Percent, the number every
// view shows), where it is from, the reason and the field-by-field fit.
func RenderPage(tax *matcher.Taxonomy, l matcher.Lang, reader matcher.Kind, ms []matcher.Match, first int) string {
	var b strings.Builder
	if reader == matcher.KindNeed {
		b.WriteString("<b>" + Tr(l, "matches_need") + "</b>")
	} else {
		b.WriteString("<b>" + Tr(l, "matches_offer") + "</b>")
	}
	for i, m := range ms {
		fmt.Fprintf(&b, "\n\n<b>%d. %s</b>", first+i+1, Esc(m.Profile.Title))
		if m.Profile.Demo {
			b.WriteString(" " + Tr(l, "demo_tag"))
		}
		b.WriteString("\n   " + strings.ReplaceAll(RenderMatch(tax, l, reader, m), "\n", "\n   "))
	}
	return b.String()
}

// RenderMatch is what a list, a card and a notice say of one counterpart
// below its title: the score, where it is from, the reason and the fit.
func RenderMatch(tax *matcher.Taxonomy, l matcher.Lang, reader matcher.Kind, m matcher.Match) string {
	p := m.Profile
	ex := tax.Explain(m, reader, l)
	lines := []string{ScoreLabel(l, m)}
	var where []string
	if p.Org != "" {
		where = append(where, p.Org)
	}
	if pl, ok := matcher.FindPlace(p.Region); ok {
		where = append(where, pl.Label(l))
	} else if p.Region != "" {
		where = append(where, p.Region)
	}
	if len(where) > 0 {
		lines = append(lines, Esc(strings.Join(where, " · ")))
	}
	if ex.Reason != "" {
		lines = append(lines, Esc(ex.Reason))
	}
	if len(ex.Fit) > 0 {
		lines = append(lines, Esc(strings.Join(ex.Fit, " · ")))
	}
	if n := len(m.Similar); n > 0 {
		lines = append(lines, Tr(l, "similar_more", n))
	}
	return strings.Join(lines, "\n")
}

// maxDetailRunes is how much of a counterpart's description its details
// show.
const maxDetailRunes = 700

// RenderDetails is the details view of one counterpart: what a list says
// of it, then its description (contacts removed) and its stated terms.
func RenderDetails(tax *matcher.Taxonomy, l matcher.Lang, reader matcher.Kind, m matcher.Match) string {
	p := m.Profile
	var b strings.Builder
	b.WriteString("<b>" + Esc(p.Title) + "</b>")
	if p.Demo {
		b.WriteString(" " + Tr(l, "demo_tag"))
	}
	b.WriteString("\n" + RenderMatch(tax, l, reader, m))
	text := []rune(strings.TrimSpace(matcher.RedactContacts(orText(p.Summary, p.Description))))
	if len(text) > maxDetailRunes {
		text = append(text[:maxDetailRunes], '…')
	}
	if len(text) > 0 {
		b.WriteString("\n\n<blockquote>" + Esc(string(text)) + "</blockquote>")
	}
	var terms []string
	if d := tax.DomainsLabel(p.Domains, l); d != "" {
		terms = append(terms, Tr(l, "card_domains", d))
	}
	if p.TRL > 0 {
		terms = append(terms, Tr(l, "card_trl_offer", p.TRL))
	}
	if md := matcher.ModesLabel(p.Modes, l); md != "" {
		terms = append(terms, Tr(l, "card_modes", md))
	}
	offer := p.Kind == matcher.KindOffer
	if p.Budget != "" {
		terms = append(terms, Tr(l, map[bool]Msg{true: "card_budget_offer", false: "card_budget_need"}[offer], p.Budget))
	}
	if p.Deadline != "" && !offer {
		terms = append(terms, Tr(l, "card_deadline", p.Deadline))
	}
	if p.Success != "" {
		terms = append(terms, Tr(l, map[bool]Msg{true: "card_success_offer", false: "card_success_need"}[offer], p.Success))
	}
	if len(terms) > 0 {
		b.WriteString("\n\n" + strings.Join(terms, "\n"))
	}
	return b.String()
}

func orText(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// ScoreLabel reads a match's score the one way every view shows it: the
// band in words, then the percent.
func ScoreLabel(l matcher.Lang, m matcher.Match) string {
	band := Tr(l, "band_weak")
	if b := m.Band(); b != matcher.BandWeak {
		band = Esc(matcher.BandLabel(b, l))
	}
	return Tr(l, "match_score", HTML(band), m.Percent())
}

// renderTeam shows a linkage team: which offer covers which facets.
func renderTeam(tax *matcher.Taxonomy, l matcher.Lang, t *matcher.Team) string {
	var b strings.Builder
	b.WriteString(Tr(l, "team_intro", t.Covered, t.Facets, t.Best))
	for i, m := range t.Members {
		fmt.Fprintf(&b, "\n\n<b>%d. %s</b>", i+1, Esc(m.Profile.Title))
		if m.Profile.Demo {
			b.WriteString(" " + Tr(l, "demo_tag"))
		}
		b.WriteString("\n   " + Tr(l, "team_covers", strings.Join(tax.ConceptLabels(m.Facets, l, len(m.Facets)), listSep(l))))
	}
	return b.String()
}
