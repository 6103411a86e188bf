package matcher

import (
	"fmt"
	"testing"
)

const ceramicsNeed = "我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，希望合格率九成以上"

func TestReadAnswer(t *testing.T) {
	tax := Default()
	type want struct {
		text    string // Fact.Text
		fromDoc bool
		skip    bool
		problem AnswerProblem
	}
	for _, tc := range []struct {
		field  Field
		answer string
		want   want
	}{
		{FieldRegion, "潮州，刚才说过了", want{text: "潮州"}},
		{FieldRegion, "前面说了", want{text: "潮州", fromDoc: true}},
		{FieldRegion, "我不是说了在潮州嘛", want{text: "潮州"}},
		{FieldRegion, "already said", want{text: "潮州", fromDoc: true}},
		{FieldRegion, "苏州 工业园区", want{text: "苏州"}},
		{FieldRegion, "Shouguang", want{text: "Shouguang"}},
		{FieldRegion, "我也说不上来具体在哪里反正挺远", want{problem: ProblemNoPlace}},
		{FieldSuccess, "前面说了，合格率九成以上", want{text: "合格率九成以上"}},
		{FieldSuccess, "刚才说过了！！", want{text: "合格率九成以上", fromDoc: true}},
		{FieldBudget, "刚才说过了", want{fromDoc: true, problem: ProblemNotInDescription}},
		{FieldBudget, "二三十万吧", want{text: "二三十万"}},
		{FieldBudget, "２０万", want{text: "20万"}},
		{FieldBudget, "50000", want{text: "50000"}},
		{FieldBudget, "面议", want{text: "面议"}},
		{FieldBudget, "Price: 300 RMB per sensor", want{problem: ProblemUnitPrice}},
		{FieldBudget, "很多钱", want{problem: ProblemNoAmount}},
		{FieldDeadline, "年底前", want{text: "年底前"}},
		{FieldDeadline, "三个月", want{text: "三个月"}},
		{FieldDeadline, "by June", want{text: "by June"}},
		{FieldDeadline, "越快越好", want{text: "越快越好"}},
		{FieldDeadline, "随便吧啦啦", want{problem: ProblemNoDate}},
		{FieldTRL, "还在实验室", want{text: "还在实验室"}},
		{FieldTRL, "中试", want{text: "中试"}},
		{FieldTRL, "TRL 7", want{text: "TRL 7"}},
		{FieldTRL, "不好说啊这个", want{problem: ProblemNoMaturity}},
		{FieldModes, "技术转让或者入股都行", want{}},
		{FieldModes, "看着办", want{problem: ProblemNoMode}},
		{FieldDomain, "哈哈哈", want{problem: ProblemNoDomain}},
		{FieldBenefit, "一年能省二十来万电费", want{text: "一年能省二十来万电费"}},
		{FieldRegion, "跳过", want{skip: true}},
		{FieldBudget, "不知道。", want{skip: true}},
		{FieldDeadline, "N/A", want{skip: true}},
		{FieldTRL, "skip", want{skip: true}},
		{FieldRegion, " 。，", want{problem: ProblemEmpty}},
	} {
		a := tax.ReadAnswer(tc.field, tc.answer, ceramicsNeed, testNow)
		got := want{a.Fact.Text, a.FromDescription, a.Skip, a.Problem}
		if got != tc.want {
			t.Errorf("ReadAnswer(%s, %q) = %+v, want %+v", tc.field, tc.answer, got, tc.want)
		}
		if a.Read() != (!tc.want.skip && tc.want.problem == "") {
			t.Errorf("ReadAnswer(%s, %q).Read() = %v", tc.field, tc.answer, a.Read())
		}
	}
}

func TestReadAnswerValues(t *testing.T) {
	tax := Default()
	if a := tax.ReadAnswer(FieldBudget, "二三十万吧", "", testNow); a.Fact.Money != (Money{200000, 300000, "CNY"}) {
		t.Errorf("budget %+v", a.Fact.Money)
	}
	if a := tax.ReadAnswer(FieldBudget, "$50k", "", testNow); a.Fact.Money != (Money{50000, 50000, "USD"}) {
		t.Errorf("budget %+v", a.Fact.Money)
	}
	if a := tax.ReadAnswer(FieldDeadline, "三个月", "", testNow); a.Fact.Due.Format("2006-01-02") != "2027-03-03" {
		t.Errorf("deadline %v", a.Fact.Due)
	}
	for answer, want := range map[string]int{"实验室": 4, "还在实验室": 4, "样机": 5, "中试": 6, "pilot": 6, "已经在用了": 7, "量产": 9, "7": 7, "TRL 3": 3, "只有想法": 2} {
		if a := tax.ReadAnswer(FieldTRL, answer, "", testNow); a.Fact.TRL != want {
			t.Errorf("ReadAnswer(trl, %q) = %d, want %d", answer, a.Fact.TRL, want)
		}
	}
	if a := tax.ReadAnswer(FieldRegion, "杭州", "", testNow); a.Fact.Place != (Place{Province: "Zhejiang", City: "Hangzhou"}) {
		t.Errorf("place %+v", a.Fact.Place)
	}
	if a := tax.ReadAnswer(FieldModes, "技术转让或者入股都行", "", testNow); len(a.Modes) != 2 {
		t.Errorf("modes %v", a.Modes)
	}
	if a := tax.ReadAnswer(FieldDomain, "刚才说过了", ceramicsNeed, testNow); a.Domain != "crafts" || !a.FromDescription {
		t.Errorf("domain from the description = %+v", a)
	}
}

func TestDomainFromWords(t *testing.T) {
	tax := Default()
	for word, want := range map[string]string{
		"陶瓷": "buildmat", "日用陶瓷": "crafts", "ceramics": "buildmat", "新材料": "materials", "materials": "materials",
		"养鱼": "agrifood", "增氧机": "agrifood", "人工智能": "ai", "ai": "ai", "哈哈哈": "", "": "",
	} {
		if got := tax.DomainFromWords(word); got != want {
			t.Errorf("DomainFromWords(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestParseYesNo(t *testing.T) {
	for answer, want := range map[string][2]bool{
		"是": {true, true}, "嗯": {true, true}, "好的": {true, true}, "可以啊": {true, true}, "yes!": {true, true}, "OK": {true, true},
		"不用了": {false, true}, "没有": {false, true}, "nope": {false, true}, "No.": {false, true},
		"也许": {false, false}, "看情况": {false, false}, "": {false, false},
	} {
		if yes, ok := ParseYesNo(answer); [2]bool{yes, ok} != want {
			t.Errorf("ParseYesNo(%q) = %v, %v; want %v", answer, yes, ok, want)
		}
	}
}

func ExampleTaxonomy_ReadAnswer() {
	tax := Default()
	a := tax.ReadAnswer(FieldRegion, "前面说了", ceramicsNeed, testNow)
	fmt.Println(a.Fact.Text, a.FromDescription)
	a = tax.ReadAnswer(FieldBudget, "Price: 300 RMB per sensor", "", testNow)
	fmt.Println(a.Problem)
	a = tax.ReadAnswer(FieldDomain, "陶瓷", "", testNow)
	fmt.Println(a.Domain)
	// Output:
	// 潮州 true
	// unit_price
	// buildmat
}

func TestReadAnswerEnglish(t *testing.T) {
	tax := Default()
	desc := "We run a shrimp farm in Zhanjiang. Survival rate is only 40%, we want above 70% by next summer. Budget about 300k RMB."
	for _, tc := range []struct {
		field        Field
		answer, want string
	}{
		{FieldBudget, "around 50k", "50k"},
		{FieldBudget, "$20,000", "$20,000"},
		{FieldBudget, "see above", "300k RMB"},
		{FieldDeadline, "3 months", "3 months"},
		{FieldDeadline, "next spring", "next spring"},
		{FieldDeadline, "ASAP", "ASAP"},
		{FieldRegion, "Guangdong province", "Guangdong"},
		{FieldRegion, "as i said, Zhanjiang", "Zhanjiang"},
		{FieldRegion, "I already said", "Zhanjiang"},
		{FieldTRL, "we have a working prototype", "we have a working prototype"},
		{FieldDeadline, "明年三月", "明年三月"},
		{FieldBudget, "１０万左右", "10万"},
	} {
		if a := tax.ReadAnswer(tc.field, tc.answer, desc, testNow); a.Fact.Text != tc.want || !a.Read() {
			t.Errorf("ReadAnswer(%s, %q) = %q (%s), want %q", tc.field, tc.answer, a.Fact.Text, a.Problem, tc.want)
		}
	}
}
