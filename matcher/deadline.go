package matcher

import (
	"regexp"
	"strings"
	"time"
)

// deadlineRule is one way of writing a deadline and how to turn a match
// into the last day that meets it.
type deadlineRule struct {
	re  *regexp.Regexp
	due func(m []string, now time.Time) (time.Time, bool)
}

var monthNamesEN = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

const monthPatternEN = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?`

// deadlineRules are tried in order; the earliest match in the text wins.
var deadlineRules = []deadlineRule{
	// 2027年3月, 2027年3月底前, 二〇二七年三月
	{regexp.MustCompile(`(` + numberPattern + `)\s?年\s?(` + numberPattern + `)\s?月(?:份)?(?:底|末)?(?:前|之前|以前|内)?`), func(m []string, now time.Time) (time.Time, bool) {
		y, ok1 := ParseNumber(m[1])
		mo, ok2 := ParseNumber(m[2])
		return endOfMonth(int(y), int(mo), now.Location()), ok1 && ok2 && validYear(y) && mo >= 1 && mo <= 12
	}},
	// 2027年底, 2027年前, 2027年内
	{regexp.MustCompile(`(\d{4}|[零〇一二三四五六七八九]{4})\s?年(?:底|末|前|之前|以前|内|年底)`), func(m []string, now time.Time) (time.Time, bool) {
		y, ok := ParseNumber(m[1])
		return endOfMonth(int(y), 12, now.Location()), ok && validYear(y)
	}},
	// 年底前, 今年内, 明年底, 明年上半年
	{regexp.MustCompile(`(今年|明年|后年)?(年底|年末|年内|上半年|下半年|底)(?:前|之前|以前)?`), func(m []string, now time.Time) (time.Time, bool) {
		y := now.Year()
		switch m[1] {
		case "明年":
			y++
		case "后年":
			y += 2
		}
		if m[1] == "" && m[2] == "底" {
			return time.Time{}, false // "底" alone is no deadline
		}
		if m[2] == "上半年" {
			return endOfMonth(y, 6, now.Location()), true
		}
		return endOfMonth(y, 12, now.Location()), true
	}},
	// 三个月内, 两周内, 半年内, 一年之内, 10天内
	{regexp.MustCompile(`(` + numberPattern + `|半)\s?(个月|个星期|星期|周|天|年)(?:之内|以内|内)`), func(m []string, now time.Time) (time.Time, bool) {
		n := 0.5
		if m[1] != "半" {
			var ok bool
			if n, ok = ParseNumber(m[1]); !ok {
				return time.Time{}, false
			}
		}
		return addSpan(now, n, m[2])
	}},
	// 6月前, 六月底, 6月份之前
	{regexp.MustCompile(`(` + numberPattern + `)\s?月(?:份)?(?:底|末)?(?:前|之前|以前)`), func(m []string, now time.Time) (time.Time, bool) {
		mo, ok := ParseNumber(m[1])
		if !ok || mo < 1 || mo > 12 {
			return time.Time{}, false
		}
		return nextMonthEnd(now, time.Month(mo)), true
	}},
	// within 3 months, in two weeks, within a year
	{regexp.MustCompile(`(?i)\b(?:within|in|in the next|over the next)\s+(?:the\s+)?(?:next\s+)?(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen)\s+(months?|weeks?|days?|years?)\b`), func(m []string, now time.Time) (time.Time, bool) {
		n, ok := englishNumber(m[1])
		return addSpanEN(now, n, m[2], ok)
	}},
	// by June 2027, before March, by end of June, by 2027-03
	{regexp.MustCompile(`(?i)\b(?:by|before|until|till|no later than)\s+(?:the\s+)?(?:end\s+of\s+)?` + monthPatternEN + `(?:\s+(\d{4}))?\b`), func(m []string, now time.Time) (time.Time, bool) {
		mo := monthNamesEN[strings.ToLower(m[1])[:3]]
		if m[2] != "" {
			y, _ := ParseNumber(m[2])
			return endOfMonth(int(y), int(mo), now.Location()), validYear(y)
		}
		return nextMonthEnd(now, mo), true
	}},
	// by 2027, by the end of 2027, by end of the year, by next year, by Q3 2027
	{regexp.MustCompile(`(?i)\b(?:by|before|until|in|within)\s+(?:the\s+)?(?:end\s+of\s+)?(?:(q[1-4])\s*)?(\d{4}|this year|the year|next year)\b`), func(m []string, now time.Time) (time.Time, bool) {
		y := now.Year()
		switch strings.ToLower(m[2]) {
		case "this year", "the year":
		case "next year":
			y++
		default:
			n, _ := ParseNumber(m[2])
			if !validYear(n) {
				return time.Time{}, false
			}
			y = int(n)
		}
		mo := 12
		if m[1] != "" {
			mo = 3 * int(m[1][1]-'0')
		}
		return endOfMonth(y, mo, now.Location()), true
	}},
	// 明年三月, 今年6月底前
	{regexp.MustCompile(`(今年|明年|后年)\s?(` + numberPattern + `)\s?月(?:份)?(?:底|末)?(?:前|之前|以前)?`), func(m []string, now time.Time) (time.Time, bool) {
		mo, ok := ParseNumber(m[2])
		y := now.Year() + map[string]int{"明年": 1, "后年": 2}[m[1]]
		return endOfMonth(y, int(mo), now.Location()), ok && mo >= 1 && mo <= 12
	}},
	// next spring, by this summer, 明年春天, 今年夏天前
	{regexp.MustCompile(`(?i)\b(?:by |before |in |until )?(?:the )?(next|this)\s+(spring|summer|autumn|fall|winter)\b|(今年|明年)(春天|春季|夏天|夏季|秋天|秋季|冬天|冬季)`), func(m []string, now time.Time) (time.Time, bool) {
		y := now.Year()
		if m[1] == "next" || m[1] == "Next" || m[3] == "明年" {
			y++
		}
		season := strings.ToLower(m[2] + m[4])
		mo := map[string]int{"spring": 5, "春天": 5, "春季": 5, "summer": 8, "夏天": 8, "夏季": 8, "autumn": 11, "fall": 11, "秋天": 11, "秋季": 11, "winter": 14, "冬天": 14, "冬季": 14}[season]
		return endOfMonth(y, mo, now.Location()), mo > 0
	}},
	// 明年, next year (alone)
	{regexp.MustCompile(`(?i)明年|\bnext year\b`), func(m []string, now time.Time) (time.Time, bool) {
		return endOfMonth(now.Year()+1, 12, now.Location()), true
	}},
}

// FindDeadline reads the first deadline in text and the last day that
// meets it: "年底前" → December 31 of now's year, "三个月内" → three
// months from now, "by June" → June 30 of this year or, once June is
// past, of next year, "2027年3月" → March 31, 2027. It returns the span
// of the words it read.
func FindDeadline(text string, now time.Time) (time.Time, [2]int, bool) {
	best, bestSpan, found := time.Time{}, [2]int{-1, -1}, false
	for _, r := range deadlineRules {
		for _, loc := range r.re.FindAllStringSubmatchIndex(text, 4) {
			if found && loc[0] >= bestSpan[0] {
				break
			}
			m := make([]string, len(loc)/2)
			for i := range m {
				if loc[2*i] >= 0 {
					m[i] = text[loc[2*i]:loc[2*i+1]]
				}
			}
			if due, ok := r.due(m, now); ok && !due.Before(dayStart(now)) {
				best, bestSpan, found = due, [2]int{loc[0], loc[1]}, true
				break
			}
		}
	}
	return best, bestSpan, found
}

func validYear(y float64) bool { return y >= 2000 && y <= 2100 }

func dayStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// endOfMonth is the last day of month mo of year y.
func endOfMonth(y, mo int, loc *time.Location) time.Time {
	return time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, loc)
}

// nextMonthEnd is the end of month mo this year, or next year once it is past.
func nextMonthEnd(now time.Time, mo time.Month) time.Time {
	t := endOfMonth(now.Year(), int(mo), now.Location())
	if t.Before(dayStart(now)) {
		t = endOfMonth(now.Year()+1, int(mo), now.Location())
	}
	return t
}

// addSpan adds n Chinese units of time (个月, 周, 天, 年) to now.
func addSpan(now time.Time, n float64, unit string) (time.Time, bool) {
	if n <= 0 || n > 1000 {
		return time.Time{}, false
	}
	d := dayStart(now)
	switch unit {
	case "个月":
		return d.AddDate(0, int(n), int((n-float64(int(n)))*30)), true
	case "年":
		return d.AddDate(0, int(n*12), 0), true
	case "周", "星期", "个星期":
		return d.AddDate(0, 0, int(n*7)), true
	case "天":
		return d.AddDate(0, 0, int(n)), true
	}
	return time.Time{}, false
}

func addSpanEN(now time.Time, n float64, unit string, ok bool) (time.Time, bool) {
	if !ok {
		return time.Time{}, false
	}
	switch strings.TrimSuffix(strings.ToLower(unit), "s") {
	case "month":
		return addSpan(now, n, "个月")
	case "year":
		return addSpan(now, n, "年")
	case "week":
		return addSpan(now, n, "周")
	case "day":
		return addSpan(now, n, "天")
	}
	return time.Time{}, false
}

var englishNumbers = map[string]float64{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18,
}

// englishNumber reads a count written in digits or as a small English word.
func englishNumber(s string) (float64, bool) {
	if n, ok := englishNumbers[strings.ToLower(s)]; ok {
		return n, true
	}
	return ParseNumber(s)
}

// DeadlineBand names the band of the dialog's deadline buttons a due
// date falls in: "3m" within three months of now (a week's grace), "1y"
// within a year, "" later.
func DeadlineBand(due, now time.Time) string {
	switch start := dayStart(now); {
	case due.IsZero():
		return ""
	case !due.After(start.AddDate(0, 3, 7)):
		return "3m"
	case !due.After(start.AddDate(1, 0, 7)):
		return "1y"
	}
	return ""
}
