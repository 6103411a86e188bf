package dialog

import (
	"slices"
	"strconv"
	"time"

	"github.com/duijie/duijie/matcher"
)

// question is one follow-up question of the interview: everything about
// it lives in its entry of questions, so adding a question is one entry
// here plus its texts in the catalog ("q_<field>…", "field_<field>").
type question struct {
	field matcher.Field
	// needOnly questions are not asked of offers.
	needOnly bool
	// text is the question's catalog key for a need and for an offer.
	text [2]Msg
	// buttons are the choices offered; nil for a question answered by typing.
	buttons func(d *Dialog, s *Session) [][]Choice
	// pressed stores a button's value; false when the value is not the question's.
	pressed func(l matcher.Lang, a *Answers, value string) bool
	// typed stores an answer read by Taxonomy.ReadAnswer.
	typed func(a *Answers, r matcher.Answer)
	// has reports whether a holds an answer.
	has func(a *Answers) bool
	// detect reads the answer from the description offline, so the
	// question is not asked; nil for fields no fact answers.
	detect func(description string, fs matcher.Facts) (matcher.Answer, bool)
	// apply writes the answer into a profile, over what the normalizer read.
	apply func(a *Answers, p *matcher.Profile)
	// fromProfile reads the answer back from a stored profile, for an edit.
	fromProfile func(p *matcher.Profile, a *Answers)
}

// questions in the order they are asked, most useful for matching first.
// The clarifying question comes first when the description could not be
// read well; the benefit question only when a quality remark asks for it.
var questions = []question{
	{
		field: matcher.FieldClarify, text: [2]Msg{"q_clarify_need", "q_clarify_offer"},
		typed: func(a *Answers, r matcher.Answer) { a.Clarify = r.Fact.Text },
		has:   func(a *Answers) bool { return a.Clarify != "" },
		apply: func(a *Answers, p *matcher.Profile) {
			if a.Clarify != "" && p.Summary == "" {
				p.Summary = a.Clarify
			}
		},
		fromProfile: func(*matcher.Profile, *Answers) {}, // the summary is the normalizer's
	},
	{
		field: matcher.FieldDomain, text: [2]Msg{"q_domain", "q_domain"},
		buttons: func(d *Dialog, s *Session) [][]Choice {
			var cs []Choice
			for _, dom := range d.Tax.Domains() {
				cs = append(cs, Choice{Label: dom.Name(s.Lang), Button: Button{Nonce: s.Nonce, Action: actAnswer, Value: dom.Code}})
			}
			return inRows(cs, 3) // many fields: three to a row keeps the list short on a phone
		},
		pressed: func(_ matcher.Lang, a *Answers, v string) bool { a.Domain = v; return v != "" },
		typed:   func(a *Answers, r matcher.Answer) { a.Domain = r.Domain },
		has:     func(a *Answers) bool { return a.Domain != "" },
		apply: func(a *Answers, p *matcher.Profile) {
			if a.Domain != "" {
				p.Domains = append([]string{a.Domain}, remove(p.Domains, a.Domain)...)
			}
		},
		fromProfile: func(p *matcher.Profile, a *Answers) {
			if len(p.Domains) > 0 {
				a.Domain = p.Domains[0]
			}
		},
	},
	{
		field: matcher.FieldTRL, text: [2]Msg{"q_trl_need", "q_trl_offer"},
		buttons: func(d *Dialog, s *Session) [][]Choice {
			levels := []struct {
				label Msg
				level int
			}{{"trl_lab", 3}, {"trl_prototype", 5}, {"trl_pilot", 6}, {"trl_field", 7}, {"trl_production", 9}}
			var cs []Choice
			for _, lv := range levels {
				if lv.level == 6 && s.Kind == matcher.KindNeed {
					continue
				}
				cs = append(cs, d.choice(s, lv.label, actAnswer, strconv.Itoa(lv.level)))
			}
			return inRows(cs, 2)
		},
		pressed: func(_ matcher.Lang, a *Answers, v string) bool {
			n, err := strconv.Atoi(v)
			if err != nil || n < matcher.MinTRL || n > matcher.MaxTRL {
				return false
			}
			a.TRL = n
			return true
		},
		typed:       func(a *Answers, r matcher.Answer) { a.TRL = r.Fact.TRL },
		has:         func(a *Answers) bool { return a.TRL != 0 },
		detect:      factOf(matcher.FieldTRL),
		apply:       func(a *Answers, p *matcher.Profile) { p.TRL = cmpOr(a.TRL, p.TRL) },
		fromProfile: func(p *matcher.Profile, a *Answers) { a.TRL = p.TRL },
	},
	{
		field: matcher.FieldSuccess, text: [2]Msg{"q_success_need", "q_success_offer"},
		typed:  func(a *Answers, r matcher.Answer) { a.Success = r.Fact.Text },
		has:    func(a *Answers) bool { return a.Success != "" },
		detect: factOf(matcher.FieldSuccess),
		apply: func(a *Answers, p *matcher.Profile) {
			if a.Success != "" || a.Benefit != "" {
				p.Success = joinNonEmpty("; ", a.Success, a.Benefit)
			}
		},
		fromProfile: func(p *matcher.Profile, a *Answers) { a.Success = p.Success },
	},
	{
		field: matcher.FieldBenefit, text: [2]Msg{"q_benefit_need", "q_benefit_offer"},
		typed: func(a *Answers, r matcher.Answer) { a.Benefit = r.Fact.Text },
		has:   func(a *Answers) bool { return a.Benefit != "" },
		apply: func(*Answers, *matcher.Profile) {}, // joins the success line, see FieldSuccess
		// An edit reads the success line whole, benefit included.
		fromProfile: func(*matcher.Profile, *Answers) {},
	},
	textAnswer(question{
		field: matcher.FieldRegion, text: [2]Msg{"q_region", "q_region"},
		typed: func(a *Answers, r matcher.Answer) {
			a.Region = clip(r.Fact.Text, matcher.MaxRegionRunes)
			if r.Fact.Place != (matcher.Place{}) {
				a.Region = r.Fact.Place.Label(matcher.LangEN)
			}
		},
		detect: factOf(matcher.FieldRegion),
	}, func(a *Answers) *string { return &a.Region }, func(p *matcher.Profile) *string { return &p.Region }),
	{
		field: matcher.FieldModes, text: [2]Msg{"q_modes", "q_modes"},
		buttons: func(d *Dialog, s *Session) [][]Choice {
			var cs []Choice
			for _, m := range matcher.Modes {
				if m != matcher.ModeOther {
					cs = append(cs, Choice{Label: matcher.ModeLabel(m, s.Lang), Button: Button{Nonce: s.Nonce, Action: actAnswer, Value: string(m)}})
				}
			}
			return inRows(cs, 2)
		},
		pressed: func(_ matcher.Lang, a *Answers, v string) bool {
			if m := matcher.Mode(v); m.Valid() {
				a.Modes = []matcher.Mode{m}
				return true
			}
			return false
		},
		typed: func(a *Answers, r matcher.Answer) { a.Modes = r.Modes },
		has:   func(a *Answers) bool { return len(a.Modes) > 0 },
		apply: func(a *Answers, p *matcher.Profile) {
			if len(a.Modes) > 0 {
				p.Modes = slices.Clone(a.Modes)
			}
		},
		fromProfile: func(p *matcher.Profile, a *Answers) { a.Modes = slices.Clone(p.Modes) },
	},
	textAnswer(question{
		field: matcher.FieldBudget, needOnly: true, text: [2]Msg{"q_budget_need", "q_budget_need"},
		buttons: bandButtons("budget", "small", "mid", "large", "open"),
		pressed: bandPressed("budget", func(a *Answers, s string) { a.Budget = s }, "small", "mid", "large", "open"),
		detect:  factOf(matcher.FieldBudget),
	}, func(a *Answers) *string { return &a.Budget }, func(p *matcher.Profile) *string { return &p.Budget }),
	textAnswer(question{
		field: matcher.FieldDeadline, needOnly: true, text: [2]Msg{"q_deadline", "q_deadline"},
		buttons: bandButtons("deadline", "3m", "1y", "none"),
		pressed: bandPressed("deadline", func(a *Answers, s string) { a.Deadline = s }, "3m", "1y", "none"),
		detect:  factOf(matcher.FieldDeadline),
	}, func(a *Answers) *string { return &a.Deadline }, func(p *matcher.Profile) *string { return &p.Deadline }),
}

// textAnswer completes a question whose answer is one text, kept in the
// answer field at and written to the profile field pf: the typed answer
// is the words read, unless q reads it otherwise.
func textAnswer(q question, at func(*Answers) *string, pf func(*matcher.Profile) *string) question {
	if q.typed == nil {
		q.typed = func(a *Answers, r matcher.Answer) { *at(a) = r.Fact.Text }
	}
	q.has = func(a *Answers) bool { return *at(a) != "" }
	q.apply = func(a *Answers, p *matcher.Profile) {
		if v := *at(a); v != "" {
			*pf(p) = v
		}
	}
	q.fromProfile = func(p *matcher.Profile, a *Answers) { *at(a) = *pf(p) }
	return q
}

// questionFor returns the entry of f; ok is false for a field no question asks.
func questionFor(f matcher.Field) (question, bool) {
	for _, q := range questions {
		if q.field == f {
			return q, true
		}
	}
	return question{}, false
}

// asks reports whether q is asked of a profile of kind k.
func (q question) asks(k matcher.Kind) bool { return !q.needOnly || k == matcher.KindNeed }

// textKey is the question's text for kind k.
func (q question) textKey(k matcher.Kind) Msg {
	if k == matcher.KindNeed {
		return q.text[0]
	}
	return q.text[1]
}

// factOf detects f among the facts a description states.
func factOf(f matcher.Field) func(string, matcher.Facts) (matcher.Answer, bool) {
	return func(_ string, fs matcher.Facts) (matcher.Answer, bool) {
		fact, ok := fs.For(f)
		return matcher.Answer{Field: f, Fact: fact}, ok
	}
}

// bandButtons offers the bands of a field as buttons labelled
// "<prefix>_<band>" in the catalog.
func bandButtons(prefix string, bands ...string) func(d *Dialog, s *Session) [][]Choice {
	return func(d *Dialog, s *Session) [][]Choice {
		var cs []Choice
		for _, b := range bands {
			cs = append(cs, d.choice(s, Msg(prefix+"_"+b), actAnswer, b))
		}
		return inRows(cs, 2)
	}
}

// bandPressed stores a band's label in the user's language.
func bandPressed(prefix string, set func(*Answers, string), bands ...string) func(matcher.Lang, *Answers, string) bool {
	return func(l matcher.Lang, a *Answers, v string) bool {
		if !slices.Contains(bands, v) {
			return false
		}
		set(a, Tr(l, Msg(prefix+"_"+v)))
		return true
	}
}

// inRows lays choices out n to a row.
func inRows(cs []Choice, n int) [][]Choice {
	var rows [][]Choice
	for len(cs) > n {
		rows, cs = append(rows, cs[:n]), cs[n:]
	}
	if len(cs) > 0 {
		rows = append(rows, cs)
	}
	return rows
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// detectAnswers fills the answers the description states, so their
// questions are not asked; a fact stated in the description wins over an
// earlier answer to the same question (an edited description is the
// latest word).
func (d *Dialog) detectAnswers(s *Session, now time.Time) {
	text := s.description()
	fs := matcher.ReadFacts(text, now)
	for _, q := range questions {
		if q.detect == nil || !q.asks(s.Kind) {
			continue
		}
		if r, ok := q.detect(text, fs); ok {
			q.typed(&s.Answers, r)
			s.Answers.unskip(q.field)
		}
	}
}
