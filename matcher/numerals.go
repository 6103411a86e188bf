package matcher

import (
	"strconv"
	"strings"
)

// hanDigits are the Chinese digits as written in everyday text, with
// their values; 两 is the "two" used before units (两万, 两个月).
var hanDigits = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// hanUnits are the units inside a number below ten thousand.
var hanUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

// numberPattern matches a number in Arabic or Chinese numerals, for use
// inside larger patterns: "12", "1,200", "2.5", "三十", "一百五".
const numberPattern = `(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千]+)`

// ParseNumber reads a number written in Arabic numerals ("1,200", "2.5")
// or in Chinese numerals, as people type them: "三" 3, "十二" 12,
// "二十五" 25, "一百五" 150, "三千五" 3500, "一万二" 12000, "两万" 20000,
// "二〇二七" 2027. It reports false for anything else.
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if s[0] >= '0' && s[0] <= '9' {
		n, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		return n, err == nil
	}
	return parseHanNumber(s)
}

// parseHanNumber reads Chinese numerals with the units 十百千万亿.
func parseHanNumber(s string) (float64, bool) {
	runes := []rune(s)
	if len(runes) > 24 {
		return 0, false
	}
	// Digits only ("二〇二七"): read them one by one, as a year is.
	digitsOnly := true
	for _, r := range runes {
		if _, ok := hanDigits[r]; !ok {
			digitsOnly = false
			break
		}
	}
	if digitsOnly && len(runes) > 1 {
		n := 0.0
		for _, r := range runes {
			n = n*10 + float64(hanDigits[r])
		}
		return n, true
	}
	var total, section, digit float64
	lastUnit := 0.0 // the unit just passed, for "一百五" = 150
	haveDigit := false
	for _, r := range runes {
		if d, ok := hanDigits[r]; ok {
			digit, haveDigit = float64(d), true
			continue
		}
		switch r {
		case '十', '百', '千':
			u := float64(hanUnits[r])
			if !haveDigit {
				if r != '十' {
					return 0, false
				}
				digit = 1 // "十二" is 12
			}
			section += digit * u
			digit, haveDigit, lastUnit = 0, false, u
		case '万', '亿':
			u := 1e4
			if r == '亿' {
				u = 1e8
			}
			section += digit
			if section == 0 {
				return 0, false
			}
			total += section * u
			section, digit, haveDigit, lastUnit = 0, 0, false, u
		default:
			return 0, false
		}
	}
	if haveDigit {
		// A lone digit after a unit counts in the next lower unit:
		// "一百五" is 150, "一万二" is 12,000; after 零 it is itself.
		if lastUnit >= 100 && runes[len(runes)-2] != '零' {
			digit *= lastUnit / 10
		}
		section += digit
	}
	n := total + section
	return n, n > 0 || s == "零" || s == "〇"
}

// hanApproxRange reads two close digits before a unit, the way people
// say a rough range: "二三十" is 20–30, "五六千" 5,000–6,000, "三五万"
// 30,000–50,000.
func hanApproxRange(s string) (lo, hi float64, ok bool) {
	r := []rune(s)
	if len(r) < 2 {
		return 0, 0, false
	}
	a, okA := hanDigits[r[0]]
	b, okB := hanDigits[r[1]]
	if !okA || !okB || b <= a || b > a+2 || a == 0 {
		return 0, 0, false
	}
	unit, okU := 1.0, true
	if rest := string(r[2:]); rest != "" {
		unit, okU = parseHanNumber("一" + rest)
	}
	if !okU {
		return 0, 0, false
	}
	return float64(a) * unit, float64(b) * unit, true
}
