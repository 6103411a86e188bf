package tgfake

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Telegram limits, counted in UTF-16 code units (see textLen).
const (
	maxMessageText  = 4096
	maxCaption      = 1024
	maxCallbackData = 64 // bytes
	maxGetFileSize  = 20 << 20
)

// textLen returns the length of s in UTF-16 code units, the unit Telegram
// uses for its length limits and entity offsets: characters outside the
// Basic Multilingual Plane (most emoji) count as 2.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// visibleText returns the text the user would see for text sent with the
// given parse_mode, or a Telegram-style "can't parse entities" error.
// Only HTML is parsed; other parse modes leave the text as it is.
func visibleText(text, parseMode string) (string, *apiError) {
	if !utf8.ValidString(text) {
		return "", badRequest("text must be encoded in UTF-8")
	}
	if !strings.EqualFold(parseMode, "HTML") {
		return text, nil
	}
	out, err := parseHTML(text)
	if err != nil {
		return "", badRequest("can't parse entities: " + err.Error())
	}
	return out, nil
}

// htmlTags are the tags Telegram accepts with parse_mode HTML.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// parseHTML checks text the way Telegram does for parse_mode HTML (every
// '<' must open or close a supported tag, tags must nest properly) and
// returns the text with tags removed and entities decoded. Like Telegram it
// is lenient with a bare '&' or '>'.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := tagEnd(s, i+1)
			if end < 0 {
				return "", fmt.Errorf("Unclosed start tag at byte offset %d", i)
			}
			tag := s[i+1 : end]
			if strings.HasPrefix(tag, "/") {
				name := strings.ToLower(strings.TrimSpace(tag[1:]))
				if len(stack) == 0 {
					return "", fmt.Errorf("Unexpected end tag at byte offset %d", i)
				}
				if top := stack[len(stack)-1]; name != top {
					return "", fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)
				}
				stack = stack[:len(stack)-1]
			} else {
				name := tag
				if k := strings.IndexAny(tag, " \t\r\n/"); k >= 0 {
					name = tag[:k]
				}
				name = strings.ToLower(name)
				if !htmlTags[name] {
					return "", fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, i)
				}
				stack = append(stack, name)
			}
			i = end + 1
		case '&':
			if dec, n := htmlEntity(s[i:]); n > 0 {
				out.WriteString(dec)
				i += n
			} else {
				out.WriteByte('&')
				i++
			}
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1])
	}
	return out.String(), nil
}

// tagEnd returns the index of the '>' closing a tag that starts at from,
// skipping quoted attribute values, or -1.
func tagEnd(s string, from int) int {
	var quote byte
	for i := from; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// htmlEntity decodes the entity at the start of s (which begins with '&'):
// the four named ones Telegram supports and numeric ones. It returns the
// decoded text and the number of bytes consumed, or 0 if there is none.
func htmlEntity(s string) (string, int) {
	semi := strings.IndexByte(s, ';')
	if semi < 2 || semi > 10 {
		return "", 0
	}
	name := s[1:semi]
	switch name {
	case "lt":
		return "<", semi + 1
	case "gt":
		return ">", semi + 1
	case "amp":
		return "&", semi + 1
	case "quot":
		return "\"", semi + 1
	}
	if name[0] != '#' {
		return "", 0
	}
	num, base := name[1:], 10
	if strings.HasPrefix(num, "x") || strings.HasPrefix(num, "X") {
		num, base = num[1:], 16
	}
	v, err := strconv.ParseUint(num, base, 32)
	if err != nil || !utf8.ValidRune(rune(v)) {
		return "", 0
	}
	return string(rune(v)), semi + 1
}

// VisibleHTML checks text as Telegram checks a message sent with
// parse_mode HTML and returns what the user sees, or the error Telegram
// would give. Tests of what a bot sends use it without a server.
func VisibleHTML(text string) (string, error) {
	out, e := visibleText(text, "HTML")
	if e != nil {
		return "", fmt.Errorf("%s", e.desc)
	}
	return out, nil
}
