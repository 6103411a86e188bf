package prompts_test

import (
	"strings"
	"testing"

	"github.com/duijie/duijie/matcher"
	"github.com/duijie/duijie/prompts/llmfake"
)

// TestModelTermsMatchAcrossLanguages: a Chinese need and an English offer
// that share no taxonomy concept meet through what the model says of
// them: its canonical English keywords and concepts the taxonomy does not
// hold take part in the ranking.
func TestModelTermsMatchAcrossLanguages(t *testing.T) {
	const (
		need  = "寺里的大钟敲起来声音发闷，余音很短，想找懂行的师傅帮忙看看。"
		offer = "We retune church bells: strike-note analysis of the hum, prime and tierce partials, then shaving the inside until the bell sings true."
	)
	h := newHarness(t, setup{})
	h.fake.Chat = func(c llmfake.Call) llmfake.Reply {
		m := goodAnswer()
		m["domains"], m["remarks"] = []string{}, []string{}
		m["missing"] = []string{}
		if strings.Contains(c.User(), "大钟") {
			m["title"], m["summary"] = "寺庙大钟调音", "大钟音色发闷、余音短，需要调音。"
			m["statement"] = "Tuning of a large temple bell with a dull strike note and short sustain."
			m["concepts_en"], m["concepts_zh"] = []string{"bell tuning"}, []string{"钟的调音"}
			m["keywords_en"], m["keywords_zh"] = []string{"temple bell", "strike note", "partials"}, []string{"大钟"}
		} else {
			m["title"], m["summary"] = "Bell tuning", "Retuning of church bells by their partials."
			m["statement"] = "Tuning bells by partial analysis and shaving."
			m["concepts_en"], m["concepts_zh"] = []string{"bell tuning"}, []string{"钟的调音"}
			m["keywords_en"], m["keywords_zh"] = []string{"church bell", "strike note", "partials"}, []string{"调音"}
		}
		return llmfake.Reply{Content: encode(m)}
	}
	tax := matcher.Default()
	n := matcher.Profile{ID: "n1", Kind: matcher.KindNeed, Lang: matcher.LangZH, Status: matcher.StatusActive, Description: need}
	o := matcher.Profile{ID: "o1", Kind: matcher.KindOffer, Lang: matcher.LangEN, Status: matcher.StatusActive, Description: offer}
	na := h.analyze(t, n.Kind, n.Lang, need, "u1")
	oa := h.analyze(t, o.Kind, o.Lang, offer, "u2")
	for _, c := range na.Concepts {
		for _, d := range oa.Concepts {
			if c == d {
				t.Fatalf("the texts share the taxonomy concept %s; the test needs two that share none", c)
			}
		}
	}
	na.Apply(&n)
	oa.Apply(&o)
	ix := matcher.NewIndex(tax)
	ix.Upsert(o)
	// Unrelated offers, so that idf has something to weigh against.
	for i, text := range []string{
		"Laser cladding of corrosion-resistant alloy coatings to replace hard chrome plating.",
		"Machine-vision inspection of surface defects on cold-rolled steel strip.",
		"低温等离子体处理印染废水，降解染料，降低COD。",
	} {
		p := matcher.Profile{ID: "x" + string(rune('1'+i)), Kind: matcher.KindOffer, Status: matcher.StatusActive, Description: text}
		an := tax.Analyze(p.Kind, text)
		an.Apply(&p)
		ix.Upsert(p)
	}
	ms := ix.Rank(matcher.Query{Profile: n})
	if len(ms) == 0 || ms[0].Profile.ID != "o1" || ms[0].Score < matcher.MatchThreshold {
		t.Fatalf("the need's matches: %+v; want the bell tuner first, at least %v", ms, matcher.MatchThreshold)
	}
	t.Logf("score %.3f terms %v", ms[0].Score, ms[0].Terms)

	// Read offline, without the model's terms, the two hardly meet.
	ix = matcher.NewIndex(tax)
	on, oo := matcher.Profile{ID: "n1", Kind: matcher.KindNeed, Lang: matcher.LangZH, Status: matcher.StatusActive, Description: need},
		matcher.Profile{ID: "o1", Kind: matcher.KindOffer, Lang: matcher.LangEN, Status: matcher.StatusActive, Description: offer}
	ix.Upsert(oo)
	if m, ok := ix.Pair(on, "o1"); ok && m.Score >= matcher.MatchThreshold {
		t.Errorf("offline the pair scores %.3f: the test needs texts that meet only through the model's terms", m.Score)
	}
}
