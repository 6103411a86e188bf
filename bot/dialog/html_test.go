package dialog

import (
	"strings"
	"testing"

	"github.com/duijie/duijie/internal/tgfake"
	"github.com/duijie/duijie/matcher"
)

// hostile is user text that breaks HTML unless escaped.
const hostile = `a<b & c</b> <i>open "q" &amp; <a href="x">`

// visible checks text as Telegram would with parse mode HTML and returns
// what the user sees.
func visible(t *testing.T, what, text string) string {
	t.Helper()
	v, err := tgfake.VisibleHTML(text)
	if err != nil {
		t.Fatalf("%s: Telegram would refuse it: %v\n%s", what, err, text)
	}
	return v
}

// TestCatalogHTML formats every catalog text in both languages with
// hostile user text for each %s and checks that Telegram accepts it and
// shows the user text as written.
func TestCatalogHTML(t *testing.T) {
	for key := range catalog {
		for _, l := range []matcher.Lang{matcher.LangEN, matcher.LangZH} {
			verbs := verbRe.FindAllString(catalog[key][langIndex(l)], -1)
			var args []any
			for _, v := range verbs {
				if strings.HasSuffix(v, "d") {
					args = append(args, 7)
				} else {
					args = append(args, hostile)
				}
			}
			got := visible(t, string(key)+"/"+string(l), Tr(l, key, args...))
			if len(args) > 0 && strings.Contains(strings.Join(verbs, ""), "s") && !strings.Contains(got, hostile) {
				t.Errorf("%s/%s: user text not shown as written: %q", key, l, got)
			}
		}
	}
}

func langIndex(l matcher.Lang) int {
	if l == matcher.LangZH {
		return 1
	}
	return 0
}

// TestRenderHTML renders the summary card, a page of matches, a match and
// a team whose profiles are full of hostile text.
func TestRenderHTML(t *testing.T) {
	tax := matcher.Default()
	p := matcher.Profile{ID: "x1", Kind: matcher.KindOffer, Title: hostile, Org: hostile, Region: hostile,
		Description: hostile + " 窑炉温度控制 kiln temperature control", Budget: hostile, Success: hostile, Demo: true}
	need := p
	need.Kind, need.Deadline = matcher.KindNeed, hostile
	ms := []matcher.Match{{Profile: p, Score: 0.4, Similar: []string{"x2"}}, {Profile: p, Score: 0.01}}
	for _, l := range []matcher.Lang{matcher.LangEN, matcher.LangZH} {
		for what, text := range map[string]string{
			"card need":  renderCard(tax, l, &need),
			"card offer": renderCard(tax, l, &p),
			"matches":    RenderMatches(tax, l, matcher.KindNeed, ms),
			"weak":       RenderMatches(tax, l, matcher.KindNeed, ms[1:]),
			"page":       RenderPage(tax, l, matcher.KindNeed, ms, 5),
			"details":    RenderDetails(tax, l, matcher.KindNeed, ms[0]),
			"team":       renderTeam(tax, l, &matcher.Team{Members: []matcher.TeamMember{{Profile: p}}}),
		} {
			got := visible(t, what+"/"+string(l), text)
			if what != "weak" && !strings.Contains(got, hostile) {
				t.Errorf("%s/%s: the title is not shown as written:\n%s", what, l, got)
			}
		}
	}
}

func TestPlainText(t *testing.T) {
	text := Tr(matcher.LangEN, "card_title", hostile) + "\n" + string(Bold(hostile)) + string(UserLink(5, hostile))
	want := "Title: " + hostile + "\n" + hostile + hostile
	if got := PlainText(text); got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
	if v, err := tgfake.VisibleHTML(text); err != nil || v != want {
		t.Errorf("Telegram shows %q (%v), PlainText %q", v, err, want)
	}
}
