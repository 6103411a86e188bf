package bot

import (
	"strings"
	"testing"
)

func TestSplitText(t *testing.T) {
	para := strings.Repeat("字", 3000)
	text := para + "\n\n" + para + "\n\n" + strings.Repeat("😀", 3000)
	parts := SplitText(text, MaxMessageUTF16)
	if strings.Join(parts, "") != strings.ReplaceAll(text, "\n\n", "") {
		t.Errorf("splitting lost or changed text")
	}
	for i, p := range parts {
		if n := UTF16Len(p); n > MaxMessageUTF16 || n == 0 {
			t.Errorf("part %d has %d UTF-16 units", i, n)
		}
	}
	if len(parts) != 4 {
		t.Errorf("got %d parts, want 4 (two paragraphs, emoji split in two)", len(parts))
	}
}
