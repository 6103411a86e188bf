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

// TestNearCuesAsEverywhere checks that the patterns tried only where a
// match may start (money next to numbers, the English negation scope at
// its words, deadlines at digits and their words) find what running them
// at every byte finds.
func TestNearCuesAsEverywhere(t *testing.T) {
	var labelled []string
	for _, p := range readTexts(t) {
		labelled = append(labelled, p.Text(), p.Title)
	}
	for _, c := range []struct {
		name  string
		texts []string
		same  func(text string) (got, want any)
	}{
		{"money", []string{"预算20-30万元", "between 1 and 2 million RMB", "US$ 50k–80k", "uſ$ 5000 per unit", "十来万块，三五万吧",
			"￥ 300 each", "rmb  12", "no money here", "年产5万台，投入两千万", "$5000 and 3 people", "1,200.5 usd to 2,000 usd"},
			func(text string) (any, any) {
				lower := asciiLower(text)
				return moneyMatches(lower, 8), moneyRe.FindAllStringSubmatchIndex(lower, 8)
			}},
		{"scope", []string{"We moved from steel to plastic", "DON'T want solvents", "Not only fast", "ſtill without glue",
			"without,without glue", "xnot a thing", "Doesn't use lead; did not need tin, NO LONGER coal", "unli\u212ae that",
			"not not not cheap", "instead of\tsteel, rather than copper and other than zinc"},
			func(text string) (any, any) {
				return englishScopes(text), scopeCues[0].FindAllStringSubmatchIndex(text, -1)
			}},
		{"deadline", []string{"Delivery BY the end of 2027", "cabin 2027 within 3 months", "需要2027年底前完成", "6个月内，明年", "xin 2028, in q3 2027",
			"WITHIN 12 weeks", "before next year", "year2027年", "İstanbul by 2027-06", "no date at all", "in  the end of 20261"},
			func(text string) (any, any) {
				return findDeadline(strings.ToLower(text), text), strings.TrimSpace(deadlinePattern.re.FindString(text))
			}},
	} {
		for _, text := range append(c.texts, labelled...) {
			if got, want := c.same(text); !reflect.DeepEqual(got, want) {
				t.Errorf("%s in %q: near cues %v, everywhere %v", c.name, text, got, want)
			}
		}
	}
}
