package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/store"
	"github.com/duijie/duijie/store/storetest"
)

// The scenario: an event "EXPO" on 2026-11-18..20, seen on the 20th.
var (
	day0 = time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC)
	day1 = day0.AddDate(0, 0, 1)
	day2 = day0.AddDate(0, 0, 2)
	now  = time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
)

func prof(id string, kind matcher.Kind, status matcher.Status, created time.Time, domains, tags []string) matcher.Profile {
	return matcher.Profile{ID: id, Kind: kind, Status: status, Title: "Title of " + id, Description: "About " + id,
		Lang: matcher.LangEN, Org: "Org " + id, Region: "Ningbo, Zhejiang", Domains: domains, Tags: tags,
		CreatedAt: created, UpdatedAt: created}
}

func list(xs ...string) []string { return xs }

// scenarioProfiles are eleven profiles: four offers (one paused) and
// seven needs (one draft, one paused, one too old, one untagged).
func scenarioProfiles() []matcher.Profile {
	const (
		offer, need           = matcher.KindOffer, matcher.KindNeed
		active, paused        = matcher.StatusActive, matcher.StatusPaused
		draft                 = matcher.StatusDraft
		oldDay                = "2026-10-01"
		untagged       string = ""
	)
	old, _ := time.Parse(time.DateOnly, oldDay)
	return []matcher.Profile{
		prof("o1", offer, active, day0, list("materials", "manufacturing"), list("EXPO")),
		prof("o2", offer, active, day1, list("ai", "manufacturing"), nil),
		prof("o3", offer, active, day2, list("energy"), nil),
		prof("o4", offer, paused, day2, list("energy"), nil),
		prof("n1", need, active, day1, list("materials"), list("EXPO")),
		prof("n2", need, active, day2, list("manufacturing", "ai"), list("expo")),
		prof("n3", need, active, day2, nil, list("EXPO", "other")),
		prof("n4", need, active, old, list("materials"), list("EXPO")),
		prof("n5", need, active, day2, list("energy"), nil),
		prof("n6", need, draft, day2, list("energy"), list("EXPO")),
		prof("n7", need, paused, day1, list("materials"), list("EXPO")),
	}
}

// scenario stores the profiles, users, introductions and counters whose
// counts the tests check.
func scenario(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, _ := storetest.New(t)
	if _, err := st.SaveProfiles(ctx, scenarioProfiles()); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Four users: two new on day 1, two on day 2 (user 10 comes back).
	for _, u := range []store.User{{ID: 10, SeenAt: day1}, {ID: 20, SeenAt: day1}, {ID: 10, SeenAt: day2}, {ID: 30, SeenAt: day2}, {ID: 40, SeenAt: day2}} {
		must(st.TouchUser(ctx, u))
	}
	// Introductions: n1→o1 accepted, n2→o2 declined, o3→n1 open, n5→o3 open.
	_, a, err := st.RequestIntro(ctx, "n1", "o1", 10, 20, day1)
	must(err)
	_, b, err := st.RequestIntro(ctx, "n2", "o2", 30, 20, day2)
	must(err)
	_, _, err = st.RequestIntro(ctx, "o3", "n1", 40, 10, day2)
	must(err)
	_, _, err = st.RequestIntro(ctx, "n5", "o3", 50, 40, day0)
	must(err)
	if out, _, err := st.AnswerIntro(ctx, a.ID, 20, true, day2); err != nil || out != store.OutcomeConnected {
		t.Fatalf("accept: %v %v", out, err)
	}
	if out, _, err := st.AnswerIntro(ctx, b.ID, 20, false, day2); err != nil || out != store.OutcomeDeclined {
		t.Fatalf("decline: %v %v", out, err)
	}
	// Matches shown: 2 long ago, 5 on day 1, 3 on day 2; notifications:
	// one on day 0, two on day 2.
	must(st.CountBy(ctx, store.CountMatchesShown, 2, day0.AddDate(0, 0, -17)))
	must(st.CountBy(ctx, store.CountMatchesShown, 5, day1))
	must(st.CountBy(ctx, store.CountMatchesShown, 3, day2))
	must(st.Count(ctx, store.CountNotificationsSent, day0))
	must(st.Count(ctx, store.CountNotificationsSent, day2))
	must(st.Count(ctx, store.CountNotificationsSent, day2))
	return st
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func TestStats(t *testing.T) {
	st := scenario(t)
	got, err := CollectStats(context.Background(), st, now, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := &Stats{
		At: now, Users: 4, Profiles: 11,
		Active: KindCounts{Offers: 3, Needs: 5},
		Domains: []DomainCount{
			{"manufacturing", KindCounts{2, 1}},
			{"materials", KindCounts{1, 2}},
			{"ai", KindCounts{1, 1}},
			{"energy", KindCounts{1, 1}},
		},
		NoDomain: KindCounts{0, 1},
		Total:    Events{NewUsers: 4, MatchesShown: 10, IntrosRequested: 4, Connections: 1, IntrosDeclined: 1, NotificationsSent: 3},
		Days: []Day{
			{midnight(day2), 6, Events{NewUsers: 2, MatchesShown: 3, IntrosRequested: 2, Connections: 1, IntrosDeclined: 1, NotificationsSent: 2}},
			{midnight(day1), 3, Events{NewUsers: 2, MatchesShown: 5, IntrosRequested: 1}},
			{midnight(day0), 1, Events{IntrosRequested: 1, NotificationsSent: 1}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}

	wantEN := `Duijie statistics, 2026-11-20 15:30 UTC

Users: 4
Profiles: 11 stored, 8 active (offers 3, needs 5)
Active profiles by domain (offers / needs):
  Intelligent manufacturing & robotics: 2 / 1
  New materials: 1 / 2
  Artificial intelligence: 1 / 1
  New energy, hydrogen & batteries: 1 / 1
  no domain: 0 / 1

In total: 10 matches shown · 4 intros requested · 1 accepted (connections) · 1 declined · 3 notifications sent

Last 3 days (UTC):
  11-20  new users 2 · new profiles 6 · matches shown 3 · intros 2 · accepted 1 · declined 1 · notifications 2
  11-19  new users 2 · new profiles 3 · matches shown 5 · intros 1 · accepted 0 · declined 0 · notifications 0
  11-18  new users 0 · new profiles 1 · matches shown 0 · intros 1 · accepted 0 · declined 0 · notifications 1
`
	tax := matcher.Default()
	if diff := cmp.Diff(wantEN, got.Text(tax, matcher.LangEN)); diff != "" {
		t.Errorf("English text (-want +got):\n%s", diff)
	}
	zh := got.Text(tax, matcher.LangZH)
	for _, line := range []string{
		"用户：4\n",
		"档案：共 11 份，有效 8 份（供给 3，需求 5）\n",
		"  新材料：1 / 2\n",
		"  未分领域：0 / 1\n",
		"累计：展示匹配 10 · 申请对接 4 · 已接受（对接成功）1 · 已谢绝 1 · 发送通知 3\n",
		"近 3 天（UTC）：\n",
		"  11-20  新用户 2 · 新档案 6 · 展示匹配 3 · 申请 2 · 接受 1 · 谢绝 1 · 通知 2\n",
	} {
		if !strings.Contains(zh, line) {
			t.Errorf("Chinese text lacks %q:\n%s", line, zh)
		}
	}

	if def, err := CollectStats(context.Background(), st, now, 0); err != nil || len(def.Days) != DefaultDays {
		t.Errorf("default days = %d, %v; want %d", len(def.Days), err, DefaultDays)
	}
}

// TestStatsNotRelevant counts the pairs declined with 👎 and the reasons
// given, in both languages, and leaves the line out when there are none.
func TestStatsNotRelevant(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.New(t)
	before, err := CollectStats(ctx, st, now, 1)
	if err != nil {
		t.Fatal(err)
	}
	if text := before.Text(matcher.Default(), matcher.LangEN); strings.Contains(text, "not relevant") {
		t.Errorf("no feedback yet, yet:\n%s", text)
	}
	for _, d := range []struct{ mine, theirs, reason string }{
		{"n1", "o1", ""}, {"n1", "o1", "field"}, {"n1", "o2", ""}, {"n2", "o1", ""}, {"n2", "o1", "field"}, {"o3", "n1", "costly"},
	} {
		if err := st.DeclineMatch(ctx, d.mine, d.theirs, d.reason, day2); err != nil {
			t.Fatal(err)
		}
	}
	s, err := CollectStats(ctx, st, now, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.NotRelevant != 4 || !cmp.Equal(s.Reasons, []ReasonCount{{"costly", 1}, {"field", 2}}) {
		t.Errorf("not relevant %d, reasons %v; want 4, costly 1, field 2", s.NotRelevant, s.Reasons)
	}
	for lang, line := range map[matcher.Lang]string{
		matcher.LangEN: "Matches marked not relevant (👎), never shown again to that profile: 4; reasons given: too costly 1 · wrong field 2\n",
		matcher.LangZH: "被标为不相关（👎）、不再向该档案推荐的匹配：4；所选原因：成本太高 1 · 领域不对 2\n",
	} {
		if text := s.Text(matcher.Default(), lang); !strings.Contains(text, line) {
			t.Errorf("%s text lacks %q:\n%s", lang, line, text)
		}
	}
}

// fakeMatcher answers with fixed matches and teams per need id and
// records the queries it was asked.
type fakeMatcher struct {
	ranks   map[string][]matcher.Match
	teams   map[string]matcher.Team
	queries []matcher.Query
}

func (f *fakeMatcher) Rank(q matcher.Query) []matcher.Match {
	f.queries = append(f.queries, q)
	return f.ranks[q.Profile.ID]
}

func (f *fakeMatcher) Team(q matcher.Query) (matcher.Team, bool) {
	t, ok := f.teams[q.Profile.ID]
	return t, ok
}

func offerOf(id string) matcher.Profile {
	for _, p := range scenarioProfiles() {
		if p.ID == id {
			return p
		}
	}
	panic(id)
}

func scenarioMatcher() *fakeMatcher {
	m := func(id string, score float64, term string) matcher.Match {
		return matcher.Match{Profile: offerOf(id), Score: score, Terms: []string{term}}
	}
	return &fakeMatcher{
		ranks: map[string][]matcher.Match{
			"n1": {m("o1", 0.62, "cladding"), m("o3", 0.08, "rod")},
			"n2": {m("o2", 0.41, "scratch"), m("o1", 0.12, "steel"), m("o3", 0.06, "line")},
			"n3": {m("o3", 0.09, "brush")},
		},
		teams: map[string]matcher.Team{
			"n2": {Members: []matcher.TeamMember{{Profile: offerOf("o2"), Facets: []string{"ai.defect-inspection"}}, {Profile: offerOf("o1"), Facets: []string{"manufacturing.laser-cladding"}}},
				Covered: 3, Facets: 4, Best: 2},
		},
	}
}

func TestReport(t *testing.T) {
	st := scenario(t)
	fm := scenarioMatcher()
	since, _ := time.Parse(time.DateOnly, "2026-11-01")
	r, err := Build(context.Background(), st, fm, matcher.Default(),
		Options{Since: since, Tag: " EXPO ", Lang: matcher.LangEN, Now: now})
	if err != nil {
		t.Fatal(err)
	}

	type needRow struct {
		ID     string
		Offers []string
		Team   bool
		Intros IntroCounts
		Best   float64
		Gap    bool
	}
	var got []needRow
	for _, n := range r.Needs {
		row := needRow{ID: n.Need.ID, Team: n.Team != nil, Intros: n.Intros, Best: n.Best, Gap: n.Gap}
		for _, o := range n.Offers {
			row.Offers = append(row.Offers, o.Offer.ID+" "+score(o.Score)+" "+o.Reason)
		}
		got = append(got, row)
	}
	want := []needRow{
		{ID: "n1", Offers: []string{"o1 0.620 Common terms: cladding", "o3 0.080 Common terms: rod"},
			Intros: IntroCounts{Requested: 2, Accepted: 1}, Best: 0.62},
		{ID: "n2", Offers: []string{"o2 0.410 Common terms: scratch", "o1 0.120 Common terms: steel", "o3 0.060 Common terms: line"},
			Team: true, Intros: IntroCounts{Requested: 1, Declined: 1}, Best: 0.41},
		{ID: "n3", Offers: []string{"o3 0.090 Common terms: brush"}, Best: 0.09, Gap: true},
		{ID: "n7", Gap: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("needs (-want +got):\n%s", diff)
	}
	if r.Offers != 3 {
		t.Errorf("offers ranked against = %d, want 3", r.Offers)
	}
	for _, q := range fm.queries {
		if q.Limit != TopOffers || q.MinScore != matcher.ShowMinScore {
			t.Errorf("query for %s: limit %d, min score %v", q.Profile.ID, q.Limit, q.MinScore)
		}
	}
	if diff := cmp.Diff(Totals{Needs: 4, Good: 2, Gaps: 2, Teams: 1, Requested: 3, Accepted: 1, Declined: 1}, r.Totals()); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	wantGaps := []DomainGap{
		{Code: "materials", Needs: 2, Gaps: []string{"n7"}},
		{Code: "", Needs: 1, Gaps: []string{"n3"}},
		{Code: "ai", Needs: 1},
		{Code: "manufacturing", Needs: 1},
	}
	if diff := cmp.Diff(wantGaps, r.Gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}

	var mdBuf bytes.Buffer
	if err := r.WriteMarkdown(&mdBuf); err != nil {
		t.Fatal(err)
	}
	mdText := mdBuf.String()
	for _, want := range []string{
		"# Docking report: EXPO\n",
		"Generated 2026-11-20 15:30 UTC. Needs created since 2026-11-01. Needs tagged `EXPO`. Each need is ranked against all 3 active offers",
		"A good match scores at least 52%; a need without one is a coverage gap.",
		"## Summary\n",
		"| Needs | 4 |\n| with a good match | 2 |\n| coverage gaps (no good match) | 2 |\n| with a linkage team | 1 |\n" +
			"| introductions requested | 3 |\n| accepted (connections) | 1 |\n| declined | 1 |\n",
		"| `n1` | Title of n1 | `o1` | 100% |  | 2 | 1 |  |\n",
		"| `n2` | Title of n2 | `o2` | 91% | ✓ | 1 | 0 |  |\n",
		"| `n3` | Title of n3 | `o3` | 36% |  | 0 | 0 | ✓ |\n",
		"| `n7` | Title of n7 | — | — |  | 0 | 0 | ✓ |\n",
		"### `n1` Title of n1\n\nOrg n1 · Ningbo, Zhejiang · New materials · created 2026-11-19 · tags: EXPO\n",
		"1. `o1` Title of o1 (Org o1) — strong match · 100% — Common terms: cladding\n2. `o3` Title of o3 (Org o3) — 32% — Common terms: rod\n",
		"Introductions: 2 requested, 1 accepted, 0 declined\n",
		"Linkage team: covers 3 of 4 facets (best single offer: 2)\n\n- `o2` Title of o2 — covers: visual defect detection\n- `o1` Title of o1 — covers: laser cladding\n",
		"Introductions: 1 requested, 0 accepted, 1 declined\n",
		"**Coverage gap:** best score 36% is below 52%.",
		"### `n7` Title of n7\n\nOrg n7 · Ningbo, Zhejiang · New materials · created 2026-11-19 · tags: EXPO · status: paused\n\nNo offer passes the minimum score.\n",
		"**Coverage gap:** best score 0% is below 52%.",
		"## Coverage gaps by domain\n\n| Domain | Needs | Gaps | Needs without a good match |\n|---|---:|---:|---|\n" +
			"| New materials | 2 | 1 | `n7` |\n| no domain | 1 | 1 | `n3` |\n| Artificial intelligence | 1 | 0 |  |\n| Intelligent manufacturing & robotics | 1 | 0 |  |\n",
	} {
		if !strings.Contains(mdText, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	for _, absent := range []string{"`n4`", "`n5`", "`n6`"} {
		if strings.Contains(mdText, absent) {
			t.Errorf("Markdown names %s, which the filter excludes", absent)
		}
	}
	if t.Failed() {
		t.Logf("Markdown:\n%s", mdText)
	}

	var csvBuf bytes.Buffer
	if err := r.WriteCSV(&csvBuf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBuf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, csvBuf.String())
	}
	if diff := cmp.Diff(CSVColumns, rows[0]); diff != "" {
		t.Errorf("CSV header (-want +got):\n%s", diff)
	}
	// The columns that vary, by name.
	pick := []string{"need_id", "need_domains", "need_created", "need_tags", "need_status", "rank", "offer_id", "score",
		"reason", "in_team", "team", "intros_requested", "intros_accepted", "intros_declined", "best_score", "gap"}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var gotRows [][]string
	for _, row := range rows[1:] {
		var r []string
		for _, name := range pick {
			r = append(r, row[col[name]])
		}
		gotRows = append(gotRows, r)
	}
	wantRows := [][]string{
		{"n1", "New materials", "2026-11-19", "EXPO", "active", "1", "o1", "0.620", "Common terms: cladding", "0", "", "2", "1", "0", "0.620", "0"},
		{"n1", "New materials", "2026-11-19", "EXPO", "active", "2", "o3", "0.080", "Common terms: rod", "0", "", "2", "1", "0", "0.620", "0"},
		{"n2", "Intelligent manufacturing & robotics, Artificial intelligence", "2026-11-20", "expo", "active", "1", "o2", "0.410", "Common terms: scratch", "1", "o2;o1", "1", "0", "1", "0.410", "0"},
		{"n2", "Intelligent manufacturing & robotics, Artificial intelligence", "2026-11-20", "expo", "active", "2", "o1", "0.120", "Common terms: steel", "1", "o2;o1", "1", "0", "1", "0.410", "0"},
		{"n2", "Intelligent manufacturing & robotics, Artificial intelligence", "2026-11-20", "expo", "active", "3", "o3", "0.060", "Common terms: line", "0", "o2;o1", "1", "0", "1", "0.410", "0"},
		{"n3", "", "2026-11-20", "EXPO;other", "active", "1", "o3", "0.090", "Common terms: brush", "0", "", "0", "0", "0", "0.090", "1"},
		{"n7", "New materials", "2026-11-19", "EXPO", "paused", "", "", "", "", "", "", "0", "0", "0", "0.000", "1"},
	}
	if diff := cmp.Diff(wantRows, gotRows); diff != "" {
		t.Errorf("CSV rows (-want +got):\n%s", diff)
	}
	if got := rows[1][col["need_title"]] + "|" + rows[1][col["offer_title"]] + "|" + rows[1][col["offer_org"]]; got != "Title of n1|Title of o1|Org o1" {
		t.Errorf("CSV titles = %q", got)
	}
	if diff := cmp.Diff("Docking report: EXPO\nneeds 4 · with a good match 2 · coverage gaps 2 · with a linkage team 1 · introductions requested 3, accepted 1", r.Caption()); diff != "" {
		t.Errorf("caption (-want +got):\n%s", diff)
	}
	if got := r.FileName("csv"); got != "duijie-report-EXPO-2026-11-20.csv" {
		t.Errorf("FileName = %q", got)
	}
}

// TestReportFilters checks which needs each filter keeps.
func TestReportFilters(t *testing.T) {
	st := scenario(t)
	since, _ := time.Parse(time.DateOnly, "2026-11-20")
	for _, tc := range []struct {
		name string
		opts Options
		want []string
	}{
		{"all", Options{}, []string{"n1", "n2", "n3", "n4", "n5", "n7"}},
		{"tag", Options{Tag: "expo"}, []string{"n1", "n2", "n3", "n4", "n7"}},
		{"other tag", Options{Tag: "other"}, []string{"n3"}},
		{"since", Options{Since: since}, []string{"n2", "n3", "n5"}},
		{"since and tag", Options{Since: since, Tag: "EXPO"}, []string{"n2", "n3"}},
		{"unknown tag", Options{Tag: "nope"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Build(context.Background(), st, scenarioMatcher(), matcher.Default(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range r.Needs {
				got = append(got, n.Need.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("needs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReportChinese renders the scenario in Chinese, reasons included.
func TestReportChinese(t *testing.T) {
	st := scenario(t)
	r, err := Build(context.Background(), st, scenarioMatcher(), matcher.Default(), Options{Tag: "EXPO", Lang: matcher.LangZH, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if want := "对接报告：EXPO\n需求 5 项 · 有良好匹配 2 · 覆盖缺口 3 · 有联合攻关团队 1 · 申请对接 3，接受 1"; r.Caption() != want {
		t.Errorf("Chinese caption = %q, want %q", r.Caption(), want)
	}
	for _, want := range []string{"# 对接报告：EXPO\n", "生成于 2026-11-20 15:30 UTC。需求：标签 `EXPO`。每项需求与全部 3 项有效供给匹配", "| 需求 | 5 |\n",
		"1. `o1` Title of o1（Org o1） — 高度匹配 · 100% — 相同关键词：cladding", "对接：申请 2，接受 1，谢绝 0",
		"**覆盖缺口：**最高得分 36%，低于 52%。", "| 新材料 | 3 | 2 | `n4`, `n7` |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Chinese Markdown lacks %q:\n%s", want, b.String())
		}
	}
}

// TestReportRanksWithIndex builds a report on a real match index: the
// offer that answers a need comes first with a good score, and a need no
// offer answers is a gap.
func TestReportRanksWithIndex(t *testing.T) {
	ctx := context.Background()
	st, _ := storetest.New(t)
	tax := matcher.Default()
	ps := []matcher.Profile{
		{ID: "o-clad", Kind: matcher.KindOffer, Title: "Ultra-high-speed laser cladding replacing hard chrome plating",
			Description: "Corrosion-resistant alloy cladding for hydraulic piston rods and shafts; 1000 h salt spray without rust, no hexavalent chromium.", Lang: matcher.LangEN},
		{ID: "o-vision", Kind: matcher.KindOffer, Title: "机器视觉表面缺陷检测",
			Description: "深度学习检测带钢和金属零件表面划痕、凹坑，检出率99%，可在线部署。", Lang: matcher.LangZH},
		{ID: "o-h2", Kind: matcher.KindOffer, Title: "PEM water electrolysis for green hydrogen",
			Description: "Low-iridium catalyst-coated membranes for proton exchange membrane electrolysers.", Lang: matcher.LangEN},
		{ID: "n-rust", Kind: matcher.KindNeed, Title: "活塞杆生锈，镀铬层起皮",
			Description: "我们的液压油缸活塞杆在海边用半年就生锈，镀铬层起皮，想找替代镀铬的耐腐蚀涂层技术。", Lang: matcher.LangZH, Tags: []string{"EXPO"}},
		{ID: "n-opera", Kind: matcher.KindNeed, Title: "Teacher of Peking opera singing for our staff choir",
			Description: "Our staff choir wants weekly lessons in Peking opera singing and costume make-up.", Lang: matcher.LangEN, Tags: []string{"EXPO"}},
	}
	ix := matcher.NewIndex(tax)
	for i := range ps {
		p := &ps[i]
		p.Status, p.CreatedAt, p.UpdatedAt = matcher.StatusActive, day1, day1
		a := tax.Analyze(p.Kind, p.Text())
		a.Apply(p)
		ix.Upsert(*p)
	}
	if _, err := st.SaveProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	r, err := Build(ctx, st, ix, tax, Options{Tag: "EXPO", Lang: matcher.LangEN, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Needs) != 2 || r.Offers != 3 {
		t.Fatalf("report has %d needs and %d offers, want 2 and 3", len(r.Needs), r.Offers)
	}
	opera, rust := r.Needs[0], r.Needs[1]
	t.Logf("n-rust best %.3f, n-opera best %.3f", rust.Best, opera.Best)
	if len(rust.Offers) == 0 || rust.Offers[0].Offer.ID != "o-clad" || rust.Gap || rust.Offers[0].Reason == "" {
		t.Errorf("n-rust: offers %+v, gap %v; want o-clad first with a reason and no gap", rust.Offers, rust.Gap)
	}
	if !opera.Gap {
		t.Errorf("n-opera: best %.3f, want a coverage gap", opera.Best)
	}
}

// TestWordsBilingual checks that every text exists in both languages with
// the same format verbs.
func TestWordsBilingual(t *testing.T) {
	en, zh := reflect.ValueOf(wordsEN), reflect.ValueOf(wordsZH)
	for i := range en.NumField() {
		name := en.Type().Field(i).Name
		e, z := en.Field(i).String(), zh.Field(i).String()
		if e == "" || z == "" {
			t.Errorf("%s: en %q, zh %q; want both", name, e, z)
		}
		if ve, vz := verbs(e), verbs(z); ve != vz {
			t.Errorf("%s: verbs %q in English, %q in Chinese", name, ve, vz)
		}
	}
}

func verbs(s string) string {
	var out []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			out = append(out, s[i:i+2])
			i++
		}
	}
	return strings.Join(out, " ")
}
