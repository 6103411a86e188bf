package matcher

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Fact is something a description already says, with the span it was
// read from, so the dialog need not ask for it again. Which typed value
// is set depends on the field.
type Fact struct {
	Field Field
	Text  string // the words as written: "合格率九成以上", "field-tested for two seasons"
	Start int    // byte offsets of Text in the description
	End   int

	Place Place     // FieldRegion
	Money Money     // FieldBudget
	Due   time.Time // FieldDeadline: the last day that meets it
	TRL   int       // FieldTRL
}

// Found reports whether the fact was read.
func (f Fact) Found() bool { return f.End > f.Start }

// Facts are what a description says about the fields the dialog asks.
// Goal is the need's target, Demonstration what an offer has shown in
// use; both answer FieldSuccess.
type Facts struct {
	Region, Goal, Budget, Deadline, Maturity, Demonstration Fact
}

// For returns the fact that answers a question on f, if the description
// holds one: the goal or, failing that, the demonstration for
// FieldSuccess. A region FindPlace does not know ("潮州") is a fact with
// an empty Place.
func (fs Facts) For(f Field) (Fact, bool) {
	var fact Fact
	switch f {
	case FieldRegion:
		fact = fs.Region
	case FieldBudget:
		fact = fs.Budget
	case FieldDeadline:
		fact = fs.Deadline
	case FieldTRL:
		fact = fs.Maturity
	case FieldSuccess:
		fact = fs.Goal
		if !fact.Found() {
			fact = fs.Demonstration
		}
	}
	return fact, fact.Found()
}

// ReadFacts reads region, goal, budget, deadline, maturity and
// demonstration from a description; relative deadlines ("三个月内",
// "by June") count from now. From
//
//	我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，希望合格率九成以上，预算二三十万，年底前解决
//
// it reads the region 潮州, the goal 合格率九成以上, the budget
// 200,000–300,000 CNY and the deadline December 31 of now's year; from
// "Price: 300 RMB per sensor. Field-tested for two seasons." no budget
// (a unit price) and the demonstration "Field-tested for two seasons".
func ReadFacts(text string, now time.Time) Facts {
	var fs Facts
	if p, span, ok := findPlaceSpan(text); ok {
		fs.Region = Fact{Field: FieldRegion, Text: text[span[0]:span[1]], Start: span[0], End: span[1], Place: p}
	} else if span, ok := findTown(text); ok {
		fs.Region = Fact{Field: FieldRegion, Text: text[span[0]:span[1]], Start: span[0], End: span[1]}
	}
	if m, span, ok := FindMoney(text); ok {
		fs.Budget = Fact{Field: FieldBudget, Text: text[span[0]:span[1]], Start: span[0], End: span[1], Money: m}
	}
	if due, span, ok := FindDeadline(text, now); ok {
		fs.Deadline = Fact{Field: FieldDeadline, Text: text[span[0]:span[1]], Start: span[0], End: span[1], Due: due}
	}
	if trl, span, ok := findMaturity(text); ok {
		fs.Maturity = Fact{Field: FieldTRL, Text: text[span[0]:span[1]], Start: span[0], End: span[1], TRL: trl}
	}
	if span, ok := findDemonstration(text); ok {
		fs.Demonstration = Fact{Field: FieldSuccess, Text: text[span[0]:span[1]], Start: span[0], End: span[1]}
	}
	if span, ok := findGoal(text, fs.Budget, fs.Deadline); ok {
		fs.Goal = Fact{Field: FieldSuccess, Text: text[span[0]:span[1]], Start: span[0], End: span[1]}
	}
	return fs
}

// asciiLower lowers the ASCII letters of s only, so that byte offsets
// found in the result hold in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// goalLeadIns are the words before a target that are not part of it.
var goalLeadIns = []string{"希望", "要求", "目标是", "目标", "想要", "想", "需要", "最好", "能够", "能", "把", "将",
	"we need ", "we want ", "we'd like ", "we would like ", "need ", "want ", "to ", "the goal is ", "goal: ", "target: ", "aim for ", "to get ", "so that "}

// trimLeadIn drops the lead-in words before a target, repeatedly:
// "希望合格率九成以上" → "合格率九成以上".
func trimLeadIn(s string) string {
	for again := true; again; {
		again = false
		lower := asciiLower(s)
		for _, w := range goalLeadIns {
			if strings.HasPrefix(lower, w) && len(s) > len(w) {
				s, again = strings.TrimLeft(s[len(w):], " "), true
				break
			}
		}
	}
	return s
}

// townRe reads a place the province list does not know from a clause
// that is only about where: "在潮州", "位于平阳县", "based in Shouguang".
var townRe = regexp.MustCompile(`^(?:我们)?(?:在|位于|地处|来自|地址在)(\p{Han}{2,4}?)(?:市|县|区|镇|乡|这边|那边|这里)?$|^(?i:(?:we are |we're |i am |i'm )?(?:based in|located in|from|in))\s+([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)$`)

// townInRe finds a capitalised place after "in" inside an English
// clause: "We run a shrimp farm in Zhanjiang".
var townInRe = regexp.MustCompile(`\b(?:in|near|at|based in|located in|outside)\s+([A-Z][a-z]{3,}(?:\s[A-Z][a-z]+)?)\b`)

// notPlaces are capitalised words after "in" that name no place.
var notPlaces = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
	"Spring", "Summer", "Autumn", "Winter", "English", "Chinese", "Python", "Excel", "Total", "Practice", "Production", "General"}

// findTown finds a place named in a clause of its own that FindPlace
// does not know, or after "in" in English; its Place stays empty and its
// text is the name.
func findTown(text string) ([2]int, bool) {
	for _, c := range clauses(text) {
		m := townRe.FindStringSubmatchIndex(text[c[0]:c[1]])
		if m == nil {
			continue
		}
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] >= 0 {
				return [2]int{c[0] + m[g], c[0] + m[g+1]}, true
			}
		}
	}
	for _, m := range townInRe.FindAllStringSubmatchIndex(text, 4) {
		if name := text[m[2]:m[3]]; !isOneOf(strings.Fields(name)[0], notPlaces) {
			return [2]int{m[2], m[3]}, true
		}
	}
	return [2]int{}, false
}

// findPlaceSpan finds the place FindPlace reports and where it is named.
func findPlaceSpan(text string) (Place, [2]int, bool) {
	p, ok := FindPlace(text)
	if !ok {
		return p, [2]int{}, false
	}
	prov := provinceByEN(p.Province)
	lower := asciiLower(text)
	best := [2]int{-1, -1}
	try := func(i, n int) {
		if i >= 0 && (best[0] < 0 || i < best[0]) {
			best = [2]int{i, i + n}
		}
	}
	for _, c := range prov.Cities {
		if c[0] == p.City {
			try(indexWord(lower, strings.ToLower(c[0])), len(c[0]))
			try(strings.Index(text, c[1]), len(c[1]))
		}
	}
	if best[0] < 0 {
		try(indexWord(lower, strings.ToLower(prov.EN)), len(prov.EN))
		try(strings.Index(text, prov.ZH), len(prov.ZH))
	}
	if best[0] < 0 {
		return p, [2]int{}, false
	}
	return p, best, true
}

// findMaturity reads a stated TRL or a stage word ("中试", "pilot line",
// "mass production") and where it is.
func findMaturity(text string) (int, [2]int, bool) {
	lower := strings.ToLower(text)
	if trlStated.match(lower, text) {
		m := trlStated.re.FindStringSubmatchIndex(text)
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] >= 0 {
				n, ok := ParseNumber(text[m[g]:m[g+1]])
				if ok && n >= MinTRL && n <= MaxTRL {
					return int(n), [2]int{m[0], m[1]}, true
				}
			}
		}
	}
	for _, h := range trlHints {
		if h.match(lower, text) {
			// "小批量生产" is a pilot, not mass production.
			if loc := h.re.FindStringIndex(text); loc != nil && !(h.level == 9 && strings.HasSuffix(text[:loc[0]], "小")) {
				return h.level, [2]int{loc[0], loc[1]}, true
			}
		}
	}
	return 0, [2]int{}, false
}

// demonstrationRe matches what an offer has shown in real use:
// "field-tested for two seasons", "deployed at 3 plants", "已在5家企业应用".
var demonstrationRe = regexp.MustCompile(`(?i)(?:field[- ]?tested|field[- ]?trials?|tested on (?:\d+|several|two|three)|deployed (?:at|in|on)|in (?:daily |commercial )?use (?:at|in|by)|used by \d+|running (?:at|in) \d+|installed (?:at|in) \d+|pilot(?:ed)? (?:at|with|in))[^.,;!?\n]{0,60}|(?:已|已经)(?:在|于|为)[^，。；,;!?！？\n]{1,24}(?:应用|使用|运行|推广|落地|示范|试用|验证|投用)[^，。；,;!?！？\n]{0,16}|(?:在|有)[^，。；,;!?！？\n]{0,12}(?:\d+|[一二两三四五六七八九十几多]+)\s?[家个座条台所](?:企业|工厂|厂|用户|客户|养殖场|医院|基地|农场|合作社)?[^，。；,;!?！？\n]{0,6}(?:应用|使用|运行|用上|落地|试用|用了)[^，。；,;!?！？\n]{0,8}|(?:示范应用|推广应用|田间试验|大田试验|实地测试|现场试验)[^，。；,;!?！？\n]{0,24}`)

func findDemonstration(text string) ([2]int, bool) {
	loc := demonstrationRe.FindStringIndex(text)
	if loc == nil {
		return [2]int{}, false
	}
	return trimSpan(text, loc[0], loc[1]), true
}

// A clause states a target when it has a figure and either a word that
// sets one ("降到", "at least") or a bound ("以上", "above") next to a rate
// or a wish: "合格率九成以上", "希望温差在5度以内", "yield above 95%".
// "温度波动超过20度" says what is wrong, not what is wanted.
var (
	goalRe      = regexp.MustCompile(`(?i)(?:降|减|提高|提升|增加|省|少)(?:个|了|低)?(?:\d|[一二两三四五六七八九十]+成)|达到|达标|提高到|提升到|降到|降低到|减少到|控制在|不低于|不超过|不少于|至少|at least|at most|no more than|no less than|reach|target|(?:raise|increase|reduce|cut|lower|improve|bring)\b.*\b(?:to|by)\b`)
	goalBoundRe = regexp.MustCompile(`(?i)以上|以下|以内|之内|above|below|under|over|within`)
	goalWishRe  = regexp.MustCompile(`(?i)率|希望|要求|目标|想|需要|最好|yield|rate|efficiency|accuracy|need|want|goal|should|must`)
)

// isGoal reports whether a clause states a target.
func isGoal(s string) bool {
	if !figureRe.MatchString(s) {
		return false
	}
	return goalRe.MatchString(s) || goalBoundRe.MatchString(s) && goalWishRe.MatchString(s)
}

// figureRe matches a figure a target can be measured by: a number, a
// percentage, or Chinese tenths (九成).
var figureRe = regexp.MustCompile(`\d|[零〇一二两三四五六七八九十百千万]+\s?(?:成|个点|倍|%|％)|百分之|[一二两三四五六七八九十]成`)

// findGoal finds the clause that states a target ("合格率九成以上",
// "yield above 95%"), not counting the budget and deadline clauses.
func findGoal(text string, budget, deadline Fact) ([2]int, bool) {
	for _, c := range clauses(text) {
		s := text[c[0]:c[1]]
		if !isGoal(s) {
			continue
		}
		// "yield above 95% within 3 months": the goal ends where the
		// deadline or the budget starts.
		for _, f := range []Fact{budget, deadline} {
			if overlaps(c, f) {
				c = trimSpan(text, c[0], max(f.Start, c[0]))
			}
		}
		s = text[c[0]:c[1]]
		if c[1] <= c[0] || !isGoal(s) {
			continue
		}
		c[0] += len(s) - len(trimLeadIn(s))
		return c, true
	}
	return [2]int{}, false
}

func overlaps(span [2]int, f Fact) bool {
	return f.Found() && f.Start < span[1] && span[0] < f.End
}

// clauseBreaks end a clause: Chinese and ASCII punctuation and line ends.
const clauseBreaks = "，。；！？、,;!?\n：:"

// clauses splits text into clauses at punctuation, as byte spans with
// surrounding spaces left out. An ASCII period ends a clause only before
// a space or the end, so "2.5" and "e.g." stay whole.
func clauses(text string) [][2]int {
	var out [][2]int
	start := 0
	flush := func(end int) {
		sp := trimSpan(text, start, end)
		if sp[1] > sp[0] {
			out = append(out, sp)
		}
	}
	for i, r := range text {
		isBreak := strings.ContainsRune(clauseBreaks, r) || r == '。'
		if r == '.' {
			// A period typed on a Chinese keyboard in ASCII: "太高了.一年".
			isBreak = i+1 == len(text) || text[i+1] == ' ' || text[i+1] == '\n' || text[i+1] >= 0x80 || i > 0 && text[i-1] >= 0x80
			isBreak = isBreak && !(i >= 2 && text[i-2] == '.') // "e.g.", "i.e."
		}
		if r == ':' && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
			isBreak = false // "10:30"
		}
		if isBreak {
			flush(i)
			start = i + utf8.RuneLen(r)
		}
	}
	flush(len(text))
	return out
}

// trimSpan narrows [start, end) of text past spaces and punctuation.
func trimSpan(text string, start, end int) [2]int {
	for start < end {
		r, n := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) && r != '%' {
			break
		}
		if r == '%' {
			break
		}
		end -= n
	}
	return [2]int{start, end}
}
