package llmfake

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/duijie/duijie/matcher"
)

var descriptionRe = regexp.MustCompile(`(?s)<description>\n(.*)\n</description>`)

// Mirror is a model that reads a description as the offline normalizer
// does and answers in the model's format, so that the transcripts'
// scripted answers fit the questions it leads to.
func Mirror(c Call) Reply {
	tax := matcher.Default()
	m := descriptionRe.FindStringSubmatch(c.User())
	if m == nil {
		return Reply{Content: "{}"}
	}
	kind := matcher.KindNeed
	if strings.HasPrefix(c.User(), "A technology offer") {
		kind = matcher.KindOffer
	}
	a := tax.Analyze(kind, m[1])
	var en, zh []string
	for _, id := range a.Concepts {
		if con, ok := tax.Concept(id); ok {
			en, zh = append(en, con.Label(matcher.LangEN)), append(zh, con.Label(matcher.LangZH))
		}
	}
	ans := map[string]any{
		"title": a.Title, "summary": "", "statement": "A technical " + string(kind) + " about " + strings.Join(en, ", ") + ".",
		"domains": orEmpty(a.Domains), "concepts_en": orEmpty(en), "concepts_zh": orEmpty(zh), "keywords_en": []string{}, "keywords_zh": []string{},
		"trl": a.TRL, "ip": "unknown", "modes": a.Modes, "region": a.Region, "budget": a.Budget, "deadline": a.Deadline,
		"missing": a.Missing, "remarks": []string{},
	}
	b, _ := json.Marshal(ans)
	return Reply{Content: string(b)}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
