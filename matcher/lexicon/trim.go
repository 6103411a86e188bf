//go:build ignore

// Trim writes cedict.tsv.gz from a CC-CEDICT conversion with one entry a
// line (traditional, simplified, pinyin, glosses separated by "/"):
//
//	go run trim.go SOURCE.tsv.gz
//
// It keeps the words written in two to eight Han characters that are not
// proper names (their pinyin starts with a capital letter), and of each
// its first three glosses that are meanings, cleaned of notes in
// brackets, classifiers and cross-references. Entries of the same
// simplified form are merged.
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

const maxGlosses = 3

var (
	brackets   = regexp.MustCompile(`\([^)]*\)|\[[^\]]*\]|\{[^}]*\}`)
	notMeaning = regexp.MustCompile(`(?i)^(cl:|variant of|old variant|see |see also|surname |abbr\. |also written|also pr\.|used in |erhua variant|japanese variant|taiwan pr\.|\(?tw\)?|\(?old\)?|radical in chinese)`)
	spaces     = regexp.MustCompile(`\s+`)
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run trim.go SOURCE.tsv.gz")
		os.Exit(2)
	}
	in, err := os.Open(os.Args[1])
	check(err)
	zr, err := gzip.NewReader(in)
	check(err)
	glosses := map[string][]string{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 || strings.HasPrefix(f[0], "#") {
			continue
		}
		zh, pinyin := f[1], f[2]
		if n := utf8.RuneCountInString(zh); n < 2 || n > 8 || !allHan(zh) || unicode.IsUpper([]rune(pinyin)[0]) {
			continue
		}
		for _, g := range strings.Split(f[3], "/") {
			if notMeaning.MatchString(strings.TrimSpace(g)) {
				continue
			}
			g = strings.TrimSpace(spaces.ReplaceAllString(brackets.ReplaceAllString(g, " "), " "))
			g = strings.Trim(strings.TrimPrefix(g, "to "), " ,;.")
			if g == "" || len(glosses[zh]) == maxGlosses || contains(glosses[zh], g) {
				continue
			}
			glosses[zh] = append(glosses[zh], g)
		}
	}
	check(sc.Err())
	words := make([]string, 0, len(glosses))
	for w, gs := range glosses {
		if len(gs) > 0 {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	out, err := os.Create("cedict.tsv.gz")
	check(err)
	zw, err := gzip.NewWriterLevel(out, gzip.BestCompression)
	check(err)
	bw := bufio.NewWriter(zw)
	fmt.Fprintln(bw, "# Derived from CC-CEDICT (MDBG), CC BY-SA 4.0; see LICENSE. simplified<TAB>glosses separated by /")
	for _, w := range words {
		fmt.Fprintf(bw, "%s\t%s\n", w, strings.Join(glosses[w], "/"))
	}
	check(bw.Flush())
	check(zw.Close())
	check(out.Close())
	fmt.Fprintf(os.Stderr, "%d words\n", len(words))
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
