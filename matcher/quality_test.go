package matcher

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The labelled sets in testdata: dev is written around the taxonomy's
// domains, broad covers fields of the whole economy in lay words.
var labelledSets = []string{"dev", "broad"}

// qualityFloors are NDCG@5 values, by set and direction, a little below
// what the ranking reaches, so that a change that loses quality fails.
var qualityFloors = map[string][2]float64{ // need → offer, offer → need
	"dev":   {0.965, 0.93},
	"broad": {0.91, 0.95},
}

// TestQualityFloors ranks each labelled set as `duijie eval` does (the
// offline reading, then the index) and checks NDCG@5 both ways.
func TestQualityFloors(t *testing.T) {
	for _, set := range labelledSets {
		ps, judged := readLabelled(t, filepath.Join("testdata", set))
		ix := NewIndex(Default())
		for i := range ps {
			an := Default().Analyze(ps[i].Kind, ps[i].Text())
			an.Apply(&ps[i])
			ix.Upsert(ps[i])
		}
		floor := qualityFloors[set]
		for i, from := range []Kind{KindNeed, KindOffer} {
			sum := Evaluate(ix, ps, judged, from)
			t.Logf("%s %s: NDCG@5 %.3f recall@10 %.3f over %d queries %v", set, from, sum.NDCG5, sum.Recall, sum.Queries, sum.ByScope)
			if sum.NDCG5 < floor[i] {
				t.Errorf("%s from %s: NDCG@5 %.3f, below the floor %.3f", set, from, sum.NDCG5, floor[i])
			}
		}
	}
}

// TestVocabularyHoldsNoEvaluationText checks that no phrase of five or
// more English words, or of eight or more Chinese characters, of the
// labelled sets occurs in the taxonomy files: the vocabulary is written
// from knowledge of the fields, never from the texts it is measured on.
func TestVocabularyHoldsNoEvaluationText(t *testing.T) {
	const enWords, zhRunes = 5, 8
	en, zh := map[string]bool{}, map[string]bool{}
	err := fs.WalkDir(taxonomyFS, "taxonomy", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := taxonomyFS.ReadFile(path)
		if err != nil {
			return err
		}
		for _, field := range strings.FieldsFunc(string(b), func(r rune) bool { return r == '\t' || r == '\n' || r == '|' }) {
			shingles(field, enWords, zhRunes, func(s string, han bool) bool {
				if han {
					zh[s] = true
				} else {
					en[s] = true
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range labelledSets {
		ps, _ := readLabelled(t, filepath.Join("testdata", set))
		for _, p := range ps {
			shingles(p.Title+"\n"+p.Description, enWords, zhRunes, func(s string, han bool) bool {
				if han && zh[s] || !han && en[s] {
					t.Errorf("%s %s: %q occurs in the taxonomy", set, p.ID, s)
					return false
				}
				return true
			})
		}
	}
}

// shingles calls fn with every run of n consecutive lower-cased words and
// of m consecutive Han characters in text, until fn returns false.
func shingles(text string, n, m int, fn func(s string, han bool) bool) {
	var words []string
	var han []rune
	flush := func() bool {
		for i := 0; i+n <= len(words); i++ {
			if !fn(strings.Join(words[i:i+n], " "), false) {
				return false
			}
		}
		for i := 0; i+m <= len(han); i++ {
			if !fn(string(han[i:i+m]), true) {
				return false
			}
		}
		words, han = words[:0], han[:0]
		return true
	}
	for _, s := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' '
	}) {
		// Punctuation ends a phrase; spaces separate words within it.
		for _, w := range strings.Fields(s) {
			var latin strings.Builder
			for _, r := range w {
				if unicode.Is(unicode.Han, r) {
					if latin.Len() > 0 {
						words = append(words, strings.ToLower(latin.String()))
						latin.Reset()
					}
					han = append(han, r)
					continue
				}
				latin.WriteRune(r)
			}
			if latin.Len() > 0 {
				words = append(words, strings.ToLower(latin.String()))
			}
		}
		if !flush() {
			return
		}
	}
}

// readLabelled reads profiles.jsonl and qrels.tsv from dir.
func readLabelled(t testing.TB, dir string) ([]Profile, []Judgement) {
	t.Helper()
	var ps []Profile
	eachLine(t, filepath.Join(dir, "profiles.jsonl"), func(line string) {
		var p Profile
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		p.Status = StatusActive
		ps = append(ps, p)
	})
	var judged []Judgement
	eachLine(t, filepath.Join(dir, "qrels.tsv"), func(line string) {
		f := strings.Split(line, "\t")
		g, err := strconv.Atoi(strings.TrimSpace(f[len(f)-1]))
		if len(f) != 3 || err != nil {
			t.Fatalf("%s: qrels line %q: want need_id, offer_id, grade", dir, line)
		}
		judged = append(judged, Judgement{Need: f[0], Offer: f[1], Grade: g})
	})
	return ps, judged
}

func eachLine(t testing.TB, name string, fn func(string)) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			fn(line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestReasonsQuoteEvidence checks, over the labelled sets, that every
// reason names only concepts both profiles contain and terms both texts
// hold, never a concept neither names.
func TestReasonsQuoteEvidence(t *testing.T) {
	tax := Default()
	for _, set := range labelledSets {
		ps, _ := readLabelled(t, filepath.Join("testdata", set))
		ix := NewIndex(tax)
		byID := map[string]*analysis{}
		for i := range ps {
			an := tax.Analyze(ps[i].Kind, ps[i].Text())
			an.Apply(&ps[i])
			ix.Upsert(ps[i])
			byID[ps[i].ID] = ix.analyze(&ps[i])
		}
		for _, p := range ps {
			qa := byID[p.ID]
			for _, m := range ix.Rank(Query{Profile: p}) {
				da := byID[m.Profile.ID]
				for _, id := range m.Concepts {
					c := tax.index[id]
					if qa.concepts[c] == 0 || da.concepts[c] == 0 {
						t.Errorf("%s → %s: concept %s is not in both", p.ID, m.Profile.ID, id)
					}
				}
				for _, term := range m.Terms {
					// A Chinese word of the query may name the meaning the other holds.
					meant := false
					for tok, w := range qa.source {
						meant = meant || w == term && da.tokens[tok] > 0
					}
					if qa.tokens[term] == 0 || da.tokens[term] == 0 && !meant {
						t.Errorf("%s → %s: term %q is not in both", p.ID, m.Profile.ID, term)
					}
				}
				for _, lang := range []Lang{LangEN, LangZH} {
					// Take out of the reason its headings and every shared concept,
					// shared term and common field: nothing but separators may remain.
					allowed := []string{"Shared", "common terms", "Common terms", "Same field", "共同点", "相同关键词", "领域相同"}
					for _, code := range m.Domains {
						allowed = append(allowed, tax.DomainsLabel([]string{code}, lang))
					}
					allowed = append(allowed, tax.ConceptLabels(m.Concepts, lang, -1)...)
					allowed = append(allowed, m.Terms...)
					slices.SortFunc(allowed, func(a, b string) int { return len(b) - len(a) })
					reason := tax.Explain(m, p.Kind, lang).Reason
					rest := reason
					for _, x := range allowed {
						rest = strings.ReplaceAll(rest, x, "")
					}
					if strings.Trim(rest, "：；:;、, ") != "" {
						t.Errorf("%s → %s: reason %q names %q, not evidence both hold", p.ID, m.Profile.ID, reason, rest)
					}
				}
			}
		}
	}
}
