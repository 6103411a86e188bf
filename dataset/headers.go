package dataset

import (
	"strings"
	"unicode"

	"github.com/duijie/duijie/matcher"
)

// field is what a column of an organizer's list holds.
type field string

const (
	fID          field = "id"
	fSeq         field = "seq" // 序号: a row number, never an id
	fKind        field = "kind"
	fTitle       field = "title"
	fDescription field = "description"
	fOrg         field = "org"
	fContact     field = "contact"
	fPhone       field = "phone"
	fEmail       field = "email"
	fField       field = "field"
	fMaturity    field = "maturity"
	fModes       field = "modes"
	fBudget      field = "budget"
	fRegion      field = "region"
	fLang        field = "lang"
	fKeywords    field = "keywords"
	fTags        field = "tags"
	fDeadline    field = "deadline"
	fIP          field = "ip"
)

// headerNames maps the names organizers give their columns, normalized
// by normHeader, to what the columns hold.
var headerNames = map[string]field{}

// kindHints are header names that say which kind of list a sheet holds.
var kindHints = map[string]matcher.Kind{
	"成果名称": matcher.KindOffer, "技术名称": matcher.KindOffer, "技术成果名称": matcher.KindOffer, "成果简介": matcher.KindOffer,
	"完成单位": matcher.KindOffer, "转让价格": matcher.KindOffer, "成果编号": matcher.KindOffer,
	"需求名称": matcher.KindNeed, "需求描述": matcher.KindNeed, "需求单位": matcher.KindNeed, "需求内容": matcher.KindNeed,
	"需求标题": matcher.KindNeed, "需求编号": matcher.KindNeed, "预算": matcher.KindNeed,
}

func init() {
	for f, names := range map[field][]string{
		fID:          {"id", "编号", "成果编号", "需求编号", "项目编号"},
		fSeq:         {"序号", "序", "no", "no.", "#", "number", "行号"},
		fKind:        {"kind", "type", "类型", "类别", "供需类型", "成果/需求", "供给/需求"},
		fTitle:       {"title", "name", "成果名称", "项目名称", "需求名称", "技术名称", "技术成果名称", "名称", "标题", "需求标题"},
		fDescription: {"description", "summary", "abstract", "简介", "成果简介", "需求描述", "内容", "项目简介", "技术简介", "需求内容", "描述", "详细描述", "摘要", "成果介绍", "需求简介"},
		fOrg:         {"org", "organization", "organisation", "unit", "单位", "所属单位", "完成单位", "需求单位", "单位名称", "企业名称", "依托单位", "发布单位", "所属高校", "高校"},
		fContact:     {"contact", "contactperson", "联系人", "负责人"},
		fPhone:       {"phone", "tel", "telephone", "mobile", "电话", "联系电话", "手机", "手机号", "联系方式"},
		fEmail:       {"email", "e-mail", "mail", "邮箱", "电子邮箱", "电子邮件"},
		fField:       {"domains", "domain", "field", "industry", "领域", "所属领域", "技术领域", "行业", "所属行业", "应用领域"},
		fMaturity:    {"trl", "maturity", "stage", "成熟度", "技术阶段", "技术成熟度", "成果阶段", "所处阶段"},
		fModes:       {"modes", "mode", "cooperation", "合作方式", "转化方式", "合作模式"},
		fBudget:      {"budget", "price", "价格", "转让价格", "预算", "意向价格", "拟投入资金", "金额"},
		fRegion:      {"region", "location", "地区", "所在地", "所在地区", "地址", "所在城市", "省份"},
		fLang:        {"lang", "language", "语言"},
		fKeywords:    {"keywords", "关键词", "关键字"},
		fTags:        {"tags", "标签"},
		fDeadline:    {"deadline", "截止日期", "期限", "截止时间"},
		fIP:          {"ip", "知识产权", "知识产权状态"},
	} {
		for _, n := range names {
			headerNames[normHeader(n)] = f
		}
	}
}

// normHeader reduces a header cell to what names it: lower case, without
// spaces, marks such as "*" and anything in brackets ("联系电话（手机）").
func normHeader(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '(' || r == '（' || r == '[' || r == '【':
			depth++
		case r == ')' || r == '）' || r == ']' || r == '】':
			depth = max(depth-1, 0)
		case depth > 0, unicode.IsSpace(r), r == '*', r == '＊', r == ':', r == '：', r == '\ufeff', r == '_':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fieldOf returns what a header cell names, if anything.
func fieldOf(header string) (field, bool) {
	h := normHeader(header)
	if f, ok := headerNames[h]; ok {
		return f, true
	}
	if strings.HasSuffix(h, "名称") && len(h) > len("名称") {
		return fTitle, true
	}
	return "", false
}

// kindOf reads a kind written in a cell, a sheet name or a file name.
func kindOf(s string) (matcher.Kind, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "offer", "supply", "成果", "供给", "技术成果", "科技成果", "供给方", "供方", "供":
		return matcher.KindOffer, true
	case "need", "demand", "需求", "技术需求", "需求方", "需方", "企业需求", "需":
		return matcher.KindNeed, true
	}
	return "", false
}

// kindIn finds a kind named inside a longer name ("2026年成果清单",
// "needs.csv"); a name that names both kinds names none.
func kindIn(name string) (matcher.Kind, bool) {
	n := strings.ToLower(name)
	offer := strings.Contains(n, "成果") || strings.Contains(n, "供给") || strings.Contains(n, "offer") || strings.Contains(n, "supply") || strings.Contains(n, "achievement")
	need := strings.Contains(n, "需求") || strings.Contains(n, "need") || strings.Contains(n, "demand")
	switch {
	case offer && !need:
		return matcher.KindOffer, true
	case need && !offer:
		return matcher.KindNeed, true
	}
	return "", false
}

// trlOf reads a maturity cell: a level 1–9 written as a number ("6",
// "TRL 6", "6级"), or a stage Chinese lists name.
func trlOf(s string) (int, bool) {
	for _, r := range s {
		if r >= '1' && r <= '9' {
			n := int(r - '0')
			return n, true
		}
	}
	stages := []struct {
		words []string
		trl   int
	}{
		{[]string{"产业化", "量产", "批量生产", "已应用", "已转化", "成熟", "industrial", "mass production"}, 8},
		{[]string{"试生产", "小批量", "示范", "pilot production", "demonstrat"}, 7},
		{[]string{"中试", "pilot"}, 6},
		{[]string{"样机", "原型", "prototype"}, 5},
		{[]string{"小试", "bench"}, 4},
		{[]string{"实验室", "研发", "基础研究", "原理", "lab", "research", "concept"}, 3},
	}
	l := strings.ToLower(s)
	for _, st := range stages {
		for _, w := range st.words {
			if strings.Contains(l, w) {
				return st.trl, true
			}
		}
	}
	return 0, false
}

// modesOf reads a cooperation cell ("技术转让、许可", "joint R&D").
func modesOf(s string) []matcher.Mode {
	l := strings.ToLower(s)
	var out []matcher.Mode
	for _, m := range []struct {
		words []string
		mode  matcher.Mode
	}{
		{[]string{"转让", "transfer"}, matcher.ModeTransfer},
		{[]string{"许可", "授权", "licen"}, matcher.ModeLicense},
		{[]string{"合作开发", "联合", "共同开发", "合作研发", "joint", "co-develop"}, matcher.ModeJointRD},
		{[]string{"咨询", "技术服务", "consult"}, matcher.ModeConsulting},
		{[]string{"入股", "作价", "投资", "equity"}, matcher.ModeEquity},
		{[]string{"其他", "面议", "other"}, matcher.ModeOther},
	} {
		for _, w := range m.words {
			if strings.Contains(l, w) {
				out = append(out, m.mode)
				break
			}
		}
	}
	return out
}

// ipOf reads an intellectual-property cell.
func ipOf(s string) matcher.IPStatus {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "申请") || strings.Contains(l, "pending"):
		return matcher.IPPending
	case strings.Contains(l, "软件著作权") || strings.Contains(l, "软著") || strings.Contains(l, "software"):
		return matcher.IPSoftware
	case strings.Contains(l, "授权") || strings.Contains(l, "专利") || strings.Contains(l, "granted") || strings.Contains(l, "patent"):
		return matcher.IPGranted
	case strings.Contains(l, "秘密") || strings.Contains(l, "know"):
		return matcher.IPKnowHow
	case l == "无" || l == "none":
		return matcher.IPNone
	}
	return matcher.IPUnknown
}
