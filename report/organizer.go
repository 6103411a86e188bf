package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/duijie/duijie/matcher"
)

// What an organizer reads on a phone: a short summary message, the chart
// (chart.go) and a workbook with the details.

// orgWords are the summary's and the workbook's words, in each language.
type orgWords struct {
	title, counts, intros, waiting, arrivals, gapsHead, gapLine, noGaps, more, quote, sep string
	sheets                                                                                [5]string
	summaryCols, needCols, connCols, gapCols, claimCols                                   []string
	yes, offers                                                                           string
}

var orgWordsBy = map[matcher.Lang]orgWords{
	matcher.LangZH: {
		title:       "对接报告",
		counts:      "需求 %d 条，成果 %d 条；%d 条需求有好匹配，%d 条是覆盖缺口。",
		intros:      "申请对接 %d 次，达成对接 %d 次，谢绝 %d 次。",
		waiting:     "%d 条尚未认领的条目有申请等待回复。",
		arrivals:    "通过活动链接来的用户 %d 人，发布 %d 条。",
		gapsHead:    "覆盖缺口（按领域）：",
		gapLine:     "· %s：%d 条需求中 %d 条缺口",
		noGaps:      "没有覆盖缺口。",
		more:        "等 %d 条",
		quote:       "「%s」",
		sep:         "",
		sheets:      [5]string{"摘要", "需求与推荐成果", "对接", "覆盖缺口", "待认领"},
		summaryCols: []string{"项目", "数量"},
		needCols:    []string{"需求编号", "需求名称", "需求单位", "领域", "名次", "成果编号", "成果名称", "成果单位", "得分", "理由", "缺口"},
		connCols:    []string{"需求编号", "需求名称", "对方编号", "对方名称", "对方单位", "达成时间"},
		gapCols:     []string{"领域", "需求数", "缺口数", "缺口需求"},
		claimCols:   []string{"编号", "类型", "名称", "单位", "等待的申请", "认领码"},
		yes:         "是",
		offers:      "有效成果",
	},
	matcher.LangEN: {
		title:       "Docking report",
		counts:      "%d needs, %d offers; %d needs have a good match, %d are coverage gaps.",
		intros:      "%d introductions requested, %d accepted (connections), %d declined.",
		waiting:     "%d unclaimed profiles have requests waiting for them.",
		arrivals:    "%d users arrived by the event's link and published %d profiles.",
		gapsHead:    "Coverage gaps by field:",
		gapLine:     "· %[1]s: %[3]d of %[2]d needs uncovered",
		noGaps:      "No coverage gaps.",
		more:        " and %d more",
		quote:       "“%s”",
		sep:         ", ",
		sheets:      [5]string{"Summary", "Needs and best offers", "Connections", "Gaps", "Claims"},
		summaryCols: []string{"Measure", "Count"},
		needCols:    []string{"Need id", "Need", "Organization", "Field", "Rank", "Offer id", "Offer", "Offer organization", "Score", "Reason", "Gap"},
		connCols:    []string{"Need id", "Need", "Counterpart id", "Counterpart", "Organization", "Accepted"},
		gapCols:     []string{"Field", "Needs", "Gaps", "Uncovered needs"},
		claimCols:   []string{"Id", "Kind", "Title", "Organization", "Waiting requests", "Claim code"},
		yes:         "yes",
		offers:      "Active offers",
	},
}

func orgWordsFor(l matcher.Lang) orgWords {
	if w, ok := orgWordsBy[l]; ok {
		return w
	}
	return orgWordsBy[matcher.LangEN]
}

// summaryGaps is how many fields the summary lists, and gapTitles how
// many titles of uncovered needs it quotes for each.
const (
	summaryGaps = 5
	gapTitles   = 2
)

// Summary is the report in a few lines for a chat message: needs and
// offers, good matches, connections, and the coverage gaps by field with
// the titles of uncovered needs.
func (r *Report) Summary() string {
	w := orgWordsFor(r.Lang)
	t := r.Totals()
	var b strings.Builder
	b.WriteString(w.title)
	if r.Tag != "" {
		b.WriteString(" · " + r.Tag)
	}
	b.WriteString("\n" + fmt.Sprintf(w.counts, t.Needs, r.Offers, t.Good, t.Gaps))
	b.WriteString("\n" + fmt.Sprintf(w.intros, t.Requested, t.Accepted, t.Declined))
	if len(r.Waiting) > 0 {
		b.WriteString(" " + fmt.Sprintf(w.waiting, len(r.Waiting)))
	}
	if r.Arrivals != nil {
		b.WriteString("\n" + fmt.Sprintf(w.arrivals, r.Arrivals.Users, r.Arrivals.Profiles))
	}
	if t.Gaps == 0 {
		b.WriteString("\n" + w.noGaps)
		return b.String()
	}
	b.WriteString("\n\n" + w.gapsHead)
	shown := 0
	for _, g := range r.Gaps {
		if len(g.Gaps) == 0 || shown == summaryGaps {
			continue
		}
		shown++
		b.WriteString("\n" + fmt.Sprintf(w.gapLine, domainName(r.tax, g.Code, r.Lang), g.Needs, len(g.Gaps)))
		var titles []string
		for _, id := range g.Gaps[:min(len(g.Gaps), gapTitles)] {
			titles = append(titles, fmt.Sprintf(w.quote, clip(r.brief[id].Title, 24)))
		}
		b.WriteString(r.colonOrSpace() + strings.Join(titles, w.sep))
		if n := len(g.Gaps) - gapTitles; n > 0 {
			b.WriteString(fmt.Sprintf(w.more, n))
		}
	}
	return b.String()
}

func (r *Report) colonOrSpace() string {
	if r.Lang == matcher.LangZH {
		return "，如"
	}
	return ", e.g. "
}

// Workbook is the report as an XLSX workbook with the sheets summary,
// needs with their best offers, connections, gaps, and profiles without
// an owner that introductions wait on, with their claim codes when codes
// (profile id → code) has them.
func (r *Report) Workbook(codes map[string]string) ([]byte, error) {
	w := orgWordsFor(r.Lang)
	f := excelize.NewFile()
	defer f.Close()
	sheets := map[int][][]any{}
	t := r.Totals()
	wd := wordsFor(r.Lang)
	sheets[0] = [][]any{toAny(w.summaryCols),
		{wd.needs, t.Needs}, {w.offers, r.Offers}, {wd.goodNeeds, t.Good}, {wd.gapNeeds, t.Gaps},
		{wd.teamNeeds, t.Teams}, {wd.introsAsked, t.Requested}, {wd.introsOK, t.Accepted}, {wd.introsNo, t.Declined}}
	if r.Arrivals != nil {
		sheets[0] = append(sheets[0], []any{fmt.Sprintf(w.arrivals, r.Arrivals.Users, r.Arrivals.Profiles), r.Arrivals.Users})
	}
	sheets[1] = [][]any{toAny(w.needCols)}
	sheets[2] = [][]any{toAny(w.connCols)}
	for _, n := range r.Needs {
		p := n.Need
		gap := ""
		if n.Gap {
			gap = w.yes
		}
		need := []any{p.ID, p.Title, p.Org, r.tax.DomainsLabel(p.Domains, r.Lang)}
		if len(n.Offers) == 0 {
			sheets[1] = append(sheets[1], append(need, "", "", "", "", "", "", gap))
		}
		for i, o := range n.Offers {
			sheets[1] = append(sheets[1], append(append([]any{}, need...), i+1, o.Offer.ID, o.Offer.Title, o.Offer.Org,
				roundScore(o.Score), o.Reason, gap))
		}
		for _, in := range n.Connections {
			other := in.To
			if other == p.ID {
				other = in.From
			}
			op := r.brief[other]
			at := ""
			if !in.Decided.IsZero() {
				at = in.Decided.UTC().Format(time.DateOnly)
			}
			sheets[2] = append(sheets[2], []any{p.ID, p.Title, other, op.Title, op.Org, at})
		}
	}
	sheets[3] = [][]any{toAny(w.gapCols)}
	for _, g := range r.Gaps {
		var titles []string
		for _, id := range g.Gaps {
			titles = append(titles, r.brief[id].Title)
		}
		sheets[3] = append(sheets[3], []any{domainName(r.tax, g.Code, r.Lang), g.Needs, len(g.Gaps), strings.Join(titles, "\n")})
	}
	sheets[4] = [][]any{toAny(w.claimCols)}
	for _, wt := range r.Waiting {
		p := wt.Profile
		sheets[4] = append(sheets[4], []any{p.ID, orgKind(p.Kind, r.Lang), p.Title, p.Org, wt.Requests, codes[p.ID]})
	}
	for i, name := range w.sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		for j, row := range sheets[i] {
			cell, _ := excelize.CoordinatesToCellName(1, j+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				return nil, fmt.Errorf("workbook %s: %w", name, err)
			}
		}
		f.SetColWidth(name, "A", "K", 18)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	return b.Bytes(), nil
}

func toAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func roundScore(s float64) float64 {
	v, _ := strconv.ParseFloat(score(s), 64)
	return v
}

func orgKind(k matcher.Kind, l matcher.Lang) string {
	if l != matcher.LangZH {
		return string(k)
	}
	if k == matcher.KindNeed {
		return "需求"
	}
	return "成果"
}

// TagUnknown reports whether the report asks for a tag no profile
// carries; the caller may still know it from an event link
// (store.KnownEvent) that brought no profile yet.
func (r *Report) TagUnknown() bool {
	if r.Tag == "" {
		return false
	}
	for _, t := range r.Tags {
		if strings.EqualFold(t.Tag, r.Tag) {
			return false
		}
	}
	return true
}

// maxTagHints is how many known tags an answer to an unknown tag names.
const maxTagHints = 5

// UnknownTagText answers a report asked for a tag nobody uses, naming
// the tags in use.
func (r *Report) UnknownTagText() string {
	var known []string
	for _, t := range r.Tags[:min(len(r.Tags), maxTagHints)] {
		known = append(known, t.Tag)
	}
	if r.Lang == matcher.LangZH {
		if len(known) == 0 {
			return fmt.Sprintf("没有任何条目带有标签“%s”，目前也还没有使用任何活动标签。", r.Tag)
		}
		return fmt.Sprintf("没有任何条目带有标签“%s”。已有的标签：%s。", r.Tag, strings.Join(known, "、"))
	}
	if len(known) == 0 {
		return fmt.Sprintf("No profile carries the tag “%s”, and no event tag is in use yet.", r.Tag)
	}
	return fmt.Sprintf("No profile carries the tag “%s”. Tags in use: %s.", r.Tag, strings.Join(known, ", "))
}
