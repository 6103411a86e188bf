package bot

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
		return tr(l, "idle_hint")
	}
	need := p.Kind == matcher.KindNeed
	pick := func(needKey, offerKey msg) msg {
		if need {
			return needKey
		}
		return offerKey
	}
	unknown := tr(l, "card_unknown")
	or := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return unknown
		}
		return s
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteByte('\n') }
	line(tr(l, pick("card_need", "card_offer")))
	line("")
	line(tr(l, "card_title", p.Title))
	line(tr(l, "card_domains", or(tax.DomainsLabel(p.Domains, l))))
	topics := tax.ConceptLabels(p.Concepts, l, maxCardConcepts)
	line(tr(l, "card_concepts", or(strings.Join(topics, listSep(l)))))
	if p.TRL > 0 {
		line(tr(l, pick("card_trl_need", "card_trl_offer"), p.TRL))
	} else {
		line(strings.Replace(tr(l, pick("card_trl_need", "card_trl_offer"), 0), "TRL 0", unknown, 1))
	}
	line(tr(l, "card_modes", or(matcher.ModesLabel(p.Modes, l))))
	region := p.Region
	if pl, ok := matcher.FindPlace(region); ok {
		region = pl.Label(l)
	}
	line(tr(l, "card_region", or(region)))
	line(tr(l, pick("card_budget_need", "card_budget_offer"), or(p.Budget)))
	if need {
		line(tr(l, "card_deadline", or(p.Deadline)))
	}
	line(tr(l, pick("card_success_need", "card_success_offer"), or(p.Success)))
	line("")
	b.WriteString(tr(l, "card_footer"))
	return b.String()
}

func listSep(l matcher.Lang) string {
	if l == matcher.LangZH {
		return "、"
	}
	return ", "
}

// renderMatches lists the counterparts of a profile of kind reader, with
// score, reason and field-by-field fit, in the reader's language.
func renderMatches(tax *matcher.Taxonomy, l matcher.Lang, reader matcher.Kind, ms []matcher.Match) string {
	if len(ms) == 0 {
		return tr(l, "no_matches")
	}
	var b strings.Builder
	if reader == matcher.KindNeed {
		b.WriteString(tr(l, "matches_need"))
	} else {
		b.WriteString(tr(l, "matches_offer"))
	}
	for i, m := range ms {
		p := m.Profile
		ex := tax.Explain(m, reader, l)
		fmt.Fprintf(&b, "\n\n%d. %s", i+1, p.Title)
		if p.Demo {
			b.WriteString(" " + tr(l, "demo_tag"))
		}
		b.WriteString(" — " + tr(l, "match_score", int(m.Score*100+0.5)))
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
	b.WriteString(tr(l, "team_intro", t.Covered, t.Facets, t.Best))
	for i, m := range t.Members {
		fmt.Fprintf(&b, "\n\n%d. %s", i+1, m.Profile.Title)
		if m.Profile.Demo {
			b.WriteString(" " + tr(l, "demo_tag"))
		}
		b.WriteString("\n   " + tr(l, "team_covers", strings.Join(tax.ConceptLabels(m.Facets, l, len(m.Facets)), listSep(l))))
	}
	return b.String()
}
