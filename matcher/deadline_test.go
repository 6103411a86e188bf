package matcher

import (
	"testing"
	"time"
)

// testNow is the clock of the conversation tests: a Thursday in December.
var testNow = time.Date(2026, 12, 3, 9, 30, 0, 0, time.UTC)

func TestFindDeadline(t *testing.T) {
	for _, tc := range []struct {
		text, span, due string // due "" when the text gives no deadline
	}{
		{"年底前能解决就行", "年底前", "2026-12-31"},
		{"最好三个月内搞定", "三个月内", "2027-03-03"},
		{"半年内要上线", "半年内", "2027-06-03"},
		{"两周内给个方案", "两周内", "2026-12-17"},
		{"2027年3月前完成", "2027年3月前", "2027-03-31"},
		{"二〇二七年三月底", "二〇二七年三月底", "2027-03-31"},
		{"2027年底之前", "2027年底", "2027-12-31"},
		{"明年上半年投产", "明年上半年", "2027-06-30"},
		{"6月前要交货", "6月前", "2027-06-30"},
		{"明年吧", "明年", "2027-12-31"},
		{"明年三月份之前", "明年三月份之前", "2027-03-31"},
		{"明年春天能用上", "明年春天", "2027-05-31"},
		{"ready by next summer", "by next summer", "2027-08-31"},
		{"We need it by June.", "by June", "2027-06-30"},
		{"by the end of March 2027 at the latest", "by the end of March 2027", "2027-03-31"},
		{"within 3 months if possible", "within 3 months", "2027-03-03"},
		{"ideally in two weeks", "in two weeks", "2026-12-17"},
		{"before Q2 2027", "before Q2 2027", "2027-06-30"},
		{"by the end of the year", "by the end of the year", "2026-12-31"},
		{"by December", "by December", "2026-12-31"},
		{"the pond is 3 meters deep, 底部有淤泥", "", ""},
		{"2019年成立的公司", "", ""},
		{"in 2019 we started", "", ""},
	} {
		due, span, ok := FindDeadline(tc.text, testNow)
		if tc.due == "" {
			if ok {
				t.Errorf("FindDeadline(%q) = %v (%q), want none", tc.text, due, tc.text[span[0]:span[1]])
			}
			continue
		}
		if !ok {
			t.Errorf("FindDeadline(%q) found nothing, want %s", tc.text, tc.due)
			continue
		}
		if got := due.Format("2006-01-02"); got != tc.due || tc.text[span[0]:span[1]] != tc.span {
			t.Errorf("FindDeadline(%q) = %s %q, want %s %q", tc.text, got, tc.text[span[0]:span[1]], tc.due, tc.span)
		}
	}
}

func TestDeadlineBand(t *testing.T) {
	for text, want := range map[string]string{"三个月内": "3m", "年底前": "3m", "半年内": "1y", "by June": "1y", "2028年底": ""} {
		due, _, ok := FindDeadline(text, testNow)
		if got := DeadlineBand(due, testNow); !ok || got != want {
			t.Errorf("DeadlineBand(%q) = %q, want %q", text, got, want)
		}
	}
}
