package dialog

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/duijie/duijie/matcher"
)

// stepper runs a dialog on one session with the offline normalizer, as
// the engine would, and remembers the buttons last shown.
type stepper struct {
	t  *testing.T
	d  *Dialog
	s  *Session
	on []Choice
}

func newStepper(t *testing.T, lang matcher.Lang) *stepper {
	return &stepper{t: t, d: &Dialog{Tax: matcher.Default()}, s: &Session{Lang: lang, LangSet: true}}
}

// do steps the dialog with in, feeding an analysis back as the engine
// does, and returns the effects of the last step.
func (st *stepper) do(in Input) Effects {
	st.t.Helper()
	e := st.d.Step(st.s, in, fixedNow)
	st.seen(e)
	if e.Analyze != nil {
		a := st.d.Tax.Analyze(e.Analyze.Kind, e.Analyze.Text)
		e = st.d.Step(st.s, Input{Kind: InAnalyzed, Analysis: &a}, fixedNow)
		st.seen(e)
	}
	return e
}

func (st *stepper) seen(e Effects) {
	for _, r := range e.Replies {
		if len(r.Buttons) > 0 {
			st.on = slices.Concat(r.Buttons...)
		}
	}
}

func (st *stepper) say(text string) Effects { return st.do(Input{Kind: InText, Text: text}) }

func (st *stepper) press(label string) Effects {
	st.t.Helper()
	for _, c := range st.on {
		if c.Label == label {
			return st.do(Input{Kind: InButton, Button: c.Button})
		}
	}
	st.t.Fatalf("no button %q among %v", label, st.on)
	return Effects{}
}

// TestDescriptionAnswersQuestions: what a lay description states (city,
// target, budget, deadline) is not asked again and lands on the card.
func TestDescriptionAnswersQuestions(t *testing.T) {
	st := newStepper(t, matcher.LangZH)
	st.do(Input{Kind: InCommand, Command: "new"})
	st.press(Tr(matcher.LangZH, "role_need"))
	st.say("我们是做日用陶瓷的，在潮州，窑炉温度老是不稳，希望合格率九成以上，预算二三十万，年底前解决")
	st.press(Tr(matcher.LangZH, "done"))
	for _, f := range []matcher.Field{matcher.FieldRegion, matcher.FieldSuccess, matcher.FieldBudget, matcher.FieldDeadline} {
		if slices.Contains(st.s.Questions, f) {
			t.Errorf("asks %s although the description says it; questions %v", f, st.s.Questions)
		}
	}
	for len(st.s.Questions) > 0 {
		st.press(Tr(matcher.LangZH, "skip"))
	}
	p := st.s.Draft
	got := []string{p.Region, p.Success, p.Budget, p.Deadline}
	want := []string{"潮州", "合格率九成以上", "二三十万", "年底前"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("draft region, success, budget, deadline (-want +got):\n%s", diff)
	}
}

// TestTypedAnswers: typed answers are read, "already said" takes the
// description's value, free text at a button question is mapped, and an
// answer that cannot be read is asked again with its reason.
func TestTypedAnswers(t *testing.T) {
	tests := []struct {
		field    matcher.Field
		answer   string
		reask    Msg // "" when the answer is taken
		check    func(a Answers) bool
		describe string
	}{
		{matcher.FieldDomain, "陶瓷", "", func(a Answers) bool { return a.Domain != "" }, ""},
		{matcher.FieldRegion, "潮州，刚才说过了", "", func(a Answers) bool { return a.Region == "潮州" }, ""},
		{matcher.FieldRegion, "刚才说过了", "", func(a Answers) bool { return a.Region == "潮州" }, "我们在潮州，窑炉温度老是不稳，烧出来的盘子变形"},
		{matcher.FieldRegion, "刚才说过了", "reask_not_in_description", nil, "窑炉温度老是不稳，烧出来的盘子变形"},
		{matcher.FieldRegion, "我们厂规模挺大的有两百人", "reask_no_place", nil, ""},
		{matcher.FieldBudget, "二三十万吧", "", func(a Answers) bool { return a.Budget == "二三十万" }, ""},
		{matcher.FieldBudget, "300 RMB per sensor", "reask_unit_price", nil, ""},
		{matcher.FieldBudget, "看着给", "reask_no_amount", nil, ""},
		{matcher.FieldDeadline, "越快越好", "", func(a Answers) bool { return a.Deadline == "越快越好" }, ""},
		{matcher.FieldTRL, "中试", "", func(a Answers) bool { return a.TRL == 6 }, ""},
		{matcher.FieldTRL, "还行吧", "reask_no_maturity", nil, ""},
		{matcher.FieldModes, "转让", "", func(a Answers) bool { return slices.Equal(a.Modes, []matcher.Mode{matcher.ModeTransfer}) }, ""},
		{matcher.FieldRegion, "跳过", "", func(a Answers) bool { return slices.Contains(a.Skipped, matcher.FieldRegion) }, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.field)+" "+tt.answer, func(t *testing.T) {
			d := &Dialog{Tax: matcher.Default()}
			desc := tt.describe
			if desc == "" {
				desc = "窑炉温度老是不稳，烧出来的盘子变形"
			}
			s := &Session{Lang: matcher.LangZH, State: StateAsk, Kind: matcher.KindNeed, Texts: []string{desc},
				Draft: &matcher.Profile{Kind: matcher.KindNeed}, Questions: []matcher.Field{tt.field, matcher.FieldClarify}}
			e := d.Step(s, Input{Kind: InText, Text: tt.answer}, fixedNow)
			if tt.reask != "" {
				if len(e.Replies) == 0 || e.Replies[0].Text != Tr(matcher.LangZH, tt.reask) {
					t.Fatalf("replies %+v, want the re-ask %s", e.Replies, tt.reask)
				}
				if s.Questions[0] != tt.field {
					t.Errorf("moved on to %v after an answer that could not be read", s.Questions)
				}
				return
			}
			if !tt.check(s.Answers) {
				t.Errorf("answers %+v", s.Answers)
			}
			if s.Questions[0] == tt.field {
				t.Errorf("asked %s again after a readable answer", tt.field)
			}
		})
	}
}

// TestEditKeepsIDAndAnswers: a stored profile edited from /my and given a
// new description publishes under the same id with its answers.
func TestEditKeepsIDAndAnswers(t *testing.T) {
	st := newStepper(t, matcher.LangEN)
	stored := matcher.Profile{ID: "p7", Kind: matcher.KindNeed, OwnerID: 42, Status: matcher.StatusActive, Title: "Pumps fail",
		Description: "Our pumps fail without warning and stop the line for days.", Region: "Nanjing, Jiangsu",
		TRL: 7, Modes: []matcher.Mode{matcher.ModeConsulting}, Budget: "100k–1M CNY", Deadline: "Within a year", Success: "no unplanned stops",
		Tags: []string{"expo26"}, CreatedAt: fixedNow.AddDate(0, -1, 0)}
	st.seen(Effects{Replies: []Reply{st.d.Edit(st.s, stored)}})
	st.press(Tr(matcher.LangEN, "edit"))
	st.press(Tr(matcher.LangEN, "change_text"))
	st.say("The centrifugal pumps of our chemical plant fail without warning; we want their bearing wear detected early.")
	st.press(Tr(matcher.LangEN, "done"))
	for len(st.s.Questions) > 0 {
		st.press(Tr(matcher.LangEN, "skip"))
	}
	e := st.press(Tr(matcher.LangEN, "publish"))
	p := e.Publish
	if p == nil {
		t.Fatal("nothing published")
	}
	got := matcher.Profile{ID: p.ID, OwnerID: p.OwnerID, Region: p.Region, TRL: p.TRL, Modes: p.Modes, Budget: p.Budget,
		Deadline: p.Deadline, Success: p.Success, Tags: p.Tags, CreatedAt: p.CreatedAt}
	want := matcher.Profile{ID: stored.ID, OwnerID: stored.OwnerID, Region: stored.Region, TRL: stored.TRL, Modes: stored.Modes, Budget: stored.Budget,
		Deadline: stored.Deadline, Success: stored.Success, Tags: stored.Tags, CreatedAt: stored.CreatedAt}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("published edit (-want +got):\n%s", diff)
	}
	if p.Description == stored.Description {
		t.Error("the new description was not taken")
	}
}

// TestChangeOneField: a field changed from the summary card is asked
// alone, and the card comes back with it changed and the rest kept.
func TestChangeOneField(t *testing.T) {
	st := newStepper(t, matcher.LangZH)
	stored := matcher.Profile{ID: "p3", Kind: matcher.KindNeed, Description: "我们在东莞，喷漆房废气味道大，VOCs老是超标", Region: "Dongguan, Guangdong", Budget: "三十万"}
	st.seen(Effects{Replies: []Reply{st.d.Edit(st.s, stored)}})
	st.press(Tr(matcher.LangZH, "edit"))
	st.press(Tr(matcher.LangZH, "field_region"))
	st.say("佛山")
	if st.s.State != StateReview || st.s.Draft.Region != "Foshan, Guangdong" || st.s.Draft.Budget != "三十万" || st.s.Draft.ID != "p3" {
		t.Errorf("state %s, draft %+v", st.s.State, st.s.Draft)
	}
}

// TestQuestionTable: every question has its texts in the catalog, and
// every field a card can change has its label.
func TestQuestionTable(t *testing.T) {
	seen := map[matcher.Field]bool{}
	for _, q := range questions {
		if seen[q.field] {
			t.Errorf("%s twice", q.field)
		}
		seen[q.field] = true
		for _, k := range q.text {
			if _, ok := catalog[k]; !ok {
				t.Errorf("%s: no text %s", q.field, k)
			}
		}
		if q.typed == nil || q.has == nil || q.apply == nil || q.fromProfile == nil {
			t.Errorf("%s: incomplete entry", q.field)
		}
		if (q.buttons == nil) != (q.pressed == nil) {
			t.Errorf("%s: buttons without a way to read them, or the reverse", q.field)
		}
	}
	for _, f := range matcher.Fields {
		if !seen[f] {
			t.Errorf("no question on %s", f)
		}
	}
	for _, p := range []matcher.AnswerProblem{matcher.ProblemEmpty, matcher.ProblemNoPlace, matcher.ProblemNoAmount, matcher.ProblemUnitPrice,
		matcher.ProblemNoDate, matcher.ProblemNoMaturity, matcher.ProblemNoDomain, matcher.ProblemNoMode, matcher.ProblemNotInDescription} {
		if _, ok := catalog[Msg("reask_"+string(p))]; !ok {
			t.Errorf("no re-ask for %s", p)
		}
	}
}

// TestSmallTalkAndCommands: greetings and 开始 outside an interview start
// no draft, a search request asks the engine to search, and a command
// typed with a full-width slash is a command.
func TestSmallTalkAndCommands(t *testing.T) {
	for _, text := range []string{"你好", "开始", "帮助", "谢谢", "hello"} {
		st := newStepper(t, matcher.LangZH)
		st.say(text)
		if len(st.s.Texts) > 0 {
			t.Errorf("%q became a description", text)
		}
	}
	st := newStepper(t, matcher.LangZH)
	if st.say("茶厂，做绿茶的"); len(st.s.Texts) != 1 {
		t.Errorf("a short description was dropped: texts %q", st.s.Texts)
	}
	st = newStepper(t, matcher.LangZH)
	if e := st.say("能不能搜一下有没有做增氧机的"); e.Search == nil || e.Search.Query != "增氧机" {
		t.Errorf("search request: %+v", e.Search)
	}
	st = newStepper(t, matcher.LangEN)
	st.s.PublishedKind = matcher.KindOffer
	if e := st.do(Input{Kind: InCommand, Command: "search", Arg: "kiln control"}); e.Search == nil || e.Search.Kind != matcher.KindOffer {
		t.Errorf("search after publishing an offer: %+v, want one for needs", e.Search)
	}
	if cmd, arg, ok := ParseCommand("／start claim_x"); !ok || cmd != "start" || arg != "claim_x" {
		t.Errorf("ParseCommand(／start claim_x) = %q, %q, %v", cmd, arg, ok)
	}
}

// TestLanguageHint: the client's language is used until the user chooses one.
func TestLanguageHint(t *testing.T) {
	s := &Session{}
	s.UseLangHint(matcher.LangZH)
	if s.Lang != matcher.LangZH {
		t.Errorf("lang %s, want zh from the hint", s.Lang)
	}
	s.Lang, s.LangSet = matcher.LangEN, true
	s.UseLangHint(matcher.LangZH)
	if s.Lang != matcher.LangEN {
		t.Errorf("lang %s, want the chosen en", s.Lang)
	}
	st := &stepper{t: t, d: &Dialog{Tax: matcher.Default()}, s: &Session{}}
	st.do(Input{Kind: InText, Text: "我们是做家具的，在东莞，喷漆房废气味道大", LangHint: matcher.LangEN})
	st.do(Input{Kind: InCommand, Command: "help", LangHint: matcher.LangEN})
	if st.s.Lang != matcher.LangZH {
		t.Errorf("lang %s after a Chinese description from an English client, want zh", st.s.Lang)
	}
}
