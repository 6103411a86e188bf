package matcher

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStem(t *testing.T) {
	for in, want := range map[string]string{
		"scratches": "scratch", "batteries": "battery", "rusting": "rust", "cutting": "cut", "rusted": "rust",
		"process": "process", "glass": "glass", "analysis": "analysis", "pumps": "pump", "gas": "gas", "ion": "ion",
	} {
		if got := stem(in); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("Our pumps fail! 水泵经常坏，ＰＬＣ 12 个")
	want := []string{"pump", "fail", "水泵", "泵经", "经常", "常坏", "plc", "个"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tokens (-want +got):\n%s", diff)
	}
}

func TestDetectLang(t *testing.T) {
	for text, want := range map[string]Lang{
		"Our steel strip has scratches": LangEN,
		"我们的钢带有划痕":                      LangZH,
		"采用 PBAT/PLA 共混改性的全生物降解地膜":      LangZH,
		"": LangEN,
	} {
		if got := DetectLang(text); got != want {
			t.Errorf("DetectLang(%q) = %s, want %s", text, got, want)
		}
	}
}

func TestFindPlaceAndCompare(t *testing.T) {
	p, ok := FindPlace("工厂位于江苏省苏州市")
	if !ok || p != (Place{Province: "Jiangsu", City: "Suzhou"}) {
		t.Errorf("FindPlace = %+v, %v", p, ok)
	}
	if got := p.Label(LangEN); got != "Suzhou, Jiangsu" {
		t.Errorf("Label(en) = %q", got)
	}
	for _, tc := range []struct {
		a, b string
		want RegionFit
	}{
		{"Suzhou, Jiangsu", "南京", RegionSame},
		{"Hangzhou, Zhejiang", "Shanghai", RegionNear},
		{"Harbin", "Guangzhou", RegionFar},
		{"somewhere", "Beijing", RegionUnknown},
	} {
		if got, _, _ := CompareRegions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareRegions(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestAnalyzeReadsFields(t *testing.T) {
	a := Default().Analyze(KindNeed, "We are in Ningbo. Our piston rods rust near the sea; budget 500k CNY, needed within 6 months. We want a licence.")
	if a.Region != "Ningbo, Zhejiang" {
		t.Errorf("region = %q", a.Region)
	}
	if a.Budget == "" || a.Deadline == "" {
		t.Errorf("budget %q, deadline %q: want both found", a.Budget, a.Deadline)
	}
	if len(a.Modes) != 1 || a.Modes[0] != ModeLicense {
		t.Errorf("modes = %v, want license", a.Modes)
	}
	if len(a.Concepts) == 0 {
		t.Error("no concepts for a corrosion need")
	}
	if got := ParseTRL("TRL 6"); got != 6 {
		t.Errorf("ParseTRL(TRL 6) = %d", got)
	}
	if got := ParseTRL("已经中试"); got != 6 {
		t.Errorf("ParseTRL(已经中试) = %d", got)
	}
}

func TestParseAmountCNY(t *testing.T) {
	for in, want := range map[string]float64{
		"50万元": 5e5, "500k CNY": 5e5, "1.2 million RMB": 1.2e6, "¥300,000": 3e5, "1亿": 1e8,
	} {
		if got, ok := ParseAmountCNY(in); !ok || got != want {
			t.Errorf("ParseAmountCNY(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"面议", "USD 50k", "open"} {
		if _, ok := ParseAmountCNY(in); ok {
			t.Errorf("ParseAmountCNY(%q) read an amount", in)
		}
	}
}

// TestAnalyzeBudgetNotUnitPrice: the offline reading takes an amount to
// spend as the budget, never a price per piece, and titles the text with
// a short key phrase rather than its first sentence.
func TestAnalyzeBudgetNotUnitPrice(t *testing.T) {
	tax := Default()
	for text, want := range map[string]string{
		"Wireless soil sensors for farms. Price: 300 RMB per sensor. Field-tested for two seasons.": "",
		"我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，预算二三十万":                                                             "二三十万",
	} {
		a := tax.Analyze(KindOffer, text)
		if a.Budget != want {
			t.Errorf("Analyze(%q).Budget = %q, want %q", text, a.Budget, want)
		}
		if a.Title != tax.Title(KindOffer, text) {
			t.Errorf("Analyze(%q).Title = %q, not the key-phrase title", text, a.Title)
		}
	}
}
