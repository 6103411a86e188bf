package dialog

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/duijie/duijie/matcher"
)

// Dialog is the conversation as a pure function: Step reads a session and
// an input and returns the effects, changing nothing outside the session.
type Dialog struct {
	Tax *matcher.Taxonomy
	// MaxQuestions caps the follow-up questions of one interview.
	MaxQuestions int
}

// Limits of the dialog.
const (
	DefaultMaxQuestions = 4
	minDescribeRunes    = 12 // shorter descriptions get a request for more
	maxAnswerRunes      = 300
)

// questionOrder ranks follow-up questions by how much they help matching.
// The clarifying question comes first when the description could not be
// read well; the benefit question only when a quality remark asks for it.
var questionOrder = []matcher.Field{
	matcher.FieldClarify, matcher.FieldDomain, matcher.FieldTRL, matcher.FieldSuccess, matcher.FieldBenefit,
	matcher.FieldRegion, matcher.FieldModes, matcher.FieldBudget, matcher.FieldDeadline,
}

// maxRemarkQuestions caps the questions that quality remarks add.
const maxRemarkQuestions = 2

// Button actions.
const (
	actLang       = "lang"
	actSwitchLang = "sw"
	actRole       = "role"
	actDone       = "done"
	actSkip       = "skip"
	actAnswer     = "ans"
	actPublish    = "pub"
	actEdit       = "edit"
	actCancel     = "cancel"
	actContinue   = "cont"
	actRestart    = "restart"
	actNew        = "new"
)

// Step advances the dialog of session s by one input. It changes s in
// place and returns what the engine must do.
func (d *Dialog) Step(s *Session, in Input, now time.Time) Effects {
	var e Effects
	s.UpdatedAt = now
	if s.Lang == "" {
		s.Lang = matcher.LangEN
		if in.LangHint != "" {
			s.Lang = in.LangHint
		}
	}
	switch in.Kind {
	case InCommand:
		d.command(s, in, &e)
	case InButton:
		d.button(s, in.Button, &e)
	case InText:
		d.text(s, in.Text, &e)
	case InUnsupported:
		e.say(Tr(s.Lang, "unsupported"))
	case InAnalyzed:
		d.analyzed(s, in.Analysis, &e)
	case InPublished:
		d.published(s, in, &e)
	}
	return e
}

func (e *Effects) say(text string, rows ...[]Choice) {
	e.Replies = append(e.Replies, Reply{Text: text, Buttons: rows})
}

// inInterview reports whether the user has put something into a profile
// that is not published yet.
func (s *Session) inInterview() bool {
	switch s.State {
	case StateDescribe, StateAsk, StateReview:
		return true
	case StateRole, StateLang, StateResume:
		return len(s.Texts) > 0
	}
	return false
}

// Reset forgets the profile being written.
func (s *Session) Reset() {
	s.Kind, s.Texts, s.Draft, s.Answers, s.Questions, s.Asked, s.Prev = "", nil, nil, Answers{}, nil, 0, ""
}

func (d *Dialog) command(s *Session, in Input, e *Effects) {
	switch in.Command {
	case "start":
		s.Payload = in.Arg
		if s.inInterview() {
			s.Prev = s.State
			d.enter(s, StateResume, e)
			return
		}
		s.Reset()
		e.say(Tr(s.Lang, "welcome"))
		if !s.LangSet && in.LangHint == "" {
			d.enter(s, StateLang, e)
			return
		}
		d.enter(s, StateRole, e)
	case "new":
		s.Reset()
		d.enter(s, StateRole, e)
	case "cancel":
		if !s.inInterview() && s.State == StateIdle {
			e.say(Tr(s.Lang, "nothing_to_cancel"))
			return
		}
		d.cancel(s, e)
	case "lang":
		if s.State != StateLang {
			s.Prev = s.State
		}
		d.enter(s, StateLang, e)
	case "help":
		e.say(Tr(s.Lang, "help"))
	default:
		e.say(Tr(s.Lang, "unknown_cmd", "/"+in.Command))
	}
}

func (d *Dialog) cancel(s *Session, e *Effects) {
	s.Reset()
	s.State = StateIdle
	s.Nonce++
	e.say(Tr(s.Lang, "cancelled"), []Choice{d.choice(s, "new_profile", actNew, "")})
}

func (d *Dialog) button(s *Session, b Button, e *Effects) {
	if b.Nonce != s.Nonce {
		// One short notice on the button; its keyboard goes.
		e.Toast, e.Stale = Tr(s.Lang, "stale_toast"), true
		return
	}
	switch b.Action {
	case actLang:
		s.Lang, s.LangSet = matcher.ParseLang(b.Value), true
		e.say(Tr(s.Lang, "lang_set"))
		d.returnFromAside(s, e)
	case actSwitchLang:
		if s.Lang == matcher.LangZH {
			s.Lang = matcher.LangEN
		} else {
			s.Lang = matcher.LangZH
		}
		s.LangSet = true
		d.enter(s, s.State, e)
	case actRole:
		s.Kind = matcher.KindNeed
		if b.Value == string(matcher.KindOffer) {
			s.Kind = matcher.KindOffer
		}
		d.enter(s, StateDescribe, e)
	case actDone:
		d.finishDescription(s, e)
	case actSkip:
		if s.State == StateAsk && len(s.Questions) > 0 {
			s.Answers.Skipped = append(s.Answers.Skipped, s.Questions[0])
			d.nextQuestion(s, e)
		}
	case actAnswer:
		if s.State == StateAsk && len(s.Questions) > 0 {
			d.answer(s, b.Value, true, e)
		}
	case actPublish:
		if s.State == StateReview && s.Draft != nil {
			p := *s.Draft
			p.Status = matcher.StatusActive
			s.Nonce++ // a second press must not publish twice
			e.Publish = &p
		}
	case actEdit:
		s.Texts = nil
		s.State = StateDescribe
		s.Nonce++
		e.say(Tr(s.Lang, "edit_prompt"), []Choice{d.choice(s, "cancel", actCancel, "")})
	case actCancel:
		d.cancel(s, e)
	case actContinue:
		d.returnFromAside(s, e)
	case actRestart, actNew:
		s.Reset()
		d.enter(s, StateRole, e)
	default:
		e.Toast = Tr(s.Lang, "stale_toast")
	}
}

// returnFromAside goes back to where the user was before /lang or /start
// interrupted, or on to choosing a role.
func (d *Dialog) returnFromAside(s *Session, e *Effects) {
	prev := s.Prev
	s.Prev = ""
	switch prev {
	case StateIdle, StateLang, StateResume:
		if len(s.Texts) > 0 || s.State == StateLang && prev == StateIdle && s.Kind == "" {
			d.enter(s, StateRole, e)
			return
		}
		d.enter(s, StateIdle, e)
	default:
		d.enter(s, prev, e)
	}
}

func (d *Dialog) text(s *Session, text string, e *Effects) {
	text = strings.TrimSpace(text)
	if text == "" {
		e.say(Tr(s.Lang, "empty_text"))
		return
	}
	if n := utf8.RuneCountInString(text); n > matcher.MaxTextRunes {
		e.say(Tr(s.Lang, "too_long", n, matcher.MaxTextRunes))
		return
	}
	switch s.State {
	case StateIdle, StateLang:
		if !s.LangSet {
			s.Lang = matcher.DetectLang(text)
		}
		s.Reset()
		s.Texts = []string{text}
		e.say(Tr(s.Lang, "text_first"))
		d.enter(s, StateRole, e)
	case StateResume:
		s.State, s.Prev = s.Prev, ""
		d.text(s, text, e)
	case StateRole:
		if !d.appendText(s, text, e) {
			return
		}
		e.say(Tr(s.Lang, "text_first"))
		e.Replies = append(e.Replies, d.Prompt(s))
	case StateDescribe:
		if !d.appendText(s, text, e) {
			return
		}
		e.Replies = append(e.Replies, d.Prompt(s))
	case StateAsk:
		d.answer(s, text, false, e)
	case StateReview:
		// More words on the card: they join the description, which is read again.
		if !d.appendText(s, text, e) {
			return
		}
		s.State = StateDescribe
		d.finishDescription(s, e)
	}
}

// appendText adds a message to the description unless that would make it too long.
func (d *Dialog) appendText(s *Session, text string, e *Effects) bool {
	total := utf8.RuneCountInString(text)
	for _, t := range s.Texts {
		total += utf8.RuneCountInString(t) + 1
	}
	if total > matcher.MaxTextRunes {
		e.say(Tr(s.Lang, "too_long", total, matcher.MaxTextRunes))
		return false
	}
	s.Texts = append(s.Texts, text)
	return true
}

func (s *Session) description() string { return strings.Join(s.Texts, "\n") }

func (d *Dialog) finishDescription(s *Session, e *Effects) {
	if s.State != StateDescribe {
		return
	}
	if utf8.RuneCountInString(s.description()) < minDescribeRunes {
		e.say(Tr(s.Lang, "too_short"))
		return
	}
	s.Nonce++ // Done pressed twice must not analyze twice
	e.Analyze = &AnalyzeRequest{Kind: s.Kind, Lang: s.Lang, Text: s.description()}
}

func (d *Dialog) analyzed(s *Session, a *matcher.Analysis, e *Effects) {
	if a == nil || s.State != StateDescribe {
		return
	}
	text := s.description()
	p := &matcher.Profile{Kind: s.Kind, Status: matcher.StatusDraft, Description: text, Lang: matcher.DetectLang(text)}
	a.Apply(p)
	s.Answers.apply(p)
	s.Draft = p
	s.Questions, s.Asked = nil, 0
	missing := map[matcher.Field]bool{}
	for _, f := range a.Missing {
		missing[f] = true
	}
	added := 0
	for _, r := range a.Remarks {
		if f := r.Field(); f != "" && !missing[f] && added < maxRemarkQuestions {
			missing[f] = true
			added++
		}
	}
	switch a.Notice {
	case matcher.NoticeClarify:
		missing[matcher.FieldClarify] = true
	case matcher.NoticeCapReached:
		e.say(Tr(s.Lang, "llm_cap"))
	}
	for _, f := range questionOrder {
		if len(s.Questions) == d.maxQuestions() {
			break
		}
		if missing[f] && !s.Answers.answered(f) && (f != matcher.FieldDeadline || s.Kind == matcher.KindNeed) {
			s.Questions = append(s.Questions, f)
		}
	}
	if len(s.Questions) > 0 {
		d.enter(s, StateAsk, e)
		return
	}
	d.enter(s, StateReview, e)
}

func (d *Dialog) maxQuestions() int {
	if d.MaxQuestions > 0 {
		return d.MaxQuestions
	}
	return DefaultMaxQuestions
}

// answer takes the reply to the current question, from a button (value
// is a code) or typed (value is free text).
func (d *Dialog) answer(s *Session, value string, fromButton bool, e *Effects) {
	f := s.Questions[0]
	lower := strings.ToLower(strings.TrimSpace(value))
	if !fromButton && (lower == "skip" || lower == "跳过" || lower == "-") {
		s.Answers.Skipped = append(s.Answers.Skipped, f)
		d.nextQuestion(s, e)
		return
	}
	a := &s.Answers
	switch f {
	case matcher.FieldDomain:
		if _, ok := d.Tax.Domain(value); ok {
			a.Domain = value
		} else if code := d.domainFromText(value); code != "" {
			a.Domain = code
		} else {
			a.Skipped = append(a.Skipped, f)
		}
	case matcher.FieldTRL:
		n := matcher.ParseTRL(value)
		if n == 0 {
			e.say(Tr(s.Lang, "trl_unclear"))
			e.Replies = append(e.Replies, d.Prompt(s))
			return
		}
		a.TRL = n
	case matcher.FieldModes:
		if fromButton {
			if m := matcher.Mode(value); m.Valid() {
				a.Modes = []matcher.Mode{m}
			}
		} else if ms := matcher.ParseModes(value); len(ms) > 0 {
			a.Modes = ms
		}
		if len(a.Modes) == 0 {
			a.Skipped = append(a.Skipped, f)
		}
	case matcher.FieldRegion:
		if p, ok := matcher.FindPlace(value); ok {
			a.Region = p.Label(matcher.LangEN)
		} else {
			a.Region = clip(value, matcher.MaxRegionRunes)
		}
	case matcher.FieldBudget:
		if fromButton {
			a.Budget = Tr(s.Lang, Msg("budget_"+value))
		} else {
			a.Budget = clip(value, maxAnswerRunes)
		}
	case matcher.FieldDeadline:
		if fromButton {
			a.Deadline = Tr(s.Lang, Msg("deadline_"+value))
		} else {
			a.Deadline = clip(value, maxAnswerRunes)
		}
	case matcher.FieldSuccess:
		a.Success = clip(value, maxAnswerRunes)
	case matcher.FieldBenefit:
		a.Benefit = clip(value, maxAnswerRunes)
	case matcher.FieldClarify:
		a.Clarify = clip(value, maxAnswerRunes)
	}
	d.nextQuestion(s, e)
}

// domainFromText finds the domain a typed answer names or implies.
func (d *Dialog) domainFromText(text string) string {
	lower := strings.ToLower(text)
	for _, dom := range d.Tax.Domains() {
		if strings.Contains(lower, strings.ToLower(dom.EN)) || strings.Contains(text, dom.ZH) {
			return dom.Code
		}
	}
	if a := d.Tax.Analyze(matcher.KindNeed, text); len(a.Domains) > 0 {
		return a.Domains[0]
	}
	return ""
}

func clip(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}

func (d *Dialog) nextQuestion(s *Session, e *Effects) {
	if s.Draft != nil {
		s.Answers.apply(s.Draft)
	}
	if len(s.Questions) > 0 {
		s.Questions = s.Questions[1:]
		s.Asked++
	}
	if len(s.Questions) > 0 {
		d.enter(s, StateAsk, e)
		return
	}
	d.enter(s, StateReview, e)
}

func (d *Dialog) published(s *Session, in Input, e *Effects) {
	if in.Profile == nil {
		return
	}
	kind := in.Profile.Kind
	s.Published = in.Profile.ID
	s.Reset()
	s.State = StateIdle
	s.Nonce++
	e.say(Tr(s.Lang, "published", in.Profile.Title))
	newProfile := []Choice{d.choice(s, "new_profile", actNew, "")}
	if in.Team == nil {
		e.say(RenderMatches(d.Tax, s.Lang, kind, in.Matches), append(in.MatchButtons, newProfile)...)
		return
	}
	e.say(RenderMatches(d.Tax, s.Lang, kind, in.Matches), in.MatchButtons...)
	e.say(renderTeam(d.Tax, s.Lang, in.Team), newProfile)
}

// enter moves to state and shows its prompt with fresh buttons.
func (d *Dialog) enter(s *Session, state State, e *Effects) {
	s.State = state
	s.Nonce++
	e.Replies = append(e.Replies, d.Prompt(s))
}

func (d *Dialog) choice(s *Session, label Msg, action, value string) Choice {
	return Choice{Label: Tr(s.Lang, label), Button: Button{Nonce: s.Nonce, Action: action, Value: value}}
}

// Prompt renders what the user sees at the current state.
func (d *Dialog) Prompt(s *Session) Reply {
	l := s.Lang
	switch s.State {
	case StateLang:
		return Reply{Text: Tr(l, "choose_lang"), Buttons: [][]Choice{{
			{Label: "中文", Button: Button{Nonce: s.Nonce, Action: actLang, Value: string(matcher.LangZH)}},
			{Label: "English", Button: Button{Nonce: s.Nonce, Action: actLang, Value: string(matcher.LangEN)}},
		}}}
	case StateRole:
		return Reply{Text: Tr(l, "choose_role"), Buttons: [][]Choice{
			{d.choice(s, "role_need", actRole, string(matcher.KindNeed))},
			{d.choice(s, "role_offer", actRole, string(matcher.KindOffer))},
			{d.choice(s, "switch_lang", actSwitchLang, "")},
		}}
	case StateDescribe:
		if len(s.Texts) == 0 {
			key := Msg("describe_need")
			if s.Kind == matcher.KindOffer {
				key = "describe_offer"
			}
			return Reply{Text: Tr(l, key), Buttons: [][]Choice{{d.choice(s, "cancel", actCancel, "")}}}
		}
		return Reply{Text: Tr(l, "got_text", utf8.RuneCountInString(s.description())), Buttons: [][]Choice{
			{d.choice(s, "done", actDone, ""), d.choice(s, "start_over", actRestart, "")},
		}}
	case StateAsk:
		return d.question(s)
	case StateReview:
		return Reply{Text: renderCard(d.Tax, l, s.Draft), Buttons: [][]Choice{
			{d.choice(s, "publish", actPublish, ""), d.choice(s, "edit", actEdit, ""), d.choice(s, "cancel", actCancel, "")},
		}}
	case StateResume:
		return Reply{Text: Tr(l, "resume_ask"), Buttons: [][]Choice{
			{d.choice(s, "continue", actContinue, ""), d.choice(s, "start_over", actRestart, "")},
		}}
	}
	return Reply{Text: Tr(l, "idle_hint"), Buttons: [][]Choice{{d.choice(s, "new_profile", actNew, "")}}}
}

// question renders the first pending follow-up question.
func (d *Dialog) question(s *Session) Reply {
	l := s.Lang
	need := s.Kind == matcher.KindNeed
	var text string
	var rows [][]Choice
	ans := func(label Msg, value string) Choice { return d.choice(s, label, actAnswer, value) }
	switch s.Questions[0] {
	case matcher.FieldDomain:
		text = Tr(l, "q_domain")
		var row []Choice
		for _, dom := range d.Tax.Domains() {
			row = append(row, Choice{Label: dom.Name(l), Button: Button{Nonce: s.Nonce, Action: actAnswer, Value: dom.Code}})
			if len(row) == 2 {
				rows, row = append(rows, row), nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	case matcher.FieldTRL:
		if need {
			text = Tr(l, "q_trl_need")
			rows = [][]Choice{{ans("trl_lab", "3"), ans("trl_prototype", "5")}, {ans("trl_field", "7"), ans("trl_production", "9")}}
		} else {
			text = Tr(l, "q_trl_offer")
			rows = [][]Choice{{ans("trl_lab", "3"), ans("trl_prototype", "5")}, {ans("trl_pilot", "6"), ans("trl_field", "7")}, {ans("trl_production", "9")}}
		}
	case matcher.FieldModes:
		text = Tr(l, "q_modes")
		var row []Choice
		for _, m := range matcher.Modes {
			if m == matcher.ModeOther {
				continue
			}
			row = append(row, Choice{Label: matcher.ModeLabel(m, l), Button: Button{Nonce: s.Nonce, Action: actAnswer, Value: string(m)}})
			if len(row) == 2 {
				rows, row = append(rows, row), nil
			}
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
	case matcher.FieldRegion:
		text = Tr(l, "q_region")
	case matcher.FieldBudget:
		text = Tr(l, "q_budget_need")
		rows = [][]Choice{{ans("budget_small", "small"), ans("budget_mid", "mid")}, {ans("budget_large", "large"), ans("budget_open", "open")}}
	case matcher.FieldDeadline:
		text = Tr(l, "q_deadline")
		rows = [][]Choice{{ans("deadline_3m", "3m"), ans("deadline_1y", "1y")}, {ans("deadline_none", "none")}}
	case matcher.FieldSuccess:
		key := Msg("q_success_offer")
		if need {
			key = "q_success_need"
		}
		text = Tr(l, key)
	case matcher.FieldBenefit:
		key := Msg("q_benefit_offer")
		if need {
			key = "q_benefit_need"
		}
		text = Tr(l, key)
	case matcher.FieldClarify:
		key := Msg("q_clarify_offer")
		if need {
			key = "q_clarify_need"
		}
		text = Tr(l, key)
	}
	rows = append(rows, []Choice{d.choice(s, "skip", actSkip, "")})
	progress := Tr(l, "q_progress", s.Asked+1, s.Asked+len(s.Questions))
	return Reply{Text: progress + text, Buttons: rows}
}
