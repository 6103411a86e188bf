package prompts

import (
	"testing"

	"github.com/duijie/duijie/matcher"
)

// FuzzDecodeAnswer feeds arbitrary model output to the decoder: it never
// panics, and whatever passes validation carries no contact details.
func FuzzDecodeAnswer(f *testing.F) {
	f.Add("```json\n{\"title\":\"x\"}\n```")
	f.Add("<think>hm</think>{\"title\":\"Call +86 138 0013 8000\",\"summary\":\"a@b.cn\"}")
	f.Add(`{"title":"t","domains":["ai","nope"],"trl":12,"modes":["license","license"]}`)
	f.Add(`{"title":`)
	f.Fuzz(func(t *testing.T, content string) {
		a, _, ok := decodeAnswer(content)
		if !ok {
			return
		}
		tax := matcher.Default()
		an := a.analysis(tax, matcher.KindNeed, "our pumps fail")
		if an.Validate(tax) != nil {
			return
		}
		for _, s := range append([]string{an.Title, an.Summary, an.Statement, an.Region, an.Budget, an.Deadline}, an.Keywords...) {
			if kind, found := matcher.FindContact(s); found {
				t.Fatalf("validated analysis carries %s: %q", kind, s)
			}
		}
	})
}
