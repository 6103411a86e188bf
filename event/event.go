// Package event makes the links and QR codes that tag the users who
// arrive by them with an event: a deep link https://t.me/<bot>?start=ev_<tag>
// and its QR code as a PNG picture. It is pure apart from the QR
// encoder: the store counts who arrived and what they published.
package event

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/duijie/duijie/matcher"
)

// Prefix starts the /start payload of an event link.
const Prefix = "ev_"

// MaxTagLen keeps an event's payload within Telegram's 64 characters
// and short enough to type.
const MaxTagLen = 32

// ErrBadTag is returned for a tag that cannot travel in a deep link.
var ErrBadTag = errors.New("an event tag is 1-32 characters of A-Z a-z 0-9 _ -")

// ValidTag checks that tag can travel in a deep link: 1–MaxTagLen
// characters of A-Z a-z 0-9 _ -.
func ValidTag(tag string) error {
	if tag == "" || len(tag) > MaxTagLen {
		return ErrBadTag
	}
	for _, r := range tag {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return ErrBadTag
		}
	}
	return nil
}

// Link is the deep link that starts a chat with bot (its username, with
// or without "@") and tags the user with tag.
func Link(bot, tag string) (string, error) {
	bot = strings.TrimPrefix(strings.TrimSpace(bot), "@")
	if bot == "" {
		return "", errors.New("event link: the bot's username is unknown")
	}
	if err := ValidTag(tag); err != nil {
		return "", fmt.Errorf("event link %q: %w", tag, err)
	}
	return "https://t.me/" + url.PathEscape(bot) + "?start=" + Prefix + tag, nil
}

// ParsePayload reads the tag of an event link from a /start payload;
// ok is false for any other payload (a claim code, nothing) and for a
// payload whose tag is not valid.
func ParsePayload(payload string) (tag string, ok bool) {
	tag, found := strings.CutPrefix(strings.TrimSpace(payload), Prefix)
	if !found || ValidTag(tag) != nil {
		return "", false
	}
	return tag, true
}

// QRSize is the side of the QR picture in pixels: sharp when printed on
// a poster or shown on a projector.
const QRSize = 512

// QR returns a PNG picture of link as a QR code, size pixels square, with
// medium error correction (a code on a poster survives a smudge).
func QR(link string, size int) ([]byte, error) {
	png, err := qrcode.Encode(link, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("QR code of %s: %w", link, err)
	}
	return png, nil
}

// TagHelp says what a valid tag looks like, in lang.
func TagHelp(lang matcher.Lang) string {
	if lang == matcher.LangZH {
		return fmt.Sprintf("活动标签只能用 1–%d 个英文字母、数字、下划线或连字符，例如 qxwq2026。", MaxTagLen)
	}
	return fmt.Sprintf("An event tag is 1–%d letters, digits, _ or -, for example qxwq2026.", MaxTagLen)
}
