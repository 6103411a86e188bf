package matcher_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/duijie/duijie/internal/synth"
	"github.com/duijie/duijie/matcher"
)

// TestPrunedRanksLikeScan checks, on generated profiles, that the pruned
// walk finds exactly the candidates the scan of every profile finds, with
// the same scores to the last bit, for lists of several lengths and with
// a minimum score, and that it answers most queries itself.
func TestPrunedRanksLikeScan(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 4_000
	}
	ix := matcher.NewIndex(matcher.Default())
	for _, p := range synth.Profiles(1, n) {
		ix.Upsert(p)
	}
	queries := synth.Profiles(3, 60)
	tried, answered := 0, 0
	for i, p := range queries {
		for _, q := range []struct {
			k   int
			min float64
		}{{64, 0}, {10, 0}, {400, 0.2}, {1, 0}} {
			pruned, scanned, ok := ix.TopBoth(matcher.Query{Profile: p, MinScore: q.min}, q.k)
			tried++
			if ok {
				answered++
			}
			if len(pruned) != len(scanned) {
				t.Fatalf("query %d, k %d, min %.1f: %d candidates pruned, %d scanned", i, q.k, q.min, len(pruned), len(scanned))
			}
			for j := range pruned {
				if pruned[j] != scanned[j] {
					t.Fatalf("query %d, k %d, min %.1f, rank %d: pruned %+v, scanned %+v", i, q.k, q.min, j, pruned[j], scanned[j])
				}
			}
		}
	}
	t.Logf("%d of %d queries answered by the pruned walk", answered, tried)
	if answered*2 < tried {
		t.Errorf("the pruned walk answered %d of %d queries", answered, tried)
	}
}

// TestRankConcurrent ranks the same queries from several goroutines at
// once, each query's scratch taken from the index's pool and cleared on
// release, and expects the answers of one goroutine alone.
func TestRankConcurrent(t *testing.T) {
	ix := matcher.NewIndex(matcher.Default())
	for _, p := range synth.Profiles(1, 2_000) {
		ix.Upsert(p)
	}
	queries := synth.Profiles(3, 16)
	want := make([][]string, len(queries))
	ids := func(ms []matcher.Match) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = m.Profile.ID
		}
		return out
	}
	for i, q := range queries {
		want[i] = ids(ix.Rank(matcher.Query{Profile: q, Limit: 10}))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(queries))
	for g := range 4 {
		wg.Go(func() {
			for j := range queries {
				i := (j + g*5) % len(queries)
				if got := ids(ix.Rank(matcher.Query{Profile: queries[i], Limit: 10})); !slices.Equal(got, want[i]) {
					errs <- fmt.Sprintf("query %d: %v, alone %v", i, got, want[i])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
