package matcher

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClassifyMessage(t *testing.T) {
	for _, tc := range []struct {
		text   string
		intent Intent
		extra  string // the command or the search query
	}{
		{"你好", IntentGreeting, ""},
		{"您好啊～", IntentGreeting, ""},
		{"在吗？？", IntentGreeting, ""},
		{"你好老师", IntentGreeting, ""},
		{"Hello!", IntentGreeting, ""},
		{"hi there", IntentGreeting, ""},
		{"开始", IntentStart, ""},
		{"开始吧", IntentStart, ""},
		{"start", IntentStart, ""},
		{"帮助", IntentHelp, ""},
		{"怎么用？", IntentHelp, ""},
		{"help", IntentHelp, ""},
		{"？", IntentHelp, ""},
		{"谢谢！", IntentThanks, ""},
		{"thx", IntentThanks, ""},
		{"／start", IntentCommand, "start"},
		{"／ｓｔａｒｔ abc", IntentCommand, "start"},
		{"/My@duijie_bot", IntentCommand, "my"},
		{"能不能搜一下有没有做增氧机的", IntentSearch, "增氧机"},
		{"有没有做陶瓷窑炉控温的？", IntentSearch, "陶瓷窑炉控温"},
		{"帮我找找做陶瓷窑炉的厂家", IntentSearch, "陶瓷窑炉"},
		{"请问有谁懂茶叶杀青机吗", IntentSearch, "茶叶杀青机"},
		{"is there anyone doing pond aeration?", IntentSearch, "pond aeration"},
		{"Are there any labs working on kiln control", IntentSearch, "kiln control"},
		{"search soil sensors", IntentSearch, "soil sensors"},
		{"我们是做日用陶瓷的，在潮州，窑炉温度老是不稳", IntentDescription, ""},
		{"你好，我们是做日用陶瓷的，窑炉温度老是不稳", IntentDescription, ""},
		{"Our kiln temperature keeps drifting, need help", IntentDescription, ""},
		{"想找人帮我们解决鱼塘缺氧的问题，有没有好办法，预算五万左右，最好年底前能装好", IntentDescription, ""},
		{"你好，请问怎么用？", IntentHelp, ""},
		{"hi! help", IntentHelp, ""},
		{"您好，开始吧", IntentStart, ""},
		{"好的，谢谢！", IntentThanks, ""},
		{"嗯", IntentStray, ""},
		{"ok", IntentStray, ""},
		{"哈哈哈", IntentStray, ""},
		{"  。。 ", IntentEmpty, ""},
	} {
		r := ClassifyMessage(tc.text)
		extra := r.Command + r.Query
		if r.Intent != tc.intent || extra != tc.extra {
			t.Errorf("ClassifyMessage(%q) = %v %q, want %v %q", tc.text, r.Intent, extra, tc.intent, tc.extra)
		}
	}
}

func TestNormalizeInput(t *testing.T) {
	for in, want := range map[string]string{
		"／start":        "/start",
		"／ｎｅｗ":          "/new",
		"ＰＬＣ　控制，１２３％":   "PLC 控制，123%",
		"  你好。 ":        "你好。",
		"bad \xff utf8": "bad  utf8",
	} {
		if got := NormalizeInput(in); got != want {
			t.Errorf("NormalizeInput(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzConversation feeds any text to every reader of the conversation:
// none may panic, spans must hold their text and titles keep their limits.
func FuzzConversation(f *testing.F) {
	for _, s := range []string{
		ceramicsNeed, "茶厂，做绿茶的", "／start", "能不能搜一下有没有做增氧机的", "Price: 300 RMB per sensor",
		"预算二三十万，年底前", "by June 2027, $50k-80k", "刚才说过了", "二〇二七年三月", "一百五十万亿万", "K\u212a 1.2.3 million",
		"ȺȺȺ we are ȾȾ", "e.g.. ..: 10:30 ，，", "\xff\xfe", "",
	} {
		f.Add(s)
	}
	tax := Default()
	f.Fuzz(func(t *testing.T, text string) {
		ClassifyMessage(text)
		ParseYesNo(text)
		ParseNumber(text)
		hanApproxRange(text)
		tax.DomainFromWords(text)
		if m, span, ok := FindMoney(text); ok && (span[0] < 0 || span[1] > len(text) || m.Max < m.Min) {
			t.Fatalf("FindMoney(%q) = %+v at %v", text, m, span)
		}
		for _, kind := range []Kind{KindNeed, KindOffer} {
			title := tax.Title(kind, text)
			limit := TitleRunesEN
			if DetectLang(CleanText(text)) == LangZH {
				limit = TitleRunesZH
			}
			if n := utf8.RuneCountInString(title); n > limit {
				t.Fatalf("Title(%q) = %q: %d runes over %d", text, title, n, limit)
			}
		}
		fs := ReadFacts(text, testNow)
		for _, fact := range []Fact{fs.Region, fs.Goal, fs.Budget, fs.Deadline, fs.Maturity, fs.Demonstration} {
			if fact.Found() && (fact.Start < 0 || fact.End > len(text) || text[fact.Start:fact.End] != fact.Text) {
				t.Fatalf("ReadFacts(%q): %+v does not hold its text", text, fact)
			}
		}
		for _, field := range []Field{FieldDomain, FieldTRL, FieldModes, FieldRegion, FieldBudget, FieldDeadline, FieldSuccess, FieldBenefit, FieldClarify} {
			a := tax.ReadAnswer(field, text, text, testNow)
			if n := utf8.RuneCountInString(a.Fact.Text); n > MaxAnswerRunes {
				t.Fatalf("ReadAnswer(%s, %q) kept %d runes", field, text, n)
			}
		}
	})
}

func ExampleClassifyMessage() {
	for _, text := range []string{"你好", "／start", "能不能搜一下有没有做增氧机的", "我们是做日用陶瓷的，窑炉温度老是不稳"} {
		r := ClassifyMessage(text)
		fmt.Println(strings.TrimSpace(r.Intent.String() + " " + r.Command + r.Query))
	}
	// Output:
	// greeting
	// command start
	// search 增氧机
	// description
}
