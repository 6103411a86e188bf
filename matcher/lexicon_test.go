package matcher

import (
	"slices"
	"testing"
)

func TestLexiconSegmentsChineseIntoWords(t *testing.T) {
	got := defaultLexicon().words("猫砂结块太快", Default().terms)
	if !slices.Contains(got, "猫砂") {
		t.Errorf("words = %q, want 猫砂 among them", got)
	}
	own, bridged, _ := defaultLexicon().read("我们的猫砂除臭效果差", Default().terms, false)
	if !slices.Contains(own, "猫砂") || slices.Contains(own, "我们") {
		t.Errorf("own terms = %q, want 猫砂 and no stopword", own)
	}
	if !slices.Contains(bridged, bridgedTerm{"litter", "猫砂"}) {
		t.Errorf("bridged terms = %q, want litter", bridged)
	}
}

// A Chinese need and an English offer with no taxonomy concept in common
// meet through the dictionary, both ways.
func TestLexiconBridgesLanguages(t *testing.T) {
	ix := NewIndex(Default())
	offer := Profile{ID: "o1", Kind: KindOffer, Status: StatusActive, Lang: LangEN,
		Title: "Clumping cat litter from tofu residue", Description: "A cat litter that clumps fast and is flushable."}
	other := Profile{ID: "o2", Kind: KindOffer, Status: StatusActive, Lang: LangEN,
		Title: "Bamboo chopsticks", Description: "Disposable chopsticks from bamboo offcuts."}
	need := Profile{ID: "n1", Kind: KindNeed, Status: StatusActive, Lang: LangZH,
		Title: "猫砂结团慢", Description: "我们生产猫砂，结团太慢，想找新配方。"}
	for _, p := range []Profile{offer, other, need} {
		ix.Upsert(p)
	}
	ms := ix.Rank(Query{Profile: need})
	if len(ms) == 0 || ms[0].Profile.ID != "o1" {
		t.Fatalf("need → offers: %v, want o1 first", ids(ms))
	}
	if back := ix.Rank(Query{Profile: offer}); len(back) == 0 || back[0].Profile.ID != "n1" {
		t.Fatalf("offer → needs: %v, want n1", ids(back))
	}
	// The reader of the Chinese need reads the word they wrote; the reader
	// of the English offer, theirs.
	if !slices.Contains(ms[0].Terms, "猫砂") {
		t.Errorf("need → offer terms = %q, want 猫砂", ms[0].Terms)
	}
	if back := ix.Rank(Query{Profile: offer}); !slices.Contains(back[0].Terms, "litter") {
		t.Errorf("offer → need terms = %q, want litter", back[0].Terms)
	}
}

func ids(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Profile.ID)
	}
	return out
}

// The model path: a model's canonical keywords, outside the taxonomy,
// join a Chinese need and an English offer that share no concept.
func TestModelKeywordsJoinLanguages(t *testing.T) {
	offer := Profile{ID: "o1", Kind: KindOffer, Status: StatusActive, Lang: LangEN,
		Title: "Photogrammetry of temple frescoes", Description: "Close-range photogrammetry and multispectral capture of frescoes.",
		Keywords: []string{"photogrammetry", "fresco conservation"}}
	other := Profile{ID: "o2", Kind: KindOffer, Status: StatusActive, Lang: LangEN,
		Title: "Bamboo chopsticks", Description: "Disposable chopsticks from bamboo offcuts."}
	need := Profile{ID: "n1", Kind: KindNeed, Status: StatusActive, Lang: LangZH,
		Title: "庙里墙上的老画", Description: "庙里墙上的老画颜色越来越淡，想留下高清的记录。"}
	ix := NewIndex(Default())
	for _, p := range []Profile{offer, other, need} {
		ix.Upsert(p)
	}
	before, _ := ix.Pair(need, "o1")
	need.Keywords = []string{"photogrammetry", "fresco conservation", "壁画保护"}
	need.Statement = "Record fading temple frescoes in high resolution before they are lost."
	ms := ix.Rank(Query{Profile: need})
	if len(ms) == 0 || ms[0].Profile.ID != "o1" || ms[0].Score <= before.Score {
		t.Fatalf("with the model's keywords: %v %v (without: %.3f), want o1 first and higher", ids(ms), scores(ms), before.Score)
	}
	if !slices.Contains(ms[0].Terms, "photogrammetry") {
		t.Errorf("terms %q, want photogrammetry", ms[0].Terms)
	}
}
