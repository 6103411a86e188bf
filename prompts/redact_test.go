package prompts

import (
	"strings"
	"testing"
)

// TestModelTextRedacted: the forms the review saw reach the model
// are removed from the text the analyzer sends.
func TestModelTextRedacted(t *testing.T) {
	for _, tc := range []struct{ in, gone string }{
		{"需要激光熔覆 QQ号：123456789", "123456789"},
		{"wx: zwlab2024 激光", "zwlab2024"},
		{"v信 zwlab2024", "zwlab2024"},
		{"加V zwlab88", "zwlab88"},
		{"微信 zwlab 联系", "zwlab"},
		{"call 8613812345678", "13812345678"},
		{"call 415-555-0100", "555-0100"},
		{"telegram: zhang_lab", "zhang_lab"},
		{"Zhang Wei's lab needs sensors", "Zhang Wei"},
		{"from zhanglab: sensors", "zhanglab"},
		{"see evil.example/login", "evil.example"},
		{"激光\u202e熔覆", "\u202e"},
	} {
		got := forModel(tc.in, []string{"Zhang Wei", "zhanglab"})
		if strings.Contains(got, tc.gone) || !strings.Contains(got, "[removed]") && tc.gone != "\u202e" {
			t.Errorf("forModel(%q) = %q, still shows %q", tc.in, got, tc.gone)
		}
	}
}
