package matcher

import (
	"regexp"
	"strconv"
	"strings"
)

var amountRe = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)*)\s*(亿|万|k|thousand|m|mn|million|百万|千)?`)

// ParseAmountCNY reads the first amount of money in s as yuan: "50万元",
// "500k CNY", "1.2 million RMB", "¥300,000". Amounts in other currencies
// and texts without a number give false.
func ParseAmountCNY(s string) (float64, bool) {
	lower := strings.ToLower(s)
	if strings.Contains(lower, "usd") || strings.Contains(lower, "$") || strings.Contains(lower, "eur") || strings.Contains(lower, "€") {
		return 0, false
	}
	m := amountRe.FindStringSubmatch(lower)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	if err != nil {
		return 0, false
	}
	switch m[2] {
	case "亿":
		n *= 1e8
	case "万":
		n *= 1e4
	case "百万", "m", "mn", "million":
		n *= 1e6
	case "k", "thousand", "千":
		n *= 1e3
	}
	return n, n > 0
}
