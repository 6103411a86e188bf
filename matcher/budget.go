package matcher

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Money is an amount or a range of money as a user wrote it, in the
// currency's units: "20-30万" is {200000, 300000, "CNY"}. Min equals Max
// for a single amount.
type Money struct {
	Min, Max float64
	Currency string // "CNY" or "USD"
}

// Label writes the amount for a profile: "20万–30万元", "USD 50,000".
func (m Money) Label(lang Lang) string {
	one := func(v float64) string {
		if lang == LangZH && m.Currency == "CNY" && v >= 1e4 {
			if v >= 1e8 {
				return trimFloat(v/1e8) + "亿"
			}
			return trimFloat(v/1e4) + "万"
		}
		return groupThousands(v)
	}
	s := one(m.Min)
	if m.Max > m.Min {
		s += "–" + one(m.Max)
	}
	if lang == LangZH {
		if m.Currency == "USD" {
			return s + "美元"
		}
		return s + "元"
	}
	return m.Currency + " " + s
}

func trimFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// groupThousands writes a whole amount with thousands separators.
func groupThousands(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

const (
	currencyBefore = `(?P<cur%d>rmb|cny|usd|us\$|\$|¥|￥)?`
	moneyUnit      = `(?P<unit%d>亿|千万|百万|万|千|(?:million|thousand|mn|m|k)\b)?`
	currencyAfter  = `(?P<suf%d>元|块钱|块|人民币|rmb|cny|yuan|usd|dollars?|美元|美金)?`
)

// moneyRe matches an amount or a range, with its currency before or
// after and Chinese or English units: "20-30万", "5万到8万元", "$50k–80k",
// "between 1 and 2 million RMB", "十来万块".
var moneyRe = regexp.MustCompile(`(?i)` +
	sprintf(currencyBefore, 1) + `\s?(?P<n1>` + numberPattern + `)\s?(?:来|多|余)?\s?` + sprintf(moneyUnit, 1) + `\s?` + sprintf(currencyAfter, 1) +
	`(?:\s?(?:-|–|—|~|～|到|至|to|and)\s?` + sprintf(currencyBefore, 2) + `\s?(?P<n2>` + numberPattern + `)\s?(?:来|多|余)?\s?` + sprintf(moneyUnit, 2) + `\s?` + sprintf(currencyAfter, 2) + `)?`)

func sprintf(pattern string, n int) string { return strings.ReplaceAll(pattern, "%d", strconv.Itoa(n)) }

// budgetCues say that a bare amount in 万 or 亿 is money to spend.
var budgetCues = []string{"预算", "投入", "资金", "经费", "费用", "花", "出资", "报价", "价位", "budget", "invest", "spend", "fund", "cost", "afford", "pay"}

// unitPriceCues before or after an amount make it a price per piece, not
// a budget: "Price: 300 RMB per sensor", "单价200元", "每台5万".
var (
	unitPriceAfter  = []string{"per ", "/", "each", "apiece", "a piece", "a unit", "一个", "一台", "一件", "一套", "每", "／"}
	unitPriceBefore = []string{"单价", "每个", "每台", "每件", "每套", "每吨", "每斤", "unit price", "per unit", "price per", "each", "a piece"}
)

// FindMoney returns the first amount of money in text that is not a price
// per piece, with its byte span. An amount needs a currency, or a unit
// of 万/亿 next to a word about spending: "预算20到30万" counts,
// "年产5万台" does not.
func FindMoney(text string) (Money, [2]int, bool) { return findMoney(text, false) }

// findMoney is FindMoney; with answer set, text answers a question on the
// budget, so 万 alone makes an amount and a bare number of at least 100
// is yuan.
func findMoney(text string, answer bool) (Money, [2]int, bool) {
	lower := asciiLower(text)
	for _, m := range moneyMatches(lower, 8) {
		if m[1] <= m[0] {
			continue
		}
		group := func(name string) string {
			i := moneyRe.SubexpIndex(name)
			if m[2*i] < 0 {
				return ""
			}
			return lower[m[2*i]:m[2*i+1]]
		}
		cur := currencyOf(group("cur1"), group("suf1"), group("cur2"), group("suf2"))
		unit1, unit2 := group("unit1"), group("unit2")
		bigUnit := isBigUnit(unit1) || isBigUnit(unit2)
		// The word about spending may be in the clause before: "预算不多，三五万吧".
		clause := lower[max(0, m[0]-24):m[1]] + clauseAround(lower, m[0], m[1])
		bare := cur == "" && unit1 == "" && unit2 == ""
		if cur == "" && !(bigUnit && (answer || containsAnyOf(clause, budgetCues))) && !(answer && (bare || unit1 != "")) {
			continue
		}
		if isUnitPrice(lower, clause, m[0], m[1]) {
			continue
		}
		lo, ok1 := ParseNumber(group("n1"))
		if !ok1 {
			continue
		}
		if cur == "" {
			cur = "CNY"
		}
		// A single amount, unless a valid range follows: "20-30万" has
		// its unit written once, "$5000 and 3 people" is no range.
		single := lo * unitValue(unit1)
		money := Money{Min: single, Max: single, Currency: cur}
		if a, b, ok := hanApproxRange(group("n1")); ok && group("n2") == "" {
			money.Min, money.Max = a*unitValue(unit1), b*unitValue(unit1)
		}
		if n2 := group("n2"); n2 != "" {
			if unit1 == "" {
				unit1 = unit2
			}
			if hi, ok := ParseNumber(n2); ok && hi*unitValue(unit2) > lo*unitValue(unit1) {
				money.Min, money.Max = lo*unitValue(unit1), hi*unitValue(unit2)
			}
		}
		if money.Min <= 0 || money.Max < money.Min || bare && money.Min < 100 {
			continue
		}
		return money, trimSpan(text, m[0], m[1]), true
	}
	return Money{}, [2]int{}, false
}

// moneyReach is how far before its number a match of moneyRe may start:
// a currency mark ("us$", "￥", "rmb", with "ſ" for s) and a space.
const moneyReach = 8

// moneyMatches returns the first n matches of moneyRe in lower, as
// moneyRe.FindAllStringSubmatchIndex does, but runs the expression only
// next to numbers: every match holds one, and the number of a match
// starting at a position always makes one, so each search ends there.
func moneyMatches(lower string, n int) [][]int {
	var out [][]int
	for pos := 0; len(out) < n && pos < len(lower); {
		q := strings.IndexFunc(lower[pos:], isNumeral)
		if q < 0 {
			break
		}
		from := max(pos, pos+q-moneyReach)
		for from > pos && !utf8.RuneStart(lower[from]) {
			from--
		}
		m := submatchFrom(moneyRe, lower, from)
		if m == nil {
			break
		}
		out = append(out, m)
		pos = max(m[1], pos+1)
	}
	return out
}

// isNumeral is a character numberPattern starts with.
func isNumeral(r rune) bool {
	return r >= '0' && r <= '9' || strings.ContainsRune("零〇一二两三四五六七八九十百千", r)
}

func currencyOf(marks ...string) string {
	for _, c := range marks {
		switch strings.TrimSpace(c) {
		case "":
		case "usd", "us$", "$", "dollar", "dollars", "美元", "美金":
			return "USD"
		default:
			return "CNY"
		}
	}
	return ""
}

func isBigUnit(u string) bool { return u == "万" || u == "亿" || u == "千万" || u == "百万" }

func unitValue(u string) float64 {
	switch u {
	case "亿":
		return 1e8
	case "千万":
		return 1e7
	case "百万", "m", "mn", "million":
		return 1e6
	case "万":
		return 1e4
	case "千", "k", "thousand":
		return 1e3
	}
	return 1
}

// isUnitPrice reports whether the amount at [start, end) of lower is a
// price per piece.
func isUnitPrice(lower, clause string, start, end int) bool {
	after := strings.TrimLeft(lower[end:], " ")
	for _, c := range unitPriceAfter {
		if strings.HasPrefix(after, c) {
			return true
		}
	}
	before := lower[:start]
	if i := strings.LastIndexAny(before, "。；;!?！？\n"); i >= 0 {
		before = before[i:]
	}
	return containsAnyOf(before, unitPriceBefore) && !containsAnyOf(before, budgetCues[:8])
}

// clauseAround returns the clause of s that holds [start, end).
func clauseAround(s string, start, end int) string {
	from := 0
	if i := strings.LastIndexAny(s[:start], clauseBreaks); i >= 0 {
		_, size := utf8.DecodeRuneInString(s[i:])
		from = i + size
	}
	to := strings.IndexAny(s[end:], clauseBreaks)
	if to < 0 {
		return s[from:]
	}
	return s[from : end+to]
}

func containsAnyOf(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// cnyPerUSD converts dollar budgets for banding; a rough rate is enough
// to pick a band.
const cnyPerUSD = 7

// BudgetBand names the band of the dialog's budget buttons an amount
// falls in, by its upper end: "small" below 100,000 yuan, "mid" up to
// 1,000,000, "large" above. A typed "二三十万" is "mid".
func BudgetBand(m Money) string {
	top := m.Max
	if m.Currency == "USD" {
		top *= cnyPerUSD
	}
	switch {
	case top <= 0:
		return ""
	case top < 1e5:
		return "small"
	case top <= 1e6:
		return "mid"
	}
	return "large"
}
