package redact

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
)

// TestContactsRedacted lists the forms of contact details the
// review saw reach a counterpart or a model, and text that must stay as
// written. A row with gone is a positive: each of those pieces must be
// replaced. A row without is a negative: the text comes back unchanged.
func TestContactsRedacted(t *testing.T) {
	rows := []struct {
		in    string
		gone  []string
		names []string
	}{
		// Phones, Chinese forms.
		{in: "电话13812345678", gone: []string{"13812345678"}},
		{in: "call 13812345678 today", gone: []string{"13812345678"}},
		{in: "8613812345678", gone: []string{"8613812345678"}},
		{in: "+86 138 1234 5678", gone: []string{"138 1234 5678"}},
		{in: "+86-138-1234-5678", gone: []string{"1234-5678"}},
		{in: "+8613812345678", gone: []string{"13812345678"}},
		{in: "138-1234-5678", gone: []string{"1234-5678"}},
		{in: "138 1234 5678", gone: []string{"1234 5678"}},
		{in: "手机：13900001111", gone: []string{"13900001111"}},
		{in: "手机号 139 0000 1111", gone: []string{"139 0000 1111"}},
		{in: "my office — tel 13800001111 wx: zwlab2024", gone: []string{"13800001111", "zwlab2024"}},
		{in: "010-12345678", gone: []string{"12345678"}},
		{in: "(010) 1234 5678", gone: []string{"1234 5678"}},
		{in: "0755-87654321转8001", gone: []string{"87654321"}},
		{in: "座机 021 6234 5678", gone: []string{"6234 5678"}},
		{in: "400-123-4567", gone: []string{"123-4567"}},
		{in: "800 123 4567", gone: []string{"123 4567"}},
		{in: "电话：0571-8888 6666", gone: []string{"8888 6666"}},
		{in: "联系电话: 028 8765 4321", gone: []string{"8765 4321"}},
		{in: "１３８１２３４５６７８", gone: []string{"13812345678"}},
		{in: "138\u200b1234\u200b5678", gone: []string{"5678"}},
		// Phones, international forms.
		{in: "415-555-0100", gone: []string{"555-0100"}},
		{in: "(415) 555-0100", gone: []string{"555-0100"}},
		{in: "415.555.0100", gone: []string{"555.0100"}},
		{in: "+1 415 555 0100", gone: []string{"555 0100"}},
		{in: "+1 (415) 555-0100", gone: []string{"555-0100"}},
		{in: "+44 20 7946 0958", gone: []string{"7946 0958"}},
		{in: "+49 30 123456", gone: []string{"123456"}},
		{in: "phone: 020 7946 0958", gone: []string{"7946 0958"}},
		{in: "Tel: +852 2345 6789", gone: []string{"2345 6789"}},
		{in: "fax 0086-10-6552-9988", gone: []string{"6552-9988"}},
		// E-mails.
		{in: "alice@example.com", gone: []string{"alice", "example.com"}},
		{in: "mail zhang.wei+lab@tsinghua.edu.cn now", gone: []string{"zhang.wei", "tsinghua"}},
		{in: "bob (at) lab (dot) org", gone: []string{"bob"}},
		{in: "ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ", gone: []string{"bob", "example"}},
		{in: "邮箱:zw@126.com", gone: []string{"zw@126.com"}},
		// URLs.
		{in: "See https://evil.example/login to verify", gone: []string{"evil.example", "login"}},
		{in: "evil.example/login", gone: []string{"evil.example"}},
		{in: "http://10.0.0.1:8080/x", gone: []string{"10.0.0.1"}},
		{in: "www.zwlab.cn", gone: []string{"zwlab"}},
		{in: "访问 zwlab.com 了解", gone: []string{"zwlab.com"}},
		{in: "tg://resolve?domain=zhang", gone: []string{"resolve", "zhang"}},
		{in: "shop.zwlab.tech/item?id=3", gone: []string{"zwlab"}},
		{in: "t.me/zhang_lab", gone: []string{"zhang_lab"}},
		{in: "docs.company.internal/wiki", gone: []string{"company"}},
		// WeChat.
		{in: "WeChat: zw_lab88", gone: []string{"zw_lab88"}},
		{in: "微信 zwlab", gone: []string{"zwlab"}},
		{in: "微信：zwlab", gone: []string{"zwlab"}},
		{in: "微信号：zw-lab_01", gone: []string{"zw-lab_01"}},
		{in: "微信号zwlab2024", gone: []string{"zwlab2024"}},
		{in: "wx: zwlab2024", gone: []string{"zwlab2024"}},
		{in: "WX:zwlab", gone: []string{"zwlab"}},
		{in: "wx zwlab2024", gone: []string{"zwlab2024"}},
		{in: "v信 zwlab2024", gone: []string{"zwlab2024"}},
		{in: "V信：zwlab", gone: []string{"zwlab"}},
		{in: "加V zwlab88", gone: []string{"zwlab88"}},
		{in: "加v：zwlab", gone: []string{"zwlab"}},
		{in: "加V信 zwlab", gone: []string{"zwlab"}},
		{in: "vx: zwlab", gone: []string{"zwlab"}},
		{in: "VX zw_lab", gone: []string{"zw_lab"}},
		{in: "+v zwlab99", gone: []string{"zwlab99"}},
		{in: "薇信 zwlab99", gone: []string{"zwlab99"}},
		{in: "wechat id: zhangw", gone: []string{"zhangw"}},
		{in: "weixin=zhangw", gone: []string{"zhangw"}},
		{in: "微信：\u202ezwlab\u202c", gone: []string{"zwlab", "\u202e"}},
		{in: "微信\U000E0041：zwlab\u061c", gone: []string{"zwlab", "\U000E0041", "\u061c"}},
		// QQ.
		{in: "QQ号：123456789", gone: []string{"123456789"}},
		{in: "QQ:123456789", gone: []string{"123456789"}},
		{in: "qq 123456789", gone: []string{"123456789"}},
		{in: "扣扣 123456789", gone: []string{"123456789"}},
		{in: "扣扣号：88886666", gone: []string{"88886666"}},
		{in: "QQ号码 12345678", gone: []string{"12345678"}},
		{in: "企鹅号 88886666", gone: []string{"88886666"}},
		// Telegram and others.
		{in: "telegram: zhang_lab", gone: []string{"zhang_lab"}},
		{in: "Telegram zhang_lab", gone: []string{"zhang_lab"}},
		{in: "tg: zhanglab", gone: []string{"zhanglab"}},
		{in: "TG @zhanglab", gone: []string{"zhanglab"}},
		{in: "电报 zhang_lab", gone: []string{"zhang_lab"}},
		{in: "电报：zhanglab", gone: []string{"zhanglab"}},
		{in: "飞机 zhang_lab", gone: []string{"zhang_lab"}},
		{in: "whatsapp: 4155550100", gone: []string{"4155550100"}},
		{in: "skype: zhang.wei.lab", gone: []string{"zhang.wei.lab"}},
		// @usernames.
		{in: "ping @zhang_lab", gone: []string{"zhang_lab"}},
		{in: "Zhang Wei 13812345678 alice@example.com WeChat: zw_lab88 @zh", gone: []string{"13812345678", "alice", "zw_lab88", "@zh"}},
		{in: "（@zwlab）", gone: []string{"zwlab"}},
		// The owner's own names when anonymous.
		{in: "Zhang Wei leads the lab", gone: []string{"Zhang Wei"}, names: []string{"Zhang Wei"}},
		{in: "张伟团队研发", gone: []string{"张伟"}, names: []string{"张伟"}},
		{in: "by zhanglab and @zhanglab", gone: []string{"zhanglab"}, names: []string{"@zhanglab"}},
		{in: "清华大学精密仪器系提供", gone: []string{"清华大学精密仪器系"}, names: []string{"清华大学精密仪器系"}},
		{in: "ACME Robotics makes arms", gone: []string{"ACME Robotics"}, names: []string{"acme robotics"}},

		// Negatives: numbers and words that are not contacts.
		{in: "按GB/T 4754-2017分类"},
		{in: "304不锈钢外壳"},
		{in: "转速5000转/分"},
		{in: "价格 12000 元/台"},
		{in: "budget 1,500,000 CNY"},
		{in: "founded in 2019, 2020-2023 pilot"},
		{in: "ISO 9001 certified"},
		{in: "ISO 13485:2016"},
		{in: "坐标 39.9042, 116.4074"},
		{in: "39.9042°N 116.4074°E"},
		{in: "TRL 6, 3-5 years"},
		{in: "M8x1.25 螺纹"},
		{in: "精度±0.01mm"},
		{in: "型号 XK-2000A"},
		{in: "容量 500L/h"},
		{in: "2024-01-15 签约"},
		{in: "营业收入 3.5 亿元"},
		{in: "温度范围 -40~125℃"},
		{in: "功率 1.5kW，电压 380V"},
		{in: "共 128 个样本，准确率 99.2%"},
		{in: "process.Co-develop with partners"},
		{in: "我们需要微信小程序开发"},
		{in: "QQ音乐合作"},
		{in: "the wx component library"},
		{in: "telegram bot integration"},
		{in: "email marketing tools"},
		{in: "e.g. sensors, i.e. IoT"},
		{in: "Python 3.12 and Go 1.26"},
		{in: "第13812项专利"},
		{in: "IPv4 only"},
		{in: "5G/6G 通信"},
		{in: "PM2.5 监测"},
		{in: "版本 v2.3.1"},
		{in: "专利号 ZL201910123456.7", gone: nil},
		{in: "面积 1200㎡，租金 3元/㎡/天"},
		{in: "50-100人团队"},
		{in: "rate 1/s, burst 20"},
	}
	if len(rows) < 100 {
		t.Fatalf("the table has %d rows, want at least 100", len(rows))
	}
	for _, r := range rows {
		got, found := Text(r.in, Options{Lang: matcher.LangEN, Names: r.names})
		if len(r.gone) == 0 {
			if want := matcher.CleanText(strings.Map(dropFormat, r.in)); got != want || len(found) > 0 {
				t.Errorf("Text(%q) = %q %v, want it unchanged", r.in, got, found)
			}
			continue
		}
		if len(found) == 0 || !strings.Contains(got, MarkEN) {
			t.Errorf("Text(%q) = %q, found nothing", r.in, got)
			continue
		}
		for _, g := range r.gone {
			if strings.Contains(got, g) {
				t.Errorf("Text(%q) = %q, still shows %q", r.in, got, g)
			}
		}
	}
}

func TestMarksAndFound(t *testing.T) {
	for _, tc := range []struct {
		lang matcher.Lang
		in   string
		want string
	}{
		{matcher.LangZH, "电话13812345678", MarkZH},
		{matcher.LangEN, "mail a@b.cn now", "mail " + MarkEN + " now"},
		{"", "call 415-555-0100", "call " + MarkNeutral},
		{matcher.LangZH, "微信：zwlab，QQ号：123456789", MarkZH + "，" + MarkZH},
	} {
		if got, _ := Text(tc.in, Options{Lang: tc.lang}); got != tc.want {
			t.Errorf("Text(%q, %s) = %q, want %q", tc.in, tc.lang, got, tc.want)
		}
	}
	_, found := Text("Zhang 13812345678 alice@example.com https://x.example/a @zh", Options{Names: []string{"Zhang"}})
	want := []Found{{Name, "Zhang"}, {Phone, "13812345678"}, {Email, "alice@example.com"}, {URL, "https://x.example/a"}, {Handle, "@zh"}}
	if diff := cmp.Diff(want, found); diff != "" {
		t.Errorf("found (-want +got):\n%s", diff)
	}
}

// TestBlankText: text of zero-width characters and controls only
// is no description.
func TestBlankText(t *testing.T) {
	for in, want := range map[string]bool{
		"":                           true,
		" \t\n":                      true,
		"\u200b\u200c\u200d\ufeff":   true,
		"\u202e\u2066 \u2069\u00ad":  true,
		"\u3164\u115f\u2800":         true,
		"\U000E0041\U000E0042\u061c": true,
		"a":                          false,
		"\u200b激光\u200b":             false,
		"。":                          false,
	} {
		if got := Blank(in); got != want {
			t.Errorf("Blank(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"电话13812345678", "WeChat: zw_lab88", "GB/T 4754-2017", "@zh a@b.cn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := Text(s, Options{Lang: matcher.LangZH, Names: []string{"张伟"}})
		again, found := Text(got, Options{Lang: matcher.LangZH, Names: []string{"张伟"}})
		if again != got || len(found) > 0 {
			t.Errorf("Text is not idempotent on %q: %q then %q %v", s, got, again, found)
		}
	})
}

func BenchmarkText(b *testing.B) {
	text := strings.Repeat("我们需要一种耐磨涂层，用于液压缸活塞杆，工作温度 -40~125℃，预算 50 万元。", 6) +
		"联系：张伟 13812345678，微信 zwlab2024，alice@example.com"
	opt := Options{Lang: matcher.LangZH, Names: []string{"张伟", "zwlab"}}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Text(text, opt)
	}
}
