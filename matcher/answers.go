package matcher

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// AnswerProblem says why a typed answer could not be read, so the dialog
// can ask again with a message made for it. The zero value means the
// answer was read.
type AnswerProblem string

const (
	ProblemEmpty            AnswerProblem = "empty"              // nothing but spaces and punctuation
	ProblemNoPlace          AnswerProblem = "no_place"           // no city or province
	ProblemNoAmount         AnswerProblem = "no_amount"          // no amount of money
	ProblemUnitPrice        AnswerProblem = "unit_price"         // a price per piece, not a budget
	ProblemNoDate           AnswerProblem = "no_date"            // no date or period
	ProblemNoMaturity       AnswerProblem = "no_maturity"        // no stage or level 1–9
	ProblemNoDomain         AnswerProblem = "no_domain"          // names no field of the taxonomy
	ProblemNoMode           AnswerProblem = "no_mode"            // names no way to cooperate
	ProblemNotInDescription AnswerProblem = "not_in_description" // "already said", but the description does not say it
)

// MaxAnswerRunes is the longest free-text answer kept.
const MaxAnswerRunes = 300

// Answer is a typed answer to a follow-up question, read.
type Answer struct {
	Field Field
	// Skip is set for 跳过, 不知道, skip, n/a: the user passes.
	Skip bool
	// FromDescription is set for 刚才说过了, see above: Fact was read from
	// the description rather than from the answer.
	FromDescription bool
	// Fact is the value: Text to show and store, and Place, Money, Due
	// or TRL by field. Text may stand alone: "面议", "越快越好", "潮州".
	Fact   Fact
	Domain string // FieldDomain: the domain's code
	Modes  []Mode // FieldModes
	// Problem is set when the answer could not be read.
	Problem AnswerProblem
}

// Read reports whether the answer gave a value (not a skip, not a problem).
func (a Answer) Read() bool { return !a.Skip && a.Problem == "" }

var (
	skipWords = []string{"跳过", "不知道", "不清楚", "不确定", "说不好", "说不清", "没想好", "还没想好", "没有", "无", "暂无", "不用", "算了", "略", "下一个", "下一题", "过",
		"skip", "n/a", "na", "none", "no idea", "don't know", "dont know", "not sure", "dunno", "pass", "next", "-", "—"}
	// alreadySaidRe finds "it is in the description": 刚才说过了, 前面说了,
	// 上面写了, already said, see above.
	alreadySaidRe = regexp.MustCompile(`(?i)(?:刚才|刚刚|前面|上面|之前|开头|描述里|描述中|已经)(?:已经)?(?:说|讲|写|提|填)(?:过|到)?(?:了)?|(?:不是|我|都)(?:已经)?(?:说|讲|写)(?:过)?了|说过了|见上|同上|上面有|前面有|i (?:already )?(?:said|mentioned|wrote)(?: (?:it|that|this))?(?: above| before| earlier)?|already (?:said|mentioned|given|stated|wrote|written)(?: (?:it|that|this))?(?: above| before)?|see above|as above|as i said|as mentioned|mentioned above|in the description`)
	openBudget    = []string{"面议", "看情况", "看效果", "可以谈", "可谈", "不限", "好说", "negotiable", "open", "flexible", "depends", "to be discussed", "tbd"}
	openDeadline  = []string{"不急", "越快越好", "尽快", "尽早", "不限", "没有期限", "没期限", "随时", "asap", "as soon as possible", "no rush", "no deadline", "flexible", "whenever", "open"}
	// maturityWords are stages as one word, the way people answer.
	maturityWords = []struct {
		level int
		words []string
	}{
		{9, []string{"量产", "批量", "已量产", "大批量", "已经在卖", "在卖", "mass production", "production", "in production", "on the market", "selling"}},
		{7, []string{"已应用", "在用", "已经在用", "现场应用", "示范", "in use", "deployed", "field", "field tested", "field-tested"}},
		{6, []string{"中试", "试产", "小批量", "pilot", "pilot line", "pilot scale"}},
		{5, []string{"样机", "样品", "原型", "有样机", "prototype", "sample", "samples"}},
		{4, []string{"实验室", "小试", "实验阶段", "lab", "laboratory", "bench", "lab scale"}},
		{2, []string{"想法", "概念", "只有想法", "还没开始", "idea", "concept", "just an idea"}},
	}
)

// ReadAnswer reads a typed answer to the question on f. The description
// and now serve "already said" answers and relative dates:
//
//	FieldRegion   "潮州，刚才说过了"   → Fact.Text 潮州
//	FieldRegion   "前面说了"          → the region read from the description, or ProblemNotInDescription
//	FieldBudget   "二三十万吧"         → Money 200,000–300,000 CNY
//	FieldBudget   "300 RMB per sensor" → ProblemUnitPrice
//	FieldDeadline "年底前"            → Due December 31
//	FieldTRL      "实验室" "中试" "7"  → TRL 4, 6, 7
//	FieldDomain   "陶瓷"              → the domain whose concepts say 陶瓷
//	any field     "跳过" "不知道" "n/a" → Skip
func (t *Taxonomy) ReadAnswer(f Field, answer, description string, now time.Time) Answer {
	a := Answer{Field: f}
	text := strings.TrimFunc(NormalizeInput(answer), isSpaceOrPunct)
	if text == "" {
		a.Problem = ProblemEmpty
		return a
	}
	if isOneOf(strings.ToLower(text), skipWords) {
		a.Skip = true
		return a
	}
	if loc := alreadySaidRe.FindStringIndex(text); loc != nil {
		rest := strings.TrimFunc(text[:loc[0]]+" "+text[loc[1]:], isSpaceOrPunct)
		for _, w := range []string{"我们", "我", "都", "不是"} {
			rest = strings.TrimFunc(strings.TrimPrefix(rest, w), isSpaceOrPunct)
		}
		rest = strings.TrimRight(rest, "嘛啊呀吧了的呢")
		if rest == "" {
			return t.fromDescription(f, description, now)
		}
		text = rest // "潮州，刚才说过了": the value is given again
	}
	t.readValue(&a, text, now)
	return a
}

// fromDescription answers f with what the description says.
func (t *Taxonomy) fromDescription(f Field, description string, now time.Time) Answer {
	a := Answer{Field: f, FromDescription: true}
	switch f {
	case FieldDomain:
		if an := t.Analyze(KindNeed, description); len(an.Domains) > 0 {
			a.Domain = an.Domains[0]
		}
		for _, c := range clauses(description) {
			if name, _ := subjectOf(description[c[0]:c[1]]); a.Domain == "" && name != "" {
				a.Domain = t.DomainFromWords(name) // "我们是做日用陶瓷的"
			}
		}
	case FieldModes:
		a.Modes = ParseModes(description)
	default:
		a.Fact, _ = ReadFacts(description, now).For(f)
	}
	if a.Domain == "" && len(a.Modes) == 0 && !a.Fact.Found() {
		a.Problem = ProblemNotInDescription
	}
	return a
}

// readValue reads text as the value of a.Field.
func (t *Taxonomy) readValue(a *Answer, text string, now time.Time) {
	lower := strings.ToLower(text)
	whole := Fact{Field: a.Field, Text: clipRunes(text, MaxAnswerRunes), End: len(text)}
	switch a.Field {
	case FieldRegion:
		if p, span, ok := findPlaceSpan(text); ok {
			a.Fact = Fact{Field: FieldRegion, Text: text[span[0]:span[1]], Start: span[0], End: span[1], Place: p}
		} else if name, ok := townName(text); ok {
			a.Fact = Fact{Field: FieldRegion, Text: name, End: len(text)}
		} else {
			a.Problem = ProblemNoPlace
		}
	case FieldBudget:
		if m, span, ok := findMoney(text, true); ok {
			a.Fact = Fact{Field: FieldBudget, Text: text[span[0]:span[1]], Start: span[0], End: span[1], Money: m}
		} else if containsAnyOf(lower, openBudget) {
			a.Fact = whole
		} else if moneyRe.MatchString(lower) && containsAnyOf(lower, append(unitPriceAfter, unitPriceBefore...)) {
			a.Problem = ProblemUnitPrice
		} else {
			a.Problem = ProblemNoAmount
		}
	case FieldDeadline:
		if due, span, ok := FindDeadline(text, now); ok {
			a.Fact = Fact{Field: FieldDeadline, Text: text[span[0]:span[1]], Start: span[0], End: span[1], Due: due}
		} else if due, ok := bareDeadline(text, now); ok {
			a.Fact = Fact{Field: FieldDeadline, Text: text, End: len(text), Due: due}
		} else if containsAnyOf(lower, openDeadline) {
			a.Fact = whole
		} else {
			a.Problem = ProblemNoDate
		}
	case FieldTRL:
		if n := answerTRL(text); n > 0 {
			a.Fact = Fact{Field: FieldTRL, Text: text, End: len(text), TRL: n}
		} else {
			a.Problem = ProblemNoMaturity
		}
	case FieldDomain:
		if a.Domain = t.DomainFromWords(text); a.Domain == "" {
			a.Problem = ProblemNoDomain
		}
	case FieldModes:
		if a.Modes = ParseModes(text); len(a.Modes) == 0 {
			a.Problem = ProblemNoMode
		}
	default:
		a.Fact = whole
	}
}

// townName accepts a short answer as a place name the place list does not
// know: "潮州", "潮州这边", "Shouguang". Sentences and numbers are refused.
func townName(text string) (string, bool) {
	if m := townRe.FindStringSubmatch(text); m != nil {
		return m[1] + m[2], true
	}
	name := text
	for _, suffix := range []string{"这边", "那边", "这里", "附近", "一带"} {
		name = strings.TrimSuffix(name, suffix)
	}
	n := utf8.RuneCountInString(name)
	if allHan(name) && n >= 2 && n <= 8 && !strings.ContainsAny(name, "不没") {
		return name, true
	}
	if placeWordRe.MatchString(name) {
		return name, true
	}
	return "", false
}

var placeWordRe = regexp.MustCompile(`^[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}$`)

// bareDeadline reads a deadline answered without "before" or "within":
// "三个月", "半年", "6月", "June", "2027".
func bareDeadline(text string, now time.Time) (time.Time, bool) {
	for _, probe := range []string{text + "内", "by " + text, text + "前", "within " + text} {
		if due, span, ok := FindDeadline(probe, now); ok && span[1]-span[0] >= len(text) {
			return due, true
		}
	}
	return time.Time{}, false
}

// answerTRL reads a maturity from a short answer: a level 1–9, "TRL 6",
// a stage in a sentence or a single stage word.
func answerTRL(text string) int {
	if n := ParseTRL(text); n > 0 {
		return n
	}
	lower := strings.ToLower(text)
	for _, m := range maturityWords {
		for _, w := range m.words {
			if lower == w || utf8.RuneCountInString(lower) <= 12 && strings.Contains(lower, w) {
				return m.level
			}
		}
	}
	return 0
}

// DomainFromWords finds the domain a typed answer names or implies: a
// domain code or name ("新材料", "ai"), a word inside a domain's name
// ("陶瓷" in 陶瓷、玻璃、水泥与建材), the domain of the concepts the answer
// names ("日用陶瓷" is tableware, a craft), a domain's name holding the
// answer's last characters, or the domain most concepts belong to whose
// terms contain the answer. It returns "" when none fits.
func (t *Taxonomy) DomainFromWords(text string) string {
	text = strings.TrimFunc(NormalizeInput(text), isSpaceOrPunct)
	lower := strings.ToLower(text)
	if lower == "" {
		return ""
	}
	if _, ok := t.Domain(lower); ok {
		return lower
	}
	for _, d := range t.domains {
		en, zh := strings.ToLower(d.EN), d.ZH
		if lower == en || text == zh || strings.Contains(text, zh) || strings.Contains(lower, en) {
			return d.Code
		}
	}
	short := utf8.RuneCountInString(text) >= 2 && utf8.RuneCountInString(text) <= 12
	if short {
		for _, d := range t.domains {
			if strings.Contains(d.ZH, text) {
				return d.Code
			}
		}
	}
	if an := t.Analyze(KindNeed, text); len(an.Domains) > 0 {
		return an.Domains[0]
	}
	if short {
		// "日用陶瓷": the word, then its tails down to two characters, in a
		// domain's name.
		runes := []rune(text)
		for i := 0; i+2 <= len(runes); i++ {
			tail := string(runes[i:])
			if i > 0 && !allHan(tail) {
				break
			}
			for _, d := range t.domains {
				if strings.Contains(d.ZH, tail) || i == 0 && len(lower) >= 4 && indexWord(strings.ToLower(d.EN), lower) >= 0 {
					return d.Code
				}
			}
		}
	}
	if !short {
		return ""
	}
	weight := map[string]float64{}
	for _, c := range t.concepts {
		if termsContain(c, text, lower) {
			for i, d := range c.Domains {
				weight[d] += 1 / float64(i+1)
			}
		}
	}
	if top := topDomains(weight); len(top) > 0 {
		return top[0]
	}
	return ""
}

// termsContain reports whether one of c's terms contains the word.
func termsContain(c *Concept, text, lower string) bool {
	for _, z := range c.ZH {
		if strings.Contains(z, text) {
			return true
		}
	}
	if len(lower) < 4 {
		return false
	}
	for _, e := range c.EN {
		if indexWord(e, lower) >= 0 {
			return true
		}
	}
	return false
}

// ParseYesNo reads a yes or a no: 是, 对, 好, 可以, 要, 嗯, yes, ok, sure;
// 不, 不是, 不要, 没有, no, nope. ok is false for anything else.
func ParseYesNo(text string) (yes, ok bool) {
	s := strings.ToLower(strings.TrimFunc(NormalizeInput(text), isSpaceOrPunct))
	if t := strings.TrimRight(s, "的啊呀吧哦嗯了"); t != "" {
		s = t
	}
	switch s {
	case "是", "是的", "对", "对的", "好", "好的", "可以", "行", "要", "需要", "有", "嗯", "恩", "没问题", "当然", "愿意", "同意",
		"yes", "y", "yeah", "yep", "ok", "okay", "sure", "of course", "agreed", "fine":
		return true, true
	case "不", "否", "不是", "不对", "不要", "不用", "不行", "不可以", "不需要", "没有", "没", "不愿意", "不同意", "算了",
		"no", "n", "nope", "nah", "not really", "no thanks", "no thank you":
		return false, true
	}
	return false, false
}
