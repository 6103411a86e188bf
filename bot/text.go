package bot

import (
	"strings"
	"unicode/utf16"
)

// MaxMessageUTF16 is Telegram's limit on the text of one message, in
// UTF-16 code units.
const MaxMessageUTF16 = 4096

// SplitText cuts text into parts of at most max UTF-16 code units (how
// Telegram counts), preferring paragraph, then line, then word breaks.
func SplitText(text string, max int) []string {
	if UTF16Len(text) <= max {
		return []string{text}
	}
	var parts []string
	for UTF16Len(text) > max {
		cut := cutPoint(text, max)
		parts = append(parts, strings.TrimRight(text[:cut], " \n"))
		text = strings.TrimLeft(text[cut:], " \n")
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// cutPoint returns a byte offset ≤ the first max UTF-16 units of text at
// the best break.
func cutPoint(text string, max int) int {
	limit, units := 0, 0
	for i, r := range text {
		n := len(utf16.Encode([]rune{r}))
		if units+n > max {
			break
		}
		units += n
		limit = i + len(string(r))
	}
	head := text[:limit]
	for _, sep := range []string{"\n\n", "\n", "。", ". ", " "} {
		if i := strings.LastIndex(head, sep); i > limit/2 {
			return i + len(sep)
		}
	}
	return limit
}

// UTF16Len is the length of s in UTF-16 code units, as Telegram counts.
func UTF16Len(s string) int {
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
