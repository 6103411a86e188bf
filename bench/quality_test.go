package bench

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/duijie/duijie/matcher"
)

var devSet = flag.String("devset", "", "directory with another labelled set (profiles.jsonl, qrels.tsv) to rank as well as the demo set")

// TestQuality logs NDCG@5 and recall@10, both directions, of the bleve
// baseline and of the matcher on the demo set and, with -devset, on
// another labelled set. It asserts nothing about either.
func TestQuality(t *testing.T) {
	dirs := []string{filepath.Join("..", "demo")}
	if *devSet != "" {
		dirs = append(dirs, *devSet)
	}
	for _, dir := range dirs {
		ps, judged, err := readLabelled(dir)
		if err != nil {
			t.Fatal(err)
		}
		compare(t, filepath.Base(dir), ps, judged)
	}
}

// readLabelled reads profiles.jsonl and qrels.tsv (need id, offer id,
// grade) from dir. It reads them itself, so that this module depends on
// nothing of the product beyond the matcher.
func readLabelled(dir string) ([]matcher.Profile, []matcher.Judgement, error) {
	var ps []matcher.Profile
	err := eachLine(filepath.Join(dir, "profiles.jsonl"), func(line string) error {
		var p matcher.Profile
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			return err
		}
		p.Status = matcher.StatusActive
		ps = append(ps, p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var judged []matcher.Judgement
	err = eachLine(filepath.Join(dir, "qrels.tsv"), func(line string) error {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return fmt.Errorf("%q: want need_id, offer_id, grade", line)
		}
		g, err := strconv.Atoi(strings.TrimSpace(f[2]))
		if err != nil {
			return err
		}
		judged = append(judged, matcher.Judgement{Need: f[0], Offer: f[1], Grade: g})
		return nil
	})
	return ps, judged, err
}

func eachLine(name string, fn func(string) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			if err := fn(line); err != nil {
				return fmt.Errorf("%s:%d: %w", name, n, err)
			}
		}
	}
	return sc.Err()
}

// compare ranks a labelled set with both engines and logs the figures.
// Profiles are normalized as an import normalizes them.
func compare(t *testing.T, name string, ps []matcher.Profile, judged []matcher.Judgement) {
	tax := matcher.Default()
	ix := matcher.NewIndex(tax)
	for i := range ps {
		a := tax.Analyze(ps[i].Kind, ps[i].Text())
		a.Apply(&ps[i])
		ix.Upsert(ps[i])
	}
	base, err := NewBaseline(ps)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	byID := map[string]matcher.Profile{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	rankMatcher := func(p matcher.Profile) ([]string, error) {
		var ids []string
		for _, m := range ix.Rank(matcher.Query{Profile: p, Limit: 10}) {
			ids = append(ids, m.Profile.ID)
		}
		return ids, nil
	}
	rankBleve := func(p matcher.Profile) ([]string, error) { return base.Top(p, 10) }
	for _, from := range []matcher.Kind{matcher.KindNeed, matcher.KindOffer} {
		bn5, br10, queries := evaluate(t, rankBleve, byID, judged, from)
		mn5, mr10, _ := evaluate(t, rankMatcher, byID, judged, from)
		t.Logf("%s %s→%s over %d queries: NDCG@5 bleve %.3f, matcher %.3f; recall@10 bleve %.3f, matcher %.3f",
			name, from, from.Counterpart(), queries, bn5, mn5, br10, mr10)
	}
}

// evaluate measures a ranking as `duijie eval` does: NDCG@5 with gain
// 2^grade − 1 and the ideal DCG from all judged items, recall@10 of items
// with grade ≥ 1, over the profiles of kind from with a judged counterpart.
func evaluate(t *testing.T, rank func(matcher.Profile) ([]string, error), byID map[string]matcher.Profile, judged []matcher.Judgement, from matcher.Kind) (ndcg5, recall10 float64, queries int) {
	rel := map[string]map[string]int{}
	for _, j := range judged {
		q, c := j.Need, j.Offer
		if from == matcher.KindOffer {
			q, c = j.Offer, j.Need
		}
		if rel[q] == nil {
			rel[q] = map[string]int{}
		}
		rel[q][c] = j.Grade
	}
	for id, r := range rel {
		p, ok := byID[id]
		if !ok || p.Kind != from {
			continue
		}
		ranked, err := rank(p)
		if err != nil {
			t.Fatal(err)
		}
		ndcg5 += ndcg(ranked, r, 5)
		found := 0
		for _, c := range ranked {
			if r[c] > 0 {
				found++
			}
		}
		recall10 += float64(found) / float64(len(r))
		queries++
	}
	if queries > 0 {
		ndcg5 /= float64(queries)
		recall10 /= float64(queries)
	}
	return ndcg5, recall10, queries
}

func ndcg(ranked []string, rel map[string]int, k int) float64 {
	gain := func(g int) float64 { return math.Pow(2, float64(g)) - 1 }
	var dcg, idcg float64
	for i, id := range ranked[:min(k, len(ranked))] {
		dcg += gain(rel[id]) / math.Log2(float64(i+2))
	}
	var grades []int
	for _, g := range rel {
		grades = append(grades, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(grades)))
	for i, g := range grades[:min(k, len(grades))] {
		idcg += gain(g) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}
