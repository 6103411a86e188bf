package dialog

import (
	"fmt"
	"strings"
)

// Texts sent to users are Telegram HTML (parse mode HTML): the catalog's
// texts are written in it, and every piece of user text put into one is
// escaped by Esc. Tr escapes its string arguments itself; an argument
// that is already HTML is passed as an HTML value.

// HTML is text already in Telegram's HTML: Tr inserts it as it is.
type HTML string

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// Esc makes plain text safe to put into an HTML text or attribute.
func Esc(s string) string { return escaper.Replace(s) }

// Bold is s in bold, escaped.
func Bold(s string) HTML { return HTML("<b>" + Esc(s) + "</b>") }

// Link is a link with the visible text label, both escaped.
func Link(href, label string) HTML {
	return HTML(`<a href="` + Esc(href) + `">` + Esc(label) + "</a>")
}

// UserLink is a tappable link to a Telegram user: Telegram opens
// tg://user links only inside a link or a button.
func UserLink(id int64, label string) HTML {
	return Link(fmt.Sprintf("tg://user?id=%d", id), label)
}

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&amp;", "&")

// PlainText is what a reader sees of an HTML text: the tags removed and
// the entities decoded, for adapters that show plain text (the console).
// Tags are those the catalog and Esc produce; nothing else is expected.
func PlainText(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		s = s[i+j+1:]
	}
	return unescaper.Replace(b.String())
}

// escapeArgs escapes the string arguments of a catalog text.
func escapeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case HTML:
			out[i] = string(v)
		case string:
			out[i] = Esc(v)
		case fmt.Stringer:
			out[i] = Esc(v.String())
		default:
			out[i] = a
		}
	}
	return out
}
