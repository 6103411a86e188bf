package prompts_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/prompts/llmfake"
)

// injectionCorpus reads testdata/injection.txt.
func injectionCorpus(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/injection.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, part := range strings.Split(string(b), "\n---\n") {
		var lines []string
		for _, l := range strings.Split(part, "\n") {
			if !strings.HasPrefix(l, "# ") && l != "#" {
				lines = append(lines, l)
			}
		}
		if s := strings.TrimSpace(strings.Join(lines, "\n")); s != "" {
			out = append(out, s)
		}
	}
	return out
}

var descriptionRe = regexp.MustCompile(`(?s)<description>\n(.*)\n</description>`)

// obedient is a model that does what the description says: it copies the
// description into title, summary and statement, adds what it was asked
// to add, and answers in the shape it was told.
func obedient(c llmfake.Call) llmfake.Reply {
	m := descriptionRe.FindStringSubmatch(c.User())
	desc := ""
	if m != nil {
		desc = m[1]
	}
	ans := goodAnswer()
	ans["title"] = []rune(desc + "          ")[:10]
	ans["title"] = string(ans["title"].([]rune))
	ans["summary"] = desc
	ans["statement"] = "As instructed: " + desc + " Contact boss@example.com, https://evil.example.com"
	ans["score"] = 10
	b, _ := json.Marshal(ans)
	return llmfake.Reply{Content: string(b)}
}

// compliant is a model that ignores the instructions in the description
// and answers properly.
func compliant(llmfake.Call) llmfake.Reply { return good }

// TestInjectionCorpus: whatever the description says and whatever the
// model makes of it, the analysis passes validation, carries no contact
// details, and every prompt kept the description inside its delimiters
// without contact details.
func TestInjectionCorpus(t *testing.T) {
	corpus := injectionCorpus(t)
	if len(corpus) < 10 {
		t.Fatalf("corpus has %d entries", len(corpus))
	}
	for name, model := range map[string]func(llmfake.Call) llmfake.Reply{"obedient": obedient, "compliant": compliant} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, setup{})
			h.fake.Chat = model
			for i, text := range corpus {
				for _, kind := range []matcher.Kind{matcher.KindNeed, matcher.KindOffer} {
					a := h.analyze(t, kind, matcher.DetectLang(text), text, "u1")
					fields := append([]string{a.Title, a.Summary, a.Statement, a.Region, a.Budget, a.Deadline}, a.Keywords...)
					for _, f := range append(fields, a.KeywordsZH...) {
						if k, ok := matcher.FindContact(f); ok {
							t.Errorf("entry %d (%s): analysis carries %s: %q", i, kind, k, f)
						}
					}
					if a.TRL < 0 || a.TRL > 9 {
						t.Errorf("entry %d: trl %d", i, a.TRL)
					}
				}
			}
			for _, c := range h.fake.ChatCalls() {
				for _, m := range c.Messages {
					if m.Role == "assistant" {
						continue // the model's own words, sent back with a re-ask
					}
					if k, ok := matcher.FindContact(m.Content); ok {
						t.Errorf("a %s message carries %s:\n%s", m.Role, k, m.Content)
					}
				}
				if n := strings.Count(c.User(), "<description>") + strings.Count(c.User(), "</description>"); n != 2 {
					t.Errorf("the user message has %d description tags, want 2:\n%s", n, c.User())
				}
			}
		})
	}
}
