package matcher

import (
	"fmt"
	"testing"
	"unicode/utf8"
)

func TestTitle(t *testing.T) {
	tax := Default()
	for _, tc := range []struct {
		kind       Kind
		text, want string
	}{
		{KindNeed, "我们是做日用陶瓷的，在潮州，窑炉温度老是不稳", "日用陶瓷窑炉温度不稳"},
		{KindNeed, "茶厂，做绿茶的，杀青的时候叶子老是焦边，想找个能控温的设备", "绿茶杀青的时候叶子焦边"},
		{KindNeed, "你好，我家鱼塘夏天晚上老是缺氧，去年死了不少鱼，预算5万左右", "鱼塘夏天晚上缺氧"},
		{KindNeed, "机床加工的零件下午尺寸偏大，早上又正常，不知道咋回事，求助！！", "机床加工的零件下午尺寸偏大"},
		{KindNeed, "我们是一家小型机械加工厂，主要做汽车零部件，最近废品率特别高", "机械加工废品率高"},
		{KindNeed, "我们是做高端日用陶瓷和酒店陶瓷餐具以及各种工艺礼品陶瓷的，窑炉温度老是不稳定导致釉面出现针孔和色差", "窑炉温度不稳定导致釉面出现针孔和色差"},
		{KindNeed, "苹果园，产量低，果子小，想提高产量", "果园管理：产量低"},
		{KindNeed, "我们想找人做一套鱼塘自动增氧的控制系统，在湖北", "鱼塘自动增氧的控制系统"},
		{KindNeed, "老板让我来问问,我们厂在佛山做瓷砖的,烧成车间能耗太高了.一年电费好几百万,想降个两三成,有没有办法??", "瓷砖烧成车间能耗太高"},
		{KindNeed, "养虾的,在湛江.塘里老是发病,死苗严重~~求专家指导!!预算不多,三五万吧", "养虾塘里发病"},
		{KindNeed, "搞冷链运输的,货在路上老变质,能不能整个温度记录的东西 便宜点的 一个几百块那种", "冷链运输货在路上老变质"},
		{KindOffer, "我们实验室研发了一种低成本的土壤重金属快速检测方法，已在三个县应用", "低成本的土壤重金属快速检测方法"},
		{KindNeed, "We make everyday ceramics in Chaozhou. Our kiln temperature keeps drifting and we lose 20% of the batch.", "Everyday ceramics: kiln temperature keeps drifting"},
		{KindOffer, "Our lab developed a low-cost soil moisture sensor for orchards. Price: 300 RMB per sensor. Field-tested for two seasons.", "Low-cost soil moisture sensor for orchards"},
		{KindNeed, "hey. we grow strawberries in greenhouses near Kunming; powdery mildew keeps coming back every spring. budget ~ 20k usd, need something before March", "Strawberries: powdery mildew keeps coming back every spring"},
		{KindNeed, "Looking for someone to automate our pond aerators, fish die at night in summer.", "Automate our pond aerators"},
		{KindNeed, "We are a family-owned manufacturer of porcelain tableware, and our tunnel kiln temperature keeps drifting overnight which causes pinholes", "Tunnel kiln temperature keeps drifting overnight"},
		{KindNeed, "hi, we are a small dairy farm near Harbin, the milk spoils too fast in summer, any cooling solution?", "Dairy: milk spoils too fast in summer"},
	} {
		if got := tax.Title(tc.kind, tc.text); got != tc.want {
			t.Errorf("Title(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// Titles never run over their limits, whatever the description.
func TestTitleLength(t *testing.T) {
	tax := Default()
	for _, text := range []string{
		"我们是做高端日用陶瓷和酒店陶瓷餐具以及各种工艺礼品陶瓷的，窑炉温度老是不稳定导致釉面出现针孔和色差还有变形开裂等等很多问题",
		"窑炉温度老是不稳定导致釉面出现针孔和色差还有变形开裂等等很多问题我们想找专家来帮忙看看到底怎么回事",
		"We are a family-owned manufacturer of high-end porcelain tableware and hotel ceramics, and our tunnel kiln temperature keeps drifting overnight which causes pinholes, colour differences and warping across whole batches",
		"Supercalifragilisticexpialidociousantidisestablishmentarianismfloccinaucinihilipilification",
		"茶厂，做绿茶的",
		"。。。，，，",
		"",
	} {
		for _, kind := range []Kind{KindNeed, KindOffer} {
			got := tax.Title(kind, text)
			limit := TitleRunesEN
			if DetectLang(text) == LangZH {
				limit = TitleRunesZH
			}
			if n := utf8.RuneCountInString(got); n > limit {
				t.Errorf("Title(%q) = %q: %d runes, limit %d", text, got, n, limit)
			}
			if text != "" && got == text && utf8.RuneCountInString(text) > limit {
				t.Errorf("Title(%q) is the text itself", text)
			}
		}
	}
}

func ExampleTaxonomy_Title() {
	tax := Default()
	fmt.Println(tax.Title(KindNeed, "我们是做日用陶瓷的，在潮州，窑炉温度老是不稳"))
	fmt.Println(tax.Title(KindNeed, "We make everyday ceramics in Chaozhou. Our kiln temperature keeps drifting and we lose 20% of the batch."))
	// Output:
	// 日用陶瓷窑炉温度不稳
	// Everyday ceramics: kiln temperature keeps drifting
}

func BenchmarkTitle(b *testing.B) {
	tax := Default()
	text := "老板让我来问问,我们厂在佛山做瓷砖的,烧成车间能耗太高了.一年电费好几百万,想降个两三成,有没有办法??"
	for i := 0; i < b.N; i++ {
		tax.Title(KindNeed, text)
	}
}
