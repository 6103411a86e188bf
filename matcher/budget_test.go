package matcher

import (
	"strings"
	"testing"
)

func TestFindMoney(t *testing.T) {
	for _, tc := range []struct {
		text     string
		min, max float64
		cur      string
		span     string
	}{
		{"预算20到30万元，越快越好", 200000, 300000, "CNY", "20到30万元"},
		{"预算二三十万，年底前解决", 200000, 300000, "CNY", "二三十万"},
		{"投入大概50万左右", 500000, 500000, "CNY", "50万"},
		{"能接受十来万块的", 100000, 100000, "CNY", "十来万块"},
		{"养虾的，预算不多，三五万吧", 30000, 50000, "CNY", "三五万"},
		{"费用 20-30万", 200000, 300000, "CNY", "20-30万"},
		{"budget around $50k-80k", 50000, 80000, "USD", "$50k-80k"},
		{"We can spend 1.2 million RMB.", 1200000, 1200000, "CNY", "1.2 million rmb"},
		{"we'd pay ¥300,000 for this", 300000, 300000, "CNY", "¥300,000"},
	} {
		m, span, ok := FindMoney(tc.text)
		if !ok || m.Min != tc.min || m.Max != tc.max || m.Currency != tc.cur {
			t.Errorf("FindMoney(%q) = %+v, %v; want %v–%v %s", tc.text, m, ok, tc.min, tc.max, tc.cur)
			continue
		}
		if got := tc.text[span[0]:span[1]]; !equalFold(got, tc.span) {
			t.Errorf("FindMoney(%q) span %q, want %q", tc.text, got, tc.span)
		}
	}
}

// Prices per piece and counts are no budget.
func TestFindMoneyNone(t *testing.T) {
	for _, text := range []string{"Price: 300 RMB per sensor.", "单价200元，年产5万台", "每台5万，想买两台", "年产5万台，合格率九成", "3 people, 2 shifts", "5 months", "一年电费好几百万，想降个两三成"} {
		if m, _, ok := FindMoney(text); ok {
			t.Errorf("FindMoney(%q) = %+v, want no budget", text, m)
		}
	}
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

func TestMoneyLabel(t *testing.T) {
	for _, tc := range []struct {
		m      Money
		zh, en string
	}{
		{Money{200000, 300000, "CNY"}, "20万–30万元", "CNY 200,000–300,000"},
		{Money{50000, 50000, "USD"}, "50,000美元", "USD 50,000"},
		{Money{1.5e8, 1.5e8, "CNY"}, "1.5亿元", "CNY 150,000,000"},
		{Money{800, 800, "CNY"}, "800元", "CNY 800"},
	} {
		if got := tc.m.Label(LangZH); got != tc.zh {
			t.Errorf("%+v.Label(zh) = %q, want %q", tc.m, got, tc.zh)
		}
		if got := tc.m.Label(LangEN); got != tc.en {
			t.Errorf("%+v.Label(en) = %q, want %q", tc.m, got, tc.en)
		}
	}
}

func TestBudgetBand(t *testing.T) {
	for _, tc := range []struct {
		m    Money
		want string
	}{
		{Money{50000, 50000, "CNY"}, "small"}, {Money{200000, 300000, "CNY"}, "mid"}, {Money{1e6, 1e6, "CNY"}, "mid"},
		{Money{5e5, 2e6, "CNY"}, "large"}, {Money{50000, 80000, "USD"}, "mid"}, {Money{}, ""},
	} {
		if got := BudgetBand(tc.m); got != tc.want {
			t.Errorf("BudgetBand(%+v) = %q, want %q", tc.m, got, tc.want)
		}
	}
}
