package matcher

import (
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// readTexts are the profiles of the labelled sets, the texts the reading
// is checked on.
func readTexts(t *testing.T) []Profile {
	var ps []Profile
	for _, set := range labelledSets {
		got, _ := readLabelled(t, filepath.Join("testdata", set))
		ps = append(ps, got...)
	}
	return ps
}

// TestReadIsAnalyzeApplyDigest checks that Read normalizes a profile and
// digests it exactly as Analyze, Apply and Digest one after the other.
func TestReadIsAnalyzeApplyDigest(t *testing.T) {
	tax := Default()
	var ps []Profile
	for _, p := range readTexts(t) {
		// and the profile with what an organizer's list says of it
		with := p
		with.TRL, with.Modes, with.Region, with.Budget, with.Deadline = 5, []Mode{ModeLicense}, "Shanghai", "50万元", "2027年底前"
		ps = append(ps, p, with)
	}
	for _, p := range ps {
		want := p
		an := tax.Analyze(want.Kind, want.Text())
		an.Apply(&want)
		wd := tax.encodeBare(tax.Digest(&want))
		got := p
		gd := tax.encodeBare(tax.Read(&got))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: Read normalized\n%+v\nwant\n%+v", p.ID, got, want)
		}
		if string(gd) != string(wd) {
			t.Fatalf("%s: Read's digest differs from Digest's", p.ID)
		}
	}
}

// TestCuesKeepEveryMatch checks that the cues skip no text a pattern
// matches: each pattern, run on every text, matches where its cued form does.
func TestCuesKeepEveryMatch(t *testing.T) {
	patterns := []cued{trlStated, deadlinePattern}
	for _, h := range trlHints {
		patterns = append(patterns, h.cued)
	}
	for _, m := range modePatterns {
		patterns = append(patterns, m.cued)
	}
	for _, p := range readTexts(t) {
		text := p.Text()
		lower := strings.ToLower(text)
		for _, c := range patterns {
			if got, want := c.find(lower, text), c.re.FindString(text); got != want {
				t.Errorf("%s: %s found %q, without cues %q", p.ID, c.re, got, want)
			}
		}
	}
}

// TestScopeCuesKeepEveryMatch checks that no text where a scope pattern
// matches lacks the pattern's literals.
func TestScopeCuesKeepEveryMatch(t *testing.T) {
	res := append(append([]*regexp.Regexp(nil), scopeCues...), comparisonScope)
	texts := []string{"We moved from steel to plastic", "DON'T want solvents", "跟普通茶园不一样", "不想用含甲醛的胶", "Not only fast", "ſtill without glue"}
	for _, p := range readTexts(t) {
		texts = append(texts, p.Text(), p.Title)
	}
	for _, text := range texts {
		for i, re := range res {
			if re.MatchString(text) && !holdsCue(strings.ToLower(text), scopeLiterals[i]) {
				t.Errorf("%q matches %s without its literals", text, re)
			}
		}
	}
}
