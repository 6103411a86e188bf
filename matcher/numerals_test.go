package matcher

import "testing"

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{
		"3": 3, "1,200": 1200, "2.5": 2.5, "三": 3, "十": 10, "十二": 12, "二十五": 25, "一百五": 150,
		"一百零五": 105, "三千五": 3500, "两万": 20000, "一万二": 12000, "五十万": 500000, "二〇二七": 2027, "九": 9,
	} {
		if got, ok := ParseNumber(in); !ok || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc", "万", "百", "十万万x", "三个"} {
		if got, ok := ParseNumber(in); ok {
			t.Errorf("ParseNumber(%q) = %v, want no number", in, got)
		}
	}
}

func TestHanApproxRange(t *testing.T) {
	for in, want := range map[string][2]float64{"二三十": {20, 30}, "五六千": {5000, 6000}, "三四": {3, 4}, "三五万": {30000, 50000}, "三": {0, 0}, "二六十": {0, 0}, "五三十": {0, 0}} {
		lo, hi, ok := hanApproxRange(in)
		if ok != (want[1] > 0) || lo != want[0] || hi != want[1] {
			t.Errorf("hanApproxRange(%q) = %v, %v, %v; want %v", in, lo, hi, ok, want)
		}
	}
}
