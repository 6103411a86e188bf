package matcher

import (
	"regexp"
	"strings"
)

// Negation and background scope. Owners name what they do not want, what
// they had before and what their problem is unlike: "不想用含甲醛的胶",
// "原来用烧煤的炉子", "we moved from steel to plastic",
// "跟普通茶园不一样", "without formaldehyde glues", "instead of manual
// sorting". The words in such a scope say nothing about what the profile
// is about, so they make no concepts. A scope runs from its cue to the end
// of the clause (punctuation, or a word that turns the sentence such as
// "but" or "但"), at most a few words in English.

// scopeCues open a scope that runs to the end of the clause.
var scopeCues = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(?:without|instead of|rather than|unlike|besides|apart from|other than|no longer|(?:moved|switched|changed|shifted|converted) (?:away )?from|(?:do not|don't|does not|doesn't|did not|didn't) (?:want|wish|like|use|need)(?: to use)?|not(?: \w+ly)?(?: a| an| the)?)\s+` +
		`((?:[\w'-]+\s*){1,6})`),
	regexp.MustCompile(`(?:不想用|不想要|不想|不要|不用|不使用|不含|不需要|无需|不像|不同于|而不是|而非|不是|除了|代替|取代|替代|原来用|原先用|以前用|之前用|过去用)` +
		`([^，。；！？、,.;!?\n但而]{1,16})`),
}

// scopeLiterals hold, lower case, for each of scopeCues, words one of
// which every match contains: a text without them is not searched.
var scopeLiterals = [][]string{
	{"without", "instead", "rather", "unlike", "besides", "apart", "other than", "longer", "from", "not", "n't"},
	{"不", "无需", "而", "除了", "代替", "取代", "替代", "原来用", "原先用", "以前用", "之前用", "过去用"},
	{"不一样", "不同", "不太一样"}, // comparisonScope
}

// holdsCue reports whether lower, a lower-cased text, holds one of cues.
// A long s ("ſ") matches "s" in a case-insensitive pattern but is its own
// lower case: a text with one is always searched.
func holdsCue(lower string, cues []string) bool {
	for _, c := range cues {
		if strings.Contains(lower, c) {
			return true
		}
	}
	return strings.ContainsRune(lower, 'ſ')
}

// comparisonScope is "跟/和/与 X 不一样/不同": X is what the profile is not.
var comparisonScope = regexp.MustCompile(`(?:跟|和|与|同)([^，。；！？、,.;!?\n]{1,16}?)(?:不一样|不同|不太一样)`)

// clauseTurn ends an English scope early: the words after it are the
// profile's own again.
var clauseTurn = regexp.MustCompile(`(?i)\b(?:but|while|whereas|so|because|which|that|we|our|and we|to)\b`)

// notOnly marks "not only", "not just": no negation.
var notOnly = regexp.MustCompile(`(?i)^not (?:only|just|merely)\b`)

// outOfScope returns text with the words in negation or background scope
// replaced by line breaks, which end every phrase.
func outOfScope(text string) string {
	b := []byte(text)
	blank := func(start, end int) {
		for i := start; i < end; i++ {
			if b[i] != ' ' {
				b[i] = '\n'
			}
		}
	}
	lower := strings.ToLower(text)
	for i, re := range scopeCues {
		if !holdsCue(lower, scopeLiterals[i]) {
			continue
		}
		matches := englishScopes(text)
		if i > 0 {
			matches = re.FindAllStringSubmatchIndex(text, -1)
		}
		for _, m := range matches {
			if notOnly.MatchString(text[m[0]:m[1]]) {
				continue
			}
			start, end := m[2], m[3]
			if t := clauseTurn.FindStringIndex(text[start:end]); t != nil {
				end = start + t[0]
			}
			blank(start, end)
		}
	}
	if holdsCue(lower, scopeLiterals[2]) {
		for _, m := range comparisonScope.FindAllStringSubmatchIndex(text, -1) {
			blank(m[2], m[3])
		}
	}
	return string(b)
}

// scopeWords are, lower case, the first words of the English scope cues
// (scopeCues[0]) or their beginnings: a match starts only where one does.
var scopeWords = []string{"without", "instead", "rather", "unlike", "besides", "apart", "other", "no", "moved", "switched", "changed", "shifted", "converted", "do", "did"}

// scopeInitial holds the first letters of scopeWords.
var scopeInitial = func() (first [256]bool) {
	for _, w := range scopeWords {
		first[w[0]] = true
	}
	return first
}()

// anchoredScope is scopeCues[0] matching at the start of its input only.
var anchoredScope = regexp.MustCompile(`^(?:` + scopeCues[0].String() + `)`)

// englishScopes returns the matches of scopeCues[0] in text, as
// FindAllStringSubmatchIndex does, trying the expression only where a
// word of scopeWords starts instead of at every byte.
func englishScopes(text string) [][]int {
	if strings.ContainsAny(text, "ſ\u212a") {
		// Letters that match "s" and "k" of a case-insensitive pattern.
		return scopeCues[0].FindAllStringSubmatchIndex(text, -1)
	}
	lower := asciiLower(text)
	var out [][]int
	for i := 0; i < len(lower); i++ {
		if !scopeInitial[lower[i]] || i > 0 && isWordByte(lower[i-1]) || !hasAnyPrefix(lower[i:], scopeWords) {
			continue
		}
		m := submatchFrom(anchoredScope, text, i)
		if m == nil {
			continue
		}
		out = append(out, m)
		i = m[1] - 1
	}
	return out
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// submatchFrom is the submatch indexes of the first match of re in
// text[from:], as positions in text; nil for none.
func submatchFrom(re *regexp.Regexp, text string, from int) []int {
	m := re.FindStringSubmatchIndex(text[from:])
	for j := range m {
		if m[j] >= 0 {
			m[j] += from
		}
	}
	return m
}
