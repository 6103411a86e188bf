// Package redact removes what identifies a person from text that others
// will read or that goes to a model: phone numbers in Chinese and
// international forms, e-mail addresses, URLs and bare host names,
// WeChat/QQ/Telegram ids after the words that announce them, @usernames,
// and names the caller knows (the owner's name, username, organisation).
// Bidi controls and zero-width characters are stripped first.
//
// It is pure: no I/O, no state. It imports only the domain (matcher), for
// the text cleaning it shares with the model path.
package redact

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/duijie/duijie/matcher"
)

// Marks that replace what was found, by the language of the reader.
const (
	MarkZH      = "[联系方式已隐藏]"
	MarkEN      = "[contact hidden]"
	MarkNeutral = "[***]"
)

// Kind is what a piece of found text is.
type Kind string

const (
	Phone     Kind = "phone"
	Email     Kind = "email"
	URL       Kind = "url"
	Messenger Kind = "messenger" // a WeChat, QQ, Telegram… id after its cue word
	Handle    Kind = "handle"    // an @username
	Name      Kind = "name"      // one of Options.Names
)

// Found is one piece of text that was replaced.
type Found struct {
	Kind Kind
	Text string
}

// Options says how to redact one text.
type Options struct {
	// Lang picks the mark: MarkZH for matcher.LangZH, MarkEN for
	// matcher.LangEN, MarkNeutral otherwise.
	Lang matcher.Lang
	// Names are words that identify the owner (their name, username,
	// organisation), replaced wherever they stand when the owner asked to
	// stay anonymous. Latin names shorter than 3 letters and Chinese names
	// shorter than 2 characters are ignored: they would hit ordinary words.
	Names []string
	// Replace, when set, replaces what is found instead of the language's
	// mark (the model path uses matcher.Redacted, which its prompt explains).
	Replace string
}

// Mark is the replacement: Replace, else the mark of the options' language.
func (o Options) Mark() string {
	if o.Replace != "" {
		return o.Replace
	}
	switch o.Lang {
	case matcher.LangZH:
		return MarkZH
	case matcher.LangEN:
		return MarkEN
	}
	return MarkNeutral
}

// Text returns text cleaned (invisible and bidi characters removed,
// full-width forms folded as matcher.CleanText does) with every contact
// detail replaced by the options' mark, and what it replaced, in order.
func Text(text string, opt Options) (string, []Found) {
	t := matcher.CleanText(strings.Map(dropFormat, text))
	var found []Found
	// A replacement can bring together what was apart ("@a0@a0"): a few
	// passes, until nothing more is found.
	for pass := 0; pass < maxPasses; pass++ {
		spans := find(t, opt.Names)
		if len(spans) == 0 {
			break
		}
		var b strings.Builder
		last := 0
		for _, s := range spans {
			b.WriteString(t[last:s.start])
			b.WriteString(opt.Mark())
			found = append(found, Found{Kind: s.kind, Text: t[s.start:s.end]})
			last = s.end
		}
		b.WriteString(t[last:])
		t = b.String()
	}
	return t, found
}

// maxPasses bounds the passes of Text over one text.
const maxPasses = 4

// dropFormat drops the invisible format characters CleanText keeps: the
// Arabic letter mark, Unicode tags (U+E0000–E007F, which can carry text
// a reader never sees to a model) and the rest of category Cf.
func dropFormat(r rune) rune {
	if unicode.Is(unicode.Cf, r) {
		return -1
	}
	return r
}

// Blank reports whether text has nothing visible: only white space,
// zero-width characters, bidi and other control or format characters.
func Blank(text string) bool {
	for _, r := range text {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) &&
			r != '\u3164' && r != '\u115f' && r != '\u1160' && r != '\uffa0' && r != '\u2800' { // Hangul fillers and the blank Braille cell draw nothing
			return false
		}
	}
	return true
}

type span struct {
	start, end int
	kind       Kind
}

// Words that announce a messenger id, optionally followed by 号/id/number:
// cueZH in Chinese (微信, v信, 加V, 扣扣, 电报…), cueLatin in Latin letters
// (wx, vx, QQ, tg, telegram…), which are also ordinary words in English.
const (
	cueZH    = `(?:微信号?|微信id|薇信|威信|[vV]信|加[vV](?:信)?|\+[vV]\b|飞机号?|扣扣号?|企鹅号?|电报号?)`
	cueLatin = `(?:(?i:\b(?:wechat|weixin|wx|vx|qq|tg|telegram|whatsapp|skype|line\s?id|signal)\b)(?:号)?)`
	cueTail  = `(?:\s*(?i:id|number|no\.?|#|账号|号码|号))?`
	cue      = `(?:` + cueZH + `|` + cueLatin + `)` + cueTail
)

var patterns = []struct {
	kind Kind
	re   *regexp.Regexp
	// digitsApart: the match counts only with no digit right before or after.
	digitsApart bool
}{
	{URL, regexp.MustCompile(`(?i)\b(?:https?|ftp|tg)://[^\s<>"'）)\]]+|\bwww\.[^\s<>"'）)\]]+`), false},
	{Email, regexp.MustCompile(`(?i)[a-z0-9._%+-]+\s?(?:@|[(\[{]\s?at\s?[)\]}])\s?[a-z0-9-]+(?:\s?(?:\.|[(\[{]\s?dot\s?[)\]}])\s?[a-z0-9-]+)+`), false},
	// A host name in a common top-level domain (in lower case, so that
	// "process.Co-develop" is not one), or any host followed by a path.
	{URL, regexp.MustCompile(`\b(?:(?i:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\.)+(?:com|net|org|cn|io|ai|co|me|info|biz|edu|gov|top|xyz|app|dev|ru|uk|de|jp|hk|tw|tv|cc|ly|gl|link|site|online|tech|shop|vip|club|pro|example|test)\b(?:[/?#][^\s<>"']*)?`), false},
	{URL, regexp.MustCompile(`(?i)\b(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*[a-z]/[^\s<>"']*`), false},
	// A messenger id after its cue: with a colon any id; without one, after
	// a Chinese cue an id of 4 or more characters, after a Latin one an id
	// with a digit or "_" ("the wx component" is no id).
	{Messenger, regexp.MustCompile(cue + `\s*[:：=]\s*@?[A-Za-z0-9_.+-]*[A-Za-z0-9_]`), false},
	{Messenger, regexp.MustCompile(cueZH + cueTail + `\s*(?:是|为)?\s*@?[A-Za-z0-9_.+-]{3,}[A-Za-z0-9_]`), false},
	{Messenger, regexp.MustCompile(cueLatin + cueTail + `\s*@?[A-Za-z.+-]*[0-9_][A-Za-z0-9_.+-]*[A-Za-z0-9_]`), false},
	// A number after a word that announces a phone.
	{Phone, regexp.MustCompile(`(?i)(?:\btel\b|\bphone\b|\bmobile\b|\bcell\b|\bfax\b|电话|手机号?|座机|致电|联系方式|联系电话)\s*(?:号码?|number|no\.?|#)?\s*[:：]?\s*\+?[0-9][0-9 ()-]{4,}[0-9]`), false},
	{Handle, regexp.MustCompile(`(?:^|[^A-Za-z0-9_.])(@[A-Za-z][A-Za-z0-9_]{1,31})`), false},
	// International with "+": +86 138 1234 5678, +1 (415) 555-0100.
	{Phone, regexp.MustCompile(`\+[0-9]{1,3}[ -]?\(?[0-9]{1,4}\)?(?:[ .-]?[0-9]{2,4}){1,4}`), true},
	// Chinese mobiles, with or without 86: 13812345678, 8613812345678, 138-1234-5678.
	{Phone, regexp.MustCompile(`(?:86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}`), true},
	// Chinese landlines with an area code: 010-12345678, (0755) 1234 5678.
	{Phone, regexp.MustCompile(`\(?0[1-9][0-9]{1,2}\)?[ -]?[0-9]{3,4}[ -]?[0-9]{4}`), true},
	// North American: 415-555-0100, (415) 555-0100, 415.555.0100.
	{Phone, regexp.MustCompile(`(?:\([2-9][0-9]{2}\) ?|\b[2-9][0-9]{2}[.-])[2-9][0-9]{2}[.-][0-9]{4}\b`), true},
	// Service numbers: 400-123-4567, 800 123 4567.
	{Phone, regexp.MustCompile(`[48]00[ -]?[0-9]{3}[ -]?[0-9]{4}`), true},
}

// minPhoneDigits is the fewest digits a text needs for a phone number.
const minPhoneDigits = 5

// find returns the spans to replace in t, sorted and without overlaps.
func find(t string, names []string) []span {
	var spans []span
	alnum, digits := 0, 0
	for i := 0; i < len(t); i++ {
		if isWordByte(t[i]) {
			alnum++
		}
		if isDigit(t[i]) {
			digits++
		}
	}
	for _, p := range patterns {
		// Every pattern needs Latin letters or digits, phones a few digits:
		// most Chinese text skips the regular expressions.
		if alnum == 0 || p.kind == Phone && digits < minPhoneDigits {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(t, -1) {
			start, end := m[0], m[1]
			if len(m) >= 4 && m[2] >= 0 { // the group is the match
				start, end = m[2], m[3]
			}
			if p.digitsApart && (start > 0 && isDigit(t[start-1]) || end < len(t) && isDigit(t[end])) {
				continue
			}
			spans = append(spans, span{start, end, p.kind})
		}
	}
	spans = append(spans, nameSpans(t, names)...)
	return merge(spans)
}

// nameSpans finds the known names: Latin ones as whole words ignoring
// case, Chinese ones anywhere.
func nameSpans(t string, names []string) []span {
	var spans []span
	lower := strings.ToLower(t) // ToLower keeps byte offsets for the letters names use
	if len(lower) != len(t) {
		lower = t
	}
	for _, n := range names {
		n = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(n), "@"))
		latin := isLatin(n)
		if latin && len(n) < 3 || !latin && utf8.RuneCountInString(n) < 2 {
			continue
		}
		for i := 0; ; {
			j := strings.Index(lower[i:], n)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(n)
			i = end
			if latin && (start > 0 && isWordByte(lower[start-1]) || end < len(lower) && isWordByte(lower[end])) {
				continue
			}
			if start > 0 && lower[start-1] == '@' {
				start--
			}
			spans = append(spans, span{start, end, Name})
		}
	}
	return spans
}

// merge sorts spans and joins those that overlap; the first kind wins.
func merge(spans []span) []span {
	if len(spans) == 0 {
		return nil
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	out := []span{spans[0]}
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start < last.end {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

func isLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c == '_' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
