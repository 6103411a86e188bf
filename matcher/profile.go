package matcher

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind tells whether a profile offers a technology or asks for one.
type Kind string

const (
	KindOffer Kind = "offer" // a research result, patent or capability (供给)
	KindNeed  Kind = "need"  // a technical problem of an enterprise (需求)
)

// Counterpart returns the kind a profile of kind k is matched against.
func (k Kind) Counterpart() Kind {
	if k == KindOffer {
		return KindNeed
	}
	return KindOffer
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindOffer || k == KindNeed }

// Status is the lifecycle state of a profile. Only active profiles are matched.
type Status string

const (
	StatusDraft   Status = "draft"
	StatusActive  Status = "active"
	StatusPaused  Status = "paused"
	StatusExpired Status = "expired"
)

// Mode is a form of cooperation between the two sides.
type Mode string

const (
	ModeLicense    Mode = "license"
	ModeTransfer   Mode = "transfer"
	ModeJointRD    Mode = "joint_rd"
	ModeConsulting Mode = "consulting"
	ModeEquity     Mode = "equity"
	ModeOther      Mode = "other"
)

// Modes lists every cooperation mode in display order.
var Modes = []Mode{ModeLicense, ModeTransfer, ModeJointRD, ModeConsulting, ModeEquity, ModeOther}

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool {
	for _, x := range Modes {
		if m == x {
			return true
		}
	}
	return false
}

// IPStatus describes the intellectual property behind an offer.
type IPStatus string

const (
	IPNone     IPStatus = "none"
	IPPending  IPStatus = "patent_pending"
	IPGranted  IPStatus = "patent_granted"
	IPSoftware IPStatus = "software_copyright"
	IPKnowHow  IPStatus = "know_how"
	IPUnknown  IPStatus = ""
)

// Lang is a user-facing language. Duijie speaks Chinese and English.
type Lang string

const (
	LangZH Lang = "zh"
	LangEN Lang = "en"
)

// ParseLang maps a language tag such as "zh-hans" or "en-US" to a Lang;
// anything not Chinese is English.
func ParseLang(tag string) Lang {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(tag)), "zh") {
		return LangZH
	}
	return LangEN
}

// Limits of a profile's fields.
const (
	MaxIDLen        = 64
	MaxTitleRunes   = 200
	MaxTextRunes    = 8000 // description, the raw text a user typed or a list gave
	MaxSummaryRunes = 1000
	MaxOrgRunes     = 200
	MaxRegionRunes  = 100
	MaxTermsPerList = 64
	MaxTermRunes    = 80
	MinTRL, MaxTRL  = 1, 9
	MaxTags         = 16
)

// Profile is one offer or need. Structured fields may come from the
// normalizer, from an import file or from the user's answers.
type Profile struct {
	ID      string `json:"id"`
	Kind    Kind   `json:"kind"`
	OwnerID int64  `json:"owner_id,omitempty"` // Telegram user id; 0 for imported profiles nobody claimed
	Status  Status `json:"status"`
	Demo    bool   `json:"demo,omitempty"` // part of the bundled demo set

	Title       string `json:"title"`
	Summary     string `json:"summary,omitempty"`
	Description string `json:"description"`
	Lang        Lang   `json:"lang"`
	Org         string `json:"org,omitempty"`
	Region      string `json:"region,omitempty"`

	Domains  []string `json:"domains,omitempty"`  // taxonomy domain codes
	Concepts []string `json:"concepts,omitempty"` // taxonomy concept ids
	Keywords []string `json:"keywords,omitempty"` // free terms in any language

	TRL      int      `json:"trl,omitempty"` // offer: current level; need: minimum wanted; 0 unknown
	IP       IPStatus `json:"ip,omitempty"`
	Modes    []Mode   `json:"modes,omitempty"`
	Budget   string   `json:"budget,omitempty"` // need: budget; offer: price expectation; free text
	Deadline string   `json:"deadline,omitempty"`
	Success  string   `json:"success,omitempty"` // need: what result counts as success; offer: what was demonstrated
	Tags     []string `json:"tags,omitempty"`    // event tags, e.g. a conference code
	// DoNotMatch names organisations (or profile ids) this profile must
	// never be paired with, such as competitors.
	DoNotMatch []string `json:"do_not_match,omitempty"`

	// Statement is the problem or solution in the field's English terms,
	// written by a model; empty when the text was read offline.
	Statement     string `json:"statement,omitempty"`
	PromptVersion string `json:"prompt_version,omitempty"` // the prompt that normalized the text; empty offline

	Embedding      []float32 `json:"embedding,omitempty"`
	EmbeddingModel string    `json:"embedding_model,omitempty"` // the model that computed Embedding

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid")

// ValidationError lists what is wrong with a value, field by field.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "invalid: " + strings.Join(e.Problems, "; ")
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Validate checks a profile before it is stored or matched.
func (p *Profile) Validate() error {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	if p.ID == "" {
		add("id is empty")
	} else if len(p.ID) > MaxIDLen || !validID(p.ID) {
		add("id %q must be 1-%d characters of A-Z a-z 0-9 _ - .", p.ID, MaxIDLen)
	}
	if !p.Kind.Valid() {
		add("kind %q must be offer or need", p.Kind)
	}
	switch p.Status {
	case StatusDraft, StatusActive, StatusPaused, StatusExpired:
	default:
		add("status %q is unknown", p.Status)
	}
	if strings.TrimSpace(p.Title) == "" {
		add("title is empty")
	}
	checkLen := func(name, v string, max int) {
		if n := utf8.RuneCountInString(v); n > max {
			add("%s has %d characters, more than %d", name, n, max)
		}
	}
	checkLen("title", p.Title, MaxTitleRunes)
	checkLen("summary", p.Summary, MaxSummaryRunes)
	checkLen("description", p.Description, MaxTextRunes)
	checkLen("org", p.Org, MaxOrgRunes)
	checkLen("region", p.Region, MaxRegionRunes)
	checkLen("statement", p.Statement, MaxStatementRunes)
	if strings.TrimSpace(p.Description) == "" && strings.TrimSpace(p.Summary) == "" {
		add("description is empty")
	}
	if p.Lang != LangZH && p.Lang != LangEN {
		add("lang %q must be zh or en", p.Lang)
	}
	if p.TRL != 0 && (p.TRL < MinTRL || p.TRL > MaxTRL) {
		add("trl %d must be between %d and %d", p.TRL, MinTRL, MaxTRL)
	}
	switch p.IP {
	case IPUnknown, IPNone, IPPending, IPGranted, IPSoftware, IPKnowHow:
	default:
		add("ip %q is unknown", p.IP)
	}
	for _, m := range p.Modes {
		if !m.Valid() {
			add("mode %q is unknown", m)
		}
	}
	for _, d := range p.Domains {
		if _, ok := Default().Domain(d); !ok {
			add("domain %q is not in the taxonomy", d)
		}
	}
	for _, c := range p.Concepts {
		if _, ok := Default().Concept(c); !ok {
			add("concept %q is not in the taxonomy", c)
		}
	}
	for name, list := range map[string][]string{"keywords": p.Keywords, "tags": p.Tags, "do_not_match": p.DoNotMatch} {
		if len(list) > MaxTermsPerList {
			add("%s has %d entries, more than %d", name, len(list), MaxTermsPerList)
		}
		for _, t := range list {
			checkLen(name+" entry", t, MaxTermRunes)
		}
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

func validID(id string) bool {
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
		default:
			return false
		}
	}
	return true
}

// Text returns everything a profile says in words, for analysis and search.
func (p *Profile) Text() string {
	parts := []string{p.Title, p.Summary, p.Description, p.Success, p.Statement}
	parts = append(parts, p.Keywords...)
	return strings.Join(parts, "\n")
}

// HasMode reports whether p lists mode m.
func (p *Profile) HasMode(m Mode) bool {
	for _, x := range p.Modes {
		if x == m {
			return true
		}
	}
	return false
}
