package matcher

import "testing"

// Words in negation or background scope make no concepts; the rest of
// the sentence still does.
func TestScopeKeepsNegatedWordsFromConcepts(t *testing.T) {
	tax := Default()
	for _, c := range []struct {
		text      string
		not, want string // concept ids
	}{
		{"We make plywood for furniture without adhesive and need a pressing line.", "chemical.adhesives", ""},
		{"Instead of glue, we want to join the boards mechanically.", "chemical.adhesives", ""},
		{"We do not want to use glue in our boards; they crack after a winter.", "chemical.adhesives", ""},
		{"Unlike a solar panel, our roof sheets ice up every winter.", "energy.pv-module", ""},
		{"Not only the glue but the whole pressing line is old.", "", "chemical.adhesives"},
		{"We need a new glue that holds without heating.", "", "chemical.adhesives"},
		{"我们做胶合板，不想用胶粘剂，怎么把板材压紧？", "chemical.adhesives", ""},
		{"跟太阳能电池板不一样，我们的屋顶板冬天总结冰。", "energy.pv-module", ""},
		{"除了太阳能电池板，屋顶还有什么办法防结冰。", "energy.pv-module", ""},
		{"我们需要一种新的胶粘剂，不要加热也能固化。", "", "chemical.adhesives"},
		{"We moved from adhesive bonding to plastic clips, and the clips break.", "chemical.adhesives", ""},
		{"原来用胶粘剂，现在改成卡扣了，卡扣老断。", "chemical.adhesives", ""},
	} {
		got := map[string]bool{}
		for _, id := range tax.Analyze(KindNeed, c.text).Concepts {
			got[id] = true
		}
		if c.not != "" && got[c.not] {
			t.Errorf("%q: concept %s found in a negated or background scope", c.text, c.not)
		}
		if c.want != "" && !got[c.want] {
			t.Errorf("%q: concept %s not found (have %v)", c.text, c.want, got)
		}
	}
}
