package matcher

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fields asked about only when a normalizer flags them.
const (
	FieldBenefit Field = "benefit" // the benefit in numbers: what solving the need is worth, what the offer gains
	FieldClarify Field = "clarify" // what exactly is needed or offered, when the description could not be read well
)

// Fields lists every field a normalizer may report as missing, in the
// order of the constants.
var Fields = []Field{FieldDomain, FieldTRL, FieldModes, FieldRegion, FieldBudget, FieldDeadline, FieldSuccess}

// Remark is a quality remark on a description: something that would make
// the profile more useful to the other side.
type Remark string

const (
	RemarkBenefit Remark = "benefit_unquantified" // the benefit is not given in numbers
	RemarkStage   Remark = "stage_unclear"        // the maturity or stage cannot be told
	RemarkSuccess Remark = "success_undefined"    // need: no success criterion; offer: no evidence of what was shown
)

// Remarks lists every quality remark.
var Remarks = []Remark{RemarkBenefit, RemarkStage, RemarkSuccess}

// Field returns the follow-up question that answers the remark.
func (r Remark) Field() Field {
	switch r {
	case RemarkBenefit:
		return FieldBenefit
	case RemarkStage:
		return FieldTRL
	case RemarkSuccess:
		return FieldSuccess
	}
	return ""
}

// Notice is something the dialog tells the user about how a description
// was read. The empty notice says nothing.
type Notice string

const (
	// NoticeCapReached: the user's daily allowance of model calls is used
	// up; the description was read offline.
	NoticeCapReached Notice = "cap_reached"
	// NoticeClarify: the model's reading could not be used; the
	// description was read offline and a clarifying question helps.
	NoticeClarify Notice = "clarify"
)

// IPStatuses lists every known IP status except unknown.
var IPStatuses = []IPStatus{IPNone, IPPending, IPGranted, IPSoftware, IPKnowHow}

// AnalysisRequest is a description to analyze. User identifies the
// person for per-user limits only; it never leaves the process.
type AnalysisRequest struct {
	Kind Kind
	Lang Lang // the user's language, for the title and summary
	Text string
	User string // opaque key for per-user limits; empty for imports
	// Private lists what identifies the user (such as their Telegram ids);
	// it is removed from the text before the text leaves the process.
	Private []string
}

// Limits of an analysis.
const (
	MaxStatementRunes  = 1000
	MaxAnalysisTitle   = 120
	MaxAnalysisTerms   = 24 // per list of free terms
	MaxAnalysisFree    = 200
	MaxAnalysisDomains = maxDomains
)

// Validate checks an analysis before anything of it is trusted: every
// code known, every size within limits, and no contact details or URLs
// in any text. An analysis written by a model (PromptVersion set) must
// carry an English technical statement.
func (a *Analysis) Validate(tax *Taxonomy) error {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	text := func(name, v string, max int, required bool) {
		if strings.TrimSpace(v) == "" {
			if required {
				add("%s is empty", name)
			}
			return
		}
		if n := utf8.RuneCountInString(v); n > max {
			add("%s has %d characters, more than %d", name, n, max)
		}
		if kind, ok := FindContact(v); ok {
			add("%s contains %s; leave contact details out", name, kind)
		}
	}
	text("title", a.Title, MaxAnalysisTitle, true)
	text("summary", a.Summary, MaxSummaryRunes, false)
	text("statement", a.Statement, MaxStatementRunes, a.PromptVersion != "")
	if a.PromptVersion != "" && strings.TrimSpace(a.Statement) != "" && DetectLang(a.Statement) != LangEN {
		add("statement must be in English")
	}
	text("region", a.Region, MaxRegionRunes, false)
	text("budget", a.Budget, MaxAnalysisFree, false)
	text("deadline", a.Deadline, MaxAnalysisFree, false)

	if len(a.Domains) > MaxAnalysisDomains {
		add("domains has %d entries, at most %d", len(a.Domains), MaxAnalysisDomains)
	}
	seen := map[string]bool{}
	for _, d := range a.Domains {
		if _, ok := tax.Domain(d); !ok {
			add("domain %q is not one of the domain codes", d)
		} else if seen[d] {
			add("domain %q is listed twice", d)
		}
		seen[d] = true
	}
	for _, c := range a.Concepts {
		if _, ok := tax.Concept(c); !ok {
			add("concept %q is not in the taxonomy", c)
		}
	}
	for name, list := range map[string][]string{"keywords": a.Keywords, "keywords_zh": a.KeywordsZH} {
		if len(list) > MaxAnalysisTerms {
			add("%s has %d entries, at most %d", name, len(list), MaxAnalysisTerms)
		}
		for _, t := range list {
			text(name+" entry", t, MaxTermRunes, true)
		}
	}
	if a.TRL != 0 && (a.TRL < MinTRL || a.TRL > MaxTRL) {
		add("trl %d must be between %d and %d, or 0 when unknown", a.TRL, MinTRL, MaxTRL)
	}
	switch a.IP {
	case IPUnknown, IPNone, IPPending, IPGranted, IPSoftware, IPKnowHow:
	default:
		add("ip %q is unknown", a.IP)
	}
	modes := map[Mode]bool{}
	for _, m := range a.Modes {
		if !m.Valid() {
			add("mode %q is unknown", m)
		} else if modes[m] {
			add("mode %q is listed twice", m)
		}
		modes[m] = true
	}
	for _, f := range a.Missing {
		if !f.known() {
			add("missing field %q is unknown", f)
		}
	}
	for _, r := range a.Remarks {
		if r.Field() == "" {
			add("remark %q is unknown", r)
		}
	}
	switch a.Notice {
	case "", NoticeCapReached, NoticeClarify:
	default:
		add("notice %q is unknown", a.Notice)
	}
	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

func (f Field) known() bool {
	for _, x := range Fields {
		if f == x {
			return true
		}
	}
	return f == FieldBenefit || f == FieldClarify
}

// EmbeddingText is what an embedding of p is computed from: the English
// statement, title, summary and description, with contact details removed.
func (p *Profile) EmbeddingText() string {
	var parts []string
	for _, s := range []string{p.Statement, p.Title, p.Summary, p.Description, p.Success} {
		if strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	return RedactContacts(strings.Join(parts, "\n"))
}

// Contact details and URLs. Text that leaves the process is first
// cleaned (invisible characters removed, full-width forms and look-alike
// letters folded) and then has every match replaced by Redacted.

// Redacted replaces contact details and URLs in text sent to a model.
const Redacted = "[removed]"

var contactPatterns = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"a URL", regexp.MustCompile(`(?i)\b(?:https?|ftp|tg)://[^\s<>"'）]+|\bwww\.[^\s<>"'）]+`)},
	{"an e-mail address", regexp.MustCompile(`(?i)[a-z0-9._%+-]+\s?(?:@|[(\[{]\s?at\s?[)\]}])\s?[a-z0-9-]+(?:\s?(?:\.|[(\[{]\s?dot\s?[)\]}])\s?[a-z0-9-]+)+`)},
	// A host name ending in a common top-level domain, written in lower case
	// (so that "process.Co-develop" with a missing space is not one).
	{"a URL", regexp.MustCompile(`\b(?:(?i:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\.)+(?:com|net|org|cn|io|ai|co|me|info|biz|edu|gov|top|xyz|app|dev|ru|uk|de|jp|hk|tw|tv|cc|ly|gl|link|site|online|tech|shop|vip|club|pro)\b(?:[/?#][^\s<>"']*)?`)},
	// A messenger id or phone number after the word that announces it; the word stays.
	{"a messenger id", regexp.MustCompile(`(?i)((?:微信号?|微信id|\bwechat(?:\s?id)?|\bweixin|\bvx|\bqq|\bwhatsapp|\bskype|\bline\s?id)(?:\s*(?:number|no\.?|#))?\s*[:：]\s*)[a-z0-9_.+-]{5,}`)},
	{"a messenger id", regexp.MustCompile(`(?i)((?:微信号?|微信id|\bwechat(?:\s?id)?|\bweixin|\bvx|\bqq|\bwhatsapp|\bskype|\bline\s?id)(?:\s*(?:number|no\.?|#))?\s*)[a-z0-9_.+-]*[0-9_][a-z0-9_.+-]*`)},
	{"a phone number", regexp.MustCompile(`(?i)((?:\btel|\bphone|\bmobile|\bcell|\bfax|电话|手机|座机|致电|联系方式)\s*(?:号码?|number|no\.?|#)?\s*[:：]?\s*)\+?[0-9][0-9 ()-]{4,}[0-9]`)},
	{"an @handle", regexp.MustCompile(`@[A-Za-z][A-Za-z0-9_]{2,31}`)},
}

// phonePatterns are phone numbers without a word that announces them:
// international with "+", Chinese mobiles (11 digits from 13–19),
// landlines with an area code and 400/800 service numbers. A match
// counts only where no digit comes right before or after it, so years,
// ranges and quantities are left alone.
var phonePatterns = []*regexp.Regexp{
	regexp.MustCompile(`\+[0-9]{1,3}[ -]?\(?[0-9]{1,4}\)?(?:[ -]?[0-9]{2,4}){1,4}`),
	regexp.MustCompile(`1[3-9][0-9](?:[ -]?[0-9]{4}){2}`),
	regexp.MustCompile(`\(?0[1-9][0-9]{1,2}\)?[ -]?[0-9]{3,4}[ -]?[0-9]{4}`),
	regexp.MustCompile(`[48]00[ -]?[0-9]{3}[ -]?[0-9]{4}`),
}

// phoneSpans returns the byte spans of phone numbers in t.
func phoneSpans(t string) [][2]int {
	var spans [][2]int
	for _, re := range phonePatterns {
		for _, m := range re.FindAllStringIndex(t, -1) {
			if m[0] > 0 && isDigit(t[m[0]-1]) || m[1] < len(t) && isDigit(t[m[1]]) {
				continue
			}
			if digits(t[m[0]:m[1]]) < 7 {
				continue
			}
			spans = append(spans, [2]int{m[0], m[1]})
		}
	}
	return spans
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

// FindContact reports whether text carries contact details or a URL, and
// which kind it found first.
func FindContact(text string) (kind string, ok bool) {
	t := CleanText(text)
	for _, p := range contactPatterns {
		if p.re.MatchString(t) {
			return p.kind, true
		}
	}
	if len(phoneSpans(t)) > 0 {
		return "a phone number", true
	}
	return "", false
}

// RedactContacts cleans text and replaces contact details and URLs with
// Redacted.
func RedactContacts(text string) string {
	t := CleanText(text)
	for _, p := range contactPatterns {
		t = p.re.ReplaceAllString(t, "${1}"+Redacted) // group 1, where there is one, is the announcing word
	}
	for {
		spans := phoneSpans(t)
		if len(spans) == 0 {
			return t
		}
		// One at a time: spans of different patterns may overlap.
		s := spans[0]
		t = t[:s[0]] + Redacted + t[s[1]:]
	}
}

// RedactWords replaces each whole-word occurrence of the words (ignoring
// case; words shorter than 3 characters are ignored) with Redacted.
func RedactWords(text string, words ...string) string {
	for _, w := range words {
		w = strings.TrimSpace(w)
		if len(w) < 3 {
			continue
		}
		lower, lw := strings.ToLower(text), strings.ToLower(w)
		var b strings.Builder
		last := 0
		for i := 0; ; {
			j := strings.Index(lower[i:], lw)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(lw)
			if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
				b.WriteString(text[last:start])
				b.WriteString(Redacted)
				last = end
			}
			i = end
		}
		b.WriteString(text[last:])
		text = b.String()
	}
	return text
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// CleanText removes invisible characters (zero-width spaces and joiners,
// direction marks, soft hyphens, byte-order marks), folds full-width
// digits, letters and the characters of addresses to ASCII, and folds
// Cyrillic and Greek look-alikes inside Latin words to Latin letters.
func CleanText(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	mixed := false
	for _, r := range text {
		switch {
		case isInvisible(r):
			continue
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ',
			r == '＠', r == '．', r == '＋', r == '－', r == '／', r == '＿':
			r -= 0xFEE0
		}
		if _, ok := lookalikes[r]; ok {
			mixed = true
		}
		b.WriteRune(r)
	}
	if !mixed {
		return b.String()
	}
	return foldLookalikes(b.String())
}

func isInvisible(r rune) bool {
	switch r {
	case '\u00ad', '\u180e', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\u2061', '\u2062',
		'\u2063', '\u2064', '\ufeff', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e',
		'\u2066', '\u2067', '\u2068', '\u2069':
		return true
	}
	return false
}

// lookalikes maps Cyrillic and Greek letters to the Latin letters they
// are drawn like.
var lookalikes = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's',
	'һ': 'h', 'ԁ': 'd', 'ӏ': 'l', 'ԛ': 'q', 'ԝ': 'w', 'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M',
	'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S',
	'ο': 'o', 'Ο': 'O', 'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M',
	'Ν': 'N', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
}

// foldLookalikes folds look-alike letters in words that mix them with
// Latin letters ("ignоre" with a Cyrillic о); words wholly in Cyrillic
// or Greek are left alone.
func foldLookalikes(s string) string {
	rs := []rune(s)
	for start := 0; start < len(rs); {
		if !isWordRune(rs[start]) {
			start++
			continue
		}
		end := start
		latin, other := false, false
		for end < len(rs) && isWordRune(rs[end]) {
			r := rs[end]
			switch {
			case r < utf8.RuneSelf && unicode.IsLetter(r), unicode.Is(unicode.Latin, r):
				latin = true
			case unicode.Is(unicode.Cyrillic, r), unicode.Is(unicode.Greek, r):
				other = true
			}
			end++
		}
		if latin && other {
			for i := start; i < end; i++ {
				if l, ok := lookalikes[rs[i]]; ok {
					rs[i] = l
				}
			}
		}
		start = end
	}
	return string(rs)
}

// isWordRune is a letter or digit of an alphabetic script (not Han) or
// one of the characters inside addresses.
func isWordRune(r rune) bool {
	if unicode.Is(unicode.Han, r) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '@' || r == '-' || r == '_'
}
