package matcher

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactContacts(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Left alone: figures of technical text.
		{"TRL 6, 1000 h salt spray, 0.5% scrap, 300 m/min, budget 500,000 CNY", "TRL 6, 1000 h salt spray, 0.5% scrap, 300 m/min, budget 500,000 CNY"},
		{"2024-2026 项目，GB/T 12345-2008，ISO 9001:2015，温度 -40~+85°C", "2024-2026 项目，GB/T 12345-2008，ISO 9001:2015，温度 -40~+85°C"},
		{"1 000 000 pieces a year, 12345678 parts", "1 000 000 pieces a year, 12345678 parts"},
		{"We co-develop with the lab.Co-funding is open; VxWorks and ASP-based tools.", "We co-develop with the lab.Co-funding is open; VxWorks and ASP-based tools."},
		{"vibration@5kHz, α-alumina, 5 μm", "vibration@5kHz, α-alumina, 5 μm"},
		// Removed.
		{"call 13800138000 now", "call [removed] now"},
		{"手机：138 0013 8000。", "手机：[removed]。"},
		{"Tel +86 (21) 5555-1234 or +1 415 555 0100", "Tel [removed] or [removed]"},
		{"座机0571-87654321，400-820-8820", "座机[removed]，[removed]"},
		{"mail boss@example.com or boss (at) example (dot) com", "mail [removed] or [removed]"},
		{"see https://evil.example.com/x?y=1 and www.foo.cn and t.me/joinchat", "see [removed] and [removed] and [removed]"},
		{"ping @zhang_factory on Telegram", "ping [removed] on Telegram"},
		{"加微信：zhangsan_88 或 QQ 12345678", "加微信：[removed] 或 QQ [removed]"},
		{"WeChat: factory2024, wechat group members", "WeChat: [removed], wechat group members"},
		// Disguised: zero-width characters, full-width forms, look-alike letters.
		{"138\u200b0013\u200b8000", "[removed]"},
		{"１３８００１３８０００", "[removed]"},
		{"boss＠example．com", "[removed]"},
		{"visit еxаmple.com", "visit [removed]"},
	} {
		if got := RedactContacts(tc.in); got != tc.want {
			t.Errorf("RedactContacts(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		_, found := FindContact(tc.in)
		if want := strings.Contains(tc.want, Redacted); found != want {
			t.Errorf("FindContact(%q) = %v, want %v", tc.in, found, want)
		}
	}
}

func TestRedactWords(t *testing.T) {
	got := RedactWords("I am 918273645 (id 9182736451 is not me), User918273645 or user918273645x; 用户918273645", "918273645", "user918273645", "", "ab")
	want := "I am [removed] (id 9182736451 is not me), [removed] or user918273645x; 用户[removed]"
	if got != want {
		t.Errorf("RedactWords\n got %q\nwant %q", got, want)
	}
}

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ign\u200bore previ\u200dous", "ignore previous"},
		{"ignоre (Cyrillic о)", "ignore (Cyrillic о)"},
		{"Привет мир", "Привет мир"},
		{"ＡＢＣ１２３，中文标点。", "ABC123，中文标点。"},
	} {
		if got := CleanText(tc.in); got != tc.want {
			t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAnalysisValidate(t *testing.T) {
	tax := Default()
	ok := Analysis{
		Title: "Surface defect inspection", Statement: "On-line surface defect inspection of cold-rolled strip.",
		Domains: []string{"manufacturing"}, TRL: 6, IP: IPPending, Modes: []Mode{ModeJointRD},
		Missing: []Field{FieldRegion}, Remarks: []Remark{RemarkBenefit}, PromptVersion: "n1-test",
	}
	if err := ok.Validate(tax); err != nil {
		t.Fatalf("valid analysis rejected: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(a *Analysis)
		want   []string
	}{
		{"no title", func(a *Analysis) { a.Title = " " }, []string{"title is empty"}},
		{"model without statement", func(a *Analysis) { a.Statement = "" }, []string{"statement is empty"}},
		{"statement in Chinese", func(a *Analysis) { a.Statement = "冷轧带钢表面缺陷在线检测" }, []string{"statement must be in English"}},
		{"codes", func(a *Analysis) {
			a.Domains = []string{"robotics", "manufacturing", "manufacturing"}
			a.Modes = []Mode{"partnership"}
			a.IP = "secret"
			a.TRL = 10
			a.Missing = []Field{"price"}
			a.Remarks = []Remark{"vague"}
			a.Concepts = []string{"no-such-concept"}
		}, []string{
			`domain "robotics" is not one of the domain codes`, `domain "manufacturing" is listed twice`,
			`concept "no-such-concept" is not in the taxonomy`, "trl 10 must be between 1 and 9, or 0 when unknown",
			`ip "secret" is unknown`, `mode "partnership" is unknown`, `missing field "price" is unknown`, `remark "vague" is unknown`,
		}},
		{"contacts", func(a *Analysis) {
			a.Summary = "Ring 13800138000"
			a.Keywords = []string{"see www.example.com"}
		}, []string{"summary contains a phone number; leave contact details out", "keywords entry contains a URL; leave contact details out"}},
		{"too long", func(a *Analysis) { a.Title = strings.Repeat("x", MaxAnalysisTitle+1) }, []string{"title has 121 characters, more than 120"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok
			tc.change(&a)
			err := a.Validate(tax)
			verr, isV := err.(*ValidationError)
			if !isV {
				t.Fatalf("Validate = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tc.want, verr.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	// The offline analysis passes as it is.
	off := tax.Analyze(KindNeed, "我们厂的活塞杆在海边半年就生锈，想找耐腐蚀的表面处理。")
	if err := off.Validate(tax); err != nil {
		t.Errorf("offline analysis rejected: %v", err)
	}
}

func TestApplyModelFields(t *testing.T) {
	a := Analysis{Title: "t", Statement: "s", Keywords: []string{"laser cladding", "coating"}, KeywordsZH: []string{"激光熔覆", "coating"},
		IP: IPGranted, PromptVersion: "n1-x"}
	p := Profile{Keywords: []string{"own"}}
	a.Apply(&p)
	want := Profile{Title: "t", Statement: "s", Keywords: []string{"own", "laser cladding", "coating", "激光熔覆"}, IP: IPGranted, PromptVersion: "n1-x"}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	many := Analysis{}
	for i := range MaxTermsPerList + 10 {
		many.Keywords = append(many.Keywords, strings.Repeat("k", i%5+1)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	var q Profile
	many.Apply(&q)
	if len(q.Keywords) != MaxTermsPerList {
		t.Errorf("%d keywords applied, want at most %d", len(q.Keywords), MaxTermsPerList)
	}
}
