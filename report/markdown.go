package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duijie/duijie/matcher"
)

// glanceTitleRunes is how much of a need's title the overview table shows.
const glanceTitleRunes = 60

// WriteMarkdown writes the report for people: title and scope, a summary
// table, an overview table, a section per need and the coverage gaps by
// domain.
func (r *Report) WriteMarkdown(w io.Writer) error {
	wd := wordsFor(r.Lang)
	var b strings.Builder
	title := "# " + wd.reportTitle
	if r.Tag != "" {
		title += wd.colon + md(r.Tag)
	}
	b.WriteString(title + "\n\n")
	scope := []string{fmt.Sprintf(wd.generated, r.Now.UTC().Format("2006-01-02 15:04"))}
	if !r.Since.IsZero() {
		scope = append(scope, fmt.Sprintf(wd.sinceFilter, r.Since.UTC().Format(time.DateOnly)))
	}
	if r.Tag != "" {
		scope = append(scope, fmt.Sprintf(wd.tagFilter, "`"+r.Tag+"`"))
	}
	scope = append(scope, fmt.Sprintf(wd.pool, r.Offers), fmt.Sprintf(wd.goodDef, percent(GoodMatchScore)))
	b.WriteString(strings.Join(scope, sentenceSep(r.Lang)) + "\n\n")

	t := r.Totals()
	fmt.Fprintf(&b, "## %s\n\n| %s | %s |\n|---|---:|\n", wd.summary, wd.measure, wd.count)
	for _, row := range []struct {
		label string
		n     int
	}{
		{wd.needs, t.Needs}, {wd.goodNeeds, t.Good}, {wd.gapNeeds, t.Gaps}, {wd.teamNeeds, t.Teams},
		{wd.introsAsked, t.Requested}, {wd.introsOK, t.Accepted}, {wd.introsNo, t.Declined},
	} {
		fmt.Fprintf(&b, "| %s | %d |\n", row.label, row.n)
	}
	b.WriteString("\n")
	if len(r.Needs) == 0 {
		b.WriteString(wd.noNeeds + "\n")
		_, err := io.WriteString(w, b.String())
		return err
	}

	fmt.Fprintf(&b, "## %s\n\n| %s | %s | %s | %s | %s | %s | %s | %s |\n|---|---|---|---:|:---:|---:|---:|:---:|\n",
		wd.glance, wd.colNeed, wd.colTitle, wd.colBestOffer, wd.colScore, wd.colTeam, wd.colIntros, wd.colAccepted, wd.colGap)
	for _, n := range r.Needs {
		best, sc := "—", "—"
		if len(n.Offers) > 0 {
			best, sc = code(n.Offers[0].Offer.ID), percent(n.Best)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %d | %s |\n", code(n.Need.ID), md(clip(n.Need.Title, glanceTitleRunes)),
			best, sc, check(n.Team != nil), n.Intros.Requested, n.Intros.Accepted, check(n.Gap))
	}
	b.WriteString("\n")

	fmt.Fprintf(&b, "## %s\n\n", wd.perNeed)
	for _, n := range r.Needs {
		r.writeNeed(&b, n)
	}

	fmt.Fprintf(&b, "## %s\n\n", wd.gapsTitle)
	if t.Gaps == 0 {
		b.WriteString(wd.gapsNone + "\n\n")
	}
	fmt.Fprintf(&b, "| %s | %s | %s | %s |\n|---|---:|---:|---|\n", wd.colDomain, wd.colNeeds, wd.colGaps, wd.colGapNeeds)
	for _, g := range r.Gaps {
		ids := make([]string, len(g.Gaps))
		for i, id := range g.Gaps {
			ids[i] = code(id)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", md(domainName(r.tax, g.Code, r.Lang)), g.Needs, len(g.Gaps), strings.Join(ids, ", "))
	}
	b.WriteString("\n" + wd.multiDomain + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeNeed writes the section of one need.
func (r *Report) writeNeed(b *strings.Builder, n NeedReport) {
	wd := wordsFor(r.Lang)
	p := n.Need
	fmt.Fprintf(b, "### %s %s\n\n", code(p.ID), md(p.Title))
	var meta []string
	for _, s := range []string{p.Org, p.Region, r.tax.DomainsLabel(p.Domains, r.Lang)} {
		if s != "" {
			meta = append(meta, md(s))
		}
	}
	if !p.CreatedAt.IsZero() {
		meta = append(meta, fmt.Sprintf(wd.created, p.CreatedAt.UTC().Format(time.DateOnly)))
	}
	if len(p.Tags) > 0 {
		meta = append(meta, fmt.Sprintf(wd.tags, md(strings.Join(p.Tags, ", "))))
	}
	if s := statusWord(p.Status, r.Lang); s != "" {
		meta = append(meta, fmt.Sprintf(wd.status, s))
	}
	if len(meta) > 0 {
		b.WriteString(strings.Join(meta, " · ") + "\n\n")
	}

	if len(n.Offers) == 0 {
		b.WriteString(wd.noOffers + "\n\n")
	} else {
		b.WriteString(wd.topOffers + "\n\n")
		for i, o := range n.Offers {
			line := fmt.Sprintf("%d. %s %s", i+1, code(o.Offer.ID), md(o.Offer.Title))
			if o.Offer.Org != "" {
				line += fmt.Sprintf(wd.orgParen, md(o.Offer.Org))
			}
			line += " — " + shown(o.Score, r.Lang)
			if o.Reason != "" {
				line += " — " + md(o.Reason)
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
	}

	if t := n.Team; t != nil {
		fmt.Fprintf(b, wd.team+"\n\n", t.Covered, t.Facets, t.Best)
		for _, m := range t.Members {
			line := "- " + code(m.Profile.ID) + " " + md(m.Profile.Title)
			if labels := r.tax.ConceptLabels(m.Facets, r.Lang, len(m.Facets)); len(labels) > 0 {
				line += " — " + wd.covers + wd.colon + md(strings.Join(labels, listSep(r.Lang)))
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
	}

	fmt.Fprintf(b, wd.introLine+"\n\n", n.Intros.Requested, n.Intros.Accepted, n.Intros.Declined)
	if n.Gap {
		fmt.Fprintf(b, wd.gapLine+"\n\n", percent(n.Best), percent(GoodMatchScore))
	}
}

// statusWord names a need's status when it is not active.
func statusWord(s matcher.Status, lang matcher.Lang) string {
	switch s {
	case matcher.StatusPaused:
		return wordsFor(lang).statusPaused
	case matcher.StatusExpired:
		return wordsFor(lang).statusExpired
	}
	return ""
}

// sentenceSep joins sentences: Chinese full stops need no space.
func sentenceSep(lang matcher.Lang) string {
	if lang == matcher.LangZH {
		return ""
	}
	return " "
}

func listSep(lang matcher.Lang) string {
	if lang == matcher.LangZH {
		return "、"
	}
	return ", "
}

// code shows an id as inline code; ids hold no backticks.
func code(id string) string { return "`" + id + "`" }

func check(ok bool) string {
	if ok {
		return "✓"
	}
	return ""
}

// mdEscaper escapes what Markdown would read as markup inside a line or
// a table cell.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// md makes user text safe on one Markdown line.
func md(s string) string { return mdEscaper.Replace(strings.TrimSpace(s)) }

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
