package report

import "github.com/duijie/duijie/matcher"

// words is every piece of text statistics and reports show, in one
// language. Format verbs must match across the languages.
type words struct {
	colon string // after a label

	// Stats
	statsTitle    string
	statsUsers    string // %d users
	statsGone     string // %d users ever, %d of them deleted their data
	statsProfiles string // %d stored, %d active, %d offers, %d needs
	statsByDomain string
	noDomain      string
	statsTotal    string            // %d shown, %d requested, %d accepted, %d declined, %d notifications
	statsDays     string            // %d days
	statsDay      string            // %d new users, %d new profiles, %d shown, %d requested, %d accepted, %d declined, %d notifications
	notRelevant   string            // %d pairs marked not relevant
	reasonsGiven  string            // the reasons given, after notRelevant
	reasons       map[string]string // store.FeedbackReasons in words

	// Report
	reportTitle   string
	caption       string // %d needs, %d good, %d gaps, %d teams, %d requested, %d accepted
	generated     string // %s time
	sinceFilter   string // %s date
	tagFilter     string // %s tag
	pool          string // %d offers
	goodDef       string // %s threshold
	summary       string
	measure       string
	count         string
	needs         string
	goodNeeds     string
	gapNeeds      string
	teamNeeds     string
	introsAsked   string
	introsOK      string
	introsNo      string
	glance        string
	colNeed       string
	colTitle      string
	colBestOffer  string
	colScore      string
	colTeam       string
	colIntros     string
	colAccepted   string
	colGap        string
	perNeed       string
	created       string // %s date
	tags          string // %s tags
	status        string // %s status
	topOffers     string
	orgParen      string // %s organisation, after an offer's title
	noOffers      string
	team          string // %d covered, %d facets, %d best single
	covers        string
	introLine     string // %d requested, %d accepted, %d declined
	gapLine       string // %s best score, %s threshold
	gapsTitle     string
	gapsNone      string
	colDomain     string
	colNeeds      string
	colGaps       string
	colGapNeeds   string
	multiDomain   string
	noNeeds       string
	statusPaused  string
	statusExpired string
}

var wordsEN = words{
	colon: ": ",

	statsTitle:    "Duijie statistics",
	statsUsers:    "Users: %d",
	statsGone:     " (%d in all; %d deleted their data)",
	statsProfiles: "Profiles: %d stored, %d active (offers %d, needs %d)",
	statsByDomain: "Active profiles by domain (offers / needs):",
	noDomain:      "no domain",
	statsTotal:    "In total: %d matches shown · %d intros requested · %d accepted (connections) · %d declined · %d notifications sent",
	statsDays:     "Last %d days (UTC):",
	statsDay:      "new users %d · new profiles %d · matches shown %d · intros %d · accepted %d · declined %d · notifications %d",
	notRelevant:   "Matches marked not relevant (👎), never shown again to that profile: %d",
	reasonsGiven:  "; reasons given: ",
	reasons:       map[string]string{"early": "too early", "costly": "too costly", "field": "wrong field", "competitor": "competitor", "other": "other"},

	reportTitle:   "Docking report",
	caption:       "needs %d · with a good match %d · coverage gaps %d · with a linkage team %d · introductions requested %d, accepted %d",
	generated:     "Generated %s UTC.",
	sinceFilter:   "Needs created since %s.",
	tagFilter:     "Needs tagged %s.",
	pool:          "Each need is ranked against all %d active offers, as the bot ranks them.",
	goodDef:       "A good match scores at least %s; a need without one is a coverage gap.",
	summary:       "Summary",
	measure:       "Measure",
	count:         "Count",
	needs:         "Needs",
	goodNeeds:     "with a good match",
	gapNeeds:      "coverage gaps (no good match)",
	teamNeeds:     "with a linkage team",
	introsAsked:   "introductions requested",
	introsOK:      "accepted (connections)",
	introsNo:      "declined",
	glance:        "Needs at a glance",
	colNeed:       "Need",
	colTitle:      "Title",
	colBestOffer:  "Best offer",
	colScore:      "Score",
	colTeam:       "Team",
	colIntros:     "Intros",
	colAccepted:   "Accepted",
	colGap:        "Gap",
	perNeed:       "Needs and their offers",
	created:       "created %s",
	tags:          "tags: %s",
	status:        "status: %s",
	topOffers:     "Top offers:",
	orgParen:      " (%s)",
	noOffers:      "No offer passes the minimum score.",
	team:          "Linkage team: covers %d of %d facets (best single offer: %d)",
	covers:        "covers",
	introLine:     "Introductions: %d requested, %d accepted, %d declined",
	gapLine:       "**Coverage gap:** best score %s is below %s.",
	gapsTitle:     "Coverage gaps by domain",
	gapsNone:      "Every need has a good match.",
	colDomain:     "Domain",
	colNeeds:      "Needs",
	colGaps:       "Gaps",
	colGapNeeds:   "Needs without a good match",
	multiDomain:   "A need counts in each of its domains.",
	noNeeds:       "No need matches the filter.",
	statusPaused:  "paused",
	statusExpired: "expired",
}

var wordsZH = words{
	colon: "：",

	statsTitle:    "对接统计",
	statsUsers:    "用户：%d",
	statsGone:     "（累计 %d 人，其中 %d 人已删除自己的数据）",
	statsProfiles: "档案：共 %d 份，有效 %d 份（供给 %d，需求 %d）",
	statsByDomain: "有效档案按领域（供给 / 需求）：",
	noDomain:      "未分领域",
	statsTotal:    "累计：展示匹配 %d · 申请对接 %d · 已接受（对接成功）%d · 已谢绝 %d · 发送通知 %d",
	statsDays:     "近 %d 天（UTC）：",
	statsDay:      "新用户 %d · 新档案 %d · 展示匹配 %d · 申请 %d · 接受 %d · 谢绝 %d · 通知 %d",
	notRelevant:   "被标为不相关（👎）、不再向该档案推荐的匹配：%d",
	reasonsGiven:  "；所选原因：",
	reasons:       map[string]string{"early": "技术太早期", "costly": "成本太高", "field": "领域不对", "competitor": "竞争对手", "other": "其他原因"},

	reportTitle:   "对接报告",
	caption:       "需求 %d 项 · 有良好匹配 %d · 覆盖缺口 %d · 有联合攻关团队 %d · 申请对接 %d，接受 %d",
	generated:     "生成于 %s UTC。",
	sinceFilter:   "需求：%s 起创建。",
	tagFilter:     "需求：标签 %s。",
	pool:          "每项需求与全部 %d 项有效供给匹配，排序与机器人一致。",
	goodDef:       "得分不低于 %s 为良好匹配；没有良好匹配的需求即为覆盖缺口。",
	summary:       "概要",
	measure:       "指标",
	count:         "数量",
	needs:         "需求",
	goodNeeds:     "有良好匹配",
	gapNeeds:      "覆盖缺口（无良好匹配）",
	teamNeeds:     "有联合攻关团队",
	introsAsked:   "申请对接",
	introsOK:      "已接受（对接成功）",
	introsNo:      "已谢绝",
	glance:        "需求一览",
	colNeed:       "需求",
	colTitle:      "标题",
	colBestOffer:  "最佳供给",
	colScore:      "得分",
	colTeam:       "团队",
	colIntros:     "申请",
	colAccepted:   "接受",
	colGap:        "缺口",
	perNeed:       "各项需求及其供给",
	created:       "创建于 %s",
	tags:          "标签：%s",
	status:        "状态：%s",
	topOffers:     "最佳供给：",
	orgParen:      "（%s）",
	noOffers:      "没有供给达到最低分。",
	team:          "联合攻关团队：覆盖 %d/%d 个技术点（最佳单项供给 %d 个）",
	covers:        "覆盖",
	introLine:     "对接：申请 %d，接受 %d，谢绝 %d",
	gapLine:       "**覆盖缺口：**最高得分 %s，低于 %s。",
	gapsTitle:     "各领域覆盖缺口",
	gapsNone:      "每项需求都有良好匹配。",
	colDomain:     "领域",
	colNeeds:      "需求数",
	colGaps:       "缺口数",
	colGapNeeds:   "无良好匹配的需求",
	multiDomain:   "一项需求计入其所属的每个领域。",
	noNeeds:       "没有符合条件的需求。",
	statusPaused:  "已暂停",
	statusExpired: "已过期",
}

func wordsFor(lang matcher.Lang) *words {
	if lang == matcher.LangZH {
		return &wordsZH
	}
	return &wordsEN
}
