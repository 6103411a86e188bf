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
	// minStrayDescribeRunes: a short message that is no small talk starts
	// a description from this length on.
	minStrayDescribeRunes = 5
)

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
	actChange     = "chg" // value: a field to change on the summary card, or "text"
)

// changeText is the value of actChange that rewrites the description.
const changeText = "text"

// Step advances the dialog of session s by one input. It changes s in
// place and returns what the engine must do.
func (d *Dialog) Step(s *Session, in Input, now time.Time) Effects {
	var e Effects
	s.UpdatedAt = now
	s.UseLangHint(in.LangHint)
	switch in.Kind {
	case InCommand:
		d.command(s, in, &e)
	case InButton:
		d.button(s, in.Button, now, &e)
	case InText:
		d.text(s, in, now, &e)
	case InUnsupported:
		e.say(Tr(s.Lang, "unsupported"))
	case InAnalyzed:
		d.analyzed(s, in.Analysis, now, &e)
	case InPublished:
		d.published(s, in, &e)
	case InSearched:
		d.searched(s, in, &e)
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
		if !s.LangSet && in.LangHint == "" {
			e.say(Tr(s.Lang, "welcome"))
			d.enter(s, StateLang, e)
			return
		}
		d.enterAfter(s, StateRole, Tr(s.Lang, "welcome")+"\n\n", e)
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
	case "search":
		d.search(s, in.Arg, e)
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

func (d *Dialog) button(s *Session, b Button, now time.Time, e *Effects) {
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
		if utf8.RuneCountInString(s.description()) >= minDescribeRunes {
			// Described before choosing: read it at once.
			s.State = StateDescribe
			d.finishDescription(s, e)
			return
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
			d.answer(s, b.Value, true, now, e)
		}
	case actPublish:
		if s.State == StateReview && s.Draft != nil {
			p := *s.Draft
			p.Status = matcher.StatusActive
			s.Nonce++ // a second press must not publish twice
			e.Publish = &p
		}
	case actEdit:
		if s.State == StateReview {
			e.Replies = append(e.Replies, d.changeMenu(s))
		}
	case actChange:
		if s.State == StateReview {
			d.change(s, matcher.Field(b.Value), e)
		}
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

func (d *Dialog) text(s *Session, in Input, now time.Time, e *Effects) {
	text := strings.TrimSpace(in.Text)
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
		if !s.LangSet && in.LangHint == "" {
			s.Lang = matcher.DetectLang(text)
		}
		if d.smallTalk(s, matcher.ClassifyMessage(text), e) {
			return
		}
		if l := matcher.DetectLang(text); !s.LangSet && l != s.Lang {
			s.Lang, s.LangSet = l, true // a description in the other language says which one the user reads
		}
		s.Reset()
		s.Texts = []string{text}
		d.enter(s, StateRole, e)
	case StateResume:
		s.State, s.Prev = s.Prev, ""
		d.text(s, in, now, e)
	case StateRole:
		if len(s.Texts) == 0 && d.smallTalk(s, matcher.ClassifyMessage(text), e) {
			return
		}
		if !d.appendText(s, text, e) {
			return
		}
		e.Replies = append(e.Replies, d.Prompt(s))
	case StateDescribe:
		if !d.appendText(s, text, e) {
			return
		}
		e.Replies = append(e.Replies, d.Prompt(s))
	case StateAsk:
		d.answer(s, text, false, now, e)
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

func (d *Dialog) analyzed(s *Session, a *matcher.Analysis, now time.Time, e *Effects) {
	if a == nil || s.State != StateDescribe {
		return
	}
	text := s.description()
	p := &matcher.Profile{Kind: s.Kind, Status: matcher.StatusDraft, Description: text, Lang: matcher.DetectLang(text)}
	if old := s.Draft; old != nil && old.ID != "" {
		// An edit: the same profile, with its owner, organisation and tags.
		p.ID, p.OwnerID, p.CreatedAt, p.Org, p.Tags, p.DoNotMatch = old.ID, old.OwnerID, old.CreatedAt, old.Org, old.Tags, old.DoNotMatch
	}
	a.Apply(p)
	d.detectAnswers(s, now)
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
	for _, q := range questions {
		if len(s.Questions) == d.maxQuestions() {
			break
		}
		if missing[q.field] && q.asks(s.Kind) && !s.Answers.answered(q.field) {
			s.Questions = append(s.Questions, q.field)
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
// is a code) or typed (value is free text, read by Taxonomy.ReadAnswer).
// An answer that cannot be read is asked again, saying why.
func (d *Dialog) answer(s *Session, value string, fromButton bool, now time.Time, e *Effects) {
	q, ok := questionFor(s.Questions[0])
	if !ok {
		d.nextQuestion(s, e)
		return
	}
	a := &s.Answers
	if fromButton {
		if q.pressed == nil || !q.pressed(s.Lang, a, value) {
			e.Toast = Tr(s.Lang, "stale_toast")
			return
		}
		a.unskip(q.field)
		d.nextQuestion(s, e)
		return
	}
	r := d.Tax.ReadAnswer(q.field, value, s.description(), now)
	switch {
	case r.Skip:
		a.Skipped = append(a.Skipped, q.field)
	case r.Problem != "":
		e.say(Tr(s.Lang, Msg("reask_"+string(r.Problem))))
		e.Replies = append(e.Replies, d.Prompt(s))
		return
	default:
		q.typed(a, r)
		a.unskip(q.field)
	}
	d.nextQuestion(s, e)
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
	done := Msg("published")
	if s.Draft != nil && s.Draft.ID != "" {
		done = "updated"
	}
	s.Published, s.PublishedKind = in.Profile.ID, kind
	s.Reset()
	s.State = StateIdle
	s.Nonce++
	e.say(Tr(s.Lang, done))
	newProfile := []Choice{d.choice(s, "new_profile", actNew, "")}
	if in.Team == nil {
		e.say(RenderMatches(d.Tax, s.Lang, kind, in.Matches), append(in.MatchButtons, newProfile)...)
		return
	}
	e.say(RenderMatches(d.Tax, s.Lang, kind, in.Matches), in.MatchButtons...)
	e.say(renderTeam(d.Tax, s.Lang, in.Team), newProfile)
}

// enterAfter is enter with lead put before the prompt, in one message.
func (d *Dialog) enterAfter(s *Session, state State, lead string, e *Effects) {
	d.enter(s, state, e)
	r := &e.Replies[len(e.Replies)-1]
	r.Text = lead + r.Text
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
		key := Msg("choose_role")
		if len(s.Texts) > 0 {
			key = "text_first"
		}
		return Reply{Text: Tr(l, key), Buttons: [][]Choice{
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
	q, _ := questionFor(s.Questions[0])
	var rows [][]Choice
	if q.buttons != nil {
		rows = q.buttons(d, s)
	}
	rows = append(rows, []Choice{d.choice(s, "skip", actSkip, "")})
	text := Tr(s.Lang, q.textKey(s.Kind))
	if n := s.Asked + len(s.Questions); n > 1 {
		text = Tr(s.Lang, "q_progress", s.Asked+1, n) + text
	}
	return Reply{Text: text, Buttons: rows}
}

// changeMenu asks which part of the summary card to change: the
// description, or one answer.
func (d *Dialog) changeMenu(s *Session) Reply {
	cs := []Choice{d.choice(s, "change_text", actChange, changeText)}
	for _, q := range questions {
		if q.asks(s.Kind) && q.field != matcher.FieldClarify && q.field != matcher.FieldBenefit {
			cs = append(cs, d.choice(s, Msg("field_"+string(q.field)), actChange, string(q.field)))
		}
	}
	return Reply{Text: Tr(s.Lang, "change_which"), Buttons: inRows(cs, 3)}
}

// change asks again for one field of the card, or for a new description;
// everything else is kept.
func (d *Dialog) change(s *Session, f matcher.Field, e *Effects) {
	if f == changeText {
		s.Texts = nil
		s.State = StateDescribe
		s.Nonce++
		e.say(Tr(s.Lang, "edit_prompt"), []Choice{d.choice(s, "cancel", actCancel, "")})
		return
	}
	if q, ok := questionFor(f); !ok || !q.asks(s.Kind) {
		return
	}
	s.Answers.unskip(f)
	s.Questions, s.Asked = []matcher.Field{f}, 0
	d.enter(s, StateAsk, e)
}

// Edit puts a stored profile back on the summary card, with the answers
// it holds: publishing it again updates the same profile.
func (d *Dialog) Edit(s *Session, p matcher.Profile) Reply {
	s.Reset()
	s.Kind, s.Texts, s.State = p.Kind, []string{p.Description}, StateReview
	s.Answers = answersOf(&p)
	s.Draft = &p
	s.Nonce++
	return d.Prompt(s)
}

// smallTalk answers a message that is not a description outside an
// interview: greetings, 开始, 帮助 and thanks get a short menu, a search
// request its results. It reports false for a description.
func (d *Dialog) smallTalk(s *Session, r matcher.Reading, e *Effects) bool {
	switch r.Intent {
	case matcher.IntentDescription:
		return false
	case matcher.IntentStray:
		if utf8.RuneCountInString(r.Text) >= minStrayDescribeRunes {
			return false // "茶厂，做绿茶的": a short start of a description
		}
		d.enterAfter(s, StateRole, Tr(s.Lang, "hello")+"\n", e) // "嗯", "ok"
	case matcher.IntentSearch:
		d.search(s, r.Query, e)
	case matcher.IntentCommand:
		d.command(s, Input{Kind: InCommand, Command: r.Command, Arg: r.Arg}, e)
	case matcher.IntentHelp:
		e.say(Tr(s.Lang, "help"))
		d.enter(s, StateRole, e)
	case matcher.IntentThanks:
		d.enterAfter(s, StateRole, Tr(s.Lang, "you_are_welcome")+"\n", e)
	case matcher.IntentStart:
		d.enter(s, StateRole, e)
	default:
		d.enterAfter(s, StateRole, Tr(s.Lang, "hello")+"\n", e)
	}
	return true
}

// search asks the engine for the counterparts words describe.
func (d *Dialog) search(s *Session, query string, e *Effects) {
	query = strings.TrimSpace(query)
	if query == "" {
		e.say(Tr(s.Lang, "search_usage"))
		return
	}
	e.Search = &SearchRequest{Query: clip(query, maxAnswerRunes), Kind: s.searchKind()}
}

// searchKind is the side a search looks from: that of the last profile
// published, else a need looking for technologies.
func (s *Session) searchKind() matcher.Kind {
	if s.PublishedKind == matcher.KindOffer {
		return matcher.KindOffer
	}
	return matcher.KindNeed
}

// searched shows the results of a search.
func (d *Dialog) searched(s *Session, in Input, e *Effects) {
	text := Tr(s.Lang, "search_none", in.Text)
	if len(in.Matches) > 0 {
		text = Tr(s.Lang, "search_for", in.Text) + "\n" + RenderMatches(d.Tax, s.Lang, s.searchKind(), in.Matches)
	}
	s.Nonce++
	role := Msg("role_need")
	if s.searchKind() == matcher.KindOffer {
		role = "role_offer"
	}
	e.say(text, []Choice{d.choice(s, role, actRole, string(s.searchKind()))})
}
