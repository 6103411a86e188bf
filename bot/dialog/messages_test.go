package dialog

import (
	"regexp"
	"strings"
	"testing"
)

// verbRe finds the format verbs the catalog uses; "99% accuracy" is text.
var verbRe = regexp.MustCompile(`%[-+#0-9.]*[dsvqfx]`)

// TestCatalogBilingual checks every user-facing text exists in English
// and Chinese with the same format verbs in the same order.
func TestCatalogBilingual(t *testing.T) {
	for key, texts := range catalog {
		en, zh := texts[0], texts[1]
		if strings.TrimSpace(en) == "" || strings.TrimSpace(zh) == "" {
			t.Errorf("%s: a language is missing", key)
			continue
		}
		if a, b := verbRe.FindAllString(en, -1), verbRe.FindAllString(zh, -1); strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%s: verbs differ: en %v, zh %v", key, a, b)
		}
	}
}
