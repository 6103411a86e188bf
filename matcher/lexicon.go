package matcher

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// The bridge. The taxonomy covers the fields it was written for; for the
// words it does not know, a general Chinese–English dictionary (derived
// from CC-CEDICT, see lexicon/LICENSE) lets a Chinese word meet its
// English counterpart: each Chinese word of a text adds the English words
// of its first meaning to the text's lexical terms, so "猫砂" in a need
// shares "cat" and "litter" with an English offer, and an English need
// meets the Chinese offer the same way. The dictionary also segments
// Chinese text into words, together with the taxonomy's Chinese terms.

//go:embed lexicon/cedict.tsv.gz
var cedictGz []byte

// lexicon is the Chinese–English dictionary, read once when first used.
type lexicon struct {
	gloss  map[string][]string // Chinese word → the lexical terms of its first meaning
	maxLen int                 // longest word in runes
	lens   runeLens            // the lengths of the words starting with each character
}

// maxGlossTerms is how many English terms one Chinese word adds at most.
const maxGlossTerms = 3

var (
	lexOnce sync.Once
	lex     *lexicon
)

// defaultLexicon returns the embedded dictionary, reading it on first use.
func defaultLexicon() *lexicon {
	lexOnce.Do(func() {
		l, err := readLexicon(cedictGz)
		if err != nil {
			panic("matcher: embedded lexicon is broken: " + err.Error())
		}
		lex = l
	})
	return lex
}

// readLexicon reads gzipped lines of simplified<TAB>glosses separated by
// "/"; lines starting with # are comments.
func readLexicon(gz []byte) (*lexicon, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	l := &lexicon{gloss: map[string][]string{}, lens: runeLens{}}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		zh, glosses, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		first, _, _ := strings.Cut(glosses, "/")
		terms := Tokens(first)
		if len(terms) > maxGlossTerms {
			terms = terms[:maxGlossTerms]
		}
		l.gloss[zh] = terms
		l.maxLen = max(l.maxLen, utf8.RuneCountInString(zh))
		l.lens.add(zh)
	}
	return l, sc.Err()
}

// words splits a run of Han characters into words, longest match first
// from the left, by the dictionary and the taxonomy's Chinese terms; a
// character no word starts with is a word of its own.
func (l *lexicon) words(run string, terms *termMatcher) []string {
	at := runeStarts(run)
	runes := len(at) - 1
	longest := max(l.maxLen, terms.zhMaxLen)
	var out []string
	for i := 0; i < runes; {
		n := 1
		r, _ := utf8.DecodeRuneInString(run[at[i]:])
		lens := l.lens[r] | terms.zhLens[r]
		for k := min(longest, runes-i); k >= 2 && lens != 0; k-- {
			if !has(lens, k) {
				continue
			}
			w := run[at[i]:at[i+k]]
			if _, ok := l.gloss[w]; ok || len(terms.zh[w]) > 0 {
				n = k
				break
			}
		}
		out = append(out, run[at[i]:at[i+n]])
		i += n
	}
	return out
}

// bridgedTerm is an English term a Chinese word of a text stands for.
type bridgedTerm struct{ term, word string }

// read returns the lexical terms of text like Tokens, except that Han
// runs are cut into dictionary words (of two characters or more, common
// ones left out) instead of character bigrams; the English terms its
// Chinese words stand for; and, when asked, Tokens of text, so that the
// text is cut into segments once.
func (l *lexicon) read(text string, tm *termMatcher, withTokens bool) (own []string, bridged []bridgedTerm, tokens []string) {
	for _, s := range segments(text) {
		if !s.han {
			n := len(own)
			own = appendWords(own, s.words)
			if withTokens {
				tokens = append(tokens, own[n:]...)
			}
			continue
		}
		if withTokens {
			tokens = appendBigrams(tokens, s.text)
		}
		for _, w := range l.words(s.text, tm) {
			if zhStop[w] {
				continue
			}
			if utf8.RuneCountInString(w) >= 2 {
				own = append(own, w)
			}
			for _, t := range l.gloss[w] {
				bridged = append(bridged, bridgedTerm{t, w})
			}
		}
	}
	return own, bridged, tokens
}
