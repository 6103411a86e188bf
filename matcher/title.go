package matcher

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Title limits: short enough for a button and a list line.
const (
	TitleRunesZH = 30
	TitleRunesEN = 60
)

// Title writes a short title from a description without a model: what
// the user makes or is (from "做日用陶瓷的", "we make ceramics") and the
// clause that states the problem or the offer, with filler words taken
// out. When no subject is named and the clause names no concept of the
// taxonomy, the label of the main concept goes first. For example
//
//	我们是做日用陶瓷的，在潮州，窑炉温度老是不稳        → 日用陶瓷窑炉温度不稳
//	茶厂，做绿茶的，杀青的时候叶子老是焦边，想找个设备    → 绿茶杀青的时候叶子焦边
//	We make everyday ceramics in Chaozhou. Our kiln temperature keeps drifting.
//	                                              → Everyday ceramics: kiln temperature keeps drifting
//
// The title has at most TitleRunesZH runes for Chinese text and
// TitleRunesEN for English.
func (t *Taxonomy) Title(kind Kind, text string) string {
	text = CleanText(text)
	if DetectLang(text) == LangZH {
		return t.title(styleZH, kind, text)
	}
	return t.title(styleEN, kind, text)
}

var (
	subjectZH = regexp.MustCompile(`^((?:养|种)\p{Han}{1,6}?)的$|(?:做|搞|生产|加工|经营|卖)(\p{Han}{1,14}?)(?:的|生意|这一块|这块|这行)$|^(\p{Han}{1,6}?)(?:厂|公司|合作社|养殖场|农场|作坊|工作室)$`)
	// problemCuesZH mark a clause that says what is wrong or wanted.
	problemCuesZH = []string{"不稳", "不好", "不行", "不够", "不准", "不均", "不了", "不到", "不住", "太", "老是", "总是", "经常", "一直", "问题", "难", "差", "低", "偏高", "过高", "坏", "死", "慢", "漏", "裂", "焦", "缺", "没法", "怎么", "浪费", "损耗", "超标", "波动", "故障", "卡", "率", "产量"}
	offerCuesZH   = []string{"研发了", "开发了", "研制了", "发明了", "掌握", "提供", "有一项", "有一套", "有一种", "能做", "可以做", "专利", "技术", "方法", "系统", "设备", "工艺"}
	// leadInsZH come before the substance of a clause.
	leadInsZH = []string{"你好", "您好", "我们家", "我们厂", "我们公司", "我们实验室", "我们团队", "我们", "咱们", "我家", "我", "现在", "目前", "最近", "这边", "平时",
		"研发了", "开发了", "研制了", "发明了", "掌握了", "掌握", "提供", "有", "想找人", "想找", "想要", "需要", "希望", "寻求", "求", "找人", "帮我们", "帮忙", "做", "一项", "一套", "一种", "一个", "一台", "个"}
	// fillersZH carry no content inside a clause.
	fillersZH = []string{"老是", "总是", "经常", "一直", "有点", "有些", "比较", "特别", "非常", "的话", "这个", "那个", "我们的", "我们"}
	// trailersZH end a clause without adding to it.
	trailersZH = []string{"了", "呢", "啊", "吧", "呀", "嘛", "哦", "啦", "的"}
)

// titleStyle is how titles are written in one language.
type titleStyle struct {
	lang                  Lang
	max                   int
	sep                   string // between a concept label and the clause
	subjectSep            string // between the subject and the clause
	subject               func(clause string) (name string, strong bool)
	problemCues, offerCue []string
	clean                 func(string) string
	shorten               func(string) string
	clip                  func(string, int) string
}

var (
	styleZH = titleStyle{lang: LangZH, max: TitleRunesZH, sep: "：", subjectSep: "", subject: subjectOfZH,
		problemCues: problemCuesZH, offerCue: offerCuesZH, clean: cleanClauseZH, shorten: shortenZH, clip: clipRunes}
	styleEN = titleStyle{lang: LangEN, max: TitleRunesEN, sep: ": ", subjectSep: ": ", subject: subjectOfEN,
		problemCues: problemCuesEN, offerCue: offerCuesEN, clean: cleanClauseEN, shorten: shortenEN,
		clip: func(s string, max int) string { return upperFirst(clipWords(s, max)) }}
)

// introRe matches a clause that says who the user is rather than what
// is wrong or offered: "我们是…", "we are a family-owned manufacturer…".
var introRe = regexp.MustCompile(`(?i)^(?:你好|您好)?(?:我们|我|本公司|我司)(?:是|家是|这边是)|^(?:hi |hello )?(?:we are|we're|i am|i'm|this is)\s`)

func isIntro(s string) bool { return introRe.MatchString(s) }

// shortenZH keeps the part of a long clause before a conjunction:
// "窑炉温度不稳定导致釉面出现针孔" → "窑炉温度不稳定".
func shortenZH(s string) string {
	cut := len(s)
	for _, c := range []string{"导致", "造成", "所以", "因此", "然后", "而且", "还有", "并且", "但是", "不过", "结果"} {
		if i := strings.Index(s, c); i >= 12 && i < cut {
			cut = i
		}
	}
	return s[:cut]
}

// subjectOfZH reads what the user makes from "我们是做日用陶瓷的" or
// "茶厂"; the first is the stronger.
func subjectOfZH(s string) (string, bool) {
	core := strings.TrimPrefix(strings.TrimPrefix(s, "我们是"), "我是")
	for _, w := range []string{"一家", "一个", "小型", "家庭"} {
		core = strings.TrimPrefix(core, w)
	}
	if m := subjectZH.FindStringSubmatch(core); m != nil {
		return m[1] + m[2] + m[3], m[3] == ""
	}
	return "", false
}

// subjectOf reads what the user makes from a clause in either language.
func subjectOf(s string) (string, bool) {
	if name, strong := subjectOfZH(s); name != "" {
		return name, strong
	}
	return subjectOfEN(s)
}

// subjectOfEN reads what the user makes from "we make everyday ceramics"
// or "we are a small dairy farm".
func subjectOfEN(s string) (string, bool) {
	if m := subjectEN.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[1] + m[2]), true
	}
	return "", false
}

func (t *Taxonomy) title(st titleStyle, kind Kind, text string) string {
	subject := ""
	var rest, intros []string
	for _, c := range clauses(text) {
		s := text[c[0]:c[1]]
		if name, strong := st.subject(s); name != "" {
			if subject == "" || strong {
				subject = name
			}
			continue
		}
		if townRe.MatchString(s) || isFactClause(s) || isGreeting(s) {
			continue
		}
		if isIntro(s) {
			intros = append(intros, s)
			continue
		}
		rest = append(rest, s)
	}
	cues := st.problemCues
	if kind == KindOffer {
		cues = st.offerCue
	}
	clause := pickClause(rest, cues)
	if clause == "" {
		clause = pickClause(intros, cues)
	}
	if clause == "" && subject == "" {
		return st.clip(firstSentence(text, st.max+1), st.max)
	}
	clause = st.clean(clause)
	if utf8.RuneCountInString(subject)+utf8.RuneCountInString(clause)+len(st.sep) > st.max {
		clause = st.shorten(clause)
	}
	title := joinTitle(subject, clause, st.subjectSep)
	if subject == "" {
		title = t.withConcept(text, clause, st.lang, st.sep)
	}
	if utf8.RuneCountInString(title) > st.max {
		title = clause
	}
	return st.clip(title, st.max)
}

// pickClause returns the first clause with a cue, else the first clause.
func pickClause(list []string, cues []string) string {
	for _, s := range list {
		if containsAnyOf(strings.ToLower(s), cues) {
			return s
		}
	}
	if len(list) > 0 {
		return list[0]
	}
	return ""
}

// cleanClauseZH takes lead-ins, fillers and trailing particles out of a clause.
func cleanClauseZH(s string) string {
	for again := true; again; {
		again = false
		for _, w := range leadInsZH {
			if strings.HasPrefix(s, w) && len(s) > len(w)+3 {
				s, again = s[len(w):], true
				break
			}
		}
	}
	for _, w := range fillersZH {
		if r := strings.ReplaceAll(s, w, ""); utf8.RuneCountInString(r) >= 2 {
			s = r
		}
	}
	for again := true; again; {
		again = false
		for _, w := range trailersZH {
			if strings.HasSuffix(s, w) && len(s) > len(w)+3 {
				s, again = s[:len(s)-len(w)], true
			}
		}
	}
	return strings.TrimSpace(s)
}

// withConcept puts the main concept's label before clause when clause
// names none of the concepts found in text.
func (t *Taxonomy) withConcept(text, clause string, lang Lang, sep string) string {
	counts := t.terms.find(text)
	if len(counts) == 0 || len(t.terms.find(clause)) > 0 {
		return clause
	}
	var best *Concept
	for c, n := range counts {
		if best == nil || n > counts[best] || n == counts[best] && c.ID < best.ID {
			best = c
		}
	}
	return joinTitle(best.Label(lang), clause, sep)
}

func joinTitle(subject, clause, sep string) string {
	switch {
	case subject == "":
		return clause
	case clause == "" || strings.Contains(strings.ToLower(clause), strings.ToLower(subject)):
		if clause == "" {
			return subject
		}
		return clause
	}
	return subject + sep + clause
}

// anyTime is the clock for telling whether a clause is a deadline at
// all: early enough that no deadline in it is already past.
var anyTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// isFactClause reports whether a clause only gives a budget or a deadline.
func isFactClause(s string) bool {
	if _, span, ok := FindMoney(s); ok && span[1]-span[0] >= len(s)/2 {
		return true
	}
	if _, span, ok := FindDeadline(s, anyTime); ok && span[1]-span[0] >= len(s)/2 {
		return true
	}
	lower := strings.ToLower(s)
	return strings.HasPrefix(lower, "预算") || strings.HasPrefix(lower, "budget") || strings.HasPrefix(lower, "price")
}

var (
	subjectEN     = regexp.MustCompile(`(?i)^(?:we|i)\s+(?:make|produce|grow|raise|farm|run|manufacture|process|sell)\s+(?:a\s+|an\s+|small\s+|family\s+)*([a-z][a-z -]{1,30}?)(?:\s+(?:factory|farm|company|workshop|plant|business|mill))?(?:\s+(?:in|at|near|from)\s+.*)?$|(?i)^(?:we are|we're|i am|i'm|i run|we run)\s+(?:a\s+|an\s+|small\s+|family\s+)*([a-z][a-z -]{1,30}?)\s+(?:factory|farm|company|workshop|plant|business|mill|producer|maker|manufacturer|grower)(?:\s+(?:in|at|near|from)\s+.*)?$`)
	problemCuesEN = []string{"keep", "unstable", "too ", "problem", "issue", "fail", "can't", "cannot", "won't", "low", "high", "poor", "lose", "losing", "dying", "crack", "leak", "slow", "expensive", "waste", "need", "looking for", "want", "how to", "drift", "fluctuat", "broken", "defect"}
	offerCuesEN   = []string{"developed", "built", "invented", "designed", "offer", "provide", "we have", "our technology", "our method", "patent", "system", "device", "process"}
	leadInsEN     = []string{"hello ", "hi ", "we have developed ", "we've developed ", "we developed ", "our lab developed ", "our team developed ", "we built ", "we designed ", "we invented ", "we offer ", "we provide ", "we have ", "we need ", "we want ", "we are looking for ", "we're looking for ", "looking for ", "i need ", "i want ", "need ", "want ", "our ", "the ", "we ", "and ", "but ", "so ", "also ", "someone to ", "somebody to ", "someone who can ", "a way to ", "help with ", "help to ", "a ", "an "}
)

// shortenEN keeps the part of a long clause before its first
// conjunction: "kiln temperature keeps drifting and we lose 20%" →
// "kiln temperature keeps drifting".
func shortenEN(s string) string {
	lower := asciiLower(s)
	cut := len(s)
	for _, c := range []string{" and ", " but ", " so ", " which ", " because ", " since ", " while ", " - "} {
		if i := strings.Index(lower, c); i > 10 && i < cut {
			cut = i
		}
	}
	return s[:cut]
}

func cleanClauseEN(s string) string {
	for again := true; again; {
		again = false
		lower := asciiLower(s)
		for _, w := range leadInsEN {
			if strings.HasPrefix(lower, w) && len(s) > len(w)+3 {
				s, again = s[len(w):], true
				break
			}
		}
	}
	return strings.TrimSpace(s)
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// clip cuts s to max runes, ending with "…" when cut.
func clipRunes(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:max-1])) + "…"
}

// clipWords cuts s to max runes at a word boundary when there is one.
func clipWords(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := string([]rune(s)[:max-1])
	if i := strings.LastIndex(cut, " "); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}
