// Package dialog is Duijie's conversation as a pure step: Dialog.Step
// reads a session and an input and returns the effects (replies, an
// analysis to ask for, a profile to publish), changing nothing outside
// the session. It holds the session, the input and reply types, the
// rendering of cards and matches, and the message catalogs in both
// languages. It imports no store, Telegram or model client.
package dialog

import (
	"slices"
	"strings"
	"time"

	"github.com/duijie/duijie/matcher"
)

// State is where a chat stands in the dialog.
type State string

const (
	StateIdle     State = ""         // nothing under way
	StateLang     State = "lang"     // choosing the language
	StateRole     State = "role"     // choosing need or offer
	StateDescribe State = "describe" // collecting the description, one or more messages
	StateAsk      State = "ask"      // follow-up questions for what is missing
	StateReview   State = "review"   // summary card: publish, edit or cancel
	StateResume   State = "resume"   // /start during an interview: continue or start over
)

// Session is one chat's dialog state. It is saved after every step and
// expires when the chat goes quiet for long.
type Session struct {
	ChatID  int64        `json:"chat_id"`
	UserID  int64        `json:"user_id"`
	Lang    matcher.Lang `json:"lang,omitempty"`
	LangSet bool         `json:"lang_set,omitempty"` // the user chose the language (else it is a guess)
	State   State        `json:"state,omitempty"`
	Prev    State        `json:"prev,omitempty"` // the state to return to from StateLang and StateResume
	// Nonce changes whenever the buttons on offer change; a button carries
	// the nonce it was shown with, so a press on an old one is recognised.
	Nonce int `json:"nonce"`
	// Heard is a voice message's transcript waiting for the user to
	// confirm it before it is used as text.
	Heard string `json:"heard,omitempty"`

	Kind      matcher.Kind     `json:"kind,omitempty"`
	Texts     []string         `json:"texts,omitempty"`     // the description as sent, message by message
	Draft     *matcher.Profile `json:"draft,omitempty"`     // the profile under review
	Answers   Answers          `json:"answers"`             // what the user answered to follow-up questions
	Questions []matcher.Field  `json:"questions,omitempty"` // still to ask, current first
	Asked     int              `json:"asked,omitempty"`     // questions answered or skipped in this round
	Payload   string           `json:"payload,omitempty"`   // deep-link payload of the last /start

	Published     string       `json:"published,omitempty"`      // id of the last published profile
	PublishedKind matcher.Kind `json:"published_kind,omitempty"` // its kind: a search looks for its counterparts
	UpdatedAt     time.Time    `json:"updated_at"`
}

// UseLangHint takes the language of the user's client, when known,
// until the user chooses one; English when neither is known.
func (s *Session) UseLangHint(hint matcher.Lang) {
	if !s.LangSet && hint != "" {
		s.Lang = hint
	}
	if s.Lang == "" {
		s.Lang = matcher.LangEN
	}
}

// Answers holds the user's replies to follow-up questions. They win over
// what the normalizer read from the description and survive an edit.
type Answers struct {
	Domain   string          `json:"domain,omitempty"`
	TRL      int             `json:"trl,omitempty"`
	Modes    []matcher.Mode  `json:"modes,omitempty"`
	Region   string          `json:"region,omitempty"`
	Budget   string          `json:"budget,omitempty"`
	Deadline string          `json:"deadline,omitempty"`
	Success  string          `json:"success,omitempty"`
	Benefit  string          `json:"benefit,omitempty"` // the benefit in numbers; shown with Success
	Clarify  string          `json:"clarify,omitempty"` // what exactly is needed or offered, in the user's words
	Skipped  []matcher.Field `json:"skipped,omitempty"`
}

// answered reports whether f was answered or skipped.
func (a *Answers) answered(f matcher.Field) bool {
	if slices.Contains(a.Skipped, f) {
		return true
	}
	q, ok := questionFor(f)
	return ok && q.has(a)
}

// apply writes the answers into p, over what was there; the benefit
// joins the success line, and the clarifying answer becomes the summary
// when the normalizer wrote none.
func (a *Answers) apply(p *matcher.Profile) {
	for _, q := range questions {
		q.apply(a, p)
	}
}

// unskip forgets that f was skipped: it has been answered since.
func (a *Answers) unskip(f matcher.Field) {
	a.Skipped = slices.DeleteFunc(a.Skipped, func(g matcher.Field) bool { return g == f })
}

// answersOf reads the answers back from a stored profile, so an edit
// keeps them.
func answersOf(p *matcher.Profile) Answers {
	var a Answers
	for _, q := range questions {
		q.fromProfile(p, &a)
	}
	return a
}

// joinNonEmpty joins the strings that are not empty.
func joinNonEmpty(sep string, ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

func remove(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
