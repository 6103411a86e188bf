package matcher

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Intent is what a message that is not an answer to a question asks for.
type Intent int

const (
	IntentEmpty       Intent = iota // nothing but spaces and punctuation
	IntentCommand                   // a /command, possibly typed with a full-width slash
	IntentGreeting                  // 你好, 在吗, hi, hello
	IntentStart                     // 开始, start, 开始吧
	IntentHelp                      // 帮助, 怎么用, help, menu
	IntentThanks                    // 谢谢, thanks
	IntentSearch                    // 能不能搜一下有没有做增氧机的, is there anyone doing X
	IntentDescription               // a need or an offer in the user's words
	IntentStray                     // a short word that is none of these: 嗯, ok, 哈哈
)

// String names the intent, for logs and tests.
func (i Intent) String() string {
	return [...]string{"empty", "command", "greeting", "start", "help", "thanks", "search", "description", "stray"}[i]
}

// Reading is how a free message was understood.
type Reading struct {
	Intent  Intent
	Text    string // the message normalized: full-width letters and slash folded, spaces trimmed
	Command string // IntentCommand: lower case, without the slash and @bot
	Arg     string // IntentCommand: the rest of the line
	Query   string // IntentSearch: the words to search for
}

// MinDescriptionRunes is the shortest message read as a description.
const MinDescriptionRunes = 12

// NormalizeInput folds what a Chinese keyboard types in full width to
// ASCII ("／ｓｔａｒｔ" → "/start", "ＰＬＣ" → "PLC"), turns the
// ideographic space into a space and trims. Chinese punctuation such as
// "，" and "。" is kept: it separates clauses.
func NormalizeInput(text string) string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ', r >= '０' && r <= '９', r == '／', r == '＠', r == '＿', r == '－', r == '＄', r == '％':
			r -= 0xFEE0
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// Small talk, matched on the whole message after punctuation and
// particles are taken off.
var (
	greetings = []string{"你好", "您好", "你好呀", "你好啊", "您好啊", "在吗", "在不在", "在么", "有人吗", "哈喽", "嗨", "早", "早上好", "下午好", "晚上好", "老师好", "大家好",
		"hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening", "anyone there", "yo"}
	startWords  = []string{"开始", "开始吧", "开始使用", "我要开始", "start", "begin", "let's start", "lets start", "go", "新建", "发布需求", "发需求"}
	helpWords   = []string{"帮助", "帮忙", "怎么用", "怎么弄", "怎么操作", "菜单", "说明", "使用说明", "不会用", "这是什么", "你是谁", "能做什么", "你能做什么", "help", "menu", "how does this work", "what is this", "what can you do", "?", "？"}
	ackWords    = []string{"好", "好的", "嗯", "嗯嗯", "行", "收到", "明白", "ok", "okay", "got it"}
	thanksWords = []string{"谢谢", "谢谢你", "谢谢啦", "多谢", "感谢", "辛苦了", "好的谢谢", "thanks", "thank you", "thx", "ty", "cheers", "many thanks"}
)

// searchRe reads a request to look through counterparts and captures
// what to look for: "能不能搜一下有没有做增氧机的", "帮我找找做陶瓷窑炉的",
// "is there anyone doing pond aeration", "search for kiln control".
var searchRe = regexp.MustCompile(`(?i)^(?:请|麻烦)?(?:你)?(?:能不能|能否|可以|可不可以)?(?:帮我|帮忙)?(?:搜一下|搜一搜|搜搜|搜索|搜|查一下|查查|查找|查|找一下|找找)(?:一下)?(?:看)?(?:有没有|有无|是否有)?(?:人|谁|企业|厂家|公司|单位|专家|团队)?(?:在)?(?:做|搞|卖|提供|研究|会)?(.+?)(?:的)?(?:人|企业|厂家|公司|单位|团队)?(?:吗|呢|么)?$` +
	`|^(?:请问)?(?:有没有|有谁|谁)(?:人|企业|厂家|公司|单位|专家|团队)?(?:在)?(?:做|搞|卖|提供|研究|会做|懂)(.+?)(?:的)?(?:人|企业|厂家|公司|单位|团队)?(?:吗|呢|么)?$` +
	`|^(?:is there|are there|do you have|do you know)\s+(?:anyone|anybody|someone|somebody|any (?:companies|company|labs?|teams?|experts?|suppliers?|people))\s+(?:who (?:does|do|makes?|offers?|works? on|can do)|doing|making|offering|working on|that (?:does|do|makes?|offers?))\s+(.+?)$` +
	`|^(?:search|search for|find|look up|browse)\s+(.+?)$`)

// ClassifyMessage tells a command, small talk, a search request and a
// description apart in a message typed outside a question:
//
//	"／start"                    → IntentCommand "start"
//	"你好" "在吗？" "hello!"        → IntentGreeting
//	"开始" "帮助" "谢谢"             → IntentStart, IntentHelp, IntentThanks
//	"你好，请问怎么用？"             → IntentHelp: the most useful of its small talk
//	"能不能搜一下有没有做增氧机的"    → IntentSearch, Query "增氧机"
//	"is there anyone doing pond aeration?" → IntentSearch, Query "pond aeration"
//	"我们是做日用陶瓷的，窑炉温度老是不稳" → IntentDescription
//	"嗯" "ok" "哈哈"                → IntentStray
//
// A greeting followed by a description is a description; "ok" and "嗯"
// alone are stray words, not a description.
func ClassifyMessage(text string) Reading {
	text = NormalizeInput(text)
	r := Reading{Text: text}
	if strings.HasPrefix(text, "/") {
		head, rest, _ := strings.Cut(text[1:], " ")
		head, _, _ = strings.Cut(head, "@")
		if head != "" && !strings.ContainsAny(head, "/\n") {
			r.Intent, r.Command, r.Arg = IntentCommand, strings.ToLower(head), strings.TrimSpace(rest)
			return r
		}
	}
	core := smallTalkCore(text)
	lower := strings.ToLower(core)
	switch {
	case core == "" && strings.TrimFunc(text, isSpaceOrPunct) == "":
		if strings.ContainsAny(text, "?？") {
			r.Intent = IntentHelp
		}
		return r
	case isOneOf(lower, greetings) || isGreetingPhrase(lower):
		r.Intent = IntentGreeting
		return r
	case isOneOf(lower, startWords):
		r.Intent = IntentStart
		return r
	case isOneOf(lower, helpWords):
		r.Intent = IntentHelp
		return r
	case isOneOf(lower, thanksWords):
		r.Intent = IntentThanks
		return r
	}
	if i := smallTalkClauses(text); i != IntentEmpty {
		r.Intent = i // "你好，请问怎么用？"
		return r
	}
	if q, ok := searchQuery(text); ok {
		r.Intent, r.Query = IntentSearch, q
		return r
	}
	if utf8.RuneCountInString(strings.TrimFunc(text, isSpaceOrPunct)) >= MinDescriptionRunes {
		r.Intent = IntentDescription
		return r
	}
	r.Intent = IntentStray
	return r
}

// smallTalkClauses reads a message made only of small-talk clauses and
// returns the most useful one to answer: help, then start, then thanks,
// then a greeting. It returns IntentEmpty when a clause is anything else.
func smallTalkClauses(text string) Intent {
	spans := clauses(text)
	if len(spans) < 2 {
		return IntentEmpty
	}
	best := IntentEmpty
	rank := map[Intent]int{IntentGreeting: 1, IntentThanks: 2, IntentStart: 3, IntentHelp: 4}
	for _, c := range spans {
		core := strings.ToLower(smallTalkCore(text[c[0]:c[1]]))
		core = strings.TrimPrefix(core, "请问")
		var i Intent
		switch {
		case isOneOf(core, greetings) || isGreetingPhrase(core):
			i = IntentGreeting
		case isOneOf(core, startWords):
			i = IntentStart
		case isOneOf(core, helpWords):
			i = IntentHelp
		case isOneOf(core, thanksWords):
			i = IntentThanks
		case isOneOf(core, ackWords):
			continue // "好的，谢谢": the thanks is what to answer
		default:
			return IntentEmpty
		}
		if rank[i] > rank[best] {
			best = i
		}
	}
	return best
}

// searchQuery reads the words a search request asks for.
func searchQuery(text string) (string, bool) {
	s := strings.TrimFunc(text, isSpaceOrPunct)
	if utf8.RuneCountInString(s) > 60 {
		return "", false // a long message is a description, even with 找
	}
	m := searchRe.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	for _, g := range m[1:] {
		if q := strings.TrimFunc(strings.TrimSuffix(strings.TrimSpace(g), "的"), isSpaceOrPunct); q != "" {
			return q, true
		}
	}
	return "", false
}

// isGreeting reports whether a clause is only a greeting.
func isGreeting(s string) bool {
	core := strings.ToLower(smallTalkCore(s))
	return isOneOf(core, greetings) || isGreetingPhrase(core)
}

// isGreetingPhrase accepts a greeting with a name or title after it:
// "你好老师", "hello there", "hi bot".
func isGreetingPhrase(lower string) bool {
	for _, g := range []string{"你好", "您好", "hi ", "hello ", "hey "} {
		if rest, ok := strings.CutPrefix(lower, g); ok && utf8.RuneCountInString(rest) <= 6 && !strings.ContainsFunc(rest, unicode.IsPunct) {
			return true
		}
	}
	return false
}

// smallTalkCore strips punctuation, emoji and particles around a short
// message: "你好呀～" → "你好呀", "hello!!" → "hello".
func smallTalkCore(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return isSpaceOrPunct(r) || unicode.Is(unicode.So, r) })
	for _, p := range []string{"啊", "呀", "哈", "哦", "~", "～"} {
		if t := strings.TrimSuffix(s, p); t != "" && t != s && isOneOf(strings.ToLower(t), greetings) {
			return t
		}
	}
	return strings.Join(strings.Fields(s), " ")
}

func isSpaceOrPunct(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) && r != '$' && r != '¥' && r != '￥'
}

func isOneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}
