package matcher

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text analysis: Chinese is written without spaces, so it is read as runs
// of Han characters (matched against the taxonomy as substrings and
// indexed as character bigrams); everything else is read as words, lower
// cased and lightly stemmed, so that "scratches" and "scratch" meet.

// segment is a maximal run of one script in a text.
type segment struct {
	han   bool
	text  string   // the Han run, when han
	words []string // stemmed words in order, stopwords kept, when !han
}

// segments splits text into Han runs and word runs. Punctuation and
// spaces end a word; a change between Han and other scripts ends a run.
// Runs and words are cut from text where they are as it says them (a
// word in lower-case ASCII), so that reading a text makes few strings.
func segments(text string) []segment {
	var segs []segment
	var words []string
	hanStart, wordStart := -1, -1
	plain := true // the word is lower-case ASCII as text has it
	flushWord := func(end int) {
		if wordStart >= 0 {
			w := text[wordStart:end]
			if !plain {
				w = foldLower(w)
			}
			words = append(words, stem(w))
			wordStart, plain = -1, true
		}
	}
	flushWords := func(end int) {
		flushWord(end)
		if len(words) > 0 {
			segs = append(segs, segment{words: words})
			words = nil
		}
	}
	flushHan := func(end int) {
		if hanStart >= 0 {
			segs = append(segs, segment{han: true, text: text[hanStart:end]})
			hanStart = -1
		}
	}
	for i, r := range text {
		switch c := classOf(r); c {
		case runeHan:
			flushWords(i)
			if hanStart < 0 {
				hanStart = i
			}
		case runeWord, runeWordToFold:
			flushHan(i)
			if wordStart < 0 {
				wordStart = i
			}
			plain = plain && c == runeWord
		case runeJoiner, runeSpace:
			// Joiners inside words: "anti-corrosion", "li-ion", "5.5", "c++".
			// They split words here; the phrase matcher sees the parts in order.
			flushHan(i)
			flushWord(i)
		default:
			// Sentence punctuation ends a phrase as well as a word.
			flushHan(i)
			flushWords(i)
		}
	}
	flushHan(len(text))
	flushWords(len(text))
	return segs
}

// runeClass is what a character is to segments.
type runeClass uint8

const (
	runePunct      runeClass = iota
	runeHan                  // a Han character
	runeWord                 // a lower-case ASCII letter or a digit
	runeWordToFold           // another letter or digit: folded and lower-cased in words
	runeJoiner               // - ' . +
	runeSpace
)

// classOf classes r after folding full-width forms; ASCII, most of a
// text, needs no table look-up.
func classOf(r rune) runeClass {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			return runeWord
		case 'A' <= r && r <= 'Z':
			return runeWordToFold
		case r == '-' || r == '\'' || r == '.' || r == '+':
			return runeJoiner
		case r == ' ' || '\t' <= r && r <= '\r':
			return runeSpace
		}
		return runePunct
	}
	switch r = fold(r); {
	case unicode.Is(unicode.Han, r):
		return runeHan
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return runeWordToFold
	case r == '-' || r == '\'' || r == '.' || r == '+':
		return runeJoiner
	case unicode.IsSpace(r):
		return runeSpace
	}
	return runePunct
}

// foldLower is a word of letters and digits folded to ASCII where it has
// full-width forms, in lower case.
func foldLower(w string) string {
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		b.WriteRune(unicode.ToLower(fold(r)))
	}
	return b.String()
}

// fold maps full-width ASCII forms (common in Chinese text) to ASCII.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFEE0
	}
	if r == 0x3000 {
		return ' '
	}
	return r
}

// stem strips common English inflections. It is deliberately light: both
// sides of every comparison go through it, so consistency matters more
// than linguistics. Non-ASCII words are returned as they are.
func stem(w string) string {
	if len(w) <= 3 || !isASCII(w) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"), strings.HasSuffix(w, "ous"):
		return w
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		return undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		return undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// undouble turns "cutt" (from "cutting") into "cut".
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Tokens returns the lexical terms of text: stemmed English words without
// stopwords, and the character bigrams of each Han run (a lone Han
// character counts as a term of its own). Single letters are dropped.
func Tokens(text string) []string {
	var out []string
	for _, s := range segments(text) {
		if s.han {
			out = appendBigrams(out, s.text)
			continue
		}
		out = appendWords(out, s.words)
	}
	return out
}

// appendBigrams appends the terms of a Han run: its character bigrams
// that are not stopwords, or the run itself when it is one character.
func appendBigrams(out []string, run string) []string {
	at := runeStarts(run)
	if len(at) == 2 {
		return append(out, run)
	}
	for i := 0; i+2 < len(at); i++ {
		if bg := run[at[i]:at[i+2]]; !zhStop[bg] {
			out = append(out, bg)
		}
	}
	return out
}

// runeStarts returns the byte offsets at which the runes of s start, and
// len(s) last: rune i of s is s[at[i]:at[i+1]].
func runeStarts(s string) []int {
	at := make([]int, 0, len(s)/3+1)
	for i := range s {
		at = append(at, i)
	}
	return append(at, len(s))
}

// appendWords appends the stemmed words that are terms: not stopwords,
// numbers or single letters.
func appendWords(out, words []string) []string {
	for _, w := range words {
		if len(w) > 1 && !enStop[w] && !allDigits(w) {
			out = append(out, w)
		}
	}
	return out
}

// termMatcher finds taxonomy terms in text: English terms as sequences of
// stemmed words, Chinese terms as substrings of Han runs.
type termMatcher struct {
	en       map[string][]enTerm // first stemmed word → terms starting with it
	zh       map[string][]*Concept
	zhMaxLen int // longest Chinese term in runes
	// zhLens has, for each first character of a Chinese term, bit n set
	// when a term of n runes starts with it: at a position only those
	// lengths are looked up.
	zhLens runeLens
}

// runeLens maps a character to the lengths, in runes, of the words that
// start with it: bit n for n runes, lengths of 64 and more in bit 63.
type runeLens map[rune]uint64

func (l runeLens) add(word string) {
	r, _ := utf8.DecodeRuneInString(word)
	l[r] |= lenBit(utf8.RuneCountInString(word))
}

func lenBit(n int) uint64 { return 1 << min(n, 63) }

// has reports whether a word of n runes may start with r, given the
// lengths of words starting with r.
func has(lens uint64, n int) bool { return lens&lenBit(n) != 0 }

type enTerm struct {
	words   []string
	concept *Concept
}

func newTermMatcher(concepts []*Concept) *termMatcher {
	m := &termMatcher{en: map[string][]enTerm{}, zh: map[string][]*Concept{}, zhLens: runeLens{}}
	for _, c := range concepts {
		for _, t := range c.EN {
			var words []string
			for _, s := range segments(t) {
				if s.han {
					words = nil // a Chinese character in an English term: ignore the term
					break
				}
				words = append(words, s.words...)
			}
			if len(words) == 0 || (len(words) == 1 && len(words[0]) < 2) {
				continue
			}
			m.en[words[0]] = append(m.en[words[0]], enTerm{words: words, concept: c})
		}
		for _, t := range c.ZH {
			// Chinese terms may mix in Latin letters ("PBAT地膜"); only the
			// pure Han part can be found as a substring of a Han run.
			if !allHan(t) {
				continue
			}
			if n := utf8.RuneCountInString(t); n >= 2 {
				m.zh[t] = appendUnique(m.zh[t], c)
				m.zhLens.add(t)
				if n > m.zhMaxLen {
					m.zhMaxLen = n
				}
			}
		}
	}
	return m
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

func appendUnique(list []*Concept, c *Concept) []*Concept {
	for _, x := range list {
		if x == c {
			return list
		}
	}
	return append(list, c)
}

// hit is one occurrence of a taxonomy term: its span in a segment, in
// words or runes.
type hit struct {
	seg, start, end int
	concept         *Concept
}

// find returns the concepts whose terms occur in text, each with its
// number of occurrences. A term inside a longer matched term does not
// count ("电池" inside "燃料电池").
// Words in negation or background scope find none.
func (m *termMatcher) find(text string) map[*Concept]int {
	var hits []hit
	for si, s := range segments(outOfScope(text)) {
		if s.han {
			at := runeStarts(s.text)
			runes := len(at) - 1
			for i := range runes {
				r, _ := utf8.DecodeRuneInString(s.text[at[i]:])
				lens := m.zhLens[r]
				if lens == 0 {
					continue
				}
				for n := 2; n <= m.zhMaxLen && i+n <= runes; n++ {
					if !has(lens, n) {
						continue
					}
					for _, c := range m.zh[s.text[at[i]:at[i+n]]] {
						hits = append(hits, hit{si, i, i + n, c})
					}
				}
			}
			continue
		}
		for i, w := range s.words {
			for _, t := range m.en[w] {
				if i+len(t.words) <= len(s.words) && equalWords(s.words[i:i+len(t.words)], t.words) {
					hits = append(hits, hit{si, i, i + len(t.words), t.concept})
				}
			}
		}
	}
	return countOutermost(hits)
}

func equalWords(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// countOutermost counts hits per concept, skipping a hit whose span lies
// strictly inside a longer hit of another concept.
func countOutermost(hits []hit) map[*Concept]int {
	counts := map[*Concept]int{}
	for i, h := range hits {
		inside := false
		for j, o := range hits {
			if j != i && o.seg == h.seg && o.concept != h.concept &&
				o.start <= h.start && h.end <= o.end && o.end-o.start > h.end-h.start {
				inside = true
				break
			}
		}
		if !inside {
			counts[h.concept]++
		}
	}
	return counts
}

// DetectLang tells whether text is mostly Chinese or not: Chinese when at
// least a fifth of its letters are Han characters.
func DetectLang(text string) Lang {
	var han, letters int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	// A Han character carries about as much as a short word: weigh it up.
	if letters > 0 && han*5 >= letters {
		return LangZH
	}
	return LangEN
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
