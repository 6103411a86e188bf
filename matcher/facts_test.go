package matcher

import (
	"fmt"
	"testing"
	"time"
)

func TestReadFacts(t *testing.T) {
	// want maps a field to the words it must be read from; "" means not found.
	type want struct{ region, goal, budget, deadline, maturity, demo string }
	for _, tc := range []struct {
		text string
		want want
	}{
		{"我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，希望合格率九成以上，预算二三十万，年底前解决",
			want{region: "潮州", goal: "合格率九成以上", budget: "二三十万", deadline: "年底前"}},
		{"茶厂，做绿茶的，在杭州西湖边上。杀青老是焦边，想把次品率降到5%以下，三个月内见效",
			want{region: "杭州", goal: "次品率降到5%以下", deadline: "三个月内"}},
		{"我家鱼塘在湖北，夏天晚上老缺氧，去年死了不少鱼。。想花个5万左右装个自动增氧的",
			want{region: "湖北", budget: "5万"}},
		{"We need yield above 95% within 3 months, budget $50k-80k. We're in Suzhou.",
			want{region: "Suzhou", goal: "yield above 95%", budget: "$50k-80k", deadline: "within 3 months"}},
		{"Our lab developed a low-cost soil moisture sensor. Price: 300 RMB per sensor. Field-tested for two seasons on 40 farms in Shandong, pilot line ready.",
			want{region: "Shandong", maturity: "Field-tested", demo: "Field-tested for two seasons on 40 farms in Shandong"}},
		{"我们团队有一种陶瓷膜过滤工艺，已在江苏5家印染厂应用，目前小批量生产",
			want{region: "江苏", maturity: "已在江苏5家印染厂应用", demo: "已在江苏5家印染厂应用"}},
		{"老板让我来问问,我们厂在佛山做瓷砖的,烧成车间能耗太高了.一年电费好几百万,想降个两三成,有没有办法??",
			want{region: "佛山", goal: "降个两三成"}},
		{"养虾的,在湛江.塘里老是发病,死苗严重~~求专家指导!!预算不多,三五万吧", want{region: "湛江", budget: "三五万"}},
		{"hey. we grow strawberries in greenhouses near Kunming; powdery mildew keeps coming back every spring. budget ~ 20k usd, need something before March",
			want{region: "Kunming", budget: "20k usd", deadline: "before March"}},
		{"我们课题组做了一个鱼塘溶氧在线监测加自动增氧的系统，中试阶段，在湖北三个养殖场试用了两年，想找企业合作转化",
			want{region: "湖北", maturity: "中试", demo: "在湖北三个养殖场试用了两年"}},
		{"We offer a machine-vision inspection system for ceramic tiles, running at 12 factories in Foshan, TRL 8. licence or joint development.",
			want{region: "Foshan", maturity: "TRL 8", demo: "running at 12 factories in Foshan"}},
		{"技术成熟度7，实验室做了三年，单价200元一个", want{maturity: "技术成熟度7"}},
		{"you know,,, the machine is broken lol", want{}},
		{"窑里温度波动超过20度，去年损失了三成的货", want{}},
		{"希望温差控制在5度以内", want{goal: "温差控制在5度以内"}},
		{"We want to reduce scrap from 8% to 2%, ideally by June", want{goal: "reduce scrap from 8% to 2%", deadline: "by June"}},
	} {
		fs := ReadFacts(tc.text, testNow)
		for _, c := range []struct {
			name string
			got  Fact
			want string
		}{
			{"region", fs.Region, tc.want.region}, {"goal", fs.Goal, tc.want.goal}, {"budget", fs.Budget, tc.want.budget},
			{"deadline", fs.Deadline, tc.want.deadline}, {"maturity", fs.Maturity, tc.want.maturity}, {"demonstration", fs.Demonstration, tc.want.demo},
		} {
			if c.got.Text != c.want {
				t.Errorf("ReadFacts(%q).%s = %q, want %q", tc.text, c.name, c.got.Text, c.want)
			}
			if c.got.Found() && tc.text[c.got.Start:c.got.End] != c.got.Text {
				t.Errorf("ReadFacts(%q).%s: span %d–%d is %q, not its text", tc.text, c.name, c.got.Start, c.got.End, tc.text[c.got.Start:c.got.End])
			}
		}
	}
}

func TestReadFactsValues(t *testing.T) {
	fs := ReadFacts("我们是做日用陶瓷的，在潮州，预算二三十万，年底前解决，目前在中试", testNow)
	if fs.Budget.Money != (Money{200000, 300000, "CNY"}) {
		t.Errorf("budget %+v", fs.Budget.Money)
	}
	if got := fs.Deadline.Due.Format("2006-01-02"); got != "2026-12-31" {
		t.Errorf("deadline %s", got)
	}
	if fs.Maturity.TRL != 6 {
		t.Errorf("maturity %d, want 6", fs.Maturity.TRL)
	}
	if fs.Region.Place != (Place{}) {
		t.Errorf("潮州 is not in the place list, got %+v", fs.Region.Place)
	}
	if f, ok := fs.For(FieldRegion); !ok || f.Text != "潮州" {
		t.Errorf("For(region) = %+v, %v", f, ok)
	}
	if _, ok := fs.For(FieldSuccess); ok {
		t.Error("For(success) found a goal that is not there")
	}
	en := ReadFacts("Based in Hangzhou. Field-tested for two seasons.", testNow)
	if en.Region.Place != (Place{Province: "Zhejiang", City: "Hangzhou"}) {
		t.Errorf("region %+v", en.Region.Place)
	}
	if f, ok := en.For(FieldSuccess); !ok || f.Text != "Field-tested for two seasons" {
		t.Errorf("For(success) = %+v, %v; want the demonstration", f, ok)
	}
}

func TestClauses(t *testing.T) {
	text := "窑炉温度不稳，合格率 2.5% 以下。Price: 300 RMB per unit; e.g. at 10:30\n好的！"
	var got []string
	for _, c := range clauses(text) {
		got = append(got, text[c[0]:c[1]])
	}
	want := []string{"窑炉温度不稳", "合格率 2.5% 以下", "Price", "300 RMB per unit", "e.g. at 10:30", "好的"}
	if len(got) != len(want) {
		t.Fatalf("clauses = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("clause %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func ExampleReadFacts() {
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	fs := ReadFacts("我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，希望合格率九成以上，预算二三十万，年底前解决", now)
	fmt.Println(fs.Region.Text, fs.Goal.Text, fs.Budget.Money.Label(LangZH), fs.Deadline.Due.Format("2006-01-02"))
	fs = ReadFacts("Price: 300 RMB per sensor. Field-tested for two seasons.", now)
	fmt.Printf("budget found: %v; demonstrated: %s\n", fs.Budget.Found(), fs.Demonstration.Text)
	// Output:
	// 潮州 合格率九成以上 20万–30万元 2026-12-31
	// budget found: false; demonstrated: Field-tested for two seasons
}

func BenchmarkReadFacts(b *testing.B) {
	text := "我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，希望合格率九成以上，预算二三十万，年底前解决。Field-tested for two seasons."
	for i := 0; i < b.N; i++ {
		ReadFacts(text, testNow)
	}
}
