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

// RenderMatches lists the counterparts of a profile of kind reader, with
// score, reason and field-by-field fit, in the reader's language.
func RenderMatches(tax *matcher.Taxonomy, l matcher.Lang, reader matcher.Kind, ms []matcher.Match) string {
	if len(ms) == 0 {
		return Tr(l, "no_matches")
	}
	var b strings.Builder
	if reader == matcher.KindNeed {
		b.WriteString(Tr(l, "matches_need"))
	} else {
		b.WriteString(Tr(l, "matches_offer"))
	}
	for i, m := range ms {
		p := m.Profile
		ex := tax.Explain(m, reader, l)
		fmt.Fprintf(&b, "\n\n%d. %s", i+1, p.Title)
		if p.Demo {
			b.WriteString(" " + Tr(l, "demo_tag"))
		}
		b.WriteString(" — " + Tr(l, "match_score", int(m.Score*100+0.5)))
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
			b.WriteString("\n   " + strings.Join(where, " · "))
		}
		b.WriteString("\n   " + ex.Reason)
		if len(ex.Fit) > 0 {
			b.WriteString("\n   " + strings.Join(ex.Fit, " · "))
		}
	}
	return b.String()
}

// renderTeam shows a linkage team: which offer covers which facets.
func renderTeam(tax *matcher.Taxonomy, l matcher.Lang, t *matcher.Team) string {
	var b strings.Builder
	b.WriteString(Tr(l, "team_intro", t.Covered, t.Facets, t.Best))
	for i, m := range t.Members {
		fmt.Fprintf(&b, "\n\n%d. %s", i+1, m.Profile.Title)
		if m.Profile.Demo {
			b.WriteString(" " + Tr(l, "demo_tag"))
		}
		b.WriteString("\n   " + Tr(l, "team_covers", strings.Join(tax.ConceptLabels(m.Facets, l, len(m.Facets)), listSep(l))))
	}
	return b.String()
}
